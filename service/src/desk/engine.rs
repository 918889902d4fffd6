//! The desk's plan arithmetic: routes as visit sequences, the solver's rules as violation
//! codes, best insertions, and plans rebuilt and checked.

use std::collections::BTreeMap;

use rota_solver::check::{self, Rule};
use rota_solver::format::*;
use rota_solver::instance::{Day, PinRule, RegionAccess, TechIdx, VisitIdx};
use rota_solver::planner::rules;
use rota_solver::planner::schedule::{self, Schedule};
use rota_solver::time::{LocalDateTime, Secs, hhmm};

use super::types::{SlotOption, Violation};
use super::{Model, State};

/// One visit sequence per technician-day (non-empty routes only).
pub(crate) type Routes = BTreeMap<(TechIdx, Day), Vec<VisitIdx>>;

pub(crate) const DESK_SOLVER: &str = concat!("rota-desk/", env!("CARGO_PKG_VERSION"));

/// The routes of a plan, in the model's indices (stops of unknown visits or technicians, or
/// outside the horizon, are dropped).
pub(crate) fn routes_of(model: &Model, plan: &Plan) -> Routes {
    let mut routes = Routes::new();
    for r in &plan.routes {
        let Some(&t) = model.tech_ix.get(&r.technician) else { continue };
        let d = (r.day - model.inst.origin).num_days();
        if d < 0 || d >= i64::from(model.inst.days) {
            continue;
        }
        let seq: Vec<VisitIdx> = r.stops.iter().filter_map(|s| model.visit_ix.get(&s.visit).copied()).collect();
        if !seq.is_empty() {
            routes.entry((t, d as Day)).or_default().extend(seq);
        }
    }
    routes
}

pub(crate) fn position(routes: &Routes, v: VisitIdx) -> Option<(TechIdx, Day, usize)> {
    routes.iter().find_map(|(&(t, d), seq)| seq.iter().position(|&x| x == v).map(|k| (t, d, k)))
}

pub(crate) fn remove(routes: &mut Routes, v: VisitIdx) -> Option<(TechIdx, Day)> {
    let (t, d, k) = position(routes, v)?;
    let seq = routes.get_mut(&(t, d))?;
    seq.remove(k);
    if seq.is_empty() {
        routes.remove(&(t, d));
    }
    Some((t, d))
}

fn settings(prev: &Plan, author: &str) -> SolverSettings {
    SolverSettings {
        solver: if prev.settings.solver.is_empty() { DESK_SOLVER.to_string() } else { prev.settings.solver.clone() },
        author: author.to_string(),
        ..prev.settings.clone()
    }
}

/// A plan with nothing assigned (before the first solve); figures filled by [`build_plan`].
pub(crate) fn empty_plan(model: &Model) -> Plan {
    Plan {
        format: PLAN_FORMAT.to_string(),
        problem: model.reference.clone(),
        settings: SolverSettings {
            solver: DESK_SOLVER.to_string(),
            policy: model.inst.policy.name.clone(),
            seed: 0,
            time_limit_s: 0.0,
            max_iterations: 0,
            iterations: 0,
            author: "dispatcher".to_string(),
        },
        routes: Vec::new(),
        unassigned: Vec::new(),
        kpis: Kpis::default(),
        objective: Objective::default(),
    }
}

/// The furthest static rule any technician-day breaks for `v`, or `NoCapacity` when some
/// technician-day passes them all (the reason the solver would give a visit it could not fit).
pub(crate) fn fresh_reason(model: &Model, v: VisitIdx) -> ReasonCode {
    let inst = &model.inst;
    let mut furthest: Option<ReasonCode> = None;
    for t in 0..inst.technicians.len() {
        for day in 0..inst.days {
            match rules::static_rules(inst, v, t, day) {
                Ok(()) => return ReasonCode::NoCapacity,
                Err(code) => {
                    if furthest.is_none_or(|f| rules::stage(code) > rules::stage(f)) {
                        furthest = Some(code);
                    }
                }
            }
        }
    }
    furthest.unwrap_or(ReasonCode::NoSkilledTechnician)
}

/// A `rota-plan/1` of `routes` with every figure recomputed by the independent checker, and
/// the hard rules the checker finds broken (empty = feasible). The model's pins must already
/// hold the locks of these routes.
pub(crate) fn build_plan(model: &Model, routes: &Routes, prev: &Plan, author: &str) -> (Plan, Vec<Violation>) {
    let inst = &model.inst;
    let mut broken = Vec::new();
    let mut out_routes = Vec::new();
    let mut placed = vec![false; inst.visits.len()];
    for (&(t, day), seq) in routes {
        if seq.is_empty() {
            continue;
        }
        let Some(s) = schedule::schedule(inst, &model.travel, t, day, seq) else {
            broken.push(
                route_problem(model, t, day, seq)
                    .with("technician", inst.technicians[t].id.clone())
                    .with("day", inst.date(day).to_string()),
            );
            continue;
        };
        for &v in seq {
            placed[v] = true;
        }
        out_routes.push(route_of(model, t, day, seq, &s));
    }
    let prev_reasons: BTreeMap<&str, &Vec<Reason>> =
        prev.unassigned.iter().map(|u| (u.visit.as_str(), &u.reasons)).collect();
    let mut unassigned: Vec<Unassigned> = (0..inst.visits.len())
        .filter(|&v| inst.visits[v].needs_plan() && !placed[v])
        .map(|v| {
            let id = &inst.visits[v].id;
            let reasons = match prev_reasons.get(id.as_str()) {
                Some(r) if !r.is_empty() => (*r).clone(),
                _ => vec![rules::reason(inst, v, fresh_reason(model, v))],
            };
            Unassigned { visit: id.clone(), reasons }
        })
        .collect();
    let mut plan = Plan {
        format: PLAN_FORMAT.to_string(),
        problem: model.reference.clone(),
        settings: settings(prev, author),
        routes: out_routes,
        unassigned: Vec::new(),
        kpis: Kpis::default(),
        objective: Objective::default(),
    };
    plan.unassigned = unassigned.clone();
    let mut report = check::check_plan(inst, &model.travel, &plan);
    // A reason carried over from the previous plan may no longer hold (a provider share
    // changed): give those visits the reason the rules give now, and check again.
    let stale: Vec<String> = report.of(Rule::Reason).filter_map(|x| x.visit.clone()).collect();
    if !stale.is_empty() {
        for u in &mut unassigned {
            if stale.contains(&u.visit)
                && let Some(&v) = model.visit_ix.get(&u.visit)
            {
                u.reasons = vec![rules::reason(inst, v, fresh_reason(model, v))];
            }
        }
        plan.unassigned = unassigned;
        report = check::check_plan(inst, &model.travel, &plan);
    }
    for x in &report.violations {
        if x.rule == Rule::ReportedFigure {
            continue;
        }
        let code = match x.rule {
            Rule::Skill => "skill",
            Rule::Certification => "certification",
            Rule::Region => "region",
            Rule::Provider => "provider_certification",
            Rule::ProviderShare => "provider_share",
            Rule::Excluded => "excluded",
            Rule::DayOff => "day_off",
            Rule::Shift => "shift",
            Rule::Break => "break",
            Rule::TimeWindow => "window",
            Rule::Travel => "travel_model",
            Rule::Timing => "timing",
            Rule::Capacity => "capacity",
            Rule::MaxVisits => "max_visits",
            Rule::Pin | Rule::Fixed => "pin",
            _ => "unknown",
        };
        let mut v = Violation::new(code).with("message", x.to_string());
        if let Some(visit) = &x.visit {
            v = v.with("visit", visit.clone());
        }
        broken.push(v);
    }
    plan.kpis = report.kpis;
    plan.objective = report.objective;
    (plan, broken)
}

pub(crate) fn route_of(model: &Model, t: TechIdx, day: Day, seq: &[VisitIdx], s: &Schedule) -> Route {
    let inst = &model.inst;
    let at = |x: Secs| LocalDateTime::from_secs(inst.origin, x);
    let tech = &inst.technicians[t];
    Route {
        technician: tech.id.clone(),
        day: inst.date(day),
        start_site: inst.sites[tech.start_site].id.clone(),
        end_site: inst.sites[tech.end_site].id.clone(),
        start: at(s.route_start),
        end: at(s.route_end),
        stops: seq
            .iter()
            .enumerate()
            .map(|(k, &v)| Stop {
                visit: inst.visits[v].id.clone(),
                leg: Leg { travel_s: s.legs[k].secs, distance_m: s.legs[k].meters },
                depart: at(s.depart[k]),
                arrival: at(s.arrival[k]),
                start: at(s.start[k]),
                end: at(s.end[k]),
                sla_late_min: inst.visits[v].sla.map_or(0, |sla| ((s.start[k] - sla).max(0) + 59) / 60),
            })
            .collect(),
        return_leg: Leg { travel_s: s.return_leg.secs, distance_m: s.return_leg.meters },
        break_: s.break_.map(|(b, e)| PlannedBreak { start: at(b), end: at(e) }),
        travel_s: s.travel_s,
        distance_m: s.distance_m,
        service_s: s.service_s,
        wait_s: s.wait_s,
        parts_volume: seq.iter().map(|&v| inst.visits[v].parts).sum(),
    }
}

/// Every static rule visit `v` breaks with technician `t` on `day` — the rules of
/// [`rules::static_rules`], all of them, as the UI's violation codes.
pub(crate) fn static_violations(model: &Model, v: VisitIdx, t: TechIdx, day: Day) -> Vec<Violation> {
    let inst = &model.inst;
    let visit = &inst.visits[v];
    let tech = &inst.technicians[t];
    let date = inst.date(day).to_string();
    let mut out = Vec::new();
    let held = tech.skill_level[visit.skill];
    if held < visit.min_level {
        out.push(
            Violation::new("skill")
                .with("skill", inst.skills[visit.skill].clone())
                .with("level", visit.min_level)
                .with("held", held),
        );
    }
    for &c in &visit.certs {
        if !tech.holds_cert_on(c, day) {
            out.push(
                Violation::new("certification")
                    .with("certification", inst.certifications[c].clone())
                    .with("day", date.clone()),
            );
        }
    }
    let region = inst.regions[visit.region].id.clone();
    if tech.region_access[visit.region] == RegionAccess::None {
        out.push(Violation::new("region").with("region", region.clone()));
    }
    if let Some(p) = tech.provider {
        let provider = &inst.providers[p];
        if !provider.certified_on(day) {
            out.push(Violation::new("provider_certification").with("provider", provider.id.clone()));
        } else if !provider.serves[visit.region] {
            out.push(Violation::new("region").with("region", region));
        }
    }
    if visit.excluded.contains(&t) {
        out.push(Violation::new("excluded"));
    }
    match tech.shifts.get(day as usize).copied().flatten() {
        None => {
            let absent = model
                .problem
                .technicians
                .iter()
                .find(|x| x.id == tech.id)
                .is_some_and(|x| x.absences.iter().any(|a| a.from <= inst.date(day) && inst.date(day) <= a.to));
            out.push(Violation::new(if absent { "absent" } else { "day_off" }).with("day", date));
        }
        Some(shift) => {
            let latest_start = shift.end - visit.duration;
            let fixed = schedule::fixed_start(inst, v);
            let reachable = match fixed {
                Some(s) => shift.start <= s && s <= latest_start,
                None => visit.windows.iter().any(|&(ws, we)| ws <= latest_start && we >= shift.start),
            };
            if !reachable {
                if fixed.is_some() {
                    out.push(
                        Violation::new("shift")
                            .with("start", hhmm(inst.origin, shift.start))
                            .with("end", hhmm(inst.origin, shift.end)),
                    );
                } else {
                    out.push(Violation::new("window").with("windows", visit.windows.len()));
                }
            }
        }
    }
    let pin = visit.pin;
    let pinned_elsewhere = pin.tech.is_some_and(|pt| pt != t) || pin.day.is_some_and(|pd| pd != day);
    let fixed_elsewhere = visit.status.is_fixed() && visit.current.is_some_and(|c| c.tech != t || c.day() != day);
    if pinned_elsewhere || fixed_elsewhere {
        out.push(Violation::new("pin"));
    }
    // The solver's function is the reference: never let a move through that it refuses.
    if out.is_empty() && rules::static_rules(inst, v, t, day).is_err() {
        out.push(Violation::new("unknown"));
    }
    out
}

/// Route-level limits of adding `v` to `seq` (technician `t`): visits per day, vehicle
/// capacity, the provider's maximum share of the visit's region.
pub(crate) fn limit_violations(
    model: &Model,
    routes: &Routes,
    seq: &[VisitIdx],
    v: VisitIdx,
    t: TechIdx,
) -> Vec<Violation> {
    let inst = &model.inst;
    let tech = &inst.technicians[t];
    let mut out = Vec::new();
    if seq.len() as u32 + 1 > tech.max_visits_per_day {
        out.push(Violation::new("max_visits").with("max", tech.max_visits_per_day));
    }
    let parts: f64 = seq.iter().map(|&x| inst.visits[x].parts).sum::<f64>() + inst.visits[v].parts;
    if parts > tech.capacity + 1e-9 {
        out.push(Violation::new("capacity").with("capacity", tech.capacity));
    }
    if let Some(p) = tech.provider {
        let region = inst.visits[v].region;
        let mut load = 0u32;
        for (&(rt, _), rseq) in routes {
            if inst.technicians[rt].provider == Some(p) {
                load += rseq.iter().filter(|&&x| x != v && inst.visits[x].region == region).count() as u32;
            }
        }
        let provider = &inst.providers[p];
        if load + 1 > provider.max_visits_in(&inst.regions[region]) {
            out.push(
                Violation::new("provider_share")
                    .with("provider", provider.id.clone())
                    .with("region", inst.regions[region].id.clone()),
            );
        }
    }
    out
}

/// The cheapest position for `v` in `seq` (least extra travel, then earliest finish): the new
/// sequence, its schedule and the extra travel in seconds.
pub(crate) fn best_insertion(
    model: &Model,
    seq: &[VisitIdx],
    v: VisitIdx,
    t: TechIdx,
    day: Day,
) -> Option<(Vec<VisitIdx>, Schedule, i64)> {
    let inst = &model.inst;
    let base = if seq.is_empty() { 0 } else { schedule::schedule(inst, &model.travel, t, day, seq)?.travel_s };
    let mut best: Option<(Vec<VisitIdx>, Schedule, i64)> = None;
    for pos in 0..=seq.len() {
        let mut cand = seq.to_vec();
        cand.insert(pos, v);
        let Some(s) = schedule::schedule(inst, &model.travel, t, day, &cand) else { continue };
        let extra = s.travel_s - base;
        if best.as_ref().is_none_or(|(_, bs, be)| (extra, s.route_end) < (*be, bs.route_end)) {
            best = Some((cand, s, extra));
        }
    }
    best
}

/// Moves `v` to technician `t` on `day` (at `start` if given): the new routes, or every rule
/// the move breaks.
pub(crate) fn try_move(
    model: &mut Model,
    state: &State,
    v: VisitIdx,
    t: TechIdx,
    day: Day,
    start: Option<Secs>,
) -> Result<Routes, Vec<Violation>> {
    let origin = model.inst.origin;
    let mut out = static_violations(model, v, t, day);
    let visit = &model.inst.visits[v];
    let shift = model.inst.technicians[t].shifts.get(day as usize).copied().flatten();
    if let Some(s) = start {
        if schedule::fixed_start(&model.inst, v).is_some_and(|f| f != s) && !out.iter().any(|x| x.code == "pin") {
            out.push(Violation::new("pin"));
        }
        if !visit.windows.iter().any(|&(ws, we)| ws <= s && s <= we) && !out.iter().any(|x| x.code == "window") {
            out.push(Violation::new("window").with("windows", visit.windows.len()));
        }
        if let Some(sh) = shift
            && (s < sh.start || s + visit.duration > sh.end)
            && !out.iter().any(|x| x.code == "shift")
        {
            out.push(Violation::new("shift").with("start", hhmm(origin, sh.start)).with("end", hhmm(origin, sh.end)));
        }
    }
    let mut routes = state.routes.clone();
    let from = remove(&mut routes, v);
    let seq = routes.get(&(t, day)).cloned().unwrap_or_default();
    out.extend(limit_violations(model, &routes, &seq, v, t));
    if !out.is_empty() {
        return Err(out);
    }
    if let Some((ft, fd)) = from
        && let Some(rest) = routes.get(&(ft, fd))
        && schedule::schedule(&model.inst, &model.travel, ft, fd, rest).is_none()
    {
        return Err(vec![Violation::new("unknown")]);
    }
    let saved = model.inst.visits[v].pin;
    if let Some(s) = start {
        model.inst.visits[v].pin = PinRule { tech: Some(t), day: Some(day), start: Some(s) };
    }
    let found = best_insertion(model, &seq, v, t, day);
    // Diagnosed with the drop time still pinned: the visit must start exactly then.
    let why = found.is_none().then(|| diagnose(model, &seq, v, t, day, start));
    model.inst.visits[v].pin = saved;
    match (found, why) {
        (Some((new_seq, _, _)), _) => {
            routes.insert((t, day), new_seq);
            Ok(routes)
        }
        (None, why) => Err(vec![why.unwrap_or_else(|| Violation::new("unknown"))]),
    }
}

/// Whole minutes of `secs`, rounded up (a second late is a minute late).
fn minutes_up(secs: Secs) -> i64 {
    (secs.max(0) + 59) / 60
}

/// How far a diagnosis misses: its minutes late or over (0 when it has none).
fn miss_minutes(v: &Violation) -> i64 {
    ["late_min", "over_min"].iter().find_map(|k| v.params.get(*k).and_then(|x| x.as_i64())).unwrap_or(0)
}

/// Why `seq` has no feasible schedule for technician `t` on `day`, from its earliest times
/// with the waits the windows impose (a stop that cannot be served in time is counted as
/// served on arrival, so what follows is not blamed on it):
/// - `travel_late {visit, from, late_min}`: a visit with a fixed start (a drop time, a pin, a
///   dispatched visit) cannot be reached by then from the stop (or site) before it;
/// - `window_late {visit, late_min}`: a stop would start after the last of its windows closes;
/// - `day_full {over_min, end}`: the route, return included, ends after the shift (end HH:MM);
/// - `break`: the times fit but the break does not.
///
/// The first stop that cannot be served is the one reported.
pub(crate) fn route_problem(model: &Model, t: TechIdx, day: Day, seq: &[VisitIdx]) -> Violation {
    let inst = &model.inst;
    let origin = inst.origin;
    let tech = &inst.technicians[t];
    let Some(shift) = tech.shifts.get(day as usize).copied().flatten() else {
        return Violation::new("day_off").with("day", inst.date(day).to_string());
    };
    let mut ready = shift.start;
    let mut here = inst.sites[tech.start_site].loc;
    let mut from = inst.sites[tech.start_site].id.clone();
    for &v in seq {
        let visit = &inst.visits[v];
        let arrival = ready + model.travel.0.travel(here, visit.loc).secs;
        let start = match schedule::fixed_start(inst, v) {
            Some(fixed) if arrival > fixed => {
                return Violation::new("travel_late")
                    .with("visit", visit.id.clone())
                    .with("from", from)
                    .with("late_min", minutes_up(arrival - fixed));
            }
            Some(fixed) => fixed,
            None => match schedule::earliest_start(inst, v, arrival) {
                Some(start) => start,
                None => {
                    let Some(close) = visit.windows.iter().map(|&(_, we)| we).max() else {
                        return Violation::new("window").with("windows", 0);
                    };
                    return Violation::new("window_late")
                        .with("visit", visit.id.clone())
                        .with("late_min", minutes_up(arrival - close));
                }
            },
        };
        ready = start + visit.duration;
        here = visit.loc;
        from = visit.id.clone();
    }
    let end = ready + model.travel.0.travel(here, inst.sites[tech.end_site].loc).secs;
    if end > shift.end {
        return Violation::new("day_full")
            .with("over_min", minutes_up(end - shift.end))
            .with("end", hhmm(origin, shift.end));
    }
    if shift.break_.is_some() {
        return Violation::new("break");
    }
    // The schedule refused what the walk accepts: name the shift rather than guess.
    Violation::new("shift").with("start", hhmm(origin, shift.start)).with("end", hhmm(origin, shift.end))
}

/// Why no position of `seq` takes `v` (technician `t`, `day`; `v` pinned to `start` when
/// given):
/// - the visit alone does not fit the day: its own problem (`travel_late` from the start site
///   when the drop time is too early, `window_late`), or `shift` when it overruns the shift;
/// - dropped at a time: `overlap {visit}` when it collides with a stop, else the problem of the
///   route with the visit at that place (`travel_late` from the stop before, `window_late` of
///   a later stop, `day_full`);
/// - no time given: the problem of the position that comes closest (fewest minutes missed).
fn diagnose(model: &Model, seq: &[VisitIdx], v: VisitIdx, t: TechIdx, day: Day, start: Option<Secs>) -> Violation {
    let inst = &model.inst;
    let origin = inst.origin;
    let tech = &inst.technicians[t];
    if schedule::schedule(inst, &model.travel, t, day, &[v]).is_none() {
        let alone = route_problem(model, t, day, &[v]);
        return match (alone.code.as_str(), tech.shifts.get(day as usize).copied().flatten()) {
            ("day_full", Some(sh)) => {
                Violation::new("shift").with("start", hhmm(origin, sh.start)).with("end", hhmm(origin, sh.end))
            }
            _ => alone,
        };
    }
    if let Some(s) = start
        && let Some(sched) = schedule::schedule(inst, &model.travel, t, day, seq)
    {
        let end = s + inst.visits[v].duration;
        if let Some(k) = (0..seq.len()).find(|&k| sched.start[k] < end && s < sched.end[k]) {
            return Violation::new("overlap").with("visit", inst.visits[seq[k]].id.clone());
        }
        let pos = (0..seq.len()).filter(|&k| sched.start[k] <= s).count();
        let mut cand = seq.to_vec();
        cand.insert(pos, v);
        return route_problem(model, t, day, &cand);
    }
    (0..=seq.len())
        .map(|pos| {
            let mut cand = seq.to_vec();
            cand.insert(pos, v);
            route_problem(model, t, day, &cand)
        })
        .min_by_key(miss_minutes)
        .unwrap_or_else(|| Violation::new("unknown"))
}

/// Feasible insertions of `v` over every technician-day, best (lowest score) first.
pub(crate) fn find_slots(model: &Model, state: &State, v: VisitIdx, limit: usize) -> Vec<SlotOption> {
    let inst = &model.inst;
    let mut routes = state.routes.clone();
    remove(&mut routes, v);
    let w = &inst.policy;
    let mut options = Vec::new();
    for t in 0..inst.technicians.len() {
        for day in 0..inst.days {
            if rules::static_rules(inst, v, t, day).is_err() {
                continue;
            }
            let empty = Vec::new();
            let seq = routes.get(&(t, day)).unwrap_or(&empty);
            if !limit_violations(model, &routes, seq, v, t).is_empty() {
                continue;
            }
            let Some((new_seq, s, extra)) = best_insertion(model, seq, v, t, day) else { continue };
            let k = new_seq.iter().position(|&x| x == v).unwrap_or(0);
            let late = inst.visits[v].sla.map_or(0, |sla| ((s.start[k] - sla).max(0) + 59) / 60);
            let tech = &inst.technicians[t];
            let secondary = if tech.region_access[inst.visits[v].region] == RegionAccess::Secondary {
                w.secondary_region
            } else {
                0.0
            };
            let score = extra as f64 / 3600.0 * tech.cost_per_hour * w.travel_time_weight
                + late as f64 * w.sla_late_per_minute.get(inst.visits[v].priority)
                + secondary
                + s.start[k] as f64 * 1e-6;
            options.push(SlotOption {
                technician: tech.id.clone(),
                day: inst.date(day).to_string(),
                start: LocalDateTime::from_secs(inst.origin, s.start[k]).to_string(),
                end: LocalDateTime::from_secs(inst.origin, s.end[k]).to_string(),
                extra_travel_s: extra,
                sla_late_min: late,
                score,
            });
        }
    }
    options.sort_by(|a, b| a.score.total_cmp(&b.score).then_with(|| a.technician.cmp(&b.technician)));
    options.truncate(limit);
    options
}

//! Exact explanations of one visit of a plan, computed with the planner's own objective.
//!
//! - **Assigned visit** — *why this technician*: the visit's marginal cost where it is (what the
//!   objective would fall by if it were left out, less the unassigned penalty), and for every
//!   other technician-day that passes the static rules, the exact cost of moving it there
//!   (removed from its route, inserted at the best position of the other route, every other
//!   visit staying put), by objective term, or the rule that blocks the move (visits per day,
//!   vehicle capacity, provider share, no feasible position in time).
//! - **Unassigned visit** — its reasons and *what it would take*: for each technician-day, the
//!   single change that would let it in (a longer shift, one more visit per day, a raised
//!   provider share, a certification renewed, a region added, an exclusion dropped, a pin
//!   released, another visit dropped) and, where the change leaves a feasible insertion, the
//!   exact change of the objective.
//! - Every technician removed by a static rule, with that rule (the furthest rule of the
//!   technician's days, as for unassigned visits).
//!
//! Nothing is estimated: every figure comes from [`Planner::route_terms`],
//! [`Planner::assignment_terms`], [`Planner::unassigned_terms`] and
//! [`Planner::provider_share_terms`] on schedules timed by [`schedule::schedule`].

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::format::{ObjectiveTerms, Plan, Reason, ReasonCode};
use crate::instance::{Day, Instance, RegionAccess, TechIdx, VisitIdx};
use crate::planner::schedule;
use crate::planner::{Planner, rules};
use crate::time::{LocalDateTime, Secs};
use crate::travel::TravelModel;

/// The explanation of one visit.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    pub visit: String,
    /// Where the plan put the visit (`None`: unassigned).
    pub assigned: Option<Placement>,
    /// The plan's reasons for an unassigned visit.
    pub reasons: Vec<Reason>,
    /// What leaving the visit out costs (unassigned penalty, disruption).
    pub unassigned_cost: ObjectiveTerms,
    /// Every other technician-day that passes the static rules: feasible ones cheapest first,
    /// then the blocked ones.
    pub alternatives: Vec<Alternative>,
    /// Technicians with no day passing the static rules, and the rule that removed them.
    pub excluded: Vec<Excluded>,
    /// For an unassigned visit: single changes that would let it in, cheapest first.
    pub remedies: Vec<Remedy>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Placement {
    pub technician: String,
    pub day: NaiveDate,
    /// 1-based stop number in the route.
    pub stop: usize,
    pub start: LocalDateTime,
    /// The objective's change from having the visit here rather than nowhere, penalty aside:
    /// route terms with it minus without it, plus its assignment terms and provider shares.
    pub cost: ObjectiveTerms,
    pub total: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Alternative {
    pub technician: String,
    pub day: NaiveDate,
    /// The 1-based stop number it would take (the cheapest position), when it fits.
    pub stop: Option<usize>,
    /// The cost of the visit on this technician-day (as in [`Placement::cost`]), when it fits.
    pub cost: Option<ObjectiveTerms>,
    pub total: Option<f64>,
    /// For an assigned visit: this cost minus the cost where it is, by term (> 0: worse). The
    /// whole plan's objective changes by exactly `difference.total()` with this move.
    pub difference: Option<ObjectiveTerms>,
    pub difference_total: Option<f64>,
    /// Why the visit does not fit, when it does not.
    pub blocked: Option<Block>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    /// The route already has the technician's maximum visits per day.
    MaxVisitsPerDay,
    /// The parts would overfill the vehicle.
    VehicleCapacity,
    /// The technician's provider is at its maximum share of the visit's region.
    ProviderShareCap,
    /// No position in the route gives a schedule that keeps the shift, break and windows.
    NoFeasiblePosition,
}

impl Block {
    pub fn text(self) -> &'static str {
        match self {
            Block::MaxVisitsPerDay => "route full (max visits per day)",
            Block::VehicleCapacity => "vehicle capacity",
            Block::ProviderShareCap => "provider at its maximum share of the region",
            Block::NoFeasiblePosition => "no position keeps the shift, break and windows",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Excluded {
    pub technician: String,
    pub rule: ReasonCode,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Remedy {
    /// `extend_shift`, `raise_max_visits`, `raise_vehicle_capacity`, `raise_provider_share`,
    /// `drop_visit`, `raise_skill`, `renew_certification`, `add_region`, `provider_region`,
    /// `drop_exclusion`, `add_shift`, `widen_window`, `release_pin`, `new_technician`.
    pub kind: &'static str,
    pub technician: Option<String>,
    pub day: Option<NaiveDate>,
    pub action: String,
    /// The exact change of the plan's objective if the change is made and the visit inserted
    /// at its best position there (everything else unchanged); `None` when the change alone
    /// does not make room (more would be needed) or cannot be priced.
    pub objective_change: Option<f64>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExplainError {
    #[error("visit {0:?} is not in the problem")]
    UnknownVisit(String),
    #[error("visit {0:?} is not to be planned (done or cancelled)")]
    NotPlanned(String),
    #[error("the plan does not fit the problem: {0}")]
    PlanMismatch(String),
}

/// The routes of a plan as visit sequences, and the provider counts.
struct State {
    routes: BTreeMap<(TechIdx, Day), Vec<VisitIdx>>,
    provider_load: Vec<u32>,
}

/// What an insertion may ignore (to price a remedy).
#[derive(Clone, Copy, Default)]
struct Ignore {
    max_visits: bool,
    capacity: bool,
    provider: bool,
}

/// Explains visit `visit_id` of `plan`.
pub fn explain_visit(
    inst: &Instance,
    travel: &dyn TravelModel,
    plan: &Plan,
    visit_id: &str,
) -> Result<Explanation, ExplainError> {
    let v =
        inst.visits.iter().position(|x| x.id == visit_id).ok_or_else(|| ExplainError::UnknownVisit(visit_id.into()))?;
    if !inst.visits[v].needs_plan() {
        return Err(ExplainError::NotPlanned(visit_id.into()));
    }
    let planner = Planner::new_for_explain(inst, travel);
    let mut state = read_plan(inst, plan)?;
    let e = Explainer { planner: &planner, inst };
    // Where the visit is, then the state without it.
    for (&(t, day), seq) in &state.routes {
        e.route_terms(inst, t, day, seq).ok_or_else(|| unschedulable(inst, t, day))?;
    }
    let placed = state.routes.iter().find_map(|(&td, seq)| seq.iter().position(|&x| x == v).map(|k| (td, k)));
    let mut assigned = None;
    if let Some(((t, day), k)) = placed {
        let before =
            e.route_terms(inst, t, day, &state.routes[&(t, day)]).ok_or_else(|| unschedulable(inst, t, day))?;
        let start = schedule::schedule(inst, travel, t, day, &state.routes[&(t, day)]).map(|s| s.start[k]).unwrap_or(0);
        e.remove(&mut state, v, t, day);
        let after = e.route_terms(inst, t, day, &state.routes[&(t, day)]).ok_or_else(|| unschedulable(inst, t, day))?;
        let mut cost = minus(before, after);
        cost += planner.assignment_terms(v, t, day);
        cost += e.provider_delta(&state, t, v);
        assigned = Some(Placement {
            technician: inst.technicians[t].id.clone(),
            day: inst.date(day),
            stop: k + 1,
            start: LocalDateTime::from_secs(inst.origin, start),
            total: cost.total(),
            cost,
        });
    }
    let reasons = plan.unassigned.iter().find(|u| u.visit == visit_id).map(|u| u.reasons.clone()).unwrap_or_default();

    let mut alternatives = Vec::new();
    for &(t, day) in planner.candidates(v) {
        if placed.is_some_and(|(td, _)| td == (t, day)) {
            continue;
        }
        let tech = &inst.technicians[t];
        let (stop, cost, blocked) = match e.insertion(inst, &state, v, t, day, Ignore::default()) {
            Ok((pos, terms)) => (Some(pos + 1), Some(terms), None),
            Err(b) => (None, None, Some(b)),
        };
        let difference = match (&assigned, cost) {
            (Some(p), Some(c)) => Some(minus(c, p.cost)),
            _ => None,
        };
        alternatives.push(Alternative {
            technician: tech.id.clone(),
            day: inst.date(day),
            stop,
            total: cost.map(|c| c.total()),
            cost,
            difference_total: difference.map(|d| d.total()),
            difference,
            blocked,
        });
    }
    alternatives.sort_by(|a, b| match (a.total, b.total) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => (&a.technician, a.day).cmp(&(&b.technician, b.day)),
    });

    let excluded = e.excluded(v);
    let remedies = if assigned.is_none() { e.remedies(&state, v) } else { Vec::new() };
    Ok(Explanation {
        visit: visit_id.to_string(),
        assigned,
        reasons,
        unassigned_cost: planner.unassigned_terms(v),
        alternatives,
        excluded,
        remedies,
    })
}

fn unschedulable(inst: &Instance, t: TechIdx, day: Day) -> ExplainError {
    ExplainError::PlanMismatch(format!(
        "the route of {} on {} cannot be scheduled under the problem's rules (run `rota check`)",
        inst.technicians[t].id,
        inst.date(day)
    ))
}

fn read_plan(inst: &Instance, plan: &Plan) -> Result<State, ExplainError> {
    let techs: HashMap<&str, TechIdx> = inst.technicians.iter().enumerate().map(|(i, t)| (t.id.as_str(), i)).collect();
    let visits: HashMap<&str, VisitIdx> = inst.visits.iter().enumerate().map(|(i, v)| (v.id.as_str(), i)).collect();
    let days: HashMap<NaiveDate, Day> = (0..inst.days).map(|d| (inst.date(d), d)).collect();
    let mut routes: BTreeMap<(TechIdx, Day), Vec<VisitIdx>> = BTreeMap::new();
    let mut provider_load = vec![0u32; inst.providers.len() * inst.regions.len()];
    for (i, r) in plan.routes.iter().enumerate() {
        let t = *techs
            .get(r.technician.as_str())
            .ok_or_else(|| ExplainError::PlanMismatch(format!("routes[{i}]: unknown technician {:?}", r.technician)))?;
        let day = *days
            .get(&r.day)
            .ok_or_else(|| ExplainError::PlanMismatch(format!("routes[{i}]: day {} is outside the horizon", r.day)))?;
        let seq = routes.entry((t, day)).or_default();
        for (k, s) in r.stops.iter().enumerate() {
            let v = *visits.get(s.visit.as_str()).ok_or_else(|| {
                ExplainError::PlanMismatch(format!("routes[{i}].stops[{k}]: unknown visit {:?}", s.visit))
            })?;
            seq.push(v);
            if let Some(p) = inst.technicians[t].provider {
                provider_load[p * inst.regions.len() + inst.visits[v].region] += 1;
            }
        }
    }
    Ok(State { routes, provider_load })
}

struct Explainer<'p, 'a> {
    planner: &'p Planner<'a>,
    inst: &'a Instance,
}

impl Explainer<'_, '_> {
    /// Route terms of a sequence timed on `sched_inst` (the problem, or a copy with a changed
    /// shift); `None` when it cannot be scheduled.
    fn route_terms(&self, sched_inst: &Instance, t: TechIdx, day: Day, seq: &[VisitIdx]) -> Option<ObjectiveTerms> {
        if seq.is_empty() {
            return Some(ObjectiveTerms::default());
        }
        let s = schedule::schedule(sched_inst, self.planner.travel, t, day, seq)?;
        Some(self.planner.route_terms(t, seq, &s))
    }

    fn provider_slot(&self, t: TechIdx, v: VisitIdx) -> Option<usize> {
        self.inst.technicians[t].provider.map(|p| p * self.inst.regions.len() + self.inst.visits[v].region)
    }

    /// Provider-share terms of adding `v` to technician `t` (state without `v`).
    fn provider_delta(&self, state: &State, t: TechIdx, v: VisitIdx) -> ObjectiveTerms {
        let Some(slot) = self.provider_slot(t, v) else { return ObjectiveTerms::default() };
        let mut load = state.provider_load.clone();
        let before = self.planner.provider_share_terms(&load);
        load[slot] += 1;
        minus(self.planner.provider_share_terms(&load), before)
    }

    fn remove(&self, state: &mut State, v: VisitIdx, t: TechIdx, day: Day) {
        if let Some(seq) = state.routes.get_mut(&(t, day)) {
            seq.retain(|&x| x != v);
        }
        if let Some(slot) = self.provider_slot(t, v) {
            state.provider_load[slot] -= 1;
        }
    }

    /// The cheapest insertion of `v` into the route of `t` on `day`: position and cost terms.
    fn insertion(
        &self,
        sched_inst: &Instance,
        state: &State,
        v: VisitIdx,
        t: TechIdx,
        day: Day,
        ignore: Ignore,
    ) -> Result<(usize, ObjectiveTerms), Block> {
        let inst = self.inst;
        let tech = &inst.technicians[t];
        let empty = Vec::new();
        let route = state.routes.get(&(t, day)).unwrap_or(&empty);
        if !ignore.max_visits && route.len() as u32 >= tech.max_visits_per_day {
            return Err(Block::MaxVisitsPerDay);
        }
        let parts: f64 = route.iter().map(|&x| inst.visits[x].parts).sum();
        if !ignore.capacity && parts + inst.visits[v].parts > tech.capacity + 1e-9 {
            return Err(Block::VehicleCapacity);
        }
        if !ignore.provider
            && let Some(p) = tech.provider
        {
            let region = inst.visits[v].region;
            if state.provider_load[p * inst.regions.len() + region]
                >= inst.providers[p].max_visits_in(&inst.regions[region])
            {
                return Err(Block::ProviderShareCap);
            }
        }
        let old = self.route_terms(sched_inst, t, day, route).unwrap_or_default();
        let fixed = {
            let mut f = self.planner.assignment_terms(v, t, day);
            f += self.provider_delta(state, t, v);
            f
        };
        let mut best: Option<(usize, ObjectiveTerms)> = None;
        let mut seq = Vec::with_capacity(route.len() + 1);
        for pos in 0..=route.len() {
            seq.clear();
            seq.extend_from_slice(&route[..pos]);
            seq.push(v);
            seq.extend_from_slice(&route[pos..]);
            if let Some(new) = self.route_terms(sched_inst, t, day, &seq) {
                let mut terms = minus(new, old);
                terms += fixed;
                if best.is_none_or(|(_, b)| terms.total() < b.total()) {
                    best = Some((pos, terms));
                }
            }
        }
        best.ok_or(Block::NoFeasiblePosition)
    }

    /// Technicians with no day passing the static rules, with the furthest rule reached.
    fn excluded(&self, v: VisitIdx) -> Vec<Excluded> {
        let inst = self.inst;
        let mut out = Vec::new();
        for t in 0..inst.technicians.len() {
            let mut furthest: Option<ReasonCode> = None;
            let mut ok = false;
            for day in 0..inst.days {
                match rules::static_rules(inst, v, t, day) {
                    Ok(()) => ok = true,
                    Err(code) => {
                        if furthest.is_none_or(|f| rules::stage(code) > rules::stage(f)) {
                            furthest = Some(code);
                        }
                    }
                }
            }
            if let (false, Some(rule)) = (ok, furthest) {
                out.push(Excluded {
                    technician: inst.technicians[t].id.clone(),
                    rule,
                    detail: self.detail(v, t, rule),
                });
            }
        }
        out
    }

    fn detail(&self, v: VisitIdx, t: TechIdx, rule: ReasonCode) -> String {
        let inst = self.inst;
        let visit = &inst.visits[v];
        let tech = &inst.technicians[t];
        let skill = &inst.skills[visit.skill];
        match rule {
            ReasonCode::NoSkilledTechnician => {
                format!("{skill} level {} < {}", tech.skill_level[visit.skill], visit.min_level)
            }
            ReasonCode::CertificationExpired => {
                let missing: Vec<String> = visit
                    .certs
                    .iter()
                    .filter(|&&c| (0..inst.days).any(|d| !tech.holds_cert_on(c, d)))
                    .map(|&c| match tech.cert_through[c] {
                        Some(last) if last < inst.days => {
                            format!("{} valid through {}", inst.certifications[c], inst.date(last))
                        }
                        _ => format!("{} not valid in the horizon", inst.certifications[c]),
                    })
                    .collect();
                missing.join(", ")
            }
            ReasonCode::OutOfRegion => {
                let region = &inst.regions[visit.region].id;
                match tech.provider {
                    Some(p) if tech.region_access[visit.region] != RegionAccess::None => {
                        format!("provider {} is not certified or not contracted in {region}", inst.providers[p].id)
                    }
                    _ => format!("region {region} is neither primary nor secondary"),
                }
            }
            ReasonCode::ExcludedTechnicians => "on the visit's excluded list".to_string(),
            ReasonCode::WindowUnreachable => "no shift overlaps the visit's windows".to_string(),
            ReasonCode::PinConflict => "the visit is pinned (or dispatched) elsewhere".to_string(),
            other => other.as_str().to_string(),
        }
    }

    /// Single changes that would let the unassigned visit `v` in.
    fn remedies(&self, state: &State, v: VisitIdx) -> Vec<Remedy> {
        let inst = self.inst;
        let penalty = self.planner.unassigned_terms(v).total();
        let mut out: Vec<Remedy> = Vec::new();
        let mut scratch = inst.clone();
        let hhmm = |s: Secs| LocalDateTime::from_secs(inst.origin, s).to_string()[11..16].to_string();

        // Candidate technician-days whose route blocks the visit.
        for &(t, day) in self.planner.candidates(v) {
            let tech = &inst.technicians[t];
            let who = tech.id.clone();
            let date = inst.date(day);
            let priced = |r: Result<(usize, ObjectiveTerms), Block>| r.ok().map(|(_, c)| c.total() - penalty);
            match self.insertion(inst, state, v, t, day, Ignore::default()) {
                Ok(_) => {} // room exists (a plan made under a time limit may have missed it)
                Err(Block::MaxVisitsPerDay) => out.push(Remedy {
                    kind: "raise_max_visits",
                    action: format!(
                        "allow {who} one more visit on {date} (max visits per day {} → {})",
                        tech.max_visits_per_day,
                        tech.max_visits_per_day + 1
                    ),
                    objective_change: priced(self.insertion(
                        inst,
                        state,
                        v,
                        t,
                        day,
                        Ignore { max_visits: true, ..Ignore::default() },
                    )),
                    technician: Some(who.clone()),
                    day: Some(date),
                }),
                Err(Block::VehicleCapacity) => {
                    let parts: f64 =
                        state.routes.get(&(t, day)).into_iter().flatten().map(|&x| inst.visits[x].parts).sum();
                    out.push(Remedy {
                        kind: "raise_vehicle_capacity",
                        action: format!(
                            "{:.1} more parts volume in {who}'s vehicle on {date} (capacity {} → {:.1})",
                            parts + inst.visits[v].parts - tech.capacity,
                            tech.capacity,
                            parts + inst.visits[v].parts
                        ),
                        objective_change: priced(self.insertion(
                            inst,
                            state,
                            v,
                            t,
                            day,
                            Ignore { capacity: true, ..Ignore::default() },
                        )),
                        technician: Some(who.clone()),
                        day: Some(date),
                    });
                }
                Err(Block::ProviderShareCap) => {
                    let p = tech.provider.unwrap_or_default();
                    let region = &inst.regions[inst.visits[v].region];
                    let provider = &inst.providers[p];
                    let now = provider.max_visits_in(region);
                    let pct = if region.plannable_visits == 0 {
                        100.0
                    } else {
                        100.0 * f64::from(now + 1) / f64::from(region.plannable_visits)
                    };
                    out.push(Remedy {
                        kind: "raise_provider_share",
                        action: format!(
                            "raise provider {}'s maximum share of region {} from {now} to {} visits (≥ {pct:.1} %), for {who} on {date}",
                            provider.id,
                            region.id,
                            now + 1
                        ),
                        objective_change: priced(self.insertion(
                            inst,
                            state,
                            v,
                            t,
                            day,
                            Ignore { provider: true, ..Ignore::default() },
                        )),
                        technician: Some(who.clone()),
                        day: Some(date),
                    });
                }
                Err(Block::NoFeasiblePosition) => {
                    // The smallest longer shift that makes room.
                    let Some(shift) = tech.shifts[day as usize] else { continue };
                    for extra_min in [15, 30, 45, 60, 90, 120, 180, 240] {
                        let extra = extra_min * 60;
                        if let Some(s) = scratch.technicians[t].shifts[day as usize].as_mut() {
                            s.end = shift.end + extra;
                        }
                        let r = self.insertion(&scratch, state, v, t, day, Ignore::default());
                        if let Some(s) = scratch.technicians[t].shifts[day as usize].as_mut() {
                            s.end = shift.end;
                        }
                        if let Ok((_, c)) = r {
                            out.push(Remedy {
                                kind: "extend_shift",
                                action: format!(
                                    "{} more on {who}'s shift on {date} (until {} instead of {})",
                                    minutes_text(extra_min),
                                    hhmm(shift.end + extra),
                                    hhmm(shift.end)
                                ),
                                technician: Some(who.clone()),
                                day: Some(date),
                                objective_change: Some(c.total() - penalty),
                            });
                            break;
                        }
                    }
                }
            }
            // Make room by leaving one movable visit of that route out.
            if let Some(seq) = state.routes.get(&(t, day)) {
                let mut best: Option<(f64, VisitIdx)> = None;
                for &w in seq {
                    let wv = &inst.visits[w];
                    if !wv.status.is_plannable() || wv.pin != Default::default() {
                        continue;
                    }
                    let mut without = State { routes: BTreeMap::new(), provider_load: state.provider_load.clone() };
                    let old = self.route_terms(inst, t, day, seq).unwrap_or_default();
                    let shorter: Vec<VisitIdx> = seq.iter().copied().filter(|&x| x != w).collect();
                    let Some(short_terms) = self.route_terms(inst, t, day, &shorter) else { continue };
                    if let Some(slot) = self.provider_slot(t, w) {
                        without.provider_load[slot] -= 1;
                    }
                    let w_out = minus(self.planner.provider_share_terms(&without.provider_load), {
                        let mut load = without.provider_load.clone();
                        if let Some(slot) = self.provider_slot(t, w) {
                            load[slot] += 1;
                        }
                        self.planner.provider_share_terms(&load)
                    });
                    without.routes.insert((t, day), shorter);
                    if let Ok((_, c)) = self.insertion(inst, &without, v, t, day, Ignore::default()) {
                        let change = (short_terms.total() - old.total())
                            - self.planner.assignment_terms(w, t, day).total()
                            + w_out.total()
                            + self.planner.unassigned_terms(w).total()
                            + c.total()
                            - penalty;
                        if best.is_none_or(|(b, _)| change < b) {
                            best = Some((change, w));
                        }
                    }
                }
                if let Some((change, w)) = best {
                    out.push(Remedy {
                        kind: "drop_visit",
                        action: format!(
                            "leave {} ({}) out of {who}'s route on {date} and do this visit instead",
                            inst.visits[w].id,
                            inst.visits[w].priority.as_str()
                        ),
                        technician: Some(who.clone()),
                        day: Some(date),
                        objective_change: Some(change),
                    });
                }
            }
        }

        // Technician-days one static rule away from being candidates.
        for t in 0..inst.technicians.len() {
            let tech = &inst.technicians[t];
            for day in 0..inst.days {
                let broken = rules::broken_rules(inst, v, t, day);
                if broken.len() != 1 {
                    continue;
                }
                let Some(rule) = broken.first() else { continue };
                let (who, date) = (tech.id.clone(), inst.date(day));
                let visit = &inst.visits[v];
                let (kind, action) = match rule {
                    ReasonCode::NoSkilledTechnician => (
                        "raise_skill",
                        format!(
                            "{who} with {} level {} (has {}) on {date}",
                            inst.skills[visit.skill], visit.min_level, tech.skill_level[visit.skill]
                        ),
                    ),
                    ReasonCode::CertificationExpired => {
                        ("renew_certification", format!("{who} holding {} valid on {date}", self.detail(v, t, rule)))
                    }
                    ReasonCode::OutOfRegion => match tech.provider {
                        Some(p) if tech.region_access[visit.region] != RegionAccess::None => (
                            "provider_region",
                            format!(
                                "provider {} certified and contracted in region {} on {date} (for {who})",
                                inst.providers[p].id, inst.regions[visit.region].id
                            ),
                        ),
                        _ => (
                            "add_region",
                            format!(
                                "region {} as a secondary region of {who} (on {date})",
                                inst.regions[visit.region].id
                            ),
                        ),
                    },
                    ReasonCode::ExcludedTechnicians => {
                        ("drop_exclusion", format!("drop the exclusion of {who} from the visit (on {date})"))
                    }
                    ReasonCode::WindowUnreachable => match tech.shifts[day as usize] {
                        None => ("add_shift", format!("a shift for {who} on {date} covering the visit's windows")),
                        Some(s) => (
                            "widen_window",
                            format!("a time window on {date} inside {who}'s shift {}–{}", hhmm(s.start), hhmm(s.end)),
                        ),
                    },
                    ReasonCode::PinConflict => {
                        ("release_pin", format!("release the pin so that {who} may do it on {date}"))
                    }
                    _ => continue,
                };
                // Price it where the change alone makes room (shifts and windows cannot be
                // priced without inventing them).
                let objective_change = match rule {
                    ReasonCode::WindowUnreachable => None,
                    _ => self.insertion(inst, state, v, t, day, Ignore::default()).ok().map(|(_, c)| {
                        // A region added as secondary brings its penalty.
                        let secondary = if kind == "add_region" { inst.policy.secondary_region } else { 0.0 };
                        c.total() + secondary - penalty
                    }),
                };
                let action = match (objective_change, rule) {
                    (None, ReasonCode::WindowUnreachable) | (Some(_), _) => action,
                    (None, _) => format!("{action} — and room on that route"),
                };
                out.push(Remedy { kind, technician: Some(who), day: Some(date), action, objective_change });
            }
        }
        if self.planner.candidates(v).is_empty() {
            let visit = &inst.visits[v];
            let certs: Vec<&str> = visit.certs.iter().map(|&c| inst.certifications[c].as_str()).collect();
            out.push(Remedy {
                kind: "new_technician",
                technician: None,
                day: None,
                action: format!(
                    "a technician with {} level {}+{} who may work in region {} on a day inside the visit's windows",
                    inst.skills[visit.skill],
                    visit.min_level,
                    if certs.is_empty() { String::new() } else { format!(", holding {}", certs.join(" and ")) },
                    inst.regions[visit.region].id
                ),
                objective_change: None,
            });
        }
        // Priced remedies first, cheapest first; then the rest in a stable order.
        out.sort_by(|a, b| match (a.objective_change, b.objective_change) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        out
    }
}

fn minutes_text(m: i64) -> String {
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (1, 0) => "one hour".to_string(),
        (h, 0) => format!("{h} hours"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// `a − b`, term by term.
pub fn minus(a: ObjectiveTerms, b: ObjectiveTerms) -> ObjectiveTerms {
    ObjectiveTerms {
        travel_time: a.travel_time - b.travel_time,
        travel_distance: a.travel_distance - b.travel_distance,
        sla_lateness: a.sla_lateness - b.sla_lateness,
        unassigned: a.unassigned - b.unassigned,
        secondary_region: a.secondary_region - b.secondary_region,
        preferred_technician: a.preferred_technician - b.preferred_technician,
        over_qualification: a.over_qualification - b.over_qualification,
        provider_rating: a.provider_rating - b.provider_rating,
        provider_min_share: a.provider_min_share - b.provider_min_share,
        workload_balance: a.workload_balance - b.workload_balance,
        disruption: a.disruption - b.disruption,
    }
}

#[cfg(test)]
mod tests;

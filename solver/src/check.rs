//! The independent plan checker: the referee of every plan.
//!
//! [`check_plan`] takes a compiled [`Instance`], a [`TravelModel`] over the instance's locations
//! and a [`Plan`], and recomputes every time, load, KPI and objective term **from scratch** (it
//! uses no planner code), then lists every broken hard rule as a [`Violation`]. It never panics,
//! whatever the plan holds: unknown ids, days outside the horizon, empty routes, absurd times.
//!
//! What is recomputed from what:
//! - the plan supplies the *decisions*: which technician, which day, the order of the stops,
//!   when each stop departs, arrives, starts and ends, and where the break lies;
//! - the instance and the travel model supply *everything else*: durations, legs, parts, levels,
//!   costs, shifts. Route totals, KPIs and the objective are computed from those, never copied
//!   from the plan, and then compared with what the plan reports.
//!
//! The rules are documented in `docs/checker.md`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use crate::format::{Kpis, Leg, Objective, ObjectiveTerms, Plan, ProviderShare, ReasonCode, Route};
use crate::instance::{Day, Instance, RegionAccess, TechIdx, VisitIdx, VisitInfo};
use crate::time::{DAY, LocalDateTime, Secs};
use crate::travel::{Travel, TravelModel};

#[cfg(test)]
mod tests;

/// A hard rule (or a consistency rule of the plan format) a plan can break.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// A technician or visit id that the problem does not have.
    UnknownId,
    /// A visit placed twice, or two routes for one technician-day.
    Duplicate,
    /// A visit that is done or cancelled appears in the plan.
    NotPlannable,
    /// A visit that needs a plan appears neither in a route nor among the unassigned.
    Missing,
    /// The technician's level in the visit's skill is below the visit's minimum.
    Skill,
    /// A required certification is not held, or not valid on the route's day.
    Certification,
    /// The technician may not work in the visit's region.
    Region,
    /// The technician's provider is not certified on the day or does not serve the region.
    Provider,
    /// A provider has more visits in a region than its maximum share allows.
    ProviderShare,
    /// The visit excludes the technician.
    Excluded,
    /// A route on a day the technician does not work (day off, absence, outside the horizon).
    DayOff,
    /// A route leaves before the shift starts, returns after it ends, uses other sites, or is
    /// empty.
    Shift,
    /// A break is missing, misplaced, of the wrong length, overlaps work, or is not asked for.
    Break,
    /// Service starts outside every time window of the visit.
    TimeWindow,
    /// The times of a route do not add up (departure, arrival, start, end, return, totals,
    /// SLA minutes).
    Timing,
    /// A leg differs from the travel model.
    Travel,
    /// The parts of a route exceed the technician's vehicle capacity.
    Capacity,
    /// A route has more stops than the technician's maximum visits per day.
    MaxVisits,
    /// A pinned visit is not with its pinned technician, day or start.
    Pin,
    /// A dispatched or in-progress visit is not exactly where its current assignment says.
    Fixed,
    /// An unassigned visit has no reason, or its first reason is contradicted by the problem.
    Reason,
    /// A KPI or objective figure the plan reports differs from the recomputed one.
    ReportedFigure,
}

impl Rule {
    pub const ALL: [Rule; 22] = [
        Rule::UnknownId,
        Rule::Duplicate,
        Rule::NotPlannable,
        Rule::Missing,
        Rule::Skill,
        Rule::Certification,
        Rule::Region,
        Rule::Provider,
        Rule::ProviderShare,
        Rule::Excluded,
        Rule::DayOff,
        Rule::Shift,
        Rule::Break,
        Rule::TimeWindow,
        Rule::Timing,
        Rule::Travel,
        Rule::Capacity,
        Rule::MaxVisits,
        Rule::Pin,
        Rule::Fixed,
        Rule::Reason,
        Rule::ReportedFigure,
    ];

    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::UnknownId => "unknown_id",
            Rule::Duplicate => "duplicate",
            Rule::NotPlannable => "not_plannable",
            Rule::Missing => "missing",
            Rule::Skill => "skill",
            Rule::Certification => "certification",
            Rule::Region => "region",
            Rule::Provider => "provider",
            Rule::ProviderShare => "provider_share",
            Rule::Excluded => "excluded",
            Rule::DayOff => "day_off",
            Rule::Shift => "shift",
            Rule::Break => "break",
            Rule::TimeWindow => "time_window",
            Rule::Timing => "timing",
            Rule::Travel => "travel",
            Rule::Capacity => "capacity",
            Rule::MaxVisits => "max_visits",
            Rule::Pin => "pin",
            Rule::Fixed => "fixed",
            Rule::Reason => "reason",
            Rule::ReportedFigure => "reported_figure",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule, located as precisely as the plan allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub rule: Rule,
    pub technician: Option<String>,
    pub day: Option<NaiveDate>,
    pub visit: Option<String>,
    pub message: String,
}

impl fmt::Display for Violation {
    /// `[time_window] T-12 2026-12-08 V-1042: service starts 12:40, after every window (…)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.rule)?;
        if let Some(t) = &self.technician {
            write!(f, " {t}")?;
        }
        if let Some(d) = &self.day {
            write!(f, " {d}")?;
        }
        if let Some(v) = &self.visit {
            write!(f, " {v}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// What the checker found: every violation, and the KPIs and objective recomputed from scratch.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckReport {
    pub violations: Vec<Violation>,
    pub kpis: Kpis,
    pub objective: Objective,
}

impl CheckReport {
    /// No rule is broken (including "the reported figures are right").
    pub fn is_feasible(&self) -> bool {
        self.violations.is_empty()
    }

    /// The distinct rules broken.
    pub fn rules(&self) -> BTreeSet<Rule> {
        self.violations.iter().map(|v| v.rule).collect()
    }

    /// The violations of one rule.
    pub fn of(&self, rule: Rule) -> impl Iterator<Item = &Violation> {
        self.violations.iter().filter(move |v| v.rule == rule)
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.violations.is_empty() {
            return write!(f, "feasible: no rule broken");
        }
        write!(f, "{} violation(s)", self.violations.len())?;
        for v in &self.violations {
            write!(f, "\n{v}")?;
        }
        Ok(())
    }
}

/// Checks a plan against its instance and travel model. Never panics.
pub fn check_plan(inst: &Instance, travel: &dyn TravelModel, plan: &Plan) -> CheckReport {
    let mut c = Checker::new(inst, travel);
    let mut per_day: HashMap<(TechIdx, i64), usize> = HashMap::new();
    for (ri, route) in plan.routes.iter().enumerate() {
        c.check_route(ri, route, &mut per_day);
    }
    let counts = c.provider_counts();
    c.check_shares(&counts);
    c.check_unassigned(plan, &counts);
    c.check_missing();
    let kpis = c.kpis(&counts);
    let objective = c.objective(&counts);
    c.check_figures(plan, &kpis, &objective);
    CheckReport { violations: c.out, kpis, objective }
}

/// Where a violation happened.
#[derive(Clone, Copy, Default)]
struct At<'p> {
    tech: Option<&'p str>,
    day: Option<NaiveDate>,
    visit: Option<&'p str>,
}

impl<'p> At<'p> {
    fn visit(self, visit: &'p str) -> Self {
        Self { visit: Some(visit), ..self }
    }
}

/// A visit's place in the plan (its first occurrence in a route of a known technician).
#[derive(Clone, Copy, Debug)]
struct Assign {
    tech: TechIdx,
    /// Day index of the route (may lie outside the horizon in a broken plan).
    day: i64,
    start: Secs,
}

/// A route's recomputed totals.
#[derive(Clone, Copy, Debug)]
struct RouteFig {
    tech: TechIdx,
    travel_s: i64,
    meters: f64,
    service_s: i64,
}

struct Checker<'a> {
    inst: &'a Instance,
    travel: &'a dyn TravelModel,
    visit_ix: HashMap<&'a str, VisitIdx>,
    tech_ix: HashMap<&'a str, TechIdx>,
    /// Where each visit was first seen in the plan.
    first_seen: Vec<Option<String>>,
    assigned: Vec<Option<Assign>>,
    /// First reason code of each visit's (first) unassigned entry.
    first_reason: Vec<Option<ReasonCode>>,
    routes: Vec<RouteFig>,
    out: Vec<Violation>,
}

/// Provider × region counts of assigned visits.
type Counts = Vec<Vec<u32>>;

impl<'a> Checker<'a> {
    fn new(inst: &'a Instance, travel: &'a dyn TravelModel) -> Self {
        let mut visit_ix = HashMap::with_capacity(inst.visits.len());
        for (i, v) in inst.visits.iter().enumerate() {
            visit_ix.entry(v.id.as_str()).or_insert(i);
        }
        let mut tech_ix = HashMap::with_capacity(inst.technicians.len());
        for (i, t) in inst.technicians.iter().enumerate() {
            tech_ix.entry(t.id.as_str()).or_insert(i);
        }
        Self {
            inst,
            travel,
            visit_ix,
            tech_ix,
            first_seen: vec![None; inst.visits.len()],
            assigned: vec![None; inst.visits.len()],
            first_reason: vec![None; inst.visits.len()],
            routes: Vec::new(),
            out: Vec::new(),
        }
    }

    fn push(&mut self, rule: Rule, at: At<'_>, message: impl Into<String>) {
        self.out.push(Violation {
            rule,
            technician: at.tech.map(str::to_string),
            day: at.day,
            visit: at.visit.map(str::to_string),
            message: message.into(),
        });
    }

    fn secs(&self, t: LocalDateTime) -> Secs {
        t.secs_since(self.inst.origin)
    }

    /// A moment for messages: `HH:MM` on `day`, the full date and time otherwise. Never panics.
    fn show(&self, secs: i128, day: Option<i64>) -> String {
        let moment: Option<NaiveDateTime> = i64::try_from(secs)
            .ok()
            .and_then(TimeDelta::try_seconds)
            .and_then(|delta| self.inst.origin.and_time(NaiveTime::MIN).checked_add_signed(delta));
        let Some(moment) = moment else {
            return format!("{secs} s after the horizon's first midnight");
        };
        let clock = if secs % 60 == 0 { "%H:%M" } else { "%H:%M:%S" };
        if day.is_some_and(|d| secs.div_euclid(i128::from(DAY)) == i128::from(d)) {
            moment.format(clock).to_string()
        } else {
            moment.format(&format!("%Y-%m-%d {clock}")).to_string()
        }
    }

    fn show_windows(&self, windows: &[(Secs, Secs)]) -> String {
        let shown: Vec<String> = windows
            .iter()
            .map(|&(ws, we)| {
                format!("{}–{}", self.show(ws.into(), None), self.show(we.into(), Some(ws.div_euclid(DAY))))
            })
            .collect();
        shown.join(", ")
    }

    /// `site S-W`, `visit V1`: a location index in messages (sites first, then visits).
    fn loc_name(&self, loc: usize) -> String {
        let sites = self.inst.sites.len();
        if let Some(s) = self.inst.sites.get(loc) {
            return format!("site {}", s.id);
        }
        match self.inst.visits.get(loc - sites) {
            Some(v) => format!("visit {}", v.id),
            None => format!("location {loc}"),
        }
    }

    /// The model's travel, or `None` when the model does not cover a location.
    fn model(&self, from: usize, to: usize) -> Option<Travel> {
        (from < self.travel.len() && to < self.travel.len()).then(|| self.travel.travel(from, to))
    }

    /// Compares a reported leg with the model; returns the model's leg (zero when uncovered).
    fn check_leg(&mut self, at: At<'_>, what: &str, from: usize, to: usize, leg: &Leg) -> Travel {
        let Some(model) = self.model(from, to) else {
            let msg =
                format!("{what}: the travel model has no location {} (it covers {})", from.max(to), self.travel.len());
            self.push(Rule::Travel, at, msg);
            return Travel::default();
        };
        if leg.travel_s != model.secs || !close_m(leg.distance_m, model.meters) {
            let msg = format!(
                "{what} from {} to {}: the plan says {} s / {:.2} m, the travel model says {} s / {:.2} m",
                self.loc_name(from),
                self.loc_name(to),
                leg.travel_s,
                leg.distance_m,
                model.secs,
                model.meters
            );
            self.push(Rule::Travel, at, msg);
        }
        model
    }

    /// Notes an occurrence of a visit; reports duplicates and visits that must not appear.
    /// Returns whether it is the first occurrence.
    fn occurrence(&mut self, v: VisitIdx, at: At<'_>, place: String) -> bool {
        let visit = &self.inst.visits[v];
        if !visit.needs_plan() {
            let msg = format!("the visit is {}: it must not appear in a plan", status_name(visit));
            self.push(Rule::NotPlannable, at, msg);
        }
        if let Some(first) = &self.first_seen[v] {
            let msg = format!("appears again ({place}); first in {first}");
            self.push(Rule::Duplicate, at, msg);
            return false;
        }
        self.first_seen[v] = Some(place);
        true
    }

    fn check_route(&mut self, ri: usize, route: &Route, per_day: &mut HashMap<(TechIdx, i64), usize>) {
        let inst = self.inst;
        let at = At { tech: Some(route.technician.as_str()), day: Some(route.day), visit: None };
        let t_ix = self.tech_ix.get(route.technician.as_str()).copied();
        let d = (route.day - inst.origin).num_days();
        let day_ok = (0..i64::from(inst.days)).contains(&d);
        let day: Day = if day_ok { d as Day } else { 0 };
        let dayq = Some(d);

        if t_ix.is_none() {
            let msg = format!("technician {:?} does not exist", route.technician);
            self.push(Rule::UnknownId, at, msg);
        }
        if !day_ok {
            let last = inst.date(inst.days.saturating_sub(1));
            let msg = format!("{} lies outside the horizon {} – {}", route.day, inst.origin, last);
            self.push(Rule::DayOff, at, msg);
        }
        if let Some(t) = t_ix {
            match per_day.get(&(t, d)) {
                Some(first) => {
                    let msg =
                        format!("routes[{ri}] is a second route for this technician-day (first: routes[{first}])");
                    self.push(Rule::Duplicate, at, msg);
                }
                None => {
                    per_day.insert((t, d), ri);
                }
            }
        }
        if route.stops.is_empty() {
            self.push(Rule::Shift, at, "the route has no stops (a technician-day without work has no route)");
        }

        let tech = t_ix.map(|t| &inst.technicians[t]);
        let shift = match tech {
            Some(t) if day_ok => t.shifts.get(day as usize).copied().flatten(),
            _ => None,
        };
        let rs = self.secs(route.start);
        let re = self.secs(route.end);
        if let Some(t) = tech {
            if day_ok && shift.is_none() {
                self.push(Rule::DayOff, at, format!("{} does not work on this day (day off or absence)", t.id));
            }
            let (start_site, end_site) = (&inst.sites[t.start_site].id, &inst.sites[t.end_site].id);
            if &route.start_site != start_site {
                let msg = format!("starts at site {:?}, but {} starts at {start_site}", route.start_site, t.id);
                self.push(Rule::Shift, at, msg);
            }
            if &route.end_site != end_site {
                let msg = format!("ends at site {:?}, but {} ends at {end_site}", route.end_site, t.id);
                self.push(Rule::Shift, at, msg);
            }
        }
        if let Some(sh) = shift {
            if rs < sh.start {
                let msg = format!(
                    "leaves at {}, before the shift starts ({})",
                    self.show(rs.into(), dayq),
                    self.show(sh.start.into(), dayq)
                );
                self.push(Rule::Shift, at, msg);
            }
            if re > sh.end {
                let msg = format!(
                    "back at {}, after the shift ends ({})",
                    self.show(re.into(), dayq),
                    self.show(sh.end.into(), dayq)
                );
                self.push(Rule::Shift, at, msg);
            }
        }
        if route.stops.is_empty() && re < rs {
            let msg =
                format!("ends ({}) before it starts ({})", self.show(re.into(), dayq), self.show(rs.into(), dayq));
            self.push(Rule::Timing, at, msg);
        }

        // Walk the stops.
        let mut prev_loc: Option<usize> = tech.map(|t| inst.sites[t.start_site].loc);
        let mut prev_end: i128 = rs.into();
        let mut legs_s: i128 = 0;
        let mut legs_m = 0.0_f64;
        let mut wait_s: i128 = 0;
        let mut model_s: i64 = 0;
        let mut model_m = 0.0_f64;
        let mut service_s: i64 = 0;
        let mut parts = 0.0_f64;
        let mut all_known = true;
        // Travel and service intervals, for the break.
        let mut busy: Vec<(i128, i128, String)> = Vec::new();

        for (si, stop) in route.stops.iter().enumerate() {
            let vat = at.visit(stop.visit.as_str());
            let v_ix = self.visit_ix.get(stop.visit.as_str()).copied();
            let first = match v_ix {
                None => {
                    all_known = false;
                    self.push(Rule::UnknownId, vat, format!("visit {:?} does not exist", stop.visit));
                    false
                }
                Some(v) => self.occurrence(v, vat, format!("route {} {}", route.technician, route.day)),
            };
            let visit = v_ix.map(|v| &inst.visits[v]);
            let (dep, arr, st, en) =
                (self.secs(stop.depart), self.secs(stop.arrival), self.secs(stop.start), self.secs(stop.end));
            let (dep, arr, st, en) = (i128::from(dep), i128::from(arr), i128::from(st), i128::from(en));

            // Timing.
            if si == 0 {
                if dep != i128::from(rs) {
                    let msg = format!(
                        "leaves at {}, but the route starts at {}",
                        self.show(dep, dayq),
                        self.show(rs.into(), dayq)
                    );
                    self.push(Rule::Timing, vat, msg);
                }
            } else if dep < prev_end {
                let msg = format!(
                    "leaves the previous stop at {}, before its service ends ({})",
                    self.show(dep, dayq),
                    self.show(prev_end, dayq)
                );
                self.push(Rule::Timing, vat, msg);
            }
            let expected_arr = dep + i128::from(stop.leg.travel_s);
            if arr != expected_arr {
                let msg = format!(
                    "arrives at {}, but leaving at {} with a {} s leg arrives at {}",
                    self.show(arr, dayq),
                    self.show(dep, dayq),
                    stop.leg.travel_s,
                    self.show(expected_arr, dayq)
                );
                self.push(Rule::Timing, vat, msg);
            }
            if st < arr {
                let msg =
                    format!("service starts at {}, before arriving at {}", self.show(st, dayq), self.show(arr, dayq));
                self.push(Rule::Timing, vat, msg);
            }
            if let Some(visit) = visit {
                let expected_end = st + i128::from(visit.duration);
                if en != expected_end {
                    let msg = format!(
                        "service ends at {}, but starting at {} for {} min ends at {}",
                        self.show(en, dayq),
                        self.show(st, dayq),
                        visit.duration / 60,
                        self.show(expected_end, dayq)
                    );
                    self.push(Rule::Timing, vat, msg);
                }
                let late = visit.sla.map_or(0, |sla| (st - i128::from(sla)).max(0));
                let late_min = (late + 59) / 60;
                if i128::from(stop.sla_late_min) != late_min {
                    let msg = format!(
                        "sla_late_min is {}, but the service starts {late_min} min after the SLA deadline",
                        stop.sla_late_min
                    );
                    self.push(Rule::Timing, vat, msg);
                }
            }

            // Travel.
            match (prev_loc, visit) {
                (Some(from), Some(visit)) => {
                    let what = if si == 0 { "first leg" } else { "leg" };
                    let m = self.check_leg(vat, what, from, visit.loc, &stop.leg);
                    model_s = model_s.saturating_add(m.secs);
                    model_m += m.meters;
                }
                _ => all_known = false,
            }
            prev_loc = visit.map(|v| v.loc);
            legs_s += i128::from(stop.leg.travel_s);
            legs_m += stop.leg.distance_m;
            wait_s += st - arr;
            busy.push((dep, arr, format!("the drive to {}", stop.visit)));
            busy.push((st, en, format!("the service at {}", stop.visit)));

            if let (Some(v), Some(visit)) = (v_ix, visit) {
                service_s = service_s.saturating_add(visit.duration);
                parts += visit.parts;
                let fixed_in_place = match (visit.status.is_fixed(), visit.current, t_ix) {
                    (true, Some(cur), Some(t)) => cur.tech == t && i128::from(cur.start) == st,
                    _ => false,
                };
                if visit.status.is_fixed()
                    && !fixed_in_place
                    && let Some(cur) = visit.current
                {
                    let msg = format!(
                        "a {} visit stays where it is: with {} at {}",
                        status_name(visit),
                        inst.technicians[cur.tech].id,
                        self.show(cur.start.into(), None)
                    );
                    self.push(Rule::Fixed, vat, msg);
                }
                if !fixed_in_place {
                    self.check_window(vat, visit, st, dayq);
                    if let Some(t) = t_ix {
                        self.check_eligibility(vat, visit, t, day_ok.then_some(day));
                    }
                    self.check_pin(vat, visit, t_ix, d, st);
                }
                if first
                    && visit.needs_plan()
                    && let Some(t) = t_ix
                {
                    let start = Secs::try_from(st).unwrap_or(Secs::MAX);
                    self.assigned[v] = Some(Assign { tech: t, day: d, start });
                }
            }
            prev_end = en;
        }

        // The way back.
        if !route.stops.is_empty() {
            let rat = at;
            match (prev_loc, tech) {
                (Some(from), Some(t)) => {
                    let m = self.check_leg(rat, "return leg", from, inst.sites[t.end_site].loc, &route.return_leg);
                    model_s = model_s.saturating_add(m.secs);
                    model_m += m.meters;
                }
                _ => all_known = false,
            }
            let leave = i128::from(re) - i128::from(route.return_leg.travel_s);
            if leave < prev_end {
                let msg = format!(
                    "back at the end site at {}, but the last service ends at {} and the drive back takes {} s",
                    self.show(re.into(), dayq),
                    self.show(prev_end, dayq),
                    route.return_leg.travel_s
                );
                self.push(Rule::Timing, rat, msg);
            }
            busy.push((leave, re.into(), "the drive back".to_string()));
            legs_s += i128::from(route.return_leg.travel_s);
            legs_m += route.return_leg.distance_m;
        }

        // Reported totals against the legs and times the route reports.
        if i128::from(route.travel_s) != legs_s {
            self.push(Rule::Timing, at, format!("travel_s is {}, but its legs add up to {legs_s}", route.travel_s));
        }
        if !close_m(route.distance_m, legs_m) {
            self.push(
                Rule::Timing,
                at,
                format!("distance_m is {:.2}, but its legs add up to {legs_m:.2}", route.distance_m),
            );
        }
        if all_known && route.service_s != service_s {
            self.push(Rule::Timing, at, format!("service_s is {}, but its visits last {service_s} s", route.service_s));
        }
        if i128::from(route.wait_s) != wait_s {
            self.push(Rule::Timing, at, format!("wait_s is {}, but its stops wait {wait_s} s", route.wait_s));
        }
        if all_known && !close_rel(route.parts_volume, parts, 1e-9, 1e-9) {
            self.push(Rule::Timing, at, format!("parts_volume is {}, but its visits need {parts}", route.parts_volume));
        }

        if !route.stops.is_empty() {
            self.check_break(route, at, shift, dayq, &busy);
        }

        if let Some(t) = tech {
            if parts > t.capacity + 1e-9 {
                let msg = format!("parts {parts} exceed the vehicle capacity {} of {}", t.capacity, t.id);
                self.push(Rule::Capacity, at, msg);
            }
            if route.stops.len() > t.max_visits_per_day as usize {
                let msg = format!(
                    "{} stops, but {} does at most {} visits a day",
                    route.stops.len(),
                    t.id,
                    t.max_visits_per_day
                );
                self.push(Rule::MaxVisits, at, msg);
            }
        }
        if let Some(t) = t_ix {
            self.routes.push(RouteFig { tech: t, travel_s: model_s, meters: model_m, service_s });
        }
    }

    fn check_window(&mut self, at: At<'_>, visit: &VisitInfo, st: i128, dayq: Option<i64>) {
        if visit.windows.iter().any(|&(ws, we)| i128::from(ws) <= st && st <= i128::from(we)) {
            return;
        }
        let place = if visit.windows.iter().all(|&(ws, _)| st < i128::from(ws)) {
            "before every window"
        } else if visit.windows.iter().all(|&(_, we)| st > i128::from(we)) {
            "after every window"
        } else {
            "between its windows"
        };
        let msg = format!("service starts {}, {place} ({})", self.show(st, dayq), self.show_windows(&visit.windows));
        self.push(Rule::TimeWindow, at, msg);
    }

    /// Skill, certification, region, provider and exclusion of technician `t` for `visit`
    /// on `day` (`None` when the route's day lies outside the horizon: day-bound rules are
    /// then not checked, the route already breaks `day_off`).
    fn check_eligibility(&mut self, at: At<'_>, visit: &VisitInfo, t: TechIdx, day: Option<Day>) {
        let inst = self.inst;
        let tech = &inst.technicians[t];
        let skill = inst.skills.get(visit.skill).map_or("?", String::as_str);
        let level = tech.skill_level.get(visit.skill).copied().unwrap_or(0);
        if level < visit.min_level {
            let has = if level == 0 {
                format!("{} does not have {skill}", tech.id)
            } else {
                format!("{} has {skill} level {level}", tech.id)
            };
            self.push(Rule::Skill, at, format!("{has}; the visit needs level {}", visit.min_level));
        }
        if let Some(day) = day {
            for &c in &visit.certs {
                if tech.cert_through.get(c).copied().flatten().is_none_or(|last| day > last) {
                    let name = inst.certifications.get(c).map_or("?", String::as_str);
                    let held = match tech.cert_through.get(c).copied().flatten() {
                        Some(last) => format!(" (valid only through {})", inst.date(last)),
                        None => String::new(),
                    };
                    self.push(
                        Rule::Certification,
                        at,
                        format!("{} holds no {name} valid on {}{held}", tech.id, inst.date(day)),
                    );
                }
            }
        }
        let region = inst.regions.get(visit.region).map_or("?", |r| r.id.as_str());
        if tech.region_access.get(visit.region).is_none_or(|a| *a == RegionAccess::None) {
            self.push(Rule::Region, at, format!("{} may not work in region {region}", tech.id));
        }
        if let Some(p) = tech.provider.and_then(|p| inst.providers.get(p)) {
            if let Some(day) = day
                && !p.certified_on(day)
            {
                self.push(
                    Rule::Provider,
                    at,
                    format!("provider {} of {} is not certified on {}", p.id, tech.id, inst.date(day)),
                );
            }
            if !p.serves.get(visit.region).copied().unwrap_or(false) {
                self.push(
                    Rule::Provider,
                    at,
                    format!("provider {} of {} does not serve region {region}", p.id, tech.id),
                );
            }
        }
        if visit.excluded.contains(&t) {
            self.push(Rule::Excluded, at, format!("the visit excludes {}", tech.id));
        }
    }

    fn check_pin(&mut self, at: At<'_>, visit: &VisitInfo, t: Option<TechIdx>, d: i64, st: i128) {
        let inst = self.inst;
        if let Some(pt) = visit.pin.tech
            && Some(pt) != t
        {
            self.push(Rule::Pin, at, format!("pinned to technician {}", inst.technicians[pt].id));
        }
        if let Some(pd) = visit.pin.day
            && i64::from(pd) != d
        {
            self.push(Rule::Pin, at, format!("pinned to {}", inst.date(pd)));
        }
        if let Some(ps) = visit.pin.start
            && i128::from(ps) != st
        {
            let msg = format!("pinned to start at {}, starts at {}", self.show(ps.into(), None), self.show(st, None));
            self.push(Rule::Pin, at, msg);
        }
    }

    fn check_break(
        &mut self,
        route: &Route,
        at: At<'_>,
        shift: Option<crate::instance::DayShift>,
        dayq: Option<i64>,
        busy: &[(i128, i128, String)],
    ) {
        let Some(shift) = shift else { return };
        match (shift.break_, &route.break_) {
            (None, None) => {}
            (None, Some(_)) => {
                self.push(Rule::Break, at, "the route has a break, but the shift of this day has no break rule")
            }
            (Some(rule), None) => {
                let msg = format!(
                    "needs a {} min break between {} and {}; the route has none",
                    rule.duration / 60,
                    self.show(rule.earliest.into(), dayq),
                    self.show(rule.latest.into(), dayq)
                );
                self.push(Rule::Break, at, msg);
            }
            (Some(rule), Some(b)) => {
                let (bs, be) = (i128::from(self.secs(b.start)), i128::from(self.secs(b.end)));
                let span = format!("break {}–{}", self.show(bs, dayq), self.show(be, dayq));
                if be - bs != i128::from(rule.duration) {
                    self.push(
                        Rule::Break,
                        at,
                        format!("{span} lasts {} s, the rule asks for {} min", be - bs, rule.duration / 60),
                    );
                }
                if bs < i128::from(rule.earliest) || be > i128::from(rule.latest) {
                    let msg = format!(
                        "{span} lies outside {}–{}",
                        self.show(rule.earliest.into(), dayq),
                        self.show(rule.latest.into(), dayq)
                    );
                    self.push(Rule::Break, at, msg);
                }
                if bs < i128::from(shift.start) || be > i128::from(shift.end) {
                    let msg = format!(
                        "{span} lies outside the shift {}–{}",
                        self.show(shift.start.into(), dayq),
                        self.show(shift.end.into(), dayq)
                    );
                    self.push(Rule::Break, at, msg);
                }
                for (a, z, what) in busy {
                    // Open intervals: touching is fine; empty intervals never overlap.
                    if a < z && bs < be && *a < be && bs < *z {
                        let msg = format!("{span} overlaps {what} ({}–{})", self.show(*a, dayq), self.show(*z, dayq));
                        self.push(Rule::Break, at, msg);
                    }
                }
            }
        }
    }

    fn provider_counts(&self) -> Counts {
        let inst = self.inst;
        let mut counts = vec![vec![0u32; inst.regions.len()]; inst.providers.len()];
        for (v, a) in self.assigned.iter().enumerate() {
            let Some(a) = a else { continue };
            if let Some(p) = inst.technicians[a.tech].provider
                && let Some(c) = counts.get_mut(p).and_then(|row| row.get_mut(inst.visits[v].region))
            {
                *c += 1;
            }
        }
        counts
    }

    fn check_shares(&mut self, counts: &Counts) {
        let inst = self.inst;
        for (p, provider) in inst.providers.iter().enumerate() {
            for (r, region) in inst.regions.iter().enumerate() {
                let n = counts[p][r];
                let max = provider.max_visits_in(region);
                if n > max {
                    let msg = format!(
                        "provider {} has {n} visits in region {}; its maximum share ({} % of {} plannable visits) allows {max}",
                        provider.id,
                        region.id,
                        provider.share_in(region).1,
                        region.plannable_visits
                    );
                    self.push(Rule::ProviderShare, At::default(), msg);
                }
            }
        }
    }

    fn check_unassigned(&mut self, plan: &Plan, counts: &Counts) {
        let inst = self.inst;
        for u in &plan.unassigned {
            let at = At::default().visit(u.visit.as_str());
            let Some(v) = self.visit_ix.get(u.visit.as_str()).copied() else {
                self.push(Rule::UnknownId, at, format!("unassigned visit {:?} does not exist", u.visit));
                continue;
            };
            if !self.occurrence(v, at, "unassigned".to_string()) {
                continue;
            }
            let visit = &inst.visits[v];
            if !visit.needs_plan() {
                continue;
            }
            if visit.status.is_fixed()
                && let Some(cur) = visit.current
            {
                let msg = format!(
                    "a {} visit cannot be unassigned: it stays with {} at {}",
                    status_name(visit),
                    inst.technicians[cur.tech].id,
                    self.show(cur.start.into(), None)
                );
                self.push(Rule::Fixed, at, msg);
            }
            let Some(reason) = u.reasons.first() else {
                self.push(Rule::Reason, at, "unassigned without a reason");
                continue;
            };
            self.first_reason[v] = Some(reason.code);
            if let Err(why) = verify_reason(inst, v, reason.code, counts) {
                self.push(Rule::Reason, at, format!("reason {} is false: {why}", reason.code.as_str()));
            }
        }
    }

    fn check_missing(&mut self) {
        let inst = self.inst;
        for (v, visit) in inst.visits.iter().enumerate() {
            if visit.needs_plan() && self.first_seen[v].is_none() {
                let msg =
                    format!("the visit ({}) appears neither in a route nor among the unassigned", status_name(visit));
                self.push(Rule::Missing, At::default().visit(visit.id.as_str()), msg);
            }
        }
    }

    fn kpis(&self, counts: &Counts) -> Kpis {
        let inst = self.inst;
        let mut k = Kpis::default();
        let mut with_sla = 0u32;
        let mut sla_met = 0u32;
        let mut response: Vec<f64> = Vec::new();
        let mut emergency: Vec<f64> = Vec::new();
        let mut ftf = 0u32;
        for (v, visit) in inst.visits.iter().enumerate() {
            if !visit.needs_plan() {
                continue;
            }
            k.visits += 1;
            if visit.sla.is_some() {
                with_sla += 1;
            }
            let Some(a) = self.assigned[v] else {
                if let Some(code) = self.first_reason[v] {
                    *k.unassigned_by_reason.entry(code.as_str().to_string()).or_insert(0) += 1;
                }
                continue;
            };
            k.assigned += 1;
            if visit.sla.is_some_and(|sla| a.start <= sla) {
                sla_met += 1;
            }
            let waited = a.start.saturating_sub(visit.created).max(0) as f64;
            response.push(waited / 3600.0);
            if visit.priority == crate::format::Priority::Emergency {
                emergency.push(waited / 60.0);
            }
            if level_of(inst, a.tech, visit) >= visit.complexity {
                ftf += 1;
            }
        }
        k.unassigned = k.visits - k.assigned;
        k.sla_attainment_pct = if with_sla == 0 { 100.0 } else { 100.0 * f64::from(sla_met) / f64::from(with_sla) };
        k.response_hours_mean = mean(&response);
        k.response_hours_p90 = p90(&response);
        k.emergency_response_minutes_mean = mean(&emergency);
        k.first_time_fix_pct = if k.assigned == 0 { 0.0 } else { 100.0 * f64::from(ftf) / f64::from(k.assigned) };

        let travel_s: i64 = self.routes.iter().fold(0i64, |s, r| s.saturating_add(r.travel_s));
        let service_s: i64 = self.routes.iter().fold(0i64, |s, r| s.saturating_add(r.service_s));
        k.travel_hours = travel_s as f64 / 3600.0;
        k.travel_km = self.routes.iter().map(|r| r.meters).sum::<f64>() / 1000.0;
        k.service_hours = service_s as f64 / 3600.0;
        let mut on_duty: i64 = 0;
        for t in &inst.technicians {
            for sh in t.shifts.iter().flatten() {
                on_duty += sh.end - sh.start - sh.break_.map_or(0, |b| b.duration);
            }
        }
        k.utilization_pct =
            if on_duty <= 0 { 0.0 } else { 100.0 * (service_s.saturating_add(travel_s)) as f64 / on_duty as f64 };
        k.routes = self.routes.len() as u32;
        k.technicians_used = self.routes.iter().map(|r| r.tech).collect::<BTreeSet<_>>().len() as u32;

        let mut hours = vec![0.0_f64; inst.technicians.len()];
        for r in &self.routes {
            hours[r.tech] += (r.service_s.saturating_add(r.travel_s)) as f64 / 3600.0;
        }
        let working: Vec<f64> = inst
            .technicians
            .iter()
            .zip(&hours)
            .filter(|(t, _)| t.shifts.iter().any(Option::is_some))
            .map(|(_, h)| *h)
            .collect();
        k.workload_spread_hours = std_dev(&working);

        for (p, provider) in inst.providers.iter().enumerate() {
            for (r, region) in inst.regions.iter().enumerate() {
                if !provider.serves.get(r).copied().unwrap_or(false) {
                    continue;
                }
                let visits = counts[p][r];
                let share_pct = if region.plannable_visits == 0 {
                    0.0
                } else {
                    100.0 * f64::from(visits) / f64::from(region.plannable_visits)
                };
                k.provider_shares.push(ProviderShare {
                    provider: provider.id.clone(),
                    region: region.id.clone(),
                    visits,
                    share_pct,
                });
            }
        }
        k
    }

    fn objective(&self, counts: &Counts) -> Objective {
        let inst = self.inst;
        let pol = &inst.policy;
        let mut o = ObjectiveTerms::default();
        for r in &self.routes {
            let t = &inst.technicians[r.tech];
            o.travel_time += r.travel_s as f64 / 3600.0 * t.cost_per_hour * pol.travel_time_weight;
            o.travel_distance += r.meters / 1000.0 * t.cost_per_km * pol.travel_distance_weight;
            let hours = (r.service_s.saturating_add(r.travel_s)) as f64 / 3600.0;
            o.workload_balance += hours * hours * pol.workload_balance;
        }
        for (v, visit) in inst.visits.iter().enumerate() {
            if !visit.needs_plan() {
                continue;
            }
            let a = self.assigned[v];
            if visit.status.is_plannable()
                && let Some(cur) = visit.current
            {
                let moved = a.is_none_or(|a| a.tech != cur.tech || a.day != Instance::day_of(cur.start));
                if moved {
                    o.disruption +=
                        if cur.communicated { pol.disruption_move_communicated } else { pol.disruption_move };
                }
            }
            let Some(a) = a else {
                o.unassigned += pol.unassigned.get(visit.priority);
                continue;
            };
            let tech = &inst.technicians[a.tech];
            if let Some(sla) = visit.sla {
                let late = a.start.saturating_sub(sla).max(0) as f64;
                o.sla_lateness += late / 60.0
                    * pol.sla_late_per_minute.get(visit.priority)
                    * pol.sla_segment_factor.get(visit.segment);
            }
            if tech.region_access.get(visit.region) == Some(&RegionAccess::Secondary) {
                o.secondary_region += pol.secondary_region;
            }
            if visit.preferred.is_some_and(|p| p != a.tech) {
                o.preferred_technician += pol.preferred_technician_missed;
            }
            let over = level_of(inst, a.tech, visit).saturating_sub(visit.min_level);
            o.over_qualification += f64::from(over) * pol.over_qualification_per_level;
            if let Some(p) = tech.provider.and_then(|p| inst.providers.get(p)) {
                o.provider_rating += (1.0 - p.rating) * pol.provider_rating;
            }
        }
        for (p, provider) in inst.providers.iter().enumerate() {
            for (r, region) in inst.regions.iter().enumerate() {
                if provider.serves.get(r).copied().unwrap_or(false) {
                    let short = provider.min_visits_in(region).saturating_sub(counts[p][r]);
                    o.provider_min_share += f64::from(short) * pol.provider_min_share_shortfall;
                }
            }
        }
        Objective { total: o.total(), terms: o }
    }

    fn check_figures(&mut self, plan: &Plan, kpis: &Kpis, objective: &Objective) {
        let at = At::default();
        let mut bad: Vec<String> = Vec::new();
        let (r, c) = (&plan.kpis, kpis);
        for (name, reported, recomputed) in [
            ("visits", r.visits, c.visits),
            ("assigned", r.assigned, c.assigned),
            ("unassigned", r.unassigned, c.unassigned),
            ("routes", r.routes, c.routes),
            ("technicians_used", r.technicians_used, c.technicians_used),
        ] {
            if reported != recomputed {
                bad.push(format!("kpis.{name} is {reported}, recomputed {recomputed}"));
            }
        }
        let nonzero = |m: &BTreeMap<String, u32>| {
            m.iter().filter(|(_, n)| **n != 0).map(|(k, n)| (k.clone(), *n)).collect::<BTreeMap<_, _>>()
        };
        if nonzero(&r.unassigned_by_reason) != nonzero(&c.unassigned_by_reason) {
            bad.push(format!(
                "kpis.unassigned_by_reason is {:?}, recomputed {:?}",
                r.unassigned_by_reason, c.unassigned_by_reason
            ));
        }
        for (name, reported, recomputed) in [
            ("sla_attainment_pct", r.sla_attainment_pct, c.sla_attainment_pct),
            ("response_hours_mean", r.response_hours_mean, c.response_hours_mean),
            ("response_hours_p90", r.response_hours_p90, c.response_hours_p90),
            ("emergency_response_minutes_mean", r.emergency_response_minutes_mean, c.emergency_response_minutes_mean),
            ("first_time_fix_pct", r.first_time_fix_pct, c.first_time_fix_pct),
            ("travel_hours", r.travel_hours, c.travel_hours),
            ("travel_km", r.travel_km, c.travel_km),
            ("service_hours", r.service_hours, c.service_hours),
            ("utilization_pct", r.utilization_pct, c.utilization_pct),
            ("workload_spread_hours", r.workload_spread_hours, c.workload_spread_hours),
        ] {
            if !close_figure(reported, recomputed) {
                bad.push(format!("kpis.{name} is {reported}, recomputed {recomputed}"));
            }
        }
        let shares_equal = r.provider_shares.len() == c.provider_shares.len()
            && r.provider_shares.iter().zip(&c.provider_shares).all(|(a, b)| {
                a.provider == b.provider
                    && a.region == b.region
                    && a.visits == b.visits
                    && close_figure(a.share_pct, b.share_pct)
            });
        if !shares_equal {
            let show = |s: &[ProviderShare]| {
                s.iter()
                    .map(|s| format!("{}/{}: {} ({} %)", s.provider, s.region, s.visits, s.share_pct))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            bad.push(format!(
                "kpis.provider_shares are [{}], recomputed [{}]",
                show(&r.provider_shares),
                show(&c.provider_shares)
            ));
        }
        for ((name, reported), (_, recomputed)) in plan.objective.terms.named().into_iter().zip(objective.terms.named())
        {
            if !close_figure(reported, recomputed) {
                bad.push(format!("objective.terms.{name} is {reported}, recomputed {recomputed}"));
            }
        }
        if !close_figure(plan.objective.total, objective.total) {
            bad.push(format!("objective.total is {}, recomputed {}", plan.objective.total, objective.total));
        }
        for msg in bad {
            self.push(Rule::ReportedFigure, at, msg);
        }
    }
}

/// `open`, `in_progress`, … as in the problem file.
fn status_name(visit: &VisitInfo) -> String {
    serde_json::to_value(visit.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Level of a technician in a visit's skill (0 when not held).
fn level_of(inst: &Instance, t: TechIdx, visit: &VisitInfo) -> u8 {
    inst.technicians[t].skill_level.get(visit.skill).copied().unwrap_or(0)
}

/// Checks an unassigned visit's first reason against the problem alone (and, for
/// `provider_share_cap`, the plan's provider counts). `Err` says why the claim is false.
fn verify_reason(inst: &Instance, v: VisitIdx, code: ReasonCode, counts: &Counts) -> Result<(), String> {
    let visit = &inst.visits[v];
    let days = inst.days;
    let skill = inst.skills.get(visit.skill).map_or("?", String::as_str);
    let region = inst.regions.get(visit.region).map_or("?", |r| r.id.as_str());
    let skilled: Vec<TechIdx> =
        (0..inst.technicians.len()).filter(|&t| level_of(inst, t, visit) >= visit.min_level).collect();
    let certified_on = |t: TechIdx, d: Day| visit.certs.iter().all(|&c| inst.technicians[t].holds_cert_on(c, d));
    let region_ok_on = |t: TechIdx, d: Day| {
        let tech = &inst.technicians[t];
        tech.region_access.get(visit.region).is_some_and(|a| *a != RegionAccess::None)
            && tech
                .provider
                .and_then(|p| inst.providers.get(p))
                .is_none_or(|p| p.certified_on(d) && p.serves.get(visit.region).copied().unwrap_or(false))
    };
    let certified: Vec<TechIdx> = skilled.iter().copied().filter(|&t| (0..days).any(|d| certified_on(t, d))).collect();
    let in_region: Vec<TechIdx> =
        skilled.iter().copied().filter(|&t| (0..days).any(|d| certified_on(t, d) && region_ok_on(t, d))).collect();
    let eligible: Vec<TechIdx> = in_region.iter().copied().filter(|t| !visit.excluded.contains(t)).collect();
    let ids = |ts: &[TechIdx]| ts.iter().map(|&t| inst.technicians[t].id.as_str()).collect::<Vec<_>>().join(", ");
    let stage = || -> Result<(), String> {
        if skilled.is_empty() {
            Err(format!("no technician has {skill} level {} or higher", visit.min_level))
        } else if certified.is_empty() {
            Err(format!(
                "no technician with the skill ({}) holds the required certifications on any day",
                ids(&skilled)
            ))
        } else if in_region.is_empty() {
            Err(format!("no qualified technician ({}) may work in region {region}", ids(&certified)))
        } else if eligible.is_empty() {
            Err(format!("the visit excludes every qualified technician ({})", ids(&in_region)))
        } else {
            Ok(())
        }
    };
    match code {
        ReasonCode::NoSkilledTechnician if !skilled.is_empty() => Err(format!(
            "{} {} {skill} level {} or higher",
            ids(&skilled),
            if skilled.len() == 1 { "has" } else { "have" },
            visit.min_level
        )),
        ReasonCode::NoSkilledTechnician => Ok(()),
        ReasonCode::CertificationExpired if skilled.is_empty() => stage(),
        ReasonCode::CertificationExpired if !certified.is_empty() => {
            Err(format!("{} hold(s) every required certification on some day", ids(&certified)))
        }
        ReasonCode::CertificationExpired => Ok(()),
        ReasonCode::OutOfRegion if certified.is_empty() => stage(),
        ReasonCode::OutOfRegion if !in_region.is_empty() => {
            Err(format!("{} may work in region {region}", ids(&in_region)))
        }
        ReasonCode::OutOfRegion => Ok(()),
        ReasonCode::ExcludedTechnicians if in_region.is_empty() => stage(),
        ReasonCode::ExcludedTechnicians if !eligible.is_empty() => {
            Err(format!("{} qualify and are not excluded", ids(&eligible)))
        }
        ReasonCode::ExcludedTechnicians => Ok(()),
        _ => {
            stage()?;
            match code {
                ReasonCode::PinConflict
                    if visit.pin.tech.is_none() && visit.pin.day.is_none() && visit.pin.start.is_none() =>
                {
                    Err("the visit has no pin".to_string())
                }
                ReasonCode::SlaInfeasible if visit.sla.is_none() => Err("the visit has no SLA".to_string()),
                ReasonCode::ProviderShareCap => {
                    let capped = eligible.iter().any(|&t| {
                        inst.technicians[t].provider.is_some_and(|p| {
                            let provider = &inst.providers[p];
                            let n = counts.get(p).and_then(|row| row.get(visit.region)).copied().unwrap_or(0);
                            inst.regions.get(visit.region).is_some_and(|r| n >= provider.max_visits_in(r))
                        })
                    });
                    if capped {
                        Ok(())
                    } else {
                        Err(format!("no eligible technician's provider is at its maximum share of region {region}"))
                    }
                }
                _ => Ok(()),
            }
        }
    }
}

/// Floats of the reported figures: within 1e-6 relative or 1e-3 absolute.
fn close_figure(a: f64, b: f64) -> bool {
    close_rel(a, b, 1e-6, 1e-3)
}

/// Distances: within 1e-6 relative or 0.01 m.
fn close_m(a: f64, b: f64) -> bool {
    close_rel(a, b, 1e-6, 0.01)
}

fn close_rel(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    if !(a.is_finite() && b.is_finite()) {
        return a == b;
    }
    let diff = (a - b).abs();
    diff <= abs || diff <= rel * a.abs().max(b.abs())
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() { 0.0 } else { xs.iter().sum::<f64>() / xs.len() as f64 }
}

/// Nearest rank: the element at index ⌈0.9·n⌉ − 1 of the ascending order (0 when empty).
fn p90(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (9 * sorted.len()).div_ceil(10);
    sorted[rank.saturating_sub(1)]
}

/// Population standard deviation (0 when empty).
fn std_dev(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let m = mean(xs);
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len() as f64).sqrt()
}

//! The first planner: careful greedy insertion with ruin-and-recreate improvement.
//!
//! 1. **Candidates**: for each visit, every technician-day passing the static hard rules
//!    ([`rules::static_rules`]); visits with none are explained right away.
//! 2. **Construction**: visits in order of urgency (fixed and pinned first, then priority,
//!    fewest candidates, earliest SLA) are inserted where the objective grows least, over every
//!    position of every candidate route, each position timed by [`schedule::schedule`].
//! 3. **Improvement**: until the time or iteration limit, remove a few related visits (a random
//!    visit and its nearest assigned neighbours) and greedily reinsert them with the unassigned
//!    ones in a perturbed order; keep the result when the objective does not get worse.
//!
//! Deterministic for a seed when the iteration limit ends the run; the time limit is checked
//! between iterations and cancellation through a shared flag.

pub mod rules;
pub mod schedule;

mod build;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::format::{ObjectiveTerms, Plan, ProblemRef, ReasonCode};
use crate::instance::{Day, Instance, RegionAccess, TechIdx, VisitIdx};
use crate::rng::Rng;
use crate::travel::TravelModel;

use schedule::Schedule;

pub const SOLVER_NAME: &str = concat!("rota-greedy/", env!("CARGO_PKG_VERSION"));

#[derive(Clone, Debug)]
pub struct SolveOptions {
    pub seed: u64,
    pub time_limit: Duration,
    /// Improvement rounds at most (the run ends at whichever limit comes first).
    pub max_iterations: u32,
    /// Who asked for the plan (`solver`, `dispatcher`, `batch`, `what-if`).
    pub author: String,
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self { seed: 1, time_limit: Duration::from_secs(10), max_iterations: 20_000, author: "solver".into() }
    }
}

/// What a running solve reports to its caller (a progress bar, an app event).
#[derive(Clone, Debug)]
pub struct Progress {
    pub iteration: u32,
    pub max_iterations: u32,
    pub elapsed: Duration,
    pub time_limit: Duration,
    pub objective: f64,
    pub assigned: usize,
    pub visits: usize,
}

/// Working state: one visit sequence per technician-day.
#[derive(Clone)]
pub(crate) struct Solution {
    days: usize,
    pub(crate) routes: Vec<Vec<VisitIdx>>,
    route_cost: Vec<f64>,
    parts: Vec<f64>,
    /// `(provider, region)` → visits assigned.
    provider_load: Vec<u32>,
    /// Route index of each visit, if assigned.
    pub(crate) placed: Vec<Option<usize>>,
}

impl Solution {
    fn route_index(&self, t: TechIdx, day: Day) -> usize {
        t * self.days + day as usize
    }
    pub(crate) fn tech_day(&self, r: usize) -> (TechIdx, Day) {
        (r / self.days, (r % self.days) as Day)
    }
}

pub(crate) struct Planner<'a> {
    pub(crate) inst: &'a Instance,
    pub(crate) travel: &'a dyn TravelModel,
    /// Static candidates per visit.
    candidates: Vec<Vec<(TechIdx, Day)>>,
    /// Reason for visits without any candidate.
    pub(crate) static_reason: Vec<Option<ReasonCode>>,
    /// Per visit, other visits nearest first (for related removal).
    neighbours: Vec<Vec<VisitIdx>>,
}

/// Plans a compiled problem. Always returns a plan that keeps every hard rule; what cannot be
/// placed is unassigned with its reasons.
pub fn solve(
    inst: &Instance,
    travel: &dyn TravelModel,
    problem: ProblemRef,
    opts: &SolveOptions,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Plan {
    let planner = Planner::new(inst, travel);
    solve_from(&planner, None, problem, opts, progress, cancel, Instant::now())
}

/// Routes and improves from an optional assignment `hint` (technician-day per visit).
pub(crate) fn solve_from(
    planner: &Planner,
    hint: Option<&[Option<(TechIdx, Day)>]>,
    problem: ProblemRef,
    opts: &SolveOptions,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
    started: Instant,
) -> Plan {
    let inst = planner.inst;
    let mut rng = Rng::new(opts.seed);
    let mut best = planner.construct(&planner.initial_order(&mut rng, false), hint);
    let mut best_cost = planner.objective(&best);
    let visits = inst.visits.iter().filter(|v| v.needs_plan()).count();
    let report = |iteration: u32, sol: &Solution, cost: f64, progress: &mut dyn FnMut(&Progress)| {
        progress(&Progress {
            iteration,
            max_iterations: opts.max_iterations,
            elapsed: started.elapsed(),
            time_limit: opts.time_limit,
            objective: cost,
            assigned: sol.placed.iter().filter(|p| p.is_some()).count(),
            visits,
        })
    };
    report(0, &best, best_cost, progress);

    // Simulated annealing over ruin-and-recreate moves: the temperature falls geometrically
    // from `T_START` to `T_END` cost units over the iteration budget (by iterations, not time,
    // so a seed gives the same plan on any machine when the iteration limit ends the run).
    const T_START: f64 = 100.0;
    const T_END: f64 = 1.0;
    let mut current = best.clone();
    let mut current_cost = best_cost;
    let mut iterations = 0;
    while iterations < opts.max_iterations && started.elapsed() < opts.time_limit && !cancel.load(Ordering::Relaxed) {
        let progress_fraction = f64::from(iterations) / f64::from(opts.max_iterations.max(1));
        let temperature = T_START * (T_END / T_START).powf(progress_fraction);
        iterations += 1;
        let mut candidate = current.clone();
        planner.ruin_and_recreate(&mut candidate, &mut rng);
        let cost = planner.objective(&candidate);
        let threshold = current_cost - temperature * rng.next_f64().max(1e-12).ln();
        if cost < threshold {
            current = candidate;
            current_cost = cost;
            if current_cost < best_cost - 1e-9 {
                best = current.clone();
                best_cost = current_cost;
            }
        }
        if iterations % 10 == 0 {
            report(iterations, &best, best_cost, progress);
        }
    }
    report(iterations, &best, best_cost, progress);
    build::plan(planner, &best, problem, opts, iterations)
}

impl<'a> Planner<'a> {
    pub(crate) fn new(inst: &'a Instance, travel: &'a dyn TravelModel) -> Self {
        let mut planner = Self::new_for_explain(inst, travel);
        planner.neighbours = nearest_neighbours(inst, travel, 12);
        planner
    }

    /// The candidates and objective without the neighbour lists the improvement phase needs.
    pub(crate) fn new_for_explain(inst: &'a Instance, travel: &'a dyn TravelModel) -> Self {
        let mut candidates = vec![Vec::new(); inst.visits.len()];
        let mut static_reason = vec![None; inst.visits.len()];
        for (v, visit) in inst.visits.iter().enumerate() {
            if !visit.needs_plan() {
                continue;
            }
            let mut furthest: Option<ReasonCode> = None;
            for t in 0..inst.technicians.len() {
                for day in 0..inst.days {
                    match rules::static_rules(inst, v, t, day) {
                        Ok(()) => candidates[v].push((t, day)),
                        Err(code) => {
                            if furthest.is_none_or(|f| rules::stage(code) > rules::stage(f)) {
                                furthest = Some(code);
                            }
                        }
                    }
                }
            }
            if candidates[v].is_empty() {
                static_reason[v] = Some(furthest.unwrap_or(ReasonCode::NoSkilledTechnician));
            }
        }
        Self { inst, travel, candidates, static_reason, neighbours: Vec::new() }
    }

    fn empty(&self) -> Solution {
        let inst = self.inst;
        let days = inst.days as usize;
        let n_routes = inst.technicians.len() * days;
        Solution {
            days,
            routes: vec![Vec::new(); n_routes],
            route_cost: vec![0.0; n_routes],
            parts: vec![0.0; n_routes],
            provider_load: vec![0; inst.providers.len() * inst.regions.len()],
            placed: vec![None; inst.visits.len()],
        }
    }

    /// Visits to place, most constrained first; `noisy` perturbs the order for diversity.
    fn initial_order(&self, rng: &mut Rng, noisy: bool) -> Vec<VisitIdx> {
        let inst = self.inst;
        let mut keyed: Vec<(u8, u8, f64, i64, VisitIdx)> = (0..inst.visits.len())
            .filter(|&v| !self.candidates[v].is_empty())
            .map(|v| {
                let visit = &inst.visits[v];
                let fixed = u8::from(!(visit.status.is_fixed() || visit.pin != Default::default()));
                let noise = if noisy { 0.5 + rng.next_f64() } else { 1.0 };
                let flexibility = self.candidates[v].len() as f64 * noise;
                (fixed, visit.priority as u8, flexibility, visit.sla.unwrap_or(i64::MAX), v)
            })
            .collect();
        keyed.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2)).then((a.3, a.4).cmp(&(b.3, b.4))));
        keyed.into_iter().map(|k| k.4).collect()
    }

    /// Greedy construction; with a `hint` (an assignment decided elsewhere, e.g. by the LP),
    /// each visit goes first to its hinted technician-day and only falls back to every
    /// candidate when the hinted route has no feasible position.
    fn construct(&self, order: &[VisitIdx], hint: Option<&[Option<(TechIdx, Day)>]>) -> Solution {
        let mut sol = self.empty();
        for &v in order {
            let hinted = hint.and_then(|h| h.get(v).copied().flatten()).filter(|td| self.candidates[v].contains(td));
            if let Some(td) = hinted
                && self.insert_best_among(&mut sol, v, &[td])
            {
                continue;
            }
            self.insert_best(&mut sol, v);
        }
        sol
    }

    /// The sequence-independent terms of giving visit `v` to technician `t` on `day`.
    pub(crate) fn assignment_terms(&self, v: VisitIdx, t: TechIdx, day: Day) -> ObjectiveTerms {
        let inst = self.inst;
        let w = &inst.policy;
        let visit = &inst.visits[v];
        let tech = &inst.technicians[t];
        let mut terms = ObjectiveTerms::default();
        if tech.region_access[visit.region] == RegionAccess::Secondary {
            terms.secondary_region = w.secondary_region;
        }
        if visit.preferred.is_some_and(|p| p != t) {
            terms.preferred_technician = w.preferred_technician_missed;
        }
        terms.over_qualification =
            f64::from(tech.skill_level[visit.skill].saturating_sub(visit.min_level)) * w.over_qualification_per_level;
        if let Some(p) = tech.provider {
            terms.provider_rating = (1.0 - inst.providers[p].rating) * w.provider_rating;
        }
        if let Some(c) = visit.current.filter(|_| visit.status.is_plannable())
            && (c.tech != t || Instance::day_of(c.start) != i64::from(day))
        {
            terms.disruption = self.disruption_weight(c.communicated);
        }
        terms
    }

    fn disruption_weight(&self, communicated: bool) -> f64 {
        let w = &self.inst.policy;
        if communicated { w.disruption_move_communicated } else { w.disruption_move }
    }

    /// The terms of leaving a visit unassigned.
    pub(crate) fn unassigned_terms(&self, v: VisitIdx) -> ObjectiveTerms {
        let visit = &self.inst.visits[v];
        let mut terms =
            ObjectiveTerms { unassigned: self.inst.policy.unassigned.get(visit.priority), ..Default::default() };
        if let Some(c) = visit.current.filter(|_| visit.status.is_plannable()) {
            terms.disruption = self.disruption_weight(c.communicated);
        }
        terms
    }

    /// The sequence-dependent terms of a scheduled route: travel, SLA lateness, workload.
    pub(crate) fn route_terms(&self, t: TechIdx, seq: &[VisitIdx], s: &Schedule) -> ObjectiveTerms {
        let inst = self.inst;
        let w = &inst.policy;
        let tech = &inst.technicians[t];
        let mut terms = ObjectiveTerms {
            travel_time: s.travel_s as f64 / 3600.0 * tech.cost_per_hour * w.travel_time_weight,
            travel_distance: s.distance_m / 1000.0 * tech.cost_per_km * w.travel_distance_weight,
            ..Default::default()
        };
        for (k, &v) in seq.iter().enumerate() {
            let visit = &inst.visits[v];
            if let Some(sla) = visit.sla {
                let late = (s.start[k] - sla).max(0) as f64 / 60.0;
                terms.sla_lateness +=
                    late * w.sla_late_per_minute.get(visit.priority) * w.sla_segment_factor.get(visit.segment);
            }
        }
        let hours = (s.service_s + s.travel_s) as f64 / 3600.0;
        terms.workload_balance = hours * hours * w.workload_balance;
        terms
    }

    /// Shortfall terms of the providers' minimum shares.
    pub(crate) fn provider_share_terms(&self, provider_load: &[u32]) -> ObjectiveTerms {
        let inst = self.inst;
        let mut short = 0u32;
        for (p, provider) in inst.providers.iter().enumerate() {
            for (r, region) in inst.regions.iter().enumerate() {
                if provider.serves[r] {
                    short += provider.min_visits_in(region).saturating_sub(provider_load[p * inst.regions.len() + r]);
                }
            }
        }
        ObjectiveTerms {
            provider_min_share: f64::from(short) * inst.policy.provider_min_share_shortfall,
            ..Default::default()
        }
    }

    /// The objective of a working solution, by term. Every figure the planner compares and
    /// every objective it reports comes from here.
    pub(crate) fn objective_terms(&self, sol: &Solution) -> ObjectiveTerms {
        let inst = self.inst;
        let mut terms = ObjectiveTerms::default();
        for (r, seq) in sol.routes.iter().enumerate() {
            if seq.is_empty() {
                continue;
            }
            let (t, day) = sol.tech_day(r);
            if let Some(s) = schedule::schedule(inst, self.travel, t, day, seq) {
                terms += self.route_terms(t, seq, &s);
            }
        }
        for (v, placed) in sol.placed.iter().enumerate() {
            if !inst.visits[v].needs_plan() {
                continue;
            }
            terms += match placed {
                Some(r) => {
                    let (t, day) = sol.tech_day(*r);
                    self.assignment_terms(v, t, day)
                }
                None => self.unassigned_terms(v),
            };
        }
        terms += self.provider_share_terms(&sol.provider_load);
        terms
    }

    /// The objective as one number, from the cached route costs (fast).
    fn objective(&self, sol: &Solution) -> f64 {
        let inst = self.inst;
        let mut total: f64 = sol.route_cost.iter().sum();
        for (v, placed) in sol.placed.iter().enumerate() {
            if !inst.visits[v].needs_plan() {
                continue;
            }
            total += match placed {
                Some(r) => {
                    let (t, day) = sol.tech_day(*r);
                    self.assignment_terms(v, t, day).total()
                }
                None => self.unassigned_terms(v).total(),
            };
        }
        total + self.provider_share_terms(&sol.provider_load).total()
    }

    fn provider_slot(&self, t: TechIdx, v: VisitIdx) -> Option<usize> {
        self.inst.technicians[t].provider.map(|p| p * self.inst.regions.len() + self.inst.visits[v].region)
    }

    fn provider_capped(&self, sol: &Solution, t: TechIdx, v: VisitIdx) -> bool {
        let inst = self.inst;
        match inst.technicians[t].provider {
            Some(p) => {
                let region = inst.visits[v].region;
                sol.provider_load[p * inst.regions.len() + region]
                    >= inst.providers[p].max_visits_in(&inst.regions[region])
            }
            None => false,
        }
    }

    /// Inserts `v` where the objective grows least; returns whether it was placed.
    fn insert_best(&self, sol: &mut Solution, v: VisitIdx) -> bool {
        self.insert_best_among(sol, v, &self.candidates[v])
    }

    /// Inserts `v` where the objective grows least among the given technician-days.
    fn insert_best_among(&self, sol: &mut Solution, v: VisitIdx, among: &[(TechIdx, Day)]) -> bool {
        let inst = self.inst;
        let visit = &inst.visits[v];
        let mut best: Option<(f64, usize, usize, f64)> = None;
        let mut seq = Vec::new();
        for &(t, day) in among {
            let r = sol.route_index(t, day);
            let tech = &inst.technicians[t];
            let route = &sol.routes[r];
            if route.len() as u32 >= tech.max_visits_per_day || sol.parts[r] + visit.parts > tech.capacity + 1e-9 {
                continue;
            }
            if self.provider_capped(sol, t, v) {
                continue;
            }
            let fixed_cost = self.assignment_terms(v, t, day).total() - sol.route_cost[r];
            if best.is_some_and(|(b, ..)| fixed_cost >= b) {
                continue;
            }
            for pos in 0..=route.len() {
                seq.clear();
                seq.extend_from_slice(&route[..pos]);
                seq.push(v);
                seq.extend_from_slice(&route[pos..]);
                if let Some(s) = schedule::schedule(inst, self.travel, t, day, &seq) {
                    let new_cost = self.route_terms(t, &seq, &s).total();
                    let delta = fixed_cost + new_cost;
                    if best.is_none_or(|(b, ..)| delta < b) {
                        best = Some((delta, r, pos, new_cost));
                    }
                }
            }
        }
        let Some((_, r, pos, new_cost)) = best else {
            return false;
        };
        let (t, _) = sol.tech_day(r);
        sol.routes[r].insert(pos, v);
        sol.route_cost[r] = new_cost;
        sol.parts[r] += visit.parts;
        sol.placed[v] = Some(r);
        if let Some(slot) = self.provider_slot(t, v) {
            sol.provider_load[slot] += 1;
        }
        true
    }

    fn remove(&self, sol: &mut Solution, v: VisitIdx) {
        let Some(r) = sol.placed[v] else { return };
        let (t, day) = sol.tech_day(r);
        sol.routes[r].retain(|&x| x != v);
        sol.parts[r] -= self.inst.visits[v].parts;
        sol.placed[v] = None;
        if let Some(slot) = self.provider_slot(t, v) {
            sol.provider_load[slot] -= 1;
        }
        sol.route_cost[r] = if sol.routes[r].is_empty() {
            0.0
        } else {
            // Removing a visit never breaks a schedule that held: waits absorb, times only move earlier.
            schedule::schedule(self.inst, self.travel, t, day, &sol.routes[r])
                .map_or(f64::INFINITY, |s| self.route_terms(t, &sol.routes[r], &s).total())
        };
    }

    /// Whether a visit may be moved by the improvement phase (not fixed, not pinned).
    fn movable(&self, sol: &Solution, v: VisitIdx) -> bool {
        let visit = &self.inst.visits[v];
        sol.placed[v].is_some() && visit.status.is_plannable() && visit.pin == Default::default()
    }

    /// One ruin-and-recreate move: remove a few visits (related by distance, a whole route,
    /// or at random), then reinsert them and everything unassigned, urgent first, in a
    /// shuffled order.
    fn ruin_and_recreate(&self, sol: &mut Solution, rng: &mut Rng) {
        let inst = self.inst;
        let movable: Vec<VisitIdx> = (0..inst.visits.len()).filter(|&v| self.movable(sol, v)).collect();
        if movable.is_empty() {
            return;
        }
        let size = 2 + rng.below(9);
        let mut removed = Vec::with_capacity(size);
        let kind = rng.below(100);
        if kind < 70 {
            // Related: a visit and its nearest movable neighbours.
            let seed = movable[rng.below(movable.len())];
            removed.push(seed);
            for &n in &self.neighbours[seed] {
                if removed.len() >= size {
                    break;
                }
                if self.movable(sol, n) && rng.next_f64() < 0.8 {
                    removed.push(n);
                }
            }
        } else if kind < 85 {
            // A whole route (helps empty lightly used technician-days).
            let seed = movable[rng.below(movable.len())];
            if let Some(r) = sol.placed[seed] {
                removed.extend(sol.routes[r].iter().copied().filter(|&v| self.movable(sol, v)));
            }
        } else {
            for _ in 0..size {
                removed.push(movable[rng.below(movable.len())]);
            }
            removed.sort_unstable();
            removed.dedup();
        }
        for &v in &removed {
            self.remove(sol, v);
        }
        // Reinsert the removed visits and a few of those still waiting (all of them would make
        // each move cost O(unassigned) on large problems).
        const RETRY_UNASSIGNED: usize = 10;
        let mut waiting: Vec<VisitIdx> = (0..inst.visits.len())
            .filter(|&v| sol.placed[v].is_none() && !self.candidates[v].is_empty() && !removed.contains(&v))
            .collect();
        for i in 0..waiting.len().min(RETRY_UNASSIGNED) {
            let j = i + rng.below(waiting.len() - i);
            waiting.swap(i, j);
        }
        waiting.truncate(RETRY_UNASSIGNED);
        let mut pending: Vec<(u8, f64, VisitIdx)> =
            removed.iter().chain(&waiting).map(|&v| (inst.visits[v].priority as u8, rng.next_f64(), v)).collect();
        pending.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for (_, _, v) in pending {
            self.insert_best(sol, v);
        }
    }

    /// Routes an assignment decided elsewhere with the greedy construction of [`solve_from`]
    /// (no improvement): the solution and its objective.
    pub(crate) fn route_hint(&self, hint: &[Option<(TechIdx, Day)>]) -> (Solution, f64) {
        let mut rng = Rng::new(0);
        let sol = self.construct(&self.initial_order(&mut rng, false), Some(hint));
        let cost = self.objective(&sol);
        (sol, cost)
    }

    /// The routed price of doing `v` on technician `t`'s route on `day` in `sol`: the change of
    /// the route terms (travel, lateness, workload) from its cheapest insertion — or, when `v`
    /// is already there, from its removal — and the seconds of travel it adds. `None` when no
    /// position is feasible or the route is full.
    pub(crate) fn routed_price(
        &self,
        sol: &Solution,
        v: VisitIdx,
        t: TechIdx,
        day: Day,
    ) -> Option<(ObjectiveTerms, i64)> {
        let inst = self.inst;
        let r = sol.route_index(t, day);
        let route = &sol.routes[r];
        let with_terms = |seq: &[VisitIdx]| -> Option<(ObjectiveTerms, i64)> {
            if seq.is_empty() {
                return Some((ObjectiveTerms::default(), 0));
            }
            let s = schedule::schedule(inst, self.travel, t, day, seq)?;
            Some((self.route_terms(t, seq, &s), s.travel_s))
        };
        let diff = |a: (ObjectiveTerms, i64), b: (ObjectiveTerms, i64)| (subtract(a.0, b.0), a.1 - b.1);
        if sol.placed[v] == Some(r) {
            let without: Vec<VisitIdx> = route.iter().copied().filter(|&x| x != v).collect();
            return Some(diff(with_terms(route)?, with_terms(&without)?));
        }
        let tech = &inst.technicians[t];
        if route.len() as u32 >= tech.max_visits_per_day || sol.parts[r] + inst.visits[v].parts > tech.capacity + 1e-9 {
            return None;
        }
        let old = with_terms(route)?;
        let mut best: Option<(ObjectiveTerms, i64)> = None;
        let mut seq = Vec::with_capacity(route.len() + 1);
        for pos in 0..=route.len() {
            seq.clear();
            seq.extend_from_slice(&route[..pos]);
            seq.push(v);
            seq.extend_from_slice(&route[pos..]);
            if let Some(new) = with_terms(&seq) {
                let d = diff(new, old);
                if best.is_none_or(|b| d.0.total() < b.0.total()) {
                    best = Some(d);
                }
            }
        }
        best
    }

    pub(crate) fn candidates(&self, v: VisitIdx) -> &[(TechIdx, Day)] {
        &self.candidates[v]
    }

    pub(crate) fn is_capped(&self, sol: &Solution, t: TechIdx, v: VisitIdx) -> bool {
        self.provider_capped(sol, t, v)
    }
}

/// `a − b`, term by term.
fn subtract(a: ObjectiveTerms, b: ObjectiveTerms) -> ObjectiveTerms {
    crate::explain::minus(a, b)
}

/// For each visit, the `k` nearest other visits by travel time (for related removal).
fn nearest_neighbours(inst: &Instance, travel: &dyn TravelModel, k: usize) -> Vec<Vec<VisitIdx>> {
    let n = inst.visits.len();
    if n > 3_000 {
        // Quadratic scan is too slow here; fall back to visits in the same region and skill, by id order.
        return (0..n)
            .map(|v| {
                let visit = &inst.visits[v];
                (0..n)
                    .filter(|&o| o != v && inst.visits[o].region == visit.region && inst.visits[o].skill == visit.skill)
                    .take(k)
                    .collect()
            })
            .collect();
    }
    (0..n)
        .map(|v| {
            let from = inst.visits[v].loc;
            let mut others: Vec<(i64, VisitIdx)> =
                (0..n).filter(|&o| o != v).map(|o| (travel.travel(from, inst.visits[o].loc).secs, o)).collect();
            let k = k.min(others.len());
            if k > 0 {
                others.select_nth_unstable(k - 1);
                others.truncate(k);
                others.sort_unstable();
            }
            others.into_iter().map(|(_, o)| o).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests;

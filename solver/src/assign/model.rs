use std::time::Duration;

use good_lp::constraint::ConstraintReference;
use good_lp::solvers::DualValues;
use good_lp::solvers::highs::highs;
use good_lp::{
    Constraint, Expression, ProblemVariables, Solution, SolutionStatus, SolutionWithDual, SolverModel, Variable,
    WithInitialSolution, WithTimeLimit, variable,
};

use crate::format::ObjectiveTerms;
use crate::instance::{Day, Instance, TechIdx, VisitIdx};
use crate::planner::Planner;
use crate::travel::TravelModel;

/// Options of one assignment solve.
#[derive(Clone, Debug)]
pub struct AssignOptions {
    /// Wall-clock limit of the MIP; the best incumbent is used when it is reached.
    pub time_limit: Duration,
    /// Candidates kept per visit (the cheapest by estimated cost).
    pub k_best: usize,
    /// Share of a technician-day's working time the assignment may fill (the rest is kept
    /// for the travel the estimate misses).
    pub capacity_slack: f64,
    /// Rounds of assign → route → re-price with the routed costs → re-solve (0: none).
    pub reprice_rounds: u32,
}

impl Default for AssignOptions {
    fn default() -> Self {
        Self { time_limit: Duration::from_secs(20), k_best: 40, capacity_slack: 0.9, reprice_rounds: 0 }
    }
}

/// One way of doing a visit, with its estimated cost and working time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub tech: TechIdx,
    pub day: Day,
    /// Estimated objective cost (policy terms + travel + SLA lateness).
    pub cost: f64,
    /// Minutes of the technician-day it uses: service + estimated travel.
    pub minutes: f64,
    /// `cost` by objective term (travel and lateness are the estimates).
    pub terms: ObjectiveTerms,
}

/// The answer of the assignment model.
#[derive(Clone, Debug)]
pub struct Assignment {
    /// Technician-day per visit (`None`: unassigned or not to be planned).
    pub choice: Vec<Option<(TechIdx, Day)>>,
    /// Objective of the model (estimated costs).
    pub objective: f64,
    /// Whether HiGHS proved optimality (`false`: time limit reached, best incumbent used).
    pub optimal: bool,
    pub variables: usize,
    pub constraints: usize,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AssignError {
    #[error("the assignment model could not be solved: {0}")]
    Solver(String),
}

/// Everything needed to build the model: candidates per visit and the capacities.
pub struct AssignModel<'a> {
    inst: &'a Instance,
    pub candidates: Vec<Vec<Candidate>>,
    capacity_slack: f64,
}

struct Built {
    problem: good_lp::solvers::highs::HighsProblem,
    x: Vec<Vec<Variable>>,
    /// Every objective coefficient, to evaluate the objective of a solution.
    objective: Vec<(Variable, f64)>,
    capacity_refs: Vec<Option<ConstraintReference>>,
    n_variables: usize,
    n_constraints: usize,
}

/// Shadow prices from the LP relaxation.
#[derive(Clone, Debug)]
pub struct ShadowPrices {
    /// Objective of the LP relaxation.
    pub lp_objective: f64,
    /// For each technician-day with candidates: how much the objective would fall with one
    /// more minute of working time (≥ 0; 0 when that day has time to spare).
    pub minute_value: Vec<(TechIdx, Day, f64)>,
    /// Share of a shift the working-time rows let the assignment fill: one more hour of shift
    /// is `capacity_slack × 60` more minutes in the row.
    pub capacity_slack: f64,
}

/// The value of one more hour of a skill in a region on a day.
#[derive(Clone, Debug, PartialEq)]
pub struct SkillRegionDayPrice {
    pub skill: usize,
    pub region: usize,
    pub day: Day,
    /// How much the LP relaxation's objective falls with one more hour of shift on the best
    /// technician-day that has candidates of this skill in this region on this day.
    pub hour_value: f64,
    /// That technician.
    pub tech: TechIdx,
}

/// A part of the model whose effect on the objective is measured by dropping it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// A soft term of the policy (by its name in `ObjectiveTerms::named`), weight set to zero.
    Term(&'static str),
    /// The visits-per-day rows.
    MaxVisitsPerDay,
    /// The vehicle capacity rows.
    VehicleCapacity,
    /// The provider maximum-share rows.
    ProviderMaxShare,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::Term(t) => t,
            Rule::MaxVisitsPerDay => "max_visits_per_day",
            Rule::VehicleCapacity => "vehicle_capacity",
            Rule::ProviderMaxShare => "provider_max_share",
        }
    }

    /// Every rule measured by [`AssignModel::rule_costs`].
    pub const ALL: [Rule; 12] = [
        Rule::Term("travel_time"),
        Rule::Term("travel_distance"),
        Rule::Term("sla_lateness"),
        Rule::Term("secondary_region"),
        Rule::Term("preferred_technician"),
        Rule::Term("over_qualification"),
        Rule::Term("provider_rating"),
        Rule::Term("provider_min_share"),
        Rule::Term("disruption"),
        Rule::MaxVisitsPerDay,
        Rule::VehicleCapacity,
        Rule::ProviderMaxShare,
    ];
}

/// What a rule adds to the LP relaxation's objective.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleCost {
    pub rule: Rule,
    /// LP objective with every rule minus the LP objective without this one (≥ 0 up to
    /// solver tolerance: dropping a cost or a constraint never makes the optimum worse).
    pub cost: f64,
}

/// Seconds of a technician-day available for service and travel (shift minus break).
pub fn available_secs(inst: &Instance, t: TechIdx, day: Day) -> i64 {
    inst.technicians[t]
        .shifts
        .get(day as usize)
        .copied()
        .flatten()
        .map_or(0, |s| s.end - s.start - s.break_.map_or(0, |b| b.duration))
}

impl<'a> AssignModel<'a> {
    /// Prices every static candidate of every visit and keeps the `k` cheapest.
    pub(crate) fn new(planner: &Planner<'a>, travel: &dyn TravelModel, k_best: usize, capacity_slack: f64) -> Self {
        let inst = planner.inst;
        let w = &inst.policy;
        let nearest = mean_nearest_travel(inst, travel, 3);
        let mut candidates = Vec::with_capacity(inst.visits.len());
        for (v, visit) in inst.visits.iter().enumerate() {
            let mut list: Vec<Candidate> = planner
                .candidates(v)
                .iter()
                .map(|&(t, day)| {
                    let tech = &inst.technicians[t];
                    let site_out = travel.travel(inst.sites[tech.start_site].loc, visit.loc);
                    let site_back = travel.travel(visit.loc, inst.sites[tech.end_site].loc);
                    // Half the way from the nearest neighbours, a share of the depot legs.
                    let (near_s, near_m) = nearest[v];
                    let est_s = 0.5 * near_s + 0.25 * (site_out.secs + site_back.secs) as f64;
                    let est_m = 0.5 * near_m + 0.25 * (site_out.meters + site_back.meters);
                    let lateness = estimated_lateness_min(inst, v, t, day, site_out.secs);
                    let late_cost =
                        lateness * w.sla_late_per_minute.get(visit.priority) * w.sla_segment_factor.get(visit.segment);
                    let mut terms = planner.assignment_terms(v, t, day);
                    terms.travel_time += est_s / 3600.0 * tech.cost_per_hour * w.travel_time_weight;
                    terms.travel_distance += est_m / 1000.0 * tech.cost_per_km * w.travel_distance_weight;
                    terms.sla_lateness += late_cost;
                    Candidate {
                        tech: t,
                        day,
                        cost: terms.total(),
                        minutes: (visit.duration as f64 + est_s) / 60.0,
                        terms,
                    }
                })
                .collect();
            list.sort_by(|a, b| a.cost.total_cmp(&b.cost).then((a.tech, a.day).cmp(&(b.tech, b.day))));
            list.truncate(k_best.max(1));
            candidates.push(list);
        }
        Self { inst, candidates, capacity_slack }
    }

    /// Re-prices every candidate with the routes of `sol`: the exact change of the route
    /// terms from inserting the visit there (or removing it, where it is), and the travel
    /// minutes it adds. Candidates whose route has no room keep their estimate.
    pub(crate) fn reprice(&mut self, planner: &Planner, sol: &crate::planner::Solution) {
        let inst = self.inst;
        for (v, list) in self.candidates.iter_mut().enumerate() {
            for c in list.iter_mut() {
                if let Some((route, travel_s)) = planner.routed_price(sol, v, c.tech, c.day) {
                    let mut terms = planner.assignment_terms(v, c.tech, c.day);
                    terms += route;
                    c.terms = terms;
                    c.cost = terms.total();
                    c.minutes = (inst.visits[v].duration + travel_s.max(0)) as f64 / 60.0;
                }
            }
        }
    }

    /// Solves the MIP (`relax = false`) or its LP relaxation (`relax = true`, for duals),
    /// optionally without one rule.
    fn build(&self, relax: bool, without: Option<Rule>) -> Built {
        let cost_of = |c: &Candidate| match without {
            Some(Rule::Term(name)) => {
                c.cost - c.terms.named().iter().find(|(n, _)| *n == name).map_or(0.0, |(_, value)| *value)
            }
            _ => c.cost,
        };
        let mut coefficients: Vec<(Variable, f64)> = Vec::new();
        let inst = self.inst;
        let mut vars = ProblemVariables::new();
        let mut x: Vec<Vec<Variable>> = Vec::with_capacity(self.candidates.len());
        let mut u: Vec<Option<Variable>> = Vec::with_capacity(self.candidates.len());
        let mut objective = Expression::default();
        for (v, list) in self.candidates.iter().enumerate() {
            let needs = inst.visits[v].needs_plan() && !list.is_empty();
            let mut row = Vec::with_capacity(list.len());
            if needs {
                for c in list {
                    let var =
                        if relax { vars.add(variable().min(0.0).max(1.0)) } else { vars.add(variable().binary()) };
                    objective += cost_of(c) * var;
                    coefficients.push((var, cost_of(c)));
                    row.push(var);
                }
                let un = if relax { vars.add(variable().min(0.0).max(1.0)) } else { vars.add(variable().binary()) };
                objective += self.unassigned_cost(v) * un;
                coefficients.push((un, self.unassigned_cost(v)));
                u.push(Some(un));
            } else {
                u.push(None);
            }
            x.push(row);
        }
        let n_regions = inst.regions.len();
        let mut short = Vec::new();
        for (p, provider) in inst.providers.iter().enumerate() {
            for (r, region) in inst.regions.iter().enumerate() {
                if provider.serves[r] && provider.min_visits_in(region) > 0 {
                    let s = vars.add(variable().min(0.0));
                    let weight = if without == Some(Rule::Term("provider_min_share")) {
                        0.0
                    } else {
                        inst.policy.provider_min_share_shortfall
                    };
                    objective += weight * s;
                    coefficients.push((s, weight));
                    short.push((p * n_regions + r, s));
                }
            }
        }

        // Gather the rows.
        let days = inst.days as usize;
        let n_td = inst.technicians.len() * days;
        let mut time_rows: Vec<Expression> = vec![Expression::default(); n_td];
        let mut count_rows: Vec<Expression> = vec![Expression::default(); n_td];
        let mut parts_rows: Vec<Expression> = vec![Expression::default(); n_td];
        let mut used = vec![false; n_td];
        let mut share_rows: Vec<Expression> = vec![Expression::default(); inst.providers.len() * n_regions];
        let mut cover: Vec<Option<Constraint>> = Vec::with_capacity(self.candidates.len());
        for (v, list) in self.candidates.iter().enumerate() {
            let Some(un) = u[v] else {
                cover.push(None);
                continue;
            };
            let visit = &inst.visits[v];
            let mut sum: Expression = un.into();
            for (c, &var) in list.iter().zip(&x[v]) {
                let td = c.tech * days + c.day as usize;
                sum += var;
                time_rows[td] += c.minutes * var;
                count_rows[td] += var;
                parts_rows[td] += visit.parts * var;
                used[td] = true;
                if let Some(p) = inst.technicians[c.tech].provider {
                    share_rows[p * n_regions + visit.region] += var;
                }
            }
            cover.push(Some(sum.eq(1.0)));
        }

        let mut problem = vars.minimise(objective).using(highs);
        problem.set_verbose(false);
        let mut problem = problem.set_threads(1);
        let mut n_constraints = 0;
        for row in cover.into_iter().flatten() {
            problem.add_constraint(row);
            n_constraints += 1;
        }
        let mut capacity_refs = vec![None; n_td];
        for td in (0..n_td).filter(|&td| used[td]) {
            let (t, day) = (td / days, (td % days) as Day);
            let tech = &inst.technicians[t];
            let minutes = self.capacity_slack_minutes(t, day);
            capacity_refs[td] = Some(problem.add_constraint(std::mem::take(&mut time_rows[td]).leq(minutes)));
            n_constraints += 1;
            if without != Some(Rule::MaxVisitsPerDay) {
                problem.add_constraint(std::mem::take(&mut count_rows[td]).leq(f64::from(tech.max_visits_per_day)));
                n_constraints += 1;
            }
            if without != Some(Rule::VehicleCapacity) {
                problem.add_constraint(std::mem::take(&mut parts_rows[td]).leq(tech.capacity));
                n_constraints += 1;
            }
        }
        for (p, provider) in inst.providers.iter().enumerate() {
            for (r, region) in inst.regions.iter().enumerate() {
                if !provider.serves[r] {
                    continue;
                }
                let row = std::mem::take(&mut share_rows[p * n_regions + r]);
                if without != Some(Rule::ProviderMaxShare) {
                    problem.add_constraint(row.clone().leq(f64::from(provider.max_visits_in(region))));
                    n_constraints += 1;
                }
                if let Some(&(_, s)) = short.iter().find(|(key, _)| *key == p * n_regions + r) {
                    problem.add_constraint((row + s).geq(f64::from(provider.min_visits_in(region))));
                    n_constraints += 1;
                }
            }
        }
        let n_variables = x.iter().map(Vec::len).sum::<usize>() + u.iter().flatten().count() + short.len();
        Built { problem, x, objective: coefficients, capacity_refs, n_variables, n_constraints }
    }

    fn unassigned_cost(&self, v: VisitIdx) -> f64 {
        self.inst.policy.unassigned.get(self.inst.visits[v].priority)
    }

    fn capacity_slack_minutes(&self, t: TechIdx, day: Day) -> f64 {
        self.capacity_slack * available_secs(self.inst, t, day) as f64 / 60.0
    }
}

impl AssignModel<'_> {
    /// True when no visit to plan has a candidate technician-day (no visits, every visit
    /// cancelled or done, no technicians): the model would have no decision variable, and is
    /// answered without calling the solver.
    pub fn has_nothing_to_assign(&self) -> bool {
        self.candidates.iter().enumerate().all(|(v, list)| list.is_empty() || !self.inst.visits[v].needs_plan())
    }

    /// Solves the assignment MIP; `warm` (e.g. the current plan) seeds HiGHS with a start.
    pub fn solve(
        &self,
        opts: &AssignOptions,
        warm: Option<&[Option<(TechIdx, Day)>]>,
    ) -> Result<Assignment, AssignError> {
        if self.has_nothing_to_assign() {
            // No visit has a candidate: every choice is "unassigned" and HiGHS, given a model
            // without columns, fails (`HiGHS error`). An empty night is a normal night.
            return Ok(Assignment {
                choice: vec![None; self.candidates.len()],
                objective: 0.0,
                optimal: true,
                variables: 0,
                constraints: 0,
            });
        }
        let Built { problem, x, n_variables, n_constraints, .. } = self.build(false, None);
        let mut problem = problem.with_time_limit(opts.time_limit.as_secs_f64().max(0.01));
        if let Some(warm) = warm {
            let start: Vec<(Variable, f64)> = self
                .candidates
                .iter()
                .enumerate()
                .flat_map(|(v, list)| {
                    let chosen = warm.get(v).copied().flatten();
                    list.iter()
                        .zip(&x[v])
                        .map(move |(c, &var)| (var, f64::from(u8::from(chosen == Some((c.tech, c.day))))))
                })
                .collect();
            problem = problem.with_initial_solution(start);
        }
        let solution = problem.solve().map_err(|e| AssignError::Solver(e.to_string()))?;
        let optimal = matches!(solution.status(), SolutionStatus::Optimal);
        let mut choice = vec![None; self.candidates.len()];
        let mut objective = 0.0;
        for (v, list) in self.candidates.iter().enumerate() {
            if x[v].is_empty() {
                continue;
            }
            match list.iter().zip(&x[v]).find(|(_, var)| solution.value(**var) > 0.5) {
                Some((c, _)) => {
                    choice[v] = Some((c.tech, c.day));
                    objective += c.cost;
                }
                None => objective += self.unassigned_cost(v),
            }
        }
        Ok(Assignment { choice, objective, optimal, variables: n_variables, constraints: n_constraints })
    }

    /// Solves the LP relaxation and reads the duals of the working-time rows.
    pub fn shadow_prices(&self) -> Result<ShadowPrices, AssignError> {
        if self.has_nothing_to_assign() {
            return Ok(ShadowPrices {
                lp_objective: 0.0,
                minute_value: Vec::new(),
                capacity_slack: self.capacity_slack,
            });
        }
        let Built { problem, objective, capacity_refs, .. } = self.build(true, None);
        let mut solution = problem.solve().map_err(|e| AssignError::Solver(e.to_string()))?;
        let lp_objective: f64 = objective.iter().map(|&(var, c)| c * solution.value(var)).sum();
        let days = self.inst.days as usize;
        let duals = solution.compute_dual();
        let minute_value = capacity_refs
            .iter()
            .enumerate()
            .filter_map(|(td, r)| r.clone().map(|r| ((td / days), (td % days) as Day, (-duals.dual(r)).max(0.0))))
            .collect();
        Ok(ShadowPrices { lp_objective, minute_value, capacity_slack: self.capacity_slack })
    }

    /// The objective of the LP relaxation, optionally without one rule.
    pub fn lp_objective(&self, without: Option<Rule>) -> Result<f64, AssignError> {
        if self.has_nothing_to_assign() {
            return Ok(0.0);
        }
        let Built { problem, objective, .. } = self.build(true, without);
        let solution = problem.solve().map_err(|e| AssignError::Solver(e.to_string()))?;
        Ok(objective.iter().map(|&(var, c)| c * solution.value(var)).sum())
    }

    /// What each rule of [`Rule::ALL`] adds to the LP relaxation's objective: the objective
    /// with every rule minus the objective without that one (one LP per rule).
    pub fn rule_costs(&self) -> Result<(f64, Vec<RuleCost>), AssignError> {
        let full = self.lp_objective(None)?;
        let mut out = Vec::new();
        for rule in Rule::ALL {
            out.push(RuleCost { rule, cost: full - self.lp_objective(Some(rule))? });
        }
        Ok((full, out))
    }

    /// Shadow prices aggregated by skill × region × day: for each combination with candidates,
    /// the value of one more hour of shift on the best technician-day that has a candidate
    /// visit of that skill in that region on that day (zero values left out).
    pub fn skill_region_day_prices(&self, prices: &ShadowPrices) -> Vec<SkillRegionDayPrice> {
        let inst = self.inst;
        let days = inst.days as usize;
        let mut minute = vec![0.0; inst.technicians.len() * days];
        for &(t, d, value) in &prices.minute_value {
            minute[t * days + d as usize] = value;
        }
        let mut best: std::collections::BTreeMap<(usize, usize, Day), (f64, TechIdx)> = Default::default();
        for (v, list) in self.candidates.iter().enumerate() {
            let visit = &inst.visits[v];
            for c in list {
                let hour = minute[c.tech * days + c.day as usize] * 60.0 * prices.capacity_slack;
                let entry = best.entry((visit.skill, visit.region, c.day)).or_insert((0.0, c.tech));
                if hour > entry.0 + 1e-12 || (hour == entry.0 && c.tech < entry.1) {
                    *entry = (hour, c.tech);
                }
            }
        }
        best.into_iter()
            .filter(|(_, (value, _))| *value > 1e-9)
            .map(|((skill, region, day), (hour_value, tech))| SkillRegionDayPrice {
                skill,
                region,
                day,
                hour_value,
                tech,
            })
            .collect()
    }
}

/// Mean travel (seconds, meters) from each visit to its `k` nearest other visits.
fn mean_nearest_travel(inst: &Instance, travel: &dyn TravelModel, k: usize) -> Vec<(f64, f64)> {
    let n = inst.visits.len();
    // Bucket visits on a coarse grid so large problems stay near-linear.
    let cell = 0.02; // degrees, about 2 km
    let key = |v: usize| {
        let l = inst.locations[inst.visits[v].loc];
        ((l.lat / cell).floor() as i64, (l.lon / cell).floor() as i64)
    };
    let mut grid: std::collections::BTreeMap<(i64, i64), Vec<usize>> = std::collections::BTreeMap::new();
    for v in 0..n {
        grid.entry(key(v)).or_default().push(v);
    }
    (0..n)
        .map(|v| {
            let (ky, kx) = key(v);
            let mut near: Vec<(i64, f64)> = Vec::new();
            for radius in 1..=4i64 {
                near.clear();
                for dy in -radius..=radius {
                    for dx in -radius..=radius {
                        for &o in grid.get(&(ky + dy, kx + dx)).into_iter().flatten() {
                            if o != v {
                                let t = travel.travel(inst.visits[v].loc, inst.visits[o].loc);
                                near.push((t.secs, t.meters));
                            }
                        }
                    }
                }
                if near.len() >= k {
                    break;
                }
            }
            if near.is_empty() {
                return (0.0, 0.0);
            }
            near.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            near.truncate(k);
            let m = near.len() as f64;
            (near.iter().map(|p| p.0 as f64).sum::<f64>() / m, near.iter().map(|p| p.1).sum::<f64>() / m)
        })
        .collect()
}

/// Minutes after the SLA deadline the visit would start at the earliest on that day.
fn estimated_lateness_min(inst: &Instance, v: VisitIdx, t: TechIdx, day: Day, from_site_secs: i64) -> f64 {
    let visit = &inst.visits[v];
    let (Some(sla), Some(shift)) = (visit.sla, inst.technicians[t].shifts.get(day as usize).copied().flatten()) else {
        return 0.0;
    };
    let ready = shift.start + from_site_secs;
    let start = crate::planner::schedule::earliest_start(inst, v, ready).unwrap_or(ready);
    (start - sla).max(0) as f64 / 60.0
}

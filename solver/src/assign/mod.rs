//! Assignment by mixed-integer programming: which technician-day takes each visit.
//!
//! The model (good_lp on HiGHS), over the candidate technician-days of each visit that pass
//! every static hard rule, pruned to the `k` cheapest by estimated cost:
//!
//! ```text
//! min  Σ c[v,t,d]·x[v,t,d] + Σ U[v]·u[v] + Σ W·short[p,r]
//! s.t. Σ_td x[v,t,d] + u[v] = 1                               every visit to plan
//!      Σ_v (duration[v] + travel[v,t])·x[v,t,d] ≤ slack·avail[t,d]   working time per technician-day
//!      Σ_v x[v,t,d] ≤ max_visits[t]                            visits per day
//!      Σ_v parts[v]·x[v,t,d] ≤ capacity[t]                     vehicle capacity
//!      Σ_{v∈r, t∈p} x ≤ max_share[p,r]                         provider maximum share
//!      Σ_{v∈r, t∈p} x + short[p,r] ≥ min_share[p,r]            provider minimum share (priced)
//! ```
//!
//! `c` is the policy's sequence-independent terms for that technician-day
//! ([`Planner::assignment_terms`]) plus an estimate of the travel and SLA lateness it brings;
//! `U` is the unassigned term. Sequence and exact times are decided afterwards by the routing
//! planner, which starts from this assignment ([`crate::planner::solve_with_assignment`]).
//! Workload balance (quadratic) is left to routing.

mod model;

pub use model::*;

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use crate::format::{Plan, ProblemRef};
use crate::instance::Instance;
use crate::planner::{self, Planner, Progress, SolveOptions};
use crate::travel::TravelModel;

/// Name of the default pipeline in plans' settings.
pub const PIPELINE_NAME: &str = concat!("rota-lp+routing/", env!("CARGO_PKG_VERSION"));

/// What the assignment stage did, for reports and benchmarks.
#[derive(Clone, Debug, Default)]
pub struct PipelineReport {
    pub mip_variables: usize,
    pub mip_constraints: usize,
    pub mip_optimal: bool,
    pub mip_seconds: f64,
    /// Visits the MIP assigned, and how many of those the router put on another
    /// technician-day (its insertion found no room on the hinted route, or improvement moved it).
    pub mip_assigned: usize,
    pub moved_by_routing: usize,
    /// Set when HiGHS failed and the plan was made by routing alone.
    pub fallback: Option<String>,
    /// Re-pricing: the routed objective of the first assignment, then per round the visits
    /// whose technician-day changed and the routed objective (before improvement).
    pub routed_first: Option<f64>,
    pub reprice: Vec<(usize, f64)>,
}

/// The default pipeline: assign by MIP (a share of the time limit), then route from that
/// assignment and improve with the rest of the time.
pub fn solve_with_assignment(
    inst: &Instance,
    travel: &dyn TravelModel,
    problem: ProblemRef,
    opts: &SolveOptions,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> (Plan, PipelineReport) {
    let assign_opts = AssignOptions { time_limit: opts.time_limit.mul_f64(0.4), ..AssignOptions::default() };
    solve_with_assignment_using(inst, travel, problem, opts, &assign_opts, progress, cancel)
}

/// [`solve_with_assignment`] with explicit assignment options (re-pricing rounds, `k`, …).
pub fn solve_with_assignment_using(
    inst: &Instance,
    travel: &dyn TravelModel,
    problem: ProblemRef,
    opts: &SolveOptions,
    assign_opts: &AssignOptions,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> (Plan, PipelineReport) {
    let started = Instant::now();
    let planner = Planner::new(inst, travel);
    let mut model = AssignModel::new(&planner, travel, assign_opts.k_best, assign_opts.capacity_slack);
    let warm: Vec<Option<(usize, u32)>> = inst
        .visits
        .iter()
        .map(|v| v.current.map(|c| (c.tech, Instance::day_of(c.start).clamp(0, i64::from(inst.days) - 1) as u32)))
        .collect();
    let mut report = PipelineReport::default();
    let mip_started = Instant::now();
    let hint = match model.solve(assign_opts, Some(&warm)) {
        Ok(a) => {
            report.mip_variables = a.variables;
            report.mip_constraints = a.constraints;
            report.mip_optimal = a.optimal;
            report.mip_assigned = a.choice.iter().flatten().count();
            Some(a.choice)
        }
        Err(e) => {
            report.fallback = Some(e.to_string());
            None
        }
    };
    // Re-pricing: route the assignment, price every candidate with those routes, re-solve;
    // stop when the assignment no longer changes, the routed objective stops improving, or the
    // MIP's share of the time is spent. The best routed assignment is kept.
    let hint = match hint {
        Some(first) if assign_opts.reprice_rounds > 0 => {
            let (mut sol, first_cost) = planner.route_hint(&first);
            report.routed_first = Some(first_cost);
            let (mut best, mut best_cost) = (first.clone(), first_cost);
            let mut current = first;
            let mut last_cost = first_cost;
            for _ in 0..assign_opts.reprice_rounds {
                let left = assign_opts.time_limit.saturating_sub(mip_started.elapsed());
                if left.is_zero() || cancel.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                model.reprice(&planner, &sol);
                let Ok(a) = model.solve(&AssignOptions { time_limit: left, ..assign_opts.clone() }, Some(&current))
                else {
                    break;
                };
                let changed = a.choice.iter().zip(&current).filter(|(x, y)| x != y).count();
                let (next_sol, cost) = planner.route_hint(&a.choice);
                report.reprice.push((changed, cost));
                if cost < best_cost - 1e-9 {
                    best = a.choice.clone();
                    best_cost = cost;
                }
                if changed == 0 || cost >= last_cost - 1e-9 {
                    break;
                }
                last_cost = cost;
                current = a.choice;
                sol = next_sol;
            }
            report.mip_assigned = best.iter().flatten().count();
            Some(best)
        }
        other => other,
    };
    report.mip_seconds = mip_started.elapsed().as_secs_f64();
    let mut plan = planner::solve_from(&planner, hint.as_deref(), problem, opts, progress, cancel, started);
    if let Some(hint) = &hint {
        let by_id: std::collections::HashMap<&str, (&str, chrono::NaiveDate)> = plan
            .routes
            .iter()
            .flat_map(|r| r.stops.iter().map(move |s| (s.visit.as_str(), (r.technician.as_str(), r.day))))
            .collect();
        report.moved_by_routing = hint
            .iter()
            .enumerate()
            .filter_map(|(v, h)| h.map(|(t, d)| (v, t, d)))
            .filter(|&(v, t, d)| {
                by_id.get(inst.visits[v].id.as_str()) != Some(&(inst.technicians[t].id.as_str(), inst.date(d)))
            })
            .count();
        plan.settings.solver = PIPELINE_NAME.to_string();
    }
    (plan, report)
}

/// The LP relaxation's prices: what capacity is worth and what each rule costs.
#[derive(Clone, Debug)]
pub struct DualReport {
    /// Objective of the LP relaxation with every rule.
    pub lp_objective: f64,
    /// One more hour of shift, by technician-day (zero values left out).
    pub technician_days: Vec<(usize, u32, f64)>,
    /// One more hour of a skill in a region on a day ([`AssignModel::skill_region_day_prices`]).
    pub by_skill_region_day: Vec<SkillRegionDayPrice>,
    /// What each rule adds to the LP objective ([`AssignModel::rule_costs`]).
    pub rules: Vec<RuleCost>,
}

/// Builds the assignment model of a problem (default options) and prices it.
pub fn dual_report(inst: &Instance, travel: &dyn TravelModel) -> Result<DualReport, AssignError> {
    let planner = Planner::new_for_explain(inst, travel);
    let opts = AssignOptions::default();
    let model = AssignModel::new(&planner, travel, opts.k_best, opts.capacity_slack);
    let prices = model.shadow_prices()?;
    let (_, rules) = model.rule_costs()?;
    Ok(DualReport {
        lp_objective: prices.lp_objective,
        technician_days: prices
            .minute_value
            .iter()
            .filter(|(.., m)| *m > 1e-9)
            .map(|&(t, d, m)| (t, d, m * 60.0 * prices.capacity_slack))
            .collect(),
        by_skill_region_day: model.skill_region_day_prices(&prices),
        rules,
    })
}

#[cfg(test)]
mod tests;

//! From the planner's working solution to a `rota-plan/1`: routes with times and legs,
//! unassigned visits with reasons, KPIs and the objective by term.

use std::collections::BTreeMap;

use crate::format::*;
use crate::instance::VisitIdx;
use crate::time::{LocalDateTime, Secs};

use super::schedule::{self, Schedule};
use super::{Planner, SOLVER_NAME, Solution, SolveOptions, rules};

pub(super) fn plan(
    planner: &Planner,
    sol: &Solution,
    problem: ProblemRef,
    opts: &SolveOptions,
    iterations: u32,
) -> Plan {
    let inst = planner.inst;
    let at = |s: Secs| LocalDateTime::from_secs(inst.origin, s);
    let mut routes = Vec::new();
    let mut scheduled: Vec<(usize, Schedule)> = Vec::new();
    for (r, seq) in sol.routes.iter().enumerate() {
        if seq.is_empty() {
            continue;
        }
        let (t, day) = sol.tech_day(r);
        let Some(s) = schedule::schedule(inst, planner.travel, t, day, seq) else {
            continue; // cannot happen: every route in a solution was scheduled when built
        };
        let tech = &inst.technicians[t];
        let stops = seq
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
            .collect();
        routes.push(Route {
            technician: tech.id.clone(),
            day: inst.date(day),
            start_site: inst.sites[tech.start_site].id.clone(),
            end_site: inst.sites[tech.end_site].id.clone(),
            start: at(s.route_start),
            end: at(s.route_end),
            stops,
            return_leg: Leg { travel_s: s.return_leg.secs, distance_m: s.return_leg.meters },
            break_: s.break_.map(|(b, e)| PlannedBreak { start: at(b), end: at(e) }),
            travel_s: s.travel_s,
            distance_m: s.distance_m,
            service_s: s.service_s,
            wait_s: s.wait_s,
            parts_volume: seq.iter().map(|&v| inst.visits[v].parts).sum(),
        });
        scheduled.push((r, s));
    }

    let unassigned: Vec<Unassigned> = (0..inst.visits.len())
        .filter(|&v| inst.visits[v].needs_plan() && sol.placed[v].is_none())
        .map(|v| Unassigned { visit: inst.visits[v].id.clone(), reasons: reasons(planner, sol, v) })
        .collect();

    let kpis = kpis(planner, sol, &scheduled, &unassigned);
    let terms = planner.objective_terms(sol);
    Plan {
        format: PLAN_FORMAT.to_string(),
        problem,
        settings: SolverSettings {
            solver: SOLVER_NAME.to_string(),
            policy: inst.policy.name.clone(),
            seed: opts.seed,
            time_limit_s: opts.time_limit.as_secs_f64(),
            max_iterations: opts.max_iterations,
            iterations,
            author: opts.author.clone(),
        },
        routes,
        unassigned,
        kpis,
        objective: Objective { total: terms.total(), terms },
    }
}

/// The reasons of an unassigned visit, most decisive first: the rule that bound it, then
/// `sla_infeasible` when its SLA deadline could not have been met by any candidate anyway.
fn reasons(planner: &Planner, sol: &Solution, v: VisitIdx) -> Vec<Reason> {
    let inst = planner.inst;
    let first = unassigned_reason(planner, sol, v);
    let mut reasons = vec![rules::reason(inst, v, first)];
    if planner.static_reason[v].is_none() && sla_unreachable(planner, v) {
        reasons.push(rules::reason(inst, v, ReasonCode::SlaInfeasible));
    }
    reasons
}

/// Whether no candidate technician-day could start the visit by its SLA deadline, even
/// driving straight from its start site at the start of the shift (a lower bound on every
/// real start).
pub(crate) fn sla_unreachable(planner: &Planner, v: VisitIdx) -> bool {
    let inst = planner.inst;
    let Some(sla) = inst.visits[v].sla else { return false };
    planner.candidates(v).iter().all(|&(t, day)| {
        let tech = &inst.technicians[t];
        let Some(shift) = tech.shifts.get(day as usize).copied().flatten() else { return true };
        let ready = shift.start + planner.travel.travel(inst.sites[tech.start_site].loc, inst.visits[v].loc).secs;
        schedule::earliest_start(inst, v, ready).is_none_or(|start| start > sla)
    })
}

/// Why a visit with static candidates still has no place.
fn unassigned_reason(planner: &Planner, sol: &Solution, v: VisitIdx) -> ReasonCode {
    if let Some(code) = planner.static_reason[v] {
        return code;
    }
    let inst = planner.inst;
    let mut uncapped = false;
    for &(t, day) in planner.candidates(v) {
        if planner.is_capped(sol, t, v) {
            continue;
        }
        uncapped = true;
        if schedule::schedule(inst, planner.travel, t, day, &[v]).is_some() {
            return ReasonCode::NoCapacity;
        }
    }
    if uncapped { ReasonCode::WindowUnreachable } else { ReasonCode::ProviderShareCap }
}

fn kpis(planner: &Planner, sol: &Solution, scheduled: &[(usize, Schedule)], unassigned: &[Unassigned]) -> Kpis {
    let inst = planner.inst;
    let visits = inst.visits.iter().filter(|v| v.needs_plan()).count() as u32;
    let mut assigned = 0u32;
    let mut sla_met = 0u32;
    let mut responses = Vec::new();
    let mut emergency = Vec::new();
    let mut level_match = 0u32;
    let (mut travel_s, mut distance_m, mut service_s) = (0i64, 0.0f64, 0i64);
    let mut per_tech = vec![0i64; inst.technicians.len()];
    let mut used = vec![false; inst.technicians.len()];
    let mut provider_visits = vec![0u32; inst.providers.len() * inst.regions.len()];
    for (r, s) in scheduled {
        let (t, _) = sol.tech_day(*r);
        let tech = &inst.technicians[t];
        travel_s += s.travel_s;
        distance_m += s.distance_m;
        service_s += s.service_s;
        per_tech[t] += s.travel_s + s.service_s;
        used[t] = true;
        for (k, &v) in sol.routes[*r].iter().enumerate() {
            let visit = &inst.visits[v];
            assigned += 1;
            if visit.sla.is_some_and(|sla| s.start[k] <= sla) {
                sla_met += 1;
            }
            let response = (s.start[k] - visit.created).max(0) as f64;
            responses.push(response / 3600.0);
            if visit.priority == Priority::Emergency {
                emergency.push(response / 60.0);
            }
            if tech.skill_level[visit.skill] >= visit.complexity {
                level_match += 1;
            }
            if let Some(p) = tech.provider {
                provider_visits[p * inst.regions.len() + visit.region] += 1;
            }
        }
    }
    let with_sla = inst.visits.iter().filter(|v| v.needs_plan() && v.sla.is_some()).count() as u32;
    let mut unassigned_by_reason = BTreeMap::new();
    for u in unassigned {
        if let Some(first) = u.reasons.first() {
            *unassigned_by_reason.entry(first.code.as_str().to_string()).or_insert(0) += 1;
        }
    }
    let mean = |xs: &[f64]| if xs.is_empty() { 0.0 } else { xs.iter().sum::<f64>() / xs.len() as f64 };
    let mut sorted = responses.clone();
    sorted.sort_by(f64::total_cmp);
    let p90 = if sorted.is_empty() { 0.0 } else { sorted[((0.9 * sorted.len() as f64).ceil() as usize).max(1) - 1] };

    let mut on_duty: i64 = 0;
    let mut working_techs = Vec::new();
    for (t, tech) in inst.technicians.iter().enumerate() {
        let mut any = false;
        for shift in tech.shifts.iter().flatten() {
            any = true;
            on_duty += shift.end - shift.start - shift.break_.map_or(0, |b| b.duration);
        }
        if any {
            working_techs.push(per_tech[t] as f64 / 3600.0);
        }
    }
    let spread = if working_techs.is_empty() {
        0.0
    } else {
        let m = mean(&working_techs);
        (working_techs.iter().map(|h| (h - m).powi(2)).sum::<f64>() / working_techs.len() as f64).sqrt()
    };
    let mut provider_shares = Vec::new();
    for (p, provider) in inst.providers.iter().enumerate() {
        for (r, region) in inst.regions.iter().enumerate() {
            if provider.serves[r] {
                let n = provider_visits[p * inst.regions.len() + r];
                let share = if region.plannable_visits == 0 {
                    0.0
                } else {
                    100.0 * f64::from(n) / f64::from(region.plannable_visits)
                };
                provider_shares.push(ProviderShare {
                    provider: provider.id.clone(),
                    region: region.id.clone(),
                    visits: n,
                    share_pct: share,
                });
            }
        }
    }
    Kpis {
        visits,
        assigned,
        unassigned: visits - assigned,
        unassigned_by_reason,
        sla_attainment_pct: if with_sla == 0 { 100.0 } else { 100.0 * f64::from(sla_met) / f64::from(with_sla) },
        response_hours_mean: mean(&responses),
        response_hours_p90: p90,
        emergency_response_minutes_mean: mean(&emergency),
        first_time_fix_pct: if assigned == 0 { 0.0 } else { 100.0 * f64::from(level_match) / f64::from(assigned) },
        travel_hours: travel_s as f64 / 3600.0,
        travel_km: distance_m / 1000.0,
        service_hours: service_s as f64 / 3600.0,
        utilization_pct: if on_duty == 0 { 0.0 } else { 100.0 * (service_s + travel_s) as f64 / on_duty as f64 },
        routes: scheduled.len() as u32,
        technicians_used: used.iter().filter(|u| **u).count() as u32,
        workload_spread_hours: spread,
        provider_shares,
    }
}

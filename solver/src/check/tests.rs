//! Tests of the plan checker: one correct plan made by hand for the testkit problem, then one
//! broken plan per rule, each of which must break exactly that rule.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::*;
use crate::format::{Leg, PlannedBreak, Reason, SolverSettings, Stop, Unassigned};
use crate::testkit::small_problem_json;
use crate::time::{HOUR, MINUTE};
use crate::travel::HaversineTravel;
use crate::validate::load_problem;

struct Case {
    inst: Instance,
    travel: HaversineTravel,
}

/// The testkit problem plus V6, an electrical level-3 job in the West that nobody can do.
fn base_json() -> Value {
    let mut p = small_problem_json();
    p["visits"].as_array_mut().unwrap().push(json!({
        "id": "V6", "customer": "Lab", "location": {"lat": 50.04, "lon": 10.02}, "skill": "electrical", "min_level": 3,
        "duration_min": 30, "priority": "standard", "segment": "new", "created_at": "2026-12-04T09:00"
    }));
    p
}

fn case(p: &Value) -> Case {
    let (_, inst) = load_problem(&p.to_string()).unwrap_or_else(|d| panic!("test problem must be valid:\n{d}"));
    let travel = HaversineTravel::new(inst.locations.clone(), 1.3, 40.0);
    Case { inst, travel }
}

fn clock(day: u32, h: i64, m: i64) -> Secs {
    i64::from(day) * DAY + h * HOUR + m * MINUTE
}

fn ldt(c: &Case, secs: Secs) -> LocalDateTime {
    LocalDateTime::from_secs(c.inst.origin, secs)
}

fn visit_ix(c: &Case, id: &str) -> usize {
    c.inst.visits.iter().position(|v| v.id == id).unwrap()
}

fn tech_ix(c: &Case, id: &str) -> usize {
    c.inst.technicians.iter().position(|t| t.id == id).unwrap()
}

/// A route computed from the travel model: leave at `leave` (default: shift start, else 08:00),
/// drive, start each visit at the earliest moment allowed by `not_before`, its pin and its
/// windows, then drive back. The break sits at the rule's earliest moment.
fn build(c: &Case, tech: &str, day: u32, visits: &[&str], leave: Option<Secs>, not_before: &[(&str, Secs)]) -> Route {
    let inst = &c.inst;
    let t = &inst.technicians[tech_ix(c, tech)];
    let shift = t.shifts.get(day as usize).copied().flatten();
    let leave = leave.unwrap_or(shift.map_or(clock(day, 8, 0), |s| s.start));
    let mut loc = inst.sites[t.start_site].loc;
    let mut now = leave;
    let (mut travel_s, mut distance_m, mut service_s, mut wait_s, mut parts) = (0, 0.0, 0, 0, 0.0);
    let mut stops = Vec::new();
    for id in visits {
        let v = &inst.visits[visit_ix(c, id)];
        let leg = c.travel.travel(loc, v.loc);
        let arrival = now + leg.secs;
        let mut start = arrival;
        for (nb_id, nb) in not_before {
            if nb_id == id {
                start = start.max(*nb);
            }
        }
        if let Some(ps) = v.pin.start {
            start = start.max(ps);
        }
        if !v.windows.iter().any(|&(ws, we)| ws <= start && start <= we)
            && let Some(&(ws, _)) = v.windows.iter().find(|&&(_, we)| we >= start)
        {
            start = start.max(ws);
        }
        let end = start + v.duration;
        let late = v.sla.map_or(0, |sla| (start - sla).max(0));
        stops.push(Stop {
            visit: id.to_string(),
            leg: Leg { travel_s: leg.secs, distance_m: leg.meters },
            depart: ldt(c, now),
            arrival: ldt(c, arrival),
            start: ldt(c, start),
            end: ldt(c, end),
            sla_late_min: (late + 59) / 60,
        });
        travel_s += leg.secs;
        distance_m += leg.meters;
        service_s += v.duration;
        wait_s += start - arrival;
        parts += v.parts;
        loc = v.loc;
        now = end;
    }
    let back = c.travel.travel(loc, inst.sites[t.end_site].loc);
    travel_s += back.secs;
    distance_m += back.meters;
    let break_ = shift
        .and_then(|s| s.break_)
        .map(|b| PlannedBreak { start: ldt(c, b.earliest), end: ldt(c, b.earliest + b.duration) });
    Route {
        technician: tech.to_string(),
        day: inst.date(day),
        start_site: inst.sites[t.start_site].id.clone(),
        end_site: inst.sites[t.end_site].id.clone(),
        start: ldt(c, leave),
        end: ldt(c, now + back.secs),
        stops,
        return_leg: Leg { travel_s: back.secs, distance_m: back.meters },
        break_,
        travel_s,
        distance_m,
        service_s,
        wait_s,
        parts_volume: parts,
    }
}

fn unassigned(id: &str, code: ReasonCode) -> Unassigned {
    Unassigned {
        visit: id.to_string(),
        reasons: vec![Reason { code, message: code.as_str().replace('_', " "), params: BTreeMap::new() }],
    }
}

/// A plan whose reported figures are the checker's own (tests of the figures compare them
/// with hand-computed values separately).
fn plan(c: &Case, routes: Vec<Route>, unassigned: Vec<Unassigned>) -> Plan {
    let plan = Plan {
        format: crate::format::PLAN_FORMAT.to_string(),
        problem: crate::format::ProblemRef { name: c.inst.name.clone(), fingerprint: String::new() },
        settings: SolverSettings {
            solver: "hand-made".into(),
            policy: "default".into(),
            seed: 0,
            time_limit_s: 0.0,
            max_iterations: 0,
            iterations: 0,
            author: "test".into(),
        },
        routes,
        unassigned,
        kpis: Kpis::default(),
        objective: Objective::default(),
    };
    refresh(c, plan)
}

/// Reports the recomputed figures, so that a mutated plan breaks only the rule under test.
fn refresh(c: &Case, mut plan: Plan) -> Plan {
    let report = check_plan(&c.inst, &c.travel, &plan);
    plan.kpis = report.kpis;
    plan.objective = report.objective;
    plan
}

/// The correct plan: T1 does V2 then V1 on Monday, T2 does V4 on Monday (from 09:00) and V5
/// then V3 on Tuesday (breaking while waiting for V3's window); V6 cannot be done by anyone.
fn good_routes(c: &Case) -> Vec<Route> {
    vec![
        build(c, "T1", 0, &["V2", "V1"], None, &[]),
        build(c, "T2", 0, &["V4"], Some(clock(0, 9, 0)), &[]),
        build(c, "T2", 1, &["V5", "V3"], None, &[]),
    ]
}

fn good_plan(c: &Case) -> Plan {
    plan(c, good_routes(c), vec![unassigned("V6", ReasonCode::NoSkilledTechnician)])
}

fn report(c: &Case, plan: &Plan) -> CheckReport {
    check_plan(&c.inst, &c.travel, plan)
}

/// Refreshes the figures, then asserts that exactly `expected` rules are broken.
#[track_caller]
fn assert_rules(c: &Case, plan: Plan, expected: &[Rule]) -> CheckReport {
    let plan = refresh(c, plan);
    let r = report(c, &plan);
    let expected: BTreeSet<Rule> = expected.iter().copied().collect();
    assert_eq!(r.rules(), expected, "\n{r}");
    r
}

#[track_caller]
fn assert_only(c: &Case, plan: Plan, rule: Rule) -> CheckReport {
    assert_rules(c, plan, &[rule])
}

fn with(p: impl FnOnce(&mut Value)) -> Case {
    let mut json = base_json();
    p(&mut json);
    case(&json)
}

fn tech_json<'v>(p: &'v mut Value, id: &str) -> &'v mut Value {
    p["technicians"].as_array_mut().unwrap().iter_mut().find(|t| t["id"] == id).unwrap()
}

fn visit_json<'v>(p: &'v mut Value, id: &str) -> &'v mut Value {
    p["visits"].as_array_mut().unwrap().iter_mut().find(|t| t["id"] == id).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * a.abs().max(b.abs()).max(1.0)
}

// ---------------------------------------------------------------------------------------------
// The correct plan and its figures.

#[test]
fn check_the_hand_made_plan_is_feasible() {
    let c = case(&base_json());
    let plan = good_plan(&c);
    let r = report(&c, &plan);
    assert!(r.is_feasible(), "\n{r}");
    assert_eq!(r.to_string(), "feasible: no rule broken");
    // Same answer when the figures are serialised and read back.
    let again: Plan = serde_json::from_str(&serde_json::to_string(&plan).unwrap()).unwrap();
    assert!(report(&c, &again).is_feasible());
}

#[test]
fn check_kpis_match_hand_computed_values() {
    let c = case(&base_json());
    let plan = good_plan(&c);
    let k = report(&c, &plan).kpis;
    assert_eq!((k.visits, k.assigned, k.unassigned), (6, 5, 1));
    assert_eq!(k.unassigned_by_reason, BTreeMap::from([("no_skilled_technician".to_string(), 1)]));
    assert_eq!((k.routes, k.technicians_used), (3, 2));
    // V1, V2 and V4 have an SLA and all start in time.
    assert_eq!(k.sla_attainment_pct, 100.0);
    // Every visit has complexity 1.
    assert_eq!(k.first_time_fix_pct, 100.0);

    let start = |id: &str| {
        let stop = plan.routes.iter().flat_map(|r| &r.stops).find(|s| s.visit == id).unwrap();
        stop.start.secs_since(c.inst.origin)
    };
    let created = |id: &str| c.inst.visits[visit_ix(&c, id)].created;
    let mut response: Vec<f64> =
        ["V1", "V2", "V3", "V4", "V5"].iter().map(|id| (start(id) - created(id)).max(0) as f64 / 3600.0).collect();
    let mean = response.iter().sum::<f64>() / 5.0;
    assert!(close(k.response_hours_mean, mean), "{} vs {mean}", k.response_hours_mean);
    response.sort_by(f64::total_cmp);
    // Nearest rank of 5 values: ⌈4.5⌉ = 5th, the largest.
    assert!(close(k.response_hours_p90, response[4]));
    let v4_minutes = (start("V4") - created("V4")) as f64 / 60.0;
    assert!(close(k.emergency_response_minutes_mean, v4_minutes));

    let travel_s: i64 = plan.routes.iter().map(|r| r.travel_s).sum();
    let meters: f64 = plan.routes.iter().map(|r| r.distance_m).sum();
    assert!(close(k.travel_hours, travel_s as f64 / 3600.0));
    assert!(close(k.travel_km, meters / 1000.0));
    assert!(close(k.service_hours, (60 + 90 + 45 + 30 + 30) as f64 / 60.0));
    // Two technicians × two days × (8 h − 30 min break) = 30 h on duty.
    let worked = 4.25 + travel_s as f64 / 3600.0;
    assert!(close(k.utilization_pct, 100.0 * worked / 30.0));
    let hours = |tech: &str| -> f64 {
        plan.routes.iter().filter(|r| r.technician == tech).map(|r| (r.service_s + r.travel_s) as f64 / 3600.0).sum()
    };
    assert!(close(k.workload_spread_hours, (hours("T1") - hours("T2")).abs() / 2.0));
    assert_eq!(k.provider_shares.len(), 1);
    let share = &k.provider_shares[0];
    assert_eq!((share.provider.as_str(), share.region.as_str(), share.visits), ("P1", "east", 3));
    assert!(close(share.share_pct, 100.0));
}

#[test]
fn check_objective_matches_hand_computed_terms() {
    let c = case(&base_json());
    let plan = good_plan(&c);
    let o = report(&c, &plan).objective;
    let t = &o.terms;
    let cost = |route: &Route| {
        let tech = &c.inst.technicians[tech_ix(&c, &route.technician)];
        (route.travel_s as f64 / 3600.0 * tech.cost_per_hour, route.distance_m / 1000.0 * tech.cost_per_km)
    };
    let time: f64 = plan.routes.iter().map(|r| cost(r).0).sum();
    let distance: f64 = plan.routes.iter().map(|r| cost(r).1).sum();
    assert!(close(t.travel_time, time));
    assert!(close(t.travel_distance, distance));
    assert_eq!(t.sla_lateness, 0.0);
    // V6 (standard) stays unassigned.
    assert_eq!(t.unassigned, c.inst.policy.unassigned.standard);
    assert_eq!(t.secondary_region, 0.0);
    assert_eq!(t.preferred_technician, 0.0);
    // Levels above the minimum: V1 3−2, V2 3−1, V3 2−2, V4 2−1, V5 2−1 = 5, at 15 each.
    assert_eq!(t.over_qualification, 75.0);
    // Three visits by P1 (rating 0.8) at 60 per unit of (1 − rating).
    assert!(close(t.provider_rating, 3.0 * 0.2 * 60.0));
    assert_eq!(t.provider_min_share, 0.0);
    let balance: f64 = plan.routes.iter().map(|r| 2.0 * ((r.service_s + r.travel_s) as f64 / 3600.0).powi(2)).sum();
    assert!(close(t.workload_balance, balance));
    assert_eq!(t.disruption, 0.0);
    assert!(close(o.total, time + distance + c.inst.policy.unassigned.standard + 75.0 + 36.0 + balance));
}

#[test]
fn check_soft_terms_lateness_preference_secondary_disruption_min_share() {
    let c = with(|p| {
        // V2 (vip, churn-risk) on Tuesday is late; V4 prefers T1 but T2 does it; V3 was
        // communicated for Monday; P1 should have at least 100 % of the East.
        visit_json(p, "V4")["preferred_technician"] = json!("T1");
        visit_json(p, "V3")["status"] = json!("planned");
        visit_json(p, "V3")["current"] = json!({"technician": "T2", "start": "2026-12-07T12:00", "communicated": true});
        p["providers"][0]["share"] = json!({"min_pct": 100, "max_pct": 100});
    });
    // T1 takes V2 on Tuesday (late) and the East visit V4 after it (secondary region, late).
    let routes = vec![
        build(&c, "T1", 0, &["V1"], None, &[]),
        build(&c, "T1", 1, &["V2", "V4"], None, &[]),
        build(&c, "T2", 1, &["V5", "V3"], None, &[]),
    ];
    let p = plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]);
    let r = report(&c, &p);
    assert!(r.is_feasible(), "\n{r}");
    let t = r.objective.terms;
    let v2 = &p.routes[1].stops[0];
    let late_s = v2.start.secs_since(c.inst.origin) - c.inst.visits[visit_ix(&c, "V2")].sla.unwrap();
    assert!(late_s > 0);
    let v4 = &p.routes[1].stops[1];
    let late4_s = v4.start.secs_since(c.inst.origin) - c.inst.visits[visit_ix(&c, "V4")].sla.unwrap();
    // vip 2.0/min × churn-risk 2.0; emergency 20.0/min × growth 1.2.
    assert!(close(t.sla_lateness, late_s as f64 / 60.0 * 4.0 + late4_s as f64 / 60.0 * 24.0), "{}", t.sla_lateness);
    assert_eq!(t.secondary_region, 40.0);
    assert_eq!(t.preferred_technician, 0.0, "V4 went to its preferred T1");
    // V3 stays with T2 but moves from Monday to Tuesday: communicated.
    assert_eq!(t.disruption, 200.0);
    // The East has 3 plannable visits; P1 got 2 of a minimum of 3.
    assert_eq!(t.provider_min_share, 150.0);
    // SLA: V1 in time, V2 and V4 late.
    assert!(close(r.kpis.sla_attainment_pct, 100.0 / 3.0));
}

#[test]
fn check_disruption_counts_moves_of_day_or_technician() {
    let c = with(|p| {
        visit_json(p, "V3")["status"] = json!("planned");
        visit_json(p, "V3")["current"] = json!({"technician": "T2", "start": "2026-12-07T12:00", "communicated": true});
        visit_json(p, "V5")["current"] = json!({"technician": "T2", "start": "2026-12-08T09:00"});
        visit_json(p, "V6")["current"] = json!({"technician": "T1", "start": "2026-12-08T09:00"});
    });
    let r = report(&c, &good_plan(&c));
    assert!(r.is_feasible(), "\n{r}");
    // V3 moved from Monday to Tuesday (communicated: 200); V5 stays (0); V6 is unassigned (30).
    assert_eq!(r.objective.terms.disruption, 230.0);
}

#[test]
fn check_p90_is_nearest_rank() {
    let xs: Vec<f64> = (1..=10).map(f64::from).collect();
    assert_eq!(p90(&xs), 9.0);
    let xs: Vec<f64> = (1..=11).rev().map(f64::from).collect();
    assert_eq!(p90(&xs), 10.0);
    assert_eq!(p90(&[4.0]), 4.0);
    assert_eq!(p90(&[]), 0.0);
    assert_eq!(std_dev(&[1.0, 3.0]), 1.0);
}

// ---------------------------------------------------------------------------------------------
// One broken rule at a time.

#[test]
fn check_skill() {
    let c = case(&base_json());
    // T1 has electrical level 1; V3 needs 2.
    let routes = vec![
        build(&c, "T1", 0, &["V2", "V1"], None, &[]),
        build(&c, "T1", 1, &["V3"], None, &[]),
        build(&c, "T2", 0, &["V4"], None, &[]),
        build(&c, "T2", 1, &["V5"], None, &[]),
    ];
    let r = assert_only(&c, plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]), Rule::Skill);
    let v = r.of(Rule::Skill).next().unwrap();
    assert_eq!(v.to_string(), "[skill] T1 2026-12-08 V3: T1 has electrical level 1; the visit needs level 2");
}

#[test]
fn check_certification_on_the_day() {
    // T1's gas-safe certificate runs out after Monday: V2 on Monday is fine, on Tuesday not.
    let c = with(|p| tech_json(p, "T1")["certifications"][0]["valid_until"] = json!("2026-12-07"));
    assert!(report(&c, &good_plan(&c)).is_feasible());
    let mut routes = good_routes(&c);
    routes[0] = build(&c, "T1", 0, &["V1"], None, &[]);
    routes.push(build(&c, "T1", 1, &["V2"], None, &[]));
    let r =
        assert_only(&c, plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]), Rule::Certification);
    assert!(r.violations[0].message.contains("valid only through 2026-12-07"), "{r}");
}

#[test]
fn check_region() {
    let c = with(|p| tech_json(p, "T1")["secondary_regions"] = json!([]));
    let routes = vec![
        build(&c, "T1", 0, &["V2", "V1"], None, &[]),
        build(&c, "T1", 1, &["V4"], None, &[]),
        build(&c, "T2", 1, &["V5", "V3"], None, &[]),
    ];
    assert_only(&c, plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]), Rule::Region);
}

#[test]
fn check_provider_certification_lapses() {
    // P1 is certified through Monday only: T2's Tuesday work breaks the rule.
    let c = with(|p| p["providers"][0]["certified_until"] = json!("2026-12-07"));
    let r = assert_only(&c, good_plan(&c), Rule::Provider);
    assert_eq!(r.violations.len(), 2, "V5 and V3 on Tuesday\n{r}");
}

#[test]
fn check_provider_must_serve_the_region() {
    let c = with(|p| p["providers"][0]["regions"] = json!(["west"]));
    let r = assert_only(&c, good_plan(&c), Rule::Provider);
    assert_eq!(r.violations.len(), 3, "\n{r}");
}

#[test]
fn check_provider_share_cap() {
    // At most 50 % of the East's 3 visits = 1; T2 does 3.
    let c = with(|p| p["providers"][0]["share"] = json!({"min_pct": 0, "max_pct": 50}));
    let r = assert_only(&c, good_plan(&c), Rule::ProviderShare);
    assert_eq!(r.violations.len(), 1);
    assert!(r.violations[0].message.contains("allows 1"), "{r}");
}

#[test]
fn check_excluded_technician() {
    let c = with(|p| visit_json(p, "V1")["excluded_technicians"] = json!(["T1"]));
    assert_only(&c, good_plan(&c), Rule::Excluded);
}

#[test]
fn check_day_off_and_absence() {
    let c = with(|p| {
        tech_json(p, "T2")["absences"] = json!([{"from": "2026-12-08", "to": "2026-12-08", "reason": "training"}])
    });
    assert_only(&c, good_plan(&c), Rule::DayOff);
    // A weekday without a shift.
    let c = with(|p| tech_json(p, "T2")["shifts"]["tue"] = Value::Null);
    assert_only(&c, good_plan(&c), Rule::DayOff);
}

#[test]
fn check_shift_start_end_and_sites() {
    let c = case(&base_json());
    // Leaves at 07:00, before the 08:00 shift start.
    let mut routes = good_routes(&c);
    routes[0] = build(&c, "T1", 0, &["V2", "V1"], Some(clock(0, 7, 0)), &[]);
    assert_only(&c, plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]), Rule::Shift);
    // Starts V3 at 15:30: back after 16:00.
    let mut routes = good_routes(&c);
    routes[2] = build(&c, "T2", 1, &["V5", "V3"], None, &[("V3", clock(1, 15, 30))]);
    assert_only(&c, plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]), Rule::Shift);
    // Reports the wrong start site (legs are measured from the technician's own site).
    let mut p = good_plan(&c);
    p.routes[0].start_site = "S-E".into();
    assert_only(&c, p, Rule::Shift);
    // An empty route.
    let mut p = good_plan(&c);
    let mut empty = build(&c, "T1", 1, &[], None, &[]);
    empty.break_ = None;
    p.routes.push(empty);
    assert_only(&c, p, Rule::Shift);
}

#[test]
fn check_break_missing_overlapping_misplaced_or_unwanted() {
    let c = case(&base_json());
    // Missing.
    let mut p = good_plan(&c);
    p.routes[0].break_ = None;
    let r = assert_only(&c, p, Rule::Break);
    assert!(r.violations[0].message.contains("needs a 30 min break between 11:30 and 13:30"), "{r}");
    // Overlapping V3's service (12:00–12:45).
    let mut p = good_plan(&c);
    p.routes[2].break_ = Some(PlannedBreak { start: ldt(&c, clock(1, 12, 0)), end: ldt(&c, clock(1, 12, 30)) });
    let r = assert_only(&c, p, Rule::Break);
    assert!(r.violations[0].message.contains("overlaps the service at V3"), "{r}");
    // Overlapping a drive: T1 leaves V2 at its end and drives to V1 (break window moved earlier).
    let c2 = with(|p| {
        tech_json(p, "T1")["shifts"]["mon"]["break"] = json!({"earliest": "08:00", "latest": "13:30", "minutes": 30})
    });
    let mut p = good_plan(&c2);
    let leave_v2 = p.routes[0].stops[1].depart.secs_since(c2.inst.origin);
    p.routes[0].break_ =
        Some(PlannedBreak { start: ldt(&c2, leave_v2 - 10 * MINUTE), end: ldt(&c2, leave_v2 + 20 * MINUTE) });
    let r = assert_rules(&c2, p, &[Rule::Break]);
    assert!(r.violations.iter().any(|v| v.message.contains("overlaps the drive to V1")), "{r}");
    // Touching work on both sides is fine: T2's Tuesday break ends when V3 starts (12:00).
    assert!(report(&c, &good_plan(&c)).is_feasible());
    // Too short.
    let mut p = good_plan(&c);
    p.routes[0].break_ = Some(PlannedBreak { start: ldt(&c, clock(0, 12, 0)), end: ldt(&c, clock(0, 12, 20)) });
    assert_only(&c, p, Rule::Break);
    // Outside the break window.
    let mut p = good_plan(&c);
    p.routes[0].break_ = Some(PlannedBreak { start: ldt(&c, clock(0, 13, 30)), end: ldt(&c, clock(0, 14, 0)) });
    assert_only(&c, p, Rule::Break);
    // A break where the shift has no break rule.
    let c3 = with(|p| {
        let shift = json!({"start": "08:00", "end": "16:00"});
        tech_json(p, "T1")["shifts"] = json!({"mon": shift, "tue": shift});
    });
    let mut p = good_plan(&c3);
    assert!(p.routes[0].break_.is_none());
    p.routes[0].break_ = Some(PlannedBreak { start: ldt(&c3, clock(0, 12, 0)), end: ldt(&c3, clock(0, 12, 30)) });
    assert_only(&c3, p, Rule::Break);
}

#[test]
fn check_time_window() {
    let c = case(&base_json());
    // V1's only window is Monday 08:00–12:00; on Tuesday it starts right on arrival.
    let mut routes = good_routes(&c);
    routes[0] = build(&c, "T1", 0, &["V2"], None, &[]);
    routes.insert(1, build(&c, "T1", 1, &["V1"], None, &[]));
    let r =
        assert_only(&c, plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]), Rule::TimeWindow);
    let shown = r.violations[0].to_string();
    assert!(shown.starts_with("[time_window] T1 2026-12-08 V1: service starts 08:0"), "{shown}");
    assert!(shown.ends_with("after every window (2026-12-07 08:00–12:00)"), "{shown}");
    // The window ends are inclusive: V1 may start at 12:00 sharp (after a break while waiting).
    let mut routes = good_routes(&c);
    routes[0] = build(&c, "T1", 0, &["V2", "V1"], None, &[("V1", clock(0, 12, 0))]);
    let p = plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]);
    assert!(report(&c, &p).is_feasible());
}

#[test]
fn check_timing_inconsistencies() {
    let c = case(&base_json());
    // A service that ends 5 minutes late (and so overlaps the next departure).
    let mut p = good_plan(&c);
    let end = p.routes[0].stops[0].end.secs_since(c.inst.origin);
    p.routes[0].stops[0].end = ldt(&c, end + 5 * MINUTE);
    assert_only(&c, p, Rule::Timing);
    // An arrival that does not match departure + leg.
    let mut p = good_plan(&c);
    let arr = p.routes[1].stops[0].arrival.secs_since(c.inst.origin);
    p.routes[1].stops[0].arrival = ldt(&c, arr - MINUTE);
    let wait = p.routes[1].wait_s;
    p.routes[1].wait_s = wait + MINUTE;
    assert_only(&c, p, Rule::Timing);
    // The first departure is not the route's start.
    let mut p = good_plan(&c);
    p.routes[1].start = ldt(&c, clock(0, 8, 30));
    assert_only(&c, p, Rule::Timing);
    // Not enough time to drive back.
    let mut p = good_plan(&c);
    let end = p.routes[0].end.secs_since(c.inst.origin);
    p.routes[0].end = ldt(&c, end - 1);
    assert_only(&c, p, Rule::Timing);
    // Wrong SLA minutes.
    let mut p = good_plan(&c);
    p.routes[0].stops[0].sla_late_min = 7;
    assert_only(&c, p, Rule::Timing);
    // Wrong route totals.
    let mut p = good_plan(&c);
    p.routes[2].wait_s += 1;
    p.routes[2].service_s += 60;
    p.routes[2].parts_volume += 1.0;
    let r = assert_only(&c, p, Rule::Timing);
    assert_eq!(r.violations.len(), 3, "\n{r}");
}

#[test]
fn check_travel_legs() {
    let c = case(&base_json());
    // A leg 100 m too long (the route total says the same, so only the leg is wrong).
    let mut p = good_plan(&c);
    p.routes[0].stops[1].leg.distance_m += 100.0;
    p.routes[0].distance_m += 100.0;
    let r = assert_only(&c, p, Rule::Travel);
    assert!(r.violations[0].message.contains("from visit V2 to visit V1"), "{r}");
    // A return leg 10 s too short.
    let mut p = good_plan(&c);
    p.routes[1].return_leg.travel_s -= 10;
    p.routes[1].travel_s -= 10;
    assert_only(&c, p, Rule::Travel);
    // Rounding noise below a centimetre is fine.
    let mut p = good_plan(&c);
    p.routes[0].stops[0].leg.distance_m += 0.004;
    p.routes[0].distance_m += 0.004;
    assert!(report(&c, &refresh(&c, p)).is_feasible());
}

#[test]
fn check_capacity() {
    let c = with(|p| tech_json(p, "T2")["capacity"] = json!(5));
    assert_only(&c, good_plan(&c), Rule::Capacity);
}

#[test]
fn check_max_visits() {
    let c = with(|p| tech_json(p, "T2")["max_visits_per_day"] = json!(1));
    assert_only(&c, good_plan(&c), Rule::MaxVisits);
}

#[test]
fn check_pin() {
    let c = case(&base_json());
    // V5 is pinned to T2 on Tuesday: Monday breaks the pin.
    let routes = vec![
        build(&c, "T1", 0, &["V2", "V1"], None, &[]),
        build(&c, "T2", 0, &["V4", "V5"], None, &[]),
        build(&c, "T2", 1, &["V3"], None, &[]),
    ];
    let r = assert_only(&c, plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]), Rule::Pin);
    assert!(r.violations[0].message.contains("pinned to 2026-12-08"), "{r}");
    // Another technician breaks it too.
    let routes = vec![
        build(&c, "T1", 0, &["V2", "V1"], None, &[]),
        build(&c, "T1", 1, &["V5"], None, &[]),
        build(&c, "T2", 0, &["V4"], None, &[]),
        build(&c, "T2", 1, &["V3"], None, &[]),
    ];
    assert_only(&c, plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]), Rule::Pin);
    // An exact start.
    let c = with(|p| visit_json(p, "V5")["pin"] = json!({"technician": "T2", "start": "2026-12-08T10:00"}));
    let mut routes = good_routes(&c);
    routes[2] = build(&c, "T2", 1, &["V5", "V3"], None, &[]);
    assert!(
        report(&c, &plan(&c, routes.clone(), vec![unassigned("V6", ReasonCode::NoSkilledTechnician)])).is_feasible()
    );
    routes[2] = build(&c, "T2", 1, &["V5", "V3"], None, &[("V5", clock(1, 10, 5))]);
    assert_only(&c, plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]), Rule::Pin);
}

#[test]
fn check_fixed_visits_stay_in_place() {
    let c = with(|p| {
        visit_json(p, "V4")["status"] = json!("dispatched");
        visit_json(p, "V4")["current"] = json!({"technician": "T2", "start": "2026-12-07T10:00", "communicated": true});
    });
    // The good plan starts V4 just after 09:00.
    assert_only(&c, good_plan(&c), Rule::Fixed);
    // In place: fine.
    let mut routes = good_routes(&c);
    routes[1] = build(&c, "T2", 0, &["V4"], Some(clock(0, 9, 0)), &[("V4", clock(0, 10, 0))]);
    assert!(report(&c, &plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)])).is_feasible());
    // Left unassigned.
    let mut routes = good_routes(&c);
    routes.remove(1);
    let p = plan(
        &c,
        routes,
        vec![unassigned("V4", ReasonCode::NoCapacity), unassigned("V6", ReasonCode::NoSkilledTechnician)],
    );
    assert_only(&c, p, Rule::Fixed);
}

#[test]
fn check_duplicates() {
    let c = case(&base_json());
    // In a route and among the unassigned.
    let mut p = good_plan(&c);
    p.unassigned.push(unassigned("V1", ReasonCode::NoCapacity));
    assert_only(&c, p, Rule::Duplicate);
    // Listed twice as unassigned.
    let mut p = good_plan(&c);
    p.unassigned.push(unassigned("V6", ReasonCode::NoSkilledTechnician));
    assert_only(&c, p, Rule::Duplicate);
    // Two routes for one technician-day.
    let mut routes = good_routes(&c);
    routes[2] = build(&c, "T2", 1, &["V5"], None, &[]);
    routes.push(build(&c, "T2", 1, &["V3"], None, &[]));
    assert_only(&c, plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]), Rule::Duplicate);
    // In two routes (and on Tuesday outside its window).
    let mut routes = good_routes(&c);
    routes.insert(1, build(&c, "T1", 1, &["V1"], None, &[]));
    assert_rules(
        &c,
        plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]),
        &[Rule::Duplicate, Rule::TimeWindow],
    );
}

#[test]
fn check_missing_visits() {
    let c = case(&base_json());
    let mut p = good_plan(&c);
    p.unassigned.clear();
    let r = assert_only(&c, p, Rule::Missing);
    assert_eq!(r.violations[0].visit.as_deref(), Some("V6"));
    // A visit dropped from a route.
    let mut routes = good_routes(&c);
    routes.remove(1);
    assert_only(&c, plan(&c, routes, vec![unassigned("V6", ReasonCode::NoSkilledTechnician)]), Rule::Missing);
}

#[test]
fn check_unknown_ids() {
    let c = case(&base_json());
    let mut p = good_plan(&c);
    p.unassigned.push(unassigned("V99", ReasonCode::NoCapacity));
    assert_only(&c, p, Rule::UnknownId);
    // A technician that does not exist.
    let mut p = good_plan(&c);
    p.routes[0].technician = "T9".into();
    assert_only(&c, p, Rule::UnknownId);
    // A stop that does not exist (V1 is then missing).
    let mut p = good_plan(&c);
    p.routes[0].stops[1].visit = "V99".into();
    assert_rules(&c, p, &[Rule::UnknownId, Rule::Missing]);
}

#[test]
fn check_done_or_cancelled_visits_must_not_appear() {
    let c = with(|p| visit_json(p, "V6")["status"] = json!("done"));
    assert_only(&c, good_plan(&c), Rule::NotPlannable);
    let c = with(|p| visit_json(p, "V1")["status"] = json!("cancelled"));
    assert_only(&c, good_plan(&c), Rule::NotPlannable);
    // Leaving it out is right.
    let c = with(|p| visit_json(p, "V6")["status"] = json!("cancelled"));
    assert!(report(&c, &plan(&c, good_routes(&c), vec![])).is_feasible());
}

#[test]
fn check_false_or_missing_reasons() {
    let c = case(&base_json());
    for code in [
        ReasonCode::NoCapacity,
        ReasonCode::CertificationExpired,
        ReasonCode::WindowUnreachable,
        ReasonCode::OutOfRegion,
    ] {
        let p = plan(&c, good_routes(&c), vec![unassigned("V6", code)]);
        let r = assert_only(&c, p, Rule::Reason);
        assert!(r.violations[0].message.contains("no technician has electrical level 3 or higher"), "{code:?}: {r}");
    }
    let mut p = good_plan(&c);
    p.unassigned[0].reasons.clear();
    assert_only(&c, p, Rule::Reason);
    // Only the first reason is checked.
    let mut p = good_plan(&c);
    p.unassigned[0].reasons.push(unassigned("V6", ReasonCode::NoCapacity).reasons.remove(0));
    assert!(report(&c, &refresh(&c, p)).is_feasible());
}

/// V7 needs electrical 2 + gas-safe (T2 has the level, only T1 the certificate); V8 is an HVAC
/// job in the East, where T1 may no longer go; V9 excludes T1; V10 is pinned to T2, who may not
/// work in the West.
fn reasons_json() -> Value {
    let mut p = base_json();
    tech_json(&mut p, "T1")["secondary_regions"] = json!([]);
    let visits = p["visits"].as_array_mut().unwrap();
    let visit = |id: &str, lon: f64, skill: &str, level: u8| {
        json!({"id": id, "customer": id, "location": {"lat": 50.03, "lon": lon}, "skill": skill, "min_level": level,
               "duration_min": 30, "priority": "standard", "segment": "new", "created_at": "2026-12-04T09:00"})
    };
    let mut v7 = visit("V7", 10.01, "electrical", 2);
    v7["certifications"] = json!(["gas-safe"]);
    visits.push(v7);
    visits.push(visit("V8", 10.08, "hvac", 1));
    let mut v9 = visit("V9", 10.04, "hvac", 1);
    v9["excluded_technicians"] = json!(["T1"]);
    visits.push(v9);
    let mut v10 = visit("V10", 10.03, "electrical", 1);
    v10["pin"] = json!({"technician": "T2"});
    visits.push(v10);
    p
}

fn reasons_plan(c: &Case, codes: [ReasonCode; 5]) -> Plan {
    let ids = ["V6", "V7", "V8", "V9", "V10"];
    plan(c, good_routes(c), ids.iter().zip(codes).map(|(id, code)| unassigned(id, code)).collect())
}

#[test]
fn check_true_reasons_pass_and_each_false_one_is_caught() {
    use ReasonCode::*;
    let c = case(&reasons_json());
    let truth = [NoSkilledTechnician, CertificationExpired, OutOfRegion, ExcludedTechnicians, PinConflict];
    let r = report(&c, &reasons_plan(&c, truth));
    assert!(r.is_feasible(), "\n{r}");
    assert_eq!(r.kpis.unassigned_by_reason.values().sum::<u32>(), 5);
    // Later, unverifiable codes are accepted once the static rules leave a technician.
    for code in [WindowUnreachable, NoCapacity] {
        let mut codes = truth;
        codes[4] = code;
        assert!(report(&c, &reasons_plan(&c, codes)).is_feasible(), "{code:?}");
    }
    for (i, code) in [
        (1, NoSkilledTechnician),
        (1, OutOfRegion),
        (2, CertificationExpired),
        (2, NoSkilledTechnician),
        (2, ExcludedTechnicians),
        (3, OutOfRegion),
        (3, NoCapacity),
        (4, NoSkilledTechnician),
        (4, SlaInfeasible),
        (4, ProviderShareCap),
        (0, PinConflict),
    ] {
        let mut codes = truth;
        codes[i] = code;
        let r = assert_only(&c, reasons_plan(&c, codes), Rule::Reason);
        assert_eq!(r.violations.len(), 1, "{code:?}\n{r}");
    }
}

#[test]
fn check_provider_reasons() {
    use ReasonCode::*;
    // P1 may take one East visit: after V4, V3 (only T2 is skilled enough) hits the cap.
    let c = with(|p| p["providers"][0]["share"] = json!({"min_pct": 0, "max_pct": 34}));
    let routes = vec![build(&c, "T1", 0, &["V2", "V1"], None, &[]), build(&c, "T2", 0, &["V4"], None, &[])];
    let u = |codes: [ReasonCode; 2]| {
        vec![unassigned("V3", codes[0]), unassigned("V5", codes[1]), unassigned("V6", NoSkilledTechnician)]
    };
    let r = report(&c, &plan(&c, routes.clone(), u([ProviderShareCap, ProviderShareCap])));
    assert!(r.is_feasible(), "\n{r}");
    // Below the cap the claim is false.
    let c2 = case(&base_json());
    assert_only(&c2, plan(&c2, routes, u([ProviderShareCap, PinConflict])), Rule::Reason);

    // A provider whose certification lapsed before the horizon puts its technicians out of region.
    let c = with(|p| p["providers"][0]["certified_until"] = json!("2026-12-01"));
    let routes = vec![build(&c, "T1", 0, &["V2", "V1", "V4"], None, &[("V4", clock(0, 13, 0))])];
    let r = report(
        &c,
        &plan(
            &c,
            routes.clone(),
            vec![unassigned("V3", OutOfRegion), unassigned("V5", PinConflict), unassigned("V6", NoSkilledTechnician)],
        ),
    );
    assert!(r.is_feasible(), "\n{r}");
    let p = plan(
        &c,
        routes,
        vec![unassigned("V3", NoCapacity), unassigned("V5", PinConflict), unassigned("V6", NoSkilledTechnician)],
    );
    assert_only(&c, p, Rule::Reason);
}

#[test]
fn check_reported_figures() {
    let c = case(&base_json());
    let mut p = good_plan(&c);
    p.kpis.travel_km += 1.0;
    let r = report(&c, &p);
    assert_eq!(r.rules(), BTreeSet::from([Rule::ReportedFigure]));
    assert!(r.violations[0].message.starts_with("kpis.travel_km is"), "{r}");

    let mut p = good_plan(&c);
    p.objective.terms.unassigned += 1.0;
    assert_eq!(report(&c, &p).rules(), BTreeSet::from([Rule::ReportedFigure]));

    let mut p = good_plan(&c);
    p.kpis.assigned += 1;
    p.kpis.unassigned_by_reason.insert("no_capacity".into(), 1);
    p.kpis.provider_shares[0].visits = 2;
    let r = report(&c, &p);
    assert_eq!(r.rules(), BTreeSet::from([Rule::ReportedFigure]));
    assert_eq!(r.violations.len(), 3, "\n{r}");

    // Float noise within tolerance is fine.
    let mut p = good_plan(&c);
    p.kpis.travel_hours += 1e-5;
    p.objective.total *= 1.0 + 1e-7;
    assert!(report(&c, &p).is_feasible());
}

#[test]
fn check_garbage_plans_never_panic() {
    let c = case(&base_json());
    let mut p = good_plan(&c);
    let far = LocalDateTime::parse("9999-12-31T23:59").unwrap();
    let early = LocalDateTime::parse("0001-01-01T00:00").unwrap();
    p.routes[0].day = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
    p.routes[0].stops[0].leg = Leg { travel_s: i64::MAX, distance_m: f64::NAN };
    p.routes[0].stops[0].arrival = far;
    p.routes[0].stops[1].start = early;
    p.routes[0].stops[1].sla_late_min = i64::MIN;
    p.routes[0].return_leg = Leg { travel_s: i64::MIN, distance_m: f64::INFINITY };
    p.routes[0].travel_s = i64::MAX;
    p.routes[0].wait_s = i64::MIN;
    p.routes[1].technician = String::new();
    p.routes[1].day = chrono::NaiveDate::MIN;
    p.routes[1].break_ = Some(PlannedBreak { start: far, end: early });
    p.routes[2].stops.clear();
    p.routes[2].start = far;
    p.routes[2].end = early;
    p.routes.push(p.routes[0].clone());
    p.routes.push(Route { stops: vec![], ..p.routes[1].clone() });
    p.unassigned.push(Unassigned { visit: String::new(), reasons: vec![] });
    p.unassigned.push(Unassigned { visit: "V2".into(), reasons: vec![] });
    p.kpis.travel_km = f64::NAN;
    p.objective.total = f64::INFINITY;
    let r = report(&c, &p);
    assert!(!r.is_feasible());
    for v in &r.violations {
        assert!(!v.to_string().is_empty());
    }
    // An empty plan for the problem: every plannable visit is missing.
    let r = report(&c, &plan(&c, vec![], vec![]));
    assert_eq!(r.rules(), BTreeSet::from([Rule::Missing]));
    assert_eq!(r.violations.len(), 6);
    assert_eq!(r.kpis.assigned, 0);
    // A travel model that covers fewer locations than the instance.
    let small = HaversineTravel::new(c.inst.locations[..3].to_vec(), 1.3, 40.0);
    let r = check_plan(&c.inst, &small, &good_plan(&c));
    assert!(r.rules().contains(&Rule::Travel), "\n{r}");
}

#[test]
fn check_rule_names_are_snake_case_and_distinct() {
    let names: BTreeSet<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(names.len(), Rule::ALL.len());
    assert!(names.iter().all(|n| n.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')));
    assert_eq!(Rule::TimeWindow.to_string(), "time_window");
    let v = Violation {
        rule: Rule::Pin,
        technician: None,
        day: None,
        visit: Some("V5".into()),
        message: "pinned to T2".into(),
    };
    assert_eq!(v.to_string(), "[pin] V5: pinned to T2");
}

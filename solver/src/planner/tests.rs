use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde_json::json;

use super::*;
use crate::format::problem_fingerprint;
use crate::testkit::small_problem_json;
use crate::time::{HOUR, MINUTE};
use crate::travel::HaversineTravel;
use crate::validate::load_problem;

fn solve_json(value: &serde_json::Value, seed: u64) -> Plan {
    let (problem, inst) = load_problem(&value.to_string()).expect("valid problem");
    let travel = HaversineTravel::new(inst.locations.clone(), 1.3, 40.0);
    let reference = ProblemRef { name: problem.name.clone(), fingerprint: problem_fingerprint(&problem) };
    let opts = SolveOptions { seed, time_limit: Duration::from_secs(5), max_iterations: 50, author: "test".into() };
    solve(&inst, &travel, reference, &opts, &mut |_| {}, &AtomicBool::new(false))
}

#[test]
fn the_small_problem_is_fully_planned() {
    let plan = solve_json(&small_problem_json(), 1);
    assert_eq!(plan.kpis.visits, 5);
    assert_eq!(plan.kpis.assigned, 5, "unassigned: {:?}", plan.unassigned);
    // V5 is pinned to T2 on Tuesday.
    let v5 = plan.routes.iter().find(|r| r.stops.iter().any(|s| s.visit == "V5")).unwrap();
    assert_eq!((v5.technician.as_str(), v5.day.to_string().as_str()), ("T2", "2026-12-08"));
    // V2 needs gas-safe: only T1 holds it.
    let v2 = plan.routes.iter().find(|r| r.stops.iter().any(|s| s.visit == "V2")).unwrap();
    assert_eq!(v2.technician, "T1");
    // Every worked day has its break.
    assert!(plan.routes.iter().all(|r| r.break_.is_some()));
    assert!((plan.objective.total - plan.objective.terms.total()).abs() < 1e-9);
}

#[test]
fn same_seed_same_plan() {
    let a = solve_json(&small_problem_json(), 42);
    let b = solve_json(&small_problem_json(), 42);
    assert_eq!(a, b);
}

#[test]
fn unassigned_visits_get_the_furthest_reason() {
    let mut p = small_problem_json();
    // Nobody has hvac level 3 except T1; make V1 need level 3 of electrical instead: nobody.
    p["visits"][0]["skill"] = json!("electrical");
    p["visits"][0]["min_level"] = json!(3);
    // V3's window is on Tuesday 12–16 and T2 is absent on Tuesday; T1 (electrical 1) is not qualified.
    p["technicians"][1]["absences"] = json!([{"from": "2026-12-08", "to": "2026-12-08"}]);
    // V5 is pinned to T2 on Tuesday: conflicts with the absence.
    let plan = solve_json(&p, 1);
    let reason = |id: &str| plan.unassigned.iter().find(|u| u.visit == id).map(|u| u.reasons[0].code);
    assert_eq!(reason("V1"), Some(ReasonCode::NoSkilledTechnician));
    assert_eq!(reason("V3"), Some(ReasonCode::WindowUnreachable));
    assert_eq!(reason("V5"), Some(ReasonCode::PinConflict));
    assert_eq!(plan.kpis.unassigned, 3);
    assert_eq!(plan.kpis.unassigned_by_reason.values().sum::<u32>(), 3);
}

#[test]
fn schedule_puts_the_break_in_a_wait_when_it_can() {
    let mut p = small_problem_json();
    // One visit whose window opens at 12:30: T1 arrives early and takes the break while waiting.
    p["visits"] = json!([{"id": "V1", "customer": "c", "location": {"lat": 50.01, "lon": 10.01}, "skill": "hvac", "min_level": 1,
        "duration_min": 60, "time_windows": [{"start": "2026-12-07T12:30", "end": "2026-12-07T13:00"}], "priority": "standard",
        "segment": "new", "created_at": "2026-12-01T08:00"}]);
    let (_, inst) = load_problem(&p.to_string()).unwrap();
    let travel = HaversineTravel::new(inst.locations.clone(), 1.3, 40.0);
    let s = schedule::schedule(&inst, &travel, 0, 0, &[0]).expect("feasible");
    assert_eq!(s.start[0], 12 * HOUR + 30 * MINUTE);
    let (b, e) = s.break_.expect("a break");
    assert_eq!(e - b, 30 * MINUTE);
    assert!(e <= s.start[0] && b >= s.arrival[0], "break {b}–{e} should sit in the wait before {}", s.start[0]);
    // Departure is as late as the first stop allows.
    assert_eq!(s.depart[0] + s.legs[0].secs, s.arrival[0]);
}

#[test]
fn schedule_rejects_what_cannot_fit_the_shift() {
    let mut p = small_problem_json();
    p["visits"][0]["duration_min"] = json!(8 * 60);
    let (_, inst) = load_problem(&p.to_string()).unwrap();
    let travel = HaversineTravel::new(inst.locations.clone(), 1.3, 40.0);
    // 8 h on site plus a 30 min break plus travel does not fit 08:00–16:00.
    assert!(schedule::schedule(&inst, &travel, 0, 0, &[0]).is_none());
}

/// The reasons of an unassigned visit after solving `p` (`None`: it was assigned). The plan
/// must pass the independent checker, which verifies the first reason from the problem alone.
fn reasons_of(p: &serde_json::Value, visit: &str) -> Option<Vec<ReasonCode>> {
    let plan = solve_json(p, 1);
    let (_, inst) = load_problem(&p.to_string()).unwrap();
    let travel = HaversineTravel::new(inst.locations.clone(), 1.3, 40.0);
    let checked = crate::check::check_plan(&inst, &travel, &plan);
    assert!(checked.is_feasible(), "{checked}");
    let u = plan.unassigned.iter().find(|u| u.visit == visit)?;
    assert!(u.reasons.iter().all(|r| !r.message.is_empty()), "{u:?}");
    Some(u.reasons.iter().map(|r| r.code).collect())
}

fn first_reason(p: &serde_json::Value, visit: &str) -> Option<ReasonCode> {
    reasons_of(p, visit).map(|r| r[0])
}

#[test]
fn every_reason_code_has_a_test_below() {
    // The codes a plan can carry; each has a `reason_*` test in this file.
    assert_eq!(rules::ORDER.len(), 9);
    for code in rules::ORDER {
        assert_eq!(rules::stage(code) as usize, rules::ORDER.iter().position(|&c| c == code).unwrap());
    }
}

#[test]
fn reason_no_skilled_technician() {
    let mut p = small_problem_json();
    // Nobody has hvac at level 2 once T1 is down to level 1.
    p["technicians"][0]["skills"][0]["level"] = json!(1);
    assert_eq!(first_reason(&p, "V1"), Some(ReasonCode::NoSkilledTechnician));
    assert_eq!(first_reason(&small_problem_json(), "V1"), None, "level 2 is assigned");
}

#[test]
fn reason_certification_expired() {
    let mut p = small_problem_json();
    // T1, the only hvac technician, let gas-safe lapse before the horizon; T2 holds it but
    // has no hvac.
    p["technicians"][0]["certifications"][0]["valid_until"] = json!("2026-12-06");
    p["technicians"][1]["certifications"] = json!([{"certification": "gas-safe", "valid_until": "2027-01-31"}]);
    assert_eq!(first_reason(&p, "V2"), Some(ReasonCode::CertificationExpired));
}

#[test]
fn a_certificate_lapsing_mid_horizon_only_removes_the_later_days() {
    let mut p = small_problem_json();
    // Valid on Monday only; V2 may be done on Monday, so it stays assigned (to Monday).
    p["technicians"][0]["certifications"][0]["valid_until"] = json!("2026-12-07");
    let plan = solve_json(&p, 1);
    let route = plan.routes.iter().find(|r| r.stops.iter().any(|s| s.visit == "V2")).expect("V2 assigned");
    assert_eq!(route.day.to_string(), "2026-12-07");
}

#[test]
fn reason_out_of_region() {
    let mut p = small_problem_json();
    // The only hvac technician stops covering West, where V1 is.
    p["technicians"][0]["regions"] = json!(["east"]);
    p["technicians"][0]["secondary_regions"] = json!([]);
    assert_eq!(first_reason(&p, "V1"), Some(ReasonCode::OutOfRegion));
}

#[test]
fn reason_excluded_technicians() {
    let mut p = small_problem_json();
    p["visits"][0]["excluded_technicians"] = json!(["T1"]);
    assert_eq!(first_reason(&p, "V1"), Some(ReasonCode::ExcludedTechnicians));
}

#[test]
fn reason_window_unreachable() {
    let mut p = small_problem_json();
    // V3 (electrical 2: only T2) may only be done on Tuesday afternoon; T2 is absent on Tuesday.
    p["technicians"][1]["absences"] = json!([{"from": "2026-12-08", "to": "2026-12-08"}]);
    assert_eq!(first_reason(&p, "V3"), Some(ReasonCode::WindowUnreachable));
}

#[test]
fn reason_window_unreachable_when_the_day_cannot_hold_the_visit() {
    let mut p = small_problem_json();
    // The window fits the shift on paper, but with the drive and the break the 7.5-hour
    // service cannot end by 16:00: static rules pass, the schedule fails.
    p["visits"][0]["duration_min"] = json!(450);
    p["visits"][0]["time_windows"] = json!([{"start": "2026-12-07T08:00", "end": "2026-12-07T08:30"}]);
    assert_eq!(first_reason(&p, "V1"), Some(ReasonCode::WindowUnreachable));
}

#[test]
fn reason_pin_conflict() {
    let mut p = small_problem_json();
    // V5 is pinned to T2 on Tuesday, and T2 is absent on Tuesday.
    p["technicians"][1]["absences"] = json!([{"from": "2026-12-08", "to": "2026-12-08"}]);
    assert_eq!(first_reason(&p, "V5"), Some(ReasonCode::PinConflict));
}

#[test]
fn reason_no_capacity() {
    let mut p = small_problem_json();
    // One visit a day for the only hvac technician, three hvac visits in two days.
    p["technicians"][0]["max_visits_per_day"] = json!(1);
    let mut extra = p["visits"][0].clone();
    extra["id"] = json!("V6");
    p["visits"].as_array_mut().unwrap().push(extra);
    let plan = solve_json(&p, 1);
    let hvac_unassigned: Vec<_> =
        plan.unassigned.iter().filter(|u| ["V1", "V2", "V6"].contains(&u.visit.as_str())).collect();
    // Two slots for three visits (the VIP V2 may take Monday: its lateness on Tuesday would
    // cost more than a standard visit left out).
    assert!((1..=2).contains(&hvac_unassigned.len()), "{:?}", plan.unassigned);
    for u in &hvac_unassigned {
        assert_eq!(first_reason(&p, &u.visit), Some(ReasonCode::NoCapacity));
    }
}

#[test]
fn reason_provider_share_cap() {
    let mut p = small_problem_json();
    // V3 needs electrical level 2: only T2, whose provider may take no share of East.
    p["providers"][0]["share"] = json!({"min_pct": 0, "max_pct": 0});
    assert_eq!(first_reason(&p, "V3"), Some(ReasonCode::ProviderShareCap));
}

#[test]
fn reason_sla_infeasible_comes_second() {
    // SLA lateness is a soft term: a late visit is still done, so an unreachable SLA alone never
    // leaves a visit out. When a visit is left out for another rule and its deadline could not
    // have been met by any candidate anyway, the plan says so as its second reason.
    let mut p = small_problem_json();
    p["technicians"][0]["max_visits_per_day"] = json!(1);
    // V1 (Monday morning only) must be on site by 08:01, but the drive from the depot takes
    // minutes; V6, the same job for an emergency, takes T1's only Monday slot.
    p["visits"][0]["sla"] = json!({"on_site_by": "2026-12-07T08:01"});
    let mut urgent = small_problem_json()["visits"][0].clone();
    urgent["id"] = json!("V6");
    urgent["priority"] = json!("emergency");
    p["visits"].as_array_mut().unwrap().push(urgent);
    assert_eq!(reasons_of(&p, "V1"), Some(vec![ReasonCode::NoCapacity, ReasonCode::SlaInfeasible]));
    // With a reachable deadline, only the capacity reason remains.
    p["visits"][0]["sla"] = json!({"on_site_by": "2026-12-07T11:00"});
    assert_eq!(reasons_of(&p, "V1"), Some(vec![ReasonCode::NoCapacity]));
}

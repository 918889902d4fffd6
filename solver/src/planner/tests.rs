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

//! Importers on the real Solomon files and malformed copies; writers; the checker.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use proptest::prelude::*;

use super::check::check;
use super::formats::{self, InstanceFormat, solomon, vroom, vrplib};
use super::model::{Objective, RouteOut, Solution};
use super::{Options, solve};

fn solomon_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/solomon")
}

fn solomon_files() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(solomon_dir())
        .expect("../shared/bench/solomon")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn reads_every_solomon_file() {
    let files = solomon_files();
    assert!(files.len() >= 12);
    for (name, text) in &files {
        assert_eq!(formats::detect(text), Some(InstanceFormat::Solomon), "{name}");
        let p = solomon::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(p.name, *name);
        assert_eq!(p.jobs.len(), 100, "{name}");
        assert_eq!(p.jobs[0].id, 1);
        assert!(p.vehicles.len() >= 25 && p.vehicles.len() <= 30, "{name}");
        // Travel time = double-precision Euclidean distance.
        let d = p.matrix.distance(0, 1);
        assert_eq!(d, p.matrix.duration(0, 1));
        assert!(d > 0.0);
    }
    let c101 = solomon::parse(&files.iter().find(|f| f.0 == "C101").unwrap().1).unwrap();
    assert_eq!(c101.vehicles[0].capacity, vec![200]);
    assert_eq!(c101.vehicles[0].shift.end, 1236.0);
    assert_eq!(c101.jobs[0].windows[0].start, 912.0);
    assert_eq!(c101.jobs[0].service, 90.0);
    assert_eq!(c101.matrix.distance(0, 1), (25.0f64 + 324.0).sqrt());
}

#[test]
fn malformed_solomon_copies_name_line_and_field() {
    let text = &solomon_files().into_iter().find(|f| f.0 == "R101").unwrap().1;
    let lines: Vec<&str> = text.lines().collect();
    let row = lines.iter().position(|l| l.trim_start().starts_with("5 ")).unwrap();
    let mut bad = lines.clone();
    let broken = lines[row].replacen("5", "x5", 1);
    bad[row] = &broken;
    let e = solomon::parse(&bad.join("\n")).unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (row + 1, "CUST NO."), "{e}");

    let mut bad = lines.clone();
    let short = "  7  1 2 3";
    bad[row] = short;
    let e = solomon::parse(&bad.join("\n")).unwrap_err();
    assert_eq!(e.line, row + 1);
    assert!(e.message.contains("7 columns"), "{e}");

    let mut bad = lines.clone();
    let reversed = "    5      20         50          5          100       10         10";
    bad[row] = reversed;
    let e = solomon::parse(&bad.join("\n")).unwrap_err();
    assert_eq!(e.field, "DUE DATE", "{e}");

    let no_fleet: Vec<&str> =
        lines.iter().copied().filter(|l| !l.contains("VEHICLE") && !l.trim().starts_with("25")).collect();
    assert!(solomon::parse(&no_fleet.join("\n")).is_err());
    assert!(solomon::parse("").is_err());
}

const CVRP: &str = "NAME : tiny\nTYPE : CVRP\nDIMENSION : 4\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\n\
NODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 8\n4 0 5\nDEMAND_SECTION\n1 0\n2 4\n3 5\n4 6\nDEPOT_SECTION\n1\n-1\nEOF\n";

#[test]
fn vrplib_cvrp_and_vrptw() {
    assert_eq!(formats::detect(CVRP), Some(InstanceFormat::Vrplib));
    let p = vrplib::parse(CVRP).unwrap();
    assert_eq!(p.name, "tiny");
    assert_eq!(p.jobs.len(), 3);
    assert_eq!(p.jobs[0].id, 1);
    assert_eq!(p.matrix.distance(0, 1), 5.0);
    assert_eq!(p.matrix.distance(1, 3), 3.0); // nint(sqrt(9 + 1)): (3,4)-(0,5)
    let sol = solve(&p, &Options { max_iterations: Some(50), ..Options::default() }, &AtomicBool::new(false));
    let r = check(&p, &sol);
    assert!(r.feasible() && r.unassigned == 0, "{:?}", r.violations);
    let text = formats::write_vrplib_solution(&p, &sol);
    assert!(text.starts_with("Route #1:") && text.contains("\nCost "), "{text}");
    let back = formats::parse_vrplib_solution(&p, &text).unwrap();
    assert_eq!(check(&p, &back).distance, r.distance);

    let tw = "NAME : tw\nTYPE : VRPTW\nDIMENSION : 3\nVEHICLES : 2\nCAPACITY : 10\nEDGE_WEIGHT_TYPE : EXPLICIT\n\
EDGE_WEIGHT_FORMAT : FULL_MATRIX\nEDGE_WEIGHT_SECTION\n0 10 20\n10 0 15\n20 15 0\nDEMAND_SECTION\n1 0\n2 5\n3 5\n\
TIME_WINDOW_SECTION\n1 0 100\n2 0 20\n3 50 60\nSERVICE_TIME_SECTION\n1 0\n2 5\n3 5\nDEPOT_SECTION\n1\n-1\nEOF";
    let p = vrplib::parse(tw).unwrap();
    assert_eq!(p.vehicles.len(), 2);
    assert_eq!(p.vehicles[0].shift.end, 100.0);
    let sol = solve(&p, &Options { max_iterations: Some(50), ..Options::default() }, &AtomicBool::new(false));
    let r = check(&p, &sol);
    assert!(r.feasible() && r.unassigned == 0, "{:?}", r.violations);
    assert_eq!(r.distance, 45.0);

    let e = vrplib::parse(&CVRP.replace("2 3 4", "2 3 four")).unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (8, "NODE_COORD_SECTION"), "{e}");
    let e = vrplib::parse(&CVRP.replace("DIMENSION : 4", "DIMENSION : 5")).unwrap_err();
    assert!(e.message.contains("node 5 missing"), "{e}");
}

const VROOM: &str = r#"{
  "vehicles": [
    {"id": 7, "start_index": 0, "end_index": 0, "capacity": [4], "skills": [1], "time_window": [0, 10000]},
    {"id": 8, "start_index": 0, "capacity": [4], "max_tasks": 2}
  ],
  "jobs": [
    {"id": 1, "location_index": 1, "service": 300, "delivery": [1], "skills": [1], "time_windows": [[0, 3600]]},
    {"id": 2, "location_index": 2, "service": 300, "delivery": [1]},
    {"id": 3, "location_index": 3, "service": 300, "amount": [2], "time_windows": [[4000, 5000], [100, 200]]}
  ],
  "matrices": {"car": {
    "durations": [[0, 600, 900, 1200], [600, 0, 400, 800], [900, 400, 0, 500], [1200, 800, 500, 0]],
    "distances": [[0, 6000, 9000, 12000], [6000, 0, 4000, 8000], [9000, 4000, 0, 5000], [12000, 8000, 5000, 0]]
  }}
}"#;

#[test]
fn vroom_input_and_output() {
    assert_eq!(formats::detect(VROOM), Some(InstanceFormat::Vroom));
    let p = vroom::parse(VROOM).unwrap();
    assert_eq!(p.jobs.len(), 3);
    assert_eq!(p.jobs[2].windows.len(), 2);
    assert_eq!(p.jobs[2].windows[0].start, 100.0, "windows sorted");
    assert_eq!(p.vehicles[1].end, p.matrix.nowhere());
    assert_eq!(p.matrix.distance(1, 2), 4000.0);
    let sol = solve(&p, &Options { max_iterations: Some(100), ..Options::default() }, &AtomicBool::new(false));
    let r = check(&p, &sol);
    assert!(r.feasible() && r.unassigned == 0, "{:?}", r.violations);
    // Job 1 needs skill 1: only vehicle 7 has it.
    let out: serde_json::Value = serde_json::from_str(&vroom::write_solution(&p, &sol)).unwrap();
    assert_eq!(out["code"], 0);
    assert_eq!(out["summary"]["unassigned"], 0);
    assert_eq!(out["summary"]["distance"].as_f64().unwrap(), r.distance);
    let with_job1 = out["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["steps"].as_array().unwrap().iter().any(|s| s["type"] == "job" && s["id"] == 1));
    assert_eq!(with_job1.unwrap()["vehicle"], 7);

    let e = vroom::parse(&VROOM.replace("[[0, 3600]]", "[[3600, 0]]")).unwrap_err();
    assert_eq!(e.field, "jobs[0].time_windows[0]", "{e}");
    let e = vroom::parse(&VROOM.replace("\"location_index\": 2", "\"location_index\": 9")).unwrap_err();
    assert_eq!(e.field, "jobs[1].location_index", "{e}");
    let e = vroom::parse("{\"jobs\": [").unwrap_err();
    assert_eq!(e.field, "json");
}

#[test]
fn checker_catches_broken_solutions() {
    let text = &solomon_files().into_iter().find(|f| f.0 == "C101").unwrap().1;
    let p = solomon::parse(text).unwrap();
    // All jobs on one vehicle in index order: late windows, capacity exceeded.
    let bad = Solution {
        routes: vec![RouteOut { vehicle: 0, jobs: (0..100).collect(), break_at: None }],
        unassigned: vec![],
        distance: 0.0,
        cost: 0.0,
        iterations: 0,
    };
    let r = check(&p, &bad);
    assert!(!r.feasible());
    assert!(r.violations.iter().any(|v| v.contains("capacity")));
    assert!(r.violations.iter().any(|v| v.contains("window") || v.contains("shift")));
    let missing = Solution { routes: vec![], unassigned: vec![], distance: 0.0, cost: 0.0, iterations: 0 };
    assert_eq!(check(&p, &missing).violations.len(), 100);
    let twice = Solution {
        routes: vec![
            RouteOut { vehicle: 0, jobs: vec![0], break_at: None },
            RouteOut { vehicle: 0, jobs: vec![1], break_at: None },
        ],
        unassigned: (1..100).collect(),
        distance: 0.0,
        cost: 0.0,
        iterations: 0,
    };
    let r = check(&p, &twice);
    assert!(r.violations.iter().any(|v| v.contains("used twice")));
    assert!(r.violations.iter().any(|v| v.contains("appears 2 times")));
}

#[test]
fn solves_a_solomon_instance_feasibly_with_both_objectives() {
    let text = &solomon_files().into_iter().find(|f| f.0 == "R101").unwrap().1;
    let p = solomon::parse(text).unwrap();
    for objective in [Objective::Distance, Objective::VehiclesThenDistance] {
        let opts = Options { seed: 3, time_limit: Duration::from_secs(600), max_iterations: Some(400), objective };
        let sol = solve(&p, &opts, &AtomicBool::new(false));
        let r = check(&p, &sol);
        assert!(r.feasible() && r.unassigned == 0, "{objective:?}: {:?}", r.violations);
        assert_eq!(sol.iterations, 400);
        assert!((r.distance - sol.distance).abs() < 1e-6);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic_on_arbitrary_text(text in "\\PC{0,400}") {
        let _ = solomon::parse(&text);
        let _ = vrplib::parse(&text);
        let _ = vroom::parse(&text);
        let _ = formats::detect(&text);
    }

    #[test]
    fn parsers_never_panic_on_mutated_files(cut in 0usize..3000, pos in 0usize..3000, byte in "[0-9 :\\-.a-zA-Z\\n\\[\\]{}\",]") {
        for base in [&solomon_files()[0].1, CVRP, VROOM] {
            let mut s: Vec<char> = base.chars().collect();
            let p = pos % s.len();
            s[p] = byte.chars().next().unwrap_or(' ');
            s.truncate(s.len() - cut % s.len().max(1) / 2);
            let t: String = s.into_iter().collect();
            let _ = solomon::parse(&t);
            let _ = vrplib::parse(&t);
            let _ = vroom::parse(&t);
        }
    }

    #[test]
    fn random_instances_solve_feasibly(seed in 0u64..10_000, n in 1usize..30) {
        let p = super::engine::tests::random_problem(seed, n);
        let opts = Options { seed, time_limit: Duration::from_secs(600), max_iterations: Some(100), objective: Objective::Distance };
        let sol = solve(&p, &opts, &AtomicBool::new(false));
        let r = check(&p, &sol);
        prop_assert!(r.feasible(), "{:?}", r.violations);
    }
}

/// One vehicle, a 30-minute break in 12:00–13:00, two jobs an hour's drive apart.
const VROOM_BREAK: &str = r#"{
  "vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "time_window": [28800, 61200],
                "breaks": [{"id": 9, "time_windows": [[43200, 46800]], "service": 1800}]}],
  "jobs": [
    {"id": 1, "location_index": 1, "service": 3600, "time_windows": [[28800, 39600]]},
    {"id": 2, "location_index": 2, "service": 1800, "time_windows": [[45000, 50400]], "priority": 0},
    {"id": 3, "location_index": 2, "service": 1800, "time_windows": [[50400, 54000]], "priority": 90}
  ],
  "matrices": {"car": {
    "durations": [[0, 1800, 1800], [1800, 0, 3600], [1800, 3600, 0]],
    "distances": [[0, 20000, 20000], [20000, 0, 40000], [20000, 40000, 0]]
  }}
}"#;

#[test]
fn breaks_split_the_drive_or_use_the_wait_and_are_written_as_steps() {
    let p = vroom::parse(VROOM_BREAK).unwrap();
    let b = p.vehicles[0].break_.as_ref().unwrap();
    assert_eq!((b.id, b.service, b.windows[0].start), (9, 1800.0, 43200.0));
    assert_eq!(p.jobs[2].priority, 90);
    for objective in [Objective::Distance, Objective::PriorityThenCost] {
        let opts = Options { max_iterations: Some(200), objective, ..Options::default() };
        let sol = solve(&p, &opts, &AtomicBool::new(false));
        let r = check(&p, &sol);
        assert!(r.feasible(), "{objective:?}: {:?}", r.violations);
        assert_eq!(r.unassigned, 0, "{objective:?}: every job fits around the break");
        let route = &sol.routes[0];
        assert!(route.break_at.is_some());
        let out: serde_json::Value = serde_json::from_str(&vroom::write_solution(&p, &sol)).unwrap();
        let steps = out["routes"][0]["steps"].as_array().unwrap();
        let kinds: Vec<&str> = steps.iter().map(|s| s["type"].as_str().unwrap()).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "break").count(), 1, "{kinds:?}");
        let brk = steps.iter().find(|s| s["type"] == "break").unwrap();
        let begin = brk["arrival"].as_f64().unwrap();
        assert!((43200.0..=46800.0).contains(&begin), "break starts inside its window: {begin}");
    }
    // A break the solution leaves out, or puts where no window is left, is refused.
    let opts = Options { max_iterations: Some(50), ..Options::default() };
    let mut sol = solve(&p, &opts, &AtomicBool::new(false));
    sol.routes[0].break_at = None;
    assert!(check(&p, &sol).violations.iter().any(|v| v.contains("takes no break")));
    sol.routes[0].break_at = Some(sol.routes[0].jobs.len());
    let late = check(&p, &sol);
    assert!(!late.feasible(), "the break after the last job starts after 13:00");
}

#[test]
fn a_break_may_be_taken_while_waiting_at_the_next_stop() {
    // Free at 10:00, the next job is 30 min away and opens at 13:00; the break window opens at
    // 12:00. Taking the break before driving (12:00–12:30) and then driving arrives 13:00 —
    // driving first, waiting, and breaking on site gives the same start; a break window that
    // closes before the free time is never usable.
    let p = vroom::parse(
        r#"{"vehicles": [{"id": 1, "start_index": 0, "time_window": [36000, 50400],
              "breaks": [{"id": 1, "time_windows": [[43200, 46800]], "service": 1800}]}],
            "jobs": [{"id": 1, "location_index": 1, "service": 600, "time_windows": [[46800, 47400]]}],
            "matrix": [[0, 1800], [1800, 0]]}"#,
    )
    .unwrap();
    let sol = solve(&p, &Options { max_iterations: Some(20), ..Options::default() }, &AtomicBool::new(false));
    let r = check(&p, &sol);
    assert!(r.feasible() && r.unassigned == 0, "{:?}", r.violations);
    // The same day with the job opening at 12:15 only (window 12:15–12:20): the break cannot
    // come before it (the job would be missed) and fits after it.
    let p2 = vroom::parse(
        r#"{"vehicles": [{"id": 1, "start_index": 0, "time_window": [36000, 50400],
              "breaks": [{"id": 1, "time_windows": [[43200, 46800]], "service": 1800}]}],
            "jobs": [{"id": 1, "location_index": 1, "service": 600, "time_windows": [[44100, 44400]]}],
            "matrix": [[0, 1800], [1800, 0]]}"#,
    )
    .unwrap();
    let sol = solve(&p2, &Options { max_iterations: Some(20), ..Options::default() }, &AtomicBool::new(false));
    let r = check(&p2, &sol);
    assert!(r.feasible() && r.unassigned == 0, "{:?}", r.violations);
    assert_eq!(sol.routes[0].break_at, Some(1), "break after the job");
}

#[test]
fn higher_priority_is_served_first_under_priority_then_cost() {
    // One short shift: either job 2 (near, priority 0) or job 3 (far, priority 90) fits.
    let p = vroom::parse(
        r#"{"vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "time_window": [0, 4000]}],
            "jobs": [{"id": 2, "location_index": 1, "service": 1000},
                     {"id": 3, "location_index": 2, "service": 1000, "priority": 90}],
            "matrix": [[0, 100, 1400], [100, 0, 1400], [1400, 1400, 0]]}"#,
    )
    .unwrap();
    let prio = Options { max_iterations: Some(100), objective: Objective::PriorityThenCost, ..Options::default() };
    let sol = solve(&p, &prio, &AtomicBool::new(false));
    let r = check(&p, &sol);
    assert!(r.feasible(), "{:?}", r.violations);
    assert_eq!(sol.unassigned, vec![0], "the priority-90 job is served");
    assert_eq!(r.unassigned_priority, 0);
    let dist = solve(&p, &Options { max_iterations: Some(100), ..Options::default() }, &AtomicBool::new(false));
    assert_eq!(check(&p, &dist).unassigned, 1);
    let e = vroom::parse(&VROOM_BREAK.replace("\"priority\": 90", "\"priority\": 101")).unwrap_err();
    assert_eq!(e.field, "jobs[2].priority", "{e}");
    let two = VROOM_BREAK.replace(r#""service": 1800}]}]"#, r#""service": 1800}, {"id": 10, "service": 60}]}]"#);
    let e = vroom::parse(&two).unwrap_err();
    assert_eq!(e.field, "vehicles[0].breaks", "{e}");
}

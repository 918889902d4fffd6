//! The sample service area end to end: validate, solve, check, and the checker catching a
//! plan that was tampered with.

use std::fs;

use serde_json::Value;

use crate::cli::{rota, scratch};

const SAMPLE: &str = "fixtures/sample/problem.json";
const TINY: &str = "fixtures/sample/tiny-problem.json";

#[test]
fn the_sample_validates() {
    let run = rota(&["validate", SAMPLE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("valid"), "{}", run.stdout);
}

#[test]
fn the_sample_is_planned_feasibly_and_mostly_assigned() {
    let dir = scratch("sample");
    let plan_path = dir.join("plan.json");
    let plan = plan_path.to_str().unwrap();
    let run = rota(&["solve", SAMPLE, "-o", plan, "--time-limit", "20", "--iterations", "150"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("assigned"), "the summary: {}", run.stdout);

    let check = rota(&["check", SAMPLE, plan]);
    assert_eq!(check.code, 0, "the plan must keep every hard rule:\n{}{}", check.stdout, check.stderr);

    let doc: Value = serde_json::from_str(&fs::read_to_string(&plan_path).unwrap()).unwrap();
    let kpis = &doc["kpis"];
    let (visits, assigned) = (kpis["visits"].as_u64().unwrap(), kpis["assigned"].as_u64().unwrap());
    assert!(visits >= 350, "the sample has about 400 visits, got {visits}");
    assert!(assigned * 100 >= visits * 90, "the great majority must be assigned: {assigned} of {visits}");
    for u in doc["unassigned"].as_array().unwrap() {
        let reasons = u["reasons"].as_array().unwrap();
        assert!(!reasons.is_empty() && reasons[0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{u}");
    }
}

#[test]
fn check_catches_a_tampered_plan() {
    let dir = scratch("tamper");
    let plan_path = dir.join("plan.json");
    let plan = plan_path.to_str().unwrap();
    assert_eq!(rota(&["solve", TINY, "-o", plan, "--iterations", "20", "--quiet"]).code, 0);
    let mut doc: Value = serde_json::from_str(&fs::read_to_string(&plan_path).unwrap()).unwrap();
    // Move the first stop's service to 03:00 on its day: before the shift, outside its window.
    let stop = &mut doc["routes"][0]["stops"][0];
    let day = stop["start"].as_str().unwrap()[..10].to_string();
    stop["start"] = Value::String(format!("{day}T03:00"));
    let bad = dir.join("bad.json");
    fs::write(&bad, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let run = rota(&["check", TINY, bad.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("violation"), "{}", run.stdout);
    assert!(run.stdout.contains("time_window") || run.stdout.contains("timing"), "{}", run.stdout);
}

#[test]
fn same_seed_same_plan_file() {
    let dir = scratch("determinism");
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    for out in [&a, &b] {
        let run = rota(&[
            "solve",
            TINY,
            "-o",
            out.to_str().unwrap(),
            "--seed",
            "9",
            "--iterations",
            "100",
            "--time-limit",
            "60",
            "--quiet",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
}

#[test]
fn generate_writes_a_valid_problem_of_the_requested_size() {
    let dir = scratch("generate");
    let out = dir.join("gen.json");
    let out = out.to_str().unwrap();
    let run = rota(&["generate", "--visits", "1500", "--technicians", "120", "--days", "3", "--seed", "7", "-o", out]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = rota(&["validate", out]);
    assert_eq!(v.code, 0, "{}", v.stderr);
    assert!(v.stdout.contains("1500 visits, 120 technicians"), "{}", v.stdout);
    let bad = rota(&["generate", "--visits", "0", "-o", out]);
    assert_eq!(bad.code, 2);
}

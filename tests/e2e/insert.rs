//! `rota insert`: ranked options for an urgent call in a solved plan.

use std::fs;

use serde_json::Value;

use crate::cli::{root, rota, scratch};

const TINY: &str = "fixtures/sample/tiny-problem.json";

#[test]
fn insert_ranks_options_by_arrival_and_refuses_bad_calls() {
    let dir = scratch("insert");
    let problem = root().join(TINY);
    let plan = dir.join("plan.json");
    let (problem_arg, plan_arg) = (problem.to_str().unwrap(), plan.to_str().unwrap());
    let run = rota(&["solve", problem_arg, "-o", plan_arg, "--iterations", "30", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let call =
        r#"{"customer": "Clinic", "location": {"lat": 50.0, "lon": 10.0}, "skill": "electrical", "duration_min": 45}"#;
    let run =
        rota(&["insert", problem_arg, plan_arg, "--visit", call, "--at", "2026-12-07T10:00", "--top", "3", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let options: Value = serde_json::from_str(&run.stdout).unwrap();
    let options = options.as_array().unwrap();
    assert!(!options.is_empty() && options.len() <= 3, "{options:?}");
    let arrivals: Vec<&str> = options.iter().map(|o| o["arrival"].as_str().unwrap()).collect();
    assert!(arrivals.windows(2).all(|w| w[0] <= w[1]), "{arrivals:?}");
    for o in options {
        assert!(o["start"].as_str().unwrap() >= "2026-12-07T10:00", "{o}");
        assert!(o["travel_s"].as_i64().unwrap() > 0, "{o}");
        assert!(o["displaces"].is_array());
    }
    // Only electrical technicians (T002 is the one with that skill in the tiny problem).
    let tiny: Value = serde_json::from_str(&fs::read_to_string(&problem).unwrap()).unwrap();
    let electricians: Vec<&str> = tiny["technicians"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["skills"].as_array().unwrap().iter().any(|s| s["skill"] == "electrical"))
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(options.iter().all(|o| electricians.contains(&o["technician"].as_str().unwrap())));

    let table = rota(&["insert", problem_arg, plan_arg, "--visit", call, "--at", "2026-12-07T10:00"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.contains("technician") && table.stdout.contains(options[0]["technician"].as_str().unwrap()));

    // Bad input: exit 2 with the field or value named.
    let bad = rota(&["insert", problem_arg, plan_arg, "--visit", call, "--at", "noon"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("noon"), "{}", bad.stderr);
    let unknown = call.replace("electrical", "juggling");
    let bad = rota(&["insert", problem_arg, plan_arg, "--visit", &unknown, "--at", "2026-12-07T10:00"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("juggling"), "{}", bad.stderr);
    let bad = rota(&["insert", problem_arg, plan_arg, "--visit", "{not json", "--at", "2026-12-07T10:00"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

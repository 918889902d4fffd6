//! The file formats: schemas generated from the types match the committed ones, plans
//! round-trip, and a golden plan for the tiny fixture pins the planner's behaviour.

use std::fs;

use rota_solver::format::{Plan, Problem, plan_schema, problem_schema};
use serde_json::Value;

use crate::cli::{root, rota, scratch};

/// Compares `actual` with a committed file; `UPDATE_GOLDEN=1` rewrites the file instead.
fn golden(path: &str, actual: &str) {
    let path = root().join(path);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected =
        fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} missing; run with UPDATE_GOLDEN=1", path.display()));
    assert!(
        expected == actual,
        "{} differs from what the code produces; if intended, run with UPDATE_GOLDEN=1 and review the diff",
        path.display()
    );
}

#[test]
fn committed_schemas_match_the_types() {
    golden(
        "docs/schema/rota-problem-1.schema.json",
        &(serde_json::to_string_pretty(&problem_schema()).unwrap() + "\n"),
    );
    golden("docs/schema/rota-plan-1.schema.json", &(serde_json::to_string_pretty(&plan_schema()).unwrap() + "\n"));
    let run = rota(&["schema", "problem"]);
    assert_eq!(run.code, 0);
    let printed: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(printed, problem_schema());
}

#[test]
fn problems_round_trip() {
    for file in ["fixtures/sample/problem.json", "fixtures/sample/tiny-problem.json"] {
        let text = fs::read_to_string(root().join(file)).unwrap();
        let problem: Problem = rota_solver::validate::parse_problem(&text).unwrap();
        let again: Problem = serde_json::from_str(&serde_json::to_string(&problem).unwrap()).unwrap();
        assert_eq!(problem, again, "{file}");
    }
}

#[test]
fn the_tiny_plan_matches_its_golden_file_and_round_trips() {
    let dir = scratch("golden");
    let out = dir.join("plan.json");
    let run = rota(&[
        "solve",
        "fixtures/sample/tiny-problem.json",
        "-o",
        out.to_str().unwrap(),
        "--seed",
        "1",
        "--iterations",
        "200",
        "--time-limit",
        "60",
        "--quiet",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = fs::read_to_string(&out).unwrap();
    let plan: Plan = serde_json::from_str(&text).unwrap();
    let again = serde_json::to_string_pretty(&plan).unwrap() + "\n";
    assert!(text == again, "a plan must survive a read/write round trip unchanged");
    golden("tests/golden/tiny-plan.json", &text);
}

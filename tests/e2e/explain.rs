//! `rota explain`: why a visit went to its technician, why another stayed out and what it would
//! take, and the shadow prices of the assignment LP.

use std::fs;

use serde_json::Value;

use crate::cli::{rota, scratch};

const TINY: &str = "fixtures/sample/tiny-problem.json";

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn explain_an_assigned_and_an_unassigned_visit() {
    let dir = scratch("explain");
    // V001 excludes every technician: it stays out with a reason and a remedy.
    let mut problem = json_of(&fs::read_to_string(crate::cli::root().join(TINY)).unwrap());
    let all: Vec<Value> = problem["technicians"].as_array().unwrap().iter().map(|t| t["id"].clone()).collect();
    problem["visits"][0]["excluded_technicians"] = Value::Array(all);
    let problem_path = dir.join("problem.json");
    fs::write(&problem_path, serde_json::to_string_pretty(&problem).unwrap()).unwrap();
    let plan_path = dir.join("plan.json");
    let (problem_arg, plan_arg) = (problem_path.to_str().unwrap(), plan_path.to_str().unwrap());
    let run = rota(&["solve", problem_arg, "-o", plan_arg, "--iterations", "30", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plan = json_of(&fs::read_to_string(&plan_path).unwrap());

    // An assigned visit: the plan's technician and day, and priced alternatives.
    let route = &plan["routes"][0];
    let visit = route["stops"][0]["visit"].as_str().unwrap();
    let run = rota(&["explain", problem_arg, plan_arg, "--visit", visit, "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let e = &json_of(&run.stdout)["visit"];
    assert_eq!(e["assigned"]["technician"], route["technician"]);
    assert_eq!(e["assigned"]["day"], route["day"]);
    assert_eq!(e["assigned"]["stop"], 1);
    let total = e["assigned"]["total"].as_f64().unwrap();
    let terms: f64 = e["assigned"]["cost"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).sum();
    assert!((total - terms).abs() < 1e-6, "the total is the sum of its terms");
    for alt in e["alternatives"].as_array().unwrap() {
        match alt["difference_total"].as_f64() {
            Some(d) => {
                let own = alt["total"].as_f64().unwrap();
                assert!((own - total - d).abs() < 1e-6, "{alt}");
            }
            None => assert!(alt["blocked"].is_string(), "{alt}"),
        }
    }
    let text = rota(&["explain", problem_arg, plan_arg, "--visit", visit]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains(&format!("Visit {visit} is assigned to {}", route["technician"].as_str().unwrap())),
        "{}",
        text.stdout
    );

    // The unassigned visit: its reason, the technicians ruled out, and what it would take.
    let run = rota(&["explain", problem_arg, plan_arg, "--visit", "V001", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let e = &json_of(&run.stdout)["visit"];
    assert!(e["assigned"].is_null());
    assert_eq!(e["reasons"][0]["code"], "excluded_technicians");
    let remedies = e["remedies"].as_array().unwrap();
    let drops: Vec<&Value> = remedies.iter().filter(|r| r["kind"] == "drop_exclusion").collect();
    assert!(!drops.is_empty(), "{remedies:?}");
    for r in drops {
        // Priced when that route has room; otherwise it says room is needed too.
        let priced = r["objective_change"].as_f64().is_some_and(|c| c < 0.0);
        assert!(priced || r["action"].as_str().unwrap().ends_with("and room on that route"), "{r}");
    }
    let text = rota(&["explain", problem_arg, plan_arg, "--visit", "V001"]);
    assert!(text.stdout.contains("is unassigned") && text.stdout.contains("drop the exclusion of"), "{}", text.stdout);
}

#[test]
fn explain_prints_the_shadow_prices_and_rule_costs() {
    let run = rota(&["explain", TINY, "--duals", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d = &json_of(&run.stdout)["duals"];
    assert!(d["lp_objective"].as_f64().is_some_and(|x| x > 0.0));
    let rules = d["rule_costs"].as_array().unwrap();
    assert_eq!(rules.len(), 12);
    assert!(rules.iter().all(|r| r["cost"].as_f64().is_some_and(|c| c > -1e-6)), "{rules:?}");
    for p in d["hour_value_by_skill_region_day"].as_array().unwrap() {
        assert!(p["hour_value"].as_f64().unwrap() > 0.0 && p["technician"].is_string(), "{p}");
    }
    let text = rota(&["explain", TINY, "--duals"]);
    assert!(text.stdout.contains("What each rule adds"), "{}", text.stdout);
}

#[test]
fn explain_rejects_what_it_cannot_explain() {
    let dir = scratch("explain-bad");
    let plan = dir.join("plan.json");
    let plan_arg = plan.to_str().unwrap();
    assert_eq!(rota(&["solve", TINY, "-o", plan_arg, "--iterations", "10", "--quiet"]).code, 0);
    let run = rota(&["explain", TINY, plan_arg, "--visit", "NOPE"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("\"NOPE\""), "{}", run.stderr);
    let run = rota(&["explain", TINY, "--visit", "V001"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("needs the plan"), "{}", run.stderr);
    assert_eq!(rota(&["explain", TINY]).code, 2);
}

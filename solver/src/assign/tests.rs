use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::check::check_plan;
use crate::format::problem_fingerprint;
use crate::testkit::small_problem_json;
use crate::travel::HaversineTravel;
use crate::validate::load_problem;

fn compile(value: &Value) -> (crate::format::Problem, Instance, HaversineTravel) {
    let (problem, inst) = load_problem(&value.to_string()).expect("valid problem");
    let travel = HaversineTravel::new(inst.locations.clone(), 1.3, 40.0);
    (problem, inst, travel)
}

/// One technician, Monday only, and more hvac visits than fit in the day.
fn overloaded(shift_end: &str) -> Value {
    let mut p = small_problem_json();
    p["horizon"]["days"] = json!(1);
    p["technicians"] = json!([{"id": "T1", "name": "Anna", "start_site": "S-W", "skills": [{"skill": "hvac", "level": 1}],
        "regions": ["west", "east"], "shifts": {"mon": {"start": "08:00", "end": shift_end}}, "max_visits_per_day": 20, "capacity": 100}]);
    p["providers"] = json!([]);
    p["certifications"] = json!([]);
    let visits: Vec<Value> = (0..12)
        .map(|i| {
            json!({"id": format!("V{i}"), "customer": "c", "location": {"lat": 50.005 + 0.003 * f64::from(i), "lon": 10.01 + 0.002 * f64::from(i)},
                   "skill": "hvac", "min_level": 1, "duration_min": 60, "priority": "standard", "segment": "new", "created_at": "2026-12-01T08:00"})
        })
        .collect();
    p["visits"] = Value::Array(visits);
    p
}

#[test]
fn the_pipeline_plans_the_small_problem_feasibly() {
    let (problem, inst, travel) = compile(&small_problem_json());
    let reference = ProblemRef { name: problem.name.clone(), fingerprint: problem_fingerprint(&problem) };
    let opts = SolveOptions { seed: 1, time_limit: Duration::from_secs(10), max_iterations: 50, author: "test".into() };
    let (plan, report) = solve_with_assignment(&inst, &travel, reference, &opts, &mut |_| {}, &AtomicBool::new(false));
    assert!(report.fallback.is_none(), "{:?}", report.fallback);
    assert_eq!(report.mip_assigned, 5);
    assert!(report.mip_optimal);
    assert_eq!(plan.settings.solver, PIPELINE_NAME);
    assert_eq!(plan.kpis.assigned, 5);
    let checked = check_plan(&inst, &travel, &plan);
    assert!(checked.is_feasible(), "{checked}");
}

#[test]
fn the_mip_respects_working_time_and_leaves_the_rest_unassigned() {
    let (_, inst, travel) = compile(&overloaded("16:00"));
    let planner = Planner::new(&inst, &travel);
    let model = AssignModel::new(&planner, &travel, 40, 0.9);
    let a = model.solve(&AssignOptions::default(), None).unwrap();
    let minutes: f64 =
        (0..inst.visits.len()).filter(|&v| a.choice[v].is_some()).map(|v| model.candidates[v][0].minutes).sum();
    assert!(minutes <= 0.9 * 8.0 * 60.0 + 1e-6, "{minutes} minutes assigned to an 8-hour day");
    let assigned = a.choice.iter().flatten().count();
    assert!((4..12).contains(&assigned), "{assigned} of 12 assigned");
}

#[test]
fn shadow_price_of_working_time_predicts_the_objective_change() {
    let (_, inst, travel) = compile(&overloaded("16:00"));
    let planner = Planner::new(&inst, &travel);
    let before = AssignModel::new(&planner, &travel, 40, 0.9).shadow_prices().unwrap();
    let (_, _, value) = before.minute_value[0];
    assert!(value > 0.0, "an overloaded day must have a positive minute value");
    // Ten more minutes of shift = nine more minutes of assignable time (slack 0.9).
    let (_, inst2, travel2) = compile(&overloaded("16:10"));
    let planner2 = Planner::new(&inst2, &travel2);
    let after = AssignModel::new(&planner2, &travel2, 40, 0.9).shadow_prices().unwrap();
    let predicted = 9.0 * value;
    let actual = before.lp_objective - after.lp_objective;
    assert!(
        (actual - predicted).abs() <= 0.02 * predicted.abs() + 1e-6,
        "dual predicts {predicted}, LP moved by {actual}"
    );
}

#[test]
fn a_day_with_time_to_spare_has_no_shadow_price() {
    let mut p = overloaded("16:00");
    p["visits"] = Value::Array(p["visits"].as_array().unwrap()[..2].to_vec());
    let (_, inst, travel) = compile(&p);
    let planner = Planner::new(&inst, &travel);
    let prices = AssignModel::new(&planner, &travel, 40, 0.9).shadow_prices().unwrap();
    assert!(prices.minute_value.iter().all(|&(_, _, v)| v.abs() < 1e-9), "{:?}", prices.minute_value);
}

#[test]
fn a_steeper_vip_lateness_weight_serves_vip_visits_earlier() {
    // Two visits, one technician-day that fits only one of them early: which one goes first
    // follows the weights.
    let mut p = small_problem_json();
    p["horizon"]["days"] = json!(2);
    p["technicians"] = json!([{"id": "T1", "name": "Anna", "start_site": "S-W", "skills": [{"skill": "hvac", "level": 1}],
        "regions": ["west"], "shifts": {"mon": {"start": "08:00", "end": "12:00"}, "tue": {"start": "08:00", "end": "12:00"}},
        "max_visits_per_day": 1, "capacity": 100}]);
    p["providers"] = json!([]);
    p["certifications"] = json!([]);
    p["visits"] = json!([
        {"id": "VIP", "customer": "c", "location": {"lat": 50.01, "lon": 10.01}, "skill": "hvac", "min_level": 1, "duration_min": 60,
         "priority": "vip", "segment": "new", "created_at": "2026-12-06T08:00", "sla": {"on_site_by": "2026-12-07T09:00"}},
        {"id": "STD", "customer": "c", "location": {"lat": 50.02, "lon": 10.02}, "skill": "hvac", "min_level": 1, "duration_min": 60,
         "priority": "standard", "segment": "churn-risk", "created_at": "2026-12-05T08:00", "sla": {"on_site_by": "2026-12-07T09:00"}}
    ]);
    let day_of = |policy: Value| {
        let mut p = p.clone();
        p["policy"] = policy;
        let (problem, inst, travel) = compile(&p);
        let reference = ProblemRef { name: problem.name.clone(), fingerprint: problem_fingerprint(&problem) };
        let opts =
            SolveOptions { seed: 1, time_limit: Duration::from_secs(10), max_iterations: 20, author: "test".into() };
        let (plan, _) = solve_with_assignment(&inst, &travel, reference, &opts, &mut |_| {}, &AtomicBool::new(false));
        assert!(check_plan(&inst, &travel, &plan).is_feasible());
        plan.routes.iter().find(|r| r.stops.iter().any(|s| s.visit == "VIP")).map(|r| r.day.to_string()).unwrap()
    };
    // Cheap VIP lateness: the churn-risk standard visit (factor 2) wins Monday.
    let cheap = json!({"sla_late_per_minute": {"emergency": 20.0, "vip": 0.1, "standard": 1.0}});
    assert_eq!(day_of(cheap), "2026-12-08");
    // Steep VIP lateness: the VIP visit moves to Monday.
    let steep = json!({"sla_late_per_minute": {"emergency": 20.0, "vip": 10.0, "standard": 1.0}});
    assert_eq!(day_of(steep), "2026-12-07");
}

#[test]
fn one_more_hour_of_a_skill_in_a_region_on_a_day_is_worth_its_shadow_price() {
    // Every visit at the same address: each costs and takes the same, so the LP is linear in
    // the shift's length until the day holds them all.
    let same_place = |end: &str| {
        let mut p = overloaded(end);
        for v in p["visits"].as_array_mut().unwrap() {
            v["location"] = json!({"lat": 50.01, "lon": 10.01});
        }
        p
    };
    let (_, inst, travel) = compile(&same_place("16:00"));
    let planner = Planner::new(&inst, &travel);
    let model = AssignModel::new(&planner, &travel, 40, 0.9);
    let prices = model.shadow_prices().unwrap();
    let by_srd = model.skill_region_day_prices(&prices);
    assert_eq!(by_srd.len(), 1, "one skill, one region, one day: {by_srd:?}");
    let p = &by_srd[0];
    assert_eq!((inst.skills[p.skill].as_str(), inst.regions[p.region].id.as_str(), p.day), ("hvac", "west", 0));
    assert_eq!(inst.technicians[p.tech].id, "T1");
    // The dual says one more hour of shift on T1 on Monday is worth X: add it and re-solve.
    let (_, inst2, travel2) = compile(&same_place("17:00"));
    let planner2 = Planner::new(&inst2, &travel2);
    let after = AssignModel::new(&planner2, &travel2, 40, 0.9).lp_objective(None).unwrap();
    let moved = prices.lp_objective - after;
    assert!(p.hour_value > 100.0, "an hour of an overloaded day saves most of an unassigned penalty: {}", p.hour_value);
    assert!((moved - p.hour_value).abs() <= 0.02 * p.hour_value, "dual says {}, LP moved by {moved}", p.hour_value);
}

#[test]
fn every_rule_costs_what_dropping_it_saves() {
    let (_, inst, travel) = compile(&small_problem_json());
    let planner = Planner::new(&inst, &travel);
    let model = AssignModel::new(&planner, &travel, 40, 0.9);
    let (full, costs) = model.rule_costs().unwrap();
    assert_eq!(costs.len(), Rule::ALL.len());
    for c in &costs {
        assert!(c.cost >= -1e-6, "{:?} lowers the optimum when dropped? {}", c.rule, c.cost);
        let without = model.lp_objective(Some(c.rule)).unwrap();
        assert!((full - without - c.cost).abs() < 1e-6);
    }
    let cost = |name: &str| costs.iter().find(|c| c.rule.name() == name).unwrap().cost;
    // V3 (electrical 2) and V5 (pinned) can only go to T2, a provider technician rated 0.8.
    assert!(cost("provider_rating") >= 2.0 * 0.2 * inst.policy.provider_rating - 1e-6, "{}", cost("provider_rating"));
    // Nothing is preferred in this problem, and nothing is planned yet.
    assert!(cost("preferred_technician").abs() < 1e-9 && cost("disruption").abs() < 1e-9);
}

/// A night with nothing to plan (every visit cancelled, or no technician at all) is a normal
/// night: the pipeline gives an empty plan without asking HiGHS to solve a model without
/// columns (which failed with "HiGHS error" and took the process down).
#[test]
fn an_empty_night_gives_an_empty_plan_without_calling_the_solver() {
    let cancelled = {
        let mut p = small_problem_json();
        for v in p["visits"].as_array_mut().unwrap() {
            v["status"] = json!("cancelled");
        }
        p
    };
    let no_technicians = {
        let mut p = small_problem_json();
        p["technicians"] = json!([]);
        for v in p["visits"].as_array_mut().unwrap() {
            let v = v.as_object_mut().unwrap();
            for key in ["certifications", "preferred_technician", "excluded_technicians", "pin", "current"] {
                v.remove(key);
            }
            v.insert("status".into(), json!("open"));
        }
        p
    };
    let no_visits = {
        let mut p = small_problem_json();
        p["visits"] = json!([]);
        p
    };
    for (name, value) in [("cancelled", cancelled), ("no technicians", no_technicians), ("no visits", no_visits)] {
        let (problem, inst, travel) = compile(&value);
        let reference = ProblemRef { name: problem.name.clone(), fingerprint: problem_fingerprint(&problem) };
        let opts =
            SolveOptions { seed: 1, time_limit: Duration::from_secs(2), max_iterations: 50, author: "test".into() };
        let (plan, report) =
            solve_with_assignment(&inst, &travel, reference, &opts, &mut |_| {}, &AtomicBool::new(false));
        assert!(report.fallback.is_none(), "{name}: {:?}", report.fallback);
        assert_eq!(plan.kpis.assigned, 0, "{name}");
        assert!(plan.routes.iter().all(|r| r.stops.is_empty()), "{name}");
        assert!(plan.objective.total.is_finite(), "{name}");
        assert!(check_plan(&inst, &travel, &plan).is_feasible(), "{name}");
        let planner = Planner::new_for_explain(&inst, &travel);
        let model = AssignModel::new(&planner, &travel, 40, 0.9);
        assert!(model.has_nothing_to_assign(), "{name}");
        assert_eq!(model.shadow_prices().unwrap().lp_objective, 0.0, "{name}");
        assert!(model.rule_costs().unwrap().1.iter().all(|r| r.cost == 0.0), "{name}");
    }
}

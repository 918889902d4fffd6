use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::format::{ProblemRef, problem_fingerprint};
use crate::planner::SolveOptions;
use crate::testkit::small_problem_json;
use crate::travel::HaversineTravel;
use crate::validate::load_problem;

fn compile(p: &Value) -> (Instance, HaversineTravel) {
    let (_, inst) = load_problem(&p.to_string()).expect("valid problem");
    let travel = HaversineTravel::new(inst.locations.clone(), 1.3, 40.0);
    (inst, travel)
}

fn solve(p: &Value) -> Plan {
    let (problem, inst) = load_problem(&p.to_string()).unwrap();
    let travel = HaversineTravel::new(inst.locations.clone(), 1.3, 40.0);
    let reference = ProblemRef { name: problem.name.clone(), fingerprint: problem_fingerprint(&problem) };
    let opts = SolveOptions { seed: 1, time_limit: Duration::from_secs(5), max_iterations: 50, author: "test".into() };
    crate::planner::solve(&inst, &travel, reference, &opts, &mut |_| {}, &AtomicBool::new(false))
}

/// Routes of a plan as `(technician, date) → visit ids`.
fn routes_of(plan: &Plan) -> BTreeMap<(String, NaiveDate), Vec<String>> {
    plan.routes
        .iter()
        .map(|r| ((r.technician.clone(), r.day), r.stops.iter().map(|s| s.visit.clone()).collect()))
        .collect()
}

/// The objective of a set of routes, from the planner's term functions alone (independent of
/// the explainer's incremental bookkeeping).
fn objective_of(inst: &Instance, travel: &dyn TravelModel, routes: &BTreeMap<(String, NaiveDate), Vec<String>>) -> f64 {
    let planner = Planner::new_for_explain(inst, travel);
    let tech = |id: &str| inst.technicians.iter().position(|t| t.id == id).unwrap();
    let visit = |id: &str| inst.visits.iter().position(|v| v.id == id).unwrap();
    let day = |d: NaiveDate| (0..inst.days).find(|&x| inst.date(x) == d).unwrap();
    let mut total = 0.0;
    let mut placed = vec![false; inst.visits.len()];
    let mut load = vec![0u32; inst.providers.len() * inst.regions.len()];
    for ((t, d), ids) in routes {
        if ids.is_empty() {
            continue;
        }
        let (t, d) = (tech(t), day(*d));
        let seq: Vec<VisitIdx> = ids.iter().map(|id| visit(id)).collect();
        let s = schedule::schedule(inst, travel, t, d, &seq).expect("a feasible route");
        total += planner.route_terms(t, &seq, &s).total();
        for &v in &seq {
            placed[v] = true;
            total += planner.assignment_terms(v, t, d).total();
            if let Some(p) = inst.technicians[t].provider {
                load[p * inst.regions.len() + inst.visits[v].region] += 1;
            }
        }
    }
    for (v, visit) in inst.visits.iter().enumerate() {
        if visit.needs_plan() && !placed[v] {
            total += planner.unassigned_terms(v).total();
        }
    }
    total + planner.provider_share_terms(&load).total()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn why_this_technician_gives_the_exact_cost_of_every_move() {
    let p = small_problem_json();
    let (inst, travel) = compile(&p);
    let plan = solve(&p);
    let base = routes_of(&plan);
    assert!(close(objective_of(&inst, &travel, &base), plan.objective.total), "the reference objective is the plan's");
    let mut checked = 0;
    for v in ["V1", "V2", "V3", "V4"] {
        let e = explain_visit(&inst, &travel, &plan, v).unwrap();
        let here = e.assigned.as_ref().expect("assigned");
        // Leaving it out changes the objective by penalty − cost.
        let mut without = base.clone();
        without.get_mut(&(here.technician.clone(), here.day)).unwrap().retain(|x| x != v);
        let out = objective_of(&inst, &travel, &without) - plan.objective.total;
        assert!(
            close(out, e.unassigned_cost.total() - here.total),
            "{v}: {out} vs {}",
            e.unassigned_cost.total() - here.total
        );
        for alt in &e.alternatives {
            let Some(stop) = alt.stop else {
                assert!(alt.blocked.is_some() && alt.difference.is_none());
                continue;
            };
            let mut moved = without.clone();
            moved.entry((alt.technician.clone(), alt.day)).or_default().insert(stop - 1, v.to_string());
            let actual = objective_of(&inst, &travel, &moved) - plan.objective.total;
            let said = alt.difference_total.unwrap();
            assert!(
                close(actual, said),
                "{v} → {} {}: moving changes the objective by {actual}, explained {said}",
                alt.technician,
                alt.day
            );
            assert!(close(alt.difference.unwrap().total(), said));
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} alternatives were priced");
}

#[test]
fn the_terms_name_what_differs() {
    // V4 (electrical 1, East) can go to T2 (primary East, provider rated 0.8) or to T1 (East is
    // secondary for T1): moving it to T1 adds the secondary-region penalty and removes the
    // provider-rating term.
    let p = small_problem_json();
    let (inst, travel) = compile(&p);
    let plan = solve(&p);
    let e = explain_visit(&inst, &travel, &plan, "V4").unwrap();
    let here = e.assigned.unwrap();
    assert_eq!(here.technician, "T2");
    assert!(close(here.cost.provider_rating, (1.0 - 0.8) * inst.policy.provider_rating));
    let to_t1 =
        e.alternatives.iter().find(|a| a.technician == "T1" && a.difference.is_some()).expect("T1 is an option");
    let d = to_t1.difference.unwrap();
    assert!(close(d.secondary_region, inst.policy.secondary_region), "{d:?}");
    assert!(close(d.provider_rating, -(1.0 - 0.8) * inst.policy.provider_rating), "{d:?}");
    assert!(to_t1.difference_total.unwrap() > 0.0, "the plan's choice is the cheaper one");
    // T2 is not excluded; nobody else exists.
    assert!(e.excluded.is_empty(), "{:?}", e.excluded);
}

#[test]
fn excluded_technicians_carry_the_rule_that_removed_them() {
    let p = small_problem_json();
    let (inst, travel) = compile(&p);
    let plan = solve(&p);
    // V1 needs hvac 2: T2 has no hvac.
    let e = explain_visit(&inst, &travel, &plan, "V1").unwrap();
    assert_eq!(e.excluded.len(), 1);
    assert_eq!((e.excluded[0].technician.as_str(), e.excluded[0].rule), ("T2", ReasonCode::NoSkilledTechnician));
    assert_eq!(e.excluded[0].detail, "hvac level 0 < 2");
}

#[test]
fn an_excluded_visit_says_drop_the_exclusion_at_an_exact_price() {
    let mut p = small_problem_json();
    p["visits"][0]["excluded_technicians"] = json!(["T1"]);
    let (inst, travel) = compile(&p);
    let plan = solve(&p);
    let e = explain_visit(&inst, &travel, &plan, "V1").unwrap();
    assert!(e.assigned.is_none());
    assert_eq!(e.reasons[0].code, ReasonCode::ExcludedTechnicians);
    let r = e.remedies.iter().find(|r| r.kind == "drop_exclusion").expect("drop the exclusion");
    assert_eq!(r.technician.as_deref(), Some("T1"));
    let change = r.objective_change.expect("priced");
    // Check the price: the same problem without the exclusion, V1 inserted where explained.
    let mut q = p.clone();
    q["visits"][0]["excluded_technicians"] = json!([]);
    let (inst2, travel2) = compile(&q);
    let mut routes = routes_of(&plan);
    let key = ("T1".to_string(), r.day.unwrap());
    let best = (0..=routes.get(&key).map_or(0, Vec::len))
        .filter_map(|pos| {
            let mut with = routes.clone();
            with.entry(key.clone()).or_default().insert(pos, "V1".into());
            let seq: Vec<VisitIdx> =
                with[&key].iter().map(|id| inst2.visits.iter().position(|v| &v.id == id).unwrap()).collect();
            schedule::schedule(&inst2, &travel2, 0, (0..2).find(|&d| inst2.date(d) == key.1).unwrap(), &seq)
                .map(|_| objective_of(&inst2, &travel2, &with))
        })
        .fold(f64::INFINITY, f64::min);
    routes.entry(key.clone()).or_default();
    let before = objective_of(&inst2, &travel2, &routes);
    assert!(close(best - before, change), "explained {change}, actual {}", best - before);
    assert!(change < 0.0, "doing a visit beats its unassigned penalty");
}

#[test]
fn a_full_route_says_one_more_visit_or_which_visit_to_drop() {
    let mut p = small_problem_json();
    p["technicians"][0]["max_visits_per_day"] = json!(1);
    let mut extra = p["visits"][0].clone();
    extra["id"] = json!("V6");
    p["visits"].as_array_mut().unwrap().push(extra);
    let (inst, travel) = compile(&p);
    let plan = solve(&p);
    let left = plan.unassigned.iter().find(|u| u.visit == "V1" || u.visit == "V6").unwrap().visit.clone();
    let e = explain_visit(&inst, &travel, &plan, &left).unwrap();
    assert_eq!(e.reasons[0].code, ReasonCode::NoCapacity);
    let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let more =
        e.remedies.iter().find(|r| r.kind == "raise_max_visits" && r.day == Some(monday)).expect("one more visit");
    assert!(more.action.contains("1 → 2"), "{}", more.action);
    assert!(more.objective_change.unwrap() < 0.0);
    // Monday's only slot holds the VIP V2 (its lateness on Tuesday costs more than a standard
    // visit left out): swapping it for this one costs about the difference of the penalties.
    let drop = e.remedies.iter().find(|r| r.kind == "drop_visit" && r.day == Some(monday)).expect("drop another visit");
    let monday_visit = &plan.routes.iter().find(|r| r.day == monday).unwrap().stops[0].visit;
    assert!(drop.action.contains(&format!("leave {monday_visit} ")), "{drop:?}");
    let penalties = inst.policy.unassigned.vip - inst.policy.unassigned.standard;
    let expected = if monday_visit == "V2" { penalties } else { 0.0 };
    assert!((drop.objective_change.unwrap() - expected).abs() < 1000.0, "{drop:?}");
    let blocked = e.alternatives.iter().find(|a| a.day == monday).unwrap();
    assert_eq!(blocked.blocked, Some(Block::MaxVisitsPerDay));
}

#[test]
fn an_overfull_day_says_how_much_longer_the_shift_must_be() {
    let mut p = small_problem_json();
    p["horizon"]["days"] = json!(1);
    p["technicians"][0]["shifts"] = json!({"mon": {"start": "08:00", "end": "12:00"}});
    // Three hours of hvac work plus this one: the fourth does not fit a four-hour shift.
    p["visits"] = json!((0..4).map(|i| json!({"id": format!("H{i}"), "customer": "c", "location": {"lat": 50.01 + 0.002 * f64::from(i), "lon": 10.01},
        "skill": "hvac", "min_level": 1, "duration_min": 70, "priority": "standard", "segment": "new", "created_at": "2026-12-01T08:00"})).collect::<Vec<_>>());
    let (inst, travel) = compile(&p);
    let plan = solve(&p);
    assert_eq!(plan.unassigned.len(), 1, "{:?}", plan.unassigned);
    let left = plan.unassigned[0].visit.clone();
    let e = explain_visit(&inst, &travel, &plan, &left).unwrap();
    let r = e.remedies.iter().find(|r| r.kind == "extend_shift").expect("a longer shift");
    assert_eq!(r.technician.as_deref(), Some("T1"));
    // The extension named is the smallest of the steps tried that works.
    let minutes: Vec<i64> = [15, 30, 45, 60, 90].into();
    let works = |m: i64| {
        let mut q = p.clone();
        let end = format!("{:02}:{:02}", 12 + m / 60, m % 60);
        q["technicians"][0]["shifts"] = json!({"mon": {"start": "08:00", "end": end}});
        let (inst2, travel2) = compile(&q);
        let v = inst2.visits.iter().position(|x| x.id == left).unwrap();
        let route = &plan.routes[0];
        let seq: Vec<VisitIdx> =
            route.stops.iter().map(|s| inst2.visits.iter().position(|x| x.id == s.visit).unwrap()).collect();
        (0..=seq.len()).any(|pos| {
            let mut s = seq.clone();
            s.insert(pos, v);
            schedule::schedule(&inst2, &travel2, 0, 0, &s).is_some()
        })
    };
    let first = minutes.iter().copied().find(|&m| works(m)).expect("some extension works");
    let until = format!("until {:02}:{:02}", 12 + first / 60, first % 60);
    assert!(r.action.contains(&until), "{} (expected {until})", r.action);
}

#[test]
fn nobody_skilled_asks_for_a_technician_and_names_the_nearest() {
    let mut p = small_problem_json();
    p["technicians"][0]["skills"][0]["level"] = json!(1);
    let (inst, travel) = compile(&p);
    let plan = solve(&p);
    let e = explain_visit(&inst, &travel, &plan, "V1").unwrap();
    assert!(
        e.remedies.iter().any(|r| r.kind == "new_technician" && r.action.contains("hvac level 2+")),
        "{:?}",
        e.remedies
    );
    let raise = e.remedies.iter().find(|r| r.kind == "raise_skill").expect("raise T1's level");
    assert!(raise.action.contains("T1 with hvac level 2 (has 1)"), "{}", raise.action);
}

#[test]
fn unknown_or_finished_visits_are_errors() {
    let p = small_problem_json();
    let (inst, travel) = compile(&p);
    let plan = solve(&p);
    assert!(matches!(explain_visit(&inst, &travel, &plan, "NOPE"), Err(ExplainError::UnknownVisit(_))));
    let mut bad = plan.clone();
    bad.routes[0].technician = "T9".into();
    assert!(matches!(explain_visit(&inst, &travel, &bad, "V1"), Err(ExplainError::PlanMismatch(_))));
}

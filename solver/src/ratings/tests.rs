use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::allocation::*;
use super::*;
use crate::assign::solve_with_assignment;
use crate::check::check_plan;
use crate::format::{Plan, Problem, ProblemRef, problem_fingerprint};
use crate::planner::SolveOptions;
use crate::travel::HaversineTravel;
use crate::validate::load_problem;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn rec(provider: &str, on_time: bool, ftf: bool, score: u8, completed: &str) -> PerformanceRecord {
    PerformanceRecord {
        provider: provider.into(),
        technician: format!("{provider}-t"),
        region: "east".into(),
        skill: "hvac".into(),
        on_time,
        first_time_fix: ftf,
        score,
        completed: day(completed),
    }
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// Network: on-time 0.8, first-time fix 0.7, score 4.0 (variance 1); prior strength 20.
const PRIOR: NetworkPrior = NetworkPrior { on_time: 0.8, first_time_fix: 0.7, score_mean: 4.0, score_variance: 1.0 };

#[test]
fn a_new_provider_with_three_perfect_visits_is_pulled_toward_the_network_mean() {
    let records: Vec<_> = (0..3).map(|_| rec("new", true, true, 5, "2026-11-30")).collect();
    let r = rate(&records, &PRIOR, day("2026-11-30"), &RatingParams::default());
    // By hand: on-time (16 + 3) / 23, fix (14 + 3) / 23, score (20·4 + 3·5) / 23.
    assert!(close(r.on_time.mean, 19.0 / 23.0, 1e-12), "{r:?}");
    assert!(close(r.first_time_fix.mean, 17.0 / 23.0, 1e-12));
    assert!(close(r.score.mean, 95.0 / 23.0, 1e-12));
    assert_eq!(r.on_time.observed, Some(1.0));
    // 0.4·0.826087 + 0.3·0.739130 + 0.3·(4.130435 − 1)/4 = 0.786957, against 0.755 for the
    // network mean and 1.0 for its raw record.
    assert!(close(r.rating, 0.786957, 1e-6), "{}", r.rating);
    assert!(r.rating - 0.755 < 0.05, "pulled toward the mean");
    assert!(r.high - r.low > 0.1, "a wide interval: {} – {}", r.low, r.high);
}

#[test]
fn a_provider_with_three_thousand_perfect_visits_keeps_its_record() {
    let records: Vec<_> = (0..3000).map(|_| rec("big", true, true, 5, "2026-11-30")).collect();
    let r = rate(&records, &PRIOR, day("2026-11-30"), &RatingParams::default());
    // (16 + 3000) / 3020, (14 + 3000) / 3020, (80 + 15000) / 3020.
    assert!(close(r.on_time.mean, 3016.0 / 3020.0, 1e-12));
    assert!(close(r.first_time_fix.mean, 3014.0 / 3020.0, 1e-12));
    assert!(close(r.score.mean, 15080.0 / 3020.0, 1e-12));
    assert!(close(r.rating, 0.998377, 1e-6), "{}", r.rating);
    assert!(r.high - r.low < 0.01, "a narrow interval: {} – {}", r.low, r.high);
    assert_eq!(r.visits, 3000);
}

#[test]
fn a_provider_without_records_gets_the_network_mean() {
    let r = rate(std::iter::empty(), &PRIOR, day("2026-11-30"), &RatingParams::default());
    assert!(close(r.rating, 0.4 * 0.8 + 0.3 * 0.7 + 0.3 * 0.75, 1e-12));
    assert_eq!(r.on_time.observed, None);
    // Beta(16, 4): sd = sqrt(16·4 / (20²·21)).
    assert!(close(r.on_time.sd, (64.0_f64 / 8400.0).sqrt(), 1e-12));
}

#[test]
fn recent_months_weigh_more() {
    let p = RatingParams::default();
    assert!(close(recency_weight(0, &p), 1.0, 1e-12));
    // 365 days = 11.99 months = 1.9986 half-lives.
    assert!(close(recency_weight(365, &p), 0.5_f64.powf(365.0 / 30.4375 / 6.0), 1e-12));
    assert!(close(recency_weight(365, &p), 0.250238, 1e-6));
    // A late visit a year ago and an on-time one today: the posterior leans to today.
    let records = vec![rec("x", false, true, 3, "2025-11-30"), rec("x", true, true, 3, "2026-11-30")];
    let r = rate(&records, &PRIOR, day("2026-11-30"), &p);
    let w = recency_weight(365, &p);
    assert!(close(r.effective_visits, 1.0 + w, 1e-12));
    assert!(close(r.on_time.mean, (16.0 + 1.0) / (20.0 + 1.0 + w), 1e-12));
    assert!(close(r.on_time.observed.unwrap(), 1.0 / (1.0 + w), 1e-12));
    // Visits after the as-of date are not known yet.
    let r = rate(&records, &PRIOR, day("2026-06-01"), &p);
    assert_eq!(r.visits, 1);
}

#[test]
fn the_network_prior_is_the_weighted_mean_of_all_records() {
    let records = vec![
        rec("a", true, true, 5, "2026-11-30"),
        rec("a", true, false, 3, "2026-11-30"),
        rec("b", false, false, 1, "2026-11-30"),
        rec("b", true, true, 1, "2026-11-30"),
    ];
    let prior = network_prior(&records, day("2026-11-30"), &RatingParams::default());
    assert!(close(prior.on_time, 0.75, 1e-12));
    assert!(close(prior.first_time_fix, 0.5, 1e-12));
    assert!(close(prior.score_mean, 2.5, 1e-12));
    // Within-provider variance: a's scores 5, 3 around 4 → 1 each; b's 1, 1 → 0; mean 0.5.
    assert!(close(prior.score_variance, 0.5, 1e-12));
    assert_eq!(network_prior(&[], day("2026-11-30"), &RatingParams::default()), NetworkPrior::NEUTRAL);
    let by = rate_providers(&records, day("2026-11-30"), &RatingParams::default());
    assert_eq!(by.keys().cloned().collect::<Vec<_>>(), vec!["a", "b"]);
    assert!(by["a"].rating > by["b"].rating);
}

#[test]
fn region_skill_ratings_need_enough_visits() {
    let mut records: Vec<_> = (0..40).map(|i| rec("a", i % 2 == 0, true, 4, "2026-11-01")).collect();
    records.extend((0..5).map(|_| {
        let mut r = rec("a", true, true, 5, "2026-11-01");
        r.region = "west".into();
        r
    }));
    let cells = rate_by_region_skill(&records, day("2026-11-30"), &RatingParams::default(), 30);
    assert_eq!(cells.len(), 1);
    assert!(cells.contains_key(&("a".to_string(), "east".to_string(), "hvac".to_string())));
}

#[test]
fn the_trend_compares_with_three_months_ago() {
    let mut records: Vec<_> = (0..50).map(|_| rec("a", false, false, 2, "2026-06-01")).collect();
    records.extend((0..50).map(|_| rec("b", true, true, 4, "2026-06-01")));
    // a improves a lot in the last three months.
    records.extend((0..50).map(|_| rec("a", true, true, 5, "2026-11-15")));
    let p = RatingParams::default();
    let t = trend(&records, "a", day("2026-11-30"), 91, &p).unwrap();
    assert!(t > 0.1, "{t}");
    assert_eq!(trend(&records, "nobody", day("2026-11-30"), 91, &p), None);
}

#[test]
fn the_weight_subtracts_half_the_uncertainty() {
    let pol = AllocationPolicy::default();
    assert!(close(solver_weight(ProviderScore { rating: 0.8, low: 0.6 }, &pol), 0.7, 1e-12));
    assert!(close(solver_weight(ProviderScore { rating: 0.8, low: 0.8 }, &pol), 0.8, 1e-12));
    assert!(close(solver_weight(ProviderScore { rating: 0.1, low: 0.0 }, &pol), 0.05, 1e-12));
}

// ----- competitive allocation, measured on plans -----

/// One region (East), three providers with two identical technicians each (3 visits a day
/// each, same depot), and `n` short visits next to the depot on one day.
fn market(n: usize, ratings: [f64; 3], max_pct: [f64; 3]) -> Value {
    let shift = json!({"start": "08:00", "end": "16:00"});
    let ids = ["A", "B", "C"];
    let providers: Vec<Value> = (0..3)
        .map(|i| {
            json!({"id": ids[i], "name": format!("Provider {}", ids[i]), "certification_level": 2, "certified_until": "2027-06-30",
                   "regions": ["east"], "share": {"min_pct": 0, "max_pct": max_pct[i]}, "rating": ratings[i]})
        })
        .collect();
    let technicians: Vec<Value> = (0..6)
        .map(|t| {
            json!({"id": format!("{}{}", ids[t / 2], t % 2), "name": "t", "provider": ids[t / 2], "start_site": "S-E",
                   "skills": [{"skill": "hvac", "level": 2}], "regions": ["east"], "shifts": {"mon": shift},
                   "max_visits_per_day": 3, "capacity": 50})
        })
        .collect();
    let visits: Vec<Value> = (0..n)
        .map(|i| {
            json!({"id": format!("V{i:02}"), "customer": "c", "location": {"lat": 50.02 + 0.001 * (i % 5) as f64, "lon": 10.08 + 0.001 * (i / 5) as f64},
                   "skill": "hvac", "min_level": 1, "duration_min": 30, "priority": "standard", "segment": "new",
                   "created_at": "2026-12-01T08:00"})
        })
        .collect();
    let mut p = crate::testkit::small_problem_json();
    p["horizon"]["days"] = json!(1);
    p["providers"] = Value::Array(providers);
    p["technicians"] = Value::Array(technicians);
    p["visits"] = Value::Array(visits);
    p["certifications"] = json!([]);
    p
}

/// Solves `problem` with the default pipeline and checks the plan against the same problem.
fn plan(problem: &Problem) -> Plan {
    let (_, inst) = load_problem(&serde_json::to_string(problem).unwrap()).expect("valid problem");
    let travel = HaversineTravel::new(inst.locations.clone(), 1.3, 40.0);
    let reference = ProblemRef { name: problem.name.clone(), fingerprint: problem_fingerprint(problem) };
    let opts = SolveOptions { seed: 7, time_limit: Duration::from_secs(10), max_iterations: 30, author: "test".into() };
    let (plan, _) = solve_with_assignment(&inst, &travel, reference, &opts, &mut |_| {}, &AtomicBool::new(false));
    let checked = check_plan(&inst, &travel, &plan);
    assert!(checked.is_feasible(), "{checked}");
    for s in &plan.kpis.provider_shares {
        let p = &inst.providers.iter().find(|p| p.id == s.provider).unwrap();
        let r = inst.regions.iter().find(|r| r.id == s.region).unwrap();
        assert!(s.visits <= p.max_visits_in(r), "{s:?} over the cap");
    }
    plan
}

fn visits_of(plan: &Plan, provider: &str) -> u32 {
    plan.kpis.provider_shares.iter().filter(|s| s.provider == provider).map(|s| s.visits).sum()
}

fn problem_of(v: Value) -> Problem {
    serde_json::from_value(v).unwrap()
}

#[test]
fn a_higher_rating_moves_work_toward_a_provider_and_a_lower_one_away() {
    // 9 visits, 18 places: the rating decides who gets them.
    let base = plan(&problem_of(market(9, [0.6, 0.6, 0.6], [100.0; 3])));
    let raised = plan(&problem_of(market(9, [0.9, 0.6, 0.6], [100.0; 3])));
    let lowered = plan(&problem_of(market(9, [0.3, 0.6, 0.6], [100.0; 3])));
    assert_eq!(base.kpis.assigned, 9);
    assert_eq!(visits_of(&raised, "A"), 6, "A's two technicians full");
    assert!(visits_of(&raised, "A") > visits_of(&base, "A"));
    assert_eq!(visits_of(&lowered, "A"), 0, "B and C have room for all nine");
}

#[test]
fn the_top_provider_gets_the_share_bonus_and_the_explanation_says_so() {
    // A is best but capped at 30 % of 15 visits = 4; the bonus (+10 points) lets it take 6.
    let problem = problem_of(market(15, [0.9, 0.7, 0.6], [30.0, 100.0, 100.0]));
    let before = plan(&problem);
    assert_eq!(visits_of(&before, "A"), 4);
    let alloc = allocate(&problem, &BTreeMap::new(), &AllocationPolicy::default());
    let a = alloc.decisions.iter().find(|d| d.provider == "A").unwrap();
    assert_eq!(a.standing, Standing::Top);
    assert_eq!(a.after, (10.0, 40.0));
    assert!(alloc.decisions.iter().filter(|d| d.provider != "A").all(|d| d.standing == Standing::Standard));
    let mut adjusted = problem.clone();
    apply(&mut adjusted, &alloc);
    let after = plan(&adjusted);
    assert_eq!(visits_of(&after, "A"), 6);
    let lines = explain(&alloc, &before, &after);
    assert!(lines.iter().any(|l| l.starts_with("provider A: +2 visits in east (4 → 6), top-20 % bonus")), "{lines:#?}");
}

#[test]
fn a_provider_below_the_floor_gets_no_new_work() {
    // 15 visits: A and B take 12, C (0.45) the other 3; scored below the floor, C gets none.
    let problem = problem_of(market(15, [0.9, 0.8, 0.45], [100.0; 3]));
    let before = plan(&problem);
    assert_eq!(visits_of(&before, "C"), 3);
    let scores = BTreeMap::from([("C".to_string(), ProviderScore { rating: 0.38, low: 0.30 })]);
    let alloc = allocate(&problem, &scores, &AllocationPolicy::default());
    let c = alloc.decisions.iter().find(|d| d.provider == "C").unwrap();
    assert_eq!(c.standing, Standing::BelowFloor);
    assert!(close(c.weight, 0.34, 1e-12));
    let mut adjusted = problem.clone();
    apply(&mut adjusted, &alloc);
    assert_eq!(adjusted.providers[2].rating, Some(0.34));
    let after = plan(&adjusted);
    assert_eq!(visits_of(&after, "C"), 0);
    assert_eq!(after.unassigned.len(), 3);
    let lines = explain(&alloc, &before, &after);
    assert!(
        lines.iter().any(|l| l.starts_with("provider C: −3 visits in east (3 → 0), below the rating floor")),
        "{lines:#?}"
    );
}

#[test]
fn region_shares_in_the_policy_are_validated() {
    let mut p = market(3, [0.5; 3], [100.0; 3]);
    p["policy"] = json!({"provider_region_shares": [
        {"provider": "A", "region": "west", "min_pct": 0, "max_pct": 10},
        {"provider": "Z", "region": "east", "min_pct": 0, "max_pct": 10},
        {"provider": "B", "region": "east", "min_pct": 50, "max_pct": 10}
    ]});
    let err = load_problem(&p.to_string()).unwrap_err().to_string();
    assert!(err.contains("not among provider \"A\"'s regions"), "{err}");
    assert!(err.contains("unknown provider \"Z\""), "{err}");
    assert!(err.contains("provider_region_shares[2]"), "{err}");
}

#[test]
fn a_provider_whose_certification_lapses_mid_horizon_works_only_up_to_that_day() {
    let two_days = |certified_until: &str| {
        let mut p = market(9, [0.9, 0.5, 0.5], [100.0; 3]);
        p["horizon"]["days"] = json!(2);
        for t in p["technicians"].as_array_mut().unwrap() {
            t["shifts"]["tue"] = t["shifts"]["mon"].clone();
        }
        p["providers"][0]["certified_until"] = json!(certified_until);
        problem_of(p)
    };
    let days_of_a = |plan: &Plan| -> Vec<String> {
        let mut d: Vec<String> = plan
            .routes
            .iter()
            .filter(|r| r.technician.starts_with('A') && !r.stops.is_empty())
            .map(|r| r.day.to_string())
            .collect();
        d.dedup();
        d
    };
    // Certified through Monday: A (the best) works Monday only.
    let monday = plan(&two_days("2026-12-07"));
    assert_eq!(days_of_a(&monday), vec!["2026-12-07"]);
    assert_eq!(visits_of(&monday, "A"), 6);
    // Certified through Tuesday: both days are open to it.
    let both = plan(&two_days("2026-12-08"));
    assert_eq!(visits_of(&both, "A"), 9);
    // Lapsed before the horizon: no work at all.
    let lapsed = plan(&two_days("2026-12-06"));
    assert_eq!(visits_of(&lapsed, "A"), 0);
    assert_eq!(lapsed.kpis.assigned, 9);
}

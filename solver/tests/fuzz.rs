//! Fuzzing the problem reader end to end (`docs/hardening.md`): mutated problem files are parsed
//! and validated; a valid one is solved with a tiny limit by the default pipeline and checked by
//! the independent checker. None may panic.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use rota_solver::assign::solve_with_assignment;
use rota_solver::check::check_plan;
use rota_solver::format::{ProblemRef, TravelSpec, problem_fingerprint};
use rota_solver::fuzz;
use rota_solver::planner::SolveOptions;
use rota_solver::travel::HaversineTravel;
use rota_solver::validate;

fn corpus(dir: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fuzz-corpus").join(dir);
    fuzz::seed_files(&root).into_iter().map(|(_, bytes)| bytes).collect()
}

#[test]
fn fuzzed_problem_files_never_panic_from_parsing_to_a_checked_plan() {
    let seeds = corpus("problem");
    let (mut valid, mut solved) = (0usize, 0usize);
    let n = fuzz::run("problem", &seeds, fuzz::cases(fuzz::DEFAULT_CASES), |bytes| {
        let Ok(text) = std::str::from_utf8(bytes) else { return };
        let Ok((problem, inst)) = validate::load_problem(text) else { return };
        valid += 1;
        // Every valid problem is solved: a few of them, the suite's budget allows.
        if solved >= 60 {
            return;
        }
        solved += 1;
        let (detour, speed) = match problem.travel {
            TravelSpec::Haversine { detour_factor, speed_kmh } => (detour_factor, speed_kmh),
            _ => (1.3, 40.0),
        };
        let travel = HaversineTravel::new(inst.locations.clone(), detour, speed);
        let opts =
            SolveOptions { seed: 1, time_limit: Duration::from_millis(100), max_iterations: 20, author: "fuzz".into() };
        let reference = ProblemRef { name: problem.name.clone(), fingerprint: problem_fingerprint(&problem) };
        let (plan, _) = solve_with_assignment(&inst, &travel, reference, &opts, &mut |_| {}, &AtomicBool::new(false));
        assert!(plan.objective.total.is_finite(), "objective {}", plan.objective.total);
        let report = check_plan(&inst, &travel, &plan);
        assert!(report.is_feasible(), "the plan of a valid problem breaks a hard rule: {report}");
    });
    eprintln!("fuzz problem: {n} inputs, {valid} valid, {solved} solved and checked");
}

/// Structure-aware: one to three values of a seed problem (any field of any record) replaced by
/// an extreme or wrong value — the JSON stays valid, so validation and solving get exercised
/// far more often than by byte mutations.
#[test]
fn fuzzed_problem_values_never_panic_from_parsing_to_a_checked_plan() {
    use rota_solver::rng::Rng;
    use serde_json::{Value, json};

    fn nodes(v: &Value, out: &mut usize) {
        *out += 1;
        match v {
            Value::Array(a) => a.iter().for_each(|x| nodes(x, out)),
            Value::Object(o) => o.values().for_each(|x| nodes(x, out)),
            _ => {}
        }
    }
    fn nth(v: &mut Value, k: &mut usize) -> Option<*mut Value> {
        if *k == 0 {
            return Some(v as *mut Value);
        }
        *k -= 1;
        match v {
            Value::Array(a) => a.iter_mut().find_map(|x| nth(x, k)),
            Value::Object(o) => o.values_mut().find_map(|x| nth(x, k)),
            _ => None,
        }
    }
    let extremes = [
        json!(1e308),
        json!(-1e308),
        json!(-1),
        json!(0),
        json!(0.5),
        json!(4294967296u64),
        json!(i64::MIN),
        json!(""),
        json!("9999-12-31"),
        json!("9999-12-31T23:59"),
        json!("0001-01-01T00:00"),
        json!("24:00"),
        json!("00:00"),
        json!(null),
        json!([]),
        json!({}),
        json!(true),
        json!("Mars/Olympus_Mons"),
        json!([[0.0, 0.0]]),
    ];
    let seeds: Vec<Value> = corpus("problem").iter().filter_map(|b| serde_json::from_slice::<Value>(b).ok()).collect();
    let cases = fuzz::cases(fuzz::DEFAULT_CASES);
    let solve_cap = (cases / 10).max(30);
    let (mut valid, mut solved) = (0usize, 0usize);
    for case in 0..cases as u64 {
        let seed = fuzz::first_seed().wrapping_add(case);
        let mut rng = Rng::new(seed ^ 0x0a1e_5eed);
        let mut v = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(3) {
            let mut count = 0;
            nodes(&v, &mut count);
            let mut k = rng.below(count);
            if let Some(node) = nth(&mut v, &mut k) {
                // SAFETY: `node` points into `v`, which is alive and not otherwise borrowed here.
                unsafe { *node = extremes[rng.below(extremes.len())].clone() };
            }
        }
        let text = v.to_string();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let Ok((problem, inst)) = validate::load_problem(&text) else { return (false, false) };
            if solved >= solve_cap {
                return (true, false);
            }
            let (detour, speed) = match problem.travel {
                TravelSpec::Haversine { detour_factor, speed_kmh } => (detour_factor, speed_kmh),
                _ => (1.3, 40.0),
            };
            let travel = HaversineTravel::new(inst.locations.clone(), detour, speed);
            let opts = SolveOptions {
                seed: 1,
                time_limit: Duration::from_millis(100),
                max_iterations: 20,
                author: "fuzz".into(),
            };
            let reference = ProblemRef { name: problem.name.clone(), fingerprint: problem_fingerprint(&problem) };
            let (plan, _) =
                solve_with_assignment(&inst, &travel, reference, &opts, &mut |_| {}, &AtomicBool::new(false));
            assert!(plan.objective.total.is_finite(), "objective {}", plan.objective.total);
            let report = check_plan(&inst, &travel, &plan);
            assert!(report.is_feasible(), "the plan of a valid problem breaks a hard rule: {report}");
            (true, true)
        }));
        match result {
            Ok((ok, did_solve)) => {
                valid += usize::from(ok);
                solved += usize::from(did_solve);
            }
            Err(_) => {
                let file = std::env::temp_dir().join(format!("rota-fuzz-problem-values-{seed}.json"));
                let _ = std::fs::write(&file, &text);
                panic!("fuzz target problem-values panicked on case seed {seed} (input saved to {})", file.display());
            }
        }
    }
    eprintln!("fuzz problem values: {cases} inputs, {valid} valid, {solved} solved and checked");
}

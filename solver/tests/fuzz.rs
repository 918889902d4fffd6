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

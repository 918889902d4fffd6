//! Shared by `solve` (benchmark instances) and `bench`: read a routing instance, solve it.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use rota_service::rota_solver::routing::formats::{self, InstanceFormat};
use rota_service::rota_solver::routing::{self, Objective, Problem, Solution};

use crate::failure::{Failure, bad_input};

/// Read and parse a routing instance (format detected from the content unless given).
pub fn load(path: &Path, format: Option<InstanceFormat>) -> Result<(Problem, InstanceFormat), Failure> {
    let text = rota_store::files::read_text(path)?;
    let format = match format.or_else(|| formats::detect(&text)) {
        Some(f) => f,
        None => return Err(bad_input(format!("{}: not a Solomon, VRPLIB or VROOM instance", path.display()))),
    };
    let mut problem = formats::parse(&text, format).map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
    if problem.name.is_empty() {
        problem.name = instance_name(path);
    }
    Ok((problem, format))
}

/// The instance name of a file: its stem (`C101.txt` → `C101`).
pub fn instance_name(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

pub fn solve(problem: &Problem, time_limit: f64, seed: u64, iterations: Option<u64>, objective: Objective) -> Solution {
    let opts = routing::Options {
        seed,
        time_limit: Duration::try_from_secs_f64(time_limit).unwrap_or(Duration::MAX),
        max_iterations: iterations,
        objective,
    };
    routing::solve(problem, &opts, &AtomicBool::new(false))
}

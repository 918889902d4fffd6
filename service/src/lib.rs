//! # rota-service
//!
//! The use cases every front end shares (CLI today, the desktop app and the nightly batch
//! next): load and validate a problem with its travel model, solve it with progress and
//! cancellation, check a plan. Front ends stay thin: they parse arguments or IPC payloads,
//! call one function here, and present the result.

pub mod area;
pub mod batch;
pub mod coverage;
pub mod desk;
pub mod feeds;
pub mod providers;
pub mod sample;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use rota_solver::assign::{self, PipelineReport};
use rota_solver::check::{self, CheckReport};
use rota_solver::diagnostics::Diagnostics;
use rota_solver::format::{Plan, Problem, ProblemRef, TravelSpec, problem_fingerprint};
use rota_solver::instance::Instance;
use rota_solver::planner::{self, Progress, SolveOptions};
use rota_solver::travel::{HaversineTravel, MatrixTravel, TravelModel};
use rota_solver::validate;
use rota_store::files::{self, FileError};

pub use rota_solver;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("{path}: road network {network}: {message}")]
    RoadNetwork { path: PathBuf, network: PathBuf, message: String },
}

impl ServiceError {
    /// Whether the user's input is at fault (exit code 2) rather than the machine (1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            ServiceError::File(e) => e.is_bad_input(),
            ServiceError::RoadNetwork { .. } => true,
        }
    }
}

/// A problem ready to solve: the file, its compiled instance and its travel model.
pub struct LoadedProblem {
    pub path: PathBuf,
    pub problem: Problem,
    pub instance: Instance,
    pub travel: Box<dyn TravelModel>,
    /// How long loading the travel model took (road networks compute a matrix).
    pub travel_setup_ms: u128,
}

impl LoadedProblem {
    pub fn reference(&self) -> ProblemRef {
        ProblemRef { name: self.problem.name.clone(), fingerprint: problem_fingerprint(&self.problem) }
    }
}

/// Reads, validates and compiles a problem file (without building its travel model).
pub fn validate_problem_file(path: &Path) -> Result<(Problem, Instance), ServiceError> {
    let problem = files::read_problem(path)?;
    let instance = validate::compile(&problem)
        .map_err(|diagnostics| FileError::Invalid { path: path.to_path_buf(), diagnostics })?;
    Ok((problem, instance))
}

/// Reads a problem file and builds its travel model (a road network is read relative to the
/// problem file).
pub fn load_problem_file(path: &Path) -> Result<LoadedProblem, ServiceError> {
    let (problem, instance) = validate_problem_file(path)?;
    let started = Instant::now();
    let travel = travel_model(path, &problem, &instance)?;
    Ok(LoadedProblem {
        path: path.to_path_buf(),
        problem,
        instance,
        travel,
        travel_setup_ms: started.elapsed().as_millis(),
    })
}

/// Builds the travel model a problem asks for, over the instance's locations.
pub fn travel_model(path: &Path, problem: &Problem, instance: &Instance) -> Result<Box<dyn TravelModel>, ServiceError> {
    match &problem.travel {
        TravelSpec::Haversine { detour_factor, speed_kmh } => {
            Ok(Box::new(HaversineTravel::new(instance.locations.clone(), *detour_factor, *speed_kmh)))
        }
        TravelSpec::Matrix { locations, durations, distances } => {
            // Validation checked that every site and visit is listed and the shape is square.
            let position: std::collections::HashMap<&str, usize> =
                locations.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
            let ids: Vec<&str> = instance
                .sites
                .iter()
                .map(|s| s.id.as_str())
                .chain(instance.visits.iter().map(|v| v.id.as_str()))
                .collect();
            let rows: Vec<usize> = ids.iter().map(|id| position.get(id).copied().unwrap_or(0)).collect();
            let n = rows.len();
            let mut secs = Vec::with_capacity(n * n);
            let mut meters = Vec::with_capacity(n * n);
            for &r in &rows {
                for &c in &rows {
                    secs.push(durations[r][c].round() as i64);
                    meters.push(distances[r][c]);
                }
            }
            Ok(Box::new(MatrixTravel::new(n, secs, meters)))
        }
        TravelSpec::Road { network, access_speed_kmh } => {
            let network_path = path.parent().unwrap_or(Path::new(".")).join(network);
            let road_error = |message: String| ServiceError::RoadNetwork {
                path: path.to_path_buf(),
                network: network_path.clone(),
                message,
            };
            let graph = rota_store::osm::load_road_graph(&network_path).map_err(|e| road_error(e.to_string()))?;
            let matrix =
                graph.travel_matrix(&instance.locations, *access_speed_kmh).map_err(|e| road_error(e.to_string()))?;
            Ok(Box::new(matrix))
        }
    }
}

/// How a plan is made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pipeline {
    /// Assignment by MIP (HiGHS), then routing and improvement from it (the default).
    #[default]
    Lp,
    /// Routing alone: greedy insertion and ruin-and-recreate over every candidate.
    Routing,
    /// The LP pipeline with up to `rounds` rounds of assign → route → re-price with the routed
    /// costs → re-solve before improvement (measured in docs/benchmarks.md).
    LpReprice { rounds: u32 },
}

/// Solves a loaded problem with the default pipeline.
pub fn solve(
    loaded: &LoadedProblem,
    opts: &SolveOptions,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Plan {
    solve_with(loaded, Pipeline::default(), opts, progress, cancel).0
}

/// Solves a loaded problem with a chosen pipeline; the LP pipeline also reports what its
/// assignment stage did.
pub fn solve_with(
    loaded: &LoadedProblem,
    pipeline: Pipeline,
    opts: &SolveOptions,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> (Plan, Option<PipelineReport>) {
    let (inst, travel) = (&loaded.instance, loaded.travel.as_ref());
    match pipeline {
        Pipeline::Lp => {
            let (plan, report) =
                assign::solve_with_assignment(inst, travel, loaded.reference(), opts, progress, cancel);
            (plan, Some(report))
        }
        Pipeline::Routing => (planner::solve(inst, travel, loaded.reference(), opts, progress, cancel), None),
        Pipeline::LpReprice { rounds } => {
            let assign_opts = assign::AssignOptions {
                time_limit: opts.time_limit.mul_f64(0.4),
                reprice_rounds: rounds,
                ..assign::AssignOptions::default()
            };
            let (plan, report) = assign::solve_with_assignment_using(
                inst,
                travel,
                loaded.reference(),
                opts,
                &assign_opts,
                progress,
                cancel,
            );
            (plan, Some(report))
        }
    }
}

/// Checks a plan against a loaded problem. A plan made for another problem is reported as
/// bad input.
pub fn check(loaded: &LoadedProblem, plan: &Plan) -> CheckReport {
    check::check_plan(&loaded.instance, loaded.travel.as_ref(), plan)
}

/// Explains one visit of a plan: why its technician (the alternatives by objective term and
/// the rule that removed each other technician), or why unassigned and what it would take.
pub fn explain_visit(
    loaded: &LoadedProblem,
    plan: &Plan,
    visit: &str,
) -> Result<rota_solver::explain::Explanation, rota_solver::explain::ExplainError> {
    rota_solver::explain::explain_visit(&loaded.instance, loaded.travel.as_ref(), plan, visit)
}

/// Whether a plan was made for exactly this problem (same fingerprint).
pub fn plan_matches(loaded: &LoadedProblem, plan: &Plan) -> bool {
    plan.problem.fingerprint == loaded.reference().fingerprint
}

/// Reads a plan file.
pub fn read_plan(path: &Path) -> Result<Plan, ServiceError> {
    Ok(files::read_plan(path)?)
}

/// Writes a plan atomically.
pub fn write_plan(path: &Path, plan: &Plan) -> Result<(), ServiceError> {
    Ok(files::write_json(path, plan)?)
}

/// Diagnostics as a list of lines.
pub fn diagnostic_lines(d: &Diagnostics) -> Vec<String> {
    d.iter().map(ToString::to_string).collect()
}

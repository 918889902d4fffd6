use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rota_service::rota_solver::planner::{Progress, SolveOptions};
use rota_service::{Pipeline, load_problem_file};

use rota_service::rota_solver::routing::Objective;
use rota_service::rota_solver::routing::check::check;
use rota_service::rota_solver::routing::formats::{self, InstanceFormat};

use crate::cmd::routing;
use crate::failure::{Outcome, bad_input};
use crate::summary;

#[derive(clap::Args)]
pub struct Args {
    /// A `rota-problem/1` JSON file, or a routing instance: Solomon `.txt`, VRPLIB `.vrp` or VROOM
    /// `.json` (detected from the content).
    problem: PathBuf,
    /// Where to write the `rota-plan/1` JSON (routing instances: the solution, see `--solution`).
    #[arg(short, long)]
    output: PathBuf,
    /// Input format: rota, solomon, vrplib or vroom (default: detected from the content).
    #[arg(long)]
    format: Option<String>,
    /// Routing instances: distance, vehicles-then-distance or priority-then-cost (VROOM's order:
    /// served priority, then jobs served, then the vehicles' costs). Default: priority-then-cost
    /// for VROOM input, distance otherwise.
    #[arg(long)]
    objective: Option<Objective>,
    /// Routing instances: solution format, vrplib or vroom (default: vroom for VROOM input,
    /// vrplib otherwise).
    #[arg(long)]
    solution: Option<String>,
    /// Stop improving after this many seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    time_limit: f64,
    /// Random seed: the same problem and seed give the same plan (when the iteration limit ends the run).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Improvement rounds at most (Rota problems: 20000 by default; routing instances: no limit).
    #[arg(long)]
    iterations: Option<u32>,
    /// How to plan: `lp` assigns by mixed-integer programming (HiGHS) and routes from there;
    /// `routing` uses routing alone.
    #[arg(long, value_enum, default_value_t = PipelineArg::Lp)]
    pipeline: PipelineArg,
    /// With `--pipeline lp`: rounds of route → re-price candidates with the routed costs →
    /// re-solve the MIP before improvement (0: none; see docs/benchmarks.md).
    #[arg(long, default_value_t = 0, value_name = "ROUNDS")]
    reprice: u32,
    /// Rota problems: write the improvement curve as CSV (`seconds,iteration,objective,assigned`,
    /// one row each time the best objective changes, plus the first and the last report).
    #[arg(long, value_name = "FILE")]
    curve: Option<PathBuf>,
    /// Print only the output path (no summary, no progress).
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PipelineArg {
    Lp,
    Routing,
}

pub fn run(args: Args) -> Outcome {
    crate::failure::time_limit(args.time_limit)?;
    let routing_format = match args.format.as_deref() {
        None => {
            let text = rota_store::files::read_text(&args.problem)?;
            if is_rota_problem(&text) { None } else { formats::detect(&text) }
        }
        Some("rota") => None,
        Some(f) => Some(f.parse::<InstanceFormat>().map_err(bad_input)?),
    };
    match routing_format {
        Some(format) => run_routing(args, format),
        None => run_rota(args),
    }
}

/// A Rota problem names its format in its first field.
fn is_rota_problem(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('{') && t.contains("\"rota-problem/")
}

fn run_routing(args: Args, format: InstanceFormat) -> Outcome {
    let started = Instant::now();
    let (problem, format) = routing::load(&args.problem, Some(format))?;
    let objective = args.objective.unwrap_or(if format == InstanceFormat::Vroom {
        Objective::PriorityThenCost
    } else {
        Objective::Distance
    });
    let sol = routing::solve(&problem, args.time_limit, args.seed, args.iterations.map(u64::from), objective);
    let report = check(&problem, &sol);
    let solution = args.solution.as_deref().unwrap_or(if format == InstanceFormat::Vroom { "vroom" } else { "vrplib" });
    let text = match solution {
        "vrplib" => formats::write_vrplib_solution(&problem, &sol),
        "vroom" => formats::vroom::write_solution(&problem, &sol),
        other => return Err(bad_input(format!("--solution must be vrplib or vroom, got {other:?}"))),
    };
    rota_store::files::write_atomic(&args.output, text.as_bytes())?;
    if args.quiet {
        println!("{}", args.output.display());
    } else {
        let priority = if report.unassigned_priority > 0 {
            format!(" (priority {} left)", report.unassigned_priority)
        } else {
            String::new()
        };
        println!(
            "{}: {} jobs, {} vehicles used, distance {:.2}, {} unassigned{priority}, {}",
            problem.name,
            problem.jobs.len(),
            report.vehicles,
            report.distance,
            report.unassigned,
            if report.feasible() { "feasible (checked)" } else { "INFEASIBLE" }
        );
        for v in &report.violations {
            println!("  violation: {v}");
        }
        println!(
            "Solved in {:.1} s ({} iterations, seed {}); solution written to {}",
            started.elapsed().as_secs_f64(),
            sol.iterations,
            args.seed,
            args.output.display()
        );
    }
    Ok(if report.feasible() { 0 } else { 1 })
}

fn run_rota(
    Args { problem, output, time_limit, seed, iterations, pipeline, reprice, curve, quiet, .. }: Args,
) -> Outcome {
    let iterations = iterations.unwrap_or(20_000);
    let started = Instant::now();
    let loaded = load_problem_file(&problem)?;
    let opts = SolveOptions {
        seed,
        time_limit: Duration::from_secs_f64(time_limit),
        max_iterations: iterations,
        author: "solver".into(),
    };
    let bar = progress_bar(quiet, &opts);
    let mut points: Vec<(f64, u32, f64, usize)> = Vec::new();
    let mut tail: Option<(f64, u32, f64, usize)> = None;
    let mut on_progress = |p: &Progress| {
        let point = (p.elapsed.as_secs_f64(), p.iteration, p.objective, p.assigned);
        if points.last().is_some_and(|l: &(f64, u32, f64, usize)| l.2 == p.objective && l.3 == p.assigned) {
            tail = Some(point);
        } else {
            points.push(point);
            tail = None;
        }
        if let Some(bar) = &bar {
            bar.set_position(p.elapsed.as_millis().min(opts.time_limit.as_millis()) as u64);
            bar.set_message(format!(
                "iteration {}/{} · {} of {} assigned · objective {:.0}",
                p.iteration, p.max_iterations, p.assigned, p.visits, p.objective
            ));
        }
    };
    let pipeline = match pipeline {
        PipelineArg::Lp if reprice > 0 => Pipeline::LpReprice { rounds: reprice },
        PipelineArg::Lp => Pipeline::Lp,
        PipelineArg::Routing => Pipeline::Routing,
    };
    let (plan, report) = rota_service::solve_with(&loaded, pipeline, &opts, &mut on_progress, &AtomicBool::new(false));
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    rota_service::write_plan(&output, &plan)?;
    points.extend(tail);
    if let Some(curve) = &curve {
        let mut text = String::from("seconds,iteration,objective,assigned\n");
        for (secs, iteration, objective, assigned) in &points {
            text.push_str(&format!("{secs:.3},{iteration},{objective:.3},{assigned}\n"));
        }
        rota_store::files::write_atomic(curve, text.as_bytes())?;
    }
    if quiet {
        println!("{}", output.display());
    } else {
        print!("{}", summary::render(&loaded, &plan));
        if let Some(r) = &report {
            match &r.fallback {
                Some(why) => println!("Assignment MIP failed ({why}); the plan was made by routing alone."),
                None => println!(
                    "Assignment MIP: {} variables, {} constraints, {} in {:.1} s; {} visits assigned, {} placed elsewhere by routing",
                    r.mip_variables,
                    r.mip_constraints,
                    if r.mip_optimal { "optimal" } else { "best found within the time limit" },
                    r.mip_seconds,
                    r.mip_assigned,
                    r.moved_by_routing
                ),
            }
            if let Some(first) = r.routed_first {
                let rounds: Vec<String> =
                    r.reprice.iter().map(|(changed, cost)| format!("{changed} visits moved → {cost:.1}")).collect();
                println!("Re-pricing: first assignment routed to {first:.1}; rounds: {}", rounds.join("; "));
            }
        }
        println!(
            "Solved in {:.1} s ({} improvement rounds, seed {}); plan written to {}",
            started.elapsed().as_secs_f64(),
            plan.settings.iterations,
            seed,
            output.display()
        );
    }
    Ok(0)
}

/// A progress bar on a terminal; nothing otherwise (logs and pipes stay clean).
fn progress_bar(quiet: bool, opts: &SolveOptions) -> Option<ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(opts.time_limit.as_millis().max(1) as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} solving [{bar:30}] {elapsed_precise} {msg}")
            .ok()?
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

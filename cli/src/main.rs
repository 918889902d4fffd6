//! `rota`: Rota's command-line tool. A thin front end over `rota-service`.
//!
//! Exit codes: 0 ok, 1 failure (including a plan that breaks a hard rule), 2 bad input.

mod summary;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rota_service::rota_solver::format::{plan_schema, problem_schema};
use rota_service::rota_solver::planner::{Progress, SolveOptions};
use rota_service::{ServiceError, load_problem_file};

#[derive(Parser)]
#[command(name = "rota", version, about = "Rota — field-service dispatch optimizer", long_about = None)]
#[command(
    after_help = "Exit codes: 0 ok, 1 failure (or a plan breaking a hard rule), 2 bad input.\nDocs: docs/format.md (file formats), docs/policy.md (objective weights)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a problem file and report every mistake, each with its record and field.
    Validate {
        /// A `rota-problem/1` JSON file.
        problem: PathBuf,
    },
    /// Plan a problem: who does which visit, when, in which order.
    Solve {
        /// A `rota-problem/1` JSON file.
        problem: PathBuf,
        /// Where to write the `rota-plan/1` JSON.
        #[arg(short, long)]
        output: PathBuf,
        /// Stop improving after this many seconds.
        #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
        time_limit: f64,
        /// Random seed: the same problem and seed give the same plan (when the iteration limit ends the run).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Improvement rounds at most.
        #[arg(long, default_value_t = 20_000)]
        iterations: u32,
        /// Print only the output path (no summary, no progress).
        #[arg(short, long)]
        quiet: bool,
    },
    /// Check a plan against its problem: exit 0 only if it keeps every hard rule.
    Check { problem: PathBuf, plan: PathBuf },
    /// Print a readable summary of a plan.
    Summary { problem: PathBuf, plan: PathBuf },
    /// Write a realistic synthetic problem of any size (same shape as the sample).
    Generate {
        #[arg(long, default_value_t = 400)]
        visits: usize,
        #[arg(long, default_value_t = 60)]
        technicians: usize,
        #[arg(long, default_value_t = 5)]
        days: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// First day of the horizon (YYYY-MM-DD).
        #[arg(long, default_value = "2026-12-07")]
        start: String,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print the JSON Schema of a file format.
    Schema {
        #[arg(value_enum)]
        format: SchemaKind,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum SchemaKind {
    Problem,
    Plan,
}

/// An error with the exit code it deserves.
struct Failure {
    code: u8,
    error: anyhow::Error,
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure { code: 1, error }
    }
}

impl From<ServiceError> for Failure {
    fn from(error: ServiceError) -> Self {
        Failure { code: if error.is_bad_input() { 2 } else { 1 }, error: error.into() }
    }
}

fn bad_input(message: String) -> Failure {
    Failure { code: 2, error: anyhow::anyhow!(message) }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(Failure { code, error }) => {
            eprintln!("error: {error:#}");
            ExitCode::from(code)
        }
    }
}

fn run(cli: Cli) -> Result<u8, Failure> {
    match cli.command {
        Command::Validate { problem } => {
            let (p, inst) = rota_service::validate_problem_file(&problem)?;
            println!(
                "{}: valid — {} visits, {} technicians, {} regions, {} days from {}",
                problem.display(),
                p.visits.len(),
                p.technicians.len(),
                p.regions.len(),
                inst.days,
                inst.origin
            );
            Ok(0)
        }
        Command::Solve { problem, output, time_limit, seed, iterations, quiet } => {
            if !(time_limit.is_finite() && time_limit >= 0.0) {
                return Err(bad_input(format!("--time-limit must be a number of seconds ≥ 0, got {time_limit}")));
            }
            let started = Instant::now();
            let loaded = load_problem_file(&problem)?;
            let opts = SolveOptions {
                seed,
                time_limit: Duration::from_secs_f64(time_limit),
                max_iterations: iterations,
                author: "solver".into(),
            };
            let bar = progress_bar(quiet, &opts);
            let mut on_progress = |p: &Progress| {
                if let Some(bar) = &bar {
                    bar.set_position(p.elapsed.as_millis().min(opts.time_limit.as_millis()) as u64);
                    bar.set_message(format!(
                        "iteration {}/{} · {} of {} assigned · objective {:.0}",
                        p.iteration, p.max_iterations, p.assigned, p.visits, p.objective
                    ));
                }
            };
            let plan = rota_service::solve(&loaded, &opts, &mut on_progress, &AtomicBool::new(false));
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            rota_service::write_plan(&output, &plan)?;
            if quiet {
                println!("{}", output.display());
            } else {
                print!("{}", summary::render(&loaded, &plan));
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
        Command::Check { problem, plan } => {
            let loaded = load_problem_file(&problem)?;
            let plan_doc = rota_service::read_plan(&plan)?;
            if !rota_service::plan_matches(&loaded, &plan_doc) {
                eprintln!(
                    "warning: {} was made for a different version of {} (fingerprint differs)",
                    plan.display(),
                    problem.display()
                );
            }
            let report = rota_service::check(&loaded, &plan_doc);
            if report.is_feasible() {
                println!(
                    "{}: feasible — every hard rule holds ({} routes, {} of {} visits assigned)",
                    plan.display(),
                    plan_doc.routes.len(),
                    report.kpis.assigned,
                    report.kpis.visits
                );
                Ok(0)
            } else {
                println!("{}: {} hard-rule violation(s):", plan.display(), report.violations.len());
                for v in &report.violations {
                    println!("  {v}");
                }
                Ok(1)
            }
        }
        Command::Summary { problem, plan } => {
            let loaded = load_problem_file(&problem)?;
            let plan_doc = rota_service::read_plan(&plan)?;
            print!("{}", summary::render(&loaded, &plan_doc));
            Ok(0)
        }
        Command::Generate { visits, technicians, days, seed, start, output } => {
            let start = chrono_date(&start)?;
            if visits == 0 || technicians == 0 || days == 0 || days > 366 {
                return Err(bad_input("--visits and --technicians must be at least 1, --days 1–366".into()));
            }
            let opts = rota_fixtures::GenerateOptions { visits, technicians, days, seed, start };
            let problem = rota_fixtures::generate(&opts);
            rota_store::files::write_json(&output, &problem).map_err(ServiceError::from)?;
            println!(
                "{}: {} visits, {} technicians, {} days from {} (seed {})",
                output.display(),
                problem.visits.len(),
                problem.technicians.len(),
                days,
                start,
                seed
            );
            Ok(0)
        }
        Command::Schema { format } => {
            let schema = match format {
                SchemaKind::Problem => problem_schema(),
                SchemaKind::Plan => plan_schema(),
            };
            println!("{}", serde_json::to_string_pretty(&schema).context("schema")?);
            Ok(0)
        }
    }
}

fn chrono_date(text: &str) -> Result<chrono::NaiveDate, Failure> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| bad_input(format!("--start must be a date like 2026-12-07, got {text:?}")))
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

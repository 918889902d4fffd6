use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rota_service::load_problem_file;
use rota_service::rota_solver::planner::{Progress, SolveOptions};

use crate::failure::{Outcome, bad_input};
use crate::summary;

#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(Args { problem, output, time_limit, seed, iterations, quiet }: Args) -> Outcome {
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

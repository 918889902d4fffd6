//! `rota providers report`: provider scorecards (rating, confidence, volume, on-time,
//! first-time fix, score, trend, share of work, certification warnings).

use std::path::PathBuf;

use chrono::NaiveDate;
use rota_service::providers;
use rota_service::rota_solver::planner::SolveOptions;
use rota_service::rota_solver::ratings::allocation::AllocationPolicy;
use rota_store::db::Db;

use crate::cmd::init::store_failure;
use crate::failure::{Failure, Outcome};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Scorecards of every provider (a table, or Markdown with --markdown).
    Report {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        markdown: bool,
        /// Rate as of this date (default: today).
        #[arg(long)]
        as_of: Option<NaiveDate>,
    },
    /// Apply the stored ratings and the competitive allocation to a problem file: write the
    /// rated problem, plan it with and without the allocation, and print what changed and why.
    Allocate {
        #[arg(long)]
        db: PathBuf,
        /// The problem file (e.g. fixtures/sample/problem.json).
        problem: PathBuf,
        /// Where to write the rated problem (solve and check it like any other).
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
        /// Also write the plan made from the rated problem (check it with `rota check OUT PLAN`).
        #[arg(long)]
        plan: Option<PathBuf>,
        #[arg(long)]
        as_of: Option<NaiveDate>,
        /// Top share of a region's providers that get the bonus.
        #[arg(long, default_value_t = 0.2)]
        top_fraction: f64,
        /// Percentage points added to a top provider's min and max share in the region.
        #[arg(long, default_value_t = 10.0)]
        bonus_pct: f64,
        /// Providers whose weight is below this get no new work.
        #[arg(long, default_value_t = 0.40)]
        floor: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 200)]
        iterations: u32,
        #[arg(long, default_value_t = 60)]
        time_limit: u64,
    },
}

pub fn run(Args { command }: Args) -> Outcome {
    let (db, markdown, as_of) = match command {
        Command::Report { db, markdown, as_of } => (db, markdown, as_of),
        Command::Allocate {
            db,
            problem,
            out,
            plan,
            as_of,
            top_fraction,
            bonus_pct,
            floor,
            seed,
            iterations,
            time_limit,
        } => {
            let store = Db::open(&db).map_err(store_failure)?;
            let policy =
                AllocationPolicy { top_fraction, share_bonus_pct: bonus_pct, floor, ..AllocationPolicy::default() };
            let opts = SolveOptions {
                seed,
                time_limit: crate::failure::time_limit(time_limit as f64)?,
                max_iterations: iterations,
                author: "allocate".into(),
            };
            let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
            let run = providers::allocate_and_explain(&store, &problem, as_of, &policy, &opts)
                .map_err(|e| Failure { code: if e.is_bad_input() { 2 } else { 1 }, error: e.into() })?;
            rota_store::files::write_json(&out, &run.rated)?;
            if let Some(plan) = &plan {
                rota_store::files::write_json(plan, &run.after)?;
            }
            for d in &run.allocation.decisions {
                println!(
                    "{:<12} {:<10} {:<24} weight {:.3}  share {}–{} % → {}–{} %",
                    d.provider,
                    d.region,
                    d.standing.as_str(),
                    d.weight,
                    d.before.0,
                    d.before.1,
                    d.after.0,
                    d.after.1
                );
            }
            println!("effects on the plan (seed {seed}, same settings with and without):");
            if run.effects.is_empty() {
                println!("  none: every provider has the same visits in every region");
            }
            for line in &run.effects {
                println!("  {line}");
            }
            println!("{}: rated problem written", out.display());
            return Ok(if run.after_feasible { 0 } else { 1 });
        }
    };
    let store = Db::open(&db).map_err(store_failure)?;
    let cards = providers::scorecards(&store, as_of).map_err(store_failure)?;
    if markdown {
        print!("{}", providers::markdown(&cards));
        return Ok(0);
    }
    let opt = |x: Option<f64>, scale: f64, digits: usize, unit: &str| {
        x.map_or("—".to_string(), |v| format!("{:.*}{unit}", digits, v * scale))
    };
    println!(
        "{:<12} {:>6} {:>11} {:>6} {:>6} {:>7} {:>6} {:>5} {:>7} {:>7} {:>7}  source",
        "provider", "rating", "interval", "weight", "visits", "on-time", "fix", "score", "trend", "planned", "share"
    );
    for c in &cards {
        println!(
            "{:<12} {:>6.3} {:>11} {:>6.3} {:>6} {:>7} {:>6} {:>5} {:>7} {:>7} {:>7}  {}",
            c.provider,
            c.rating,
            format!("{:.2}–{:.2}", c.low, c.high),
            c.weight,
            c.visits,
            opt(c.on_time, 100.0, 0, "%"),
            opt(c.first_time_fix, 100.0, 0, "%"),
            opt(c.score, 1.0, 2, ""),
            c.trend.map_or("—".to_string(), |t| format!("{t:+.3}")),
            c.planned_visits.map_or("—".to_string(), |n| n.to_string()),
            opt(c.share_of_work_pct, 1.0, 1, "%"),
            c.source
        );
    }
    for c in cards.iter().filter(|c| c.certification_warning.is_some()) {
        println!("warning: provider {}: {}", c.provider, c.certification_warning.as_deref().unwrap_or_default());
    }
    Ok(0)
}

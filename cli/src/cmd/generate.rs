use std::path::PathBuf;

use chrono::NaiveDate;

use crate::failure::{Outcome, bad_input};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 420)]
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
    /// Where to write the `rota-problem/1` JSON.
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(Args { visits, technicians, days, seed, start, output }: Args) -> Outcome {
    let start = NaiveDate::parse_from_str(&start, "%Y-%m-%d")
        .map_err(|_| bad_input(format!("--start must be a date like 2026-12-07, got {start:?}")))?;
    if visits == 0 || technicians == 0 || days == 0 || days > 366 {
        return Err(bad_input("--visits and --technicians must be at least 1, --days 1–366"));
    }
    let problem = rota_fixtures::generate(&rota_fixtures::GenerateOptions { visits, technicians, days, seed, start });
    rota_store::files::write_atomic(&output, rota_fixtures::problem_json(&problem).as_bytes())?;
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

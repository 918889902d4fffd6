use std::path::PathBuf;

use crate::failure::Outcome;

#[derive(clap::Args)]
pub struct Args {
    /// A `rota-problem/1` JSON file.
    problem: PathBuf,
}

pub fn run(Args { problem }: Args) -> Outcome {
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

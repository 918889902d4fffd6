use std::io::Read;
use std::path::PathBuf;

use crate::failure::Outcome;

#[derive(clap::Args)]
pub struct Args {
    /// A `rota-problem/1` JSON file.
    problem: PathBuf,
}

/// Validates a problem as `rota solve` reads it: the file, what it means, and the travel model it
/// asks for (a road network file must exist, be a road network, and reach every location).
pub fn run(Args { problem }: Args) -> Outcome {
    let loaded = rota_service::load_problem_file(&problem)?;
    if starts_with_bom(&problem) {
        eprintln!("note: {} starts with a UTF-8 byte-order mark; it was ignored", problem.display());
    }
    let (p, inst) = (&loaded.problem, &loaded.instance);
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

fn starts_with_bom(path: &std::path::Path) -> bool {
    let mut head = [0u8; 3];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && head == [0xEF, 0xBB, 0xBF]
}

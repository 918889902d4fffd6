//! `rota bench`: solve benchmark instances, check each solution independently, and compare
//! with best-known solutions.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use rota_service::rota_solver::routing::Objective;
use rota_service::rota_solver::routing::check::check;
use rota_service::rota_solver::routing::formats::InstanceFormat;

use crate::cmd::routing;
use crate::failure::{Outcome, bad_input};

#[derive(clap::Args)]
pub struct Args {
    /// Instance files (Solomon `.txt`, VRPLIB `.vrp`, VROOM `.json`).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Best-known solutions: CSV `instance,vehicles,distance,objective`.
    #[arg(long)]
    bks: PathBuf,
    /// Seconds per instance.
    #[arg(long, default_value_t = 1.0, value_name = "SECONDS")]
    time_limit: f64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Stop each run after this many iterations (reproducible runs).
    #[arg(long)]
    iterations: Option<u64>,
    /// `distance` (compares with `distance_only` rows) or `vehicles-then-distance` (`hierarchical…`).
    #[arg(long, default_value = "distance")]
    objective: Objective,
    /// Instance format for every file (default: detected from the content).
    #[arg(long)]
    format: Option<InstanceFormat>,
    /// Also write the per-instance rows as CSV.
    #[arg(long)]
    csv: Option<PathBuf>,
}

struct Bks {
    vehicles: usize,
    distance: f64,
}

fn read_bks(path: &PathBuf, objective: Objective) -> Result<BTreeMap<String, Bks>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let wanted = match objective {
        Objective::Distance => "distance_only",
        Objective::VehiclesThenDistance => "hierarchical_min_vehicles_then_distance",
        Objective::PriorityThenCost => return Err("best-known solutions are for distance objectives only".into()),
    };
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if f.len() < 4 {
            continue;
        }
        if f[3] != wanted {
            continue;
        }
        let bad = |field: &str| format!("{}: line {}: {field}: not a number", path.display(), i + 1);
        let vehicles = f[1].parse().map_err(|_| bad("vehicles"))?;
        let distance = f[2].parse().map_err(|_| bad("distance"))?;
        out.insert(f[0].to_string(), Bks { vehicles, distance });
    }
    Ok(out)
}

pub fn run(a: Args) -> Outcome {
    crate::failure::time_limit(a.time_limit)?;
    let bks = read_bks(&a.bks, a.objective).map_err(bad_input)?;
    let obj_name = match a.objective {
        Objective::Distance => "distance",
        Objective::VehiclesThenDistance => "vehicles-then-distance",
        Objective::PriorityThenCost => "priority-then-cost",
    };
    println!(
        "rota bench: {} instance(s), {} s each, seed {}, objective {obj_name}",
        a.files.len(),
        a.time_limit,
        a.seed
    );
    println!(
        "{:<12} {:>4} {:>10} {:>4} {:>10} {:>8} {:>9} {:>6} {:>9}",
        "instance", "veh", "distance", "bksV", "bks", "gap%", "feasible", "time", "iters"
    );
    let mut csv =
        String::from("instance,vehicles,distance,bks_vehicles,bks_distance,gap_pct,feasible,time_s,iterations\n");
    let mut gaps = Vec::new();
    let (mut feasible, mut vehicle_hits, mut with_bks) = (0, 0, 0);
    let total = Instant::now();
    for file in &a.files {
        let (problem, _) = routing::load(file, a.format)?;
        let name = routing::instance_name(file);
        let started = Instant::now();
        let sol = routing::solve(&problem, a.time_limit, a.seed, a.iterations, a.objective);
        let secs = started.elapsed().as_secs_f64();
        let report = check(&problem, &sol);
        let ok = report.feasible() && report.unassigned == 0;
        if ok {
            feasible += 1;
        }
        let b = bks.get(&name).or_else(|| bks.get(&problem.name));
        let gap = b.map(|b| 100.0 * (report.distance - b.distance) / b.distance);
        if let (Some(g), Some(b)) = (gap, b) {
            gaps.push(g);
            with_bks += 1;
            if report.vehicles <= b.vehicles {
                vehicle_hits += 1;
            }
        }
        let show = |x: Option<String>| x.unwrap_or_else(|| "-".into());
        println!(
            "{:<12} {:>4} {:>10.2} {:>4} {:>10} {:>8} {:>9} {:>6.2} {:>9}",
            name,
            report.vehicles,
            report.distance,
            show(b.map(|b| b.vehicles.to_string())),
            show(b.map(|b| format!("{:.2}", b.distance))),
            show(gap.map(|g| format!("{g:+.2}"))),
            if ok { "yes" } else { "NO" },
            secs,
            sol.iterations
        );
        for v in report.violations.iter().take(5) {
            println!("    violation: {v}");
        }
        let _ = writeln!(
            csv,
            "{name},{},{:.4},{},{},{},{},{secs:.3},{}",
            report.vehicles,
            report.distance,
            show(b.map(|b| b.vehicles.to_string())),
            show(b.map(|b| b.distance.to_string())),
            show(gap.map(|g| format!("{g:.4}"))),
            ok,
            sol.iterations
        );
    }
    if !gaps.is_empty() {
        let mut sorted = gaps.clone();
        sorted.sort_by(f64::total_cmp);
        let avg = gaps.iter().sum::<f64>() / gaps.len() as f64;
        let median = if sorted.len() % 2 == 1 {
            sorted[sorted.len() / 2]
        } else {
            (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
        };
        println!(
            "summary: gap avg {avg:+.3} %, median {median:+.3} %, worst {:+.3} % over {} instance(s) with a best-known solution",
            sorted[sorted.len() - 1],
            gaps.len()
        );
        if a.objective == Objective::VehiclesThenDistance {
            println!("vehicles ≤ best-known on {vehicle_hits} of {with_bks}");
        }
    }
    println!("feasible {feasible} of {}; total time {:.1} s", a.files.len(), total.elapsed().as_secs_f64());
    if let Some(path) = &a.csv {
        rota_store::files::write_atomic(path, csv.as_bytes())?;
    }
    Ok(if feasible == a.files.len() { 0 } else { 1 })
}

//! Response times of the desk's interactive calls on a large day-to-day problem: `check_move`
//! (the board asks it on every pointer move while dragging; the UI contract wants < 20 ms),
//! `find_slot` and `emergency_options`.
//!
//! A generated Northvale problem (default 2,000 visits, 200 technicians, 5 days, the sample's
//! road network) is stored in a temporary database, solved once (the plan the calls work on),
//! and each call is timed over a fixed, seeded set of requests. No harness: it prints a table.
//!
//! ```text
//! cargo bench --workspace --locked --bench desk
//! ROTA_BENCH_VISITS=2000 ROTA_BENCH_TECHNICIANS=200 ROTA_BENCH_SOLVE_S=20 cargo bench --workspace --bench desk
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rota_fixtures::generate::{GenerateOptions, generate};
use rota_service::desk::{Desk, EmergencyRequest, LatLonPayload, MoveRequest};
use rota_solver::format::TravelSpec;
use rota_store::db::Db;

fn env_num(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text.trim().parse().unwrap_or_else(|_| panic!("{name}={text:?} is not a whole number")),
        Err(_) => default,
    }
}

/// Milliseconds of each sample: median, 95th percentile, maximum, mean.
struct Stats {
    what: String,
    n: usize,
    median: f64,
    p95: f64,
    max: f64,
    mean: f64,
}

fn stats(what: impl Into<String>, mut samples: Vec<Duration>) -> Option<Stats> {
    if samples.is_empty() {
        return None;
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let at = |q: f64| ms(samples[((samples.len() - 1) as f64 * q).round() as usize]);
    Some(Stats {
        what: what.into(),
        n: samples.len(),
        median: at(0.5),
        p95: at(0.95),
        max: ms(*samples.last().unwrap()),
        mean: samples.iter().map(|&d| ms(d)).sum::<f64>() / samples.len() as f64,
    })
}

/// A small deterministic generator (SplitMix64) for the request mix.
struct Mix(u64);
impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `YYYY-MM-DDTHH:MM[:SS]` to the minute at or after it (the board sends whole minutes).
fn ceil_minute(moment: &str) -> String {
    let base = &moment[..16];
    if moment.len() <= 16 || moment[17..].trim_start_matches('0').is_empty() {
        return base.to_string();
    }
    let (date, hm) = base.split_at(11);
    let m = hm[..2].parse::<u32>().unwrap() * 60 + hm[3..5].parse::<u32>().unwrap() + 1;
    format!("{date}{:02}:{:02}", m / 60, m % 60)
}

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn main() {
    let visits = env_num("ROTA_BENCH_VISITS", 2_000) as usize;
    let technicians = env_num("ROTA_BENCH_TECHNICIANS", 200) as usize;
    let solve_s = env_num("ROTA_BENCH_SOLVE_S", 20);
    let seed = env_num("ROTA_BENCH_SEED", 1);

    let dir = std::env::temp_dir().join(format!("rota-bench-desk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let _cleanup = TempDir(dir.clone());
    let path = dir.join("rota.db");

    let t0 = Instant::now();
    let mut problem = generate(&GenerateOptions { visits, technicians, days: 5, seed, ..Default::default() });
    // The sample's road network and travel spec: the app's own setting, not straight lines.
    let sample = rota_fixtures::sample_problem();
    problem.travel = sample.travel.clone();
    let network = match &problem.travel {
        TravelSpec::Road { network, .. } => network.clone(),
        _ => "roads.json".into(),
    };
    let mut db = Db::create(&path).expect("create the database");
    db.import_problem(
        Path::new("bench-problem.json"),
        &problem,
        Some((&network, rota_fixtures::SAMPLE_ROADS_JSON.as_bytes())),
    )
    .expect("import the generated problem");
    drop(db);
    let mut desk = Desk::open(&path).expect("open the desk");
    let opened = t0.elapsed();
    let t1 = Instant::now();
    desk.solve_initial(Duration::from_secs(solve_s)).expect("initial solve");
    let solved = t1.elapsed();
    let plan = desk.current_plan().clone();
    let assigned: Vec<(String, String)> =
        plan.routes.iter().flat_map(|r| r.stops.iter().map(|s| (s.visit.clone(), r.technician.clone()))).collect();
    let days: Vec<String> = {
        let mut d: Vec<String> = plan.routes.iter().map(|r| r.day.to_string()).collect();
        d.sort();
        d.dedup();
        d
    };
    println!(
        "problem: {} visits, {} technicians, {} days, road travel; {} assigned, {} unassigned; \
         generate+import+open {:.1} s, initial solve {:.1} s (limit {solve_s} s)",
        problem.visits.len(),
        problem.technicians.len(),
        days.len(),
        assigned.len(),
        plan.unassigned.len(),
        opened.as_secs_f64(),
        solved.as_secs_f64()
    );
    assert!(!assigned.is_empty(), "the initial solve assigned nothing");

    let mut mix = Mix(seed);
    let tech_ids: Vec<String> = problem.technicians.iter().map(|t| t.id.clone()).collect();

    // find_slot on 60 assigned visits; its best option on another technician is a drop that
    // fits (check_move accepts it), which the next block times.
    let mut find = Vec::new();
    let mut fits = Vec::new();
    let mut n_options = 0;
    for _ in 0..60 {
        let (visit, from) = &assigned[mix.below(assigned.len())];
        let t = Instant::now();
        let options = desk.find_slot(visit, 5).expect("find_slot");
        find.push(t.elapsed());
        n_options += options.len();
        if let Some(o) = options.iter().find(|o| &o.technician != from) {
            fits.push(MoveRequest {
                visit: visit.clone(),
                technician: o.technician.clone(),
                day: o.day.clone(),
                start: Some(ceil_minute(&o.start)),
            });
        }
    }

    // check_move as the board sends it while dragging: to a technician's lane at a time —
    // the drops find_slot says fit, then arbitrary ones: any visit, technician, day and
    // 5-minute time of 07:00–17:55 (mostly refused).
    let mut drops = fits;
    for _ in 0..400 {
        let (visit, _) = &assigned[mix.below(assigned.len())];
        let day = &days[mix.below(days.len())];
        let minute = 7 * 60 + 5 * mix.below(132);
        drops.push(MoveRequest {
            visit: visit.clone(),
            technician: tech_ids[mix.below(tech_ids.len())].clone(),
            day: day.clone(),
            start: Some(format!("{day}T{:02}:{:02}", minute / 60, minute % 60)),
        });
    }
    let (mut accepted, mut refused) = (Vec::new(), Vec::new());
    let mut codes = std::collections::BTreeMap::<String, usize>::new();
    for req in &drops {
        let t = Instant::now();
        let f = desk.check_move(req).expect("check_move");
        let took = t.elapsed();
        if f.ok {
            accepted.push(took)
        } else {
            refused.push(took);
            for v in &f.violations {
                *codes.entry(v.code.clone()).or_default() += 1;
            }
        }
    }
    println!(
        "find_slot: {n_options} options for {} visits, {} fitting drops on another technician; \
         refusal codes: {codes:?}",
        find.len(),
        drops.len() - 400
    );

    // emergency_options: calls at visit locations, the visit's skill, through the day.
    let mut emergency = Vec::new();
    for k in 0..20 {
        let v = &problem.visits[mix.below(problem.visits.len())];
        let day = &days[k % days.len()];
        let minute = 8 * 60 + 30 * mix.below(16);
        let req = EmergencyRequest {
            customer: format!("bench call {k}"),
            location: LatLonPayload { lat: v.location.lat, lon: v.location.lon },
            skill: v.skill.clone(),
            min_level: 1,
            certifications: Vec::new(),
            duration_min: 60,
            called_at: format!("{day}T{:02}:{:02}", minute / 60, minute % 60),
        };
        let t = Instant::now();
        desk.emergency_options(&req, 5).expect("emergency_options");
        emergency.push(t.elapsed());
    }

    let rows = [
        stats("check_move, accepted", accepted),
        stats("check_move, refused", refused),
        stats("find_slot (limit 5)", find),
        stats("emergency_options (limit 5)", emergency),
    ];
    println!();
    println!("| call | n | median ms | p95 ms | max ms | mean ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    for r in rows.iter().flatten() {
        println!("| {} | {} | {:.2} | {:.2} | {:.2} | {:.2} |", r.what, r.n, r.median, r.p95, r.max, r.mean);
    }
}

//! The independent routing checker: recomputes every route from the problem alone, in `f64`,
//! without tolerances and without any of the engine's caches, and lists every broken rule.
//!
//! Times follow one formula everywhere: leave a stop at `start + service`, arrive after the
//! matrix duration, start service at the earliest moment inside a window (waiting allowed);
//! service must start inside a window, and the vehicle must be back by its shift end. A
//! vehicle with a break takes it exactly once, in the gap the solution names: free at `e`, the
//! break starts at the earliest `b ≥ e` inside one of its windows (there must be one) and the
//! next stop is reached at `max(e + travel + break, b + break)` — the break may come right
//! after the service, split the drive or use the wait before the next window.

use super::model::{Problem, Solution};

/// What the checker found.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub violations: Vec<String>,
    /// Total distance recomputed from the matrix.
    pub distance: f64,
    /// Total duration of the routes (return to depot minus shift start, per route).
    pub duration: f64,
    pub vehicles: usize,
    pub unassigned: usize,
    /// Sum of the priorities of the unassigned jobs.
    pub unassigned_priority: u64,
}

impl Report {
    pub fn feasible(&self) -> bool {
        self.violations.is_empty()
    }
}

pub fn check(p: &Problem, sol: &Solution) -> Report {
    let mut v = Vec::new();
    let nj = p.jobs.len();
    let mut served = vec![0usize; nj];
    let mut vehicle_used = vec![false; p.vehicles.len()];
    let mut distance = 0.0;
    let mut duration = 0.0;
    let mut vehicles = 0;
    for (k, r) in sol.routes.iter().enumerate() {
        let Some(veh) = p.vehicles.get(r.vehicle) else {
            v.push(format!("route {}: no vehicle {}", k + 1, r.vehicle));
            continue;
        };
        if std::mem::replace(&mut vehicle_used[r.vehicle], true) {
            v.push(format!("route {}: vehicle {} used twice", k + 1, veh.id));
        }
        if r.jobs.is_empty() {
            continue;
        }
        vehicles += 1;
        if r.jobs.len() > veh.max_jobs {
            v.push(format!("route {}: {} jobs, vehicle takes at most {}", k + 1, r.jobs.len(), veh.max_jobs));
        }
        let mut load = vec![0i64; p.dimensions];
        let mut t = veh.shift.start;
        let mut at = veh.start;
        let mut service = 0.0;
        match (&veh.break_, r.break_at) {
            (Some(_), None) => v.push(format!("route {}: vehicle {} takes no break", k + 1, veh.id)),
            (None, Some(_)) => v.push(format!("route {}: vehicle {} has no break to take", k + 1, veh.id)),
            (Some(_), Some(g)) if g > r.jobs.len() => {
                v.push(format!("route {}: break after job {g} of {}", k + 1, r.jobs.len()))
            }
            _ => {}
        }
        // Arrival at the next stop, `travel` away from the vehicle free at `free`, after the
        // gap `gap` (the break when the solution puts it there).
        let arrive = |gap: usize, free: f64, travel: f64, v: &mut Vec<String>| -> f64 {
            match (&veh.break_, r.break_at) {
                (Some(b), Some(g)) if g == gap => match b.windows.iter().find(|w| free <= w.end) {
                    Some(w) => (free + travel + b.service).max(free.max(w.start) + b.service),
                    None => {
                        v.push(format!("route {}: break of vehicle {} cannot start after {free}", k + 1, veh.id));
                        free + travel + b.service
                    }
                },
                _ => free + travel,
            }
        };
        for (gap, &j) in r.jobs.iter().enumerate() {
            let Some(job) = p.jobs.get(j) else {
                v.push(format!("route {}: no job index {j}", k + 1));
                continue;
            };
            served[j] += 1;
            if !job.skills.iter().all(|s| veh.skills.contains(s)) {
                v.push(format!("route {}: job {} needs a skill vehicle {} lacks", k + 1, job.id, veh.id));
            }
            for (l, d) in load.iter_mut().zip(&job.demand) {
                *l += d;
            }
            let arrival = arrive(gap, t + service, p.matrix.duration(at, job.location), &mut v);
            distance += p.matrix.distance(at, job.location);
            match job.windows.iter().find(|w| arrival <= w.end) {
                Some(w) => t = arrival.max(w.start),
                None => {
                    v.push(format!("route {}: job {} reached at {arrival} after its last window", k + 1, job.id));
                    t = arrival;
                }
            }
            service = job.service;
            at = job.location;
        }
        let back = arrive(r.jobs.len(), t + service, p.matrix.duration(at, veh.end), &mut v);
        distance += p.matrix.distance(at, veh.end);
        if back > veh.shift.end {
            v.push(format!("route {}: back at {back}, after the shift end {}", k + 1, veh.shift.end));
        }
        duration += back - veh.shift.start;
        for (d, (l, c)) in load.iter().zip(&veh.capacity).enumerate() {
            if l > c {
                v.push(format!("route {}: load {l} over capacity {c} (dimension {d})", k + 1));
            }
        }
    }
    let mut unassigned = 0;
    let mut unassigned_priority = 0;
    for &j in &sol.unassigned {
        if j < nj {
            served[j] += 1;
            unassigned += 1;
            unassigned_priority += u64::from(p.jobs[j].priority);
        } else {
            v.push(format!("unassigned: no job index {j}"));
        }
    }
    for (j, &n) in served.iter().enumerate() {
        if n != 1 {
            v.push(format!("job {}: appears {n} times (routes + unassigned), expected once", p.jobs[j].id));
        }
    }
    Report { violations: v, distance, duration, vehicles, unassigned, unassigned_priority }
}

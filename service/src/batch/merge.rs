//! The merge of a sharded nightly run (`rota batch --merge RUN`): joins the shard versions of
//! one run into one plan, checks the union against the whole problem with the independent
//! checker and commits it as one version with the revision check — or commits nothing.
//!
//! A run is the shard versions saved by `rota batch --shard I/N --run RUN` on top of the current
//! plan version: each shard's note records the run and the revision it read
//! ([`ShardNote`]). The merge takes, for every index `1..=N`, the latest such version.
//!
//! Nothing else may have been committed while the shards ran: every shard save bumps the revision
//! by one, so the database must be at the smallest revision a shard of the run read plus the
//! number of shard versions the run saved (retries included). Any other change — a dispatcher's
//! edit, an import — is a conflict (exit 3), as for an unsharded batch: the run is repeated on top
//! of the change. The commit itself re-checks the revision read by the merge.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use rota_solver::check::check_plan;
use rota_solver::format::*;
use rota_store::db::{Db, NewPlanVersion, StoreError};
use serde::{Deserialize, Serialize};

use super::{BatchError, BatchOptions, BatchReport, compile, desk_pins, horizon_problem, pause_point, slots};

/// What a shard's plan version carries in its note.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ShardNote {
    /// The run this shard belongs to (`--run`, default `DATE+DAYS`).
    pub shard_run: String,
    /// The database revision the shard read its snapshot at.
    pub revision_read: i64,
}

impl ShardNote {
    pub fn parse(note: &str) -> Option<ShardNote> {
        serde_json::from_str(note).ok()
    }
}

/// The default run name of a horizon: `2026-12-07+5`.
pub fn default_run(start: chrono::NaiveDate, days: u32) -> String {
    format!("{start}+{days}")
}

/// Parses a shard tag `I/N`.
fn shard_tag(tag: &str) -> Option<(u32, u32)> {
    let (i, n) = tag.split_once('/')?;
    Some((i.trim().parse().ok()?, n.trim().parse().ok()?))
}

/// Merges the shard versions of `run` and commits the union as the current plan.
pub fn merge(db_path: &Path, run: &str, log: &mut dyn FnMut(&str)) -> Result<BatchReport, BatchError> {
    let started = Instant::now();
    let mut db = Db::open(db_path)?;
    let snapshot = db.snapshot()?;
    let current = snapshot.head.current_plan_id;
    pause_point("merge-snapshot");
    let path = db.path().to_path_buf();
    let incomplete = |message: String| BatchError::Incomplete { path: path.clone(), message };

    // The run's shard versions on top of the current plan (other parents: an older run, or a run
    // overtaken by a change).
    let all = db.plan_versions()?;
    let of_run: Vec<_> = all
        .iter()
        .filter_map(|v| {
            let tag = shard_tag(v.shard.as_deref()?)?;
            let note = ShardNote::parse(&v.note).filter(|n| n.shard_run == run)?;
            Some((v, tag, note))
        })
        .collect();
    let on_current: Vec<_> = of_run.iter().filter(|(v, _, _)| v.parent_id == current).collect();
    if on_current.is_empty() {
        if let Some((v, _, _)) = of_run.first() {
            // The run was made on another plan: something was committed since it started.
            return Err(BatchError::Store(StoreError::Conflict {
                path: path.clone(),
                expected: of_run.iter().map(|(_, _, n)| n.revision_read).min().unwrap_or_default(),
                found: snapshot.head.revision,
                by: Some(format!(
                    "a change after the shards of run {run:?} started (they planned on top of {}, the current plan is {})",
                    v.parent_id.map_or("no plan".into(), |p| format!("v{p}")),
                    current.map_or("none".into(), |p| format!("v{p}"))
                )),
            }));
        }
        return Err(incomplete(format!(
            "no shard versions of run {run:?} (saved by `rota batch --shard I/N --run {run}`)"
        )));
    }
    let counts: BTreeSet<u32> = on_current.iter().map(|(_, (_, n), _)| *n).collect();
    if counts.len() != 1 {
        return Err(incomplete(format!(
            "the shards of run {run:?} disagree on the number of shards ({})",
            counts.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
        )));
    }
    let n = *counts.iter().next().unwrap_or(&1);
    // The latest version of each shard (plan_versions is newest first).
    let mut latest: BTreeMap<u32, i64> = BTreeMap::new();
    for (v, (i, _), _) in &on_current {
        latest.entry(*i).or_insert(v.id);
    }
    let missing: Vec<String> = (1..=n).filter(|i| !latest.contains_key(i)).map(|i| format!("{i}/{n}")).collect();
    if !missing.is_empty() {
        return Err(incomplete(format!(
            "run {run:?} is not complete: shard(s) {} saved no plan yet; nothing was committed",
            missing.join(", ")
        )));
    }
    // Only the run's own saves may have happened since its first shard read the database.
    let first_read = on_current.iter().map(|(_, _, note)| note.revision_read).min().unwrap_or_default();
    let expected = first_read + on_current.len() as i64;
    if snapshot.head.revision != expected {
        return Err(BatchError::Store(StoreError::Conflict {
            path: path.clone(),
            expected,
            found: snapshot.head.revision,
            by: Some(format!("a change while the shards of run {run:?} ran")),
        }));
    }

    let shards: Vec<(i64, Plan)> =
        latest.values().map(|&id| db.plan(id).map(|p| (id, p))).collect::<Result<_, StoreError>>()?;
    let infos: Vec<_> = latest.values().filter_map(|id| all.iter().find(|v| v.id == *id)).collect();
    let horizons: BTreeSet<(String, u32)> = infos.iter().map(|v| (v.horizon_start.clone(), v.horizon_days)).collect();
    let Some((start, days)) = horizons.iter().next().cloned().filter(|_| horizons.len() == 1) else {
        return Err(incomplete(format!("the shards of run {run:?} planned different horizons")));
    };
    let start: chrono::NaiveDate =
        start.parse().map_err(|_| incomplete(format!("shard version horizon start {start:?} is not a date")))?;
    log(&format!(
        "merge: run {run:?}, {n} shard(s) {} on top of {}, revision {}",
        latest.values().map(|id| format!("v{id}")).collect::<Vec<_>>().join(", "),
        current.map_or("no plan".into(), |p| format!("v{p}")),
        snapshot.head.revision
    ));

    // The whole problem, cut to the horizon as the shards cut it (without the shard partition).
    let (app_locked, app_timed) = desk_pins(&db, current)?;
    let locked: BTreeSet<String> = app_locked.iter().chain(&app_timed).cloned().collect();
    let problem = horizon_problem(&snapshot, &locked, start, days, None);
    let instance = compile(db_path, &problem)?;
    let travel = super::travel_model(db_path, &snapshot, &problem, &instance)?;

    // The union: routes and unassigned visits of every shard (disjoint by construction).
    let (_, first) = &shards[0];
    let mut plan = Plan {
        format: first.format.clone(),
        problem: ProblemRef { name: problem.name.clone(), fingerprint: problem_fingerprint(&problem) },
        settings: SolverSettings {
            iterations: shards.iter().map(|(_, p)| p.settings.iterations).sum(),
            ..first.settings.clone()
        },
        routes: shards.iter().flat_map(|(_, p)| p.routes.iter().cloned()).collect(),
        unassigned: shards.iter().flat_map(|(_, p)| p.unassigned.iter().cloned()).collect(),
        kpis: Kpis::default(),
        objective: Objective::default(),
    };
    let order: BTreeMap<&str, usize> =
        problem.technicians.iter().enumerate().map(|(k, t)| (t.id.as_str(), k)).collect();
    plan.routes.sort_by_key(|r| (order.get(r.technician.as_str()).copied().unwrap_or(usize::MAX), r.day));
    // The figures of the whole plan are the checker's own recomputation; then every rule is checked.
    let figures = check_plan(&instance, travel.as_ref(), &plan);
    plan.kpis = figures.kpis;
    plan.objective = figures.objective;
    let check = check_plan(&instance, travel.as_ref(), &plan);

    let before = match current {
        Some(id) => Some(db.plan(id)?),
        None => None,
    };
    let opts = BatchOptions {
        date: Some(start),
        days: Some(days),
        seed: plan.settings.seed,
        iterations: plan.settings.iterations,
        time_limit: std::time::Duration::from_secs_f64(plan.settings.time_limit_s.max(0.0)),
        ..BatchOptions::default()
    };
    let mut report =
        super::build_report(db_path, &snapshot, &problem, &instance, &plan, before.as_ref(), &opts, start, days);
    report.shard = Some(format!("merge of {n} shard(s), run {run}"));
    let mut report = super::refuse_if_infeasible(db_path, &check, report, started)?;
    log("merge checked: every hard rule holds for the whole problem");
    pause_point("merge-checked");

    let placed = slots(&plan);
    let kept =
        |set: &BTreeSet<String>| -> Vec<String> { set.iter().filter(|v| placed.contains_key(*v)).cloned().collect() };
    let (kept_locks, kept_timed) = (kept(&app_locked), kept(&app_timed));
    let note = if kept_locks.is_empty() && kept_timed.is_empty() {
        String::new()
    } else {
        let meta = crate::desk::VersionMeta {
            desk: 1,
            action: crate::desk::Action::new("solve").with("seed", plan.settings.seed),
            locked: kept_locks,
            timed: kept_timed,
            queue: BTreeMap::new(),
        };
        serde_json::to_string(&meta).unwrap_or_default()
    };
    let version = NewPlanVersion {
        plan: &plan,
        parent: current,
        author: "batch",
        horizon: Horizon { start, days },
        shard: None,
        note,
        created_at: chrono::Local::now().naive_local().format("%Y-%m-%dT%H:%M:%S").to_string(),
    };
    match db.commit_plan_version(snapshot.head.revision, &version, &mut || pause_point("before-commit")) {
        Ok(id) => {
            report.version = Some(id);
            report.outcome = "committed".into();
        }
        Err(e) if e.is_conflict() => {
            report.outcome = "conflict".into();
            report.elapsed_s = started.elapsed().as_secs_f64();
            return Err(BatchError::Conflict { source: e, report: Box::new(report) });
        }
        Err(e) => return Err(e.into()),
    }
    log(&format!("committed: plan version v{} (merge of run {run:?})", report.version.unwrap_or_default()));
    pause_point("committed");
    report.elapsed_s = started.elapsed().as_secs_f64();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_notes_and_tags_read_back() {
        let note = ShardNote { shard_run: "2026-12-07+5".into(), revision_read: 12 };
        let text = serde_json::to_string(&note).unwrap();
        assert_eq!(ShardNote::parse(&text), Some(note));
        assert_eq!(ShardNote::parse(""), None);
        assert_eq!(ShardNote::parse("{\"desk\":1}"), None);
        assert_eq!(shard_tag("2/8"), Some((2, 8)));
        assert_eq!(shard_tag("x/8"), None);
        assert_eq!(default_run("2026-12-07".parse().unwrap(), 5), "2026-12-07+5");
    }
}

//! The nightly batch: re-optimize every visit not yet dispatched in a horizon, keep pins and
//! everything dispatched or in progress, limit churn of communicated appointments, check the
//! result independently and commit one new plan version in one transaction — or nothing.
//!
//! Steps (each a named *phase*, see [`pause_point`]):
//! 1. `snapshot` — one read transaction: the master data, the current plan's assignments and
//!    the database revision.
//! 2. materialize a `rota-problem/1` for the horizon (and shard), compile it, build its travel
//!    model; solve with the default pipeline — assignment MIP, then routing (`solved`);
//! 3. change budget: if more communicated appointments moved than `max_changes`, pin the rest
//!    back to their technician and day and solve again;
//! 4. `checked` — the independent checker must find no broken hard rule, or nothing is
//!    committed (exit 1);
//! 5. `before-commit` — inside the write transaction: the revision must still be the one read
//!    (optimistic concurrency, else [`BatchError::Conflict`], exit 3); insert the version and
//!    move `current`; then `committed`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rota_solver::assign;
use rota_solver::check::{CheckReport, check_plan};
use rota_solver::format::*;
use rota_solver::instance::Instance;
use rota_solver::planner::{Progress, SolveOptions};
use rota_solver::time::LocalDateTime;
use rota_solver::travel::TravelModel;
use rota_solver::travel::road::{RoadGraph, RoadNetwork};
use rota_solver::validate;
use rota_store::db::master::Snapshot;
use rota_store::db::{Db, NewPlanVersion, StoreError};
use serde::Serialize;

pub mod merge;
pub mod report;

/// Environment variable naming the phase(s) at which a batch waits (test hook).
pub const PAUSE_AT_ENV: &str = "ROTA_TEST_PAUSE_AT";
/// Directory where a paused batch writes `paused-<phase>` and waits for `resume-<phase>`.
pub const PAUSE_DIR_ENV: &str = "ROTA_TEST_PAUSE_DIR";

#[derive(Clone, Debug)]
pub struct BatchOptions {
    /// First day; default: the stored horizon's start.
    pub date: Option<NaiveDate>,
    /// Days; default: the stored horizon's length.
    pub days: Option<u32>,
    /// At most this many communicated appointments may move (to another technician or day,
    /// or out of the plan).
    pub max_changes: Option<u32>,
    pub time_limit: Duration,
    pub seed: u64,
    pub iterations: u32,
    /// `(index, count)`, index 1-based.
    pub shard: Option<(u32, u32)>,
    /// The run a shard belongs to (what `--merge RUN` joins); default `DATE+DAYS`.
    pub run: Option<String>,
}

impl Default for BatchOptions {
    fn default() -> Self {
        Self {
            date: None,
            days: None,
            max_changes: None,
            time_limit: Duration::from_secs(60),
            seed: 1,
            iterations: 20_000,
            shard: None,
            run: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    #[error(transparent)]
    Store(StoreError),
    #[error("{}: {message}", path.display())]
    BadInput { path: PathBuf, message: String },
    #[error("{}: the new plan breaks {} hard rule(s); nothing was committed:\n{}", path.display(), violations.len(), violations.join("\n"))]
    Infeasible { path: PathBuf, violations: Vec<String>, report: Box<BatchReport> },
    #[error("{source}; nothing was committed — run the batch again to plan on top of the change")]
    Conflict { source: StoreError, report: Box<BatchReport> },
    /// A merge found no complete shard run to join (exit 4: a scheduler retries later).
    #[error("{}: {message}", path.display())]
    Incomplete { path: PathBuf, message: String },
}

impl BatchError {
    /// 1 failed, 2 bad input, 3 conflict, 4 a merge found its run incomplete (retry later).
    pub fn exit_code(&self) -> u8 {
        match self {
            BatchError::Store(e) if e.is_bad_input() => 2,
            BatchError::Store(e) if e.is_conflict() => 3,
            BatchError::Store(_) | BatchError::Infeasible { .. } => 1,
            BatchError::Incomplete { .. } => 4,
            BatchError::BadInput { .. } => 2,
            BatchError::Conflict { .. } => 3,
        }
    }
    /// The report of a run that got as far as a plan.
    pub fn report(&self) -> Option<&BatchReport> {
        match self {
            BatchError::Infeasible { report, .. } | BatchError::Conflict { report, .. } => Some(report),
            _ => None,
        }
    }
}

impl From<StoreError> for BatchError {
    fn from(e: StoreError) -> Self {
        BatchError::Store(e)
    }
}

/// Where a visit is in a plan.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Slot {
    pub technician: String,
    pub start: String,
}

/// One visit whose technician or day changed.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub visit: String,
    pub priority: String,
    pub from: Option<Slot>,
    pub to: Option<Slot>,
    pub communicated: bool,
    /// Why, as a code: `newly_planned`, `dropped`, `moved_day` (same technician, another day)
    /// or `moved_technician` (re-optimization found a lower total cost).
    pub why: String,
    /// For `dropped`: the unassigned reason code and the solver's detail (English).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_detail: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnassignedVisit {
    pub visit: String,
    pub code: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ChangeBudget {
    pub max_changes: u32,
    /// Communicated appointments the unconstrained plan moved.
    pub wanted: u32,
    /// Pinned back to their technician and day for the second solve.
    pub held_back: u32,
    /// Communicated appointments moved in the committed plan.
    pub moved: u32,
}

/// What a batch did, for people (Markdown) and machines (JSON).
#[derive(Clone, Debug, Serialize)]
pub struct BatchReport {
    pub database: String,
    /// `committed`, `infeasible`, `conflict`, `saved` (a shard's partial plan).
    pub outcome: String,
    pub version: Option<i64>,
    pub parent: Option<i64>,
    pub revision_read: i64,
    pub horizon_start: NaiveDate,
    pub horizon_days: u32,
    pub shard: Option<String>,
    pub seed: u64,
    pub time_limit_s: f64,
    pub iterations: u32,
    pub elapsed_s: f64,
    pub solve_s: f64,
    pub visits: usize,
    pub technicians: usize,
    pub kept_fixed: usize,
    pub pinned: usize,
    pub kpis_before: Option<Kpis>,
    pub objective_before: Option<f64>,
    pub kpis_after: Kpis,
    pub objective_after: f64,
    pub objective_terms_after: ObjectiveTerms,
    pub change_budget: Option<ChangeBudget>,
    pub changed: Vec<Change>,
    /// Visits whose start moved within the same technician-day.
    pub retimed: usize,
    pub unassigned: Vec<UnassignedVisit>,
}

/// Test hook: when `ROTA_TEST_PAUSE_AT` lists `phase` (comma-separated), write
/// `$ROTA_TEST_PAUSE_DIR/paused-<phase>` and wait until `resume-<phase>` appears there. Lets
/// tests kill the process, or edit the database, at an exact point. Does nothing otherwise.
pub fn pause_point(phase: &str) {
    let Ok(at) = std::env::var(PAUSE_AT_ENV) else { return };
    if !at.split(',').any(|p| p.trim() == phase) {
        return;
    }
    let dir = std::env::var_os(PAUSE_DIR_ENV).map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let _ = std::fs::write(dir.join(format!("paused-{phase}")), std::process::id().to_string());
    let resume = dir.join(format!("resume-{phase}"));
    while !resume.exists() {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The problem of one batch: the stored problem cut to a horizon (and shard), with `current`
/// taken from the current plan version.
pub struct BatchProblem {
    pub problem: Problem,
    pub instance: Instance,
    pub travel: Box<dyn TravelModel>,
}

/// Region ids of shard `index` of `count` (1-based): regions sorted by id, dealt round-robin.
pub fn shard_regions(problem: &Problem, index: u32, count: u32) -> BTreeSet<String> {
    let mut ids: Vec<&str> = problem.regions.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.into_iter()
        .enumerate()
        .filter(|(k, _)| (*k as u32) % count == index - 1)
        .map(|(_, id)| id.to_string())
        .collect()
}

/// Cuts the stored problem to `start + days` (and a shard's regions): done and cancelled visits
/// go, dispatched and in-progress visits outside the horizon go, open visits whose windows or
/// pins all fall outside go. `current` comes from the current plan where it has the visit.
/// A `locked` visit (locked in the desktop app) is pinned to its technician, day and start in
/// the current plan, like a stored pin.
pub fn horizon_problem(
    snapshot: &Snapshot,
    locked: &BTreeSet<String>,
    start: NaiveDate,
    days: u32,
    shard: Option<(u32, u32)>,
) -> Problem {
    let mut p = snapshot.problem.clone();
    p.horizon = Horizon { start, days };
    let begin = LocalDateTime(start.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end = LocalDateTime((start + chrono::Days::new(u64::from(days))).and_hms_opt(0, 0, 0).unwrap_or_default());
    let inside = |t: LocalDateTime| begin <= t && t < end;
    let in_plan: BTreeMap<&str, (&str, LocalDateTime)> =
        snapshot.current_assignments.iter().map(|(v, t, s)| (v.as_str(), (t.as_str(), *s))).collect();

    let techs: BTreeSet<&str> = snapshot.problem.technicians.iter().map(|t| t.id.as_str()).collect();
    for v in &mut p.visits {
        if !locked.contains(&v.id) || !v.status.is_plannable() {
            continue;
        }
        if let Some(&(tech, at)) = in_plan.get(v.id.as_str())
            && techs.contains(tech)
        {
            v.pin = Some(Pin { technician: Some(tech.to_string()), day: Some(at.date()), start: Some(at) });
        }
    }

    if let Some((index, count)) = shard {
        // Regions by shard; a technician belongs to the shard of its first primary region.
        let mine = shard_regions(&p, index, count);
        p.technicians.retain(|t| t.regions.first().is_some_and(|r| mine.contains(r)));
        let region_of: Vec<Option<usize>> = match validate::compile(&snapshot.problem) {
            Ok(inst) => inst.visits.iter().map(|v| Some(v.region)).collect(),
            Err(_) => vec![None; snapshot.problem.visits.len()],
        };
        let region_ids: Vec<String> = snapshot.problem.regions.iter().map(|r| r.id.clone()).collect();
        let keep: BTreeSet<String> = snapshot
            .problem
            .visits
            .iter()
            .zip(&region_of)
            .filter(|(_, r)| r.is_some_and(|r| mine.contains(&region_ids[r])))
            .map(|(v, _)| v.id.clone())
            .collect();
        p.visits.retain(|v| keep.contains(&v.id));
        let techs: BTreeSet<String> = p.technicians.iter().map(|t| t.id.clone()).collect();
        for v in &mut p.visits {
            if v.preferred_technician.as_ref().is_some_and(|t| !techs.contains(t)) {
                v.preferred_technician = None;
            }
            v.excluded_technicians.retain(|t| techs.contains(t));
        }
        // A visit pinned to, or dispatched with, another shard's technician is not this shard's.
        p.visits.retain(|v| {
            v.pin.as_ref().and_then(|pin| pin.technician.as_ref()).is_none_or(|t| techs.contains(t))
                && (!v.status.is_fixed() || v.current.as_ref().is_some_and(|c| techs.contains(&c.technician)))
        });
        for v in &mut p.visits {
            if v.current.as_ref().is_some_and(|c| !techs.contains(&c.technician)) {
                v.current = None;
            }
        }
    }

    p.visits.retain(|v| {
        if v.status.is_fixed() {
            return v.current.as_ref().is_some_and(|c| inside(c.start));
        }
        if !v.status.is_plannable() {
            return false;
        }
        if let Some(pin) = &v.pin {
            if pin.day.is_some_and(|d| d < start || d >= start + chrono::Days::new(u64::from(days))) {
                return false;
            }
            if pin.start.is_some_and(|s| !inside(s)) {
                return false;
            }
        }
        v.time_windows.is_empty() || v.time_windows.iter().any(|w| w.end >= begin && w.start < end)
    });
    for v in &mut p.visits {
        if !v.status.is_plannable() {
            continue;
        }
        if let Some(&(tech, at)) = in_plan.get(v.id.as_str()) {
            let told = v.current.as_ref().filter(|c| c.communicated);
            let communicated = told.is_some_and(|c| c.technician == tech && c.start.date() == at.date());
            if p.technicians.iter().any(|t| t.id == tech) {
                v.current = Some(CurrentAssignment { technician: tech.to_string(), start: at, communicated });
            }
        }
    }
    p
}

/// The stops the desktop app pins in plan version `current`, from the desk's version note: the
/// locked ones, and the timed ones (dropped at a start on the board), which the batch keeps too;
/// none for a version the desk ([`crate::desk`]) did not write.
pub fn desk_pins(db: &Db, current: Option<i64>) -> Result<(BTreeSet<String>, BTreeSet<String>), StoreError> {
    let Some(id) = current else { return Ok(Default::default()) };
    let note = db.plan_note(id)?;
    Ok(crate::desk::VersionMeta::parse(&note)
        .map(|m| (m.locked.into_iter().collect(), m.timed.into_iter().collect()))
        .unwrap_or_default())
}

/// Builds the travel model of a stored problem (a road network comes from the database).
pub fn travel_model(
    db_path: &Path,
    snapshot: &Snapshot,
    problem: &Problem,
    inst: &Instance,
) -> Result<Box<dyn TravelModel>, BatchError> {
    match &problem.travel {
        TravelSpec::Road { network, access_speed_kmh } => {
            let bad = |message: String| BatchError::BadInput { path: db_path.to_path_buf(), message };
            let bytes = snapshot
                .roads_json
                .as_deref()
                .ok_or_else(|| bad(format!("road network {network:?} is not in the database")))?;
            let net = RoadNetwork::from_json_slice(bytes).map_err(|e| bad(format!("road network {network:?}: {e}")))?;
            let graph = RoadGraph::build(&net)
                .map_err(|e| bad(format!("road network {network:?}: {}", e.errors.join("; "))))?;
            let matrix = graph
                .travel_matrix(&inst.locations, *access_speed_kmh)
                .map_err(|e| bad(format!("road network {network:?}: {e}")))?;
            Ok(Box::new(matrix))
        }
        _ => crate::travel_model(db_path, problem, inst)
            .map_err(|e| BatchError::BadInput { path: db_path.to_path_buf(), message: e.to_string() }),
    }
}

fn compile(db_path: &Path, problem: &Problem) -> Result<Instance, BatchError> {
    validate::compile(problem).map_err(|d| BatchError::BadInput {
        path: db_path.to_path_buf(),
        message: format!("the stored data for this horizon has {} problem(s):\n{d}", d.len()),
    })
}

/// Where each visit is in a plan: visit → (technician, day, start).
fn slots(plan: &Plan) -> BTreeMap<String, (String, NaiveDate, LocalDateTime)> {
    let mut map = BTreeMap::new();
    for r in &plan.routes {
        for s in &r.stops {
            map.insert(s.visit.clone(), (r.technician.clone(), r.day, s.start));
        }
    }
    map
}

/// Plannable communicated appointments the plan moves to another technician or day (or drops).
fn moved_communicated(problem: &Problem, plan: &Plan) -> Vec<String> {
    let now = slots(plan);
    problem
        .visits
        .iter()
        .filter(|v| v.status.is_plannable())
        .filter_map(|v| v.current.as_ref().filter(|c| c.communicated).map(|c| (v, c)))
        .filter(|(v, c)| now.get(&v.id).is_none_or(|(t, d, _)| *t != c.technician || *d != c.start.date()))
        .map(|(v, _)| v.id.clone())
        .collect()
}

/// Runs the nightly batch on a database file. `progress` gets the solver's progress; `log`
/// gets one line per phase.
pub fn run(
    db_path: &Path,
    opts: &BatchOptions,
    progress: &mut dyn FnMut(&Progress),
    log: &mut dyn FnMut(&str),
    cancel: &AtomicBool,
) -> Result<BatchReport, BatchError> {
    let started = Instant::now();
    if let Some((i, n)) = opts.shard
        && (n == 0 || i == 0 || i > n)
    {
        return Err(BatchError::BadInput {
            path: db_path.to_path_buf(),
            message: format!("--shard must be I/N with 1 ≤ I ≤ N, got {i}/{n}"),
        });
    }
    let mut db = Db::open(db_path)?;
    let snapshot = db.snapshot()?;
    log(&format!(
        "snapshot: revision {}, current plan {}",
        snapshot.head.revision,
        snapshot.head.current_plan_id.map_or("none".to_string(), |id| format!("v{id}"))
    ));
    pause_point("snapshot");
    let start = opts.date.unwrap_or(snapshot.problem.horizon.start);
    let days = opts.days.unwrap_or(snapshot.problem.horizon.days);
    if days == 0 || days > validate::MAX_HORIZON_DAYS {
        return Err(BatchError::BadInput {
            path: db_path.to_path_buf(),
            message: format!("--days must be 1–{}, got {days}", validate::MAX_HORIZON_DAYS),
        });
    }
    let (app_locked, app_timed) = desk_pins(&db, snapshot.head.current_plan_id)?;
    let locked: BTreeSet<String> = app_locked.iter().chain(&app_timed).cloned().collect();
    if !locked.is_empty() {
        log(&format!(
            "{} stop(s) locked in the desktop app and {} dropped there at a set time: kept as pins",
            app_locked.len(),
            app_timed.len()
        ));
    }
    let mut problem = horizon_problem(&snapshot, &locked, start, days, opts.shard);
    let mut instance = compile(db_path, &problem)?;
    let setup = Instant::now();
    let travel = travel_model(db_path, &snapshot, &problem, &instance)?;
    log(&format!(
        "horizon {start} + {days} days: {} visits to plan, {} technicians; travel model ready in {:.1} s",
        instance.visits.iter().filter(|v| v.needs_plan()).count(),
        instance.technicians.len(),
        setup.elapsed().as_secs_f64()
    ));

    // `--time-limit` covers the whole run: the solver gets what is left after reading the
    // database and building the horizon problem and its travel model (the checker and the commit
    // after it take about a second at 10,000 visits; docs/benchmarks.md).
    let budget_split = if opts.max_changes.is_some() { 0.5 } else { 1.0 };
    let solver_budget = opts.time_limit.saturating_sub(started.elapsed());
    let solve_opts = |limit: Duration| SolveOptions {
        seed: opts.seed,
        time_limit: limit,
        max_iterations: opts.iterations,
        author: "batch".into(),
    };
    let solve_started = Instant::now();
    let reference = |p: &Problem| ProblemRef { name: p.name.clone(), fingerprint: problem_fingerprint(p) };
    // The default pipeline, as `rota solve`: assignment MIP, then routing and improvement.
    let (mut plan, _) = assign::solve_with_assignment(
        &instance,
        travel.as_ref(),
        reference(&problem),
        &solve_opts(solver_budget.mul_f64(budget_split)),
        progress,
        cancel,
    );
    log(&format!(
        "solved: {} of {} assigned, objective {:.1}",
        plan.kpis.assigned, plan.kpis.visits, plan.objective.total
    ));
    pause_point("solved");

    let mut change_budget = None;
    if let Some(max) = opts.max_changes {
        let moved = moved_communicated(&problem, &plan);
        let mut budget = ChangeBudget { max_changes: max, wanted: moved.len() as u32, ..Default::default() };
        if moved.len() as u32 > max {
            // Allow the most urgent moves; pin the others back to their technician and day.
            let mut ranked: Vec<&Visit> = problem.visits.iter().filter(|v| moved.contains(&v.id)).collect();
            ranked.sort_by(|a, b| {
                (a.priority, a.sla.map(|s| s.on_site_by), &a.id).cmp(&(b.priority, b.sla.map(|s| s.on_site_by), &b.id))
            });
            let hold: BTreeSet<String> = ranked.iter().skip(max as usize).map(|v| v.id.clone()).collect();
            for v in &mut problem.visits {
                if hold.contains(&v.id)
                    && let Some(c) = &v.current
                {
                    let pin = v.pin.get_or_insert_with(Pin::default);
                    pin.technician.get_or_insert(c.technician.clone());
                    pin.day.get_or_insert(c.start.date());
                }
            }
            budget.held_back = hold.len() as u32;
            instance = compile(db_path, &problem)?;
            let left = opts.time_limit.saturating_sub(started.elapsed());
            log(&format!(
                "change budget: {} communicated appointments would move, {max} allowed; re-solving with {} held",
                moved.len(),
                hold.len()
            ));
            plan = assign::solve_with_assignment(
                &instance,
                travel.as_ref(),
                reference(&problem),
                &solve_opts(left),
                progress,
                cancel,
            )
            .0;
        }
        budget.moved = moved_communicated(&problem, &plan).len() as u32;
        change_budget = Some(budget);
    }
    let solve_s = solve_started.elapsed().as_secs_f64();

    // The report, before anything is committed.
    let before = match snapshot.head.current_plan_id {
        Some(id) => Some(db.plan(id)?),
        None => None,
    };
    let mut report = build_report(db_path, &snapshot, &problem, &instance, &plan, before.as_ref(), opts, start, days);
    report.change_budget = change_budget;
    report.solve_s = solve_s;

    let check = check_plan(&instance, travel.as_ref(), &plan);
    let mut report = refuse_if_infeasible(db_path, &check, report, started)?;
    log("checked: every hard rule holds");
    pause_point("checked");

    let created_at = chrono::Local::now().naive_local().format("%Y-%m-%dT%H:%M:%S").to_string();
    // Locks the new plan kept stay locks: the version note carries them, as the desk writes it.
    let placed = slots(&plan);
    let kept =
        |set: &BTreeSet<String>| -> Vec<String> { set.iter().filter(|v| placed.contains_key(*v)).cloned().collect() };
    let (kept_locks, kept_timed) = (kept(&app_locked), kept(&app_timed));
    let note = if kept_locks.is_empty() && kept_timed.is_empty() {
        String::new()
    } else {
        let meta = crate::desk::VersionMeta {
            desk: 1,
            action: crate::desk::Action::new("solve").with("seed", opts.seed),
            locked: kept_locks,
            timed: kept_timed,
            queue: BTreeMap::new(),
        };
        serde_json::to_string(&meta).unwrap_or_default()
    };
    let version = NewPlanVersion {
        plan: &plan,
        parent: snapshot.head.current_plan_id,
        author: "batch",
        horizon: Horizon { start, days },
        shard: opts.shard.map(|(i, n)| format!("{i}/{n}")),
        note,
        created_at,
    };
    if opts.shard.is_some() {
        // A shard's plan covers part of the area: stored for the merge step, not made current.
        // Its note names the run and the revision read (the merge's conflict check).
        let note = merge::ShardNote {
            shard_run: opts.run.clone().unwrap_or_else(|| merge::default_run(start, days)),
            revision_read: snapshot.head.revision,
        };
        let version = NewPlanVersion { note: serde_json::to_string(&note).unwrap_or_default(), ..version };
        let id = db.save_plan_version(&version)?;
        report.version = Some(id);
        report.outcome = "saved".into();
    } else {
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
    }
    log(&format!("{}: plan version v{}", report.outcome, report.version.unwrap_or_default()));
    pause_point("committed");
    report.elapsed_s = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Passes the report on when the independent checker accepts the plan; otherwise the batch is
/// refused with every broken rule and the report marked `infeasible`.
fn refuse_if_infeasible(
    db_path: &Path,
    check: &CheckReport,
    mut report: BatchReport,
    started: Instant,
) -> Result<BatchReport, BatchError> {
    if check.is_feasible() {
        return Ok(report);
    }
    report.outcome = "infeasible".into();
    report.elapsed_s = started.elapsed().as_secs_f64();
    Err(BatchError::Infeasible {
        path: db_path.to_path_buf(),
        violations: check.violations.iter().map(ToString::to_string).collect(),
        report: Box::new(report),
    })
}

#[allow(clippy::too_many_arguments)]
fn build_report(
    db_path: &Path,
    snapshot: &Snapshot,
    problem: &Problem,
    inst: &Instance,
    plan: &Plan,
    before: Option<&Plan>,
    opts: &BatchOptions,
    start: NaiveDate,
    days: u32,
) -> BatchReport {
    let now = slots(plan);
    let unassigned_reason: BTreeMap<&str, &Reason> =
        plan.unassigned.iter().filter_map(|u| u.reasons.first().map(|r| (u.visit.as_str(), r))).collect();
    let mut changed = Vec::new();
    let mut retimed = 0;
    for v in problem.visits.iter().filter(|v| v.status.is_plannable()) {
        let from = v.current.as_ref();
        let to = now.get(&v.id);
        let same_day = |c: &CurrentAssignment, t: &(String, NaiveDate, LocalDateTime)| {
            c.technician == t.0 && c.start.date() == t.1
        };
        let why = match (from, to) {
            (None, None) => continue,
            (Some(c), Some(t)) if same_day(c, t) => {
                if c.start != t.2 {
                    retimed += 1;
                }
                continue;
            }
            (None, Some(_)) => "newly_planned",
            (Some(_), None) => "dropped",
            (Some(c), Some(t)) if c.technician == t.0 => "moved_day",
            (Some(_), Some(_)) => "moved_technician",
        };
        let reason = if to.is_none() { unassigned_reason.get(v.id.as_str()) } else { None };
        changed.push(Change {
            visit: v.id.clone(),
            priority: v.priority.as_str().to_string(),
            from: from.map(|c| Slot { technician: c.technician.clone(), start: c.start.to_string() }),
            to: to.map(|t| Slot { technician: t.0.clone(), start: t.2.to_string() }),
            communicated: from.is_some_and(|c| c.communicated),
            why: why.to_string(),
            reason_code: reason.map(|r| r.code.as_str().to_string()),
            reason_detail: reason.map(|r| r.message.clone()),
        });
    }
    BatchReport {
        database: rota_store::db::backend::redact_url(&db_path.display().to_string()),
        outcome: String::new(),
        version: None,
        parent: snapshot.head.current_plan_id,
        revision_read: snapshot.head.revision,
        horizon_start: start,
        horizon_days: days,
        shard: opts.shard.map(|(i, n)| format!("{i}/{n}")),
        seed: opts.seed,
        time_limit_s: opts.time_limit.as_secs_f64(),
        iterations: plan.settings.iterations,
        elapsed_s: 0.0,
        solve_s: 0.0,
        visits: inst.visits.iter().filter(|v| v.needs_plan()).count(),
        technicians: inst.technicians.len(),
        kept_fixed: inst.visits.iter().filter(|v| v.status.is_fixed()).count(),
        pinned: problem.visits.iter().filter(|v| v.pin.is_some()).count(),
        kpis_before: before.map(|p| p.kpis.clone()),
        objective_before: before.map(|p| p.objective.total),
        kpis_after: plan.kpis.clone(),
        objective_after: plan.objective.total,
        objective_terms_after: plan.objective.terms,
        change_budget: None,
        changed,
        retimed,
        unassigned: plan
            .unassigned
            .iter()
            .map(|u| UnassignedVisit {
                visit: u.visit.clone(),
                code: u.reasons.first().map(|r| r.code.as_str().to_string()).unwrap_or_default(),
                reason: u.reasons.first().map(|r| r.message.clone()).unwrap_or_default(),
            })
            .collect(),
    }
}

impl BatchReport {
    /// The readable summary in English.
    pub fn markdown(&self) -> String {
        report::markdown(self, report::Lang::En)
    }

    /// The readable summary in `lang`.
    pub fn markdown_in(&self, lang: report::Lang) -> String {
        report::markdown(self, lang)
    }
}

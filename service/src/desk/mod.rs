//! # The dispatcher's desk: the desktop app's backend use cases
//!
//! **API for src-tauri** (`rota-app`): one [`Desk`] per open database, behind a `Mutex`; each
//! Tauri command of `ui/BACKEND.md` is one method call, its payloads are the serde types of
//! [`types`] (names exactly as in the contract) and its error a [`BackendError`]
//! (`{code, params, message}`). Optimization runs on a background thread: wait for it with
//! [`RunWaiter::wait`] *without* holding the desk's lock (so `optimize_cancel` can get in), then
//! call [`Desk::optimize_result`]. Signature changes are noted here:
//! - (none yet)
//!
//! ## Model
//! The desk keeps the problem, its compiled instance and travel model in memory, plus the
//! current plan as one visit sequence per technician-day. A feasibility check ([`Desk::check_move`])
//! runs the solver's own rules ([`rota_solver::planner::rules::static_rules`] and the schedule
//! of [`rota_solver::planner::schedule`]) on the one route touched, without touching the
//! database. An edit rebuilds the plan, has the independent checker recompute its KPIs and
//! objective (and refuses to save anything the checker rejects), and commits a new plan version
//! (author `dispatcher`; the action, the locked stops and the app's queue reasons ride in the
//! version's `note` as JSON, see [`VersionMeta`]).
//!
//! Locked stops are pins of the in-memory instance (technician, day and start), so the
//! scheduler, the checker and the optimizer all keep them.

pub mod coverage;
mod emergency;
mod engine;
mod geometry;
mod optimize;
pub mod types;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rota_solver::format::{Kpis, Plan, Problem, ProblemRef, TravelSpec, problem_fingerprint};
use rota_solver::instance::{Day, Instance, PinRule, TechIdx, VisitIdx};
use rota_solver::time::{LocalDateTime, Secs};
use rota_solver::travel::TravelModel;
use rota_solver::validate;
use rota_store::db::{Db, NewPlanVersion, StoreError};
use serde::{Deserialize, Serialize};

pub use emergency::{EmergencyCandidate, emergency_candidates};
pub use geometry::RouteLine;
pub use optimize::{OptimizeSettings, RunWaiter};
pub use types::*;

use engine::Routes;

/// Shared travel model (the optimizer's thread holds one too).
#[derive(Clone)]
pub(crate) struct SharedTravel(pub Arc<dyn TravelModel>);

impl TravelModel for SharedTravel {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn travel(&self, from: usize, to: usize) -> rota_solver::travel::Travel {
        self.0.travel(from, to)
    }
}

/// The pins an edit keeps: every pinned stop (locked or timed) with its technician, day and
/// start, and which of them are only timed.
type Pins = (BTreeMap<VisitIdx, (TechIdx, Day, Secs)>, BTreeSet<VisitIdx>);

/// What the desk stores in a plan version's `note`: the action that made it, the locked stops
/// and the queue reasons only the app knows (`manual`, `displaced`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct VersionMeta {
    pub desk: u32,
    pub action: Action,
    #[serde(default)]
    pub locked: Vec<String>,
    /// Stops the dispatcher dropped at a time on the board: they keep that start (and their
    /// technician) until moved again, but stay movable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timed: Vec<String>,
    /// Visit → the app's reason for it being in the queue.
    #[serde(default)]
    pub queue: BTreeMap<String, Violation>,
}

impl VersionMeta {
    /// The desk's metadata in a plan version's note (`None` for a note the desk did not write,
    /// e.g. a batch's). The nightly batch reads the locks from it.
    pub fn parse(note: &str) -> Option<VersionMeta> {
        serde_json::from_str::<VersionMeta>(note).ok().filter(|m| m.desk == 1)
    }
}

/// The current plan as the desk works on it.
#[derive(Clone, Debug)]
pub(crate) struct State {
    pub version: Option<i64>,
    pub routes: Routes,
    /// Pinned visit → (technician, day, start): the locked stops and the timed ones.
    pub locked: BTreeMap<VisitIdx, (TechIdx, Day, Secs)>,
    /// The visits of `locked` that are only timed: dropped at a start on the board, which they
    /// keep, but free to move (not shown as locked).
    pub timed: BTreeSet<VisitIdx>,
    pub queue: BTreeMap<String, Violation>,
    pub plan: Plan,
}

impl State {
    /// Locked by the dispatcher (moves and unassign refused); a timed stop is not.
    pub fn is_locked(&self, v: VisitIdx) -> bool {
        self.locked.contains_key(&v) && !self.timed.contains(&v)
    }
}

/// The problem in memory: as stored, compiled (locks added as pins) and its travel model.
pub(crate) struct Model {
    pub problem: Problem,
    pub inst: Instance,
    /// The pins of the stored problem (locks are added on top).
    pub base_pins: Vec<PinRule>,
    pub travel: SharedTravel,
    pub road: Option<Arc<emergency::RoadIndex>>,
    pub visit_ix: HashMap<String, VisitIdx>,
    pub tech_ix: HashMap<String, TechIdx>,
    pub reference: ProblemRef,
}

/// The dispatcher's desk over one SQLite database. Methods, 1:1 with the Tauri commands of
/// `ui/BACKEND.md`: [`load_problem`](Desk::load_problem), [`load_regions`](Desk::load_regions),
/// [`load_plan`](Desk::load_plan), [`list_plan_versions`](Desk::list_plan_versions),
/// [`check_move`](Desk::check_move), [`move_visit`](Desk::move_visit),
/// [`unassign_visit`](Desk::unassign_visit), [`set_lock`](Desk::set_lock), [`undo`](Desk::undo),
/// [`redo`](Desk::redo), [`undo_state`](Desk::undo_state), [`find_slot`](Desk::find_slot),
/// [`emergency_options`](Desk::emergency_options), [`dispatch_emergency`](Desk::dispatch_emergency),
/// [`optimize_start`](Desk::optimize_start) (+ [`optimize_waiter`](Desk::optimize_waiter)),
/// [`optimize_result`](Desk::optimize_result), [`optimize_cancel`](Desk::optimize_cancel),
/// [`optimize_accept`](Desk::optimize_accept), [`optimize_discard`](Desk::optimize_discard),
/// [`kpis`](Desk::kpis), [`provider_scorecards`](Desk::provider_scorecards).
/// Open with [`Desk::open`] or [`Desk::open_or_create_sample`].
pub struct Desk {
    db: Db,
    path: PathBuf,
    pub(crate) model: Model,
    pub(crate) state: State,
    revision: i64,
    undo_stack: Vec<i64>,
    redo_stack: Vec<i64>,
    runs: HashMap<String, optimize::Run>,
    next_run: u64,
    pub(crate) optimize_settings: OptimizeSettings,
}

fn store_error(e: StoreError) -> BackendError {
    let code = if e.is_conflict() {
        "conflict"
    } else if matches!(e, StoreError::NoSuchPlan { .. }) {
        "unknown_version"
    } else if matches!(e, StoreError::Empty { .. }) {
        "empty_database"
    } else if matches!(e, StoreError::Missing { .. }) {
        "no_database"
    } else if e.is_bad_input() {
        "invalid_input"
    } else {
        "store"
    };
    BackendError::new(code, e.to_string())
}

pub(crate) fn bad(code: &str, message: impl Into<String>) -> BackendError {
    BackendError::new(code, message)
}

pub fn parse_day(text: &str) -> Result<NaiveDate, BackendError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        bad("malformed_day", format!("expected a day like \"2026-12-07\", got {text:?}")).with("value", text)
    })
}

pub(crate) fn parse_moment(text: &str) -> Result<LocalDateTime, BackendError> {
    LocalDateTime::parse(text.trim()).map_err(|m| bad("malformed_time", m).with("value", text))
}

/// Local wall-clock moment now (the service area's clock is the machine's).
fn now_text() -> String {
    chrono::Local::now().naive_local().format("%Y-%m-%dT%H:%M:%S").to_string()
}

impl Model {
    fn new(problem: Problem, db_path: &Path, roads_json: Option<&[u8]>) -> Result<Model, BackendError> {
        let inst = validate::compile(&problem).map_err(|d| {
            bad(
                "invalid_problem",
                format!("{}: the stored problem has {} problem(s):\n{d}", db_path.display(), d.len()),
            )
        })?;
        let (travel, road): (Arc<dyn TravelModel>, _) = match &problem.travel {
            TravelSpec::Road { network, access_speed_kmh } => {
                let bytes = roads_json.ok_or_else(|| {
                    bad(
                        "invalid_problem",
                        format!("{}: road network {network:?} is not in the database", db_path.display()),
                    )
                })?;
                let index = emergency::RoadIndex::new(bytes, *access_speed_kmh).map_err(|m| {
                    bad("invalid_problem", format!("{}: road network {network:?}: {m}", db_path.display()))
                })?;
                let matrix = index.graph.travel_matrix(&inst.locations, *access_speed_kmh).map_err(|e| {
                    bad("invalid_problem", format!("{}: road network {network:?}: {e}", db_path.display()))
                })?;
                (Arc::new(matrix), Some(Arc::new(index)))
            }
            _ => {
                let boxed =
                    crate::travel_model(db_path, &problem, &inst).map_err(|e| bad("invalid_problem", e.to_string()))?;
                (Arc::from(boxed), None)
            }
        };
        Ok(Self::with_travel(problem, inst, SharedTravel(travel), road))
    }

    fn with_travel(
        problem: Problem,
        inst: Instance,
        travel: SharedTravel,
        road: Option<Arc<emergency::RoadIndex>>,
    ) -> Model {
        let base_pins = inst.visits.iter().map(|v| v.pin).collect();
        let visit_ix = inst.visits.iter().enumerate().map(|(i, v)| (v.id.clone(), i)).collect();
        let tech_ix = inst.technicians.iter().enumerate().map(|(i, t)| (t.id.clone(), i)).collect();
        let reference = ProblemRef { name: problem.name.clone(), fingerprint: problem_fingerprint(&problem) };
        Model { problem, inst, base_pins, travel, road, visit_ix, tech_ix, reference }
    }

    pub(crate) fn visit(&self, id: &str) -> Result<VisitIdx, BackendError> {
        self.visit_ix
            .get(id)
            .copied()
            .ok_or_else(|| bad("unknown_visit", format!("no visit {id:?} in the problem")).with("visit", id))
    }

    pub(crate) fn tech(&self, id: &str) -> Result<TechIdx, BackendError> {
        self.tech_ix
            .get(id)
            .copied()
            .ok_or_else(|| bad("unknown_technician", format!("no technician {id:?}")).with("technician", id))
    }

    pub(crate) fn day_index(&self, date: NaiveDate) -> Result<Day, BackendError> {
        let d = (date - self.inst.origin).num_days();
        if d < 0 || d >= i64::from(self.inst.days) {
            return Err(bad(
                "outside_horizon",
                format!("{date} is outside the horizon ({} for {} days)", self.inst.origin, self.inst.days),
            )
            .with("day", date.to_string()));
        }
        Ok(d as Day)
    }

    /// Makes the instance's pins the stored pins plus the locks.
    pub(crate) fn apply_locks(&mut self, locked: &BTreeMap<VisitIdx, (TechIdx, Day, Secs)>) {
        for (v, visit) in self.inst.visits.iter_mut().enumerate() {
            visit.pin = match locked.get(&v) {
                Some(&(t, d, s)) => PinRule { tech: Some(t), day: Some(d), start: Some(s) },
                None => self.base_pins[v],
            };
        }
    }
}

impl Desk {
    /// Opens an existing database: the stored problem, the current plan (or an empty plan
    /// when there is none yet).
    pub fn open(path: &Path) -> Result<Desk, BackendError> {
        let mut db = Db::open(path).map_err(store_error)?;
        let snapshot = db.snapshot().map_err(store_error)?;
        let model = Model::new(snapshot.problem, path, snapshot.roads_json.as_deref())?;
        let empty = State {
            version: None,
            routes: Routes::new(),
            locked: BTreeMap::new(),
            timed: BTreeSet::new(),
            queue: BTreeMap::new(),
            plan: engine::empty_plan(&model),
        };
        let mut desk = Desk {
            db,
            path: path.to_path_buf(),
            model,
            state: empty,
            revision: snapshot.head.revision,
            undo_stack: Vec::new(),
            redo_stack: Vec::new(),
            runs: HashMap::new(),
            next_run: 1,
            optimize_settings: OptimizeSettings::default(),
        };
        match snapshot.head.current_plan_id {
            Some(id) => {
                let state = desk.state_of(id)?;
                desk.set_state(state);
            }
            None => {
                let plan = desk.build_plan(&Routes::new(), &BTreeMap::new(), "dispatcher")?.0;
                desk.state.plan = plan;
            }
        }
        Ok(desk)
    }

    /// Opens a database, creating it first with the bundled Northvale sample service area
    /// (as `rota init --sample`) and an initial solved plan when the file does not exist.
    pub fn open_or_create_sample(path: &Path) -> Result<Desk, BackendError> {
        Self::open_or_create_sample_with(path, std::time::Duration::from_secs(5))
    }

    /// [`Desk::open_or_create_sample`] with a time limit for the initial solve.
    pub fn open_or_create_sample_with(path: &Path, time_limit: std::time::Duration) -> Result<Desk, BackendError> {
        let fresh = if path.to_str().is_some_and(rota_store::db::is_postgres_url) {
            // A team's PostgreSQL database: fresh while it holds no master data.
            Db::open(path).and_then(|db| db.problem()).map_err(store_error)?.is_none()
        } else {
            !path.exists() || std::fs::metadata(path).is_ok_and(|m| m.len() == 0)
        };
        if fresh {
            // The same sample as `rota init --sample`: master data and roads, the visit history
            // (the coverage view's forecast) and the providers' performance records (scorecards),
            // created all or nothing. `$ROTA_SAMPLE=helsinki` picks the real-streets sample.
            let sample = crate::sample::Sample::from_env_value(std::env::var_os(crate::sample::SAMPLE_ENV).as_deref())
                .map_err(|m| bad("invalid_argument", m).with("argument", crate::sample::SAMPLE_ENV))?;
            crate::sample::create_named_sample_db(path, sample).map_err(store_error)?;
        }
        let mut desk = Desk::open(path)?;
        if desk.state.version.is_none() {
            desk.solve_initial(time_limit)?;
        }
        Ok(desk)
    }

    /// Solves the whole horizon and saves it as the current version (author `solver`, action
    /// `solve`) — the first plan of a new database.
    pub fn solve_initial(&mut self, time_limit: std::time::Duration) -> Result<PlanVersion, BackendError> {
        let opts = rota_solver::planner::SolveOptions {
            time_limit,
            max_iterations: 2_000,
            author: "solver".into(),
            ..Default::default()
        };
        let loaded = optimize::loaded_for(&self.model, &self.path, None);
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let (plan, _) = crate::solve_with(&loaded, crate::Pipeline::Routing, &opts, &mut |_| {}, &cancel);
        let routes = engine::routes_of(&self.model, &plan);
        let action = Action::new("solve").with("seed", opts.seed);
        let (plan, _) = self.build_plan(&routes, &BTreeMap::new(), "solver")?;
        let locked = BTreeMap::new();
        self.commit(plan, routes, (locked, BTreeSet::new()), BTreeMap::new(), "solver", action, false)
    }

    /// The database this desk works on.
    pub fn path(&self) -> &Path {
        &self.path
    }

    // ----- reading -------------------------------------------------------------------

    /// `load_problem`: the stored problem, including emergency visits added since.
    pub fn load_problem(&self) -> Problem {
        self.model.problem.clone()
    }

    /// `load_regions`: a GeoJSON FeatureCollection, one Feature per region.
    pub fn load_regions(&self) -> serde_json::Value {
        let features: Vec<serde_json::Value> = self
            .model
            .problem
            .regions
            .iter()
            .map(|r| {
                serde_json::json!({
                    "type": "Feature",
                    "id": r.id,
                    "properties": {"id": r.id, "name": r.name},
                    "geometry": r.area,
                })
            })
            .collect();
        serde_json::json!({"type": "FeatureCollection", "features": features})
    }

    /// `load_plan`: the current plan (`None`) or a saved version.
    pub fn load_plan(&self, version: Option<i64>) -> Result<PlanView, BackendError> {
        match version {
            None => Ok(self.view(&self.state)),
            Some(id) if Some(id) == self.state.version => Ok(self.view(&self.state)),
            Some(id) => {
                let state = self.state_of(id)?;
                Ok(self.view(&state))
            }
        }
    }

    /// The current plan, typed (tests, the CLI).
    pub fn current_plan(&self) -> &Plan {
        &self.state.plan
    }

    /// The current version id (`None` before the first save).
    pub fn current_version(&self) -> Option<i64> {
        self.state.version
    }

    /// `list_plan_versions`: newest first.
    pub fn list_plan_versions(&self) -> Result<Vec<PlanVersion>, BackendError> {
        let infos = self.db.plan_versions().map_err(store_error)?;
        Ok(infos
            .into_iter()
            .map(|i| {
                let action = VersionMeta::parse(&i.note)
                    .map(|m| m.action)
                    .unwrap_or_else(|| Action::new("solve").with("seed", i.seed));
                PlanVersion {
                    id: i.id,
                    parent: i.parent_id,
                    author: i.author,
                    action,
                    created_at: i.created_at,
                    kpis: i.kpis,
                    objective_total: i.objective_total,
                }
            })
            .collect())
    }

    /// `kpis`: of the current plan or a saved version.
    pub fn kpis(&self, version: Option<i64>) -> Result<Kpis, BackendError> {
        match version {
            None => Ok(self.state.plan.kpis.clone()),
            Some(id) => Ok(self.db.plan(id).map_err(store_error)?.kpis),
        }
    }

    /// `undo_state`.
    pub fn undo_state(&self) -> UndoState {
        UndoState { can_undo: !self.undo_stack.is_empty(), can_redo: !self.redo_stack.is_empty() }
    }

    /// `provider_scorecards`: per provider, its contract, its rating from the stored
    /// performance records and certified feeds ([`crate::providers::scorecards`] as of the
    /// horizon's first day; the problem's rating only for a provider with neither), and what
    /// the current plan gives it.
    pub fn provider_scorecards(&self) -> Result<Vec<ProviderScorecard>, BackendError> {
        let inst = &self.model.inst;
        let plan = &self.state.plan;
        let today = inst.origin;
        let rated: BTreeMap<String, crate::providers::Scorecard> = crate::providers::scorecards(&self.db, Some(today))
            .map_err(store_error)?
            .into_iter()
            .map(|c| (c.provider.clone(), c))
            .collect();
        Ok(self
            .model
            .problem
            .providers
            .iter()
            .enumerate()
            .map(|(p, pr)| {
                let (mut n, mut on_time, mut ftf) = (0u32, 0u32, 0u32);
                for r in &plan.routes {
                    let Some(&t) = self.model.tech_ix.get(&r.technician) else { continue };
                    if inst.technicians[t].provider != Some(p) {
                        continue;
                    }
                    for s in &r.stops {
                        let Some(&v) = self.model.visit_ix.get(&s.visit) else { continue };
                        n += 1;
                        if s.sla_late_min == 0 {
                            on_time += 1;
                        }
                        let visit = &inst.visits[v];
                        if inst.technicians[t].skill_level[visit.skill] >= visit.complexity {
                            ftf += 1;
                        }
                    }
                }
                let pct = |k: u32| if n == 0 { 0.0 } else { 100.0 * f64::from(k) / f64::from(n) };
                let card = rated.get(&pr.id);
                let master = pr.rating.unwrap_or(0.5);
                let (source, issuer) = match card.map(|c| &c.source) {
                    Some(crate::providers::RatingSource::Feed { issuer, .. }) => ("feed", Some(issuer.clone())),
                    Some(crate::providers::RatingSource::Performance) => ("performance", None),
                    _ => ("master_data", None),
                };
                ProviderScorecard {
                    provider: pr.id.clone(),
                    name: pr.name.clone(),
                    certification_level: pr.certification_level,
                    certified_until: pr.certified_until.to_string(),
                    certified_now: pr.certified_until >= today,
                    rating: card.map_or(master, |c| c.rating),
                    regions: pr.regions.clone(),
                    share: SharePct { min_pct: pr.share.min_pct, max_pct: pr.share.max_pct },
                    planned_visits: n,
                    on_time_pct: pct(on_time),
                    first_time_fix_pct: pct(ftf),
                    shares: plan.kpis.provider_shares.iter().filter(|s| s.provider == pr.id).cloned().collect(),
                    rating_low: card.map_or(master, |c| c.low),
                    rating_high: card.map_or(master, |c| c.high),
                    rating_source: source.to_string(),
                    rating_issuer: issuer,
                    weight: card.map_or(master, |c| c.weight),
                    record_visits: card.map_or(0, |c| c.visits as u32),
                    record_on_time_pct: card.and_then(|c| c.on_time).map(|x| 100.0 * x),
                    record_first_time_fix_pct: card.and_then(|c| c.first_time_fix).map(|x| 100.0 * x),
                    trend: card.and_then(|c| c.trend),
                }
            })
            .collect())
    }

    // ----- edits ---------------------------------------------------------------------

    /// `check_move`: whether a move is allowed; no side effects, no database access.
    pub fn check_move(&mut self, req: &MoveRequest) -> Result<Feasibility, BackendError> {
        Ok(match self.plan_move(req)? {
            Ok(_) => Feasibility::ok(),
            Err(violations) => Feasibility::refused(violations),
        })
    }

    /// `move_visit`: moves (or assigns) a visit if feasible and saves a new version.
    pub fn move_visit(&mut self, req: &MoveRequest) -> Result<EditResult, BackendError> {
        let routes = match self.plan_move(req)? {
            Ok(routes) => routes,
            Err(violations) => return Ok(refused(violations)),
        };
        let v = self.model.visit(&req.visit)?;
        let mut queue = self.state.queue.clone();
        queue.remove(&req.visit);
        let action = Action::new("move").with("visit", req.visit.clone()).with("technician", req.technician.clone());
        // Dropped at a time: the stop keeps that start until it is moved again (the schedule
        // would otherwise start it as early as the route allows). Moved without one: earliest.
        let (mut locked, mut timed) = (self.state.locked.clone(), self.state.timed.clone());
        locked.remove(&v);
        timed.remove(&v);
        if let Some(text) = &req.start {
            let (t, day) = (self.model.tech(&req.technician)?, self.model.day_index(parse_day(&req.day)?)?);
            locked.insert(v, (t, day, parse_moment(text)?.secs_since(self.model.inst.origin)));
            timed.insert(v);
        }
        self.edit(routes, (locked, timed), queue, action)
    }

    /// `unassign_visit`: back to the queue with reason `manual`.
    pub fn unassign_visit(&mut self, visit: &str) -> Result<EditResult, BackendError> {
        let v = self.model.visit(visit)?;
        if self.state.is_locked(v) {
            return Ok(refused(vec![Violation::new("locked").with("visit", visit)]));
        }
        if engine::position(&self.state.routes, v).is_none() {
            return Err(bad("not_planned", format!("visit {visit:?} is not in the plan")).with("visit", visit));
        }
        if self.model.inst.visits[v].status.is_fixed() {
            return Ok(refused(vec![Violation::new("pin")]));
        }
        let mut routes = self.state.routes.clone();
        engine::remove(&mut routes, v);
        let mut queue = self.state.queue.clone();
        queue.insert(visit.to_string(), Violation::new("manual"));
        let (mut locked, mut timed) = (self.state.locked.clone(), self.state.timed.clone());
        locked.remove(&v);
        timed.remove(&v);
        self.edit(routes, (locked, timed), queue, Action::new("unassign").with("visit", visit))
    }

    /// `set_lock`: a locked stop keeps its technician and start.
    pub fn set_lock(&mut self, visit: &str, locked: bool) -> Result<EditResult, BackendError> {
        let v = self.model.visit(visit)?;
        let mut locks = self.state.locked.clone();
        let mut timed = self.state.timed.clone();
        // A timed stop that gets locked keeps its start and becomes a lock.
        if timed.remove(&v) {
            locks.remove(&v);
        }
        if locked {
            let Some((t, day, k)) = engine::position(&self.state.routes, v) else {
                return Err(bad(
                    "not_planned",
                    format!("visit {visit:?} is not in the plan; only a planned stop can be locked"),
                )
                .with("visit", visit));
            };
            let start =
                self.stop_start(t, day, k).ok_or_else(|| bad("internal", "the current route has no schedule"))?;
            locks.insert(v, (t, day, start));
        } else if locks.remove(&v).is_none() {
            return Err(bad("not_locked", format!("visit {visit:?} is not locked")).with("visit", visit));
        }
        let code = if locked { "lock" } else { "unlock" };
        let pins = (locks, timed);
        self.edit(self.state.routes.clone(), pins, self.state.queue.clone(), Action::new(code).with("visit", visit))
    }

    /// `undo`: restores the plan before the last edit of this session, as a new version.
    pub fn undo(&mut self) -> Result<PlanView, BackendError> {
        let target = *self.undo_stack.last().ok_or_else(|| bad("nothing_to_undo", "nothing to undo"))?;
        let current = self.state.version;
        self.restore(target, Action::new("undo"))?;
        self.undo_stack.pop();
        if let Some(c) = current {
            self.redo_stack.push(c);
        }
        Ok(self.view(&self.state))
    }

    /// `redo`: re-applies the last undone edit, as a new version.
    pub fn redo(&mut self) -> Result<PlanView, BackendError> {
        let target = *self.redo_stack.last().ok_or_else(|| bad("nothing_to_redo", "nothing to redo"))?;
        let current = self.state.version;
        self.restore(target, Action::new("redo"))?;
        self.redo_stack.pop();
        if let Some(c) = current {
            self.undo_stack.push(c);
        }
        Ok(self.view(&self.state))
    }

    /// `find_slot`: feasible insertions over the horizon, best first; a planned visit is
    /// considered as if it were removed first.
    pub fn find_slot(&mut self, visit: &str, limit: usize) -> Result<Vec<SlotOption>, BackendError> {
        let v = self.model.visit(visit)?;
        if self.state.is_locked(v) {
            return Ok(Vec::new());
        }
        // A timed stop is free to go anywhere: search without its own start.
        let unpinned = self.unpin_timed(v);
        let slots = engine::find_slots(&self.model, &self.state, v, limit.clamp(1, 500));
        self.model.inst.visits[v].pin = unpinned;
        Ok(slots)
    }

    // ----- internals ------------------------------------------------------------------

    /// The routes after a move, or the rules it breaks.
    fn plan_move(&mut self, req: &MoveRequest) -> Result<Result<Routes, Vec<Violation>>, BackendError> {
        let v = self.model.visit(&req.visit)?;
        let t = self.model.tech(&req.technician)?;
        let date = parse_day(&req.day)?;
        let day = self.model.day_index(date)?;
        let start = match &req.start {
            Some(s) => {
                let at = parse_moment(s)?;
                if at.date() != date {
                    return Err(
                        bad("malformed_time", format!("start {s} is not on day {}", req.day)).with("value", s.clone())
                    );
                }
                Some(at.secs_since(self.model.inst.origin))
            }
            None => None,
        };
        if !self.model.inst.visits[v].needs_plan() {
            return Err(bad("not_plannable", format!("visit {:?} is done or cancelled", req.visit))
                .with("visit", req.visit.clone()));
        }
        if self.state.is_locked(v) {
            return Ok(Err(vec![Violation::new("locked").with("visit", req.visit.clone())]));
        }
        let unpinned = self.unpin_timed(v);
        let moved = engine::try_move(&mut self.model, &self.state, v, t, day, start);
        self.model.inst.visits[v].pin = unpinned;
        Ok(moved)
    }

    /// Lifts a timed stop's own start pin for a search that may move it; returns the pin to
    /// put back afterwards.
    fn unpin_timed(&mut self, v: VisitIdx) -> PinRule {
        let pin = self.model.inst.visits[v].pin;
        if self.state.timed.contains(&v) {
            self.model.inst.visits[v].pin = self.model.base_pins[v];
        }
        pin
    }

    fn stop_start(&self, t: TechIdx, day: Day, k: usize) -> Option<Secs> {
        let seq = self.state.routes.get(&(t, day))?;
        let s = rota_solver::planner::schedule::schedule(&self.model.inst, &self.model.travel, t, day, seq)?;
        s.start.get(k).copied()
    }

    /// Builds, checks and saves an edit; refuses (nothing saved) what the checker rejects.
    fn edit(
        &mut self,
        routes: Routes,
        pins: Pins,
        queue: BTreeMap<String, Violation>,
        action: Action,
    ) -> Result<EditResult, BackendError> {
        let (plan, broken) = self.build_plan(&routes, &pins.0, "dispatcher")?;
        if !broken.is_empty() {
            return Ok(refused(broken));
        }
        let version = self.commit(plan, routes, pins, queue, "dispatcher", action, true)?;
        Ok(EditResult { feasibility: Feasibility::ok(), plan: Some(self.view(&self.state)), version: Some(version) })
    }

    /// The plan of some routes (KPIs and objective recomputed by the checker) and the hard
    /// rules the checker finds broken (as violations; empty = feasible).
    pub(crate) fn build_plan(
        &mut self,
        routes: &Routes,
        locked: &BTreeMap<VisitIdx, (TechIdx, Day, Secs)>,
        author: &str,
    ) -> Result<(Plan, Vec<Violation>), BackendError> {
        self.model.apply_locks(locked);
        let result = engine::build_plan(&self.model, routes, &self.state.plan, author);
        self.model.apply_locks(&self.state.locked);
        Ok(result)
    }

    /// Saves a plan as the new current version and makes it the desk's state.
    #[allow(clippy::too_many_arguments)]
    fn commit(
        &mut self,
        plan: Plan,
        routes: Routes,
        (locked, timed): Pins,
        queue: BTreeMap<String, Violation>,
        author: &str,
        action: Action,
        undoable: bool,
    ) -> Result<PlanVersion, BackendError> {
        let id_of = |v: &VisitIdx| self.model.inst.visits[*v].id.clone();
        let meta = VersionMeta {
            desk: 1,
            action: action.clone(),
            locked: locked.keys().filter(|v| !timed.contains(v)).map(id_of).collect(),
            timed: timed.iter().map(id_of).collect(),
            queue: queue.clone(),
        };
        let created_at = now_text();
        let new = NewPlanVersion {
            plan: &plan,
            parent: self.state.version,
            author,
            horizon: self.model.problem.horizon,
            shard: None,
            note: serde_json::to_string(&meta).unwrap_or_default(),
            created_at: created_at.clone(),
        };
        let id = match self.db.commit_plan_version(self.revision, &new, &mut || {}) {
            Ok(id) => id,
            Err(e) => {
                let conflict = e.is_conflict();
                let err = store_error(e);
                if conflict {
                    // Someone else saved: reload so the next edit starts from their plan.
                    if let Ok(fresh) = Desk::open(&self.path) {
                        let runs = std::mem::take(&mut self.runs);
                        *self = Desk { runs, ..fresh };
                    }
                }
                return Err(err);
            }
        };
        self.revision += 1;
        let parent = self.state.version;
        if undoable && let Some(p) = parent {
            self.undo_stack.push(p);
            self.redo_stack.clear();
        }
        let version = PlanVersion {
            id,
            parent,
            author: author.to_string(),
            action,
            created_at,
            kpis: plan.kpis.clone(),
            objective_total: plan.objective.total,
        };
        self.set_state(State { version: Some(id), routes, locked, timed, queue, plan });
        Ok(version)
    }

    fn set_state(&mut self, state: State) {
        self.model.apply_locks(&state.locked);
        self.state = state;
    }

    /// A saved version as a desk state.
    fn state_of(&self, id: i64) -> Result<State, BackendError> {
        let plan = self.db.plan(id).map_err(store_error)?;
        let note = self.db.plan_note(id).map_err(store_error)?;
        let meta = VersionMeta::parse(&note).unwrap_or_default();
        let routes = engine::routes_of(&self.model, &plan);
        let mut locked = BTreeMap::new();
        let mut timed = BTreeSet::new();
        for id in meta.locked.iter().chain(&meta.timed) {
            let Some(&v) = self.model.visit_ix.get(id) else { continue };
            let Some((t, day, k)) = engine::position(&routes, v) else { continue };
            let start = plan
                .routes
                .iter()
                .find(|r| r.stops.iter().any(|s| &s.visit == id))
                .and_then(|r| r.stops.get(k).map(|s| s.start.secs_since(self.model.inst.origin)));
            if let Some(start) = start {
                locked.insert(v, (t, day, start));
                if meta.timed.contains(id) {
                    timed.insert(v);
                }
            }
        }
        Ok(State { version: Some(id), routes, locked, timed, queue: meta.queue, plan })
    }

    /// Makes an earlier version's plan current again, as a new version.
    fn restore(&mut self, id: i64, action: Action) -> Result<(), BackendError> {
        let old = self.state_of(id)?;
        let (plan, broken) = self.build_plan(&old.routes, &old.locked, "dispatcher")?;
        if !broken.is_empty() {
            let codes: Vec<String> = broken.iter().map(|b| b.code.clone()).collect();
            return Err(bad(
                "cannot_restore",
                format!("version {id} no longer fits the problem: {}", codes.join(", ")),
            )
            .with("version", id));
        }
        self.commit(plan, old.routes, (old.locked, old.timed), old.queue, "dispatcher", action, false)?;
        Ok(())
    }

    pub(crate) fn view(&self, state: &State) -> PlanView {
        // The app's queue reasons (`manual`, `displaced`) replace the solver's in the view's JSON.
        PlanView {
            plan: state.plan.clone(),
            locked: state
                .locked
                .keys()
                .filter(|&&v| !state.timed.contains(&v))
                .map(|&v| self.model.inst.visits[v].id.clone())
                .collect::<BTreeSet<_>>(),
            queue: state.queue.clone(),
        }
    }
}

fn refused(violations: Vec<Violation>) -> EditResult {
    EditResult { feasibility: Feasibility::refused(violations), plan: None, version: None }
}

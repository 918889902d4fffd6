//! Optimization runs in the background: the solver pipeline on a copy of the instance where
//! everything outside the scope is pinned in place (locked stops are pins already), with a
//! time limit, progress reports and a cancellation flag; the result is rebuilt and checked
//! like any edit and diffed against the current plan.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use rota_solver::format::{Plan, VisitStatus};
use rota_solver::instance::{Instance, PinRule};
use rota_solver::planner::SolveOptions;

use super::engine::{self, Routes};
use super::types::*;
use super::{Desk, Model, bad};
use crate::{LoadedProblem, Pipeline};

/// How optimization runs solve.
#[derive(Clone, Debug)]
pub struct OptimizeSettings {
    pub time_limit: Duration,
    pub max_iterations: u32,
    pub pipeline: Pipeline,
    pub seed: u64,
}

impl Default for OptimizeSettings {
    fn default() -> Self {
        Self { time_limit: Duration::from_secs(10), max_iterations: 20_000, pipeline: Pipeline::default(), seed: 1 }
    }
}

struct Shared {
    cancel: AtomicBool,
    /// The solver's plan and whether the run was cancelled, once it ended.
    done: Mutex<Option<(Plan, bool)>>,
    ended: Condvar,
}

/// A handle to wait for (or cancel) a run without holding the desk.
#[derive(Clone)]
pub struct RunWaiter(Arc<Shared>);

impl RunWaiter {
    /// Blocks until the run ends (done, time limit or cancelled).
    pub fn wait(&self) {
        let mut done = self.0.done.lock().unwrap_or_else(|e| e.into_inner());
        while done.is_none() {
            done = self.0.ended.wait(done).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Sets the run's cancellation flag (the solver stops at its next check, keeping its best).
    pub fn cancel(&self) {
        self.0.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_finished(&self) -> bool {
        self.0.done.lock().map(|d| d.is_some()).unwrap_or(true)
    }
}

pub(crate) struct Run {
    scope: OptimizeScope,
    base_version: Option<i64>,
    shared: Arc<Shared>,
    result: Option<(OptimizeResult, Routes)>,
}

/// A loaded problem over the model's problem and travel, with an optional modified instance.
pub(crate) fn loaded_for(model: &Model, path: &Path, inst: Option<Instance>) -> LoadedProblem {
    LoadedProblem {
        path: path.to_path_buf(),
        problem: model.problem.clone(),
        instance: inst.unwrap_or_else(|| model.inst.clone()),
        travel: Box::new(model.travel.clone()),
        travel_setup_ms: 0,
    }
}

fn scope_action(scope: &OptimizeScope) -> Action {
    match scope {
        OptimizeScope::Day { day } => Action::new("optimize").with("scope", "day").with("target", day.clone()),
        OptimizeScope::Horizon => Action::new("optimize").with("scope", "horizon").with("target", ""),
        OptimizeScope::Region { region } => {
            Action::new("optimize").with("scope", "region").with("target", region.clone())
        }
    }
}

impl Desk {
    /// How optimization runs solve (time limit, pipeline).
    pub fn set_optimize_settings(&mut self, settings: OptimizeSettings) {
        self.optimize_settings = settings;
    }

    /// `optimize_start`: starts a solver run over `scope` in the background; `on_progress` is
    /// called a few times a second at most (the `optimize://progress` event). Returns the run id.
    pub fn optimize_start(
        &mut self,
        scope: &OptimizeScope,
        on_progress: impl Fn(OptimizeProgress) + Send + 'static,
    ) -> Result<String, BackendError> {
        let model = &self.model;
        let mut inst = model.inst.clone();
        let day = match scope {
            OptimizeScope::Day { day } => Some(model.day_index(super::parse_day(day)?)?),
            _ => None,
        };
        let region = match scope {
            OptimizeScope::Region { region } => {
                Some(inst.regions.iter().position(|r| &r.id == region).ok_or_else(|| {
                    bad("unknown_region", format!("no region {region:?}")).with("region", region.clone())
                })?)
            }
            _ => None,
        };
        let mut where_: std::collections::HashMap<usize, (usize, u32, i64)> = std::collections::HashMap::new();
        for r in &self.state.plan.routes {
            let (Some(&t), d) = (model.tech_ix.get(&r.technician), (r.day - inst.origin).num_days()) else { continue };
            for s in &r.stops {
                if let Some(&v) = model.visit_ix.get(&s.visit) {
                    where_.insert(v, (t, d as u32, s.start.secs_since(inst.origin)));
                }
            }
        }
        for (v, visit) in inst.visits.iter_mut().enumerate() {
            if !visit.needs_plan() {
                continue;
            }
            let placed = where_.get(&v).copied();
            let in_scope = match (day, region) {
                (Some(d), _) => placed.is_none_or(|(_, pd, _)| pd == d),
                (_, Some(r)) => visit.region == r,
                _ => true,
            };
            match (in_scope, placed) {
                (false, Some((t, d, s))) => {
                    visit.pin = PinRule { tech: Some(t), day: Some(d), start: Some(s) };
                }
                (false, None) => visit.status = VisitStatus::Cancelled,
                (true, _) => {
                    if let Some(d) = day {
                        match visit.pin.day {
                            None => visit.pin.day = Some(d),
                            Some(pd) if pd != d => visit.status = VisitStatus::Cancelled,
                            Some(_) => {}
                        }
                    }
                }
            }
        }
        let run_id = format!("run-{}", self.next_run);
        self.next_run += 1;
        let shared = Arc::new(Shared { cancel: AtomicBool::new(false), done: Mutex::new(None), ended: Condvar::new() });
        let loaded = loaded_for(model, &self.path, Some(inst));
        let settings = self.optimize_settings.clone();
        let opts = SolveOptions {
            seed: settings.seed,
            time_limit: settings.time_limit,
            max_iterations: settings.max_iterations,
            author: "solver".into(),
        };
        let thread_shared = shared.clone();
        let id = run_id.clone();
        std::thread::Builder::new()
            .name(format!("rota-{run_id}"))
            .spawn(move || {
                let mut last = Instant::now() - Duration::from_secs(1);
                let mut progress = |p: &rota_solver::planner::Progress| {
                    if last.elapsed() < Duration::from_millis(250) {
                        return;
                    }
                    last = Instant::now();
                    let by_time = p.elapsed.as_secs_f64() / p.time_limit.as_secs_f64().max(1e-9);
                    let by_iter = f64::from(p.iteration) / f64::from(p.max_iterations.max(1));
                    on_progress(OptimizeProgress {
                        run_id: id.clone(),
                        fraction: by_time.max(by_iter).clamp(0.0, 1.0),
                        phase: if p.iteration == 0 { "construct".into() } else { "improve".into() },
                        best_objective: p.objective.is_finite().then_some(p.objective),
                    });
                };
                let (plan, _) =
                    crate::solve_with(&loaded, settings.pipeline, &opts, &mut progress, &thread_shared.cancel);
                on_progress(OptimizeProgress {
                    run_id: id.clone(),
                    fraction: 1.0,
                    phase: "done".into(),
                    best_objective: Some(plan.objective.total),
                });
                let cancelled = thread_shared.cancel.load(Ordering::Relaxed);
                *thread_shared.done.lock().unwrap_or_else(|e| e.into_inner()) = Some((plan, cancelled));
                thread_shared.ended.notify_all();
            })
            .map_err(|e| bad("internal", format!("cannot start a solver thread: {e}")))?;
        self.runs.insert(
            run_id.clone(),
            Run { scope: scope.clone(), base_version: self.state.version, shared, result: None },
        );
        Ok(run_id)
    }

    fn run(&self, run_id: &str) -> Result<&Run, BackendError> {
        self.runs
            .get(run_id)
            .ok_or_else(|| bad("unknown_run", format!("no optimization run {run_id:?}")).with("run_id", run_id))
    }

    /// A handle to wait for a run without holding the desk (then call `optimize_result`).
    pub fn optimize_waiter(&self, run_id: &str) -> Result<RunWaiter, BackendError> {
        Ok(RunWaiter(self.run(run_id)?.shared.clone()))
    }

    /// `optimize_cancel`: sets the run's cancellation flag.
    pub fn optimize_cancel(&self, run_id: &str) -> Result<(), BackendError> {
        self.run(run_id)?.shared.cancel.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// `optimize_result`: waits for the run to end, then its plan (rebuilt and checked against
    /// the real problem) and its difference from the current plan.
    pub fn optimize_result(&mut self, run_id: &str) -> Result<OptimizeResult, BackendError> {
        let run = self.run(run_id)?;
        if let Some((result, _)) = &run.result {
            return Ok(result.clone());
        }
        let waiter = RunWaiter(run.shared.clone());
        waiter.wait();
        let (solver_plan, cancelled) = waiter
            .0
            .done
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| bad("internal", "the run ended without a plan"))?;
        let routes = engine::routes_of(&self.model, &solver_plan);
        let locked = self.state.locked.clone();
        let (plan, broken) = self.build_plan(&routes, &locked, "solver")?;
        if !broken.is_empty() {
            let codes: Vec<String> = broken.iter().map(|b| b.code.clone()).collect();
            return Err(bad("optimize_infeasible", format!("the run's plan breaks rules: {}", codes.join(", "))));
        }
        let diff = diff(&self.state.plan, &plan);
        let mut queue = self.state.queue.clone();
        queue.retain(|v, _| plan.unassigned.iter().any(|u| &u.visit == v));
        let view = PlanView { plan, locked: self.view(&self.state).locked, queue };
        let result = OptimizeResult { run_id: run_id.to_string(), cancelled, plan: view, diff };
        if let Some(run) = self.runs.get_mut(run_id) {
            run.result = Some((result.clone(), routes));
        }
        Ok(result)
    }

    /// `optimize_accept`: saves the run's plan as the new current version (author `solver`,
    /// action `optimize`).
    pub fn optimize_accept(&mut self, run_id: &str) -> Result<PlanVersion, BackendError> {
        let result = self.optimize_result(run_id)?;
        let run = self.run(run_id)?;
        if run.base_version != self.state.version {
            return Err(bad(
                "plan_changed",
                "the plan changed since this run started; optimize again to plan on top of the change",
            )
            .with("run_id", run_id));
        }
        let action = scope_action(&run.scope);
        let routes = run.result.as_ref().map(|(_, r)| r.clone()).unwrap_or_default();
        let pins = (self.state.locked.clone(), self.state.timed.clone());
        let version = self.commit(result.plan.plan, routes, pins, result.plan.queue, "solver", action, true)?;
        self.runs.remove(run_id);
        Ok(version)
    }

    /// `optimize_discard`: forgets a run (cancelling it if still going).
    pub fn optimize_discard(&mut self, run_id: &str) -> Result<(), BackendError> {
        let run = self.run(run_id)?;
        run.shared.cancel.store(true, Ordering::Relaxed);
        self.runs.remove(run_id);
        Ok(())
    }
}

/// Where each visit is in a plan.
fn placements(plan: &Plan) -> std::collections::BTreeMap<&str, Placement> {
    let mut out = std::collections::BTreeMap::new();
    for r in &plan.routes {
        for s in &r.stops {
            out.insert(
                s.visit.as_str(),
                Placement { technician: r.technician.clone(), day: r.day.to_string(), start: s.start.to_string() },
            );
        }
    }
    out
}

/// What changes from `before` to `after`: a visit has moved when its technician, day or start
/// changed.
pub(crate) fn diff(before: &Plan, after: &Plan) -> PlanDiff {
    let (b, a) = (placements(before), placements(after));
    let mut moved = Vec::new();
    let mut newly_assigned = Vec::new();
    for (v, to) in &a {
        match b.get(v) {
            Some(from) if from != to => {
                moved.push(MovedVisit { visit: v.to_string(), from: from.clone(), to: to.clone() })
            }
            Some(_) => {}
            None => newly_assigned.push(AssignedVisit {
                visit: v.to_string(),
                technician: to.technician.clone(),
                day: to.day.clone(),
            }),
        }
    }
    let newly_unassigned = b.keys().filter(|v| !a.contains_key(*v)).map(|v| v.to_string()).collect();
    let was_unassigned: std::collections::BTreeSet<&str> = before.unassigned.iter().map(|u| u.visit.as_str()).collect();
    let still_unassigned = after
        .unassigned
        .iter()
        .filter(|u| was_unassigned.contains(u.visit.as_str()))
        .map(|u| u.visit.clone())
        .collect();
    PlanDiff {
        moved,
        newly_assigned,
        newly_unassigned,
        still_unassigned,
        kpis_before: before.kpis.clone(),
        kpis_after: after.kpis.clone(),
    }
}

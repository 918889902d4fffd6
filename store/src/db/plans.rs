//! Plan versions: immutable rows (`plan_versions`, with the full `rota-plan/1` JSON) plus the
//! normalized `assignments` and `unassigned` tables for queries, and the `head` pointer.

use super::backend::{DbResult, Sql, Tx, args};
use rota_solver::format::{Horizon, Kpis, Plan};

use super::{Db, StoreError, head};

/// A plan version to write.
pub struct NewPlanVersion<'a> {
    pub plan: &'a Plan,
    /// The version this one was made from (the current one when the run started).
    pub parent: Option<i64>,
    /// `dispatcher`, `batch`, `what-if`, `solver`.
    pub author: &'a str,
    pub horizon: Horizon,
    /// `"I/N"` for a shard's run.
    pub shard: Option<String>,
    pub note: String,
    /// Local wall-clock moment of creation, `YYYY-MM-DDTHH:MM:SS`.
    pub created_at: String,
}

/// A row of `rota plans`.
#[derive(Clone, Debug)]
pub struct PlanVersionInfo {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub author: String,
    pub created_at: String,
    pub horizon_start: String,
    pub horizon_days: u32,
    pub solver: String,
    pub seed: i64,
    pub objective_total: f64,
    pub kpis: Kpis,
    pub shard: Option<String>,
    pub note: String,
    pub current: bool,
}

fn insert(tx: &Tx<'_>, v: &NewPlanVersion<'_>) -> DbResult<i64> {
    let plan = v.plan;
    let to_json = |x: &dyn erased::Json| x.json();
    let id: i64 = tx
        .query_one(
            "INSERT INTO plan_versions (parent_id, author, created_at, horizon_start, horizon_days, solver, seed,
            settings_json, kpis_json, objective_total, objective_json, plan_json, shard, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id",
            args![
                v.parent,
                v.author,
                v.created_at,
                v.horizon.start.to_string(),
                v.horizon.days,
                plan.settings.solver,
                plan.settings.seed as i64,
                to_json(&plan.settings),
                to_json(&plan.kpis),
                plan.objective.total,
                to_json(&plan.objective),
                to_json(plan),
                v.shard,
                v.note,
            ],
        )?
        .get(0)?;
    let a = "INSERT INTO assignments (plan_id, visit_id, technician_id, day, seq, start, \"end\") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    for r in &plan.routes {
        for (k, s) in r.stops.iter().enumerate() {
            tx.execute(
                a,
                args![id, s.visit, r.technician, r.day.to_string(), k as i64, s.start.to_string(), s.end.to_string()],
            )?;
        }
    }
    let u = "INSERT INTO unassigned (plan_id, visit_id, reason_code, message) VALUES (?1, ?2, ?3, ?4)";
    for x in &plan.unassigned {
        let first = x.reasons.first();
        tx.execute(
            u,
            args![
                id,
                x.visit,
                first.map(|r| r.code.as_str()).unwrap_or(""),
                first.map(|r| r.message.as_str()).unwrap_or("")
            ],
        )?;
    }
    Ok(id)
}

/// The invariant every stored plan version keeps: its objective (total and every term) is a
/// finite number. A policy weight of 1e308 once made a batch commit an objective of
/// infinity (stored as JSON `null`), after which `rota show` called the database damaged.
fn check_plan_numbers(path: &std::path::Path, plan: &Plan) -> Result<(), StoreError> {
    let mut numbers: Vec<(String, f64)> = vec![("objective.total".into(), plan.objective.total)];
    numbers.extend(plan.objective.terms.named().iter().map(|(name, v)| (format!("objective.terms.{name}"), *v)));
    let mut diagnostics = rota_solver::diagnostics::Diagnostics::default();
    for (field, value) in numbers.into_iter().filter(|(_, v)| !v.is_finite()) {
        diagnostics.push(
            "plan",
            field,
            format!("must be a finite number, got {value}; nothing was stored (check the policy's weights)"),
        );
    }
    if diagnostics.is_empty() { Ok(()) } else { Err(StoreError::Invalid { path: path.to_path_buf(), diagnostics }) }
}

mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

impl Db {
    /// Commits a new plan version and makes it current, in one transaction — but only if the
    /// database is still at `expected_revision` (nothing was committed since the caller read
    /// its snapshot); otherwise nothing is written and [`StoreError::Conflict`] says so.
    /// `before_commit` runs inside the transaction just before `COMMIT` (a test hook: a crash
    /// there must leave the previous version current).
    pub fn commit_plan_version(
        &mut self,
        expected_revision: i64,
        version: &NewPlanVersion<'_>,
        before_commit: &mut dyn FnMut(),
    ) -> Result<i64, StoreError> {
        let path = self.path.clone();
        check_plan_numbers(&path, version.plan)?;
        let err = self.db_err();
        let tx = self.begin(super::Lock::Write)?;
        let now = head(&tx).map_err(&err)?;
        if now.revision != expected_revision {
            // Who made the last change: the author of a new current version, or — when the
            // current version is still the one this run started from — a change that was not a
            // plan version (an import, a feed, an edit of the master data).
            let by: Option<String> = if now.current_plan_id != version.parent {
                now.current_plan_id.and_then(|id| {
                    tx.query_opt("SELECT author FROM plan_versions WHERE id = ?1", args![id])
                        .and_then(|r| r.map(|r| r.get(0)).transpose())
                        .ok()
                        .flatten()
                        .map(|author: String| format!("{author} (plan version v{id})"))
                })
            } else {
                Some("a change to the stored data (an import, a rating feed or an edit), not a plan version".into())
            };
            return Err(StoreError::Conflict { path, expected: expected_revision, found: now.revision, by });
        }
        let id = insert(&tx, version).map_err(&err)?;
        tx.execute("UPDATE head SET current_plan_id = ?1, revision = revision + 1 WHERE id = 1", args![id])
            .map_err(&err)?;
        before_commit();
        tx.commit().map_err(&err)?;
        Ok(id)
    }

    /// Stores a plan version without making it current (a what-if, a shard's partial plan).
    pub fn save_plan_version(&mut self, version: &NewPlanVersion<'_>) -> Result<i64, StoreError> {
        check_plan_numbers(&self.path, version.plan)?;
        let err = self.db_err();
        self.write(|tx| insert(tx, version).map_err(err))
    }

    /// Makes an existing version current (a dispatcher's "restore"); bumps the revision.
    pub fn set_current(&mut self, id: i64) -> Result<(), StoreError> {
        self.plan(id)?;
        let err = self.db_err();
        self.write(|tx| {
            tx.execute("UPDATE head SET current_plan_id = ?1 WHERE id = 1", args![id]).map(|_| ()).map_err(err)
        })
    }

    /// The full plan of a version.
    pub fn plan(&self, id: i64) -> Result<Plan, StoreError> {
        let text: Option<String> = self
            .sql()
            .query_opt("SELECT plan_json FROM plan_versions WHERE id = ?1", args![id])
            .and_then(|r| r.map(|r| r.get(0)).transpose())
            .map_err(self.db_err())?;
        let text = text.ok_or_else(|| StoreError::NoSuchPlan { path: self.path.clone(), version: id })?;
        serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt { path: self.path.clone(), message: format!("plan version {id}: {e}") })
    }

    /// The note of one version (what its author attached: the desk's locks, a batch's summary).
    pub fn plan_note(&self, id: i64) -> Result<String, StoreError> {
        let note: Option<String> = self
            .sql()
            .query_opt("SELECT note FROM plan_versions WHERE id = ?1", args![id])
            .and_then(|r| r.map(|r| r.get(0)).transpose())
            .map_err(self.db_err())?;
        note.ok_or_else(|| StoreError::NoSuchPlan { path: self.path.clone(), version: id })
    }

    /// Every plan version, newest first.
    pub fn plan_versions(&self) -> Result<Vec<PlanVersionInfo>, StoreError> {
        let current = self.head()?.current_plan_id;
        let rows = self
            .sql()
            .query(
                "SELECT id, parent_id, author, created_at, horizon_start, horizon_days, solver, seed, objective_total,
                    kpis_json, shard, note FROM plan_versions ORDER BY id DESC",
                args![],
            )
            .map_err(self.db_err())?;
        rows.iter()
            .map(|r| {
                let kpis: String = r.get(9)?;
                let id: i64 = r.get(0)?;
                Ok(PlanVersionInfo {
                    id,
                    parent_id: r.get(1)?,
                    author: r.get(2)?,
                    created_at: r.get(3)?,
                    horizon_start: r.get(4)?,
                    horizon_days: r.get(5)?,
                    solver: r.get(6)?,
                    seed: r.get(7)?,
                    objective_total: r.get(8)?,
                    kpis: serde_json::from_str(&kpis).unwrap_or_default(),
                    shard: r.get(10)?,
                    note: r.get(11)?,
                    current: Some(id) == current,
                })
            })
            .collect::<DbResult<Vec<_>>>()
            .map_err(self.db_err())
    }

    /// The version `rota show --plan current|latest|N` means.
    pub fn resolve_version(&self, name: &str) -> Result<i64, StoreError> {
        let bad = || StoreError::NoSuchPlan { path: self.path.clone(), version: -1 };
        match name {
            "current" => self.head()?.current_plan_id.ok_or_else(bad),
            "latest" => self
                .sql()
                .query_one("SELECT max(id) FROM plan_versions", args![])
                .and_then(|r| r.get::<Option<i64>>(0))
                .map_err(self.db_err())?
                .ok_or_else(bad),
            n => {
                let id: i64 = n.parse().map_err(|_| bad())?;
                self.plan(id).map(|_| id)
            }
        }
    }
}

//! The payloads of the desktop app's backend, serde names exactly as in `ui/BACKEND.md`
//! (snake_case; times are local wall-clock text `YYYY-MM-DDTHH:MM[:SS]`, days `YYYY-MM-DD`).

use std::collections::{BTreeMap, BTreeSet};

use rota_solver::format::{Kpis, Plan, ProviderShare};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Parameters of a violation, reason or action: text or numbers (`Record<string, string|number>`).
pub type Params = BTreeMap<String, serde_json::Value>;

/// A rule a proposed change would break: a code (catalog `rule.<code>`) plus parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Violation {
    pub code: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[ts(optional, type = "Record<string, string | number>")]
    pub params: Params,
}

impl Violation {
    pub fn new(code: &str) -> Self {
        Self { code: code.to_string(), params: Params::new() }
    }
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.params.insert(key.to_string(), value.into());
        self
    }
}

/// Whether a change is allowed, and if not every rule it breaks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Feasibility {
    pub ok: bool,
    pub violations: Vec<Violation>,
}

impl Feasibility {
    pub fn ok() -> Self {
        Self { ok: true, violations: Vec::new() }
    }
    pub fn refused(violations: Vec<Violation>) -> Self {
        Self { ok: violations.is_empty(), violations }
    }
}

/// Move (or assign) a visit to a technician on a day, optionally at an exact start (no start:
/// the backend picks the best start on that technician-day).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct MoveRequest {
    pub visit: String,
    pub technician: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `YYYY-MM-DDTHH:MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
}

/// What made a version: a code (`history.do.<code>`) plus parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Action {
    pub code: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[ts(optional, type = "Record<string, string | number>")]
    pub params: Params,
}

impl Action {
    pub fn new(code: &str) -> Self {
        Self { code: code.to_string(), params: Params::new() }
    }
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.params.insert(key.to_string(), value.into());
        self
    }
}

/// One saved plan version (every accepted change is a new version).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanVersion {
    pub id: i64,
    pub parent: Option<i64>,
    /// `solver`, `dispatcher`, `batch`, `what-if`.
    #[ts(type = "\"solver\" | \"dispatcher\" | \"batch\" | \"what-if\"")]
    pub author: String,
    pub action: Action,
    pub created_at: String,
    pub kpis: Kpis,
    pub objective_total: f64,
}

/// A `rota-plan/1` plan as the UI sees it: the plan plus the UI extension
/// `routes[].stops[].locked: true` for the stops the dispatcher locked. Serializes as the plan
/// JSON with that flag added.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanView {
    pub plan: Plan,
    /// Visits whose stop is locked (keeps technician and start).
    pub locked: BTreeSet<String>,
    /// Queued visits whose reason only the app knows (`manual`, `displaced {visit}`): in the
    /// JSON they replace the visit's `unassigned[].reasons`.
    pub queue: BTreeMap<String, Violation>,
}

impl Serialize for PlanView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut value = serde_json::to_value(&self.plan).map_err(serde::ser::Error::custom)?;
        if let Some(routes) = value.get_mut("routes").and_then(|r| r.as_array_mut()) {
            for route in routes {
                if let Some(stops) = route.get_mut("stops").and_then(|s| s.as_array_mut()) {
                    for stop in stops {
                        let locked =
                            stop.get("visit").and_then(|v| v.as_str()).is_some_and(|v| self.locked.contains(v));
                        if locked && let Some(obj) = stop.as_object_mut() {
                            obj.insert("locked".into(), serde_json::Value::Bool(true));
                        }
                    }
                }
            }
        }
        if let Some(unassigned) = value.get_mut("unassigned").and_then(|u| u.as_array_mut()) {
            for entry in unassigned {
                let reason = entry.get("visit").and_then(|v| v.as_str()).and_then(|v| self.queue.get(v));
                if let Some(reason) = reason
                    && let Some(obj) = entry.as_object_mut()
                {
                    let params: BTreeMap<String, String> = reason
                        .params
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                        .collect();
                    obj.insert("reasons".into(), serde_json::json!([{"code": reason.code, "params": params}]));
                }
            }
        }
        value.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for PlanView {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut value = serde_json::Value::deserialize(deserializer)?;
        let mut locked = BTreeSet::new();
        if let Some(routes) = value.get_mut("routes").and_then(|r| r.as_array_mut()) {
            for route in routes {
                if let Some(stops) = route.get_mut("stops").and_then(|s| s.as_array_mut()) {
                    for stop in stops {
                        if let Some(obj) = stop.as_object_mut()
                            && obj.remove("locked") == Some(serde_json::Value::Bool(true))
                            && let Some(v) = obj.get("visit").and_then(|v| v.as_str())
                        {
                            locked.insert(v.to_string());
                        }
                    }
                }
            }
        }
        let mut queue = BTreeMap::new();
        if let Some(unassigned) = value.get_mut("unassigned").and_then(|u| u.as_array_mut()) {
            for entry in unassigned {
                let visit = entry.get("visit").and_then(|v| v.as_str()).unwrap_or_default().to_string();
                let Some(reasons) = entry.get_mut("reasons").and_then(|r| r.as_array_mut()) else { continue };
                let app = reasons.first().and_then(|r| r.get("code")).and_then(|c| c.as_str()).map(str::to_string);
                if let Some(code) = app.filter(|c| c == "manual" || c == "displaced") {
                    let params = reasons[0].get("params").and_then(|p| p.as_object()).cloned().unwrap_or_default();
                    queue.insert(visit, Violation { code, params: params.into_iter().collect() });
                    *reasons = vec![serde_json::json!({"code": "no_capacity", "message": ""})];
                }
            }
        }
        let plan = serde_json::from_value(value).map_err(serde::de::Error::custom)?;
        Ok(PlanView { plan, locked, queue })
    }
}

/// The TypeScript of [`PlanView`] (its JSON is hand-written above): the plan with the optional
/// `locked` flag on stops and the app's queue reasons (`manual`, `displaced {visit}`, no
/// message) among the unassigned reasons.
impl TS for PlanView {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn docs() -> Option<String> {
        Some(ts_rs::format_docs(&[
            " A `rota-plan/1` plan as the UI sees it: stops the dispatcher locked carry `locked: true`;",
            " visits the app queued carry its own reason (`manual`, `displaced {visit}`).",
        ]))
    }
    fn name(_: &ts_rs::Config) -> String {
        "PlanView".into()
    }
    fn inline(cfg: &ts_rs::Config) -> String {
        use rota_solver::format::{Reason, Route, Stop};
        format!(
            "Omit<{plan}, \"routes\" | \"unassigned\"> & {{ routes: Array<Omit<{route}, \"stops\"> & {{ stops: \
             Array<{stop} & {{ locked?: boolean }}> }}>, unassigned: Array<{{ visit: string, reasons: Array<{reason} \
             | {{ code: \"manual\" | \"displaced\", params: {{ [key in string]?: string }} }}> }}> }}",
            plan = Plan::name(cfg),
            route = Route::name(cfg),
            stop = Stop::name(cfg),
            reason = Reason::name(cfg),
        )
    }
    fn decl(cfg: &ts_rs::Config) -> String {
        format!("type PlanView = {};", Self::inline(cfg))
    }
    fn decl_concrete(cfg: &ts_rs::Config) -> String {
        Self::decl(cfg)
    }
    fn visit_dependencies(v: &mut impl ts_rs::TypeVisitor) {
        v.visit::<Plan>();
        v.visit::<rota_solver::format::Route>();
        v.visit::<rota_solver::format::Stop>();
        v.visit::<rota_solver::format::Reason>();
    }
    fn output_path() -> Option<std::path::PathBuf> {
        Some("PlanView.ts".into())
    }
}

/// The result of an edit: if infeasible, `plan` and `version` are `None` and nothing was saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct EditResult {
    pub feasibility: Feasibility,
    pub plan: Option<PlanView>,
    pub version: Option<PlanVersion>,
}

/// `dispatch_emergency`'s answer: an edit result plus the new visit's id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct DispatchResult {
    #[serde(flatten)]
    pub edit: EditResult,
    pub visit: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UndoState {
    pub can_undo: bool,
    pub can_redo: bool,
}

/// A feasible place for a visit, best first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct SlotOption {
    pub technician: String,
    pub day: String,
    pub start: String,
    pub end: String,
    /// Extra travel the insertion causes, seconds.
    pub extra_travel_s: i64,
    pub sla_late_min: i64,
    /// Lower is better.
    pub score: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct LatLonPayload {
    pub lat: f64,
    pub lon: f64,
}

/// An urgent call: what is needed, where, and when the customer called.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct EmergencyRequest {
    #[serde(default)]
    pub customer: String,
    pub location: LatLonPayload,
    pub skill: String,
    /// 1..=3.
    pub min_level: u8,
    #[serde(default)]
    pub certifications: Vec<String>,
    pub duration_min: u32,
    /// `YYYY-MM-DDTHH:MM`.
    pub called_at: String,
}

/// One technician who could take the call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct EmergencyOption {
    pub technician: String,
    pub day: String,
    pub arrival: String,
    pub start: String,
    pub travel_s: i64,
    /// Visits this technician would have to drop to take the call (moved to the queue).
    pub displaces: Vec<String>,
}

/// What an optimization run may change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OptimizeScope {
    Day { day: String },
    Horizon,
    Region { region: String },
}

/// Progress of an optimization run (`optimize://progress` payload).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct OptimizeProgress {
    pub run_id: String,
    /// 0..=1.
    pub fraction: f64,
    pub phase: String,
    pub best_objective: Option<f64>,
}

/// Where a visit is in a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Placement {
    pub technician: String,
    pub day: String,
    pub start: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MovedVisit {
    pub visit: String,
    pub from: Placement,
    pub to: Placement,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AssignedVisit {
    pub visit: String,
    pub technician: String,
    pub day: String,
}

/// How a proposed plan differs from the current one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanDiff {
    pub moved: Vec<MovedVisit>,
    pub newly_assigned: Vec<AssignedVisit>,
    pub newly_unassigned: Vec<String>,
    pub still_unassigned: Vec<String>,
    pub kpis_before: Kpis,
    pub kpis_after: Kpis,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct OptimizeResult {
    pub run_id: String,
    pub cancelled: bool,
    pub plan: PlanView,
    pub diff: PlanDiff,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct SharePct {
    pub min_pct: f64,
    pub max_pct: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct ProviderScorecard {
    pub provider: String,
    pub name: String,
    pub certification_level: u8,
    pub certified_until: String,
    pub certified_now: bool,
    pub rating: f64,
    pub regions: Vec<String>,
    pub share: SharePct,
    pub planned_visits: u32,
    pub on_time_pct: f64,
    pub first_time_fix_pct: f64,
    pub shares: Vec<ProviderShare>,
    /// The 90 % interval of `rating`.
    pub rating_low: f64,
    pub rating_high: f64,
    /// Where `rating` comes from: `feed` (a certified rating feed, `rating_issuer`),
    /// `performance` (the stored performance records) or `master_data` (the problem's field).
    #[ts(type = "\"feed\" | \"performance\" | \"master_data\"")]
    pub rating_source: String,
    pub rating_issuer: Option<String>,
    /// The solver weight the rating maps to.
    pub weight: f64,
    /// Completed visits on record and their recency-weighted on-time and first-time-fix rates
    /// (%, null without records), and the rating's change over the last 91 days.
    pub record_visits: u32,
    pub record_on_time_pct: Option<f64>,
    pub record_first_time_fix_pct: Option<f64>,
    pub trend: Option<f64>,
}

/// Every command's error: `{code, params, message}` (message: English, for logs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error, TS)]
#[error("{message}")]
pub struct BackendError {
    pub code: String,
    #[serde(default)]
    #[ts(type = "Record<string, string | number>")]
    pub params: Params,
    pub message: String,
}

impl BackendError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self { code: code.to_string(), params: Params::new(), message: message.into() }
    }
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.params.insert(key.to_string(), value.into());
        self
    }
}

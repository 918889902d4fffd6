//! The commands of `ui/BACKEND.md`, each a few lines over [`Desk`].
//!
//! Arguments arrive as JSON values and are parsed here, so a malformed argument is answered
//! with a `BackendError` (`invalid_argument`, naming the argument and what was wrong) like every
//! other error, instead of Tauri's plain-text message. All of them run on the blocking pool
//! ([`DeskState::run`]), never on the window's thread.

use rota_service::desk::coverage::{CoverageView, ScenarioComparison, ScenarioCreate, ScenarioInfo};
use rota_service::desk::{
    BackendError, DispatchResult, EditResult, EmergencyOption, EmergencyRequest, Feasibility, MoveRequest,
    OptimizeResult, OptimizeScope, PlanVersion, PlanView, ProviderScorecard, RouteLine, SlotOption, UndoState,
};
use rota_solver::format::{Kpis, Problem};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tauri::State;

use crate::DeskState;

type Res<T> = Result<T, BackendError>;

/// The largest `limit` accepted by `find_slot` and `emergency_options`.
const MAX_LIMIT: usize = 100;

/// Parses the argument `name` (absent counts as `null`).
fn arg<T: DeserializeOwned>(name: &str, value: Option<Value>) -> Res<T> {
    serde_json::from_value(value.unwrap_or(Value::Null))
        .map_err(|e| BackendError::new("invalid_argument", format!("argument `{name}`: {e}")).with("argument", name))
}

fn limit_arg(value: Option<Value>) -> Res<usize> {
    let limit: usize = arg("limit", value)?;
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(BackendError::new("invalid_argument", format!("argument `limit`: expected 1 to {MAX_LIMIT}, got {limit}"))
            .with("argument", "limit"))
    }
}

#[tauri::command]
pub async fn load_problem(state: State<'_, DeskState>) -> Res<Problem> {
    state.run(|d| Ok(d.load_problem())).await
}

#[tauri::command]
pub async fn load_regions(state: State<'_, DeskState>) -> Res<Value> {
    state.run(|d| Ok(d.load_regions())).await
}

#[tauri::command]
pub async fn load_plan(state: State<'_, DeskState>, version: Option<Value>) -> Res<PlanView> {
    let version: Option<i64> = arg("version", version)?;
    state.run(move |d| d.load_plan(version)).await
}

#[tauri::command]
pub async fn list_plan_versions(state: State<'_, DeskState>) -> Res<Vec<PlanVersion>> {
    state.run(|d| d.list_plan_versions()).await
}

#[tauri::command]
pub async fn check_move(state: State<'_, DeskState>, req: Option<Value>) -> Res<Feasibility> {
    let req: MoveRequest = arg("req", req)?;
    state.run(move |d| d.check_move(&req)).await
}

#[tauri::command]
pub async fn move_visit(state: State<'_, DeskState>, req: Option<Value>) -> Res<EditResult> {
    let req: MoveRequest = arg("req", req)?;
    state.run(move |d| d.move_visit(&req)).await
}

#[tauri::command]
pub async fn unassign_visit(state: State<'_, DeskState>, visit: Option<Value>) -> Res<EditResult> {
    let visit: String = arg("visit", visit)?;
    state.run(move |d| d.unassign_visit(&visit)).await
}

#[tauri::command]
pub async fn set_lock(state: State<'_, DeskState>, visit: Option<Value>, locked: Option<Value>) -> Res<EditResult> {
    let visit: String = arg("visit", visit)?;
    let locked: bool = arg("locked", locked)?;
    state.run(move |d| d.set_lock(&visit, locked)).await
}

#[tauri::command]
pub async fn undo(state: State<'_, DeskState>) -> Res<PlanView> {
    state.run(|d| d.undo()).await
}

#[tauri::command]
pub async fn redo(state: State<'_, DeskState>) -> Res<PlanView> {
    state.run(|d| d.redo()).await
}

#[tauri::command]
pub async fn undo_state(state: State<'_, DeskState>) -> Res<UndoState> {
    state.run(|d| Ok(d.undo_state())).await
}

#[tauri::command]
pub async fn find_slot(
    state: State<'_, DeskState>,
    visit: Option<Value>,
    limit: Option<Value>,
) -> Res<Vec<SlotOption>> {
    let visit: String = arg("visit", visit)?;
    let limit = limit_arg(limit)?;
    state.run(move |d| d.find_slot(&visit, limit)).await
}

#[tauri::command]
pub async fn emergency_options(
    state: State<'_, DeskState>,
    req: Option<Value>,
    limit: Option<Value>,
) -> Res<Vec<EmergencyOption>> {
    let req: EmergencyRequest = arg("req", req)?;
    let limit = limit_arg(limit)?;
    state.run(move |d| d.emergency_options(&req, limit)).await
}

#[tauri::command]
pub async fn dispatch_emergency(
    state: State<'_, DeskState>,
    req: Option<Value>,
    option: Option<Value>,
) -> Res<DispatchResult> {
    let req: EmergencyRequest = arg("req", req)?;
    let option: EmergencyOption = arg("option", option)?;
    state.run(move |d| d.dispatch_emergency(&req, &option)).await
}

#[tauri::command]
pub async fn optimize_start(state: State<'_, DeskState>, scope: Option<Value>) -> Res<String> {
    let scope: OptimizeScope = arg("scope", scope)?;
    let progress = state.progress_sink();
    state.run(move |d| d.optimize_start(&scope, move |p| progress(p))).await
}

/// Waits for the run without holding the desk (so `optimize_cancel` and the board's reads get
/// in), then builds its result.
#[tauri::command]
pub async fn optimize_result(state: State<'_, DeskState>, run_id: Option<Value>) -> Res<OptimizeResult> {
    let run_id: String = arg("runId", run_id)?;
    let id = run_id.clone();
    let waiter = state.run(move |d| d.optimize_waiter(&id)).await?;
    tauri::async_runtime::spawn_blocking(move || waiter.wait())
        .await
        .map_err(|e| BackendError::new("internal", format!("waiting for the run failed: {e}")))?;
    state.run(move |d| d.optimize_result(&run_id)).await
}

#[tauri::command]
pub async fn optimize_cancel(state: State<'_, DeskState>, run_id: Option<Value>) -> Res<()> {
    let run_id: String = arg("runId", run_id)?;
    state.run(move |d| d.optimize_cancel(&run_id)).await
}

#[tauri::command]
pub async fn optimize_accept(state: State<'_, DeskState>, run_id: Option<Value>) -> Res<PlanVersion> {
    let run_id: String = arg("runId", run_id)?;
    state.run(move |d| d.optimize_accept(&run_id)).await
}

#[tauri::command]
pub async fn optimize_discard(state: State<'_, DeskState>, run_id: Option<Value>) -> Res<()> {
    let run_id: String = arg("runId", run_id)?;
    state.run(move |d| d.optimize_discard(&run_id)).await
}

#[tauri::command]
pub async fn kpis(state: State<'_, DeskState>, version: Option<Value>) -> Res<Kpis> {
    let version: Option<i64> = arg("version", version)?;
    state.run(move |d| d.kpis(version)).await
}

#[tauri::command]
pub async fn provider_scorecards(state: State<'_, DeskState>) -> Res<Vec<ProviderScorecard>> {
    state.run(|d| d.provider_scorecards()).await
}

/// Runs a coverage use case on the desk's database file on the blocking pool, without holding
/// the desk (an LP and its re-solves take a moment; the board's reads go on meanwhile).
async fn on_db<T: Send + 'static>(
    state: &State<'_, DeskState>,
    f: impl FnOnce(&std::path::Path) -> Res<T> + Send + 'static,
) -> Res<T> {
    let path = state.run(|d| Ok(d.path().to_path_buf())).await?;
    tauri::async_runtime::spawn_blocking(move || crate::guarded(|| f(&path)))
        .await
        .map_err(|e| BackendError::new("internal", format!("the command's thread failed: {e}")))?
}

fn weeks_arg(value: Option<Value>) -> Res<u32> {
    let weeks: Option<u32> = arg("weeks", value)?;
    Ok(weeks.unwrap_or(4))
}

#[tauri::command]
pub async fn coverage_report(
    state: State<'_, DeskState>,
    weeks: Option<Value>,
    scenario: Option<Value>,
) -> Res<CoverageView> {
    let weeks = weeks_arg(weeks)?;
    let scenario: Option<String> = arg("scenario", scenario)?;
    on_db(&state, move |db| rota_service::desk::coverage::coverage_report(db, weeks, scenario.as_deref())).await
}

#[tauri::command]
pub async fn list_scenarios(state: State<'_, DeskState>) -> Res<Vec<ScenarioInfo>> {
    on_db(&state, rota_service::desk::coverage::list_scenarios).await
}

#[tauri::command]
pub async fn compare_scenarios(
    state: State<'_, DeskState>,
    names: Option<Value>,
    weeks: Option<Value>,
) -> Res<ScenarioComparison> {
    let names: Vec<String> = arg("names", names)?;
    let weeks = weeks_arg(weeks)?;
    on_db(&state, move |db| rota_service::desk::coverage::compare_scenarios(db, &names, weeks)).await
}

#[tauri::command]
pub async fn scenario_create(state: State<'_, DeskState>, req: Option<Value>) -> Res<ScenarioInfo> {
    let req: ScenarioCreate = arg("req", req)?;
    on_db(&state, move |db| rota_service::desk::coverage::scenario_create(db, &req)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_malformed_argument_names_itself() {
        let e = arg::<MoveRequest>("req", Some(json!({"visit": "V1"}))).unwrap_err();
        assert_eq!(e.code, "invalid_argument");
        assert_eq!(e.params["argument"], "req");
        assert!(e.message.contains("technician"), "{}", e.message);
        let e = arg::<String>("visit", None).unwrap_err();
        assert_eq!(e.params["argument"], "visit");
        assert_eq!(arg::<Option<i64>>("version", None).unwrap(), None);
        assert_eq!(arg::<Option<i64>>("version", Some(json!(3))).unwrap(), Some(3));
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(limit_arg(Some(json!(5))).unwrap(), 5);
        for bad in [json!(0), json!(101), json!(-1), json!("5"), Value::Null] {
            let e = limit_arg(Some(bad.clone())).unwrap_err();
            assert_eq!(e.code, "invalid_argument", "{bad}");
            assert_eq!(e.params["argument"], "limit");
        }
    }
}

#[tauri::command]
pub async fn route_lines(
    state: State<'_, DeskState>,
    version: Option<Value>,
    day: Option<Value>,
) -> Res<Vec<RouteLine>> {
    let version: Option<i64> = arg("version", version)?;
    let day: String = arg("day", day)?;
    let day = rota_service::desk::parse_day(&day)?;
    state.run(move |d| d.route_lines(version, day)).await
}

#[tauri::command]
pub async fn area_info(state: State<'_, DeskState>) -> Res<Option<rota_service::area::AreaInfo>> {
    on_db(&state, rota_service::area::area_info).await
}

/// The tile's bytes as a raw IPC answer (an `ArrayBuffer` in the window, no JSON array).
#[tauri::command]
pub async fn map_tile(
    state: State<'_, DeskState>,
    z: Option<Value>,
    x: Option<Value>,
    y: Option<Value>,
) -> Res<tauri::ipc::Response> {
    let z: u8 = arg("z", z)?;
    let x: u32 = arg("x", x)?;
    let y: u32 = arg("y", y)?;
    let bytes = on_db(&state, move |db| rota_service::area::map_tile(db, z, x, y)).await?;
    Ok(tauri::ipc::Response::new(bytes))
}

#[tauri::command]
pub async fn search_address(
    state: State<'_, DeskState>,
    query: Option<Value>,
    limit: Option<Value>,
) -> Res<Vec<rota_service::area::AddressHit>> {
    let query: String = arg("query", query)?;
    let limit: Option<usize> = arg("limit", limit)?;
    let limit = limit.unwrap_or(8);
    if !(1..=rota_service::area::MAX_HITS).contains(&limit) {
        return Err(BackendError::new(
            "invalid_argument",
            format!("argument `limit`: expected 1 to {}, got {limit}", rota_service::area::MAX_HITS),
        )
        .with("argument", "limit"));
    }
    on_db(&state, move |db| rota_service::area::search_address(db, &query, limit)).await
}

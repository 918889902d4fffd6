//! The real app (its tauri.conf.json, capabilities and commands) built on Tauri's mock runtime,
//! its commands invoked over IPC as the window's `invoke()` would, on a temporary copy of a
//! sample database.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use rota_app::{Options, build};
use serde_json::{Value, json};
use tauri::WebviewWindowBuilder;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;

/// A sample database made once per test run (the first start plans the sample, which takes a
/// few seconds); each test works on its own copy.
fn template_db() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = scratch("template");
        let path = dir.join("rota.db");
        let desk = rota_service::desk::Desk::open_or_create_sample_with(&path, Duration::from_secs(2))
            .expect("create the sample database");
        drop(desk); // closes SQLite: the file alone holds everything
        path
    })
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rota-app-ipc-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

struct TestApp {
    _app: tauri::App<MockRuntime>,
    window: tauri::WebviewWindow<MockRuntime>,
    db: PathBuf,
}

fn app_on_copy(name: &str, label: &str) -> TestApp {
    let db = scratch(name).join("rota.db");
    std::fs::copy(template_db(), &db).expect("copy the sample database");
    let app =
        build(mock_builder(), Options { db: Some(db.clone()), optimize_time_limit: Some(Duration::from_secs(1)) })
            .expect("build the app on the mock runtime");
    let window = WebviewWindowBuilder::new(&app, label, Default::default()).build().expect("open a mock window");
    TestApp { _app: app, window, db }
}

impl TestApp {
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().expect("the app's origin"),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().expect("a JSON answer"))
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }
}

/// Where a visit is in a plan: (technician, day, start).
fn placement(plan: &Value, visit: &str) -> Option<(String, String, String)> {
    plan["routes"].as_array()?.iter().find_map(|r| {
        r["stops"].as_array()?.iter().find(|s| s["visit"] == visit).map(|s| {
            (
                r["technician"].as_str().unwrap_or_default().to_string(),
                r["day"].as_str().unwrap_or_default().to_string(),
                s["start"].as_str().unwrap_or_default().to_string(),
            )
        })
    })
}

#[test]
fn load_check_move_and_save_a_version_over_ipc() {
    let t = app_on_copy("edit", "main");
    let problem = t.ok("load_problem", json!({}));
    assert_eq!(problem["format"], "rota-problem/1");
    let regions = t.ok("load_regions", json!({}));
    assert_eq!(regions["type"], "FeatureCollection");
    assert_eq!(regions["features"].as_array().map(Vec::len), Some(5));

    let plan = t.ok("load_plan", json!({ "version": null }));
    assert_eq!(plan["format"], "rota-plan/1");
    let routes = plan["routes"].as_array().expect("routes");
    assert!(!routes.is_empty(), "the sample is planned on first start");
    let versions = t.ok("list_plan_versions", json!({}));
    let before = versions.as_array().expect("versions").len();
    assert!(before >= 1);

    // A visit onto a technician without its skill: refused with the rule's code, nothing saved.
    let stop = &routes[0]["stops"][0];
    let visit = stop["visit"].as_str().expect("a planned visit").to_string();
    let def = problem["visits"]
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["id"] == visit))
        .expect("the visit in the problem");
    let unskilled = problem["technicians"]
        .as_array()
        .and_then(|ts| {
            ts.iter().find(|t| t["skills"].as_array().is_some_and(|s| !s.iter().any(|s| s["skill"] == def["skill"])))
        })
        .expect("a technician without the visit's skill");
    let day = routes[0]["day"].as_str().expect("day").to_string();
    let refused = t.ok("check_move", json!({ "req": { "visit": visit, "technician": unskilled["id"], "day": day } }));
    assert_eq!(refused["ok"], false);
    let codes: Vec<&str> =
        refused["violations"].as_array().expect("violations").iter().filter_map(|v| v["code"].as_str()).collect();
    assert!(codes.contains(&"skill"), "{refused}");
    let edit = t.ok("move_visit", json!({ "req": { "visit": visit, "technician": unskilled["id"], "day": day } }));
    assert_eq!(edit["feasibility"]["ok"], false);
    assert!(edit["version"].is_null() && edit["plan"].is_null(), "{edit}");
    assert_eq!(t.ok("list_plan_versions", json!({})).as_array().map(Vec::len), Some(before));

    // The best other slot found by the backend: the move is feasible and saved as a version.
    let from = placement(&plan, &visit).expect("placed");
    let slots = t.ok("find_slot", json!({ "visit": visit, "limit": 20 }));
    let slot = slots
        .as_array()
        .expect("slots")
        .iter()
        .find(|s| (s["technician"].as_str(), s["day"].as_str()) != (Some(from.0.as_str()), Some(from.1.as_str())))
        .expect("a slot with another technician or day")
        .clone();
    let req = json!({ "visit": visit, "technician": slot["technician"], "day": slot["day"], "start": slot["start"] });
    assert_eq!(t.ok("check_move", json!({ "req": req }))["ok"], true);
    let edit = t.ok("move_visit", json!({ "req": req }));
    assert_eq!(edit["feasibility"]["ok"], true, "{}", edit["feasibility"]);
    let version = edit["version"]["id"].as_i64().expect("a new version id");
    assert_eq!(edit["version"]["action"]["code"], "move");
    let moved = placement(&edit["plan"], &visit).expect("still planned");
    assert_eq!(
        (moved.0.as_str(), moved.1.as_str()),
        (slot["technician"].as_str().unwrap(), slot["day"].as_str().unwrap())
    );
    let versions = t.ok("list_plan_versions", json!({}));
    assert_eq!(versions.as_array().map(Vec::len), Some(before + 1));
    assert_eq!(versions[0]["id"].as_i64(), Some(version), "newest first");
    assert_eq!(t.ok("undo_state", json!({}))["can_undo"], true);

    // The database holds it: a desk opened afresh on the file sees the move as current.
    let reopened = rota_service::desk::Desk::open(&t.db).expect("reopen the database");
    assert_eq!(reopened.current_version(), Some(version));
    let stored = serde_json::to_value(reopened.load_plan(None).expect("current plan")).expect("json");
    assert_eq!(placement(&stored, &visit), Some(moved));
}

#[test]
fn bad_arguments_and_unknown_records_are_error_json() {
    let t = app_on_copy("errors", "main");
    // Wrong type inside the payload: the argument is named.
    let e = t.invoke("check_move", json!({ "req": { "visit": 7 } })).unwrap_err();
    assert_eq!(e["code"], "invalid_argument", "{e}");
    assert_eq!(e["params"]["argument"], "req");
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
    // Missing argument.
    let e = t.invoke("unassign_visit", json!({})).unwrap_err();
    assert_eq!((e["code"].as_str(), e["params"]["argument"].as_str()), (Some("invalid_argument"), Some("visit")));
    // Out of range.
    let e = t.invoke("find_slot", json!({ "visit": "V001", "limit": 100000 })).unwrap_err();
    assert_eq!(e["params"]["argument"], "limit");
    // Well-formed but unknown: the desk's own codes.
    let e = t
        .invoke("move_visit", json!({ "req": { "visit": "V-nope", "technician": "T001", "day": "2026-12-07" } }))
        .unwrap_err();
    assert_eq!(e["code"], "unknown_visit", "{e}");
    assert_eq!(e["params"]["visit"], "V-nope");
    let e = t.invoke("load_plan", json!({ "version": 987654 })).unwrap_err();
    assert_eq!(e["code"], "unknown_version", "{e}");
    let e = t.invoke("optimize_result", json!({ "runId": "no-such-run" })).unwrap_err();
    assert_eq!(e["code"], "unknown_run", "{e}");
}

#[test]
fn optimize_runs_in_the_background_and_accepting_saves_a_version() {
    let t = app_on_copy("optimize", "main");
    let before = t.ok("list_plan_versions", json!({})).as_array().map(Vec::len).expect("versions");
    let day = t.ok("load_plan", json!({ "version": null }))["routes"][0]["day"].clone();
    let run = t.ok("optimize_start", json!({ "scope": { "kind": "day", "day": day } }));
    let run_id = run.as_str().expect("a run id").to_string();
    let result = t.ok("optimize_result", json!({ "runId": run_id }));
    assert_eq!(result["run_id"], run_id.as_str());
    assert_eq!(result["plan"]["format"], "rota-plan/1");
    assert!(result["diff"]["kpis_before"].is_object() && result["diff"]["kpis_after"].is_object());
    let version = t.ok("optimize_accept", json!({ "runId": run_id }));
    assert_eq!(version["author"], "solver");
    assert_eq!(version["action"]["code"], "optimize");
    let versions = t.ok("list_plan_versions", json!({}));
    assert_eq!(versions.as_array().map(Vec::len), Some(before + 1));
    assert_eq!(versions[0]["id"], version["id"]);
    // The run is gone once accepted.
    let e = t.invoke("optimize_discard", json!({ "runId": run_id })).unwrap_err();
    assert_eq!(e["code"], "unknown_run");
}

#[test]
fn only_the_main_window_may_call_commands() {
    // Capabilities grant the commands to the window labelled "main" only.
    let t = app_on_copy("acl", "intruder");
    let e = t.invoke("load_plan", json!({ "version": null })).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("not allowed") || text.contains("denied"), "{text}");
}

#[test]
fn the_csp_allows_no_remote_origin_and_no_eval() {
    let t = app_on_copy("csp", "main");
    let config = t._app.config();
    assert_eq!(config.product_name.as_deref(), Some("Rota"));
    assert_eq!(config.app.windows[0].title, "Rota");
    assert!(config.app.with_global_tauri);
    let csp = config.app.security.csp.as_ref().expect("a Content-Security-Policy").to_string();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    // The only http origin is Tauri's own IPC endpoint; nothing https, no wildcard.
    for token in csp.split([' ', ';']) {
        assert!(
            !token.starts_with("https:") && token != "*" && token != "http:" && token != "data:*",
            "{token} in {csp}"
        );
        if token.starts_with("http://") {
            assert_eq!(token, "http://ipc.localhost", "{csp}");
        }
    }
}

#[test]
fn coverage_report_scenarios_and_comparison_over_ipc() {
    let t = app_on_copy("coverage", "main");
    let report = t.ok("coverage_report", json!({ "weeks": 4, "scenario": null }));
    let cells = report["cells"].as_array().expect("cells");
    assert!(!cells.is_empty());
    for c in cells {
        let (d, a, u) = (c["demand_hours"].as_f64(), c["allocated_hours"].as_f64(), c["unmet_hours"].as_f64());
        let (d, a, u) = (d.expect("demand"), a.expect("allocated"), u.expect("unmet"));
        assert!((u - (d - a)).abs() < 1e-6, "{c}");
    }
    // The shapes ui/src/lib/backend/types.ts (CoverageView, CoverageCell, CoverageTotals) reads.
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&report),
        [
            "cells",
            "history_rows",
            "recommendations",
            "region_weeks",
            "regions",
            "scenario",
            "skills",
            "start",
            "totals",
            "weeks"
        ]
    );
    assert_eq!(
        keys(&cells[0]),
        [
            "allocated_hours",
            "capacity_hours",
            "demand_hours",
            "marginal_value_per_hour",
            "region",
            "skill",
            "sla_attainment_pct",
            "unmet_hours",
            "week",
            "week_start"
        ]
    );
    assert_eq!(keys(&report["totals"]).len(), 9);
    assert!(report["history_rows"].as_u64() > Some(0), "the app's sample database has the visit history");
    let rec = &report["recommendations"][0];
    assert_eq!(rec["code"], "add_technician", "{report}");
    for p in ["region", "skill", "level", "certifications", "from_week", "from_date", "sla_before", "sla_after"] {
        assert!(rec["params"].get(p).is_some(), "{p} in {rec}");
    }
    assert!(rec["params"]["sla_after"].as_f64() > rec["params"]["sla_before"].as_f64(), "{rec}");
    assert_eq!(t.ok("list_scenarios", json!({})), json!([]));
    let req = json!({ "name": "more", "description": "", "from": null, "changes": {
        "add_technicians": [{ "region": rec["params"]["region"], "skill": rec["params"]["skill"], "level": rec["params"]["level"] }]
    } });
    let info = t.ok("scenario_create", json!({ "req": req }));
    assert_eq!(info["changes"][0]["code"], "add_technicians");
    let cmp = t.ok("compare_scenarios", json!({ "names": ["more"], "weeks": 4 }));
    assert_eq!(cmp["columns"], json!(["baseline", "more"]));
    assert_eq!(cmp["kpis"][0]["kpi"], "sla_attainment_pct");
    assert!(cmp["kpis"][0]["deltas"][1].as_f64() > Some(0.0), "{cmp}");
    // Errors are codes with params.
    let e = t.invoke("coverage_report", json!({ "weeks": "four", "scenario": null })).unwrap_err();
    assert_eq!((e["code"].as_str(), e["params"]["argument"].as_str()), (Some("invalid_argument"), Some("weeks")));
    let e = t.invoke("coverage_report", json!({ "weeks": 40, "scenario": null })).unwrap_err();
    assert_eq!(e["params"]["argument"], "weeks", "{e}");
    let e = t.invoke("compare_scenarios", json!({ "names": ["ghost"], "weeks": 4 })).unwrap_err();
    assert_eq!((e["code"].as_str(), e["params"]["scenario"].as_str()), (Some("unknown_scenario"), Some("ghost")));
    // The live plan is untouched by all of this.
    assert_eq!(t.ok("list_plan_versions", json!({})).as_array().map(Vec::len), Some(1));
}

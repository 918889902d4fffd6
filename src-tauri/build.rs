// Generates the Tauri context (config, capabilities, icons, the UI of ../ui/dist) in this build
// script, so that a rebuilt UI is re-embedded (`cargo:rerun-if-changed` on ui/dist), and the
// permissions of the app's own commands: each command in COMMANDS gets an `allow-<command>`
// permission, and only those granted in capabilities/*.json are callable from the window.
use std::path::Path;

const COMMANDS: &[&str] = &[
    "load_problem",
    "load_regions",
    "load_plan",
    "list_plan_versions",
    "check_move",
    "move_visit",
    "unassign_visit",
    "set_lock",
    "undo",
    "redo",
    "undo_state",
    "find_slot",
    "emergency_options",
    "dispatch_emergency",
    "optimize_start",
    "optimize_result",
    "optimize_cancel",
    "optimize_accept",
    "optimize_discard",
    "kpis",
    "provider_scorecards",
    "route_lines",
    "coverage_report",
    "list_scenarios",
    "compare_scenarios",
    "scenario_create",
    "area_info",
    "map_tile",
    "search_address",
];

/// Shown in the window when the crate was built before the UI (`npm run build` in ui/).
const UI_MISSING: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"UTF-8\"><title>Rota</title></head>\
<body><h1>Rota: the user interface is not built</h1>\
<p>Run <code>npm run build</code> in <code>ui/</code>, then <code>cargo build --workspace</code> again \
(or simply <code>bash scripts/run.sh</code>).</p></body></html>\n";

fn main() {
    let dist = Path::new("../ui/dist");
    println!("cargo:rerun-if-changed=../ui/dist");
    if !dist.join("index.html").exists() {
        // Let `cargo build --workspace` (clippy, tests) work on a fresh clone: embed a page that
        // says how to build the UI instead of failing inside the context macro.
        let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
        let fallback = Path::new(&out).join("ui-missing");
        std::fs::create_dir_all(&fallback).expect("create the fallback UI folder in OUT_DIR");
        std::fs::write(fallback.join("index.html"), UI_MISSING).expect("write the fallback UI page in OUT_DIR");
        let patch = serde_json::json!({ "build": { "frontendDist": fallback } });
        println!("cargo:warning=ui/dist is missing: rota-app embeds a page asking to run `npm run build` in ui/");
        // SAFETY: the build script is single-threaded; tauri-build reads this variable below.
        unsafe { std::env::set_var("TAURI_CONFIG", patch.to_string()) };
    }
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .codegen(tauri_build::CodegenContext::new())
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build: invalid tauri.conf.json, capabilities or icons in src-tauri/");
}

//! Issue 18's regressions, end to end: inputs that used to crash Rota or be stored
//! half-understood (the malformed corpus itself is in `broken.rs`).

use std::path::Path;

use serde_json::{Value, json};

use crate::broken::dump;
use crate::cli::{root, rota, scratch};

const TINY: &str = "fixtures/sample/tiny-problem.json";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn tiny() -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(TINY)).unwrap()).unwrap()
}

fn revision(db: &Path) -> i64 {
    rota_store::db::Db::open(db).unwrap().head().unwrap().revision
}

#[test]
fn solve_on_a_night_with_every_visit_cancelled_or_no_technician_gives_an_empty_plan() {
    let dir = scratch("empty-night-solve");
    let mut cancelled = tiny();
    for v in cancelled["visits"].as_array_mut().unwrap() {
        v["status"] = json!("cancelled");
    }
    let mut no_technicians = tiny();
    no_technicians["technicians"] = json!([]);
    for v in no_technicians["visits"].as_array_mut().unwrap() {
        v["certifications"] = json!([]);
        v["preferred_technician"] = Value::Null;
        v.as_object_mut().unwrap().remove("preferred_technician");
    }
    for (name, problem) in [("cancelled", cancelled), ("no-technicians", no_technicians)] {
        let file = dir.join(format!("{name}.json"));
        let plan = dir.join(format!("{name}.plan.json"));
        std::fs::write(&file, serde_json::to_string(&problem).unwrap()).unwrap();
        let run = rota(&["solve", s(&file), "-o", s(&plan), "--time-limit", "2"]);
        assert_eq!(run.code, 0, "{name}: {}{}", run.stdout, run.stderr);
        let plan: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
        assert_eq!(plan["kpis"]["assigned"], 0, "{name}");
        assert!(plan["objective"]["total"].is_number(), "{name}: the objective is a finite number");
        let run = rota(&["check", s(&file), s(&dir.join(format!("{name}.plan.json")))]);
        assert_eq!(run.code, 0, "{name}: {}{}", run.stdout, run.stderr);
    }
}

#[test]
fn batch_on_a_day_with_no_open_visits_commits_an_empty_plan_and_says_there_was_nothing_to_plan() {
    let dir = scratch("empty-night-batch");
    let db = dir.join("rota.db");
    let report = dir.join("report.md");
    let run = rota(&["import", "--db", s(&db), "problem", TINY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A Sunday a year later: no visit's window, no shift.
    let run = rota(&[
        "batch",
        "--db",
        s(&db),
        "--date",
        "2027-12-05",
        "--days",
        "1",
        "--time-limit",
        "5",
        "--report",
        s(&report),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("nothing to plan"), "{}", run.stdout);
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(md.contains("**Nothing to plan**"), "{md}");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["visits"], 0);
    assert_eq!(json["outcome"], "committed");
    let run = rota(&["show", "--db", s(&db), "--plan", "current"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_time_limit_of_1e308_is_bad_input_not_a_panic() {
    let dir = scratch("time-limit");
    let db = dir.join("rota.db");
    assert_eq!(rota(&["import", "--db", s(&db), "problem", TINY]).code, 0);
    for args in [
        vec!["solve", TINY, "-o", s(&dir.join("p.json")), "--time-limit", "1e308"],
        vec!["batch", "--db", s(&db), "--time-limit", "1e308"],
    ] {
        let run = rota(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("from 0 to 86400"), "{}", run.stderr);
    }
}

#[test]
fn a_problem_starting_with_a_byte_order_mark_is_accepted_and_said_so() {
    let dir = scratch("bom-problem");
    let file = dir.join("bom.json");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(root().join(TINY)).unwrap());
    std::fs::write(&file, bytes).unwrap();
    let run = rota(&["validate", s(&file)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("byte-order mark"), "{}", run.stderr);
}

#[test]
fn validate_refuses_a_missing_road_network_like_solve() {
    let dir = scratch("validate-roads");
    let mut p = tiny();
    p["travel"] = json!({"model": "road", "network": "nowhere.json"});
    let file = dir.join("p.json");
    std::fs::write(&file, p.to_string()).unwrap();
    let run = rota(&["validate", s(&file)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("nowhere.json"), "{}", run.stderr);
}

#[test]
fn a_csv_with_a_byte_order_mark_imports_and_says_so_and_a_header_only_csv_changes_nothing() {
    let dir = scratch("bom-csv");
    let db = dir.join("rota.db");
    assert_eq!(rota(&["import", "--db", s(&db), "problem", TINY]).code, 0);
    let csv = dir.join("skills.csv");
    std::fs::write(&csv, "\u{feff}id,name\nwelding,Schweißen\n").unwrap();
    let run = rota(&["import", "--db", s(&db), "skills", s(&csv)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("byte-order mark"), "{}", run.stderr);
    let run = rota(&["export", "--db", s(&db), "--to", "problem", "-o", s(&dir.join("back.json"))]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::read_to_string(dir.join("back.json")).unwrap().contains("Schweißen"));

    let before = (revision(&db), dump(&db));
    let header_only = dir.join("visits.csv");
    std::fs::write(&header_only, "id,customer,lat,lon,skill,min_level,duration_min,priority,segment,created_at\n")
        .unwrap();
    let run = rota(&["import", "--db", s(&db), "visits", s(&header_only)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!((revision(&db), dump(&db)), before, "a header-only CSV must not bump the revision");
}

#[test]
fn output_into_a_closed_pipe_ends_quietly_instead_of_panicking() {
    // `rota generate … | head -0`: the reader is gone before the first line is written.
    use std::process::{Command, Stdio};
    let mut child = Command::new(crate::cli::rota_binary())
        .args(["schema", "problem"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}

//! The SQLite store and the nightly batch end to end: `rota init/import/batch/plans/show/export`
//! on real database files, kill -9 at every phase of a batch, a dispatcher's edit during a
//! batch, imports with bad rows, and import → export → import round trips.
//!
//! Kill and concurrency tests use the batch's test hook (`ROTA_TEST_PAUSE_AT=<phase>` and
//! `ROTA_TEST_PAUSE_DIR=<dir>`): the batch writes `<dir>/paused-<phase>` and waits for
//! `<dir>/resume-<phase>`, so the test acts at an exact point — no sleeps, no timing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rota_solver::format::Pin;
use rota_store::db::Db;

use crate::cli::{root, rota, rota_binary, scratch};

const TINY: &str = "fixtures/sample/tiny-problem.json";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A database with the tiny problem and one committed batch plan (v1).
fn tiny_db_with_a_plan(dir: &Path) -> PathBuf {
    let db = dir.join("rota.db");
    let run = rota(&["import", "--db", s(&db), "problem", TINY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = rota(&["batch", "--db", s(&db), "--iterations", "30", "--time-limit", "60"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    db
}

fn spawn_paused_batch(db: &Path, dir: &Path, phase: &str) -> Child {
    Command::new(rota_binary())
        .args(["batch", "--db", s(db), "--iterations", "30", "--time-limit", "60"])
        .env(rota_service::batch::PAUSE_AT_ENV, phase)
        .env(rota_service::batch::PAUSE_DIR_ENV, dir)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rota batch")
}

/// Waits until the batch reports that it is paused at `phase` (a generous bound only against
/// hanging forever; nothing is timed).
fn wait_paused(dir: &Path, phase: &str, child: &mut Child) {
    let marker = dir.join(format!("paused-{phase}"));
    let started = Instant::now();
    while !marker.exists() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("batch ended ({status}) before pausing at {phase}");
        }
        assert!(started.elapsed() < Duration::from_secs(300), "batch never reached {phase}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn init_sample_then_batch_commits_a_version_with_a_readable_report() {
    let dir = scratch("batch-sample");
    let db = dir.join("r.db");
    let report = dir.join("report.md");
    let run = rota(&["init", "--db", s(&db), "--sample"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("420 visits"), "{}", run.stdout);
    let run = rota(&[
        "batch",
        "--db",
        s(&db),
        "--date",
        "2026-12-07",
        "--days",
        "5",
        "--report",
        s(&report),
        "--iterations",
        "100",
        "--time-limit",
        "60",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("committed plan version v1"), "{}", run.stdout);
    let md = fs::read_to_string(&report).unwrap();
    for part in ["# Rota nightly batch", "## KPIs", "SLA attainment", "## What changed", "## Unassigned"] {
        assert!(md.contains(part), "report lacks {part:?}:\n{md}");
    }
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["outcome"], "committed");
    assert!(json["kpis_after"]["assigned"].as_u64().unwrap() > 300);

    let plans = rota(&["plans", "--db", s(&db)]);
    assert_eq!(plans.code, 0, "{}", plans.stderr);
    assert!(plans.stdout.contains("v1") && plans.stdout.contains("batch"), "{}", plans.stdout);
    let show = rota(&["show", "--db", s(&db), "--plan", "v1"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show.stdout.contains("(current)") && show.stdout.contains("assigned"), "{}", show.stdout);

    // Every export of the version.
    for (to, out) in [("json", "plan.json"), ("csv", "plan.csv"), ("geojson", "routes.geojson"), ("ical", "ical")] {
        let out = dir.join(out);
        let run = rota(&["export", "--db", s(&db), "--plan", "current", "--to", to, "-o", s(&out)]);
        assert_eq!(run.code, 0, "{to}: {}", run.stderr);
    }
    let plan: rota_solver::format::Plan =
        serde_json::from_str(&fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap();
    let stops: usize = plan.routes.iter().map(|r| r.stops.len()).sum();
    assert_eq!(fs::read_to_string(dir.join("plan.csv")).unwrap().lines().count(), 1 + stops + plan.unassigned.len());
    // The sample has a road network: every route line follows it (more points than places).
    let routes: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("routes.geojson")).unwrap()).unwrap();
    let lines: Vec<&serde_json::Value> =
        routes["features"].as_array().unwrap().iter().filter(|f| f["properties"]["kind"] == "route").collect();
    assert_eq!(lines.len(), plan.routes.len());
    for (line, route) in lines.iter().zip(&plan.routes) {
        assert_eq!(line["properties"]["line"], "road", "{}", line["properties"]);
        let points = line["geometry"]["coordinates"].as_array().unwrap().len();
        assert!(
            points > route.stops.len() + 2,
            "{}: {points} points for {} stops",
            route.technician,
            route.stops.len()
        );
    }
    let ics: Vec<_> = fs::read_dir(dir.join("ical")).unwrap().collect();
    assert!(!ics.is_empty());
    let one = fs::read_to_string(ics[0].as_ref().unwrap().path()).unwrap();
    assert!(
        one.starts_with("BEGIN:VCALENDAR\r\n") && one.contains("BEGIN:VEVENT") && one.ends_with("END:VCALENDAR\r\n")
    );

    // A second night plans on top of the first: parent v1, and moves are reported.
    let run = rota(&["batch", "--db", s(&db), "--iterations", "50", "--max-changes", "0", "--report", s(&report)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["parent"], 1);
    assert_eq!(json["change_budget"]["moved"], 0, "{}", json["change_budget"]);
}

#[test]
fn kill_9_at_any_phase_leaves_the_database_intact_with_the_previous_plan_current() {
    for phase in ["snapshot", "solved", "checked", "before-commit"] {
        let dir = scratch(&format!("kill-{phase}"));
        let db = tiny_db_with_a_plan(&dir);
        let before = Db::open(&db).unwrap().head().unwrap();
        let mut child = spawn_paused_batch(&db, &dir, phase);
        wait_paused(&dir, phase, &mut child);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let store = Db::open(&db).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok", "{phase}");
        assert_eq!(store.head().unwrap(), before, "{phase}: the previous plan must stay current");
        assert_eq!(store.plan_versions().unwrap().len(), 1, "{phase}: no half-written version");
    }
}

#[test]
fn a_dispatchers_edit_during_a_batch_survives_and_the_batch_exits_3() {
    let dir = scratch("concurrent-edit");
    let db = tiny_db_with_a_plan(&dir);
    let before = Db::open(&db).unwrap().head().unwrap();
    let mut child = spawn_paused_batch(&db, &dir, "checked");
    wait_paused(&dir, "checked", &mut child);
    // The dispatcher pins a visit while the batch holds its (now stale) plan.
    let visit = Db::open(&db).unwrap().problem().unwrap().unwrap().visits[0].id.clone();
    let pin = Pin { technician: None, day: Some("2026-12-08".parse().unwrap()), start: None };
    Db::open(&db).unwrap().set_pin(&visit, Some(&pin)).unwrap();
    fs::write(dir.join("resume-checked"), "").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("conflict"), "{stderr}");
    let store = Db::open(&db).unwrap();
    assert_eq!(store.head().unwrap().current_plan_id, before.current_plan_id);
    assert_eq!(store.problem().unwrap().unwrap().visits[0].pin.as_ref(), Some(&pin));
    // Run again: it plans on top of the edit and honours the pin.
    let run = rota(&["batch", "--db", s(&db), "--iterations", "30"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let store = Db::open(&db).unwrap();
    let plan = store.plan(store.head().unwrap().current_plan_id.unwrap()).unwrap();
    let day = plan.routes.iter().find(|r| r.stops.iter().any(|s| s.visit == visit)).map(|r| r.day.to_string());
    assert!(day.is_none() || day.as_deref() == Some("2026-12-08"), "pinned visit on {day:?}");
}

#[test]
fn an_import_with_bad_rows_changes_nothing_and_names_every_row() {
    let dir = scratch("bad-import");
    let db = tiny_db_with_a_plan(&dir);
    let before = Db::open(&db).unwrap().problem().unwrap().unwrap();
    let csv = dir.join("technicians.csv");
    fs::write(
        &csv,
        "id,name,start_site,skills,regions,mon\n\
         X1,Good Tech,central-depot,hvac:2,north,08:00-16:00\n\
         X2,Bad Level,central-depot,hvac:high,north,08:00-16:00\n\
         X3,Bad Shift,central-depot,hvac:1,north,8am-4pm\n",
    )
    .unwrap();
    let run = rota(&["import", "--db", s(&db), "technicians", s(&csv)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("line 3 \"X2\": skills"), "{}", run.stderr);
    assert!(run.stderr.contains("line 4 \"X3\": mon"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was changed"), "{}", run.stderr);
    assert_eq!(Db::open(&db).unwrap().problem().unwrap().unwrap(), before);
    let bad_problem = rota(&["import", "--db", s(&db), "problem", "tests/broken/unknown-skill.json"]);
    assert_eq!(bad_problem.code, 2, "{}", bad_problem.stderr);
    assert_eq!(Db::open(&db).unwrap().problem().unwrap().unwrap(), before);
}

#[test]
fn import_export_import_is_identical() {
    let dir = scratch("round-trip");
    let (a, b) = (dir.join("a.db"), dir.join("b.db"));
    let (first, second) = (dir.join("first.json"), dir.join("second.json"));
    assert_eq!(rota(&["import", "--db", s(&a), "problem", TINY]).code, 0);
    assert_eq!(rota(&["export", "--db", s(&a), "--to", "problem", "-o", s(&first)]).code, 0);
    assert_eq!(rota(&["import", "--db", s(&b), "problem", s(&first)]).code, 0);
    assert_eq!(rota(&["export", "--db", s(&b), "--to", "problem", "-o", s(&second)]).code, 0);
    let original = fs::read_to_string(root().join(TINY)).unwrap();
    assert_eq!(fs::read_to_string(&first).unwrap(), original);
    assert_eq!(fs::read_to_string(&second).unwrap(), original);
}

#[test]
fn batch_report_in_simplified_chinese() {
    use rota_service::batch::report::{Lang, message};
    let dir = scratch("batch-zh");
    let db = dir.join("r.db");
    let report = dir.join("报告.md");
    // An unknown language is bad input, named with the supported ones, before anything runs.
    let run = rota(&["batch", "--db", s(&db), "--lang", "fr", "--report", s(&report)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--lang") && run.stderr.contains("en, zh-CN"), "{}", run.stderr);
    assert!(!db.exists() && !report.exists());

    let run = rota(&["init", "--db", s(&db), "--sample"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = rota(&[
        "batch",
        "--db",
        s(&db),
        "--date",
        "2026-12-07",
        "--days",
        "5",
        "--lang",
        "zh-CN",
        "--report",
        s(&report),
        "--iterations",
        "30",
        "--time-limit",
        "60",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = fs::read_to_string(&report).unwrap();
    for part in [
        "# Rota 夜间批量重排报告 — 2026-12-07 起 5 天",
        "**已提交** 计划版本 v",
        "## 关键指标",
        "| 已分配任务 |",
        "| SLA 达成率 |",
        "| 行驶时间、里程 |",
        "## 变更内容",
        "## 未分配（",
        "## 目标函数分项（重排后）",
        "- 行驶时间：",
    ] {
        assert!(md.contains(part), "report lacks {part:?}:\n{md}");
    }
    // No English heading, KPI name or table header is left.
    for english in [
        "Rota nightly batch",
        "## KPIs",
        "## What changed",
        "## Unassigned",
        "## Objective by term",
        "SLA attainment",
        "visits assigned",
        "| KPI |",
        "Outcome",
        "newly planned",
        "re-optimization",
    ] {
        assert!(!md.contains(english), "English {english:?} left in the zh-CN report:\n{md}");
    }
    // The JSON report is language-neutral: codes, which the Markdown names in Chinese.
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(dir.join("报告.json")).unwrap()).unwrap();
    assert_eq!(json["outcome"], "committed");
    let unassigned = json["unassigned"].as_array().unwrap();
    assert!(!unassigned.is_empty(), "the sample week leaves visits unassigned");
    for u in unassigned {
        let code = u["code"].as_str().unwrap();
        let name = message(Lang::ZhCn, &format!("reason.{code}")).unwrap_or_else(|| panic!("no zh-CN name for {code}"));
        assert!(md.contains(&format!("{name}（`{code}`）")), "reason {code} not named {name:?}:\n{md}");
    }
    for c in json["changed"].as_array().unwrap() {
        let why = c["why"].as_str().unwrap();
        assert!(
            ["newly_planned", "dropped", "moved_day", "moved_technician"].contains(&why),
            "why {why:?} is not a code"
        );
    }
}

#[test]
fn locks_from_the_desktop_app_are_kept_by_the_batch_and_stay_locks() {
    use rota_service::desk::Desk;
    let dir = scratch("batch-locks");
    let db = dir.join("r.db");
    // The desktop app's first start: the sample and an initial plan; the dispatcher locks a stop
    // on each of several routes.
    let mut desk = Desk::open_or_create_sample_with(&db, Duration::from_secs(2)).unwrap();
    let problem = Db::open(&db).unwrap().problem().unwrap().unwrap();
    let plannable = |id: &str| problem.visits.iter().any(|v| v.id == id && v.status.is_plannable());
    let mut locks = Vec::new();
    for r in &desk.current_plan().routes {
        if let Some(stop) = r.stops.iter().find(|s| plannable(&s.visit))
            && !locks.iter().any(|(_, t, _): &(String, String, String)| *t == r.technician)
        {
            locks.push((stop.visit.clone(), r.technician.clone(), stop.start.to_string()));
        }
        if locks.len() == 8 {
            break;
        }
    }
    assert_eq!(locks.len(), 8);
    for (visit, _, _) in &locks {
        let edit = desk.set_lock(visit, true).unwrap();
        assert!(edit.version.is_some(), "lock {visit}: {:?}", edit.feasibility);
    }
    // And drops one more stop on the board at its own time: a timed stop, kept like a lock.
    let timed = desk
        .current_plan()
        .routes
        .iter()
        .filter(|r| !locks.iter().any(|(_, t, _)| *t == r.technician))
        .find_map(|r| {
            // On a whole minute, as the board drops.
            let stop = r.stops.iter().find(|s| plannable(&s.visit) && s.start.0.and_utc().timestamp() % 60 == 0)?;
            Some((stop.visit.clone(), r.technician.clone(), r.day, stop.start))
        })
        .unwrap();
    let drop_at = timed.3.0.format("%Y-%m-%dT%H:%M").to_string();
    let req = rota_service::desk::MoveRequest {
        visit: timed.0.clone(),
        technician: timed.1.clone(),
        day: timed.2.to_string(),
        start: Some(drop_at.clone()),
    };
    assert!(desk.move_visit(&req).unwrap().feasibility.ok);
    let locked_version = desk.current_version().unwrap();
    drop(desk);

    let report = dir.join("report.md");
    let run = rota(&[
        "batch",
        "--db",
        s(&db),
        "--date",
        "2026-12-07",
        "--days",
        "5",
        "--iterations",
        "30",
        "--report",
        s(&report),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("8 stop(s) locked in the desktop app and 1 dropped"), "{}", run.stderr);
    let store = Db::open(&db).unwrap();
    let head = store.head().unwrap().current_plan_id.unwrap();
    assert_ne!(head, locked_version, "the batch committed a new version");
    let plan = store.plan(head).unwrap();
    for (visit, tech, start) in &locks {
        let at = plan.routes.iter().find_map(|r| {
            r.stops.iter().find(|s| &s.visit == visit).map(|s| (r.technician.clone(), s.start.to_string()))
        });
        assert_eq!(at, Some((tech.clone(), start.clone())), "locked {visit} must keep technician and start");
    }
    // The batch's version carries the locks on: the app still shows them locked.
    let desk = Desk::open(&db).unwrap();
    assert_eq!(desk.current_version(), Some(head));
    let view = desk.load_plan(None).unwrap();
    for (visit, _, _) in &locks {
        assert!(view.locked.contains(visit), "{visit} is no longer locked after the batch");
    }
    let at = plan
        .routes
        .iter()
        .find_map(|r| r.stops.iter().find(|s| s.visit == timed.0).map(|s| (r.technician.clone(), s.start)));
    assert_eq!(at, Some((timed.1.clone(), timed.3)), "the timed stop keeps technician and start");
    assert!(!view.locked.contains(&timed.0), "a timed stop is not shown as locked");
}

//! The sharded nightly batch end to end, on SQLite and on PostgreSQL: `rota batch --shard I/N
//! --run RUN` saves shard versions, `rota batch --merge RUN` joins them into one checked version;
//! an incomplete run (exit 4), a change during the run (exit 3) and kill -9 of a shard or of the
//! merge at its phases leave the current plan intact.

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

/// The tiny problem (5 regions) with one committed plan, in `db` (a file or a URL).
fn with_a_plan(db: &Path) {
    let run = rota(&["import", "--db", s(db), "problem", TINY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = rota(&["batch", "--db", s(db), "--iterations", "30", "--time-limit", "60"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

fn shard(db: &Path, i: u32, run: &str) {
    let tag = format!("{i}/2");
    let out =
        rota(&["batch", "--db", s(db), "--iterations", "30", "--time-limit", "60", "--shard", &tag, "--run", run]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("saved plan version"), "{}", out.stdout);
}

fn spawn_paused(args: &[&str], dir: &Path, phase: &str) -> Child {
    Command::new(rota_binary())
        .args(args)
        .env(rota_service::batch::PAUSE_AT_ENV, phase)
        .env(rota_service::batch::PAUSE_DIR_ENV, dir)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rota batch")
}

/// Waits for the pause marker (a generous bound only against hanging forever; nothing is timed).
fn wait_paused(dir: &Path, phase: &str, child: &mut Child) {
    let marker = dir.join(format!("paused-{phase}"));
    let started = Instant::now();
    while !marker.exists() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("rota ended ({status}) before pausing at {phase}");
        }
        assert!(started.elapsed() < Duration::from_secs(300), "never reached {phase}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Kills the process at `phase` and asserts the database still has `before` as its head.
fn kill_at(args: &[&str], dir: &Path, phase: &str, db: &Path, before: rota_store::db::Head) {
    let _ = fs::remove_file(dir.join(format!("paused-{phase}")));
    let mut child = spawn_paused(args, dir, phase);
    wait_paused(dir, phase, &mut child);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let store = Db::open(db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok", "{phase}");
    assert_eq!(store.head().unwrap().current_plan_id, before.current_plan_id, "{phase}: the plan must stay current");
}

/// The whole story on one database.
fn sharded_run(db: &Path, dir: &Path) {
    with_a_plan(db);
    let before = Db::open(db).unwrap().head().unwrap();
    let versions_before = Db::open(db).unwrap().plan_versions().unwrap().len();

    // Merge with no shard yet, then with one of two: not complete (exit 4), nothing changes.
    let merge = ["batch", "--db", s(db), "--merge", "night-1"];
    let out = rota(&merge);
    assert_eq!(out.code, 4, "{}", out.stderr);
    shard(db, 1, "night-1");
    let out = rota(&merge);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("shard(s) 2/2 saved no plan yet"), "{}", out.stderr);
    assert_eq!(Db::open(db).unwrap().head().unwrap().current_plan_id, before.current_plan_id);

    // kill -9 of shard 2 before it saves: nothing is saved, the run is still incomplete.
    let shard2 = ["batch", "--db", s(db), "--iterations", "30", "--shard", "2/2", "--run", "night-1"];
    for phase in ["snapshot", "checked"] {
        kill_at(&shard2, dir, phase, db, before);
    }
    assert_eq!(rota(&merge).code, 4);
    shard(db, 2, "night-1");

    // kill -9 of the merge at each phase: the previous plan stays current.
    for phase in ["merge-snapshot", "merge-checked", "before-commit"] {
        kill_at(&merge, dir, phase, db, before);
    }
    // The merge: one version, current, made of both shards, checked against the whole problem.
    let report = dir.join("merge.md");
    let out = rota(&["batch", "--db", s(db), "--merge", "night-1", "--report", s(&report)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("committed plan version"), "{}", out.stdout);
    assert!(!out.stdout.contains("rota:"), "no password or raw URL parts expected: {}", out.stdout);
    let store = Db::open(db).unwrap();
    let versions = store.plan_versions().unwrap();
    assert_eq!(versions.len(), versions_before + 3, "two shard versions and the merged one");
    let merged = &versions[0];
    assert!(merged.current && merged.shard.is_none() && merged.author == "batch");
    assert_eq!(merged.parent_id, before.current_plan_id);
    let plan = store.plan(merged.id).unwrap();
    let shards: Vec<_> = versions.iter().filter(|v| v.shard.is_some()).collect();
    let shard_stops: usize =
        shards.iter().map(|v| store.plan(v.id).unwrap().routes.iter().map(|r| r.stops.len()).sum::<usize>()).sum();
    assert_eq!(plan.routes.iter().map(|r| r.stops.len()).sum::<usize>(), shard_stops);
    let techs: std::collections::BTreeSet<&str> = plan.routes.iter().map(|r| r.technician.as_str()).collect();
    assert!(techs.len() >= 2, "routes of both shards: {techs:?}");
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(dir.join("merge.json")).unwrap()).unwrap();
    assert_eq!(json["outcome"], "committed");
    assert!(json["shard"].as_str().unwrap().contains("merge of 2 shard(s)"), "{json}");
    // The merged plan passes the independent checker as a file too.
    let exported = dir.join("merged.json");
    let problem = dir.join("problem.json");
    assert_eq!(rota(&["export", "--db", s(db), "--plan", "current", "--to", "json", "-o", s(&exported)]).code, 0);
    assert_eq!(rota(&["export", "--db", s(db), "--plan", "current", "--to", "problem", "-o", s(&problem)]).code, 0);
    let check = rota(&["check", s(&problem), s(&exported)]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);

    // A change during the next run: the merge refuses (exit 3) and the edit survives.
    let after = Db::open(db).unwrap().head().unwrap();
    shard(db, 1, "night-2");
    let visit = Db::open(db).unwrap().problem().unwrap().unwrap().visits[0].id.clone();
    let pin = Pin { technician: None, day: Some("2026-12-08".parse().unwrap()), start: None };
    Db::open(db).unwrap().set_pin(&visit, Some(&pin)).unwrap();
    shard(db, 2, "night-2");
    let out = rota(&["batch", "--db", s(db), "--merge", "night-2"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("conflict"), "{}", out.stderr);
    let store = Db::open(db).unwrap();
    assert_eq!(store.head().unwrap().current_plan_id, after.current_plan_id);
    assert_eq!(store.problem().unwrap().unwrap().visits[0].pin.as_ref(), Some(&pin));
}

#[test]
fn a_sharded_run_merges_into_one_checked_version_on_sqlite() {
    let dir = scratch("shards-sqlite");
    sharded_run(&dir.join("rota.db"), &dir);
}

#[test]
fn a_sharded_run_merges_into_one_checked_version_on_postgresql() {
    let Some(url) = rota_store::testing::pg_db("shards") else { return };
    let dir = scratch("shards-pg");
    sharded_run(&PathBuf::from(url), &dir);
}

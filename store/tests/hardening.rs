//! Issue 18's store regressions: strict imports, the revision rules of imports, the conflict
//! message naming the last change, and the finite-objective invariant of plan versions.

use std::path::{Path, PathBuf};

use rota_solver::format::*;
use rota_store::csv_import::CsvKind;
use rota_store::db::{Db, NewPlanVersion};

fn fresh(name: &str) -> (PathBuf, Db) {
    let dir = std::env::temp_dir().join(format!("rota-store-hardening-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rota.db");
    let mut db = Db::create(&path).unwrap();
    db.import_problem(&path, &rota_fixtures::tiny_problem(), None).unwrap();
    (path, db)
}

fn plan(total: f64) -> Plan {
    Plan {
        format: PLAN_FORMAT.into(),
        problem: ProblemRef { name: "x".into(), fingerprint: "0".into() },
        settings: SolverSettings {
            solver: "test".into(),
            policy: "default".into(),
            seed: 1,
            time_limit_s: 1.0,
            max_iterations: 1,
            iterations: 0,
            author: "batch".into(),
        },
        routes: Vec::new(),
        unassigned: Vec::new(),
        kpis: Kpis::default(),
        objective: Objective { total, terms: ObjectiveTerms::default() },
    }
}

fn version(plan: &Plan, parent: Option<i64>) -> NewPlanVersion<'_> {
    NewPlanVersion {
        plan,
        parent,
        author: "batch",
        horizon: Horizon { start: "2026-12-07".parse().unwrap(), days: 2 },
        shard: None,
        note: String::new(),
        created_at: "2026-12-06T23:00:00".into(),
    }
}

#[test]
fn a_plan_with_an_infinite_objective_is_never_stored() {
    let (_, mut db) = fresh("infinite");
    let rev = db.head().unwrap().revision;
    for total in [f64::INFINITY, f64::NAN, f64::NEG_INFINITY] {
        let p = plan(total);
        let err = db.commit_plan_version(rev, &version(&p, None), &mut || {}).unwrap_err().to_string();
        assert!(err.contains("plan: objective.total: must be a finite number"), "{err}");
        assert!(db.save_plan_version(&version(&p, None)).is_err());
    }
    let mut p = plan(1.0);
    p.objective.terms.workload_balance = f64::INFINITY;
    let err = db.commit_plan_version(rev, &version(&p, None), &mut || {}).unwrap_err().to_string();
    assert!(err.contains("objective.terms.workload_balance"), "{err}");
    assert!(db.plan_versions().unwrap().is_empty());
    assert_eq!(db.head().unwrap().revision, rev);
}

#[test]
fn a_conflict_after_an_import_names_the_import_not_the_author_of_the_current_plan() {
    let (path, mut db) = fresh("conflict-author");
    let p = plan(1.0);
    let rev = db.head().unwrap().revision;
    let v1 = db.commit_plan_version(rev, &version(&p, None), &mut || {}).unwrap();
    let read = db.head().unwrap();
    db.import_csv(Path::new("skills.csv"), CsvKind::Skills, "id,name\nwelding,Welding\n").unwrap();
    let err = db.commit_plan_version(read.revision, &version(&p, Some(v1)), &mut || {}).unwrap_err().to_string();
    assert!(err.contains("last change by a change to the stored data (an import"), "{err}");
    assert!(!err.contains("last change by batch"), "{err}");
    // A plan version committed meanwhile is named with its author.
    let read = db.head().unwrap();
    let mut other = Db::open(&path).unwrap();
    let v2 = other.commit_plan_version(read.revision, &version(&p, Some(v1)), &mut || {}).unwrap();
    let err = db.commit_plan_version(read.revision, &version(&p, Some(v1)), &mut || {}).unwrap_err().to_string();
    assert!(err.contains(&format!("last change by batch (plan version v{v2})")), "{err}");
}

#[test]
fn a_header_only_csv_changes_nothing_and_a_duplicated_column_is_refused() {
    let (_, mut db) = fresh("header-only");
    let rev = db.head().unwrap().revision;
    let before = db.problem().unwrap();
    assert_eq!(db.import_csv(Path::new("v.csv"), CsvKind::Skills, "id,name\n").unwrap(), 0);
    assert_eq!(db.head().unwrap().revision, rev, "a header-only CSV must not bump the revision");
    let err = db
        .import_csv(Path::new("s.csv"), CsvKind::Skills, "id,name,name\nwelding,Welding,Schweißen\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("s.csv line 1: name: duplicate column (columns 2 and 3 have the same name)"), "{err}");
    assert_eq!(db.head().unwrap().revision, rev);
    assert_eq!(db.problem().unwrap(), before);
}

#[test]
fn a_history_import_bumps_the_revision_and_refuses_hours_of_1e308() {
    let (_, mut db) = fresh("history");
    let rev = db.head().unwrap().revision;
    let n =
        db.import_history(Path::new("h.csv"), "date,region,skill,visits,hours\n2026-10-01,north,hvac,3,4.5\n").unwrap();
    assert_eq!(n, 1);
    assert_eq!(db.head().unwrap().revision, rev + 1, "every import bumps the revision (docs/store.md)");
    assert_eq!(db.import_history(Path::new("h.csv"), "date,region,skill,visits,hours\n").unwrap(), 0);
    assert_eq!(db.head().unwrap().revision, rev + 1, "a header-only history changes nothing");
    let err = db
        .import_history(Path::new("h.csv"), "date,region,skill,visits,hours\n2026-10-02,north,hvac,3,1e308\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("h.csv line 2: hours: expected a number of hours 0–96000, got \"1e308\""), "{err}");
    assert_eq!(db.history().unwrap().len(), 1);
    assert_eq!(db.head().unwrap().revision, rev + 1);
}

use std::path::PathBuf;

use rota_solver::format::Pin;

use super::*;
use crate::csv_import::CsvKind;

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rota-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("rota.db")
}

fn sample_db(name: &str) -> (PathBuf, Db) {
    let path = temp_db(name);
    let mut db = Db::create(&path).unwrap();
    let p = rota_fixtures::sample_problem();
    db.import_problem(&path, &p, Some(("roads.json", rota_fixtures::SAMPLE_ROADS_JSON.as_bytes()))).unwrap();
    (path, db)
}

#[test]
fn a_problem_reads_back_exactly_as_written() {
    let (_, mut db) = sample_db("roundtrip");
    assert_eq!(db.problem().unwrap().unwrap(), rota_fixtures::sample_problem());
    assert_eq!(db.schema_version().unwrap(), schema::LATEST as i64);
    let snap = db.snapshot().unwrap();
    assert!(snap.roads_json.is_some());
    assert_eq!(snap.head.revision, 1);
    assert_eq!(db.integrity_check().unwrap(), "ok");
    let tiny = rota_fixtures::tiny_problem();
    db.import_problem(std::path::Path::new("tiny.json"), &tiny, None).unwrap();
    assert_eq!(db.problem().unwrap().unwrap(), tiny);
}

#[test]
fn a_bad_problem_changes_nothing_and_names_every_mistake() {
    let (path, mut db) = sample_db("bad-problem");
    let before = db.head().unwrap();
    let mut bad = rota_fixtures::sample_problem();
    bad.visits[3].skill = "welding".into();
    bad.visits[7].duration_min = 0;
    let err = db.import_problem(&path, &bad, None).unwrap_err().to_string();
    assert!(err.contains("unknown skill \"welding\""), "{err}");
    assert!(err.contains("duration_min"), "{err}");
    assert_eq!(db.head().unwrap(), before);
    assert_eq!(db.problem().unwrap().unwrap(), rota_fixtures::sample_problem());
}

#[test]
fn csv_rows_with_mistakes_are_all_reported_and_nothing_changes() {
    let (_, mut db) = sample_db("csv");
    let before = db.head().unwrap();
    let csv = "id,customer,lat,lon,skill,min_level,duration_min,priority,segment,created_at\n\
               N1,Ok Customer,50.0,10.0,hvac,1,60,standard,new,2026-12-06T09:00\n\
               N2,Bad Level,50.0,10.0,hvac,x,60,standard,new,2026-12-06T09:00\n\
               N3,Bad Skill,50.0,10.0,welding,1,60,urgent,new,2026-12-06T09:00\n";
    let err = db.import_csv(std::path::Path::new("visits.csv"), CsvKind::Visits, csv).unwrap_err().to_string();
    assert!(err.contains("visits.csv line 3 \"N2\": min_level"), "{err}");
    assert!(err.contains("visits.csv line 4 \"N3\": priority"), "{err}");
    assert_eq!(db.head().unwrap(), before);
    // The validation of meaning names the CSV line too.
    let csv = "id,customer,lat,lon,skill,min_level,duration_min,priority,segment,created_at\n\
               N3,Bad Skill,50.0,10.0,welding,1,60,standard,new,2026-12-06T09:00\n";
    let err = db.import_csv(std::path::Path::new("visits.csv"), CsvKind::Visits, csv).unwrap_err().to_string();
    assert!(err.contains("visits.csv line 2 \"N3\": skill: unknown skill \"welding\""), "{err}");
    let ok = "id,customer,lat,lon,skill,min_level,duration_min,priority,segment,created_at,time_windows\n\
              N1,Ok Customer,50.0,10.0,hvac,1,60,standard,new,2026-12-06T09:00,2026-12-07T08:00..2026-12-07T12:00\n";
    assert_eq!(db.import_csv(std::path::Path::new("visits.csv"), CsvKind::Visits, ok).unwrap(), 1);
    let p = db.problem().unwrap().unwrap();
    assert_eq!(p.visits.len(), rota_fixtures::sample_problem().visits.len() + 1);
    assert_eq!(p.visits.last().unwrap().time_windows.len(), 1);
}

#[test]
fn a_stale_revision_is_a_conflict_and_writes_nothing() {
    let (_, mut db) = sample_db("conflict");
    let read = db.head().unwrap();
    db.set_pin("V001", Some(&Pin { technician: None, day: Some("2026-12-08".parse().unwrap()), start: None })).unwrap();
    let plan = empty_plan();
    let version = NewPlanVersion {
        plan: &plan,
        parent: None,
        author: "batch",
        horizon: rota_solver::format::Horizon { start: "2026-12-07".parse().unwrap(), days: 5 },
        shard: None,
        note: String::new(),
        created_at: "2026-12-06T23:00:00".into(),
    };
    let err = db.commit_plan_version(read.revision, &version, &mut || {}).unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert!(db.plan_versions().unwrap().is_empty());
    let now = db.head().unwrap().revision;
    let id = db.commit_plan_version(now, &version, &mut || {}).unwrap();
    assert_eq!(db.head().unwrap().current_plan_id, Some(id));
    assert_eq!(db.plan(id).unwrap(), plan);
    assert_eq!(db.problem().unwrap().unwrap().visits[0].pin.as_ref().unwrap().day.unwrap().to_string(), "2026-12-08");
}

fn empty_plan() -> rota_solver::format::Plan {
    use rota_solver::format::*;
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
        objective: Objective::default(),
    }
}

#[test]
fn migrating_a_filled_first_schema_database_keeps_every_row() {
    let path = temp_db("migrate");
    {
        let mut db = Db::open_at_version(&path, 1).unwrap();
        assert_eq!(db.schema_version().unwrap(), 1);
        let p = rota_fixtures::sample_problem();
        db.import_problem(&path, &p, Some(("roads.json", rota_fixtures::SAMPLE_ROADS_JSON.as_bytes()))).unwrap();
        // A plan version as schema 1 stores it (no shard, no note).
        let plan = serde_json::to_string(&empty_plan()).unwrap();
        db.connection()
            .execute(
                "INSERT INTO plan_versions (parent_id, author, created_at, horizon_start, horizon_days, solver, seed,
                    settings_json, kpis_json, objective_total, objective_json, plan_json)
                 VALUES (NULL, 'batch', '2026-12-06T23:00:00', '2026-12-07', 5, 'test', 1, '{}', ?1, 0.0, '{}', ?2)",
                rusqlite::params![serde_json::to_string(&rota_solver::format::Kpis::default()).unwrap(), plan],
            )
            .unwrap();
        db.connection()
            .execute("INSERT INTO assignments VALUES (1, 'V001', 'T001', '2026-12-07', 0, '2026-12-07T09:00', '2026-12-07T10:00')", [])
            .unwrap();
        db.connection().execute("UPDATE head SET current_plan_id = 1", []).unwrap();
    }
    let mut db = Db::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), schema::LATEST as i64);
    assert_eq!(db.integrity_check().unwrap(), "ok");
    assert_eq!(db.problem().unwrap().unwrap(), rota_fixtures::sample_problem());
    let versions = db.plan_versions().unwrap();
    assert_eq!(versions.len(), 1);
    assert!(versions[0].current && versions[0].shard.is_none() && versions[0].note.is_empty());
    assert_eq!(db.plan(1).unwrap(), empty_plan());
    assert_eq!(db.snapshot().unwrap().current_assignments.len(), 1);
}

//! The store's tests, each run on both backends: `NAME::sqlite` on a temporary file and
//! `NAME::postgres` on a fresh database of the test server (`crate::testing::pg_db`).

use std::path::PathBuf;

use rota_solver::format::Pin;

use super::*;
use crate::csv_import::CsvKind;

/// Runs the test function `$name(path)` once per backend: a SQLite file and a PostgreSQL URL.
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(crate::testing::sqlite_db(stringify!($name)));
            }
            #[test]
            fn postgres() {
                if let Some(url) = crate::testing::pg_db(stringify!($name)) {
                    super::$name(std::path::PathBuf::from(url));
                }
            }
        }
    )+};
}

both_backends!(
    a_problem_reads_back_exactly_as_written,
    a_bad_problem_changes_nothing_and_names_every_mistake,
    csv_rows_with_mistakes_are_all_reported_and_nothing_changes,
    a_stale_revision_is_a_conflict_and_writes_nothing,
    migrating_a_filled_first_schema_database_keeps_every_row,
    a_database_newer_than_the_program_is_refused,
    plan_versions_ratings_history_and_scenarios_round_trip,
    two_connections_writing_at_once_both_land_and_a_stale_commit_is_refused,
);

fn sample_db(path: PathBuf) -> (PathBuf, Db) {
    let mut db = Db::create(&path).unwrap();
    let p = rota_fixtures::sample_problem();
    db.import_problem(&path, &p, Some(("roads.json", rota_fixtures::SAMPLE_ROADS_JSON.as_bytes()))).unwrap();
    (path, db)
}

fn a_problem_reads_back_exactly_as_written(path: PathBuf) {
    let (_, mut db) = sample_db(path);
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

fn a_bad_problem_changes_nothing_and_names_every_mistake(path: PathBuf) {
    let (path, mut db) = sample_db(path);
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

fn csv_rows_with_mistakes_are_all_reported_and_nothing_changes(path: PathBuf) {
    let (_, mut db) = sample_db(path);
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

fn a_stale_revision_is_a_conflict_and_writes_nothing(path: PathBuf) {
    let (_, mut db) = sample_db(path);
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

fn migrating_a_filled_first_schema_database_keeps_every_row(path: PathBuf) {
    {
        let mut db = Db::open_at_version(&path, 1).unwrap();
        assert_eq!(db.schema_version().unwrap(), 1);
        let p = rota_fixtures::sample_problem();
        db.import_problem(&path, &p, Some(("roads.json", rota_fixtures::SAMPLE_ROADS_JSON.as_bytes()))).unwrap();
        // A plan version as schema 1 stores it (no shard, no note).
        let plan = serde_json::to_string(&empty_plan()).unwrap();
        db.sql()
            .execute(
                "INSERT INTO plan_versions (parent_id, author, created_at, horizon_start, horizon_days, solver, seed,
                    settings_json, kpis_json, objective_total, objective_json, plan_json)
                 VALUES (NULL, 'batch', '2026-12-06T23:00:00', '2026-12-07', 5, 'test', 1, '{}', ?1, 0.0, '{}', ?2)",
                backend::args![serde_json::to_string(&rota_solver::format::Kpis::default()).unwrap(), plan],
            )
            .unwrap();
        db.sql()
            .execute("INSERT INTO assignments VALUES (1, 'V001', 'T001', '2026-12-07', 0, '2026-12-07T09:00', '2026-12-07T10:00')", backend::args![])
            .unwrap();
        db.sql().execute("UPDATE head SET current_plan_id = 1", backend::args![]).unwrap();
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

fn a_database_newer_than_the_program_is_refused(path: PathBuf) {
    let (_, db) = sample_db(path.clone());
    let future = schema::LATEST + 7;
    if db.is_postgres() {
        db.sql().execute("UPDATE rota_schema SET version = ?1", backend::args![future as i64]).unwrap();
    } else {
        db.connection().pragma_update(None, "user_version", future as i64).unwrap();
    }
    drop(db);
    let err = Db::open(&path).err().expect("a newer database must be refused").to_string();
    assert!(err.contains("schema migration failed"), "{err}");
}

/// A plan with one route of one stop and one unassigned visit.
fn small_plan(author: &str) -> rota_solver::format::Plan {
    let mut plan = empty_plan();
    plan.settings.author = author.into();
    plan.routes = vec![
        serde_json::from_value(serde_json::json!({
            "technician": "T001", "day": "2026-12-07", "start_site": "S1", "end_site": "S1",
            "start": "2026-12-07T08:00", "end": "2026-12-07T11:00",
            "stops": [{"visit": "V001", "leg": {"travel_s": 600, "distance_m": 5000.0},
                       "depart": "2026-12-07T08:00", "arrival": "2026-12-07T08:10",
                       "start": "2026-12-07T09:00", "end": "2026-12-07T10:00"}],
            "return_leg": {"travel_s": 600, "distance_m": 5000.0},
            "travel_s": 1200, "distance_m": 10000.0, "service_s": 3600, "wait_s": 3000, "parts_volume": 0.0
        }))
        .unwrap(),
    ];
    plan.unassigned = vec![
        serde_json::from_value(
            serde_json::json!({"visit": "V002", "reasons": [{"code": "no_capacity", "message": "full"}]}),
        )
        .unwrap(),
    ];
    plan
}

fn version<'a>(plan: &'a rota_solver::format::Plan, parent: Option<i64>, shard: Option<&str>) -> NewPlanVersion<'a> {
    NewPlanVersion {
        plan,
        parent,
        author: "batch",
        horizon: rota_solver::format::Horizon { start: "2026-12-07".parse().unwrap(), days: 5 },
        shard: shard.map(str::to_string),
        note: "{\"desk\":1}".into(),
        created_at: "2026-12-06T23:00:00".into(),
    }
}

fn plan_versions_ratings_history_and_scenarios_round_trip(path: PathBuf) {
    let (path, mut db) = sample_db(path);
    let problem = db.problem().unwrap().unwrap();
    // Plan versions: a shard version is saved, not current; a commit is; restore moves current.
    let plan = small_plan("batch");
    let shard = db.save_plan_version(&version(&plan, None, Some("1/2"))).unwrap();
    assert_eq!(db.head().unwrap().current_plan_id, None);
    let rev = db.head().unwrap().revision;
    let first = db.commit_plan_version(rev, &version(&plan, None, None), &mut || {}).unwrap();
    assert!(first > shard);
    let second = db
        .commit_plan_version(db.head().unwrap().revision, &version(&empty_plan(), Some(first), None), &mut || {})
        .unwrap();
    let versions = db.plan_versions().unwrap();
    assert_eq!(versions.iter().map(|v| v.id).collect::<Vec<_>>(), vec![second, first, shard]);
    assert!(versions[0].current && !versions[1].current);
    assert_eq!(versions[2].shard.as_deref(), Some("1/2"));
    assert_eq!(versions[1].parent_id, None);
    assert_eq!(versions[0].parent_id, Some(first));
    assert_eq!(db.plan(first).unwrap(), plan);
    assert_eq!(db.plan_note(first).unwrap(), "{\"desk\":1}");
    assert_eq!(db.resolve_version("latest").unwrap(), second);
    assert_eq!(db.resolve_version("current").unwrap(), second);
    assert!(matches!(db.plan(second + 100), Err(StoreError::NoSuchPlan { .. })));
    db.set_current(first).unwrap();
    assert_eq!(db.resolve_version("current").unwrap(), first);
    let snap = db.snapshot().unwrap();
    assert_eq!(snap.head.current_plan_id, Some(first));
    assert_eq!(snap.current_assignments.len(), 1);
    assert_eq!(snap.current_assignments[0].0, "V001");
    assert_eq!(snap.current_assignments[0].1, "T001");
    assert_eq!(snap.current_assignments[0].2.to_string(), "2026-12-07T09:00");

    // Ratings: a trusted issuer, a feed, a replay refused, performance records.
    db.trust_issuer("acme", "a2V5", "2026-12-01T10:00:00Z").unwrap();
    db.trust_issuer("acme", "bmV3", "2026-12-02T10:00:00Z").unwrap();
    assert_eq!(db.trusted_issuer("acme").unwrap().unwrap().public_key, "bmV3");
    assert_eq!(db.trusted_issuers().unwrap().len(), 1);
    let provider = problem.providers[0].id.clone();
    let feed = ratings::VerifiedFeed {
        issuer: "acme".into(),
        sequence: 3,
        issued_at: "2026-12-01".into(),
        valid_until: "2027-01-01".into(),
        ratings: vec![ratings::FeedRating {
            provider: provider.clone(),
            rating: 4.25,
            low: Some(3.5),
            high: None,
            visits: Some(120),
        }],
        envelope: "{}".into(),
    };
    db.import_rating_feed(&feed, "2026-12-03T10:00:00Z").unwrap();
    let replay = db.import_rating_feed(&feed, "2026-12-03T11:00:00Z").unwrap_err();
    assert!(matches!(replay, ratings::FeedRefusal::Replay { latest: 3, .. }), "{replay}");
    let unknown = ratings::VerifiedFeed { issuer: "nobody".into(), ..feed.clone() };
    assert!(matches!(
        db.import_rating_feed(&unknown, "2026-12-03T11:00:00Z"),
        Err(ratings::FeedRefusal::UnknownIssuer(_))
    ));
    assert_eq!(db.latest_feed_sequence("acme").unwrap(), Some(3));
    assert_eq!(db.latest_feed_sequence("nobody").unwrap(), None);
    let feeds = db.rating_feeds().unwrap();
    assert_eq!((feeds.len(), feeds[0].providers), (1, 1));
    let current = db.current_feed_ratings().unwrap();
    assert_eq!(current[0].1, feed.ratings[0]);
    let tech = &problem.technicians[0];
    let record = rota_solver::ratings::PerformanceRecord {
        provider: provider.clone(),
        technician: tech.id.clone(),
        region: problem.regions[0].id.clone(),
        skill: problem.skills[0].id.clone(),
        on_time: true,
        first_time_fix: false,
        score: 4,
        completed: "2026-11-30".parse().unwrap(),
    };
    assert_eq!(db.add_performance_records(std::slice::from_ref(&record)).unwrap(), 1);
    assert_eq!(db.performance_records().unwrap(), vec![record]);

    // Coverage: history (a row imported again replaces it), scenarios.
    let (region, skill) = (&problem.regions[0].id, &problem.skills[0].id);
    let csv = format!("date,region,skill,visits,hours\n2026-11-02,{region},{skill},3,4.5\n");
    assert_eq!(db.import_history(std::path::Path::new("h.csv"), &csv).unwrap(), 1);
    let csv = format!("date,region,skill,visits,hours\n2026-11-02,{region},{skill},5,6.5\n");
    db.import_history(std::path::Path::new("h.csv"), &csv).unwrap();
    let history = db.history().unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].visits, history[0].hours), (5, 6.5));
    let spec = rota_solver::coverage::ScenarioSpec { remove_technicians: vec![tech.id.clone()], ..Default::default() };
    let before = db.head().unwrap();
    db.create_scenario("fewer", "one less", &problem, &spec).unwrap();
    assert!(db.create_scenario("fewer", "", &problem, &spec).unwrap_err().is_bad_input());
    db.save_scenario_result("fewer", 4, "{\"weeks\":4}").unwrap();
    let stored = db.scenario("fewer").unwrap();
    assert_eq!((stored.base, stored.spec.clone()), (problem.clone(), spec.clone()));
    assert_eq!(stored.result, Some((4, "{\"weeks\":4}".to_string())));
    db.update_scenario("fewer", &rota_solver::coverage::ScenarioSpec::default(), Some("none")).unwrap();
    let stored = db.scenario("fewer").unwrap();
    assert_eq!((stored.description.as_str(), stored.result), ("none", None));
    assert_eq!(db.scenario_names().unwrap(), vec!["fewer".to_string()]);
    db.delete_scenario("fewer").unwrap();
    assert!(db.scenario("fewer").unwrap_err().is_bad_input());
    // Scenarios are not part of the plan: the revision did not move.
    assert_eq!(db.head().unwrap(), before);
    drop(db);
    // Everything is still there through a new connection.
    let db = Db::open(&path).unwrap();
    assert_eq!(db.plan_versions().unwrap().len(), 3);
    assert_eq!(db.performance_records().unwrap().len(), 1);
    assert_eq!(db.integrity_check().unwrap(), "ok");
}

fn two_connections_writing_at_once_both_land_and_a_stale_commit_is_refused(path: PathBuf) {
    let (path, db) = sample_db(path);
    let start = db.head().unwrap();
    drop(db);
    // Two writers at once (two desks): each pins a different visit; both edits land, in turn.
    let writers: Vec<_> = ["V001", "V002", "V003", "V004"]
        .into_iter()
        .map(|visit| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut db = Db::open(&path).unwrap();
                let pin = Pin { technician: None, day: Some("2026-12-09".parse().unwrap()), start: None };
                db.set_pin(visit, Some(&pin)).unwrap();
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let mut a = Db::open(&path).unwrap();
    let mut b = Db::open(&path).unwrap();
    let read = a.head().unwrap();
    assert_eq!(read.revision, start.revision + 4);
    let pinned = a.problem().unwrap().unwrap().visits.iter().filter(|v| v.pin.is_some()).count();
    assert!(pinned >= 4, "{pinned}");
    // Two runs read the same revision; the first commit wins, the second is refused naming it.
    let plan = small_plan("batch");
    let first = a.commit_plan_version(read.revision, &version(&plan, None, None), &mut || {}).unwrap();
    let err = b.commit_plan_version(read.revision, &version(&plan, None, None), &mut || {}).unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert!(err.to_string().contains("last change by batch"), "{err}");
    assert_eq!(b.head().unwrap().current_plan_id, Some(first));
    assert_eq!(b.plan_versions().unwrap().len(), 1);
}

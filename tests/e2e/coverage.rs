//! Coverage planning and what-if scenarios end to end: `rota init --sample`, `rota import …
//! history`, `rota coverage`, `rota scenario create/edit/run/compare/list` on a real database.

use std::path::{Path, PathBuf};

use rota_store::db::Db;
use serde_json::Value;

use crate::cli::{rota, scratch};

const HISTORY: &str = "fixtures/sample/history.csv";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The sample database: `rota init --sample` loads the sample visit history with it.
fn sample_db(name: &str) -> PathBuf {
    let db = scratch(name).join("r.db");
    let run = rota(&["init", "--db", s(&db), "--sample"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("visit-history rows"), "{}", run.stdout);
    assert!(!Db::open(&db).unwrap().history().unwrap().is_empty());
    db
}

fn f(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} missing or not a number in {v}"))
}

#[test]
fn coverage_json_on_the_sample_has_consistent_cells_duals_and_recommendations() {
    let db = sample_db("coverage-json");
    let run = rota(&["coverage", "--db", s(&db), "--weeks", "4", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON report");
    assert_eq!(report["format"], "rota-coverage/1");
    assert_eq!(report["weeks"], serde_json::json!([50, 51, 52, 53]));
    let cells = report["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 5 * 6 * 4, "every region × skill × week");
    let mut keys = std::collections::BTreeSet::new();
    let (mut demand, mut allocated, mut unmet, mut valued) = (0.0, 0.0, 0.0, 0);
    for c in cells {
        keys.insert((
            c["region"].as_str().unwrap().to_string(),
            c["skill"].as_str().unwrap().to_string(),
            c["week"].as_u64().unwrap(),
        ));
        let (d, cap, a, u) =
            (f(c, "demand_hours"), f(c, "capacity_hours"), f(c, "allocated_hours"), f(c, "unmet_hours"));
        let (sla, mv) = (f(c, "sla_attainment_pct"), f(c, "marginal_value_per_hour"));
        assert!(d >= 0.0 && cap >= 0.0 && a >= -1e-9 && u >= -1e-9, "{c}");
        assert!(a <= cap + 1e-6, "allocated ≤ capacity: {c}");
        assert!((u - (d - a)).abs() < 1e-6, "unmet = demand − allocated: {c}");
        assert!((0.0..=100.0 + 1e-9).contains(&sla), "{c}");
        if d > 0.0 {
            assert!((sla - 100.0 * a / d).abs() < 1e-6, "attainment = allocated / demand: {c}");
        }
        assert!(f(c, "known_hours") <= d + 1e-6, "{c}");
        assert!(f(c, "primary_capacity_hours") <= cap + 1e-6, "{c}");
        assert!(f(c, "secondary_hours") <= a + 1e-6 && f(c, "provider_hours") <= a + 1e-6, "{c}");
        let by = &c["unmet_by_priority"];
        assert!((f(by, "emergency") + f(by, "vip") + f(by, "standard") - u).abs() < 1e-6, "{c}");
        assert!(mv >= 0.0, "{c}");
        // An extra hour can at best save an unmet emergency hour.
        assert!(mv <= 100.0 + 1e-6, "{c}");
        if mv > 1e-6 {
            valued += 1;
        }
        demand += d;
        allocated += a;
        unmet += u;
    }
    assert_eq!(keys.len(), cells.len(), "region × skill × week keys are unique");
    let k = &report["kpis"];
    assert!((f(k, "demand_hours") - demand).abs() < 1e-3 && (f(k, "allocated_hours") - allocated).abs() < 1e-3);
    assert!((f(k, "unmet_hours") - unmet).abs() < 1e-3);
    assert!(demand > 1000.0, "four weeks of forecast demand: {demand}");
    assert!(unmet > 0.0 && valued > 0, "the sample is short somewhere (unmet {unmet}, valued cells {valued})");
    assert!(report["forecast"]["series_fitted"].as_u64().unwrap() > 20, "{}", report["forecast"]);
    let recs = report["recommendations"].as_array().unwrap();
    assert!(!recs.is_empty(), "recommendations where capacity is short");
    for r in recs {
        assert!(f(r, "attainment_after_pct") > f(r, "attainment_before_pct"), "{r}");
        assert!(f(r, "overall_after_pct") >= f(r, "overall_before_pct"), "{r}");
        assert!(r["text"].as_str().unwrap().starts_with("one more "), "{r}");
    }

    // The table view names the same things.
    let run = rota(&["coverage", "--db", s(&db), "--weeks", "4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("SLA attainment") && run.stdout.contains("Recommendations"), "{}", run.stdout);
}

#[test]
fn scenarios_are_stored_compared_and_never_touch_the_live_data() {
    let db = sample_db("coverage-scenarios");
    let before = Db::open(&db).unwrap().head().unwrap();
    let master_before = Db::open(&db).unwrap().problem().unwrap();

    let run = rota(&[
        "scenario",
        "create",
        "--db",
        s(&db),
        "more-west-hvac",
        "--description",
        "two HVAC seniors in West",
        "--add-tech",
        "west:hvac:3x2+f-gas+gas-safe",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = rota(&[
        "scenario",
        "create",
        "--db",
        s(&db),
        "no-crescent",
        "--provider-share",
        "crescent=0",
        "--demand-growth",
        "central=10",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = rota(&["scenario", "edit", "--db", s(&db), "no-crescent", "--shift", "sat@central=08:00-14:00"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("sat 08:00–14:00") && run.stdout.contains("crescent max share 0 %"), "{}", run.stdout);

    let run = rota(&["scenario", "compare", "--db", s(&db), "more-west-hvac", "no-crescent", "--weeks", "4", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cmp: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(cmp["columns"], serde_json::json!(["baseline", "more-west-hvac", "no-crescent"]));
    let kpi = |name: &str| cmp["kpis"].as_array().unwrap().iter().find(|k| k["kpi"] == name).unwrap().clone();
    let unmet = kpi("unmet_hours");
    assert!(unmet["deltas"][1].as_f64().unwrap() < -1.0, "more technicians leave less unmet: {unmet}");
    let demand = kpi("demand_hours");
    assert!(demand["deltas"][2].as_f64().unwrap() > 1.0, "10 % more demand in central: {demand}");
    assert!(demand["deltas"][1].as_f64().unwrap().abs() < 1e-6, "{demand}");
    let west = cmp["regions"].as_array().unwrap().iter().find(|r| r["region"] == "west").unwrap();
    assert!(west["delta_unmet_hours"][1].as_f64().unwrap() < -1.0, "{west}");
    assert!(west["delta_sla_attainment_pct"][1].as_f64().unwrap() > 0.0, "{west}");

    let run = rota(&["scenario", "compare", "--db", s(&db), "more-west-hvac", "--weeks", "4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("baseline (ref)") && run.stdout.contains("more-west-hvac"), "{}", run.stdout);
    assert!(run.stdout.contains("Per region"), "{}", run.stdout);

    let run = rota(&["coverage", "--db", s(&db), "--weeks", "4", "--scenario", "more-west-hvac", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rep: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(rep["scenario"], "more-west-hvac");

    let run = rota(&["scenario", "list", "--db", s(&db)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("more-west-hvac — two HVAC seniors in West") && run.stdout.contains("last run"),
        "{}",
        run.stdout
    );

    // Bad input: exit 2 and a message naming what was wrong.
    let run = rota(&["scenario", "create", "--db", s(&db), "x", "--add-tech", "atlantis:hvac"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("add_technicians[0]: region") && run.stderr.contains("atlantis"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("atlantis").count(), 1, "the cause is said once: {}", run.stderr);
    let run = rota(&["scenario", "create", "--db", s(&db), "x", "--add-tech", "north"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--add-tech"), "{}", run.stderr);
    let run = rota(&["scenario", "run", "--db", s(&db), "nope"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no such scenario") && run.stderr.contains("more-west-hvac"), "{}", run.stderr);

    // The live data and its plan head are untouched by all of it.
    let after = Db::open(&db).unwrap().head().unwrap();
    assert_eq!(before, after);
    assert_eq!(master_before, Db::open(&db).unwrap().problem().unwrap());
}

#[test]
fn a_bad_history_file_imports_nothing_and_names_line_and_field() {
    let dir = scratch("coverage-bad-history");
    let db = dir.join("r.db");
    assert_eq!(rota(&["init", "--db", s(&db), "--sample"]).code, 0);
    let bad = dir.join("history.csv");
    std::fs::write(&bad, "date,region,skill,visits,hours\n2026-11-02,north,hvac,3,4.5\n2026-11-03,north,welding,1,1\n2026-11-04,north,hvac,two,1\n").unwrap();
    let before = Db::open(&db).unwrap().history().unwrap();
    let run = rota(&["import", "--db", s(&db), "history", s(&bad)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("line 3: skill: unknown skill \"welding\""), "{}", run.stderr);
    assert!(run.stderr.contains("line 4: visits"), "{}", run.stderr);
    assert_eq!(Db::open(&db).unwrap().history().unwrap(), before, "all or nothing");
    // The sample history file itself imports: its rows replace the equal rows init stored.
    let run = rota(&["import", "--db", s(&db), "history", HISTORY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = std::fs::read_to_string(crate::cli::root().join(HISTORY)).unwrap().lines().count() - 1;
    assert!(run.stdout.contains(&format!("{rows} history row(s)")), "{}", run.stdout);
    assert_eq!(Db::open(&db).unwrap().history().unwrap(), before);
}

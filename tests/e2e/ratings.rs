//! Certified rating feeds and provider scorecards end to end: `rota ratings keygen → sign →
//! trust → import` on a database made by `rota init --sample`, a replay and a tampered copy
//! refused without changing the database, the performance CSV import and `rota providers
//! report`.

use std::fs;
use std::path::Path;

use rota_store::db::Db;

use crate::cli::{rota, scratch};

const FEED: &str = "fixtures/sample/ratings-feed.json";
const PERFORMANCE: &str = "fixtures/sample/performance.csv";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every row of every table: equal dumps mean an unchanged database.
fn dump(db: &Path) -> String {
    let db = Db::open(db).unwrap();
    let conn = db.connection();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\" ORDER BY 1")).unwrap();
        let n = stmt.column_count();
        let rows: Vec<String> = stmt
            .query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|")))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        out.push_str(&format!("{t}:\n{}\n", rows.join("\n")));
    }
    out
}

#[test]
fn keygen_sign_trust_import_then_replay_and_tampering_are_refused() {
    let dir = scratch("ratings-feed");
    let db = dir.join("rota.db");
    let keys = dir.join("keys");
    let signed = dir.join("feed.signed.json");

    let run = rota(&["init", "--db", s(&db), "--sample"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = rota(&["ratings", "keygen", "-o", s(&keys)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(keys.join("issuer.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the secret key is private");
    }
    let run = rota(&["ratings", "sign", "--key", s(&keys.join("issuer.key")), FEED, "-o", s(&signed)]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // Not trusted yet: refused, nothing changes.
    let before = dump(&db);
    let run = rota(&["ratings", "import", "--db", s(&db), s(&signed)]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("unknown issuer \"northvale-certification-board\""), "{}", run.stderr);
    assert_eq!(dump(&db), before);

    let run = rota(&[
        "ratings",
        "trust",
        "--db",
        s(&db),
        "--issuer",
        "northvale-certification-board",
        s(&keys.join("issuer.pub")),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // The unsigned example itself is refused.
    let before = dump(&db);
    let run = rota(&["ratings", "import", "--db", s(&db), FEED]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unsigned feed"), "{}", run.stderr);
    assert_eq!(dump(&db), before);

    let run = rota(&["ratings", "import", "--db", s(&db), s(&signed)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("imported feed northvale-certification-board#1 with 3 provider rating(s)"),
        "{}",
        run.stdout
    );

    // The same feed again: a replay.
    let before = dump(&db);
    let run = rota(&["ratings", "import", "--db", s(&db), s(&signed)]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("replayed or older feed"), "{}", run.stderr);
    assert_eq!(dump(&db), before);

    // A copy with one rating value changed (and a new sequence number, so it is not a replay).
    let mut envelope: serde_json::Value = serde_json::from_str(&fs::read_to_string(&signed).unwrap()).unwrap();
    let payload = envelope["payload"].as_str().unwrap().to_string();
    let tampered =
        payload.replacen("\"rating\": 0.", "\"rating\": 0.9", 1).replace("\"sequence\": 1", "\"sequence\": 2");
    assert_ne!(tampered, payload);
    envelope["payload"] = serde_json::Value::String(tampered);
    let copy = dir.join("feed.tampered.json");
    fs::write(&copy, serde_json::to_string_pretty(&envelope).unwrap()).unwrap();
    let run = rota(&["ratings", "import", "--db", s(&db), s(&copy)]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("modified payload"), "{}", run.stderr);
    assert_eq!(dump(&db), before);

    let run = rota(&["ratings", "show", "--db", s(&db)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("northvale-certification-board#1"), "{}", run.stdout);
    assert!(run.stdout.contains("from feed northvale-certification-board#1"), "{}", run.stdout);
}

#[test]
fn performance_history_imports_and_the_report_shows_scorecards() {
    let dir = scratch("ratings-report");
    let db = dir.join("rota.db");
    // The sample's master data without its performance records (`init --sample` loads those).
    assert_eq!(rota(&["import", "--db", s(&db), "roads", "fixtures/sample/roads.json"]).code, 0);
    assert_eq!(rota(&["import", "--db", s(&db), "problem", "fixtures/sample/problem.json"]).code, 0);

    // A bad file: every bad row named, nothing imported.
    let bad = dir.join("bad.csv");
    fs::write(
        &bad,
        "provider,technician,region,skill,on_time,first_time_fix,customer_score,completed_on\n\
         apex,nobody,north,hvac,1,1,5,2026-10-01\n\
         apex,T037,north,hvac,maybe,1,9,2026-10-01\n",
    )
    .unwrap();
    let before = dump(&db);
    let run = rota(&["import", "--db", s(&db), "performance", s(&bad)]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("bad.csv line 2") && run.stderr.contains("unknown technician \"nobody\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("bad.csv line 3") && run.stderr.contains("customer_score"), "{}", run.stderr);
    assert_eq!(dump(&db), before);

    let run = rota(&["import", "--db", s(&db), "performance", PERFORMANCE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = fs::read_to_string(performance_path()).unwrap().lines().count() - 1;
    assert!(run.stdout.contains(&format!("imported {rows} performance record(s)")), "{}", run.stdout);

    let run = rota(&["providers", "report", "--db", s(&db), "--as-of", "2026-12-07"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for p in ["apex", "brightline", "crescent"] {
        assert!(run.stdout.contains(p), "{}", run.stdout);
    }
    // Crescent's certification ends inside the sample horizon: warned.
    assert!(run.stdout.contains("warning: provider crescent: certification ends 2026-12-10"), "{}", run.stdout);
    let run = rota(&["providers", "report", "--db", s(&db), "--markdown", "--as-of", "2026-12-07"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("| provider | rating |"), "{}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 2 + 3);

    // `rota init --sample` loads the same performance records: the same scorecards right away.
    let sample = dir.join("sample.db");
    let init = rota(&["init", "--db", s(&sample), "--sample"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    assert!(init.stdout.contains(&format!("{rows} performance records")), "{}", init.stdout);
    let from_init = rota(&["providers", "report", "--db", s(&sample), "--markdown", "--as-of", "2026-12-07"]);
    assert_eq!(from_init.code, 0, "{}", from_init.stderr);
    assert_eq!(from_init.stdout, run.stdout);
}

fn performance_path() -> std::path::PathBuf {
    crate::cli::root().join(PERFORMANCE)
}

/// The sample problem and its road network copied into `dir`, with `edit` applied.
fn sample_copy(dir: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> std::path::PathBuf {
    let root = crate::cli::root();
    fs::copy(root.join("fixtures/sample/roads.json"), dir.join("roads.json")).unwrap();
    let mut p: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join("fixtures/sample/problem.json")).unwrap()).unwrap();
    edit(&mut p);
    let path = dir.join(name);
    fs::write(&path, serde_json::to_string_pretty(&p).unwrap()).unwrap();
    path
}

/// Visits of a provider in a plan file, from its KPIs.
fn provider_visits(plan: &Path, provider: &str) -> u64 {
    let plan: serde_json::Value = serde_json::from_str(&fs::read_to_string(plan).unwrap()).unwrap();
    plan["kpis"]["provider_shares"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["provider"] == provider)
        .map(|s| s["visits"].as_u64().unwrap())
        .sum()
}

#[test]
fn on_the_sample_a_provider_rating_moves_work_and_checked_plans_keep_the_shares() {
    let dir = scratch("ratings-sample");
    let mut visits = Vec::new();
    for rating in [0.1, 0.64, 0.99] {
        let problem = sample_copy(&dir, &format!("problem-{rating}.json"), |p| {
            let b = p["providers"].as_array_mut().unwrap().iter_mut().find(|x| x["id"] == "brightline").unwrap();
            b["rating"] = serde_json::json!(rating);
        });
        let plan = dir.join(format!("plan-{rating}.json"));
        let run = rota(&["solve", s(&problem), "-o", s(&plan), "--iterations", "100", "--time-limit", "60"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let run = rota(&["check", s(&problem), s(&plan)]);
        assert_eq!(run.code, 0, "every plan keeps every hard rule, provider shares included:\n{}", run.stdout);
        visits.push(provider_visits(&plan, "brightline"));
    }
    let (low, base, high) = (visits[0], visits[1], visits[2]);
    assert!(low < base, "lowering brightline's rating moves work away: {visits:?}");
    assert!(high > base, "raising it moves work toward it: {visits:?}");
}

#[test]
fn on_the_sample_the_allocation_explains_its_effects_and_its_plan_checks() {
    let dir = scratch("ratings-allocate");
    let db = dir.join("rota.db");
    assert_eq!(rota(&["init", "--db", s(&db), "--sample"]).code, 0);
    let problem = sample_copy(&dir, "problem.json", |_| {});
    let rated = dir.join("rated.json");
    let plan = dir.join("plan.json");
    let run = rota(&[
        "providers",
        "allocate",
        "--db",
        s(&db),
        s(&problem),
        "-o",
        s(&rated),
        "--plan",
        s(&plan),
        "--as-of",
        "2026-12-07",
        "--iterations",
        "100",
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // Apex is the best-rated provider in north and west; the bonus shows on the plan.
    assert!(run.stdout.contains("apex         north      top-20 % bonus"), "{}", run.stdout);
    assert!(
        run.stdout.lines().any(|l| l.contains("provider apex: +") && l.contains("top-20 % bonus (rank 1 of")),
        "{}",
        run.stdout
    );
    let run = rota(&["check", s(&rated), s(&plan)]);
    assert_eq!(run.code, 0, "{}", run.stdout);

    // A floor above crescent's weight: no new work for it.
    let run = rota(&[
        "providers",
        "allocate",
        "--db",
        s(&db),
        s(&problem),
        "-o",
        s(&rated),
        "--plan",
        s(&plan),
        "--as-of",
        "2026-12-07",
        "--iterations",
        "100",
        "--floor",
        "0.7",
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.lines().any(|l| l.contains("provider crescent: −") && l.contains("below the rating floor")),
        "{}",
        run.stdout
    );
    assert_eq!(provider_visits(&plan, "crescent"), 0);
    assert_eq!(rota(&["check", s(&rated), s(&plan)]).code, 0);
}

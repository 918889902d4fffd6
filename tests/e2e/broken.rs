//! Every file in `tests/broken/` is a mistake a user could make: `rota validate` and
//! `rota solve` must exit 2 with a message naming the record and field, and never panic.

use std::collections::BTreeMap;

use crate::cli::{root, rota, scratch};

fn expectations() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(root().join("tests/broken/EXPECTED.tsv")).expect("EXPECTED.tsv");
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (file, expected) = line.split_once('\t').expect("file<TAB>expected");
        map.entry(file.to_string()).or_default().push(expected.to_string());
    }
    map
}

#[test]
fn every_broken_input_is_rejected_with_record_and_field() {
    let cases = expectations();
    let files: Vec<String> = std::fs::read_dir(root().join("tests/broken"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    assert!(files.len() >= 20, "expected the directory of broken inputs, found {}", files.len());
    for file in &files {
        assert!(cases.contains_key(file), "{file} has no expectation in EXPECTED.tsv");
    }
    for (file, expected) in &cases {
        let path = format!("tests/broken/{file}");
        let run = rota(&["validate", &path]);
        assert_eq!(run.code, 2, "{file}: exit code\n{}", run.stderr);
        assert!(run.stderr.contains(&path), "{file}: the error should name the file:\n{}", run.stderr);
        for e in expected {
            assert!(run.stderr.contains(e.as_str()), "{file}: expected {e:?} in:\n{}", run.stderr);
        }
    }
}

#[test]
fn solve_refuses_broken_input_without_writing_a_plan() {
    let dir = scratch("broken-solve");
    let out = dir.join("plan.json");
    for file in ["unknown-skill.json", "malformed-json.json", "outside-every-region.json"] {
        let run = rota(&["solve", &format!("tests/broken/{file}"), "-o", out.to_str().unwrap(), "--time-limit", "1"]);
        assert_eq!(run.code, 2, "{file}\n{}", run.stderr);
        assert!(!out.exists(), "{file}: no plan may be written for bad input");
    }
}

#[test]
fn a_missing_file_is_bad_input() {
    let run = rota(&["validate", "no/such/problem.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no/such/problem.json: cannot read"), "{}", run.stderr);
}

#[test]
fn a_missing_file_is_named_and_its_cause_said_once() {
    let dir = scratch("broken-missing-file");
    let missing = dir.join("no-such-plan.json");
    let run = rota(&["summary", "fixtures/sample/problem.json", missing.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no-such-plan.json"), "{}", run.stderr);
    let line = run.stderr.lines().find(|l| l.starts_with("error:")).unwrap_or_default();
    assert_eq!(line.matches("No such file or directory").count(), 1, "{}", run.stderr);
}

/// One case of `tests/broken/CORPUS.tsv` (written by `tests/broken/make_corpus.py`).
struct Case {
    how: String,
    file: String,
    code: i32,
    fragment: String,
}

fn corpus() -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("tests/broken/CORPUS.tsv")).expect("CORPUS.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "CORPUS.tsv: 4 columns expected: {l}");
            Case { how: f[0].into(), file: f[1].into(), code: f[2].parse().expect("exit code"), fragment: f[3].into() }
        })
        .collect()
}

/// Every table of a SQLite database, row by row: two dumps are equal when nothing changed.
pub fn dump(db: &std::path::Path) -> String {
    let db = rota_store::db::Db::open(db).unwrap();
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
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\" ORDER BY 1, 2")).unwrap();
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

/// The whole corpus of malformed inputs: problem, plan, road network, CSV, GeoJSON and rating
/// feed files and command lines, each refused with its exit code and message, none panicking
/// (exit 101), and no refused import or feed changing a byte of the database's contents.
#[test]
fn every_corpus_input_is_refused_with_its_message_and_changes_nothing() {
    let cases = corpus();
    assert!(cases.len() >= 150, "the corpus has {} cases", cases.len());
    let dir = scratch("broken-corpus");
    let db = dir.join("rota.db");
    let db_s = db.to_str().unwrap().to_string();
    let out = dir.join("out.json");
    let out_s = out.to_str().unwrap().to_string();
    let run = rota(&["import", "--db", &db_s, "problem", "fixtures/sample/tiny-problem.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let keys = dir.join("keys");
    assert_eq!(rota(&["ratings", "keygen", "-o", keys.to_str().unwrap()]).code, 0);
    let key = keys.join("issuer.key");
    let public = keys.join("issuer.pub");
    let run = rota(&["ratings", "trust", "--db", &db_s, "--issuer", "broken-corpus-issuer", public.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pristine = dump(&db);

    let mut failures = Vec::new();
    for case in &cases {
        let path = format!("tests/broken/{}", case.file);
        let signed = dir.join("signed.json");
        let (args, changes_db): (Vec<String>, bool) = match case.how.as_str() {
            "validate" | "roads" => (vec!["validate".into(), path.clone()], false),
            "check" => (vec!["check".into(), "fixtures/sample/tiny-problem.json".into(), path.clone()], false),
            "feed-sign" => (
                vec![
                    "ratings".into(),
                    "sign".into(),
                    "--key".into(),
                    key.display().to_string(),
                    path.clone(),
                    "-o".into(),
                    out_s.clone(),
                ],
                false,
            ),
            "feed-envelope" => {
                (vec!["ratings".into(), "import".into(), "--db".into(), db_s.clone(), path.clone()], true)
            }
            "feed-import" => {
                let run =
                    rota(&["ratings", "sign", "--key", key.to_str().unwrap(), &path, "-o", signed.to_str().unwrap()]);
                assert_eq!(run.code, 0, "{}: signing the payload: {}", case.file, run.stderr);
                (
                    vec!["ratings".into(), "import".into(), "--db".into(), db_s.clone(), signed.display().to_string()],
                    true,
                )
            }
            "args" => (
                case.file
                    .split(' ')
                    .map(|w| match w {
                        "DB" => db_s.clone(),
                        "TINY" => "fixtures/sample/tiny-problem.json".into(),
                        "OUT" => out_s.clone(),
                        w => w.to_string(),
                    })
                    .collect(),
                true,
            ),
            how => {
                let kind = how.strip_prefix("import:").unwrap_or_else(|| panic!("unknown how {how:?}"));
                (vec!["import".into(), "--db".into(), db_s.clone(), kind.into(), path.clone()], true)
            }
        };
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = rota(&argv);
        let what = format!("{} {}", case.how, case.file);
        if run.code == 101 {
            failures.push(format!("{what}: exit 101 (a panic)\n{}", run.stderr));
        } else if run.code != case.code {
            failures.push(format!("{what}: exit {} (expected {})\n{}{}", run.code, case.code, run.stdout, run.stderr));
        } else if !run.stderr.contains(&case.fragment) {
            failures.push(format!("{what}: expected {:?} in:\n{}", case.fragment, run.stderr));
        }
        if case.how == "roads" {
            // The network next to the problem, imported on its own: refused too.
            let network = std::fs::read_dir(root().join("tests/broken/roads"))
                .unwrap()
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    let stem = case.file.trim_start_matches("roads/").trim_end_matches(".problem.json");
                    name.starts_with(&format!("{stem}.roads"))
                });
            if let Some(network) = network {
                let run = rota(&["import", "--db", &db_s, "roads", network.to_str().unwrap()]);
                if run.code != 2 {
                    failures.push(format!("import roads {}: exit {}\n{}", network.display(), run.code, run.stderr));
                }
            }
        }
        if (changes_db || case.how == "roads") && dump(&db) != pristine {
            failures.push(format!("{what}: the refusal changed the database"));
            std::fs::remove_file(&db).ok();
            panic!("{}", failures.join("\n\n"));
        }
        std::fs::remove_file(&out).ok();
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    let integrity = rota_store::db::Db::open(&db).unwrap().integrity_check().unwrap();
    assert_eq!(integrity, "ok");
}

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

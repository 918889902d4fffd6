//! The routing engine through the CLI: `rota solve` on benchmark instances, `rota bench`.

use crate::cli::{root, rota, scratch};

fn solomon(name: &str) -> String {
    root().join("../shared/bench/solomon").join(name).to_string_lossy().into_owned()
}

#[test]
fn solve_solomon_writes_a_vrplib_solution() {
    let dir = scratch("routing-solve");
    let out = dir.join("c101.sol");
    let run = rota(&[
        "solve",
        &solomon("C101.txt"),
        "--time-limit",
        "30",
        "--iterations",
        "300",
        "--seed",
        "2",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("feasible (checked)"), "{}", run.stdout);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("Route #1:"), "{text}");
    assert!(text.lines().last().unwrap().starts_with("Cost "), "{text}");
    let customers: usize =
        text.lines().filter(|l| l.starts_with("Route")).map(|l| l.split_whitespace().count() - 2).sum();
    assert_eq!(customers, 100);

    // Same seed and iteration limit: the same solution.
    let again = dir.join("again.sol");
    let run = rota(&[
        "solve",
        &solomon("C101.txt"),
        "--time-limit",
        "30",
        "--iterations",
        "300",
        "--seed",
        "2",
        "-q",
        "-o",
        again.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&again).unwrap(), text);
}

#[test]
fn solve_vroom_json_writes_vroom_output() {
    let dir = scratch("routing-vroom");
    let input = dir.join("in.json");
    std::fs::write(
        &input,
        r#"{"vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "capacity": [2]}],
            "jobs": [{"id": 10, "location_index": 1, "delivery": [1]}, {"id": 11, "location_index": 2, "delivery": [1]}],
            "matrix": [[0, 5, 7], [5, 0, 3], [7, 3, 0]]}"#,
    )
    .unwrap();
    let out = dir.join("out.json");
    let run = rota(&["solve", input.to_str().unwrap(), "--iterations", "50", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["summary"]["distance"], 15);
    assert_eq!(v["routes"][0]["steps"].as_array().unwrap().len(), 4);
}

#[test]
fn bench_reports_gaps_and_feasibility() {
    let dir = scratch("routing-bench");
    let csv = dir.join("bench.csv");
    let run = rota(&[
        "bench",
        &solomon("C101.txt"),
        &solomon("R101.txt"),
        "--bks",
        &solomon("bks.csv"),
        "--time-limit",
        "30",
        "--iterations",
        "200",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("summary: gap avg"), "{}", run.stdout);
    assert!(run.stdout.contains("feasible 2 of 2"), "{}", run.stdout);
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(rows.lines().count(), 3);
    assert!(rows.contains("C101,10,"), "{rows}");
}

#[test]
fn malformed_instance_is_bad_input_naming_the_line() {
    let dir = scratch("routing-bad");
    let text = std::fs::read_to_string(solomon("R101.txt")).unwrap();
    let bad = dir.join("R101.txt");
    std::fs::write(&bad, text.replacen(" 41 ", " forty-one ", 1)).unwrap();
    let run = rota(&["solve", bad.to_str().unwrap(), "--format", "solomon", "-o", dir.join("x").to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("line "), "{}", run.stderr);
}

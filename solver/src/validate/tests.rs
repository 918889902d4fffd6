use serde_json::{Value, json};

use super::*;
use crate::testkit::small_problem_json;

fn diagnostics_of(value: &Value) -> Vec<String> {
    match load_problem(&value.to_string()) {
        Ok(_) => Vec::new(),
        Err(d) => d.iter().map(ToString::to_string).collect(),
    }
}

fn assert_reports(value: &Value, expected: &str) {
    let found = diagnostics_of(value);
    assert!(
        found.iter().any(|d| d.contains(expected)),
        "expected a diagnostic containing {expected:?}, got {found:#?}"
    );
}

#[test]
fn the_testkit_problem_is_valid_and_compiles() {
    let (problem, inst) = load_problem(&small_problem_json().to_string()).expect("valid");
    assert_eq!(problem.visits.len(), 5);
    assert_eq!(inst.locations.len(), 2 + 5);
    assert_eq!(inst.visits[0].region, 0);
    assert_eq!(inst.visits[2].region, 1);
    assert_eq!(inst.technicians[0].region_access[1], RegionAccess::Secondary);
    assert_eq!(inst.technicians[1].provider, Some(0));
    assert_eq!(inst.visits[4].pin.tech, Some(1));
    assert_eq!(inst.visits[4].pin.day, Some(1));
    // A visit without windows may start any time in the horizon.
    assert_eq!(inst.visits[1].windows, vec![(0, 2 * DAY)]);
    assert_eq!(inst.regions[1].plannable_visits, 3);
}

#[test]
fn a_window_ending_before_it_starts_names_record_and_field() {
    let mut p = small_problem_json();
    p["visits"][0]["time_windows"] = json!([{"start": "2026-12-07T10:00", "end": "2026-12-07T08:00"}]);
    let found = diagnostics_of(&p);
    assert_eq!(
        found,
        vec!["visits[0] \"V1\": time_windows[0]: time window ends (08:00) before it starts (10:00)".to_string()]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut p = small_problem_json();
    p["visits"][0]["skill"] = json!("welding");
    p["visits"][1]["duration_min"] = json!(-15);
    p["visits"][2]["id"] = json!("V1");
    p["technicians"][0]["start_site"] = json!("nowhere");
    let found = diagnostics_of(&p);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert_reports(&p, "visits[0] \"V1\": skill: unknown skill \"welding\"");
    assert_reports(&p, "visits[1] \"V2\": duration_min: must be positive, got -15");
    assert_reports(&p, "visits[2] \"V1\": id: duplicate id (first used by visits[0])");
    assert_reports(&p, "technicians[0] \"T1\": start_site: unknown site \"nowhere\"");
}

#[test]
fn type_errors_in_several_records_are_all_reported() {
    let mut p = small_problem_json();
    p["visits"][0]["duration_min"] = json!("an hour");
    p["visits"][3]["priority"] = json!("urgent");
    p["technicians"][1]["shifts"]["mon"]["start"] = json!("8am");
    let found = diagnostics_of(&p);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert_reports(&p, "visits[0] \"V1\": duration_min: invalid type: string \"an hour\"");
    assert_reports(&p, "visits[3] \"V4\": priority: unknown variant `urgent`");
    assert_reports(&p, "technicians[1] \"T2\": shifts.mon.start: expected a time of day like \"08:30\"");
}

#[test]
fn a_visit_outside_every_region_is_rejected() {
    let mut p = small_problem_json();
    p["visits"][1]["location"] = json!({"lat": 51.0, "lon": 10.03});
    assert_reports(&p, "visits[1] \"V2\": location: (51, 10.03) lies outside every region");
}

#[test]
fn unknown_references_are_rejected() {
    let mut p = small_problem_json();
    p["visits"][4]["pin"] = json!({"technician": "T9"});
    p["visits"][0]["excluded_technicians"] = json!(["T1", "ghost"]);
    p["technicians"][1]["provider"] = json!("P7");
    p["technicians"][0]["certifications"][0]["certification"] = json!("laser");
    assert_reports(&p, "visits[4] \"V5\": pin.technician: unknown technician \"T9\"");
    assert_reports(&p, "visits[0] \"V1\": excluded_technicians[1]: unknown technician \"ghost\"");
    assert_reports(&p, "technicians[1] \"T2\": provider: unknown provider \"P7\"");
    assert_reports(&p, "technicians[0] \"T1\": certifications[0].certification: unknown certification \"laser\"");
}

#[test]
fn a_certification_expired_for_everyone_is_rejected() {
    let mut p = small_problem_json();
    p["technicians"][0]["certifications"][0]["valid_until"] = json!("2026-11-30");
    assert_reports(
        &p,
        "visits[1] \"V2\": certifications[0]: every technician's \"gas-safe\" expired before the horizon (latest valid until 2026-11-30)",
    );
}

#[test]
fn shifts_and_breaks_are_checked() {
    let mut p = small_problem_json();
    p["technicians"][0]["shifts"]["mon"] = json!({"start": "16:00", "end": "08:00"});
    p["technicians"][1]["shifts"]["tue"]["break"] = json!({"earliest": "12:00", "latest": "12:15", "minutes": 30});
    assert_reports(&p, "technicians[0] \"T1\": shifts.mon.end: shift ends (08:00) before it starts (16:00)");
    assert_reports(
        &p,
        "technicians[1] \"T2\": shifts.tue.break: a 30-minute break does not fit between 12:00 and 12:15",
    );
}

#[test]
fn format_and_json_errors_are_clear() {
    assert_eq!(
        parse_problem("{\"format\": \"rota-problem/1\", ").unwrap_err().to_string(),
        "file: not valid JSON: EOF while parsing a value at line 1 column 29"
    );
    assert_eq!(parse_problem("[1, 2]").unwrap_err().to_string(), "file: expected a JSON object at the top level");
    let mut p = small_problem_json();
    p["format"] = json!("rota-problem/9");
    assert_reports(&p, "file: format: unsupported format \"rota-problem/9\"");
    let mut p = small_problem_json();
    p["vists"] = json!([]);
    assert_reports(&p, "file: vists: unknown field");
    let mut p = small_problem_json();
    p.as_object_mut().unwrap().remove("visits");
    assert_reports(&p, "visits: missing (required");
}

#[test]
fn dispatched_visits_need_a_current_assignment() {
    let mut p = small_problem_json();
    p["visits"][0]["status"] = json!("dispatched");
    assert_reports(&p, "visits[0] \"V1\": current: a Dispatched visit needs its current technician and start");
}

#[test]
fn travel_matrix_shape_is_checked() {
    let mut p = small_problem_json();
    p["travel"] = json!({"model": "matrix", "locations": ["S-W", "S-E"], "durations": [[0, 1], [1]], "distances": [[0, 1], [1, -2]]});
    assert_reports(&p, "travel: locations: visit \"V1\" is missing from the matrix");
    assert_reports(&p, "travel: durations[1]: needs 2 entries, got 1");
    assert_reports(&p, "travel: distances[1][1]: must be a number in 0–40000000, got -2");
}

mod property {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;

    fn arbitrary_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|f| json!(f)),
            "[a-zA-Z0-9:\\-T ]{0,20}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map("[a-z_]{1,12}", inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Paths into the testkit problem to overwrite with arbitrary values.
    const PATHS: &[&str] = &[
        "/horizon/days",
        "/horizon/start",
        "/travel",
        "/regions/0/area",
        "/sites/0/location/lat",
        "/technicians/0/shifts/mon",
        "/technicians/0/skills",
        "/technicians/1/absences",
        "/visits/0/time_windows",
        "/visits/1/duration_min",
        "/visits/2/location",
        "/visits/3/pin",
        "/visits/4/current",
        "/policy",
        "/providers/0/share",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn validation_never_panics_on_arbitrary_json(value in arbitrary_json()) {
            let _ = load_problem(&value.to_string());
        }

        #[test]
        fn validation_never_panics_on_a_mutated_problem(path in prop::sample::select(PATHS), value in arbitrary_json()) {
            let mut p = small_problem_json();
            if let Some(slot) = p.pointer_mut(path) {
                *slot = value;
            }
            match load_problem(&p.to_string()) {
                Ok(_) => {}
                Err(d) => prop_assert!(!d.is_empty()),
            }
        }

        #[test]
        fn validation_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
            prop_assert!(load_problem(&text).is_err());
        }
    }
}

use std::path::{Path, PathBuf};
use std::time::Duration;

use rota_solver::format::{Plan, Problem};
use rota_store::db::Db;

use super::*;

const TINY: &str = include_str!("../../../fixtures/sample/tiny-problem.json");

struct Tmp(PathBuf);
impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tiny_desk(name: &str) -> (Tmp, Desk) {
    let dir = std::env::temp_dir().join(format!("rota-desk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rota.db");
    let problem: Problem = serde_json::from_str(TINY).unwrap();
    let mut db = Db::create(&path).unwrap();
    db.import_problem(Path::new("tiny-problem.json"), &problem, None).unwrap();
    drop(db);
    let mut desk = Desk::open(&path).unwrap();
    assert_eq!(desk.current_version(), None);
    desk.solve_initial(Duration::from_secs(2)).unwrap();
    desk.set_optimize_settings(OptimizeSettings {
        time_limit: Duration::from_millis(500),
        max_iterations: 200,
        pipeline: crate::Pipeline::Routing,
        seed: 3,
    });
    (Tmp(dir), desk)
}

/// The independent checker on the problem as stored (locks are only stricter).
fn assert_checker_accepts(desk: &Desk, plan: &Plan) {
    let problem = desk.load_problem();
    let inst = rota_solver::validate::compile(&problem).unwrap();
    let report = rota_solver::check::check_plan(&inst, &desk.model.travel, plan);
    assert!(report.is_feasible(), "{report}");
}

fn placement(plan: &Plan, visit: &str) -> Option<(String, String, String)> {
    plan.routes.iter().find_map(|r| {
        r.stops
            .iter()
            .find(|s| s.visit == visit)
            .map(|s| (r.technician.clone(), r.day.to_string(), s.start.to_string()))
    })
}

fn codes(f: &Feasibility) -> Vec<String> {
    f.violations.iter().map(|v| v.code.clone()).collect()
}

fn versions(desk: &Desk) -> usize {
    desk.list_plan_versions().unwrap().len()
}

fn planned(desk: &Desk) -> Vec<String> {
    desk.current_plan().routes.iter().flat_map(|r| r.stops.iter().map(|s| s.visit.clone())).collect()
}

#[test]
fn initial_plan_is_saved_and_checked() {
    let (_tmp, desk) = tiny_desk("initial");
    assert_eq!(versions(&desk), 1);
    assert!(!planned(&desk).is_empty());
    assert_checker_accepts(&desk, desk.current_plan());
    let v = &desk.list_plan_versions().unwrap()[0];
    assert_eq!((v.author.as_str(), v.action.code.as_str()), ("solver", "solve"));
}

#[test]
fn a_feasible_move_saves_a_version_the_checker_accepts() {
    let (_tmp, mut desk) = tiny_desk("move");
    // Take a planned visit and a feasible slot for it on another technician-day.
    let mut done = false;
    for visit in planned(&desk) {
        let here = placement(desk.current_plan(), &visit).unwrap();
        let slots = desk.find_slot(&visit, 20).unwrap();
        let Some(slot) =
            slots.iter().find(|s| (s.technician.clone(), s.day.clone()) != (here.0.clone(), here.1.clone()))
        else {
            continue;
        };
        let req = MoveRequest {
            visit: visit.clone(),
            technician: slot.technician.clone(),
            day: slot.day.clone(),
            start: None,
        };
        assert!(desk.check_move(&req).unwrap().ok);
        let before = versions(&desk);
        let result = desk.move_visit(&req).unwrap();
        assert!(result.feasibility.ok, "{:?}", result.feasibility);
        let version = result.version.unwrap();
        assert_eq!(version.action.code, "move");
        assert_eq!(version.author, "dispatcher");
        assert_eq!(versions(&desk), before + 1);
        let now = placement(desk.current_plan(), &visit).unwrap();
        assert_eq!((now.0, now.1), (slot.technician.clone(), slot.day.clone()));
        assert_checker_accepts(&desk, desk.current_plan());
        // The saved version is that plan.
        assert_eq!(&desk.load_plan(Some(version.id)).unwrap().plan, desk.current_plan());
        done = true;
        break;
    }
    assert!(done, "no visit had a slot elsewhere");
}

#[test]
fn moves_breaking_rules_are_refused_with_their_codes_and_nothing_is_saved() {
    let (_tmp, mut desk) = tiny_desk("refuse");
    let before = versions(&desk);
    let plan_before = desk.current_plan().clone();
    // V002 needs hvac level 2; T001 has no hvac.
    let skill = MoveRequest { visit: "V002".into(), technician: "T001".into(), day: "2026-12-07".into(), start: None };
    let f = desk.check_move(&skill).unwrap();
    assert!(!f.ok);
    let v = f.violations.iter().find(|v| v.code == "skill").expect("skill violation");
    assert_eq!(v.params.get("skill").and_then(|s| s.as_str()), Some("hvac"));
    assert_eq!(v.params.get("held").and_then(|s| s.as_u64()), Some(0));
    let r = desk.move_visit(&skill).unwrap();
    assert!(!r.feasibility.ok && r.plan.is_none() && r.version.is_none());
    // V001 (electrical) may only start on Dec 7 before 12:00.
    let window = MoveRequest { visit: "V001".into(), technician: "T002".into(), day: "2026-12-08".into(), start: None };
    assert!(codes(&desk.check_move(&window).unwrap()).contains(&"window".to_string()));
    let late = MoveRequest {
        visit: "V001".into(),
        technician: "T002".into(),
        day: "2026-12-07".into(),
        start: Some("2026-12-07T14:00".into()),
    };
    let c = codes(&desk.check_move(&late).unwrap());
    assert!(c.contains(&"window".to_string()), "{c:?}");
    // T002 works 08:00–13:00: an electrical visit V014 (window all day) at 15:00 is outside the shift.
    let shift = MoveRequest {
        visit: "V014".into(),
        technician: "T002".into(),
        day: "2026-12-07".into(),
        start: Some("2026-12-07T15:00".into()),
    };
    let f = desk.move_visit(&shift).unwrap();
    assert!(codes(&f.feasibility).contains(&"shift".to_string()), "{:?}", f.feasibility);
    assert_eq!(versions(&desk), before);
    assert_eq!(desk.current_plan(), &plan_before);
}

#[test]
fn a_locked_stop_cannot_be_moved_or_unassigned_and_undo_redo_restore_exact_plans() {
    let (_tmp, mut desk) = tiny_desk("lock");
    let visit = planned(&desk)[0].clone();
    let here = placement(desk.current_plan(), &visit).unwrap();
    let plan0 = desk.current_plan().clone();
    let locked = desk.set_lock(&visit, true).unwrap();
    assert!(locked.feasibility.ok);
    assert!(locked.plan.as_ref().unwrap().locked.contains(&visit));
    let json = serde_json::to_value(locked.plan.as_ref().unwrap()).unwrap();
    let stop = json["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["stops"].as_array().unwrap().iter())
        .find(|s| s["visit"] == visit.as_str())
        .unwrap()
        .clone();
    assert_eq!(stop["locked"], true);
    let req = MoveRequest { visit: visit.clone(), technician: here.0.clone(), day: here.1.clone(), start: None };
    assert_eq!(codes(&desk.check_move(&req).unwrap()), vec!["locked"]);
    assert_eq!(codes(&desk.unassign_visit(&visit).unwrap().feasibility), vec!["locked"]);
    let plan1 = desk.current_plan().clone();
    desk.set_lock(&visit, false).unwrap();
    let unassigned = desk.unassign_visit(&visit).unwrap();
    let view = unassigned.plan.unwrap();
    let json = serde_json::to_value(&view).unwrap();
    let entry = json["unassigned"].as_array().unwrap().iter().find(|u| u["visit"] == visit.as_str()).unwrap().clone();
    assert_eq!(entry["reasons"][0]["code"], "manual");
    assert_checker_accepts(&desk, desk.current_plan());
    let plan3 = desk.current_plan().clone();
    assert!(desk.undo_state().can_undo && !desk.undo_state().can_redo);
    // Undo thrice: unassign, unlock, lock.
    let p = desk.undo().unwrap();
    assert_eq!(p.plan.routes, desk.load_plan(None).unwrap().plan.routes);
    assert_eq!(placement(&p.plan, &visit), Some(here.clone()));
    assert_eq!(p.plan.routes, plan1.routes);
    desk.undo().unwrap();
    let p = desk.undo().unwrap();
    assert_eq!(p.plan.routes, plan0.routes);
    assert!(p.locked.is_empty());
    assert!(!desk.undo_state().can_undo && desk.undo_state().can_redo);
    let p = desk.redo().unwrap();
    assert!(p.locked.contains(&visit));
    desk.redo().unwrap();
    let p = desk.redo().unwrap();
    assert_eq!(p.plan.routes, plan3.routes);
    assert!(!desk.undo_state().can_redo);
    let actions: Vec<String> = desk.list_plan_versions().unwrap().iter().map(|v| v.action.code.clone()).collect();
    assert_eq!(&actions[..4], ["redo", "redo", "redo", "undo"]);
    // Reopening keeps the current plan and its queue reason.
    let path = desk.path().to_path_buf();
    drop(desk);
    let again = Desk::open(&path).unwrap();
    assert_eq!(again.current_plan().routes, plan3.routes);
}

#[test]
fn every_slot_found_is_a_feasible_move() {
    let (_tmp, mut desk) = tiny_desk("slots");
    let visit = planned(&desk)[1].clone();
    let slots = desk.find_slot(&visit, 10).unwrap();
    assert!(!slots.is_empty());
    assert!(slots.windows(2).all(|w| w[0].score <= w[1].score));
    for s in &slots {
        let req = MoveRequest {
            visit: visit.clone(),
            technician: s.technician.clone(),
            day: s.day.clone(),
            start: Some(s.start.clone()),
        };
        let f = desk.check_move(&req).unwrap();
        assert!(f.ok, "{s:?}: {f:?}");
    }
}

#[test]
fn emergency_options_are_ranked_and_dispatch_inserts_a_locked_stop() {
    let (_tmp, mut desk) = tiny_desk("emergency");
    let req = EmergencyRequest {
        customer: "Hospital".into(),
        location: LatLonPayload { lat: 50.0, lon: 10.0 },
        skill: "electrical".into(),
        min_level: 1,
        certifications: vec![],
        duration_min: 45,
        called_at: "2026-12-07T10:00".into(),
    };
    let options = desk.emergency_options(&req, 5).unwrap();
    assert!(!options.is_empty());
    assert!(options.windows(2).all(|w| (&w[0].arrival, w[0].displaces.len()) <= (&w[1].arrival, w[1].displaces.len())));
    // Nobody leaves before the call: the start is at least the call plus the drive.
    let called = rota_solver::time::LocalDateTime::parse("2026-12-07T10:00").unwrap().0;
    for o in &options {
        let start = rota_solver::time::LocalDateTime::parse(&o.start).unwrap().0;
        assert!(start >= called + chrono::Duration::seconds(o.travel_s), "{o:?}");
    }
    let before = desk.load_problem().visits.len();
    let result = desk.dispatch_emergency(&req, &options[0]).unwrap();
    assert!(result.edit.feasibility.ok, "{:?}", result.edit.feasibility);
    let id = result.visit.clone();
    assert_eq!(desk.load_problem().visits.len(), before + 1);
    let view = result.edit.plan.unwrap();
    assert!(view.locked.contains(&id));
    let at = placement(&view.plan, &id).unwrap();
    assert_eq!((at.0, at.1), (options[0].technician.clone(), options[0].day.clone()));
    for d in &options[0].displaces {
        assert_eq!(view.queue.get(d).map(|r| r.code.as_str()), Some("displaced"));
    }
    assert_checker_accepts(&desk, desk.current_plan());
    assert_eq!(desk.list_plan_versions().unwrap()[0].action.code, "emergency");
    // The new visit is in the stored problem.
    let path = desk.path().to_path_buf();
    drop(desk);
    let again = Desk::open(&path).unwrap();
    assert!(again.load_problem().visits.iter().any(|v| v.id == id));
    assert!(again.load_plan(None).unwrap().locked.contains(&id));
}

#[test]
fn optimize_cancelled_gives_a_checked_plan_and_accept_saves_it() {
    let (_tmp, mut desk) = tiny_desk("optimize");
    let (tx, rx) = std::sync::mpsc::channel();
    let run = desk
        .optimize_start(&OptimizeScope::Horizon, move |p| {
            let _ = tx.send(p);
        })
        .unwrap();
    desk.optimize_cancel(&run).unwrap();
    desk.optimize_waiter(&run).unwrap().wait();
    let result = desk.optimize_result(&run).unwrap();
    assert_eq!(result.run_id, run);
    assert_checker_accepts(&desk, &result.plan.plan);
    assert!(rx.try_iter().any(|p| p.phase == "done"));
    let before = versions(&desk);
    let version = desk.optimize_accept(&run).unwrap();
    assert_eq!((version.author.as_str(), version.action.code.as_str()), ("solver", "optimize"));
    assert_eq!(versions(&desk), before + 1);
    assert_eq!(desk.current_plan(), &result.plan.plan);
    assert!(desk.optimize_result(&run).is_err());
    // A day scope keeps everything on other days in place.
    let run = desk.optimize_start(&OptimizeScope::Day { day: "2026-12-08".into() }, |_| {}).unwrap();
    let result = desk.optimize_result(&run).unwrap();
    for m in &result.diff.moved {
        assert!(m.from.day == "2026-12-08" || m.to.day == "2026-12-08", "{m:?}");
    }
    desk.optimize_discard(&run).unwrap();
}

#[test]
fn bad_inputs_are_errors_with_codes() {
    let (_tmp, mut desk) = tiny_desk("bad");
    let code = |r: Result<Feasibility, BackendError>| r.unwrap_err().code;
    let req = |v: &str, t: &str, d: &str, s: Option<&str>| MoveRequest {
        visit: v.into(),
        technician: t.into(),
        day: d.into(),
        start: s.map(String::from),
    };
    assert_eq!(code(desk.check_move(&req("NOPE", "T001", "2026-12-07", None))), "unknown_visit");
    assert_eq!(code(desk.check_move(&req("V001", "NOPE", "2026-12-07", None))), "unknown_technician");
    assert_eq!(code(desk.check_move(&req("V001", "T001", "7.12.2026", None))), "malformed_day");
    assert_eq!(code(desk.check_move(&req("V001", "T001", "2026-12-07", Some("9 am")))), "malformed_time");
    assert_eq!(code(desk.check_move(&req("V001", "T001", "2027-01-07", None))), "outside_horizon");
    assert_eq!(desk.load_plan(Some(999)).unwrap_err().code, "unknown_version");
    assert_eq!(desk.unassign_visit("NOPE").unwrap_err().code, "unknown_visit");
    assert_eq!(desk.optimize_result("run-x").unwrap_err().code, "unknown_run");
    assert_eq!(desk.undo().unwrap_err().code, "nothing_to_undo");
    let mut e = EmergencyRequest {
        customer: "x".into(),
        location: LatLonPayload { lat: 50.0, lon: 10.0 },
        skill: "juggling".into(),
        min_level: 1,
        certifications: vec![],
        duration_min: 30,
        called_at: "2026-12-07T10:00".into(),
    };
    assert_eq!(desk.emergency_options(&e, 3).unwrap_err().code, "unknown_skill");
    e.skill = "hvac".into();
    e.called_at = "tomorrow".into();
    assert_eq!(desk.emergency_options(&e, 3).unwrap_err().code, "malformed_time");
    let err = desk.optimize_start(&OptimizeScope::Region { region: "atlantis".into() }, |_| {}).unwrap_err();
    assert_eq!(err.code, "unknown_region");
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["params"]["region"], "atlantis");
    assert!(json["message"].as_str().unwrap().contains("atlantis"));
}

#[test]
fn payloads_have_the_contract_names() {
    let scope: OptimizeScope = serde_json::from_str(r#"{"kind":"day","day":"2026-12-07"}"#).unwrap();
    assert_eq!(scope, OptimizeScope::Day { day: "2026-12-07".into() });
    let h: OptimizeScope = serde_json::from_str(r#"{"kind":"horizon"}"#).unwrap();
    assert_eq!(h, OptimizeScope::Horizon);
    let m: MoveRequest = serde_json::from_str(r#"{"visit":"V1","technician":"T1","day":"2026-12-07"}"#).unwrap();
    assert_eq!(m.start, None);
    let f = serde_json::to_value(Feasibility::refused(vec![Violation::new("skill").with("level", 2)])).unwrap();
    assert_eq!(f, serde_json::json!({"ok": false, "violations": [{"code": "skill", "params": {"level": 2}}]}));
}

/// A desk on the tiny problem as changed by `edit` (its JSON), with no plan yet: the routes of
/// a case are built by moves, so each case is exactly as constructed.
fn custom_desk(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> (Tmp, Desk) {
    let dir = std::env::temp_dir().join(format!("rota-desk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rota.db");
    let mut json: serde_json::Value = serde_json::from_str(TINY).unwrap();
    edit(&mut json);
    let problem: Problem = serde_json::from_value(json).unwrap();
    let mut db = Db::create(&path).unwrap();
    db.import_problem(Path::new("tiny-problem.json"), &problem, None).unwrap();
    drop(db);
    let desk = Desk::open(&path).unwrap();
    (Tmp(dir), desk)
}

/// Sets a visit's duration and its one window on Monday 2026-12-07 (HH:MM–HH:MM).
fn set_visit(problem: &mut serde_json::Value, id: &str, minutes: u32, from: &str, to: &str) {
    let v = problem["visits"].as_array_mut().unwrap().iter_mut().find(|v| v["id"] == id).unwrap();
    v["duration_min"] = serde_json::json!(minutes);
    v["time_windows"] = serde_json::json!([{"start": format!("2026-12-07T{from}"), "end": format!("2026-12-07T{to}")}]);
}

fn mv(visit: &str, start: Option<&str>) -> MoveRequest {
    MoveRequest {
        visit: visit.into(),
        technician: "T002".into(),
        day: "2026-12-07".into(),
        start: start.map(|s| format!("2026-12-07T{s}")),
    }
}

/// The one violation of a refused check, and its integer parameter `key`.
fn only(f: &Feasibility) -> &Violation {
    assert!(!f.ok, "refused");
    assert_eq!(f.violations.len(), 1, "{:?}", f.violations);
    &f.violations[0]
}

fn int(v: &Violation, key: &str) -> i64 {
    v.params.get(key).and_then(|x| x.as_i64()).unwrap_or_else(|| panic!("{key} in {v:?}"))
}

fn text<'a>(v: &'a Violation, key: &str) -> &'a str {
    v.params.get(key).and_then(|x| x.as_str()).unwrap_or_else(|| panic!("{key} in {v:?}"))
}

// T002 works Monday 08:00–13:00 from the central depot, no break. V001 may start only
// 10:00–10:05 and takes 60 min; V014 takes 90 min, any time of the day. The drive V014 → V001
// is about 11 min, the depot → V014 about 5 min (haversine × 1.35 at 38 km/h).
fn timing_desk(name: &str) -> (Tmp, Desk) {
    let (tmp, mut desk) = custom_desk(name, |p| {
        set_visit(p, "V001", 60, "10:00", "10:05");
        set_visit(p, "V014", 90, "08:00", "16:30");
    });
    let placed = desk.move_visit(&mv("V001", None)).unwrap();
    assert!(placed.feasibility.ok, "{:?}", placed.feasibility);
    assert_eq!(placement(desk.current_plan(), "V001").unwrap().2, "2026-12-07T10:00");
    (tmp, desk)
}

#[test]
fn a_drop_that_makes_a_later_stop_miss_its_window_is_window_late_with_the_minutes() {
    let (_tmp, mut desk) = timing_desk("window-late");
    // V014 08:30–10:00, then V001 reached ~10:11: after its window closed at 10:05.
    let f = desk.check_move(&mv("V014", Some("08:30"))).unwrap();
    let v = only(&f);
    assert_eq!(v.code, "window_late", "{v:?}");
    assert_eq!(text(v, "visit"), "V001");
    assert!((1..=15).contains(&int(v, "late_min")), "{v:?}");
}

#[test]
fn a_drop_too_early_to_drive_there_is_travel_late_from_the_stop_before() {
    let (_tmp, mut desk) = timing_desk("travel-late");
    // After V001 (10:00–11:00) the drive takes ~11 min: 11:05 cannot be made.
    let v = only(&desk.check_move(&mv("V014", Some("11:05"))).unwrap()).clone();
    assert_eq!(v.code, "travel_late", "{v:?}");
    assert_eq!((text(&v, "visit"), text(&v, "from")), ("V014", "V001"));
    assert!((1..=15).contains(&int(&v, "late_min")), "{v:?}");
    // From the depot at 08:00 (shift start) the drive takes ~5 min: 08:01 cannot be made.
    let v = only(&desk.check_move(&mv("V014", Some("08:01"))).unwrap()).clone();
    assert_eq!(v.code, "travel_late", "{v:?}");
    assert_eq!(text(&v, "from"), "central-depot");
    assert!((1..=10).contains(&int(&v, "late_min")), "{v:?}");
    // On a stop's time it is an overlap with that stop; late enough it fits.
    let v = only(&desk.check_move(&mv("V014", Some("09:30"))).unwrap()).clone();
    assert_eq!((v.code.as_str(), text(&v, "visit")), ("overlap", "V001"));
    assert!(desk.check_move(&mv("V014", Some("11:20"))).unwrap().ok);
}

#[test]
fn a_route_that_no_longer_fits_the_shift_is_day_full_with_the_minutes_over() {
    // V019 (100 min) before V001, then V009 (110 min) fits only after V001 (11:00): with the
    // drives it would be back at the depot ~13:10, after the shift ends at 13:00.
    let (_tmp, mut desk) = custom_desk("day-full", |p| {
        set_visit(p, "V001", 60, "10:00", "10:05");
        set_visit(p, "V019", 100, "08:00", "16:30");
        set_visit(p, "V009", 110, "08:00", "16:30");
    });
    for visit in ["V001", "V019"] {
        let r = desk.move_visit(&mv(visit, None)).unwrap();
        assert!(r.feasibility.ok, "{visit}: {:?}", r.feasibility);
    }
    let v = only(&desk.check_move(&mv("V009", None)).unwrap()).clone();
    assert_eq!(v.code, "day_full", "{v:?}");
    assert_eq!(text(&v, "end"), "13:00");
    assert!((1..=30).contains(&int(&v, "over_min")), "{v:?}");
    // Alone, the same visit after the shift is `shift`, as before.
    let v = only(&desk.check_move(&mv("V009", Some("12:00"))).unwrap()).clone();
    assert_eq!(v.code, "shift", "{v:?}");
}

#[test]
fn a_full_day_by_count_is_max_visits() {
    let (_tmp, mut desk) = custom_desk("max-visits", |p| {
        let t = p["technicians"].as_array_mut().unwrap().iter_mut().find(|t| t["id"] == "T002").unwrap();
        t["max_visits_per_day"] = serde_json::json!(1);
    });
    assert!(desk.move_visit(&mv("V001", None)).unwrap().feasibility.ok);
    let v = only(&desk.check_move(&mv("V014", None)).unwrap()).clone();
    assert_eq!((v.code.as_str(), int(&v, "max")), ("max_visits", 1));
}

/// Every violation code the desk can return has a message in both UI catalogs.
#[test]
fn every_violation_code_of_the_desk_has_a_message_in_both_catalogs() {
    let sources =
        [include_str!("engine.rs"), include_str!("mod.rs"), include_str!("emergency.rs"), include_str!("optimize.rs")];
    let quoted = |text: &str| -> Vec<String> { text.split('"').skip(1).step_by(2).map(String::from).collect() };
    let mut codes = std::collections::BTreeSet::new();
    for src in sources {
        for (k, _) in src.match_indices("Violation::new(") {
            let rest = &src[k + "Violation::new(".len()..];
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(rest.len(), |(i, _)| i);
            codes.extend(quoted(&rest[..end]));
        }
        // The checker's rules mapped to codes in build_plan: `Rule::X => "code"`.
        for line in src.lines().filter(|l| l.trim_start().starts_with("Rule::") && l.contains("=> \"")) {
            codes.extend(quoted(line));
        }
    }
    for expected in ["day_full", "window_late", "travel_late", "timing", "travel_model", "max_visits", "skill"] {
        assert!(codes.contains(expected), "{expected} not found among {codes:?}");
    }
    for (name, text) in [
        ("en", include_str!("../../../ui/src/locales/en.json")),
        ("zh-CN", include_str!("../../../ui/src/locales/zh-CN.json")),
    ] {
        let catalog: serde_json::Value = serde_json::from_str(text).unwrap();
        for code in &codes {
            // The queue reasons only the app gives (a Violation in the queue) are `reason.<code>`.
            let group = if ["displaced", "manual"].contains(&code.as_str()) { "reason" } else { "rule" };
            assert!(catalog[group][code].is_string(), "{group}.{code} missing in {name}.json");
        }
    }
}

#[test]
fn provider_scorecards_rate_from_the_stored_performance_records() {
    let dir = std::env::temp_dir().join(format!("rota-desk-scorecards-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let _tmp = Tmp(dir.clone());
    // The app's first start: the sample with its history and performance records, solved.
    let desk = Desk::open_or_create_sample_with(&dir.join("rota.db"), Duration::from_secs(1)).unwrap();
    let cards = desk.provider_scorecards().unwrap();
    let expected = crate::providers::scorecards(&desk.db, Some(desk.model.inst.origin)).unwrap();
    let problem = desk.load_problem();
    assert_eq!(cards.len(), problem.providers.len());
    assert_eq!(cards.len(), expected.len());
    for (c, e) in cards.iter().zip(&expected) {
        assert_eq!(c.provider, e.provider);
        assert_eq!(c.rating_source, "performance", "{c:?}");
        assert_eq!((c.rating, c.rating_low, c.rating_high, c.weight), (e.rating, e.low, e.high, e.weight));
        assert!(c.rating_low <= c.rating && c.rating <= c.rating_high, "{c:?}");
        assert!(c.record_visits > 0 && c.record_visits as usize == e.visits, "{c:?}");
        assert_eq!(c.record_on_time_pct, e.on_time.map(|x| 100.0 * x));
        assert_eq!(c.record_first_time_fix_pct, e.first_time_fix.map(|x| 100.0 * x));
    }
    // Not the master data's rating field: the records rank Apex above Crescent
    // (fixtures/src/performance.rs: Apex strong, Crescent weak).
    let rating = |p: &str| cards.iter().find(|c| c.provider == p).unwrap().rating;
    assert!(rating("apex") > rating("crescent"), "{cards:?}");
    assert!(
        cards.iter().any(|c| problem.providers.iter().any(|p| p.id == c.provider && p.rating != Some(c.rating))),
        "the ratings equal the master data's: {cards:?}"
    );
    // What the plan gives each provider is still the current plan's.
    let planned: u32 = cards.iter().map(|c| c.planned_visits).sum();
    let by_plan: u32 = desk.current_plan().kpis.provider_shares.iter().map(|s| s.visits).sum();
    assert_eq!(planned, by_plan);

    // Without records or feeds the master data's rating is used, and said so.
    let (_tmp2, tiny) = tiny_desk("scorecards-tiny");
    for c in tiny.provider_scorecards().unwrap() {
        let p = tiny.load_problem().providers.into_iter().find(|p| p.id == c.provider).unwrap();
        assert_eq!(c.rating_source, "master_data", "{c:?}");
        assert_eq!(c.rating, p.rating.unwrap_or(0.5));
        assert_eq!((c.record_visits, c.record_on_time_pct), (0, None));
    }
}

/// A start `minutes` after `start` (`YYYY-MM-DDTHH:MM[:SS]`), as the board sends it.
fn later(start: &str, minutes: i64) -> String {
    let t = rota_solver::time::LocalDateTime::parse(start).unwrap();
    (t.0 + chrono::Duration::minutes(minutes)).format("%Y-%m-%dT%H:%M").to_string()
}

#[test]
fn a_stop_dropped_at_a_time_keeps_that_start_until_moved_again() {
    let (tmp, mut desk) = tiny_desk("timed");
    // A visit, a technician-day for it and a start later than the earliest one that still fits.
    let mut found = None;
    'search: for visit in planned(&desk) {
        for slot in desk.find_slot(&visit, 20).unwrap() {
            for minutes in [90, 60, 30] {
                let req = MoveRequest {
                    visit: visit.clone(),
                    technician: slot.technician.clone(),
                    day: slot.day.clone(),
                    start: Some(later(&slot.start, minutes)),
                };
                if desk.check_move(&req).unwrap().ok {
                    found = Some(req);
                    break 'search;
                }
            }
        }
    }
    let req = found.expect("some visit fits a later start");
    let dropped = req.start.clone().unwrap();
    let start_of = |desk: &Desk| placement(desk.current_plan(), &req.visit).unwrap().2;
    let r = desk.move_visit(&req).unwrap();
    assert!(r.feasibility.ok, "{:?}", r.feasibility);
    assert!(
        start_of(&desk).starts_with(&dropped),
        "starts at the drop time {dropped}, not earlier: {}",
        start_of(&desk)
    );
    assert!(!r.plan.unwrap().locked.contains(&req.visit), "a timed stop is not shown as locked");
    assert_checker_accepts(&desk, desk.current_plan());

    // Another edit rebuilds every route: the dropped start holds, also after reopening the database.
    let other = planned(&desk).into_iter().find(|v| *v != req.visit).unwrap();
    assert!(desk.set_lock(&other, true).unwrap().feasibility.ok);
    assert!(start_of(&desk).starts_with(&dropped), "{}", start_of(&desk));
    let path = tmp.0.join("rota.db");
    drop(desk);
    let mut desk = Desk::open(&path).unwrap();
    assert!(start_of(&desk).starts_with(&dropped), "after reopening: {}", start_of(&desk));
    assert!(!desk.load_plan(None).unwrap().locked.contains(&req.visit));

    // Still free to move: without a time it starts as early as its route allows, and it can go
    // back to the queue.
    let earliest = MoveRequest { start: None, ..req.clone() };
    assert!(desk.move_visit(&earliest).unwrap().feasibility.ok);
    assert!(start_of(&desk) < dropped, "earliest start {} is before the drop time {dropped}", start_of(&desk));
    assert!(desk.unassign_visit(&req.visit).unwrap().feasibility.ok);
}

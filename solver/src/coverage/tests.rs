use chrono::{Datelike, Duration, NaiveDate};
use serde_json::{Value, json};

use super::forecast::{self, HistoryRow};
use super::scenario::{self, ScenarioSpec};
use super::*;
use crate::testkit::small_problem_json;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn problem(v: Value) -> Problem {
    serde_json::from_value(v).unwrap()
}

/// A flat history: `hours` every weekday for 26 weeks before 2026-12-07, per (region, skill).
fn flat_history(keys: &[(&str, &str, f64)]) -> Vec<HistoryRow> {
    let start = date("2026-12-07") - Duration::weeks(26);
    let mut out = Vec::new();
    for d in 0..26 * 7 {
        let day = start + Duration::days(d);
        if day.weekday().num_days_from_monday() >= 5 {
            continue;
        }
        for (r, s, h) in keys {
            out.push(HistoryRow { date: day, region: r.to_string(), skill: s.to_string(), visits: 1, hours: *h });
        }
    }
    out
}

fn settings(weeks: u32) -> CoverageSettings {
    CoverageSettings { weeks, ..CoverageSettings::default() }
}

#[test]
fn adding_one_hour_moves_the_objective_by_the_dual() {
    let mut v = small_problem_json();
    // Both technicians work Monday to Friday so every week has capacity and some slack.
    let shift = v["technicians"][0]["shifts"]["mon"].clone();
    for t in 0..2 {
        for d in ["wed", "thu", "fri"] {
            v["technicians"][t]["shifts"][d] = shift.clone();
        }
    }
    let p = problem(v);
    // West HVAC is far short (20 h a day against 5.6 h of one technician), East electrical is
    // covered, West electrical is short of level-2 work only.
    let history = flat_history(&[("west", "hvac", 20.0), ("east", "electrical", 4.0), ("west", "electrical", 1.0)]);
    let m = CoverageModel::build(&p, &history, &settings(2), &[]).unwrap();
    let base = solve_lp(&m).unwrap();
    let keys: Vec<(usize, usize, usize)> = base.marginal.keys().copied().collect();
    assert!(keys.len() >= 6, "rows for several region × skill × week: {keys:?}");
    let (mut positive, mut zero) = (0, 0);
    for key in keys {
        let dual = base.marginal[&key];
        // One more hour, and a hundredth of an hour (the dual is a rate: exact as long as the
        // extra hour stays inside the same block of unmet work).
        for step in [1.0, 0.01] {
            let mut m1 = m.clone();
            m1.extra.insert(key, step);
            let one = solve_lp(&m1).unwrap();
            let moved = (base.objective - one.objective) / step;
            assert!(
                (moved - dual).abs() < 1e-6,
                "{key:?} +{step} h: objective moved by {moved} per hour, dual says {dual}"
            );
        }
        if dual > 0.0 { positive += 1 } else { zero += 1 }
    }
    assert!(positive >= 2 && zero >= 1, "short and covered cells: {positive} positive, {zero} zero");
    // West HVAC: VIP work is left unmet, so one more hour there is worth the VIP price.
    assert!((base.marginal[&(0, 0, 0)] - m.settings.unmet_price.vip).abs() < 1e-9, "{:?}", base.marginal);
    // East electrical is covered: worth nothing.
    assert!(base.marginal[&(1, 1, 0)].abs() < 1e-9, "{:?}", base.marginal);
}

#[test]
fn an_expiring_certification_removes_capacity_from_the_next_day_on() {
    let mut v = small_problem_json();
    let shift = v["technicians"][0]["shifts"]["mon"].clone();
    for d in ["wed", "thu", "fri"] {
        v["technicians"][0]["shifts"][d] = shift.clone();
    }
    // Only gas-safe HVAC work: V1 goes; T1's gas-safe ends on Wednesday 2026-12-09.
    v["visits"].as_array_mut().unwrap().retain(|x| x["id"] != "V1");
    v["technicians"][0]["certifications"][0]["valid_until"] = json!("2026-12-09");
    let p = problem(v);
    let history = flat_history(&[("west", "hvac", 4.0)]);
    let m = CoverageModel::build(&p, &history, &settings(1), &[]).unwrap();
    let hvac = 0;
    let west = 0;
    let per_day = 7.5 * m.settings.productive_share;
    for d in 0..5 {
        let cap = m.capacity(west, hvac, d, true);
        let expected = if d <= 2 { per_day } else { 0.0 };
        assert!((cap - expected).abs() < 1e-9, "day {d}: capacity {cap}, expected {expected}");
    }
    let sol = solve_lp(&m).unwrap();
    for d in 0..5 {
        let allocated: f64 = sol
            .allocated
            .iter()
            .filter(|((r, k, dd), _)| *r == west && m.classes[*k].skill == hvac && *dd == d)
            .map(|(_, h)| h)
            .sum();
        let demand: f64 = m
            .demand
            .iter()
            .filter(|((r, k, dd), _)| *r == west && m.classes[*k].skill == hvac && *dd == d)
            .map(|(_, h)| h.iter().sum::<f64>())
            .sum();
        assert!(demand > 3.9, "day {d}: demand {demand}");
        if d <= 2 {
            assert!(allocated > 3.9, "day {d}: still certified, allocated {allocated}");
        } else {
            assert!(allocated < 1e-9, "day {d}: certification expired, allocated {allocated}");
        }
    }
    // The weekly report agrees: 3 days of capacity.
    let rep = report(&m, &sol);
    let cell = rep.cells.iter().find(|c| c.region == "west" && c.skill == "hvac").unwrap();
    assert!((cell.capacity_hours - 3.0 * per_day).abs() < 1e-9, "{}", cell.capacity_hours);
}

#[test]
fn forecast_recovers_a_known_weekday_pattern_and_trend() {
    let effect = [3.0, 2.0, 1.0, 0.0, -1.0, -3.0, -2.0];
    let from = date("2026-01-05"); // a Monday
    let daily: std::collections::BTreeMap<NaiveDate, f64> = (0..26 * 7)
        .map(|t| {
            let d = from + Duration::days(t);
            (d, 10.0 + 0.05 * t as f64 + effect[d.weekday().num_days_from_monday() as usize])
        })
        .collect();
    let m = forecast::fit(&daily, from, from + Duration::weeks(26)).unwrap();
    assert!((m.slope - 0.05).abs() < 1e-9, "slope {}", m.slope);
    for (k, e) in effect.iter().enumerate() {
        assert!((m.weekday[k] - e).abs() < 1e-6, "weekday {k}: {} vs {e}", m.weekday[k]);
    }
    for t in 182..182 + 28 {
        let d = from + Duration::days(t);
        let truth = 10.0 + 0.05 * t as f64 + effect[d.weekday().num_days_from_monday() as usize];
        assert!((m.predict(d) - truth).abs() < 1e-6, "{d}: {} vs {truth}", m.predict(d));
    }
    // The back-test on the same series is exact for the method and not for seasonal naive,
    // which misses the trend.
    let history: Vec<HistoryRow> = daily
        .iter()
        .map(|(d, h)| HistoryRow { date: *d, region: "r".into(), skill: "s".into(), visits: 1, hours: *h })
        .collect();
    let bt = forecast::backtest(&history, from + Duration::weeks(18), 8, 26);
    assert!(bt.method.daily_mae_hours < 1e-6, "{:?}", bt.method);
    assert!(bt.seasonal_naive.daily_mae_hours > 0.5, "{:?}", bt.seasonal_naive);
}

#[test]
fn forecast_is_never_negative_and_empty_history_gives_no_demand_beyond_visits() {
    let p = problem(small_problem_json());
    let m = CoverageModel::build(&p, &[], &settings(1), &[]).unwrap();
    let known: f64 = m.known.values().sum();
    let demand: f64 = m.demand.values().map(|h| h.iter().sum::<f64>()).sum();
    // V1 60 + V2 90 + V3 45 + V4 30 + V5 30 minutes.
    assert!((known - 4.25).abs() < 1e-9 && (demand - known).abs() < 1e-9, "{known} {demand}");
}

#[test]
fn a_scenario_with_an_added_technician_raises_attainment_and_the_comparison_shows_it() {
    let p = problem(small_problem_json());
    let history = flat_history(&[("west", "hvac", 9.0)]);
    let base = run(&p, &history, &settings(2), &[]).unwrap();
    let spec = ScenarioSpec {
        add_technicians: vec![scenario::parse_add_technicians("west:hvac:3x2+gas-safe").unwrap()],
        ..ScenarioSpec::default()
    };
    let changed = scenario::apply(&p, &spec, base.start).unwrap();
    assert_eq!(changed.technicians.len(), p.technicians.len() + 2);
    let after = run(&changed, &history, &settings(2), &spec.demand_growth).unwrap();
    assert!(after.kpis.sla_attainment_pct > base.kpis.sla_attainment_pct + 1.0);
    let cmp = scenario::compare(&[("baseline".into(), &base), ("two-hvac".into(), &after)]);
    assert_eq!(cmp.columns, vec!["baseline", "two-hvac"]);
    let sla = &cmp.kpis[0];
    assert!((sla.deltas[1] - (after.kpis.sla_attainment_pct - base.kpis.sla_attainment_pct)).abs() < 1e-9);
    let west = cmp.regions.iter().find(|r| r.region == "west").unwrap();
    assert!(west.delta_unmet_hours[1] < -1.0, "{west:?}");
    let east = cmp.regions.iter().find(|r| r.region == "east").unwrap();
    assert!(east.delta_unmet_hours[1].abs() < 1e-6, "{east:?}");
    let text = scenario::render(&cmp);
    assert!(text.contains("baseline (ref)") && text.contains("two-hvac") && text.contains("SLA attainment"), "{text}");
    assert!(text.contains("west"), "{text}");
}

#[test]
fn recommendations_are_computed_by_re_solving() {
    let p = problem(small_problem_json());
    let history = flat_history(&[("west", "hvac", 9.0)]);
    let rep = run(&p, &history, &settings(2), &[]).unwrap();
    let rec = rep.recommendations.first().expect("west hvac is short");
    assert_eq!((rec.region.as_str(), rec.skill.as_str()), ("west", "hvac"));
    assert!(rec.attainment_after_pct > rec.attainment_before_pct, "{rec:?}");
    assert!(rec.overall_after_pct > rec.overall_before_pct, "{rec:?}");
    // Re-solving the same change by hand gives the same figure.
    let spec = ScenarioSpec {
        add_technicians: vec![scenario::AddTechnicians {
            count: 1,
            region: "west".into(),
            skill: "hvac".into(),
            level: rec.level,
            certifications: rec.certifications.clone(),
            secondary_regions: vec![],
            from: Some(rec.from_date),
            provider: None,
            shift: None,
            name: None,
        }],
        ..ScenarioSpec::default()
    };
    let changed = scenario::apply(&p, &spec, rep.start).unwrap();
    let after = run(&changed, &history, &CoverageSettings { recommendations: 0, ..settings(2) }, &[]).unwrap();
    assert!((after.kpis.sla_attainment_pct - rec.overall_after_pct).abs() < 1e-6);
    assert!(rec.text.contains("West") && rec.text.contains("one more hvac L"), "{}", rec.text);
}

#[test]
fn report_cells_are_consistent() {
    let p = problem(small_problem_json());
    let history = flat_history(&[("west", "hvac", 9.0), ("east", "electrical", 3.0)]);
    let rep = run(&p, &history, &settings(3), &[]).unwrap();
    assert_eq!(rep.cells.len(), 2 * 2 * 3);
    for c in &rep.cells {
        assert!(c.allocated_hours <= c.capacity_hours + 1e-6, "{c:?}");
        assert!((c.unmet_hours - (c.demand_hours - c.allocated_hours)).abs() < 1e-6, "{c:?}");
        assert!(c.primary_capacity_hours <= c.capacity_hours + 1e-9);
    }
}

#[test]
fn scenario_errors_name_the_change_and_field() {
    let p = problem(small_problem_json());
    let start = date("2026-12-07");
    let bad = |spec: ScenarioSpec| scenario::apply(&p, &spec, start).unwrap_err().to_string();
    let e = bad(ScenarioSpec { remove_technicians: vec!["T9".into()], ..ScenarioSpec::default() });
    assert!(e.contains("remove_technicians[0]") && e.contains("T9"), "{e}");
    let e = bad(ScenarioSpec {
        add_technicians: vec![scenario::parse_add_technicians("south:hvac").unwrap()],
        ..ScenarioSpec::default()
    });
    assert!(e.contains("add_technicians[0]: region"), "{e}");
    let e = bad(ScenarioSpec {
        provider_shares: vec![scenario::parse_provider_share("P1=120").unwrap()],
        ..ScenarioSpec::default()
    });
    assert!(e.contains("provider_shares[0]: max_pct"), "{e}");
    assert!(scenario::parse_add_technicians("north").is_err());
    assert!(scenario::parse_shift_change("sunday=08:00-12:00").is_err());
    let s = scenario::parse_shift_change("sat@west=08:00-14:00").unwrap();
    assert_eq!((s.day.as_str(), s.region.as_deref()), ("sat", Some("west")));
    let g = scenario::parse_demand_growth("/hvac=-10").unwrap();
    assert_eq!((g.region, g.skill.as_deref(), g.pct), (None, Some("hvac"), -10.0));
}

#[test]
fn provider_share_caps_provider_hours() {
    let p = problem(small_problem_json());
    let history = flat_history(&[("east", "electrical", 6.0)]);
    let full = run(&p, &history, &settings(1), &[]).unwrap();
    let spec = ScenarioSpec {
        provider_shares: vec![scenario::parse_provider_share("P1=10").unwrap()],
        ..ScenarioSpec::default()
    };
    let capped = run(&scenario::apply(&p, &spec, full.start).unwrap(), &history, &settings(1), &[]).unwrap();
    let east_demand: f64 = capped.regions.iter().filter(|r| r.region == "east").map(|r| r.demand_hours).sum();
    assert!(capped.kpis.provider_hours <= 0.10 * east_demand + 1e-6, "{}", capped.kpis.provider_hours);
    assert!(full.kpis.provider_hours > capped.kpis.provider_hours + 1.0);
}

//! Coverage planning for the app (`ui/BACKEND.md`: `coverage_report`, `list_scenarios`,
//! `compare_scenarios`, `scenario_create`): thin views over [`crate::coverage`] (the use cases
//! behind `rota coverage` and `rota scenario`), shaped for the UI.
//!
//! Everything the UI shows as text is a code plus parameters (recommendations, scenario changes,
//! KPI names), rendered from its catalogs in the user's language. These functions take the
//! database path and open their own connection, so the app runs them (an LP and a few re-solves
//! each) without holding the desk's lock; nothing here writes master data or plan versions
//! (a scenario run stores its report with the scenario only).

use std::path::Path;

use rota_solver::coverage::{CoverageError, CoverageReport, ScenarioSpec};
use rota_store::db::Db;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{BackendError, Params, store_error};
use crate::coverage::{self as service, BASELINE, CoverageFailure};

/// The number of weeks the app may ask for.
pub const WEEKS: std::ops::RangeInclusive<u32> = 1..=26;
/// At most this many scenarios in one comparison (each is one LP plus its re-solves).
pub const MAX_COMPARED: usize = 6;

/// A text the UI renders from its catalog: `code` plus parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Coded {
    pub code: String,
    #[serde(default)]
    #[ts(type = "Record<string, string | number>")]
    pub params: Params,
}

impl Coded {
    fn new(code: &str) -> Self {
        Self { code: code.to_string(), params: Params::new() }
    }
    fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.params.insert(key.to_string(), value.into());
        self
    }
}

/// One region × skill × week of the coverage LP.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct CoverageCell {
    pub region: String,
    pub skill: String,
    /// ISO week number.
    pub week: u32,
    /// Monday of that week, `YYYY-MM-DD`.
    pub week_start: String,
    pub demand_hours: f64,
    /// Hours of every technician who may serve this cell (primary or secondary region); a
    /// technician counts in every cell they could serve, so capacities do not add up.
    pub capacity_hours: f64,
    pub allocated_hours: f64,
    /// Demand minus allocated.
    pub unmet_hours: f64,
    /// Allocated ÷ demand (100 without demand).
    pub sla_attainment_pct: f64,
    /// The LP dual: objective saved by one more hour of this skill here in this week.
    pub marginal_value_per_hour: f64,
}

/// Totals of one region and week (all skills).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct CoverageRegionWeek {
    pub region: String,
    pub week: u32,
    pub demand_hours: f64,
    pub allocated_hours: f64,
    pub unmet_hours: f64,
    pub sla_attainment_pct: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct CoverageTotals {
    pub demand_hours: f64,
    pub allocated_hours: f64,
    pub unmet_hours: f64,
    pub sla_attainment_pct: f64,
    pub sla_emergency_pct: f64,
    pub sla_vip_pct: f64,
    pub sla_standard_pct: f64,
    pub secondary_hours: f64,
    pub provider_hours: f64,
}

/// The answer of `coverage_report`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct CoverageView {
    /// `null` for the live data.
    pub scenario: Option<String>,
    /// First day (a Monday), `YYYY-MM-DD`.
    pub start: String,
    /// ISO week numbers, in order.
    pub weeks: Vec<u32>,
    /// Region and skill ids in the order of the cells.
    pub regions: Vec<String>,
    pub skills: Vec<String>,
    /// Region-major, then skill, then week.
    pub cells: Vec<CoverageCell>,
    pub region_weeks: Vec<CoverageRegionWeek>,
    pub totals: CoverageTotals,
    /// `add_technician {region, skill, level, certifications, from_week, from_date, sla_before,
    /// sla_after, overall_before, overall_after, unmet_saved, marginal_value}`, best first.
    pub recommendations: Vec<Coded>,
    /// Rows of visit history the forecast was fitted on (0: demand is the known visits only).
    pub history_rows: usize,
}

/// One stored scenario (`list_scenarios`): its changes as codes: `add_technicians {count,
/// region, skill, level, from?, provider?}`, `remove_technician {technician}`, `shift {who, day,
/// start?, end?}`, `provider_share {provider, max_pct}`, `demand_growth {pct, region?, skill?}`.
pub type ScenarioInfo = service::ScenarioSummary<Vec<Coded>>;

/// One KPI across the compared columns (the solver's row: a KPI code, `pct` or `h`, values and
/// deltas against the first column).
pub use rota_solver::coverage::scenario::KpiRow as ComparedKpi;
/// One region across the compared columns (all weeks together).
pub use rota_solver::coverage::scenario::RegionRow as ComparedRegion;

/// The answer of `compare_scenarios`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct ScenarioComparison {
    /// Column names; the first (`baseline` unless the request starts with another) is the
    /// reference of the deltas.
    pub columns: Vec<String>,
    pub weeks: Vec<u32>,
    pub kpis: Vec<ComparedKpi>,
    pub regions: Vec<ComparedRegion>,
}

/// The request of `scenario_create`: a copy of the live data (or of scenario `from`) with
/// `changes` (a `ScenarioSpec`, as `rota scenario create --spec`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct ScenarioCreate {
    pub name: String,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub description: String,
    pub changes: ScenarioSpec,
}

fn failure(e: CoverageFailure) -> BackendError {
    match e {
        CoverageFailure::Store(e) => store_error(e),
        CoverageFailure::Model { context, error } => {
            let message = format!("{context}: {error}");
            match error {
                CoverageError::UnknownId { record, field, id } => BackendError::new("invalid_scenario", message)
                    .with("record", record)
                    .with("field", field)
                    .with("value", id),
                CoverageError::Invalid { record, field, .. } => {
                    BackendError::new("invalid_scenario", message).with("record", record).with("field", field)
                }
                _ => BackendError::new("coverage_solver", message),
            }
        }
        _ => BackendError::new("invalid_input", e.to_string()),
    }
}

fn check_weeks(weeks: u32) -> Result<(), BackendError> {
    if WEEKS.contains(&weeks) {
        Ok(())
    } else {
        Err(BackendError::new(
            "invalid_argument",
            format!("argument `weeks`: expected {} to {}, got {weeks}", WEEKS.start(), WEEKS.end()),
        )
        .with("argument", "weeks")
        .with("value", weeks))
    }
}

/// `unknown_scenario {scenario}` unless `name` is stored (or is the baseline).
fn check_scenario(db_path: &Path, name: &str) -> Result<(), BackendError> {
    if name == BASELINE {
        return Ok(());
    }
    let names = Db::open(db_path).and_then(|db| db.scenario_names()).map_err(store_error)?;
    if names.iter().any(|n| n == name) {
        Ok(())
    } else {
        Err(BackendError::new("unknown_scenario", format!("no scenario {name:?} (there are: {})", names.join(", ")))
            .with("scenario", name))
    }
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

fn view(report: &CoverageReport) -> CoverageView {
    let mut regions: Vec<String> = Vec::new();
    let mut skills: Vec<String> = Vec::new();
    for c in &report.cells {
        if !regions.contains(&c.region) {
            regions.push(c.region.clone());
        }
        if !skills.contains(&c.skill) {
            skills.push(c.skill.clone());
        }
    }
    let cells = report
        .cells
        .iter()
        .map(|c| CoverageCell {
            region: c.region.clone(),
            skill: c.skill.clone(),
            week: c.week,
            week_start: c.week_start.to_string(),
            demand_hours: c.demand_hours,
            capacity_hours: c.capacity_hours,
            allocated_hours: c.allocated_hours,
            unmet_hours: c.unmet_hours,
            sla_attainment_pct: c.sla_attainment_pct,
            marginal_value_per_hour: c.marginal_value_per_hour,
        })
        .collect();
    let region_weeks = report
        .regions
        .iter()
        .map(|r| CoverageRegionWeek {
            region: r.region.clone(),
            week: r.week,
            demand_hours: r.demand_hours,
            allocated_hours: r.allocated_hours,
            unmet_hours: r.unmet_hours,
            sla_attainment_pct: r.sla_attainment_pct,
        })
        .collect();
    let recommendations = report
        .recommendations
        .iter()
        .map(|r| {
            Coded::new("add_technician")
                .with("region", r.region.clone())
                .with("skill", r.skill.clone())
                .with("level", r.level)
                .with("certifications", r.certifications.join(", "))
                .with("from_week", r.from_week)
                .with("from_date", r.from_date.to_string())
                .with("sla_before", round(r.attainment_before_pct, 1))
                .with("sla_after", round(r.attainment_after_pct, 1))
                .with("overall_before", round(r.overall_before_pct, 1))
                .with("overall_after", round(r.overall_after_pct, 1))
                .with("unmet_saved", round(r.unmet_hours_saved, 1))
                .with("marginal_value", round(r.marginal_value_per_hour, 2))
        })
        .collect();
    let k = &report.kpis;
    CoverageView {
        scenario: report.scenario.clone(),
        start: report.start.to_string(),
        weeks: report.weeks.clone(),
        regions,
        skills,
        cells,
        region_weeks,
        totals: CoverageTotals {
            demand_hours: k.demand_hours,
            allocated_hours: k.allocated_hours,
            unmet_hours: k.unmet_hours,
            sla_attainment_pct: k.sla_attainment_pct,
            sla_emergency_pct: k.sla_attainment_by_priority_pct.emergency,
            sla_vip_pct: k.sla_attainment_by_priority_pct.vip,
            sla_standard_pct: k.sla_attainment_by_priority_pct.standard,
            secondary_hours: k.secondary_hours,
            provider_hours: k.provider_hours,
        },
        recommendations,
        history_rows: report.forecast.history_rows,
    }
}

/// `coverage_report {weeks, scenario}`: the live data (`None` or `baseline`) or a stored
/// scenario (run now; its report is stored with it).
pub fn coverage_report(db_path: &Path, weeks: u32, scenario: Option<&str>) -> Result<CoverageView, BackendError> {
    check_weeks(weeks)?;
    if let Some(name) = scenario {
        check_scenario(db_path, name)?;
    }
    let report = service::coverage(db_path, weeks, scenario).map_err(failure)?;
    Ok(view(&report))
}

/// The changes of a scenario as codes.
pub fn changes(spec: &ScenarioSpec) -> Vec<Coded> {
    let mut out = Vec::new();
    for a in &spec.add_technicians {
        let mut c = Coded::new("add_technicians")
            .with("count", a.count)
            .with("region", a.region.clone())
            .with("skill", a.skill.clone())
            .with("level", a.level);
        if let Some(from) = a.from {
            c = c.with("from", from.to_string());
        }
        if let Some(p) = &a.provider {
            c = c.with("provider", p.clone());
        }
        out.push(c);
    }
    for t in &spec.remove_technicians {
        out.push(Coded::new("remove_technician").with("technician", t.clone()));
    }
    for s in &spec.shift_changes {
        let who = if s.technicians.is_empty() { "all".to_string() } else { s.technicians.join(", ") };
        let mut c =
            Coded::new(if s.shift.is_some() { "shift" } else { "day_off" }).with("who", who).with("day", s.day.clone());
        if let Some(r) = &s.region {
            c = c.with("region", r.clone());
        }
        if let Some(k) = &s.skill {
            c = c.with("skill", k.clone());
        }
        if let Some(shift) = &s.shift {
            c = c.with("start", shift.start.to_string()).with("end", shift.end.to_string());
        }
        out.push(c);
    }
    for p in &spec.provider_shares {
        out.push(Coded::new("provider_share").with("provider", p.provider.clone()).with("max_pct", p.max_pct));
    }
    for g in &spec.demand_growth {
        let mut c = Coded::new("demand_growth").with("pct", g.pct);
        if let Some(r) = &g.region {
            c = c.with("region", r.clone());
        }
        if let Some(s) = &g.skill {
            c = c.with("skill", s.clone());
        }
        out.push(c);
    }
    out
}

/// `list_scenarios`: the stored scenarios, by name.
pub fn list_scenarios(db_path: &Path) -> Result<Vec<ScenarioInfo>, BackendError> {
    service::list_scenarios_with(db_path, changes).map_err(failure)
}

/// `compare_scenarios {names, weeks}`: the baseline and each named scenario run with the same
/// settings, KPIs and per-region attainment side by side with deltas against the first column.
pub fn compare_scenarios(db_path: &Path, names: &[String], weeks: u32) -> Result<ScenarioComparison, BackendError> {
    check_weeks(weeks)?;
    if names.is_empty() || names.len() > MAX_COMPARED {
        return Err(BackendError::new(
            "invalid_argument",
            format!("argument `names`: name 1 to {MAX_COMPARED} scenarios, got {}", names.len()),
        )
        .with("argument", "names"));
    }
    for n in names {
        check_scenario(db_path, n)?;
    }
    let (cmp, reports) = service::compare(db_path, names, weeks).map_err(failure)?;
    // The app shows attainment, hours and shares; the LP objective is the CLI's business.
    let kpis = cmp.kpis.into_iter().filter(|k| k.kpi != "objective").collect();
    let weeks = reports.first().map(|r| r.weeks.clone()).unwrap_or_default();
    Ok(ScenarioComparison { columns: cmp.columns, weeks, kpis, regions: cmp.regions })
}

/// `scenario_create {req}`: stores a new scenario (checked against its base first); the live
/// plan and master data are untouched.
pub fn scenario_create(db_path: &Path, req: &ScenarioCreate) -> Result<ScenarioInfo, BackendError> {
    let name = req.name.trim();
    if name.is_empty() || name == BASELINE || name.len() > 80 {
        return Err(BackendError::new(
            "invalid_argument",
            format!("argument `name`: 1 to 80 characters and not {BASELINE:?}, got {:?}", req.name),
        )
        .with("argument", "name"));
    }
    if let Some(from) = &req.from {
        check_scenario(db_path, from)?;
    }
    if Db::open(db_path).and_then(|db| db.scenario_names()).map_err(store_error)?.iter().any(|n| n == name) {
        return Err(
            BackendError::new("scenario_exists", format!("scenario {name:?} exists already")).with("scenario", name)
        );
    }
    service::create_scenario(db_path, name, req.from.as_deref(), &req.description, req.changes.clone())
        .map_err(failure)?;
    list_scenarios(db_path)?
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| BackendError::new("internal", format!("scenario {name:?} was not stored")))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    struct Tmp(PathBuf);
    impl Drop for Tmp {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A database as `rota init --sample` makes it (no plan needed: coverage reads master data,
    /// open visits and the visit history).
    fn sample_db(name: &str) -> (Tmp, PathBuf) {
        let dir = std::env::temp_dir().join(format!("rota-desk-coverage-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("rota.db");
        crate::sample::create_sample_db(&path).unwrap();
        (Tmp(dir), path)
    }

    fn param_f64(c: &Coded, key: &str) -> f64 {
        c.params.get(key).and_then(serde_json::Value::as_f64).unwrap_or_else(|| panic!("{key} in {c:?}"))
    }

    #[test]
    fn the_report_is_consistent_and_its_recommendations_help() {
        let (_tmp, db) = sample_db("report");
        let v = coverage_report(&db, 4, None).unwrap();
        assert_eq!(v.weeks.len(), 4);
        assert!(v.history_rows > 0, "the sample history feeds the forecast");
        assert_eq!(v.cells.len(), v.regions.len() * v.skills.len() * 4);
        let (mut demand, mut unmet) = (0.0, 0.0);
        for c in &v.cells {
            assert!(c.allocated_hours <= c.capacity_hours + 1e-6, "{c:?}");
            assert!(c.allocated_hours <= c.demand_hours + 1e-6, "{c:?}");
            assert!((c.unmet_hours - (c.demand_hours - c.allocated_hours)).abs() < 1e-6, "{c:?}");
            assert!((0.0..=100.0 + 1e-9).contains(&c.sla_attainment_pct), "{c:?}");
            demand += c.demand_hours;
            unmet += c.unmet_hours;
        }
        assert!((demand - v.totals.demand_hours).abs() < 1e-6);
        assert!((unmet - v.totals.unmet_hours).abs() < 1e-6);
        assert!(v.totals.unmet_hours > 1.0, "the sample is short of capacity somewhere");
        assert!(!v.recommendations.is_empty());
        for r in &v.recommendations {
            assert_eq!(r.code, "add_technician");
            assert!(param_f64(r, "sla_after") > param_f64(r, "sla_before"), "{r:?}");
            assert!(param_f64(r, "unmet_saved") > 0.0, "{r:?}");
            let region = r.params["region"].as_str().unwrap();
            let skill = r.params["skill"].as_str().unwrap();
            assert!(v.regions.iter().any(|x| x == region) && v.skills.iter().any(|x| x == skill), "{r:?}");
            assert!(v.weeks.contains(&(param_f64(r, "from_week") as u32)), "{r:?}");
        }
    }

    #[test]
    fn scenarios_are_created_listed_and_compared() {
        let (_tmp, db) = sample_db("scenarios");
        let base = coverage_report(&db, 4, None).unwrap();
        let rec = &base.recommendations[0];
        let region = rec.params["region"].as_str().unwrap().to_string();
        let changes: ScenarioSpec = serde_json::from_value(serde_json::json!({
            "add_technicians": [{"count": 2, "region": region, "skill": rec.params["skill"], "level": rec.params["level"]}]
        }))
        .unwrap();
        let req = ScenarioCreate { name: "plus-two".into(), from: None, description: "two more".into(), changes };
        let info = scenario_create(&db, &req).unwrap();
        assert_eq!(info.changes[0].code, "add_technicians");
        assert_eq!(info.changes[0].params["count"], 2);
        assert_eq!(scenario_create(&db, &req).unwrap_err().code, "scenario_exists");
        let names: Vec<String> = list_scenarios(&db).unwrap().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["plus-two"]);

        let cmp = compare_scenarios(&db, &["plus-two".into()], 4).unwrap();
        assert_eq!(cmp.columns, ["baseline", "plus-two"]);
        let sla = cmp.kpis.iter().find(|k| k.kpi == "sla_attainment_pct").unwrap();
        assert!((sla.values[0] - base.totals.sla_attainment_pct).abs() < 1e-6, "the baseline column is the live data");
        assert!(sla.deltas[1] > 0.0, "two more technicians raise attainment: {sla:?}");
        let row = cmp.regions.iter().find(|r| r.region == region).unwrap();
        assert!(row.delta_unmet_hours[1] < 0.0 && row.delta_sla_attainment_pct[1] > 0.0, "{row:?}");
        // The scenario's report is the same through coverage_report, and is now listed as run.
        let s = coverage_report(&db, 4, Some("plus-two")).unwrap();
        assert_eq!(s.scenario.as_deref(), Some("plus-two"));
        assert!((s.totals.sla_attainment_pct - sla.values[1]).abs() < 1e-6);
        assert!(list_scenarios(&db).unwrap()[0].sla_attainment_pct.is_some());
    }

    #[test]
    fn bad_input_is_an_error_code() {
        let (_tmp, db) = sample_db("errors");
        let e = coverage_report(&db, 4, Some("nope")).unwrap_err();
        assert_eq!((e.code.as_str(), e.params["scenario"].as_str()), ("unknown_scenario", Some("nope")));
        for weeks in [0, 27] {
            let e = coverage_report(&db, weeks, None).unwrap_err();
            assert_eq!((e.code.as_str(), e.params["argument"].as_str()), ("invalid_argument", Some("weeks")));
        }
        assert_eq!(compare_scenarios(&db, &[], 4).unwrap_err().params["argument"], "names");
        assert_eq!(compare_scenarios(&db, &["ghost".into()], 4).unwrap_err().code, "unknown_scenario");
        let bad: ScenarioSpec = serde_json::from_value(serde_json::json!({
            "add_technicians": [{"region": "atlantis", "skill": "electrical"}]
        }))
        .unwrap();
        let req = ScenarioCreate { name: "x".into(), from: None, description: String::new(), changes: bad };
        let e = scenario_create(&db, &req).unwrap_err();
        assert_eq!(e.code, "invalid_scenario", "{e:?}");
        assert!(e.message.contains("atlantis"), "{}", e.message);
        assert!(list_scenarios(&db).unwrap().is_empty(), "nothing stored");
        let e = scenario_create(&db, &ScenarioCreate { name: "baseline".into(), ..req }).unwrap_err();
        assert_eq!(e.params["argument"], "name");
        assert_eq!(coverage_report(Path::new("/nonexistent/rota.db"), 4, None).unwrap_err().code, "no_database");
    }
}

//! Coverage planning and what-if scenarios over a database: the use cases behind
//! `rota coverage`, `rota scenario …` and `rota import … history` (and, later, the app).
//!
//! Nothing here writes master data or plan versions: scenarios live in their own table and a run
//! only stores its report there (see `rota_store::db::coverage`).

use std::path::Path;

use rota_solver::coverage::{self, CoverageError, CoverageReport, CoverageSettings, ScenarioSpec, scenario};
use rota_solver::format::Problem;
use rota_store::db::{Db, StoreError};

/// Why a coverage use case failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoverageFailure {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The model's error with what it was about. Not a `#[source]`: the message already
    /// includes it, and error chains would print it twice.
    #[error("{context}: {error}")]
    Model { context: String, error: CoverageError },
    #[error("{0}")]
    BadInput(String),
}

impl CoverageFailure {
    pub fn is_bad_input(&self) -> bool {
        match self {
            CoverageFailure::Store(e) => e.is_bad_input(),
            CoverageFailure::Model { error, .. } => !matches!(error, CoverageError::Solver(_)),
            CoverageFailure::BadInput(_) => true,
        }
    }
}

/// The name the live data goes by in comparisons.
pub const BASELINE: &str = "baseline";

fn baseline(db: &Db) -> Result<Problem, CoverageFailure> {
    db.problem()?.ok_or_else(|| CoverageFailure::Store(StoreError::Empty { path: db.path().to_path_buf() }))
}

fn settings(weeks: u32) -> Result<CoverageSettings, CoverageFailure> {
    if !(1..=26).contains(&weeks) {
        return Err(CoverageFailure::BadInput(format!("--weeks: must be 1 … 26, got {weeks}")));
    }
    Ok(CoverageSettings { weeks, ..CoverageSettings::default() })
}

/// Coverage of the live data (`scenario = None`) or of a stored scenario (its report is saved
/// with the scenario).
pub fn coverage(db_path: &Path, weeks: u32, scenario: Option<&str>) -> Result<CoverageReport, CoverageFailure> {
    match scenario {
        None | Some(BASELINE) => {
            let db = Db::open(db_path)?;
            let problem = baseline(&db)?;
            let history = db.history()?;
            coverage::run(&problem, &history, &settings(weeks)?, &[])
                .map_err(|error| CoverageFailure::Model { context: "baseline".into(), error })
        }
        Some(name) => run_scenario(db_path, name, weeks),
    }
}

/// Back-tests the forecast on the stored history: fits on everything up to `holdout_weeks`
/// weeks before the end of the history and scores those weeks (docs/coverage.md).
pub fn backtest(db_path: &Path, holdout_weeks: u32) -> Result<coverage::forecast::Backtest, CoverageFailure> {
    let db = Db::open(db_path)?;
    let history = db.history()?;
    let Some(last) = history.iter().map(|r| r.date).max() else {
        return Err(CoverageFailure::BadInput(format!(
            "{}: no visit history (rota import --db FILE history HISTORY.csv)",
            db_path.display()
        )));
    };
    if !(1..=26).contains(&holdout_weeks) {
        return Err(CoverageFailure::BadInput(format!("--backtest: must be 1 … 26 weeks, got {holdout_weeks}")));
    }
    let end = coverage::model::monday_of(last) + chrono::Duration::weeks(1);
    let cutoff = end - chrono::Duration::weeks(i64::from(holdout_weeks));
    Ok(coverage::forecast::backtest(&history, cutoff, holdout_weeks, CoverageSettings::default().fit_weeks))
}

/// Imports a visit-history CSV into the database (all rows or none).
pub fn import_history(db_path: &Path, file: &Path) -> Result<usize, CoverageFailure> {
    // Strictly UTF-8, naming the line and byte offset of a bad byte; a byte-order mark is dropped.
    let text = rota_store::files::read_text(file).map_err(|e| CoverageFailure::BadInput(e.to_string()))?;
    let mut db = Db::create(db_path)?;
    Ok(db.import_history(file, &text)?)
}

/// Creates a scenario: a copy of the live data (or of scenario `from`: its base and changes)
/// with `changes` appended. The changes are checked against the copy before anything is stored.
pub fn create_scenario(
    db_path: &Path,
    name: &str,
    from: Option<&str>,
    description: &str,
    changes: ScenarioSpec,
) -> Result<(), CoverageFailure> {
    let mut db = Db::open(db_path)?;
    let (base, mut spec) = match from {
        None | Some(BASELINE) => (baseline(&db)?, ScenarioSpec::default()),
        Some(other) => {
            let s = db.scenario(other)?;
            (s.base, s.spec)
        }
    };
    spec.extend(changes);
    check_spec(&base, &spec, name)?;
    db.create_scenario(name, description, &base, &spec)?;
    Ok(())
}

fn check_spec(base: &Problem, spec: &ScenarioSpec, name: &str) -> Result<(), CoverageFailure> {
    scenario::apply(base, spec, base.horizon.start)
        .map(|_| ())
        .map_err(|error| CoverageFailure::Model { context: format!("scenario {name:?}"), error })
}

/// Edits a scenario: appends `changes` (or replaces all changes with them when `replace`).
pub fn edit_scenario(
    db_path: &Path,
    name: &str,
    changes: ScenarioSpec,
    replace: bool,
    description: Option<&str>,
) -> Result<ScenarioSpec, CoverageFailure> {
    let mut db = Db::open(db_path)?;
    let s = db.scenario(name)?;
    let spec = if replace {
        changes
    } else {
        let mut spec = s.spec;
        spec.extend(changes);
        spec
    };
    check_spec(&s.base, &spec, name)?;
    db.update_scenario(name, &spec, description)?;
    Ok(spec)
}

/// Runs a scenario and stores its report with it.
pub fn run_scenario(db_path: &Path, name: &str, weeks: u32) -> Result<CoverageReport, CoverageFailure> {
    let mut db = Db::open(db_path)?;
    let s = db.scenario(name)?;
    let history = db.history()?;
    let settings = settings(weeks)?;
    let ctx = |error| CoverageFailure::Model { context: format!("scenario {name:?}"), error };
    let problem = scenario::apply(&s.base, &s.spec, coverage::model::monday_of(s.base.horizon.start)).map_err(ctx)?;
    let mut report = coverage::run(&problem, &history, &settings, &s.spec.demand_growth).map_err(ctx)?;
    report.scenario = Some(name.to_string());
    let json = serde_json::to_string(&report).map_err(|e| CoverageFailure::BadInput(e.to_string()))?;
    db.save_scenario_result(name, weeks, &json)?;
    Ok(report)
}

/// Runs the baseline and each scenario with the same settings and compares them side by side
/// (the first column is the reference: the baseline unless `names` starts with `baseline`).
pub fn compare(
    db_path: &Path,
    names: &[String],
    weeks: u32,
) -> Result<(coverage::scenario::Comparison, Vec<CoverageReport>), CoverageFailure> {
    let mut columns: Vec<String> = Vec::new();
    if names.first().map(String::as_str) != Some(BASELINE) {
        columns.push(BASELINE.into());
    }
    for n in names {
        if !columns.contains(n) {
            columns.push(n.clone());
        }
    }
    if columns.len() < 2 {
        return Err(CoverageFailure::BadInput("name at least one scenario to compare with the baseline".into()));
    }
    let mut reports = Vec::with_capacity(columns.len());
    for n in &columns {
        reports.push(if n == BASELINE { coverage(db_path, weeks, None)? } else { run_scenario(db_path, n, weeks)? });
    }
    let pairs: Vec<(String, &CoverageReport)> = columns.iter().cloned().zip(reports.iter()).collect();
    let cmp = scenario::compare(&pairs);
    Ok((cmp, reports))
}

/// One stored scenario: a line of `rota scenario list` (changes as English text) and the app's
/// `list_scenarios` (changes as codes).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ScenarioSummary<C = Vec<String>> {
    pub name: String,
    pub description: String,
    pub changes: C,
    pub created_at: String,
    pub run_at: Option<String>,
    /// SLA attainment of its last run, if any.
    pub sla_attainment_pct: Option<f64>,
}

/// The stored scenarios by name, their changes as English text.
pub fn list_scenarios(db_path: &Path) -> Result<Vec<ScenarioSummary>, CoverageFailure> {
    list_scenarios_with(db_path, ScenarioSpec::describe)
}

/// The stored scenarios by name, their changes rendered by `changes`.
pub fn list_scenarios_with<C>(
    db_path: &Path,
    changes: impl Fn(&ScenarioSpec) -> C,
) -> Result<Vec<ScenarioSummary<C>>, CoverageFailure> {
    let db = Db::open(db_path)?;
    let mut out = Vec::new();
    for name in db.scenario_names()? {
        let s = db.scenario(&name)?;
        let sla = s
            .result
            .as_ref()
            .and_then(|(_, json)| serde_json::from_str::<CoverageReport>(json).ok())
            .map(|r| r.kpis.sla_attainment_pct);
        out.push(ScenarioSummary {
            name,
            description: s.description,
            changes: changes(&s.spec),
            created_at: s.created_at,
            run_at: s.run_at,
            sla_attainment_pct: sla,
        });
    }
    Ok(out)
}

pub fn delete_scenario(db_path: &Path, name: &str) -> Result<(), CoverageFailure> {
    Ok(Db::open(db_path)?.delete_scenario(name)?)
}

//! Coverage planning in the store (`docs/coverage.md`, `docs/store.md`): the visit history the
//! forecast reads, and what-if scenarios with their last result.
//!
//! Neither is part of the plan: writing them does not bump the head revision, so a scenario run
//! never conflicts with (or disturbs) a batch or a dispatcher working on the live plan.

use std::collections::BTreeSet;
use std::path::Path;

use super::backend::{DbResult, Sql, Tx, args};
use rota_solver::coverage::{HistoryRow, ScenarioSpec};
use rota_solver::diagnostics::Diagnostics;
use rota_solver::format::Problem;

use super::{Db, StoreError};

/// The migration that adds the coverage tables.
pub const MIGRATION: &str = r#"
-- Work done per day, region and skill (CSV import); the forecast's input.
CREATE TABLE visit_history (
    date   TEXT NOT NULL,
    region TEXT NOT NULL,
    skill  TEXT NOT NULL,
    visits INTEGER NOT NULL CHECK (visits >= 0),
    hours  REAL NOT NULL CHECK (hours >= 0),
    PRIMARY KEY (date, region, skill)
) STRICT;

-- What-if scenarios: a copy of the baseline problem taken at creation, the changes (JSON,
-- rota_solver::coverage::ScenarioSpec) and the last coverage report of a run.
CREATE TABLE scenarios (
    name         TEXT PRIMARY KEY,
    description  TEXT NOT NULL DEFAULT '',
    base_json    TEXT NOT NULL,
    spec_json    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    result_json  TEXT,
    result_weeks INTEGER,
    run_at       TEXT
) STRICT;
"#;

/// A stored scenario.
#[derive(Clone, Debug)]
pub struct StoredScenario {
    pub name: String,
    pub description: String,
    pub base: Problem,
    pub spec: ScenarioSpec,
    pub created_at: String,
    pub updated_at: String,
    /// The last run's report (JSON, `rota-coverage/1`) and its number of weeks.
    pub result: Option<(u32, String)>,
    pub run_at: Option<String>,
}

/// Columns of a history CSV, in order.
pub const HISTORY_COLUMNS: [&str; 5] = ["date", "region", "skill", "visits", "hours"];
/// Most hours on site one (date, region, skill) row may hold (4,000 technicians × 24 h).
pub const MAX_HISTORY_HOURS: f64 = 96_000.0;
/// Most visits one (date, region, skill) row may hold.
pub const MAX_HISTORY_VISITS: u32 = 100_000;

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parses a history CSV. Every bad row is reported by line and column; region and skill ids must
/// be in `regions` and `skills` (when given). A (date, region, skill) twice in one file is an error.
pub fn parse_history_csv(
    path: &Path,
    text: &str,
    regions: Option<&BTreeSet<String>>,
    skills: Option<&BTreeSet<String>>,
) -> Result<Vec<HistoryRow>, Diagnostics> {
    let file = path.display().to_string();
    let mut diags = Diagnostics::default();
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => {
            diags.push(format!("{file} line 1"), "", format!("cannot read the header: {e}"));
            return Err(diags);
        }
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    crate::csv_import::duplicate_columns(&csv::StringRecord::from(headers.clone()), &file, &mut diags);
    for c in HISTORY_COLUMNS {
        if col(c).is_none() {
            diags.push(format!("{file} line 1"), c, "missing column (required; see docs/csv.md)");
        }
    }
    for h in &headers {
        if !HISTORY_COLUMNS.contains(&h.as_str()) {
            diags.push(format!("{file} line 1"), h.as_str(), "unknown column (see docs/csv.md)");
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let idx: Vec<usize> = HISTORY_COLUMNS.iter().filter_map(|c| col(c)).collect();
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    for result in reader.records() {
        let Some((rec, line)) = crate::csv_import::next_record(result, &file, &mut diags) else {
            continue;
        };
        let label = format!("{file} line {line}");
        let get = |i: usize| rec.get(idx[i]).unwrap_or("");
        let before = diags.len();
        let date = chrono::NaiveDate::parse_from_str(get(0), "%Y-%m-%d");
        if date.is_err() {
            diags.push(&label, "date", format!("expected a date YYYY-MM-DD, got {:?}", get(0)));
        }
        let region = get(1).to_string();
        if region.is_empty() {
            diags.push(&label, "region", "must not be empty");
        } else if regions.is_some_and(|r| !r.contains(&region)) {
            diags.push(&label, "region", format!("unknown region {region:?}"));
        }
        let skill = get(2).to_string();
        if skill.is_empty() {
            diags.push(&label, "skill", "must not be empty");
        } else if skills.is_some_and(|s| !s.contains(&skill)) {
            diags.push(&label, "skill", format!("unknown skill {skill:?}"));
        }
        let visits =
            get(3).parse::<u32>().map_err(|_| ()).and_then(|v| if v <= MAX_HISTORY_VISITS { Ok(v) } else { Err(()) });
        if visits.is_err() {
            diags.push(&label, "visits", format!("expected a whole number 0–{MAX_HISTORY_VISITS}, got {:?}", get(3)));
        }
        let hours = get(4).parse::<f64>().ok().filter(|h| h.is_finite() && (0.0..=MAX_HISTORY_HOURS).contains(h));
        if hours.is_none() {
            diags.push(&label, "hours", format!("expected a number of hours 0–{MAX_HISTORY_HOURS}, got {:?}", get(4)));
        }
        if diags.len() > before {
            continue;
        }
        let (Ok(date), Ok(visits), Some(hours)) = (date, visits, hours) else {
            continue;
        };
        if !seen.insert((date, region.clone(), skill.clone())) {
            diags.push(&label, "date", format!("{date} {region} {skill} appears twice in this file"));
            continue;
        }
        rows.push(HistoryRow { date, region, skill, visits, hours });
    }
    diags.into_result(rows)
}

impl Db {
    fn tx_plain<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> DbResult<T>) -> Result<T, StoreError> {
        let err = self.db_err();
        let tx = self.begin(super::Lock::Plain)?;
        let value = f(&tx).map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(value)
    }

    fn invalid(&self, record: &str, field: &str, message: String) -> StoreError {
        let mut d = Diagnostics::default();
        d.push(record, field, message);
        StoreError::Invalid { path: self.path.clone(), diagnostics: d }
    }

    /// Imports a visit-history CSV (`date,region,skill,visits,hours`): all rows or none. Regions
    /// and skills must exist in the master data; a row for a (date, region, skill) already
    /// stored replaces it. Returns the number of rows.
    pub fn import_history(&mut self, path: &Path, text: &str) -> Result<usize, StoreError> {
        let problem = self.problem()?.ok_or_else(|| StoreError::Empty { path: self.path.clone() })?;
        let regions: BTreeSet<String> = problem.regions.iter().map(|r| r.id.clone()).collect();
        let skills: BTreeSet<String> = problem.skills.iter().map(|s| s.id.clone()).collect();
        let rows = parse_history_csv(path, text, Some(&regions), Some(&skills))
            .map_err(|diagnostics| StoreError::Invalid { path: path.to_path_buf(), diagnostics })?;
        if rows.is_empty() {
            // A header and no rows: nothing changes, so no new revision either.
            return Ok(0);
        }
        // Like every import, one write transaction that bumps the revision (docs/store.md): the
        // coverage a running batch or the app read is no longer the stored one.
        let err = self.db_err();
        self.write(|tx| {
            for r in &rows {
                tx.execute(
                    "INSERT INTO visit_history (date, region, skill, visits, hours) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (date, region, skill) DO UPDATE SET visits = excluded.visits, hours = excluded.hours",
                    args![r.date.to_string(), r.region, r.skill, r.visits, r.hours],
                )
                .map_err(&err)?;
            }
            Ok(())
        })?;
        Ok(rows.len())
    }

    /// The whole visit history, by date, region and skill.
    pub fn history(&self) -> Result<Vec<HistoryRow>, StoreError> {
        let rows = self
            .sql()
            .query("SELECT date, region, skill, visits, hours FROM visit_history ORDER BY date, region, skill", args![])
            .and_then(|rows| {
                rows.iter()
                    .map(|r| Ok((r.get::<String>(0)?, r.get::<String>(1)?, r.get(2)?, r.get::<i64>(3)?, r.get(4)?)))
                    .collect::<DbResult<Vec<(String, String, String, i64, f64)>>>()
            })
            .map_err(self.db_err())?;
        rows.into_iter()
            .map(|(date, region, skill, visits, hours)| {
                let date = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| StoreError::Corrupt {
                    path: self.path.clone(),
                    message: format!("visit_history: bad date {date:?}"),
                })?;
                Ok(HistoryRow { date, region, skill, visits: u32::try_from(visits).unwrap_or(0), hours })
            })
            .collect()
    }

    /// Creates a scenario from a copy of `base` (the live master data, or another scenario's base).
    pub fn create_scenario(
        &mut self,
        name: &str,
        description: &str,
        base: &Problem,
        spec: &ScenarioSpec,
    ) -> Result<(), StoreError> {
        if name.trim().is_empty() || name == "baseline" {
            return Err(self.invalid(
                "scenario",
                "name",
                format!("{name:?} is reserved or empty; choose another name"),
            ));
        }
        if self.scenario_opt(name)?.is_some() {
            return Err(self.invalid(
                &format!("scenario {name:?}"),
                "name",
                "exists already (edit it, or delete it first)".into(),
            ));
        }
        let base_json = serde_json::to_string(base).map_err(|e| self.invalid("scenario", "base", e.to_string()))?;
        let spec_json = serde_json::to_string(spec).map_err(|e| self.invalid("scenario", "spec", e.to_string()))?;
        let at = now();
        self.tx_plain(|tx| {
            tx.execute(
                "INSERT INTO scenarios (name, description, base_json, spec_json, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                args![name, description, base_json, spec_json, at],
            )
        })?;
        Ok(())
    }

    fn scenario_opt(&self, name: &str) -> Result<Option<StoredScenario>, StoreError> {
        type Raw = (String, String, String, String, String, Option<String>, Option<i64>, Option<String>);
        let raw: Option<Raw> = self
            .sql()
            .query_opt(
                "SELECT description, base_json, spec_json, created_at, updated_at, result_json, result_weeks, run_at
                 FROM scenarios WHERE name = ?1",
                args![name],
            )
            .and_then(|r| {
                r.map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)))
                    .transpose()
            })
            .map_err(self.db_err())?;
        let Some((description, base, spec, created_at, updated_at, result, weeks, run_at)) = raw else {
            return Ok(None);
        };
        let corrupt = |what: &str, e: serde_json::Error| StoreError::Corrupt {
            path: self.path.clone(),
            message: format!("scenario {name:?}: {what}: {e}"),
        };
        Ok(Some(StoredScenario {
            name: name.to_string(),
            description,
            base: serde_json::from_str(&base).map_err(|e| corrupt("base", e))?,
            spec: serde_json::from_str(&spec).map_err(|e| corrupt("spec", e))?,
            created_at,
            updated_at,
            result: result.zip(weeks).map(|(r, w)| (u32::try_from(w).unwrap_or(0), r)),
            run_at,
        }))
    }

    /// One scenario; an unknown name is bad input naming the scenarios there are.
    pub fn scenario(&self, name: &str) -> Result<StoredScenario, StoreError> {
        match self.scenario_opt(name)? {
            Some(s) => Ok(s),
            None => {
                let names = self.scenario_names()?;
                let known = if names.is_empty() { "there are none yet".to_string() } else { names.join(", ") };
                Err(self.invalid(&format!("scenario {name:?}"), "", format!("no such scenario ({known})")))
            }
        }
    }

    pub fn scenario_names(&self) -> Result<Vec<String>, StoreError> {
        self.sql()
            .query("SELECT name FROM scenarios ORDER BY name", args![])
            .and_then(|rows| rows.iter().map(|r| r.get(0)).collect())
            .map_err(self.db_err())
    }

    /// Replaces a scenario's changes (and description, when given); its last result is dropped.
    pub fn update_scenario(
        &mut self,
        name: &str,
        spec: &ScenarioSpec,
        description: Option<&str>,
    ) -> Result<(), StoreError> {
        let current = self.scenario(name)?;
        let spec_json = serde_json::to_string(spec).map_err(|e| self.invalid("scenario", "spec", e.to_string()))?;
        let description = description.map_or(current.description, str::to_string);
        let at = now();
        self.tx_plain(|tx| {
            tx.execute(
                "UPDATE scenarios SET spec_json = ?2, description = ?3, updated_at = ?4,
                 result_json = NULL, result_weeks = NULL, run_at = NULL WHERE name = ?1",
                args![name, spec_json, description, at],
            )
        })?;
        Ok(())
    }

    /// Stores the report of a scenario run.
    pub fn save_scenario_result(&mut self, name: &str, weeks: u32, report_json: &str) -> Result<(), StoreError> {
        self.scenario(name)?;
        let at = now();
        self.tx_plain(|tx| {
            tx.execute(
                "UPDATE scenarios SET result_json = ?2, result_weeks = ?3, run_at = ?4 WHERE name = ?1",
                args![name, report_json, weeks, at],
            )
        })?;
        Ok(())
    }

    pub fn delete_scenario(&mut self, name: &str) -> Result<(), StoreError> {
        self.scenario(name)?;
        self.tx_plain(|tx| tx.execute("DELETE FROM scenarios WHERE name = ?1", args![name]))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_csv_errors_name_line_and_field() {
        let regions: BTreeSet<String> = ["north".to_string()].into();
        let skills: BTreeSet<String> = ["hvac".to_string()].into();
        let text = "date,region,skill,visits,hours\n2026-01-05,north,hvac,3,4.5\n2026-13-01,north,hvac,1,1\n\
                    2026-01-06,south,hvac,-1,x\n2026-01-05,north,hvac,2,2\n";
        let d = parse_history_csv(Path::new("h.csv"), text, Some(&regions), Some(&skills)).unwrap_err();
        let msg = d.to_string();
        assert!(msg.contains("h.csv line 3: date"), "{msg}");
        assert!(msg.contains("h.csv line 4: region: unknown region \"south\""), "{msg}");
        assert!(msg.contains("h.csv line 4: visits"), "{msg}");
        assert!(msg.contains("h.csv line 4: hours"), "{msg}");
        assert!(msg.contains("h.csv line 5: date") && msg.contains("twice"), "{msg}");
        let d = parse_history_csv(Path::new("h.csv"), "date,region,skill,hours\n", None, None).unwrap_err();
        assert!(d.to_string().contains("h.csv line 1: visits: missing column"), "{d}");
        let ok = parse_history_csv(
            Path::new("h.csv"),
            "date,region,skill,visits,hours\n2026-01-05,north,hvac,3,4.5\n",
            Some(&regions),
            Some(&skills),
        )
        .unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].hours, 4.5);
    }
}

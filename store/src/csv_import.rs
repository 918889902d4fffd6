//! CSV imports of master data (`docs/csv.md`): skills, certifications, providers, technicians
//! and visits, as a spreadsheet or an ERP exports them. Each row is read on its own, so one bad
//! row never hides another; every bad row is reported with its line number and column. Rows
//! replace the record with the same id or add a new one; the result is validated as a whole
//! and written in one transaction — or nothing is.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use chrono::NaiveDate;
use rota_solver::diagnostics::Diagnostics;
use rota_solver::format::*;
use rota_solver::time::{ClockTime, LocalDateTime};

/// What a CSV file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvKind {
    Skills,
    Certifications,
    Providers,
    Technicians,
    Visits,
}

impl CsvKind {
    /// The problem section its rows go to (`visits`, …).
    pub fn section(self) -> &'static str {
        match self {
            CsvKind::Skills => "skills",
            CsvKind::Certifications => "certifications",
            CsvKind::Providers => "providers",
            CsvKind::Technicians => "technicians",
            CsvKind::Visits => "visits",
        }
    }

    pub fn parse(s: &str) -> Option<CsvKind> {
        Some(match s {
            "skills" => CsvKind::Skills,
            "certifications" => CsvKind::Certifications,
            "providers" => CsvKind::Providers,
            "technicians" => CsvKind::Technicians,
            "visits" => CsvKind::Visits,
            _ => return None,
        })
    }
    /// Required columns, then optional ones.
    pub fn columns(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            CsvKind::Skills | CsvKind::Certifications => (&["id", "name"], &[]),
            CsvKind::Providers => (
                &["id", "name", "certification_level", "certified_until", "regions"],
                &["min_share_pct", "max_share_pct", "rating"],
            ),
            CsvKind::Technicians => (
                &["id", "name", "start_site", "skills", "regions"],
                &[
                    "provider",
                    "end_site",
                    "certifications",
                    "secondary_regions",
                    "mon",
                    "tue",
                    "wed",
                    "thu",
                    "fri",
                    "sat",
                    "sun",
                    "absences",
                    "max_visits_per_day",
                    "capacity",
                    "cost_per_hour",
                    "cost_per_km",
                ],
            ),
            CsvKind::Visits => (
                &[
                    "id",
                    "customer",
                    "lat",
                    "lon",
                    "skill",
                    "min_level",
                    "duration_min",
                    "priority",
                    "segment",
                    "created_at",
                ],
                &[
                    "address",
                    "certifications",
                    "time_windows",
                    "complexity",
                    "sla_on_site_by",
                    "preferred_technician",
                    "excluded_technicians",
                    "parts_volume",
                    "status",
                    "pin_technician",
                    "pin_day",
                    "pin_start",
                    "current_technician",
                    "current_start",
                    "current_communicated",
                ],
            ),
        }
    }
}

/// One row: the columns by name, and where to report mistakes.
struct Row<'a> {
    cols: &'a HashMap<String, usize>,
    rec: &'a csv::StringRecord,
    label: String,
    diags: &'a mut Diagnostics,
}

impl Row<'_> {
    fn raw(&self, col: &str) -> &str {
        self.cols.get(col).and_then(|&i| self.rec.get(i)).map(str::trim).unwrap_or("")
    }
    fn bad(&mut self, col: &str, message: String) {
        self.diags.push(self.label.clone(), col, message);
    }
    fn required(&mut self, col: &str) -> String {
        let s = self.raw(col).to_string();
        if s.is_empty() {
            self.bad(col, "required, but empty".into());
        }
        s
    }
    fn opt(&self, col: &str) -> Option<String> {
        Some(self.raw(col).to_string()).filter(|s| !s.is_empty())
    }
    fn parsed<T>(&mut self, col: &str, default: Option<T>, what: &str, f: impl Fn(&str) -> Option<T>) -> Option<T> {
        let s = self.raw(col).to_string();
        if s.is_empty() {
            if default.is_none() {
                self.bad(col, "required, but empty".into());
            }
            return default;
        }
        let v = f(&s);
        if v.is_none() {
            self.bad(col, format!("expected {what}, got {s:?}"));
        }
        v
    }
    fn num<T: FromStr>(&mut self, col: &str, default: Option<T>) -> Option<T> {
        self.parsed(col, default, "a number", |s| s.parse().ok())
    }
    fn date(&mut self, col: &str) -> Option<NaiveDate> {
        self.parsed(col, None, "a date like 2026-12-07", |s| NaiveDate::from_str(s).ok())
    }
    fn opt_date(&mut self, col: &str) -> Option<NaiveDate> {
        self.opt(col).and_then(|_| self.date(col))
    }
    fn moment(&mut self, col: &str) -> Option<LocalDateTime> {
        self.parsed(col, None, "a local date and time like 2026-12-07T08:00", |s| LocalDateTime::parse(s).ok())
    }
    fn opt_moment(&mut self, col: &str) -> Option<LocalDateTime> {
        self.opt(col).and_then(|_| self.moment(col))
    }
    fn list(&self, col: &str) -> Vec<String> {
        self.raw(col).split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
    }
    fn enumerated<T: serde::de::DeserializeOwned>(
        &mut self,
        col: &str,
        default: Option<T>,
        allowed: &str,
    ) -> Option<T> {
        self.parsed(col, default, allowed, |s| serde_json::from_value(serde_json::Value::String(s.to_string())).ok())
    }
}

fn shift(text: &str) -> Option<Shift> {
    // "08:00-16:30" or "08:00-16:30 break 11:30-13:30 30"
    let mut parts = text.split_whitespace();
    let (s, e) = parts.next()?.split_once('-')?;
    let mut shift = Shift { start: ClockTime::parse(s).ok()?, end: ClockTime::parse(e).ok()?, break_: None };
    match parts.next() {
        None => Some(shift),
        Some("break") => {
            let (bs, be) = parts.next()?.split_once('-')?;
            let minutes = parts.next()?.parse().ok()?;
            shift.break_ =
                Some(Break { earliest: ClockTime::parse(bs).ok()?, latest: ClockTime::parse(be).ok()?, minutes });
            parts.next().is_none().then_some(shift)
        }
        Some(_) => None,
    }
}

/// Reads a CSV file of `kind` and applies its rows to `problem` (replace by id or append).
/// Every bad row is reported (line number and column); the caller validates the result.
pub fn apply_csv(problem: &mut Problem, kind: CsvKind, path: &Path, text: &str) -> (Diagnostics, HashMap<String, u64>) {
    let mut diags = Diagnostics::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let file = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.push(format!("{file} line 1"), "", format!("cannot read the header: {e}"));
            return (diags, seen);
        }
    };
    let cols: HashMap<String, usize> = headers.iter().enumerate().map(|(i, h)| (h.trim().to_string(), i)).collect();
    duplicate_columns(&headers, &file, &mut diags);
    let (required, optional) = kind.columns();
    for c in required {
        if !cols.contains_key(*c) {
            diags.push(format!("{file} line 1"), *c, "missing column (required)");
        }
    }
    for h in headers.iter() {
        if !required.contains(&h.trim()) && !optional.contains(&h.trim()) {
            diags.push(format!("{file} line 1"), h.trim(), "unknown column (see docs/csv.md)");
        }
    }
    if !diags.is_empty() {
        return (diags, seen);
    }
    for result in reader.records() {
        let Some((rec, line)) = next_record(result, &file, &mut diags) else {
            continue;
        };
        let id = cols.get("id").and_then(|&i| rec.get(i)).unwrap_or("").trim().to_string();
        let label = if id.is_empty() { format!("{file} line {line}") } else { format!("{file} line {line} {id:?}") };
        let before = diags.len();
        let mut row = Row { cols: &cols, rec: &rec, label, diags: &mut diags };
        if id.is_empty() {
            row.bad("id", "required, but empty".into());
        } else if let Some(first) = seen.insert(id.clone(), line) {
            row.bad("id", format!("duplicate id (first on line {first})"));
        }
        match kind {
            CsvKind::Skills => {
                let s = Skill { id: id.clone(), name: row.required("name") };
                if row.diags.len() == before {
                    upsert(&mut problem.skills, s, |x| &x.id);
                }
            }
            CsvKind::Certifications => {
                let c = Certification { id: id.clone(), name: row.required("name") };
                if row.diags.len() == before {
                    upsert(&mut problem.certifications, c, |x| &x.id);
                }
            }
            CsvKind::Providers => {
                let name = row.required("name");
                let level = row.num::<u8>("certification_level", None);
                let until = row.date("certified_until");
                let regions = row.list("regions");
                let min_pct = row.num::<f64>("min_share_pct", Some(0.0));
                let max_pct = row.num::<f64>("max_share_pct", Some(100.0));
                let rating = match row.opt("rating") {
                    Some(_) => row.num::<f64>("rating", None),
                    None => None,
                };
                if let (Some(certification_level), Some(certified_until), Some(min_pct), Some(max_pct), true) =
                    (level, until, min_pct, max_pct, row.diags.len() == before)
                {
                    let p = Provider {
                        id: id.clone(),
                        name,
                        certification_level,
                        certified_until,
                        regions,
                        share: ShareAgreement { min_pct, max_pct },
                        rating,
                    };
                    upsert(&mut problem.providers, p, |x| &x.id);
                }
            }
            CsvKind::Technicians => {
                let name = row.required("name");
                let start_site = row.required("start_site");
                let mut skills = Vec::new();
                for item in row.list("skills") {
                    match item.split_once(':').and_then(|(s, l)| Some((s.trim(), l.trim().parse::<u8>().ok()?))) {
                        Some((skill, level)) => skills.push(SkillLevel { skill: skill.to_string(), level }),
                        None => row.bad("skills", format!("expected skill:level like \"hvac:2\", got {item:?}")),
                    }
                }
                let mut certifications = Vec::new();
                for item in row.list("certifications") {
                    match item.split_once(':').and_then(|(c, d)| Some((c.trim(), NaiveDate::from_str(d.trim()).ok()?)))
                    {
                        Some((c, valid_until)) => {
                            certifications.push(HeldCertification { certification: c.to_string(), valid_until })
                        }
                        None => row.bad(
                            "certifications",
                            format!("expected certification:valid-until like \"gas-safe:2027-03-31\", got {item:?}"),
                        ),
                    }
                }
                let mut shifts = WeekShifts::default();
                for (day, slot) in [
                    ("mon", &mut shifts.mon),
                    ("tue", &mut shifts.tue),
                    ("wed", &mut shifts.wed),
                    ("thu", &mut shifts.thu),
                    ("fri", &mut shifts.fri),
                    ("sat", &mut shifts.sat),
                    ("sun", &mut shifts.sun),
                ] {
                    if let Some(text) = row.opt(day) {
                        match shift(&text) {
                            Some(s) => *slot = Some(s),
                            None => row.bad(
                                day,
                                format!("expected a shift like \"08:00-16:30\" or \"08:00-16:30 break 11:30-13:30 30\", got {text:?}"),
                            ),
                        }
                    }
                }
                let mut absences = Vec::new();
                for item in row.list("absences") {
                    let (range, reason) = match item.split_once(':') {
                        Some((r, why)) => (r.trim(), Some(why.trim().to_string())),
                        None => (item.as_str(), None),
                    };
                    match range
                        .split_once("..")
                        .and_then(|(f, t)| Some((NaiveDate::from_str(f).ok()?, NaiveDate::from_str(t).ok()?)))
                    {
                        Some((from, to)) => absences.push(Absence { from, to, reason }),
                        None => row.bad(
                            "absences",
                            format!(
                                "expected from..to[:reason] like \"2026-12-08..2026-12-09:training\", got {item:?}"
                            ),
                        ),
                    }
                }
                let t = Technician {
                    id: id.clone(),
                    name,
                    provider: row.opt("provider"),
                    start_site,
                    end_site: row.opt("end_site"),
                    skills,
                    certifications,
                    regions: row.list("regions"),
                    secondary_regions: row.list("secondary_regions"),
                    shifts,
                    absences,
                    max_visits_per_day: row.num("max_visits_per_day", Some(default_max_visits_per_day())).unwrap_or(8),
                    capacity: row.num("capacity", Some(default_capacity())).unwrap_or(0.0),
                    cost_per_hour: row.num("cost_per_hour", Some(default_cost_per_hour())).unwrap_or(0.0),
                    cost_per_km: row.num("cost_per_km", Some(default_cost_per_km())).unwrap_or(0.0),
                };
                if row.diags.len() == before {
                    upsert(&mut problem.technicians, t, |x| &x.id);
                }
            }
            CsvKind::Visits => {
                let customer = row.required("customer");
                let lat = row.num::<f64>("lat", None);
                let lon = row.num::<f64>("lon", None);
                let skill = row.required("skill");
                let min_level = row.num::<u8>("min_level", None);
                let duration_min = row.num::<i64>("duration_min", None);
                let priority = row.enumerated::<Priority>("priority", None, "emergency, vip or standard");
                let segment = row.enumerated::<Segment>("segment", None, "new, growth, value or churn-risk");
                let created_at = row.moment("created_at");
                let mut time_windows = Vec::new();
                for item in row.list("time_windows") {
                    match item.split_once("..").and_then(|(s, e)| {
                        Some(TimeWindow {
                            start: LocalDateTime::parse(s.trim()).ok()?,
                            end: LocalDateTime::parse(e.trim()).ok()?,
                        })
                    }) {
                        Some(w) => time_windows.push(w),
                        None => row.bad(
                            "time_windows",
                            format!("expected start..end like \"2026-12-07T08:00..2026-12-07T12:00\", got {item:?}"),
                        ),
                    }
                }
                let complexity = row.num::<u8>("complexity", Some(default_complexity()));
                let sla = row.opt_moment("sla_on_site_by").map(|on_site_by| Sla { on_site_by });
                let parts_volume = row.num::<f64>("parts_volume", Some(0.0));
                let status = row.enumerated::<VisitStatus>(
                    "status",
                    Some(VisitStatus::Open),
                    "open, planned, dispatched, in_progress, done or cancelled",
                );
                let pin_day = row.opt_date("pin_day");
                let pin_start = row.opt_moment("pin_start");
                let pin_technician = row.opt("pin_technician");
                let pin = (pin_technician.is_some() || pin_day.is_some() || pin_start.is_some()).then_some(Pin {
                    technician: pin_technician,
                    day: pin_day,
                    start: pin_start,
                });
                let current_start = row.opt_moment("current_start");
                let communicated = match row.raw("current_communicated").to_ascii_lowercase().as_str() {
                    "" | "false" | "no" | "0" => false,
                    "true" | "yes" | "1" => true,
                    other => {
                        let other = other.to_string();
                        row.bad("current_communicated", format!("expected yes or no, got {other:?}"));
                        false
                    }
                };
                let current = match (row.opt("current_technician"), current_start) {
                    (Some(technician), Some(start)) => Some(CurrentAssignment { technician, start, communicated }),
                    (None, None) => None,
                    _ => {
                        row.bad("current_start", "current_technician and current_start go together".into());
                        None
                    }
                };
                let address = row.opt("address");
                if let (
                    Some(lat),
                    Some(lon),
                    Some(min_level),
                    Some(duration_min),
                    Some(priority),
                    Some(segment),
                    Some(created_at),
                    Some(complexity),
                    Some(parts_volume),
                    Some(status),
                    true,
                ) = (
                    lat,
                    lon,
                    min_level,
                    duration_min,
                    priority,
                    segment,
                    created_at,
                    complexity,
                    parts_volume,
                    status,
                    row.diags.len() == before,
                ) {
                    let v = Visit {
                        id: id.clone(),
                        customer,
                        address,
                        location: Location { lat, lon },
                        skill,
                        min_level,
                        certifications: row.list("certifications"),
                        duration_min,
                        time_windows,
                        priority,
                        segment,
                        complexity,
                        created_at,
                        sla,
                        preferred_technician: row.opt("preferred_technician"),
                        excluded_technicians: row.list("excluded_technicians"),
                        parts_volume,
                        status,
                        pin,
                        current,
                    };
                    upsert(&mut problem.visits, v, |x| &x.id);
                }
            }
        }
    }
    (diags, seen)
}

fn upsert<T>(list: &mut Vec<T>, item: T, id: impl Fn(&T) -> &String) {
    match list.iter().position(|x| id(x) == id(&item)) {
        Some(i) => list[i] = item,
        None => list.push(item),
    }
}

impl crate::db::Db {
    /// Imports a CSV file of master data: every bad row reported with its line and column,
    /// the whole result validated, written in one transaction — or nothing changes.
    pub fn import_csv(&mut self, path: &Path, kind: CsvKind, text: &str) -> Result<usize, crate::db::StoreError> {
        use crate::db::StoreError;
        let mut problem = self.problem()?.ok_or_else(|| StoreError::Empty { path: self.path().to_path_buf() })?;
        let (mut diags, lines) = apply_csv(&mut problem, kind, path, text);
        if diags.is_empty() && lines.is_empty() {
            // A file with a header and no rows changes nothing: no write, no new revision (which
            // would fail a running batch for no reason).
            return Ok(0);
        }
        if diags.is_empty()
            && let Err(found) = rota_solver::validate::compile(&problem)
        {
            // Name the CSV line of records that came from this file.
            let file = path.display().to_string();
            let prefix = format!("{}[", kind.section());
            for mut d in found.0 {
                if d.record.starts_with(&prefix)
                    && let Some(id) = d.record.split_once(' ').map(|(_, id)| id.trim_matches('"').to_string())
                    && let Some(line) = lines.get(&id)
                {
                    d.record = format!("{file} line {line} {id:?}");
                }
                diags.0.push(d);
            }
        }
        if !diags.is_empty() {
            return Err(StoreError::Invalid { path: path.to_path_buf(), diagnostics: diags });
        }
        let db_path = self.path().to_path_buf();
        self.write(|tx| {
            crate::db::master::write_problem(tx, &problem, None)
                .map_err(|source| StoreError::Database { path: db_path, source })
        })?;
        Ok(lines.len())
    }
}

/// Reports every column named twice in a header (`FILE line 1`, column): which of the two values
/// would count is anyone's guess, so the file is refused.
pub(crate) fn duplicate_columns(headers: &csv::StringRecord, file: &str, diags: &mut Diagnostics) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        if let Some(&j) = first.get(h) {
            diags.push(
                format!("{file} line 1"),
                h,
                format!("duplicate column (columns {} and {} have the same name)", j + 1, i + 1),
            );
        } else {
            first.insert(h, i);
        }
    }
}

/// One CSV record and its line, or `None` after reporting a malformed row as `FILE line N`
/// (the import goes on, so every bad row is named).
pub(crate) fn next_record(
    result: csv::Result<csv::StringRecord>,
    file: &str,
    diags: &mut Diagnostics,
) -> Option<(csv::StringRecord, u64)> {
    match result {
        Ok(rec) => {
            let line = rec.position().map_or(0, |p| p.line());
            Some((rec, line))
        }
        Err(e) => {
            let line = e.position().map_or(0, |p| p.line());
            diags.push(format!("{file} line {line}"), "", format!("malformed row: {e}"));
            None
        }
    }
}

//! Benchmark and interchange formats for the routing engine. Pure: parse from `&str`, write to
//! `String`. A malformed file gives a [`FormatError`] naming the line (or JSON path) and field;
//! no input makes a parser panic (a property test feeds them arbitrary text).

pub mod solomon;
pub mod vroom;
pub mod vrplib;

use std::fmt;

/// What was wrong, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// 1-based line number (0 when the error is about the whole file).
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl FormatError {
    pub fn new(line: usize, field: impl Into<String>, message: impl Into<String>) -> Self {
        FormatError { line, field: field.into(), message: message.into() }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}: {}", self.line, self.field, self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for FormatError {}

/// The instance formats the engine reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceFormat {
    Solomon,
    Vrplib,
    Vroom,
}

impl std::str::FromStr for InstanceFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "solomon" => Ok(Self::Solomon),
            "vrplib" => Ok(Self::Vrplib),
            "vroom" => Ok(Self::Vroom),
            _ => Err(format!("unknown instance format {s:?}")),
        }
    }
}

/// Guess a routing instance's format from its content; `None` if it looks like none of them.
pub fn detect(text: &str) -> Option<InstanceFormat> {
    let t = text.trim_start();
    if t.starts_with('{') {
        return Some(InstanceFormat::Vroom);
    }
    let upper = text.to_ascii_uppercase();
    if upper.contains("NODE_COORD_SECTION") || upper.contains("EDGE_WEIGHT_SECTION") || upper.contains("DIMENSION") {
        return Some(InstanceFormat::Vrplib);
    }
    if upper.contains("VEHICLE") && upper.contains("CUSTOMER") {
        return Some(InstanceFormat::Solomon);
    }
    None
}

/// Parse an instance in the given format.
pub fn parse(text: &str, format: InstanceFormat) -> Result<super::model::Problem, FormatError> {
    match format {
        InstanceFormat::Solomon => solomon::parse(text),
        InstanceFormat::Vrplib => vrplib::parse(text),
        InstanceFormat::Vroom => vroom::parse(text),
    }
}

/// Parse a number token, naming line and field on failure.
pub(crate) fn num(tok: &str, line: usize, field: &str) -> Result<f64, FormatError> {
    match tok.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(FormatError::new(line, field, format!("expected a number, got {tok:?}"))),
    }
}

/// Parse a non-negative integer token that fits comfortably in an `f64`.
pub(crate) fn count(tok: &str, line: usize, field: &str) -> Result<usize, FormatError> {
    let v = num(tok, line, field)?;
    if v < 0.0 || v.fract() != 0.0 || v > 1e9 {
        return Err(FormatError::new(line, field, format!("expected a non-negative integer, got {tok:?}")));
    }
    Ok(v as usize)
}

/// Solution in the VRPLIB format: `Route #k: c1 c2 …` (job ids), then `Cost X`.
pub fn write_vrplib_solution(problem: &super::model::Problem, sol: &super::model::Solution) -> String {
    let mut out = String::new();
    for (k, r) in sol.routes.iter().enumerate() {
        out.push_str(&format!("Route #{}:", k + 1));
        for &j in &r.jobs {
            out.push_str(&format!(" {}", problem.jobs[j].id));
        }
        out.push('\n');
    }
    out.push_str(&format!("Cost {:.2}\n", sol.distance));
    out
}

/// Read a VRPLIB solution (`Route #k: ids…`) back into routes of job indices, vehicles in order.
pub fn parse_vrplib_solution(
    problem: &super::model::Problem,
    text: &str,
) -> Result<super::model::Solution, FormatError> {
    use super::model::{RouteOut, Solution};
    let by_id: std::collections::BTreeMap<u64, usize> =
        problem.jobs.iter().enumerate().map(|(i, j)| (j.id, i)).collect();
    let mut routes = Vec::new();
    let mut seen = vec![false; problem.jobs.len()];
    for (ln, line) in text.lines().enumerate() {
        let line_no = ln + 1;
        let l = line.trim();
        if !l.to_ascii_lowercase().starts_with("route") {
            continue;
        }
        let Some((_, rest)) = l.split_once(':') else {
            return Err(FormatError::new(line_no, "route", "expected `Route #k: …`"));
        };
        let mut jobs = Vec::new();
        for tok in rest.split_whitespace() {
            let id = count(tok, line_no, "customer")? as u64;
            let Some(&j) = by_id.get(&id) else {
                return Err(FormatError::new(line_no, "customer", format!("no customer {id} in the instance")));
            };
            seen[j] = true;
            jobs.push(j);
        }
        if routes.len() >= problem.vehicles.len() {
            return Err(FormatError::new(line_no, "route", "more routes than vehicles"));
        }
        routes.push(RouteOut { vehicle: routes.len(), jobs, break_at: None });
    }
    let unassigned = (0..problem.jobs.len()).filter(|&j| !seen[j]).collect();
    Ok(Solution { routes, unassigned, distance: f64::NAN, cost: f64::NAN, iterations: 0 })
}

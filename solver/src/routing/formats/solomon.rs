//! Solomon / Gehring-Homberger VRPTW text: a name line, `VEHICLE` / `NUMBER CAPACITY` and their
//! values, `CUSTOMER`, a header, then rows `CUST XCOORD YCOORD DEMAND READY DUE SERVICE`; row 0 is
//! the depot and its due date ends every shift. Euclidean distances in double precision, travel
//! time = distance; the fleet size is an upper bound.

use super::{FormatError, count, num};
use crate::routing::model::{Job, Matrix, Problem, Vehicle, Window};

const FIELDS: [&str; 7] = ["CUST NO.", "XCOORD.", "YCOORD.", "DEMAND", "READY TIME", "DUE DATE", "SERVICE TIME"];

pub fn parse(text: &str) -> Result<Problem, FormatError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty());
    let Some((_, name)) = lines.next() else {
        return Err(FormatError::new(0, "name", "empty file"));
    };
    let name = name.to_string();
    let mut fleet = None;
    let mut rows: Vec<(usize, [f64; 7])> = Vec::new();
    let mut in_customers = false;
    let mut expect_fleet = false;
    for (ln, l) in lines {
        let upper = l.to_ascii_uppercase();
        if upper.starts_with("VEHICLE") {
            expect_fleet = true;
            continue;
        }
        if upper.starts_with("NUMBER") {
            continue;
        }
        if upper.starts_with("CUSTOMER") {
            in_customers = true;
            continue;
        }
        if upper.starts_with("CUST") {
            continue;
        }
        let toks: Vec<&str> = l.split_whitespace().collect();
        if expect_fleet && !in_customers && fleet.is_none() {
            if toks.len() != 2 {
                return Err(FormatError::new(ln, "NUMBER CAPACITY", format!("expected 2 numbers, got {}", toks.len())));
            }
            let number = count(toks[0], ln, "NUMBER")?;
            let capacity = count(toks[1], ln, "CAPACITY")?;
            fleet = Some((number, capacity));
            continue;
        }
        if !in_customers {
            return Err(FormatError::new(ln, "header", format!("unexpected line {l:?} before CUSTOMER")));
        }
        if toks.len() != 7 {
            return Err(FormatError::new(ln, "customer", format!("expected 7 columns, got {}", toks.len())));
        }
        let mut row = [0.0; 7];
        for (k, t) in toks.iter().enumerate() {
            row[k] = num(t, ln, FIELDS[k])?;
        }
        for k in [0, 3, 4, 5, 6] {
            if row[k] < 0.0 {
                return Err(FormatError::new(ln, FIELDS[k], "must not be negative"));
            }
        }
        if row[3].fract() != 0.0 || row[3] > 1e12 {
            return Err(FormatError::new(ln, "DEMAND", "expected an integer"));
        }
        if row[5] < row[4] {
            return Err(FormatError::new(ln, "DUE DATE", format!("due date {} before ready time {}", row[5], row[4])));
        }
        rows.push((ln, row));
    }
    let Some((number, capacity)) = fleet else {
        return Err(FormatError::new(0, "VEHICLE", "missing NUMBER and CAPACITY"));
    };
    if rows.is_empty() {
        return Err(FormatError::new(0, "CUSTOMER", "no depot row"));
    }
    if number == 0 {
        return Err(FormatError::new(0, "NUMBER", "fleet size must be positive"));
    }
    let mut ids = std::collections::BTreeSet::new();
    for (ln, r) in &rows {
        if r[0].fract() != 0.0 || !ids.insert(r[0] as u64) {
            return Err(FormatError::new(
                *ln,
                "CUST NO.",
                format!("duplicate or non-integer customer number {}", r[0]),
            ));
        }
    }
    let points: Vec<(f64, f64)> = rows.iter().map(|(_, r)| (r[1], r[2])).collect();
    let matrix = Matrix::euclidean(&points);
    let depot = rows[0].1;
    let shift = Window { start: depot[4], end: depot[5] };
    let jobs = rows[1..]
        .iter()
        .enumerate()
        .map(|(i, (_, r))| Job {
            id: r[0] as u64,
            location: i + 1,
            service: r[6],
            windows: vec![Window { start: r[4], end: r[5] }],
            demand: vec![r[3] as i64],
            skills: vec![],
            priority: 0,
        })
        .collect();
    let vehicles = (0..number.min(100_000))
        .map(|k| Vehicle {
            id: k as u64 + 1,
            start: 0,
            end: 0,
            shift,
            capacity: vec![capacity as i64],
            skills: vec![],
            max_jobs: usize::MAX,
            break_: None,
            costs: Default::default(),
        })
        .collect();
    Ok(Problem { name, matrix, jobs, vehicles, dimensions: 1 })
}

//! VRPLIB `.vrp` instances: CVRP and VRPTW.
//!
//! Specification lines `KEY : VALUE` (`NAME`, `TYPE`, `DIMENSION`, `CAPACITY`, `VEHICLES`,
//! `EDGE_WEIGHT_TYPE`, `EDGE_WEIGHT_FORMAT`), then sections `NODE_COORD_SECTION`,
//! `DEMAND_SECTION`, `DEPOT_SECTION` (ends with `-1`), `TIME_WINDOW_SECTION`,
//! `SERVICE_TIME_SECTION`, `EDGE_WEIGHT_SECTION`, optionally `EOF`.
//!
//! Distances: `EUC_2D` rounds to the nearest integer (TSPLIB `nint`); `EXACT_2D`/`FLOAT_2D` keep
//! double precision; `EXPLICIT` reads `FULL_MATRIX`, `LOWER_ROW`, `UPPER_ROW`, `LOWER_DIAG_ROW`
//! or `UPPER_DIAG_ROW`. Travel time = distance. The depot is the first `DEPOT_SECTION` node; a
//! job's id is its node number minus one (the CVRPLIB solution convention: depot 1 → 0). Without
//! `VEHICLES` the fleet is one vehicle per job.

use std::collections::BTreeMap;

use super::{FormatError, count, num};
use crate::routing::model::{Job, Matrix, Problem, Vehicle, Window, euclid};

pub fn parse(text: &str) -> Result<Problem, FormatError> {
    let mut spec: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut sections: BTreeMap<String, Vec<(usize, Vec<&str>)>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let ln = i + 1;
        let l = raw.trim();
        if l.is_empty() {
            continue;
        }
        let upper = l.to_ascii_uppercase();
        if upper == "EOF" {
            break;
        }
        let first = upper.split_whitespace().next().unwrap_or("");
        if first.ends_with("_SECTION") {
            let name = first.trim_end_matches(':').to_string();
            sections.entry(name.clone()).or_default();
            current = Some(name);
            continue;
        }
        let looks_numeric = l.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.');
        if let (Some(sec), true) = (&current, looks_numeric) {
            sections.entry(sec.clone()).or_default().push((ln, l.split_whitespace().collect()));
            continue;
        }
        let Some((k, v)) = l.split_once(':') else {
            return Err(FormatError::new(ln, "specification", format!("expected `KEY : VALUE`, got {l:?}")));
        };
        current = None;
        spec.insert(k.trim().to_ascii_uppercase(), (ln, v.trim().to_string()));
    }
    let get = |k: &str| spec.get(k).map(|(ln, v)| (*ln, v.as_str()));
    let name = get("NAME").map(|(_, v)| v.to_string()).unwrap_or_default();
    let Some((dln, dim)) = get("DIMENSION") else {
        return Err(FormatError::new(0, "DIMENSION", "missing"));
    };
    let n = count(dim, dln, "DIMENSION")?;
    if !(1..=100_000).contains(&n) {
        return Err(FormatError::new(dln, "DIMENSION", "must be between 1 and 100000"));
    }
    let capacity = match get("CAPACITY") {
        Some((ln, v)) => count(v, ln, "CAPACITY")? as i64,
        None => i64::MAX / 4,
    };
    let ewt = get("EDGE_WEIGHT_TYPE").map(|(_, v)| v.to_ascii_uppercase()).unwrap_or_else(|| "EUC_2D".into());

    // Per-node table of a section: node id (1-based) → values.
    let table = |sec: &str, width: usize| -> Result<Option<Vec<Vec<f64>>>, FormatError> {
        let Some(rows) = sections.get(sec) else { return Ok(None) };
        let mut out: Vec<Option<Vec<f64>>> = vec![None; n];
        for (ln, toks) in rows {
            if toks.len() != width + 1 {
                return Err(FormatError::new(*ln, sec, format!("expected {} columns, got {}", width + 1, toks.len())));
            }
            let id = count(toks[0], *ln, sec)?;
            if !(1..=n).contains(&id) {
                return Err(FormatError::new(*ln, sec, format!("node {id} outside 1..={n}")));
            }
            let vals = toks[1..].iter().map(|t| num(t, *ln, sec)).collect::<Result<Vec<_>, _>>()?;
            if out[id - 1].replace(vals).is_some() {
                return Err(FormatError::new(*ln, sec, format!("node {id} given twice")));
            }
        }
        out.into_iter()
            .enumerate()
            .map(|(i, v)| v.ok_or_else(|| FormatError::new(0, sec, format!("node {} missing", i + 1))))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    };

    let matrix = match ewt.as_str() {
        "EUC_2D" | "EXACT_2D" | "FLOAT_2D" => {
            let Some(coords) = table("NODE_COORD_SECTION", 2)? else {
                return Err(FormatError::new(0, "NODE_COORD_SECTION", "missing"));
            };
            let pts: Vec<(f64, f64)> = coords.iter().map(|c| (c[0], c[1])).collect();
            let mut d = vec![0.0; n * n];
            for i in 0..n {
                for j in 0..n {
                    let e = euclid(pts[i], pts[j]);
                    d[i * n + j] = if ewt == "EUC_2D" { (e + 0.5).floor() } else { e };
                }
            }
            Matrix::new(n, d, None)
        }
        "EXPLICIT" => {
            let fmt = get("EDGE_WEIGHT_FORMAT").map(|(_, v)| v.to_ascii_uppercase()).unwrap_or_default();
            let Some(rows) = sections.get("EDGE_WEIGHT_SECTION") else {
                return Err(FormatError::new(0, "EDGE_WEIGHT_SECTION", "missing"));
            };
            let mut vals = Vec::new();
            for (ln, toks) in rows {
                for t in toks {
                    vals.push((*ln, num(t, *ln, "EDGE_WEIGHT_SECTION")?));
                }
            }
            let cells: Vec<(usize, usize)> = match fmt.as_str() {
                "FULL_MATRIX" => (0..n).flat_map(|i| (0..n).map(move |j| (i, j))).collect(),
                "LOWER_ROW" => (0..n).flat_map(|i| (0..i).map(move |j| (i, j))).collect(),
                "LOWER_DIAG_ROW" => (0..n).flat_map(|i| (0..=i).map(move |j| (i, j))).collect(),
                "UPPER_ROW" => (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).collect(),
                "UPPER_DIAG_ROW" => (0..n).flat_map(|i| (i..n).map(move |j| (i, j))).collect(),
                other => {
                    return Err(FormatError::new(0, "EDGE_WEIGHT_FORMAT", format!("unsupported {other:?}")));
                }
            };
            if vals.len() != cells.len() {
                return Err(FormatError::new(
                    vals.last().map(|v| v.0).unwrap_or(0),
                    "EDGE_WEIGHT_SECTION",
                    format!("expected {} numbers for {fmt}, got {}", cells.len(), vals.len()),
                ));
            }
            let mut d = vec![0.0; n * n];
            for ((i, j), (_, v)) in cells.into_iter().zip(vals) {
                d[i * n + j] = v;
                if fmt != "FULL_MATRIX" {
                    d[j * n + i] = v;
                }
            }
            Matrix::new(n, d, None)
        }
        other => return Err(FormatError::new(0, "EDGE_WEIGHT_TYPE", format!("unsupported {other:?}"))),
    };

    let demand = table("DEMAND_SECTION", 1)?.unwrap_or_else(|| vec![vec![0.0]; n]);
    let tws = table("TIME_WINDOW_SECTION", 2)?;
    let service = table("SERVICE_TIME_SECTION", 1)?;
    let depot = match sections.get("DEPOT_SECTION") {
        Some(rows) => {
            let (ln, toks) = rows.first().ok_or_else(|| FormatError::new(0, "DEPOT_SECTION", "empty"))?;
            let id = count(toks[0], *ln, "DEPOT_SECTION")?;
            if !(1..=n).contains(&id) {
                return Err(FormatError::new(*ln, "DEPOT_SECTION", format!("node {id} outside 1..={n}")));
            }
            id - 1
        }
        None => 0,
    };
    let window = |i: usize, field_ln: usize| -> Result<Window, FormatError> {
        match &tws {
            Some(t) => {
                let (a, b) = (t[i][0], t[i][1]);
                if b < a {
                    return Err(FormatError::new(
                        field_ln,
                        "TIME_WINDOW_SECTION",
                        format!("node {}: window ends before it starts", i + 1),
                    ));
                }
                Ok(Window { start: a, end: b })
            }
            None if i == depot => Ok(Window { start: 0.0, end: f64::INFINITY }),
            None => Ok(Window::ALWAYS),
        }
    };
    let mut jobs = Vec::with_capacity(n.saturating_sub(1));
    for i in (0..n).filter(|&i| i != depot) {
        let d = demand[i][0];
        if d < 0.0 || d.fract() != 0.0 || d > 1e12 {
            return Err(FormatError::new(
                0,
                "DEMAND_SECTION",
                format!("node {}: expected a non-negative integer", i + 1),
            ));
        }
        let s = service.as_ref().map(|s| s[i][0]).unwrap_or(0.0);
        if s < 0.0 {
            return Err(FormatError::new(0, "SERVICE_TIME_SECTION", format!("node {}: negative", i + 1)));
        }
        jobs.push(Job {
            id: i as u64,
            location: i,
            service: s,
            windows: vec![window(i, 0)?],
            demand: vec![d as i64],
            skills: vec![],
            priority: 0,
        });
    }
    let fleet = match get("VEHICLES") {
        Some((ln, v)) => count(v, ln, "VEHICLES")?,
        None => jobs.len().max(1),
    };
    if !(1..=100_000).contains(&fleet) {
        return Err(FormatError::new(0, "VEHICLES", "must be between 1 and 100000"));
    }
    let shift = window(depot, 0)?;
    let vehicles = (0..fleet)
        .map(|k| Vehicle {
            id: k as u64 + 1,
            start: depot,
            end: depot,
            shift,
            capacity: vec![capacity],
            skills: vec![],
            max_jobs: usize::MAX,
            break_: None,
            costs: Default::default(),
        })
        .collect();
    Ok(Problem { name, matrix, jobs, vehicles, dimensions: 1 })
}

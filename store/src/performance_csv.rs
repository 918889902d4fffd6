//! The performance CSV (`docs/csv.md`): one completed provider visit per row. Every row is read
//! on its own so one bad row never hides another; any bad row means nothing is imported.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use rota_solver::diagnostics::Diagnostics;
use rota_solver::format::Problem;
use rota_solver::ratings::PerformanceRecord;

/// The columns, all required.
pub const COLUMNS: [&str; 8] =
    ["provider", "technician", "region", "skill", "on_time", "first_time_fix", "customer_score", "completed_on"];

/// Ids the rows may refer to (from the master data).
#[derive(Clone, Debug, Default)]
pub struct Known {
    pub providers: BTreeSet<String>,
    /// (technician, its provider or `None` for in-house staff)
    pub technicians: Vec<(String, Option<String>)>,
    pub regions: BTreeSet<String>,
    pub skills: BTreeSet<String>,
}

impl Known {
    pub fn of(p: &Problem) -> Known {
        Known {
            providers: p.providers.iter().map(|x| x.id.clone()).collect(),
            technicians: p.technicians.iter().map(|t| (t.id.clone(), t.provider.clone())).collect(),
            regions: p.regions.iter().map(|x| x.id.clone()).collect(),
            skills: p.skills.iter().map(|x| x.id.clone()).collect(),
        }
    }
}

fn flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" => Some(true),
        "0" | "false" | "no" | "n" => Some(false),
        _ => None,
    }
}

/// Parses the whole file; `Err` lists every bad row (`FILE line N`, column, message).
pub fn parse(path: &Path, text: &str, known: &Known) -> Result<Vec<PerformanceRecord>, Diagnostics> {
    let file = path.display().to_string();
    let mut diags = Diagnostics::default();
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.push(format!("{file} line 1"), "", format!("cannot read the header: {e}"));
            return Err(diags);
        }
    };
    let col: Vec<Option<usize>> = COLUMNS.iter().map(|c| headers.iter().position(|h| h == *c)).collect();
    crate::csv_import::duplicate_columns(&headers, &file, &mut diags);
    for (c, i) in COLUMNS.iter().zip(&col) {
        if i.is_none() {
            diags.push(format!("{file} line 1"), *c, "missing column (required)");
        }
    }
    for h in headers.iter().filter(|h| !COLUMNS.contains(h)) {
        diags.push(format!("{file} line 1"), h, "unknown column (see docs/csv.md)");
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut out = Vec::new();
    for row in reader.records() {
        let Some((rec, line)) = crate::csv_import::next_record(row, &file, &mut diags) else {
            continue;
        };
        let label = format!("{file} line {line}");
        let get = |i: usize| col[i].and_then(|c| rec.get(c)).unwrap_or("");
        let before = diags.len();
        let id = |i: usize, set: &dyn Fn(&str) -> bool, what: &str, diags: &mut Diagnostics| -> String {
            let v = get(i);
            if v.is_empty() {
                diags.push(&label, COLUMNS[i], "required");
            } else if !set(v) {
                diags.push(&label, COLUMNS[i], format!("unknown {what} {v:?}"));
            }
            v.to_string()
        };
        let provider = id(0, &|v| known.providers.contains(v), "provider", &mut diags);
        let technician = id(1, &|v| known.technicians.iter().any(|(t, _)| t == v), "technician", &mut diags);
        let region = id(2, &|v| known.regions.contains(v), "region", &mut diags);
        let skill = id(3, &|v| known.skills.contains(v), "skill", &mut diags);
        if let Some((_, employer)) = known.technicians.iter().find(|(t, _)| *t == technician)
            && known.providers.contains(&provider)
            && employer.as_deref() != Some(provider.as_str())
        {
            diags.push(
                &label,
                "technician",
                format!(
                    "technician {technician:?} works for {}, not provider {provider:?}",
                    employer.as_deref().map_or("in-house".to_string(), |e| format!("{e:?}"))
                ),
            );
        }
        let boolean = |i: usize, diags: &mut Diagnostics| {
            let v = flag(get(i));
            if v.is_none() {
                diags.push(&label, COLUMNS[i], format!("expected 1/0, true/false or yes/no, got {:?}", get(i)));
            }
            v.unwrap_or(false)
        };
        let on_time = boolean(4, &mut diags);
        let first_time_fix = boolean(5, &mut diags);
        let score = match get(6).parse::<u8>() {
            Ok(s @ 1..=5) => s,
            _ => {
                diags.push(&label, "customer_score", format!("expected a whole number 1–5, got {:?}", get(6)));
                1
            }
        };
        let completed = match get(7).parse::<NaiveDate>() {
            Ok(d) => d,
            Err(_) => {
                diags.push(&label, "completed_on", format!("expected a date YYYY-MM-DD, got {:?}", get(7)));
                NaiveDate::MIN
            }
        };
        if diags.len() == before {
            out.push(PerformanceRecord {
                provider,
                technician,
                region,
                skill,
                on_time,
                first_time_fix,
                score,
                completed,
            });
        }
    }
    if diags.is_empty() { Ok(out) } else { Err(diags) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        Known {
            providers: ["apex".to_string(), "bright".to_string()].into(),
            technicians: vec![("T1".into(), Some("apex".into())), ("T9".into(), None)],
            regions: ["east".to_string()].into(),
            skills: ["hvac".to_string()].into(),
        }
    }

    const HEADER: &str = "provider,technician,region,skill,on_time,first_time_fix,customer_score,completed_on\n";

    #[test]
    fn a_good_file_parses() {
        let text = format!("{HEADER}apex,T1,east,hvac,1,0,4,2026-10-01\napex,T1,east,hvac,yes,true,5,2026-10-02\n");
        let rows = parse(Path::new("p.csv"), &text, &known()).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].on_time && !rows[0].first_time_fix);
        assert_eq!(rows[1].score, 5);
        assert_eq!(rows[1].completed, "2026-10-02".parse::<NaiveDate>().unwrap());
    }

    #[test]
    fn every_bad_row_is_named_with_line_and_column() {
        let text = format!(
            "{HEADER}apex,T1,east,hvac,1,0,4,2026-10-01\nnobody,T1,east,hvac,1,0,4,2026-10-01\napex,T1,east,hvac,maybe,0,7,2026-13-01\nbright,T1,east,hvac,1,1,3,2026-10-01\napex,T9,east,hvac,1,1,3,2026-10-01\n"
        );
        let err = parse(Path::new("p.csv"), &text, &known()).unwrap_err().to_string();
        assert!(err.contains("p.csv line 3") && err.contains("unknown provider \"nobody\""), "{err}");
        assert!(err.contains("p.csv line 4") && err.contains("on_time"), "{err}");
        assert!(err.contains("customer_score") && err.contains("\"7\""), "{err}");
        assert!(err.contains("completed_on"), "{err}");
        assert!(err.contains("p.csv line 5") && err.contains("works for \"apex\", not provider \"bright\""), "{err}");
        assert!(err.contains("p.csv line 6") && err.contains("works for in-house"), "{err}");
        assert!(!err.contains("line 2"), "{err}");
    }

    #[test]
    fn a_duplicated_column_is_refused() {
        let text =
            format!("{}customer_score\napex,T1,east,hvac,1,0,4,2026-10-01,5\n", HEADER.trim_end().to_string() + ",");
        let err = parse(Path::new("p.csv"), &text, &known()).unwrap_err().to_string();
        assert!(err.contains("p.csv line 1: customer_score: duplicate column (columns 7 and 9"), "{err}");
    }

    #[test]
    fn missing_and_unknown_columns_are_reported() {
        let err = parse(Path::new("p.csv"), "provider,technician,colour\n", &known()).unwrap_err().to_string();
        assert!(err.contains("region") && err.contains("missing column"), "{err}");
        assert!(err.contains("colour") && err.contains("unknown column"), "{err}");
    }
}

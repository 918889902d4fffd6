use std::path::PathBuf;

use rota_service::coverage::{self as svc, CoverageFailure};
use rota_service::rota_solver::coverage::CoverageReport;

use crate::failure::{Failure, Outcome};

/// Coverage of each region × skill × week: demand (visits known plus a forecast from the visit
/// history) against capacity (calendars, absences, certifications, secondary regions, provider
/// shares), allocated by an LP; expected SLA attainment, unmet hours, the marginal value of one
/// more hour (LP duals) and recommendations checked by re-solving. See docs/coverage.md.
#[derive(clap::Args)]
pub struct Args {
    /// The SQLite database file.
    #[arg(long)]
    db: PathBuf,
    /// Number of weeks from the Monday of the planning horizon's first week (1–26).
    #[arg(long, default_value_t = 4)]
    weeks: u32,
    /// A stored scenario instead of the live data (`rota scenario list`); its report is saved with it.
    #[arg(long)]
    scenario: Option<String>,
    /// Print the full report as JSON (`rota-coverage/1`) instead of tables.
    #[arg(long)]
    json: bool,
    /// Instead of coverage: back-test the forecast, holding back the last WEEKS weeks of the
    /// stored history (mean absolute error and MAPE, next to a seasonal-naive baseline).
    #[arg(long, value_name = "WEEKS")]
    backtest: Option<u32>,
}

pub fn failure(e: CoverageFailure) -> Failure {
    match e {
        CoverageFailure::Store(s) => crate::cmd::init::store_failure(s),
        other => Failure { code: if other.is_bad_input() { 2 } else { 1 }, error: other.into() },
    }
}

pub fn run(Args { db, weeks, scenario, json, backtest }: Args) -> Outcome {
    if let Some(holdout) = backtest {
        let bt = svc::backtest(&db, holdout).map_err(failure)?;
        if json {
            println!("{}", serde_json::to_string_pretty(&bt).map_err(anyhow::Error::from)?);
        } else {
            println!(
                "Forecast back-test: fitted on {} weeks before {}, scored on the {} weeks from it, {} region × skill series",
                bt.fit_weeks, bt.cutoff, bt.holdout_weeks, bt.series
            );
            println!("  {:<34} {:>16} {:>16} {:>8}", "method", "daily MAE (h)", "weekly MAPE", "bias");
            for (name, e) in
                [("weekday profile + linear trend", &bt.method), ("seasonal naive (last 4 weeks)", &bt.seasonal_naive)]
            {
                println!(
                    "  {:<34} {:>16.2} {:>14.1} % {:>+6.1} %",
                    name, e.daily_mae_hours, e.weekly_mape_pct, e.bias_pct
                );
            }
        }
        return Ok(0);
    }
    let report = svc::coverage(&db, weeks, scenario.as_deref()).map_err(failure)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?);
    } else {
        print!("{}", render(&report));
    }
    Ok(0)
}

/// The report as tables a regional manager can read.
pub fn render(r: &CoverageReport) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let k = &r.kpis;
    let weeks = |w: &[u32]| match (w.first(), w.last()) {
        (Some(a), Some(b)) if a != b => format!("weeks {a}–{b}"),
        (Some(a), _) => format!("week {a}"),
        _ => String::new(),
    };
    let _ = writeln!(
        o,
        "Coverage — {}{}, {} week(s) from Mon {} ({})",
        r.name,
        r.scenario.as_ref().map(|s| format!(", scenario {s:?}")).unwrap_or_default(),
        r.weeks.len(),
        r.start,
        weeks(&r.weeks)
    );
    let p = &k.sla_attainment_by_priority_pct;
    let _ = writeln!(
        o,
        "  SLA attainment {:.1} % (emergency {:.1} %, vip {:.1} %, standard {:.1} %)",
        k.sla_attainment_pct, p.emergency, p.vip, p.standard
    );
    let _ = writeln!(
        o,
        "  Demand {:.0} h · allocated {:.0} h · unmet {:.0} h · secondary regions {:.0} h · providers {:.0} h",
        k.demand_hours, k.allocated_hours, k.unmet_hours, k.secondary_hours, k.provider_hours
    );
    let _ = writeln!(
        o,
        "  Forecast from {} history rows: {} region × skill series fitted on {} weeks{}",
        r.forecast.history_rows,
        r.forecast.series_fitted,
        r.forecast.fit_weeks,
        if r.forecast.history_rows == 0 { " (no history: demand is the known visits only)" } else { "" }
    );
    let _ = writeln!(o, "\n  SLA attainment % (unmet hours) by region × skill × week");
    let _ = write!(o, "  {:<10} {:<11}", "region", "skill");
    for w in &r.weeks {
        let _ = write!(o, " {:>13}", format!("w{w}"));
    }
    o.push('\n');
    let n = r.weeks.len().max(1);
    for chunk in r.cells.chunks(n) {
        if chunk.iter().all(|c| c.demand_hours < 0.05) {
            continue;
        }
        let _ = write!(o, "  {:<10} {:<11}", chunk[0].region, chunk[0].skill);
        for c in chunk {
            let text = if c.demand_hours < 0.05 {
                "—".to_string()
            } else if c.unmet_hours < 0.05 {
                format!("{:.0}", c.sla_attainment_pct)
            } else {
                format!("{:.0} ({:.0})", c.sla_attainment_pct, c.unmet_hours)
            };
            let _ = write!(o, " {text:>13}");
        }
        o.push('\n');
    }
    let mut valued: Vec<_> = r.cells.iter().filter(|c| c.marginal_value_per_hour > 1e-6).collect();
    valued.sort_by(|a, b| b.marginal_value_per_hour.total_cmp(&a.marginal_value_per_hour).then(a.week.cmp(&b.week)));
    if !valued.is_empty() {
        let _ = writeln!(o, "\n  Marginal value of one more hour (LP dual; top {})", valued.len().min(8));
        for c in valued.iter().take(8) {
            let _ = writeln!(
                o,
                "    {:<10} {:<11} w{:<3} {:>6.1}   (demand {:.0} h, capacity {:.0} h, unmet {:.0} h)",
                c.region, c.skill, c.week, c.marginal_value_per_hour, c.demand_hours, c.capacity_hours, c.unmet_hours
            );
        }
    }
    if !r.recommendations.is_empty() {
        let _ = writeln!(o, "\n  Recommendations (each checked by re-solving with the added technician)");
        for rec in &r.recommendations {
            let _ = writeln!(o, "    • {}", rec.text);
        }
    }
    o
}

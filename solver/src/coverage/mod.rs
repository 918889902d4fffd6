//! Coverage planning: for each region × skill × week, demand (planned and open visits plus a
//! forecast from the visit history) against capacity (technician calendars, absences,
//! certifications, secondary regions, provider agreements), allocated by an LP on HiGHS.
//!
//! * [`forecast`] — the documented forecast method and its back-test.
//! * [`model`] — demand, capacity and the coverage LP with its duals.
//! * [`scenario`] — what-if changes to a baseline and the side-by-side comparison.
//!
//! [`run`] gives a [`CoverageReport`]: per region × skill × week demand, capacity, allocated and
//! unmet hours, expected SLA attainment, the marginal value of one more hour (the LP dual), and
//! recommendations checked by re-solving with the added technician. See `docs/coverage.md`.

pub mod forecast;
pub mod model;
pub mod scenario;
#[cfg(test)]
mod tests;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

pub use forecast::HistoryRow;
pub use model::{CoverageModel, solve_lp};
pub use scenario::{DemandGrowth, ScenarioSpec};

use crate::format::problem::{Priority, Problem};

pub const COVERAGE_FORMAT: &str = "rota-coverage/1";
pub(crate) const PRIORITIES: [Priority; 3] = [Priority::Emergency, Priority::Vip, Priority::Standard];

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoverageError {
    #[error("{record}: {field}: unknown id {id:?}")]
    UnknownId { record: String, field: String, id: String },
    #[error("{record}: {field}: {message}")]
    Invalid { record: String, field: String, message: String },
    #[error("the coverage LP failed: {0}")]
    Solver(String),
}

/// Price of one unmet hour per priority (objective units; only their ratios matter).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriorityPrices {
    pub emergency: f64,
    pub vip: f64,
    pub standard: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoverageSettings {
    /// Number of weeks, from the Monday of the week of `start`.
    pub weeks: u32,
    /// First day (default: the problem's horizon start), moved back to its Monday.
    pub start: Option<NaiveDate>,
    /// Share of a shift (after the break) spent on site; the rest is travel and admin.
    pub productive_share: f64,
    /// Cost per hour a technician works in a secondary region (the travel penalty).
    pub secondary_penalty_per_hour: f64,
    pub unmet_price: PriorityPrices,
    /// Weeks of history the forecast is fitted on.
    pub fit_weeks: u32,
    /// How many recommendations to compute (each is one more LP solve).
    pub recommendations: usize,
}

impl Default for CoverageSettings {
    fn default() -> Self {
        Self {
            weeks: 4,
            start: None,
            productive_share: 0.75,
            secondary_penalty_per_hour: 5.0,
            unmet_price: PriorityPrices { emergency: 100.0, vip: 40.0, standard: 10.0 },
            fit_weeks: 26,
            recommendations: 3,
        }
    }
}

/// Hours per priority.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ByPriority {
    pub emergency: f64,
    pub vip: f64,
    pub standard: f64,
}

impl ByPriority {
    fn add(&mut self, h: &[f64; 3]) {
        self.emergency += h[0];
        self.vip += h[1];
        self.standard += h[2];
    }
    pub fn total(&self) -> f64 {
        self.emergency + self.vip + self.standard
    }
}

/// One region × skill × week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub region: String,
    pub skill: String,
    /// ISO week number.
    pub week: u32,
    pub week_start: NaiveDate,
    pub demand_hours: f64,
    /// Of the demand: hours of planned and open visits already known.
    pub known_hours: f64,
    /// Hours of every technician who may do this skill in this region that week (primary or
    /// secondary). A technician counts in every cell they could serve, so cells do not add up.
    pub capacity_hours: f64,
    /// Of which technicians with this region as a primary region.
    pub primary_capacity_hours: f64,
    pub allocated_hours: f64,
    /// Of the allocated hours: by technicians from a secondary region.
    pub secondary_hours: f64,
    /// Of the allocated hours: by provider technicians.
    pub provider_hours: f64,
    pub unmet_hours: f64,
    pub unmet_by_priority: ByPriority,
    /// Expected SLA attainment: allocated ÷ demand hours (100 without demand).
    pub sla_attainment_pct: f64,
    /// The LP dual: how much the objective falls with one more hour of this skill in this region
    /// in this week (usable on any day of the week, by any level and certification the work needs).
    pub marginal_value_per_hour: f64,
}

/// Totals of one region and week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegionWeek {
    pub region: String,
    pub week: u32,
    pub demand_hours: f64,
    pub allocated_hours: f64,
    pub unmet_hours: f64,
    pub sla_attainment_pct: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Kpis {
    pub demand_hours: f64,
    pub allocated_hours: f64,
    pub unmet_hours: f64,
    pub sla_attainment_pct: f64,
    /// Attainment per priority (allocated ÷ demand of that priority).
    pub sla_attainment_by_priority_pct: ByPriority,
    pub secondary_hours: f64,
    pub provider_hours: f64,
    /// The LP objective: priced unmet hours plus secondary-region penalties.
    pub objective: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub region: String,
    pub skill: String,
    pub level: u8,
    pub certifications: Vec<String>,
    pub from_week: u32,
    pub from_date: NaiveDate,
    /// Attainment of this region × skill over the weeks from `from_week`, before and after.
    pub attainment_before_pct: f64,
    pub attainment_after_pct: f64,
    pub overall_before_pct: f64,
    pub overall_after_pct: f64,
    pub unmet_hours_saved: f64,
    pub marginal_value_per_hour: f64,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForecastInfo {
    pub history_rows: usize,
    pub series_fitted: usize,
    pub fit_weeks: u32,
    pub ignored_keys: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoverageReport {
    pub format: String,
    pub name: String,
    /// Scenario name, or `None` for the baseline.
    pub scenario: Option<String>,
    pub start: NaiveDate,
    pub weeks: Vec<u32>,
    pub settings: CoverageSettings,
    pub kpis: Kpis,
    pub cells: Vec<Cell>,
    pub regions: Vec<RegionWeek>,
    pub recommendations: Vec<Recommendation>,
    pub forecast: ForecastInfo,
}

/// Builds the model, solves it and computes the recommendations.
pub fn run(
    problem: &Problem,
    history: &[HistoryRow],
    settings: &CoverageSettings,
    growth: &[DemandGrowth],
) -> Result<CoverageReport, CoverageError> {
    let m = CoverageModel::build(problem, history, settings, growth)?;
    let sol = solve_lp(&m)?;
    let mut report = report(&m, &sol);
    for (r, s, w, value) in candidates(&report, &m).into_iter().take(settings.recommendations) {
        report.recommendations.push(recommend(
            problem,
            history,
            settings,
            growth,
            &m,
            &sol,
            &report,
            (r, s, w),
            value,
        )?);
    }
    Ok(report)
}

fn pct(num: f64, den: f64) -> f64 {
    if den > 1e-9 { 100.0 * num / den } else { 100.0 }
}

/// The report of one solved model (no recommendations).
pub fn report(m: &CoverageModel, sol: &model::LpSolution) -> CoverageReport {
    let weeks = m.weeks();
    let iso: Vec<u32> = (0..weeks).map(|w| m.date(w * 7).iso_week().week()).collect();
    let mut cells = Vec::new();
    let mut kpis = Kpis { objective: sol.objective, ..Kpis::default() };
    let mut demand_p = ByPriority::default();
    let mut unmet_p = ByPriority::default();
    let mut regions = Vec::new();
    for r in 0..m.region_ids.len() {
        let mut rw: Vec<RegionWeek> = (0..weeks)
            .map(|w| RegionWeek {
                region: m.region_ids[r].clone(),
                week: iso[w],
                demand_hours: 0.0,
                allocated_hours: 0.0,
                unmet_hours: 0.0,
                sla_attainment_pct: 100.0,
            })
            .collect();
        for s in 0..m.skill_ids.len() {
            for w in 0..weeks {
                let mut c = Cell {
                    region: m.region_ids[r].clone(),
                    skill: m.skill_ids[s].clone(),
                    week: iso[w],
                    week_start: m.date(w * 7),
                    demand_hours: 0.0,
                    known_hours: 0.0,
                    capacity_hours: 0.0,
                    primary_capacity_hours: 0.0,
                    allocated_hours: 0.0,
                    secondary_hours: 0.0,
                    provider_hours: 0.0,
                    unmet_hours: 0.0,
                    unmet_by_priority: ByPriority::default(),
                    sla_attainment_pct: 100.0,
                    marginal_value_per_hour: sol.marginal.get(&(r, s, w)).copied().unwrap_or(0.0),
                };
                for d in w * 7..w * 7 + 7 {
                    c.capacity_hours += m.capacity(r, s, d, true);
                    c.primary_capacity_hours += m.capacity(r, s, d, false);
                    for k in (0..m.classes.len()).filter(|&k| m.classes[k].skill == s) {
                        let key = (r, k, d);
                        if let Some(h) = m.demand.get(&key) {
                            c.demand_hours += h.iter().sum::<f64>();
                            demand_p.add(h);
                        }
                        c.known_hours += m.known.get(&key).copied().unwrap_or(0.0);
                        c.allocated_hours += sol.allocated.get(&key).copied().unwrap_or(0.0);
                        c.secondary_hours += sol.secondary.get(&key).copied().unwrap_or(0.0);
                        c.provider_hours += sol.provider.get(&key).copied().unwrap_or(0.0);
                        if let Some(u) = sol.unmet.get(&key) {
                            c.unmet_by_priority.add(u);
                            unmet_p.add(u);
                        }
                    }
                }
                c.unmet_hours = c.unmet_by_priority.total();
                c.sla_attainment_pct = pct(c.allocated_hours, c.demand_hours);
                rw[w].demand_hours += c.demand_hours;
                rw[w].allocated_hours += c.allocated_hours;
                rw[w].unmet_hours += c.unmet_hours;
                kpis.demand_hours += c.demand_hours;
                kpis.allocated_hours += c.allocated_hours;
                kpis.unmet_hours += c.unmet_hours;
                kpis.secondary_hours += c.secondary_hours;
                kpis.provider_hours += c.provider_hours;
                cells.push(c);
            }
        }
        for x in &mut rw {
            x.sla_attainment_pct = pct(x.allocated_hours, x.demand_hours);
        }
        regions.extend(rw);
    }
    kpis.sla_attainment_pct = pct(kpis.allocated_hours, kpis.demand_hours);
    kpis.sla_attainment_by_priority_pct = ByPriority {
        emergency: pct(demand_p.emergency - unmet_p.emergency, demand_p.emergency),
        vip: pct(demand_p.vip - unmet_p.vip, demand_p.vip),
        standard: pct(demand_p.standard - unmet_p.standard, demand_p.standard),
    };
    CoverageReport {
        format: COVERAGE_FORMAT.into(),
        name: m.name.clone(),
        scenario: None,
        start: m.start,
        weeks: iso,
        settings: m.settings.clone(),
        kpis,
        cells,
        regions,
        recommendations: Vec::new(),
        forecast: ForecastInfo {
            history_rows: m.history_rows,
            series_fitted: m.series_fitted,
            fit_weeks: m.settings.fit_weeks,
            ignored_keys: m.ignored_history.clone(),
        },
    }
}

/// Region × skill pairs worth one more technician: the first week with a positive marginal value
/// and unmet demand, ranked by marginal value × unmet hours from that week on.
fn candidates(report: &CoverageReport, m: &CoverageModel) -> Vec<(usize, usize, usize, f64)> {
    let weeks = m.weeks();
    let mut out = Vec::new();
    for r in 0..m.region_ids.len() {
        for s in 0..m.skill_ids.len() {
            let cell = |w: usize| &report.cells[(r * m.skill_ids.len() + s) * weeks + w];
            let Some(w0) = (0..weeks).find(|&w| cell(w).marginal_value_per_hour > 1e-6 && cell(w).unmet_hours > 0.5)
            else {
                continue;
            };
            let value = cell(w0).marginal_value_per_hour;
            let unmet: f64 = (w0..weeks).map(|w| cell(w).unmet_hours).sum();
            out.push((r, s, w0, value, value * unmet));
        }
    }
    out.sort_by(|a, b| b.4.total_cmp(&a.4).then((a.0, a.1).cmp(&(b.0, b.1))));
    out.into_iter().map(|(r, s, w, v, _)| (r, s, w, v)).collect()
}

#[allow(clippy::too_many_arguments)]
fn recommend(
    problem: &Problem,
    history: &[HistoryRow],
    settings: &CoverageSettings,
    growth: &[DemandGrowth],
    m: &CoverageModel,
    sol: &model::LpSolution,
    before: &CoverageReport,
    (r, s, w): (usize, usize, usize),
    value: f64,
) -> Result<Recommendation, CoverageError> {
    // The new technician must be able to do every class of the skill with unmet demand there.
    let mut level = 1u8;
    let mut certs: Vec<usize> = Vec::new();
    for ((rr, k, d), u) in &sol.unmet {
        if *rr == r && m.classes[*k].skill == s && *d >= w * 7 && u.iter().sum::<f64>() > 1e-6 {
            level = level.max(m.classes[*k].level);
            certs.extend(m.classes[*k].certs.iter().copied());
        }
    }
    certs.sort_unstable();
    certs.dedup();
    let from = m.date(w * 7);
    let add = scenario::AddTechnicians {
        count: 1,
        region: m.region_ids[r].clone(),
        skill: m.skill_ids[s].clone(),
        level,
        certifications: certs.iter().map(|&c| m.cert_ids[c].clone()).collect(),
        secondary_regions: Vec::new(),
        from: Some(from),
        provider: None,
        shift: None,
        name: None,
    };
    let spec = ScenarioSpec { add_technicians: vec![add], ..ScenarioSpec::default() };
    let changed = scenario::apply(problem, &spec, m.start)?;
    let m2 = CoverageModel::build(&changed, history, settings, growth)?;
    let after = report(&m2, &solve_lp(&m2)?);
    let weeks = m.weeks();
    let sum = |rep: &CoverageReport| {
        let cells = &rep.cells[(r * m.skill_ids.len() + s) * weeks..(r * m.skill_ids.len() + s + 1) * weeks];
        let (a, d, u) = cells[w..]
            .iter()
            .fold((0.0, 0.0, 0.0), |acc, c| (acc.0 + c.allocated_hours, acc.1 + c.demand_hours, acc.2 + c.unmet_hours));
        (pct(a, d), u)
    };
    let (b, ub) = sum(before);
    let (a, ua) = sum(&after);
    let cert_text = if certs.is_empty() {
        String::new()
    } else {
        format!(" (with {})", certs.iter().map(|&c| m.cert_ids[c].as_str()).collect::<Vec<_>>().join(", "))
    };
    let text = format!(
        "one more {} L{} technician{} in {} from week {} raises SLA attainment of {} there from {:.0} % to {:.0} % \
         (all regions {:.1} % → {:.1} %, {:.1} unmet hours fewer; marginal value {:.1} per hour)",
        m.skill_ids[s],
        level,
        cert_text,
        m.region_names[r],
        before.weeks[w],
        m.skill_ids[s],
        b,
        a,
        before.kpis.sla_attainment_pct,
        after.kpis.sla_attainment_pct,
        ub - ua,
        value
    );
    Ok(Recommendation {
        region: m.region_ids[r].clone(),
        skill: m.skill_ids[s].clone(),
        level,
        certifications: certs.iter().map(|&c| m.cert_ids[c].clone()).collect(),
        from_week: before.weeks[w],
        from_date: from,
        attainment_before_pct: b,
        attainment_after_pct: a,
        overall_before_pct: before.kpis.sla_attainment_pct,
        overall_after_pct: after.kpis.sla_attainment_pct,
        unmet_hours_saved: ub - ua,
        marginal_value_per_hour: value,
        text,
    })
}

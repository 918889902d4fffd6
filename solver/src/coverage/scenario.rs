//! What-if scenarios: a list of changes applied to a copy of the baseline problem, and the
//! side-by-side comparison of coverage reports.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{CoverageError, CoverageReport};
use crate::format::problem::{Absence, HeldCertification, Problem, Shift, SkillLevel, Technician, WeekShifts};
use crate::time::ClockTime;

/// The changes of one scenario. Every list may be empty; an empty spec is the baseline.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_technicians: Vec<AddTechnicians>,
    /// Technician ids to remove.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_technicians: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shift_changes: Vec<ShiftChange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provider_shares: Vec<ProviderShare>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub demand_growth: Vec<DemandGrowth>,
}

/// `count` new technicians with one skill, primary in `region`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AddTechnicians {
    #[serde(default = "one")]
    pub count: u32,
    pub region: String,
    pub skill: String,
    #[serde(default = "two")]
    pub level: u8,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certifications: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_regions: Vec<String>,
    /// First working day (default: from the start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Shift on every weekday Monday–Friday (default: the shifts of a technician of the region
    /// with that skill, else 08:00–16:30 with a 30-minute break).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Shift>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

fn one() -> u32 {
    1
}
fn two() -> u8 {
    2
}

/// Sets (or clears) the shift of one weekday for the matching technicians.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ShiftChange {
    /// Technician ids; empty = every technician (narrowed by `region` and `skill`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub technicians: Vec<String>,
    /// Only technicians with this primary region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Only technicians holding this skill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    /// `mon` … `sun`.
    pub day: String,
    /// The new shift; `None` makes the day a day off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Shift>,
}

/// A provider's maximum share of a region's work; 0 drops the provider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(rename = "ScenarioProviderShare")]
pub struct ProviderShare {
    pub provider: String,
    pub max_pct: f64,
}

/// Demand growth in percent (negative shrinks), for one region, one skill, both, or all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DemandGrowth {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    pub pct: f64,
}

impl ScenarioSpec {
    /// Appends the changes of `other` (used by `scenario edit`).
    pub fn extend(&mut self, other: ScenarioSpec) {
        self.add_technicians.extend(other.add_technicians);
        self.remove_technicians.extend(other.remove_technicians);
        self.shift_changes.extend(other.shift_changes);
        self.provider_shares.extend(other.provider_shares);
        self.demand_growth.extend(other.demand_growth);
    }

    pub fn is_empty(&self) -> bool {
        *self == ScenarioSpec::default()
    }

    /// One line per change, for listings.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        for a in &self.add_technicians {
            out.push(format!(
                "add {} {} level-{} technician(s) in {}{}{}",
                a.count,
                a.skill,
                a.level,
                a.region,
                a.from.map(|d| format!(" from {d}")).unwrap_or_default(),
                a.provider.as_ref().map(|p| format!(" (provider {p})")).unwrap_or_default()
            ));
        }
        for t in &self.remove_technicians {
            out.push(format!("remove technician {t}"));
        }
        for c in &self.shift_changes {
            let who = if c.technicians.is_empty() {
                format!(
                    "all technicians{}{}",
                    c.region.as_ref().map(|r| format!(" of {r}")).unwrap_or_default(),
                    c.skill.as_ref().map(|s| format!(" with {s}")).unwrap_or_default()
                )
            } else {
                c.technicians.join(", ")
            };
            match &c.shift {
                Some(s) => out.push(format!("{who}: {} {}–{}", c.day, s.start, s.end)),
                None => out.push(format!("{who}: {} off", c.day)),
            }
        }
        for p in &self.provider_shares {
            out.push(format!("provider {} max share {} %", p.provider, p.max_pct));
        }
        for g in &self.demand_growth {
            out.push(format!(
                "demand {:+} % in {} for {}",
                g.pct,
                g.region.as_deref().unwrap_or("every region"),
                g.skill.as_deref().unwrap_or("every skill")
            ));
        }
        out
    }
}

fn err(record: String, field: &str, message: String) -> CoverageError {
    CoverageError::Invalid { record, field: field.into(), message }
}

fn weekday_index(day: &str) -> Option<u32> {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].iter().position(|d| *d == day).map(|i| i as u32)
}

fn set_shift(shifts: &mut WeekShifts, day: u32, shift: Option<Shift>) {
    let slot = match day {
        0 => &mut shifts.mon,
        1 => &mut shifts.tue,
        2 => &mut shifts.wed,
        3 => &mut shifts.thu,
        4 => &mut shifts.fri,
        5 => &mut shifts.sat,
        _ => &mut shifts.sun,
    };
    *slot = shift;
}

fn default_shift() -> Shift {
    let t = |s: &str| ClockTime::parse(s).unwrap_or_else(|_| unreachable!("constant clock time {s}"));
    Shift {
        start: t("08:00"),
        end: t("16:30"),
        break_: Some(crate::format::problem::Break { earliest: t("11:30"), latest: t("13:30"), minutes: 30 }),
    }
}

/// Applies a scenario to a copy of `baseline`. `start` is the first coverage day (added
/// technicians without `from` work from it). Demand growth is not applied here (it is a
/// model input: [`super::CoverageModel::build`]) but its ids are checked.
pub fn apply(baseline: &Problem, spec: &ScenarioSpec, start: NaiveDate) -> Result<Problem, CoverageError> {
    let mut p = baseline.clone();
    let has_region = |p: &Problem, id: &str| p.regions.iter().any(|r| r.id == id);
    let has_skill = |p: &Problem, id: &str| p.skills.iter().any(|s| s.id == id);
    for (i, id) in spec.remove_technicians.iter().enumerate() {
        let before = p.technicians.len();
        p.technicians.retain(|t| &t.id != id);
        if p.technicians.len() == before {
            return Err(err(format!("remove_technicians[{i}]"), "id", format!("no technician {id:?}")));
        }
    }
    for (i, c) in spec.shift_changes.iter().enumerate() {
        let record = format!("shift_changes[{i}]");
        let day = weekday_index(&c.day)
            .ok_or_else(|| err(record.clone(), "day", format!("expected mon … sun, got {:?}", c.day)))?;
        if let Some(s) = &c.shift {
            if s.end.secs() <= s.start.secs() {
                return Err(err(record, "shift", format!("ends at {} before it starts at {}", s.end, s.start)));
            }
        }
        for id in &c.technicians {
            if !p.technicians.iter().any(|t| &t.id == id) {
                return Err(err(record, "technicians", format!("no technician {id:?}")));
            }
        }
        if let Some(r) = c.region.as_deref().filter(|r| !has_region(&p, r)) {
            return Err(err(record, "region", format!("no region {r:?}")));
        }
        if let Some(s) = c.skill.as_deref().filter(|s| !has_skill(&p, s)) {
            return Err(err(record, "skill", format!("no skill {s:?}")));
        }
        for t in &mut p.technicians {
            let selected = (c.technicians.is_empty() || c.technicians.contains(&t.id))
                && c.region.as_ref().is_none_or(|r| t.regions.contains(r))
                && c.skill.as_ref().is_none_or(|s| t.skills.iter().any(|x| &x.skill == s));
            if selected {
                set_shift(&mut t.shifts, day, c.shift.clone());
            }
        }
    }
    for (i, s) in spec.provider_shares.iter().enumerate() {
        let record = format!("provider_shares[{i}]");
        if !(s.max_pct.is_finite() && (0.0..=100.0).contains(&s.max_pct)) {
            return Err(err(record, "max_pct", format!("must be 0 … 100, got {}", s.max_pct)));
        }
        let prov = p
            .providers
            .iter_mut()
            .find(|x| x.id == s.provider)
            .ok_or_else(|| err(record, "provider", format!("no provider {:?}", s.provider)))?;
        prov.share.max_pct = s.max_pct;
        prov.share.min_pct = prov.share.min_pct.min(s.max_pct);
    }
    for (i, g) in spec.demand_growth.iter().enumerate() {
        let record = format!("demand_growth[{i}]");
        if let Some(r) = g.region.as_deref().filter(|r| !has_region(&p, r)) {
            return Err(err(record, "region", format!("no region {r:?}")));
        }
        if let Some(s) = g.skill.as_deref().filter(|s| !has_skill(&p, s)) {
            return Err(err(record, "skill", format!("no skill {s:?}")));
        }
        if !(g.pct.is_finite() && g.pct >= -100.0) {
            return Err(err(record, "pct", format!("must be ≥ -100, got {}", g.pct)));
        }
    }
    let mut serial = 0;
    for (i, a) in spec.add_technicians.iter().enumerate() {
        let record = format!("add_technicians[{i}]");
        if !has_region(&p, &a.region) {
            return Err(err(record, "region", format!("no region {:?}", a.region)));
        }
        if !has_skill(&p, &a.skill) {
            return Err(err(record, "skill", format!("no skill {:?}", a.skill)));
        }
        if !(1..=3).contains(&a.level) {
            return Err(err(record, "level", format!("must be 1 … 3, got {}", a.level)));
        }
        for c in &a.certifications {
            if !p.certifications.iter().any(|x| &x.id == c) {
                return Err(err(record, "certifications", format!("no certification {c:?}")));
            }
        }
        for r in &a.secondary_regions {
            if !has_region(&p, r) {
                return Err(err(record, "secondary_regions", format!("no region {r:?}")));
            }
        }
        if let Some(pr) = a.provider.as_deref().filter(|pr| !p.providers.iter().any(|x| x.id == *pr)) {
            return Err(err(record, "provider", format!("no provider {pr:?}")));
        }
        if a.count > 1000 {
            return Err(err(record, "count", format!("at most 1000, got {}", a.count)));
        }
        let template = p
            .technicians
            .iter()
            .find(|t| t.regions.contains(&a.region) && t.skills.iter().any(|s| s.skill == a.skill))
            .or_else(|| p.technicians.iter().find(|t| t.regions.contains(&a.region)))
            .cloned();
        let shifts = match &a.shift {
            Some(s) => {
                if s.end.secs() <= s.start.secs() {
                    return Err(err(record, "shift", format!("ends at {} before it starts at {}", s.end, s.start)));
                }
                WeekShifts {
                    mon: Some(s.clone()),
                    tue: Some(s.clone()),
                    wed: Some(s.clone()),
                    thu: Some(s.clone()),
                    fri: Some(s.clone()),
                    sat: None,
                    sun: None,
                }
            }
            None => template.as_ref().map(|t| t.shifts.clone()).unwrap_or_else(|| {
                let s = default_shift();
                WeekShifts {
                    mon: Some(s.clone()),
                    tue: Some(s.clone()),
                    wed: Some(s.clone()),
                    thu: Some(s.clone()),
                    fri: Some(s),
                    sat: None,
                    sun: None,
                }
            }),
        };
        let site = template
            .as_ref()
            .map(|t| t.start_site.clone())
            .or_else(|| p.sites.first().map(|s| s.id.clone()))
            .unwrap_or_default();
        let from = a.from.unwrap_or(start);
        let far = from + Duration::days(3650);
        for _ in 0..a.count {
            serial += 1;
            let mut id = format!("NEW-{}-{}-{serial}", a.region, a.skill);
            while p.technicians.iter().any(|t| t.id == id) {
                serial += 1;
                id = format!("NEW-{}-{}-{serial}", a.region, a.skill);
            }
            p.technicians.push(Technician {
                name: a.name.clone().unwrap_or_else(|| format!("New {} technician {serial}", a.skill)),
                id,
                provider: a.provider.clone(),
                start_site: site.clone(),
                end_site: None,
                skills: vec![SkillLevel { skill: a.skill.clone(), level: a.level }],
                certifications: a
                    .certifications
                    .iter()
                    .map(|c| HeldCertification { certification: c.clone(), valid_until: far })
                    .collect(),
                regions: vec![a.region.clone()],
                secondary_regions: a.secondary_regions.iter().filter(|r| **r != a.region).cloned().collect(),
                shifts: shifts.clone(),
                absences: if from > start {
                    vec![Absence {
                        from: start - Duration::days(3650),
                        to: from - Duration::days(1),
                        reason: Some("not yet hired".into()),
                    }]
                } else {
                    Vec::new()
                },
                max_visits_per_day: template.as_ref().map_or(8, |t| t.max_visits_per_day),
                capacity: template.as_ref().map_or(100.0, |t| t.capacity),
                cost_per_hour: template.as_ref().map_or(45.0, |t| t.cost_per_hour),
                cost_per_km: template.as_ref().map_or(0.35, |t| t.cost_per_km),
            });
        }
    }
    Ok(p)
}

/// One KPI across the compared reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "ComparedKpi")]
pub struct KpiRow {
    /// A code: `sla_attainment_pct`, `sla_emergency_pct`, `sla_vip_pct`, `sla_standard_pct`,
    /// `demand_hours`, `allocated_hours`, `unmet_hours`, `secondary_hours`, `provider_hours`,
    /// `objective` (labels for people: [`kpi_label`]).
    pub kpi: String,
    /// `pct`, `h`, or empty.
    pub unit: String,
    pub values: Vec<f64>,
    /// Value minus the first column's value.
    pub deltas: Vec<f64>,
}

/// One region across the compared reports (all weeks together).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "ComparedRegion")]
pub struct RegionRow {
    pub region: String,
    pub sla_attainment_pct: Vec<f64>,
    pub unmet_hours: Vec<f64>,
    pub delta_sla_attainment_pct: Vec<f64>,
    pub delta_unmet_hours: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Column names; the first is the reference the deltas are measured against.
    pub columns: Vec<String>,
    pub kpis: Vec<KpiRow>,
    pub regions: Vec<RegionRow>,
}

/// Compares reports side by side; the first is the reference.
pub fn compare(reports: &[(String, &CoverageReport)]) -> Comparison {
    let columns: Vec<String> = reports.iter().map(|(n, _)| n.clone()).collect();
    let row = |kpi: &str, unit: &str, f: &dyn Fn(&CoverageReport) -> f64| {
        let values: Vec<f64> = reports.iter().map(|(_, r)| f(r)).collect();
        let base = values.first().copied().unwrap_or(0.0);
        KpiRow { kpi: kpi.into(), unit: unit.into(), deltas: values.iter().map(|v| v - base).collect(), values }
    };
    let kpis = vec![
        row("sla_attainment_pct", "pct", &|r| r.kpis.sla_attainment_pct),
        row("sla_emergency_pct", "pct", &|r| r.kpis.sla_attainment_by_priority_pct.emergency),
        row("sla_vip_pct", "pct", &|r| r.kpis.sla_attainment_by_priority_pct.vip),
        row("sla_standard_pct", "pct", &|r| r.kpis.sla_attainment_by_priority_pct.standard),
        row("demand_hours", "h", &|r| r.kpis.demand_hours),
        row("allocated_hours", "h", &|r| r.kpis.allocated_hours),
        row("unmet_hours", "h", &|r| r.kpis.unmet_hours),
        row("secondary_hours", "h", &|r| r.kpis.secondary_hours),
        row("provider_hours", "h", &|r| r.kpis.provider_hours),
        row("objective", "", &|r| r.kpis.objective),
    ];
    let mut region_ids: Vec<String> = Vec::new();
    for (_, r) in reports {
        for rw in &r.regions {
            if !region_ids.contains(&rw.region) {
                region_ids.push(rw.region.clone());
            }
        }
    }
    let regions = region_ids
        .into_iter()
        .map(|id| {
            let per: Vec<(f64, f64)> = reports
                .iter()
                .map(|(_, r)| {
                    let (d, a, u) = r.regions.iter().filter(|x| x.region == id).fold((0.0, 0.0, 0.0), |s, x| {
                        (s.0 + x.demand_hours, s.1 + x.allocated_hours, s.2 + x.unmet_hours)
                    });
                    (super::pct(a, d), u)
                })
                .collect();
            let (a0, u0) = per.first().copied().unwrap_or((0.0, 0.0));
            RegionRow {
                region: id,
                sla_attainment_pct: per.iter().map(|x| x.0).collect(),
                unmet_hours: per.iter().map(|x| x.1).collect(),
                delta_sla_attainment_pct: per.iter().map(|x| x.0 - a0).collect(),
                delta_unmet_hours: per.iter().map(|x| x.1 - u0).collect(),
            }
        })
        .collect();
    Comparison { columns, kpis, regions }
}

/// The English label of a KPI code of [`KpiRow`] (the code itself when unknown).
pub fn kpi_label(code: &str) -> &str {
    match code {
        "sla_attainment_pct" => "SLA attainment",
        "sla_emergency_pct" => "  emergency",
        "sla_vip_pct" => "  vip",
        "sla_standard_pct" => "  standard",
        "demand_hours" => "Demand",
        "allocated_hours" => "Allocated",
        "unmet_hours" => "Unmet",
        "secondary_hours" => "Secondary-region work",
        "provider_hours" => "Provider work",
        "objective" => "Objective",
        other => other,
    }
}

/// The comparison as a text table a regional manager can read.
pub fn render(c: &Comparison) -> String {
    use std::fmt::Write;
    let w = c.columns.iter().map(|n| n.chars().count()).max().unwrap_or(8).max(18);
    let mut out = String::new();
    let _ = write!(out, "{:<24}", "");
    for (i, n) in c.columns.iter().enumerate() {
        let label = if i == 0 { format!("{n} (ref)") } else { n.clone() };
        let _ = write!(out, " {label:>w$}");
    }
    out.push('\n');
    let cell = |v: f64, d: f64, unit: &str, i: usize| {
        let u = match unit {
            "" => String::new(),
            "pct" => " %".to_string(),
            other => format!(" {other}"),
        };
        if i == 0 || d.abs() < 0.05 { format!("{v:.1}{u}") } else { format!("{v:.1}{u} ({d:+.1})") }
    };
    for k in &c.kpis {
        let _ = write!(out, "{:<24}", kpi_label(&k.kpi));
        for (i, (v, d)) in k.values.iter().zip(&k.deltas).enumerate() {
            let _ = write!(out, " {:>w$}", cell(*v, *d, &k.unit, i));
        }
        out.push('\n');
    }
    out.push_str("\nPer region: SLA attainment (unmet hours)\n");
    for r in &c.regions {
        let _ = write!(out, "{:<24}", r.region);
        for i in 0..c.columns.len() {
            let text = if i == 0 || r.delta_sla_attainment_pct[i].abs() < 0.05 && r.delta_unmet_hours[i].abs() < 0.05 {
                format!("{:.1} % ({:.0} h)", r.sla_attainment_pct[i], r.unmet_hours[i])
            } else {
                format!(
                    "{:.1} % {:+.1} ({:.0} h)",
                    r.sla_attainment_pct[i], r.delta_sla_attainment_pct[i], r.unmet_hours[i]
                )
            };
            let _ = write!(out, " {text:>w$}");
        }
        out.push('\n');
    }
    out
}

/// Parses one `--add-tech` argument: `REGION:SKILL[:LEVEL][xCOUNT][@YYYY-MM-DD][+CERT…]`,
/// e.g. `north:electrical:2x2@2026-12-14+high-voltage`.
pub fn parse_add_technicians(text: &str) -> Result<AddTechnicians, String> {
    let (rest, certs) = match text.split_once('+') {
        Some((r, c)) => (r, c.split('+').map(str::to_string).collect()),
        None => (text, Vec::new()),
    };
    let (rest, from) = match rest.split_once('@') {
        Some((r, d)) => (
            r,
            Some(
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| format!("{text:?}: date {d:?} is not YYYY-MM-DD"))?,
            ),
        ),
        None => (rest, None),
    };
    let (rest, count) = match rest.rsplit_once('x') {
        Some((r, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
            (r, n.parse().map_err(|_| format!("{text:?}: bad count {n:?}"))?)
        }
        _ => (rest, 1),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (region, skill, level) = match parts.as_slice() {
        [r, s] => (*r, *s, 2),
        [r, s, l] => (*r, *s, l.parse::<u8>().map_err(|_| format!("{text:?}: level {l:?} is not 1, 2 or 3"))?),
        _ => return Err(format!("{text:?}: expected REGION:SKILL[:LEVEL][xCOUNT][@DATE][+CERT…]")),
    };
    if region.is_empty() || skill.is_empty() {
        return Err(format!("{text:?}: region and skill must not be empty"));
    }
    Ok(AddTechnicians {
        count,
        region: region.into(),
        skill: skill.into(),
        level,
        certifications: certs,
        secondary_regions: Vec::new(),
        from,
        provider: None,
        shift: None,
        name: None,
    })
}

/// Parses `--shift`: `DAY=HH:MM-HH:MM` or `DAY=off`, optionally narrowed with `@REGION` and/or
/// `/SKILL` before the `=`, e.g. `sat@north=08:00-14:00`.
pub fn parse_shift_change(text: &str) -> Result<ShiftChange, String> {
    let (who, what) =
        text.split_once('=').ok_or_else(|| format!("{text:?}: expected DAY[@REGION][/SKILL]=HH:MM-HH:MM|off"))?;
    let (who, skill) = match who.split_once('/') {
        Some((w, s)) => (w, Some(s.to_string())),
        None => (who, None),
    };
    let (day, region) = match who.split_once('@') {
        Some((d, r)) => (d, Some(r.to_string())),
        None => (who, None),
    };
    if weekday_index(day).is_none() {
        return Err(format!("{text:?}: day {day:?} is not mon … sun"));
    }
    let shift = if what == "off" {
        None
    } else {
        let (a, b) = what.split_once('-').ok_or_else(|| format!("{text:?}: expected HH:MM-HH:MM or off"))?;
        let start = ClockTime::parse(a).map_err(|e| format!("{text:?}: {e}"))?;
        let end = ClockTime::parse(b).map_err(|e| format!("{text:?}: {e}"))?;
        let hours = (end.secs() - start.secs()) / 3600;
        let break_ = if hours >= 6 {
            Some(crate::format::problem::Break { earliest: start, latest: end, minutes: 30 })
        } else {
            None
        };
        Some(Shift { start, end, break_ })
    };
    Ok(ShiftChange { technicians: Vec::new(), region, skill, day: day.into(), shift })
}

/// Parses `--demand-growth`: `[REGION][/SKILL]=PCT`, e.g. `north=15`, `/hvac=-10`, `east/plumbing=20`.
pub fn parse_demand_growth(text: &str) -> Result<DemandGrowth, String> {
    let (who, pct) = text.split_once('=').ok_or_else(|| format!("{text:?}: expected [REGION][/SKILL]=PCT"))?;
    let pct: f64 = pct.trim_end_matches('%').parse().map_err(|_| format!("{text:?}: {pct:?} is not a number"))?;
    let (region, skill) = match who.split_once('/') {
        Some((r, s)) => (r, s),
        None => (who, ""),
    };
    let opt = |s: &str| if s.is_empty() || s == "*" { None } else { Some(s.to_string()) };
    Ok(DemandGrowth { region: opt(region), skill: opt(skill), pct })
}

/// Parses `--provider-share`: `PROVIDER=PCT`.
pub fn parse_provider_share(text: &str) -> Result<ProviderShare, String> {
    let (p, pct) = text.split_once('=').ok_or_else(|| format!("{text:?}: expected PROVIDER=PCT"))?;
    let max_pct: f64 = pct.trim_end_matches('%').parse().map_err(|_| format!("{text:?}: {pct:?} is not a number"))?;
    Ok(ProviderShare { provider: p.into(), max_pct })
}

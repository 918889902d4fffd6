//! The compiled, indexed problem the planner and checker work on.
//!
//! Built only by [`crate::validate::compile`] from a validated [`crate::format::Problem`]:
//! every reference is resolved to a dense `u32`/`usize` index, every time is [`Secs`] since the
//! horizon's first midnight, every day is an index `0..days`. Strings survive only as ids for
//! output.

use chrono::NaiveDate;

use crate::format::{Location, Policy, Priority, Segment, VisitStatus};
use crate::time::{DAY, Secs};

pub type TechIdx = usize;
pub type VisitIdx = usize;
pub type RegionIdx = usize;
pub type SkillIdx = usize;
pub type CertIdx = usize;
pub type ProviderIdx = usize;
pub type SiteIdx = usize;
pub type Day = u32;

#[derive(Clone, Debug)]
pub struct Instance {
    pub name: String,
    pub origin: NaiveDate,
    pub days: u32,
    pub policy: Policy,
    /// Sites first (index = site index), then visits (index = sites.len() + visit index).
    pub locations: Vec<Location>,
    pub regions: Vec<RegionInfo>,
    pub sites: Vec<SiteInfo>,
    pub skills: Vec<String>,
    pub certifications: Vec<String>,
    pub providers: Vec<ProviderInfo>,
    pub technicians: Vec<TechInfo>,
    pub visits: Vec<VisitInfo>,
}

#[derive(Clone, Debug)]
pub struct RegionInfo {
    pub id: String,
    pub name: String,
    /// This region's index in [`Instance::regions`].
    pub idx: RegionIdx,
    /// Plannable visits located in this region (the denominator of provider shares).
    pub plannable_visits: u32,
}

#[derive(Clone, Debug)]
pub struct SiteInfo {
    pub id: String,
    pub name: String,
    pub loc: usize,
}

#[derive(Clone, Debug)]
pub struct ProviderInfo {
    pub id: String,
    pub name: String,
    /// Last horizon day (index) with a valid certification; `None` if lapsed before the horizon.
    pub certified_through: Option<Day>,
    pub serves: Vec<bool>,
    pub min_share_pct: f64,
    pub max_share_pct: f64,
    /// Per region index: the `(min %, max %)` share in force there (the general share unless
    /// the problem lists per-region terms).
    pub region_share: Vec<(f64, f64)>,
    pub rating: f64,
}

impl ProviderInfo {
    pub fn certified_on(&self, day: Day) -> bool {
        self.certified_through.is_some_and(|last| day <= last)
    }

    /// The `(min %, max %)` share agreed for a region.
    pub fn share_in(&self, region: &RegionInfo) -> (f64, f64) {
        self.region_share.get(region.idx).copied().unwrap_or((self.min_share_pct, self.max_share_pct))
    }

    /// Most visits of a region this provider may take under its maximum share.
    pub fn max_visits_in(&self, region: &RegionInfo) -> u32 {
        (self.share_in(region).1 / 100.0 * f64::from(region.plannable_visits) + 1e-9).floor() as u32
    }

    /// Fewest visits of a region its minimum share asks for.
    pub fn min_visits_in(&self, region: &RegionInfo) -> u32 {
        (self.share_in(region).0 / 100.0 * f64::from(region.plannable_visits) - 1e-9).ceil().max(0.0) as u32
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RegionAccess {
    None,
    Secondary,
    Primary,
}

#[derive(Clone, Debug)]
pub struct TechInfo {
    pub id: String,
    pub name: String,
    pub provider: Option<ProviderIdx>,
    pub start_site: SiteIdx,
    pub end_site: SiteIdx,
    /// Level per skill index, 0 = does not have the skill.
    pub skill_level: Vec<u8>,
    /// Last horizon day each certification is valid, per certification index.
    pub cert_through: Vec<Option<Day>>,
    pub region_access: Vec<RegionAccess>,
    /// Per horizon day: the shift, or `None` for a day off or an absence.
    pub shifts: Vec<Option<DayShift>>,
    pub max_visits_per_day: u32,
    pub capacity: f64,
    pub cost_per_hour: f64,
    pub cost_per_km: f64,
}

impl TechInfo {
    pub fn holds_cert_on(&self, cert: CertIdx, day: Day) -> bool {
        self.cert_through[cert].is_some_and(|last| day <= last)
    }
}

/// A working day in absolute seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayShift {
    pub start: Secs,
    pub end: Secs,
    pub break_: Option<BreakRule>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakRule {
    pub earliest: Secs,
    pub latest: Secs,
    pub duration: Secs,
}

#[derive(Clone, Debug)]
pub struct VisitInfo {
    pub id: String,
    pub loc: usize,
    pub region: RegionIdx,
    pub skill: SkillIdx,
    pub min_level: u8,
    pub certs: Vec<CertIdx>,
    pub duration: Secs,
    /// Start-time windows, sorted, absolute seconds; never empty (an open visit gets the whole
    /// horizon).
    pub windows: Vec<(Secs, Secs)>,
    pub priority: Priority,
    pub segment: Segment,
    pub complexity: u8,
    pub created: Secs,
    pub sla: Option<Secs>,
    pub preferred: Option<TechIdx>,
    pub excluded: Vec<TechIdx>,
    pub parts: f64,
    pub status: VisitStatus,
    pub pin: PinRule,
    pub current: Option<Current>,
}

impl VisitInfo {
    /// Must be placed by the plan (open, planned, dispatched or in progress).
    pub fn needs_plan(&self) -> bool {
        self.status.is_plannable() || self.status.is_fixed()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PinRule {
    pub tech: Option<TechIdx>,
    pub day: Option<Day>,
    pub start: Option<Secs>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Current {
    pub tech: TechIdx,
    pub start: Secs,
    pub communicated: bool,
}

impl Current {
    pub fn day(&self) -> Day {
        (self.start.div_euclid(DAY)).max(0) as Day
    }
}

impl Instance {
    pub fn visit_loc(&self, v: VisitIdx) -> usize {
        self.visits[v].loc
    }

    pub fn date(&self, day: Day) -> NaiveDate {
        self.origin + chrono::Days::new(u64::from(day))
    }

    /// Day index of an absolute moment (may be outside the horizon).
    pub fn day_of(secs: Secs) -> i64 {
        secs.div_euclid(DAY)
    }
}

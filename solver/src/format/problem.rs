//! `rota-problem/1`: the problem file, as users and other tools write it.
//!
//! These are boundary types (serde + JSON Schema). They are validated and compiled into the
//! indexed [`crate::instance::Instance`] before any solving; nothing inside the solver reads
//! them directly.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::format::policy::Policy;
use crate::time::{ClockTime, LocalDateTime};

pub const PROBLEM_FORMAT: &str = "rota-problem/1";

/// A whole planning problem: master data, the visits to plan, the travel model and the policy.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// Always `"rota-problem/1"`.
    pub format: String,
    /// A short name shown in reports.
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// IANA time zone of the service area (e.g. `"Europe/Berlin"`). Every date and time in
    /// the file is local wall-clock time in this zone.
    pub timezone: String,
    pub horizon: Horizon,
    pub travel: TravelSpec,
    /// Objective weights; omitted means the documented defaults.
    #[serde(default)]
    pub policy: Policy,
    pub regions: Vec<Region>,
    pub sites: Vec<Site>,
    pub skills: Vec<Skill>,
    #[serde(default)]
    pub certifications: Vec<Certification>,
    #[serde(default)]
    pub providers: Vec<Provider>,
    pub technicians: Vec<Technician>,
    pub visits: Vec<Visit>,
}

/// The days being planned: `days` consecutive days from `start`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Horizon {
    pub start: NaiveDate,
    pub days: u32,
}

/// How travel time and distance between two locations are obtained.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(tag = "model", rename_all = "kebab-case", deny_unknown_fields)]
pub enum TravelSpec {
    /// Great-circle distance times a detour factor, driven at a constant speed.
    Haversine {
        #[serde(default = "default_detour_factor")]
        detour_factor: f64,
        #[serde(default = "default_speed_kmh")]
        speed_kmh: f64,
    },
    /// Shortest paths over a road network file (`rota-roads/1` JSON or OpenStreetMap `.osm.pbf`),
    /// its path relative to the problem file.
    Road {
        network: String,
        /// Speed for the straight stretch between a location and its nearest road node.
        #[serde(default = "default_access_speed_kmh")]
        access_speed_kmh: f64,
    },
    /// An explicit matrix: `locations` lists site and visit ids in row order.
    Matrix {
        locations: Vec<String>,
        /// Seconds, `durations[from][to]`.
        durations: Vec<Vec<f64>>,
        /// Meters, `distances[from][to]`.
        distances: Vec<Vec<f64>>,
    },
}

pub fn default_detour_factor() -> f64 {
    1.3
}
pub fn default_speed_kmh() -> f64 {
    40.0
}
pub fn default_access_speed_kmh() -> f64 {
    15.0
}

/// A point on the Earth, WGS 84 degrees.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

/// A region: the area a technician is responsible for. A location belongs to the first region
/// (in file order) whose area contains it.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub id: String,
    pub name: String,
    pub area: Area,
}

/// A GeoJSON `Polygon` or `MultiPolygon` geometry (`[lon, lat]` positions).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum Area {
    Polygon { coordinates: Vec<Vec<[f64; 2]>> },
    MultiPolygon { coordinates: Vec<Vec<Vec<[f64; 2]>>> },
}

/// A service site (depot, station) where technicians start and end their day.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub location: Location,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    pub id: String,
    pub name: String,
}

/// A kind of credential (gas-safe, elevator licence, …) that technicians hold until a date.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    pub id: String,
    pub name: String,
}

/// A certified third-party service company.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub id: String,
    pub name: String,
    /// Certification level granted by the certifying body, 1–3.
    pub certification_level: u8,
    /// Last day the provider's certification is valid (inclusive).
    pub certified_until: NaiveDate,
    /// Regions the provider is contracted to serve.
    pub regions: Vec<String>,
    /// Agreed share of each served region's visits.
    #[serde(default)]
    pub share: ShareAgreement,
    /// Performance rating in 0–1 (1 = best); omitted means the network mean of 0.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<f64>,
}

/// Minimum and maximum percentage of a region's visits a provider should get.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct ShareAgreement {
    pub min_pct: f64,
    pub max_pct: f64,
}

impl Default for ShareAgreement {
    fn default() -> Self {
        Self { min_pct: 0.0, max_pct: 100.0 }
    }
}

/// A field technician, in-house or employed by a provider.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Technician {
    pub id: String,
    pub name: String,
    /// The provider employing this technician; omitted for in-house staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Site where each day starts.
    pub start_site: String,
    /// Site where each day ends; omitted means `start_site`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_site: Option<String>,
    pub skills: Vec<SkillLevel>,
    #[serde(default)]
    pub certifications: Vec<HeldCertification>,
    /// Primary regions: served at no extra cost.
    pub regions: Vec<String>,
    /// Secondary regions: allowed, at the policy's secondary-region cost.
    #[serde(default)]
    pub secondary_regions: Vec<String>,
    /// Weekly shift calendar; a missing day is a day off.
    pub shifts: WeekShifts,
    #[serde(default)]
    pub absences: Vec<Absence>,
    #[serde(default = "default_max_visits_per_day")]
    pub max_visits_per_day: u32,
    /// Vehicle capacity for parts, in the same unit as visits' `parts_volume`.
    #[serde(default = "default_capacity")]
    pub capacity: f64,
    #[serde(default = "default_cost_per_hour")]
    pub cost_per_hour: f64,
    #[serde(default = "default_cost_per_km")]
    pub cost_per_km: f64,
}

pub fn default_max_visits_per_day() -> u32 {
    8
}
pub fn default_capacity() -> f64 {
    100.0
}
pub fn default_cost_per_hour() -> f64 {
    45.0
}
pub fn default_cost_per_km() -> f64 {
    0.35
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct SkillLevel {
    pub skill: String,
    /// 1 junior, 2 certified, 3 senior.
    pub level: u8,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct HeldCertification {
    pub certification: String,
    /// Last day the credential is valid (inclusive).
    pub valid_until: NaiveDate,
}

/// Shifts by weekday.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct WeekShifts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mon: Option<Shift>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tue: Option<Shift>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wed: Option<Shift>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thu: Option<Shift>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fri: Option<Shift>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sat: Option<Shift>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sun: Option<Shift>,
}

impl WeekShifts {
    /// The shift of a weekday, Monday = 0.
    pub fn get(&self, weekday_from_monday: u32) -> Option<&Shift> {
        match weekday_from_monday {
            0 => self.mon.as_ref(),
            1 => self.tue.as_ref(),
            2 => self.wed.as_ref(),
            3 => self.thu.as_ref(),
            4 => self.fri.as_ref(),
            5 => self.sat.as_ref(),
            6 => self.sun.as_ref(),
            _ => None,
        }
    }

    /// `(field name, shift)` for every working day.
    pub fn days(&self) -> impl Iterator<Item = (&'static str, &Shift)> {
        [
            ("mon", &self.mon),
            ("tue", &self.tue),
            ("wed", &self.wed),
            ("thu", &self.thu),
            ("fri", &self.fri),
            ("sat", &self.sat),
            ("sun", &self.sun),
        ]
        .into_iter()
        .filter_map(|(name, shift)| shift.as_ref().map(|s| (name, s)))
    }
}

/// One working day: leave the start site no earlier than `start`, be back by `end`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    pub start: ClockTime,
    pub end: ClockTime,
    #[serde(default, rename = "break", skip_serializing_if = "Option::is_none")]
    pub break_: Option<Break>,
}

/// A break of `minutes`, taken wherever the technician is, starting no earlier than
/// `earliest` and ending no later than `latest`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Break {
    pub earliest: ClockTime,
    pub latest: ClockTime,
    pub minutes: u32,
}

/// Days off, `from` to `to` inclusive.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Absence {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A work order to be done at a customer's location.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    pub id: String,
    pub customer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    pub location: Location,
    pub skill: String,
    /// Minimum skill level, 1–3.
    pub min_level: u8,
    /// Certifications the technician must hold, valid on the day of the visit.
    #[serde(default)]
    pub certifications: Vec<String>,
    /// Time on site, minutes.
    pub duration_min: i64,
    /// The service must start inside one of these windows; empty means any time in a shift.
    #[serde(default)]
    pub time_windows: Vec<TimeWindow>,
    pub priority: Priority,
    pub segment: Segment,
    /// 1 simple – 3 complex.
    #[serde(default = "default_complexity")]
    pub complexity: u8,
    pub created_at: LocalDateTime,
    /// The service-level promise: be on site by this moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<Sla>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_technician: Option<String>,
    #[serde(default)]
    pub excluded_technicians: Vec<String>,
    #[serde(default)]
    pub parts_volume: f64,
    #[serde(default)]
    pub status: VisitStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<Pin>,
    /// Where the current plan has this visit. Required for `dispatched` and `in_progress`
    /// visits (they are kept as they are); for others it prices disruption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<CurrentAssignment>,
}

pub fn default_complexity() -> u8 {
    1
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct TimeWindow {
    pub start: LocalDateTime,
    pub end: LocalDateTime,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    pub on_site_by: LocalDateTime,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Priority {
    Emergency,
    Vip,
    Standard,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Emergency, Priority::Vip, Priority::Standard];
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Emergency => "emergency",
            Priority::Vip => "vip",
            Priority::Standard => "standard",
        }
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Segment {
    New,
    Growth,
    Value,
    ChurnRisk,
}

impl Segment {
    pub const ALL: [Segment; 4] = [Segment::New, Segment::Growth, Segment::Value, Segment::ChurnRisk];
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::New => "new",
            Segment::Growth => "growth",
            Segment::Value => "value",
            Segment::ChurnRisk => "churn-risk",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    #[default]
    Open,
    Planned,
    Dispatched,
    InProgress,
    Done,
    Cancelled,
}

impl VisitStatus {
    /// Open or planned: the optimizer may place it anywhere the rules allow.
    pub fn is_plannable(self) -> bool {
        matches!(self, VisitStatus::Open | VisitStatus::Planned)
    }
    /// Dispatched or in progress: kept exactly where `current` says.
    pub fn is_fixed(self) -> bool {
        matches!(self, VisitStatus::Dispatched | VisitStatus::InProgress)
    }
}

/// Pins a visit to a technician, a day, an exact start, or any combination.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technician: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<LocalDateTime>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq, TS)]
#[serde(deny_unknown_fields)]
pub struct CurrentAssignment {
    pub technician: String,
    pub start: LocalDateTime,
    /// The customer has been told this appointment; moving it costs more.
    #[serde(default)]
    pub communicated: bool,
}

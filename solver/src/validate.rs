//! Reading and validating a problem: every mistake at once, each naming its record and field,
//! and never a panic, whatever the input.
//!
//! Two stages:
//! 1. [`parse_problem`] reads JSON section by section and record by record, so one bad record
//!    does not hide the others (`visits[3] "V-3": duration_min: invalid type: …`).
//! 2. [`compile`] checks meaning (references, ranges, geometry, calendars) and builds the
//!    indexed [`Instance`].

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use geo::{Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostics, record_label};
use crate::format::*;
use crate::instance::*;
use crate::time::{DAY, LocalDateTime, Secs, hhmm};

/// Longest visit accepted, seconds (a visit is at most one working day).
pub const MAX_VISIT_DURATION_MIN: i64 = 24 * 60;
/// Longest horizon accepted, days.
pub const MAX_HORIZON_DAYS: u32 = 366;
/// Years a horizon may start in (a date outside is a typo, and printing dates near the end of
/// the calendar gave "+10000-01-03").
pub const HORIZON_YEARS: std::ops::RangeInclusive<i32> = 1970..=2999;
/// Largest policy weight or cost accepted (every weight is ≥ 0). Default weights are at most
/// 100,000; a weight of 1e308 overflowed the objective to infinity.
pub const MAX_POLICY_WEIGHT: f64 = 1e9;
/// Largest technician `cost_per_hour` and `cost_per_km`.
pub const MAX_TECHNICIAN_COST: f64 = 1e6;
/// Largest vehicle `capacity` and visit `parts_volume`.
pub const MAX_VOLUME: f64 = 1e6;
/// Largest `max_visits_per_day`.
pub const MAX_VISITS_PER_DAY: u32 = 1000;
/// Haversine `detour_factor` at most this.
pub const MAX_DETOUR_FACTOR: f64 = 10.0;
/// Largest speed, km/h (`speed_kmh`, `access_speed_kmh`).
pub const MAX_SPEED_KMH: f64 = 300.0;
/// Largest matrix entry: seconds (30 days) and meters (40,000 km, once around the Earth).
pub const MAX_MATRIX_SECONDS: f64 = 30.0 * 86_400.0;
pub const MAX_MATRIX_METERS: f64 = 40_000_000.0;

/// IANA time zone names (zones and links, tz database 2025b), one per line after `#` comments.
const TZ_NAMES: &str = include_str!("tz_names.txt");

/// Whether `name` is an IANA time zone name (`Europe/Berlin`, `UTC`, …).
pub fn is_known_time_zone(name: &str) -> bool {
    TZ_NAMES.lines().any(|l| !l.starts_with('#') && l == name)
}

/// `value` is finite and in `0..=max`; else the message saying so.
fn check_range(value: f64, max: f64) -> Option<String> {
    (!(value.is_finite() && (0.0..=max).contains(&value)))
        .then(|| format!("must be a number in 0–{max}, got {}", num(value)))
}

/// A number as a message shows it: `1e308`, not three hundred digits.
fn num(value: f64) -> String {
    if value.is_finite() && value.abs() >= 1e7 { format!("{value:e}") } else { format!("{value}") }
}

/// Parses and validates in one go: the compiled instance plus the problem it came from.
pub fn load_problem(json: &str) -> Result<(Problem, Instance), Diagnostics> {
    let problem = parse_problem(json)?;
    let instance = compile(&problem)?;
    Ok((problem, instance))
}

/// Reads a problem file's JSON, reporting every malformed record.
pub fn parse_problem(json: &str) -> Result<Problem, Diagnostics> {
    let mut diags = Diagnostics::default();
    // A UTF-8 byte-order mark (as some Windows editors write) is not JSON, but is harmless: skip it.
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let value: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => {
            diags.push("file", "", format!("not valid JSON: {e}"));
            return Err(diags);
        }
    };
    if let Some(path) = first_duplicate_key(json) {
        diags.push(
            "file",
            path,
            "this key appears twice in the same object; JSON keys must be unique (one value would be dropped)",
        );
        return Err(diags);
    }
    let Value::Object(mut obj) = value else {
        diags.push("file", "", "expected a JSON object at the top level");
        return Err(diags);
    };

    match obj.get("format") {
        Some(Value::String(f)) if f == PROBLEM_FORMAT => {}
        Some(Value::String(f)) => {
            diags.push("file", "format", format!("unsupported format {f:?}; this version reads {PROBLEM_FORMAT:?}"));
            return Err(diags);
        }
        Some(_) => {
            diags.push("file", "format", format!("expected the string {PROBLEM_FORMAT:?}"));
            return Err(diags);
        }
        None => {
            diags.push("file", "format", format!("missing; a problem file starts with \"format\": {PROBLEM_FORMAT:?}"));
            return Err(diags);
        }
    }

    const KNOWN: [&str; 15] = [
        "format",
        "name",
        "description",
        "timezone",
        "horizon",
        "travel",
        "policy",
        "regions",
        "sites",
        "skills",
        "certifications",
        "providers",
        "technicians",
        "visits",
        "$schema",
    ];
    for key in obj.keys() {
        if !KNOWN.contains(&key.as_str()) {
            diags.push("file", key.clone(), "unknown field (check the spelling; see docs/format.md)");
        }
    }

    let name = field::<String>(&mut obj, "name", true, &mut diags);
    let description = field::<String>(&mut obj, "description", false, &mut diags).unwrap_or_default();
    let timezone = field::<String>(&mut obj, "timezone", true, &mut diags);
    let horizon = field::<Horizon>(&mut obj, "horizon", true, &mut diags);
    let travel = field::<TravelSpec>(&mut obj, "travel", true, &mut diags);
    let policy = field::<Policy>(&mut obj, "policy", false, &mut diags).unwrap_or_default();
    let regions = records::<Region>(&mut obj, "regions", true, &mut diags);
    let sites = records::<Site>(&mut obj, "sites", true, &mut diags);
    let skills = records::<Skill>(&mut obj, "skills", true, &mut diags);
    let certifications = records::<Certification>(&mut obj, "certifications", false, &mut diags);
    let providers = records::<Provider>(&mut obj, "providers", false, &mut diags);
    let technicians = records::<Technician>(&mut obj, "technicians", true, &mut diags);
    let visits = records::<Visit>(&mut obj, "visits", true, &mut diags);

    if !diags.is_empty() {
        return Err(diags);
    }
    // Every required part parsed, or diags would not be empty.
    match (name, timezone, horizon, travel) {
        (Some(name), Some(timezone), Some(horizon), Some(travel)) => Ok(Problem {
            format: PROBLEM_FORMAT.to_string(),
            name,
            description,
            timezone,
            horizon,
            travel,
            policy,
            regions,
            sites,
            skills,
            certifications,
            providers,
            technicians,
            visits,
        }),
        _ => {
            diags.push("file", "", "incomplete problem");
            Err(diags)
        }
    }
}

fn describe_serde_error<E: std::fmt::Display>(path: &serde_path_to_error::Path, err: E) -> (String, String) {
    let field = path.to_string();
    let field = if field == "." { String::new() } else { field };
    (field, err.to_string())
}

fn field<T: DeserializeOwned>(
    obj: &mut Map<String, Value>,
    key: &str,
    required: bool,
    diags: &mut Diagnostics,
) -> Option<T> {
    let Some(value) = obj.remove(key) else {
        if required {
            diags.push(key, "", "missing (required)");
        }
        return None;
    };
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(v) => Some(v),
        Err(e) => {
            let (field, message) = describe_serde_error(e.path(), e.inner());
            diags.push(key, field, message);
            None
        }
    }
}

fn records<T: DeserializeOwned>(
    obj: &mut Map<String, Value>,
    key: &str,
    required: bool,
    diags: &mut Diagnostics,
) -> Vec<T> {
    let Some(value) = obj.remove(key) else {
        if required {
            diags.push(key, "", "missing (required; an empty list [] is allowed)");
        }
        return Vec::new();
    };
    let Value::Array(items) = value else {
        diags.push(key, "", "expected a list of records");
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let id = item.get("id").and_then(Value::as_str).map(str::to_string);
        match serde_path_to_error::deserialize::<_, T>(item) {
            Ok(v) => out.push(v),
            Err(e) => {
                let (field, message) = describe_serde_error(e.path(), e.inner());
                diags.push(record_label(key, i, id.as_deref()), field, message);
            }
        }
    }
    out
}

/// Maps ids to indices, reporting empty and duplicate ids.
fn index_ids<'a>(
    section: &str,
    ids: impl Iterator<Item = &'a str>,
    diags: &mut Diagnostics,
) -> HashMap<&'a str, usize> {
    let mut map: HashMap<&str, usize> = HashMap::new();
    for (i, id) in ids.enumerate() {
        if id.trim().is_empty() {
            diags.push(record_label(section, i, None), "id", "must not be empty");
            continue;
        }
        if let Some(first) = map.get(id) {
            diags.push(
                record_label(section, i, Some(id)),
                "id",
                format!("duplicate id (first used by {section}[{first}])"),
            );
        } else {
            map.insert(id, i);
        }
    }
    map
}

fn check_location(loc: &Location, record: &str, field: &str, diags: &mut Diagnostics) -> bool {
    let ok = loc.lat.is_finite()
        && loc.lon.is_finite()
        && (-90.0..=90.0).contains(&loc.lat)
        && (-180.0..=180.0).contains(&loc.lon);
    if !ok {
        diags.push(
            record,
            field,
            format!(
                "not a valid position (lat {}, lon {}): lat must be in −90…90 and lon in −180…180",
                loc.lat, loc.lon
            ),
        );
    }
    ok
}

fn ring(coords: &[[f64; 2]], record: &str, field: &str, diags: &mut Diagnostics) -> Option<LineString<f64>> {
    if coords.len() < 3 {
        diags.push(record, field, format!("a polygon ring needs at least 3 positions, got {}", coords.len()));
        return None;
    }
    for (k, [lon, lat]) in coords.iter().enumerate() {
        if !(lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(lon) && (-90.0..=90.0).contains(lat)) {
            diags.push(record, format!("{field}[{k}]"), format!("not a valid [lon, lat] position: [{lon}, {lat}]"));
            return None;
        }
    }
    // LineString closes itself when made into a polygon.
    Some(LineString::from(coords.iter().map(|[x, y]| Coord { x: *x, y: *y }).collect::<Vec<_>>()))
}

fn area_geometry(area: &Area, record: &str, diags: &mut Diagnostics) -> Option<MultiPolygon<f64>> {
    let polygon = |rings: &Vec<Vec<[f64; 2]>>, field: &str, diags: &mut Diagnostics| -> Option<Polygon<f64>> {
        let Some(outer) = rings.first() else {
            diags.push(record, field, "a polygon needs an outer ring");
            return None;
        };
        let exterior = ring(outer, record, &format!("{field}[0]"), diags)?;
        let mut holes = Vec::new();
        for (h, hole) in rings.iter().enumerate().skip(1) {
            holes.push(ring(hole, record, &format!("{field}[{h}]"), diags)?);
        }
        Some(Polygon::new(exterior, holes))
    };
    match area {
        Area::Polygon { coordinates } => polygon(coordinates, "area.coordinates", diags).map(|p| MultiPolygon(vec![p])),
        Area::MultiPolygon { coordinates } => {
            if coordinates.is_empty() {
                diags.push(record, "area.coordinates", "a MultiPolygon needs at least one polygon");
                return None;
            }
            let mut parts = Vec::new();
            for (p, rings) in coordinates.iter().enumerate() {
                parts.push(polygon(rings, &format!("area.coordinates[{p}]"), diags)?);
            }
            Some(MultiPolygon(parts))
        }
    }
}

/// Checks what a problem means and builds the indexed instance.
pub fn compile(p: &Problem) -> Result<Instance, Diagnostics> {
    let mut diags = Diagnostics::default();

    if p.format != PROBLEM_FORMAT {
        diags.push("file", "format", format!("expected {PROBLEM_FORMAT:?}, got {:?}", p.format));
    }
    if p.name.trim().is_empty() {
        diags.push("file", "name", "must not be empty");
    }
    if p.timezone.trim().is_empty() {
        diags.push("file", "timezone", "must name the service area's time zone, e.g. \"Europe/Berlin\"");
    } else if !is_known_time_zone(&p.timezone) {
        diags.push(
            "file",
            "timezone",
            format!("unknown time zone {:?}: expected an IANA name like \"Europe/Berlin\" or \"UTC\"", p.timezone),
        );
    }
    if p.horizon.days == 0 || p.horizon.days > MAX_HORIZON_DAYS {
        diags.push("horizon", "days", format!("must be 1–{MAX_HORIZON_DAYS}, got {}", p.horizon.days));
    }
    if !HORIZON_YEARS.contains(&p.horizon.start.year()) {
        diags.push(
            "horizon",
            "start",
            format!(
                "must be a date in the years {}–{}, got {}",
                HORIZON_YEARS.start(),
                HORIZON_YEARS.end(),
                p.horizon.start
            ),
        );
    }
    for bad in p.policy.invalid_weights() {
        diags.push(
            "policy",
            bad.split(' ').next().unwrap_or_default().to_string(),
            format!("weights must be finite and not negative ({bad})"),
        );
    }
    for (name, value) in policy_weights(&p.policy) {
        if value.is_finite() && value > MAX_POLICY_WEIGHT {
            diags.push(
                "policy",
                name,
                format!(
                    "must be at most {MAX_POLICY_WEIGHT:e} (weights are 0–{MAX_POLICY_WEIGHT:e}), got {}",
                    num(value)
                ),
            );
        }
    }
    let origin = p.horizon.start;
    let days = p.horizon.days.clamp(1, MAX_HORIZON_DAYS);
    let horizon_end: Secs = Secs::from(days) * DAY;
    let day_index = |date: NaiveDate| -> i64 { (date - origin).num_days() };

    // Ids.
    let region_ix = index_ids("regions", p.regions.iter().map(|r| r.id.as_str()), &mut diags);
    let site_ix = index_ids("sites", p.sites.iter().map(|s| s.id.as_str()), &mut diags);
    let skill_ix = index_ids("skills", p.skills.iter().map(|s| s.id.as_str()), &mut diags);
    let cert_ix = index_ids("certifications", p.certifications.iter().map(|c| c.id.as_str()), &mut diags);
    let provider_ix = index_ids("providers", p.providers.iter().map(|c| c.id.as_str()), &mut diags);
    let tech_ix = index_ids("technicians", p.technicians.iter().map(|t| t.id.as_str()), &mut diags);
    let _visit_ix = index_ids("visits", p.visits.iter().map(|v| v.id.as_str()), &mut diags);

    if p.regions.is_empty() {
        diags.push("regions", "", "at least one region is needed");
    }
    if p.sites.is_empty() {
        diags.push("sites", "", "at least one site is needed");
    }

    // Regions.
    let mut areas: Vec<Option<MultiPolygon<f64>>> = Vec::with_capacity(p.regions.len());
    for (i, r) in p.regions.iter().enumerate() {
        let rec = record_label("regions", i, Some(&r.id));
        areas.push(area_geometry(&r.area, &rec, &mut diags));
    }
    let region_of = |loc: &Location| -> Option<RegionIdx> {
        let pt = Point::new(loc.lon, loc.lat);
        areas.iter().position(|a| a.as_ref().is_some_and(|a| a.contains(&pt)))
    };

    // Locations: sites, then visits.
    let mut locations = Vec::with_capacity(p.sites.len() + p.visits.len());
    let mut sites = Vec::with_capacity(p.sites.len());
    for (i, s) in p.sites.iter().enumerate() {
        let rec = record_label("sites", i, Some(&s.id));
        check_location(&s.location, &rec, "location", &mut diags);
        sites.push(SiteInfo { id: s.id.clone(), name: s.name.clone(), loc: locations.len() });
        locations.push(s.location);
    }

    // Providers.
    let mut providers = Vec::with_capacity(p.providers.len());
    for (i, pr) in p.providers.iter().enumerate() {
        let rec = record_label("providers", i, Some(&pr.id));
        if !(1..=3).contains(&pr.certification_level) {
            diags.push(&rec, "certification_level", format!("must be 1–3, got {}", pr.certification_level));
        }
        let mut serves = vec![false; p.regions.len()];
        for (k, region) in pr.regions.iter().enumerate() {
            match region_ix.get(region.as_str()) {
                Some(&r) => serves[r] = true,
                None => diags.push(&rec, format!("regions[{k}]"), format!("unknown region {region:?}")),
            }
        }
        let ShareAgreement { min_pct, max_pct } = pr.share;
        if !(min_pct.is_finite() && max_pct.is_finite() && 0.0 <= min_pct && min_pct <= max_pct && max_pct <= 100.0) {
            diags.push(&rec, "share", format!("needs 0 ≤ min_pct ≤ max_pct ≤ 100, got min {min_pct}, max {max_pct}"));
        }
        let mut region_share = vec![(min_pct, max_pct); p.regions.len()];
        for (k, rs) in p.policy.provider_region_shares.iter().enumerate().filter(|(_, rs)| rs.provider == pr.id) {
            let field = format!("provider_region_shares[{k}]");
            match region_ix.get(rs.region.as_str()) {
                Some(&r) if serves[r] => region_share[r] = (rs.min_pct, rs.max_pct),
                Some(_) => diags.push(
                    "policy",
                    &field,
                    format!("region {:?} is not among provider {:?}'s regions", rs.region, pr.id),
                ),
                None => diags.push("policy", &field, format!("unknown region {:?}", rs.region)),
            }
            if !(rs.min_pct.is_finite()
                && rs.max_pct.is_finite()
                && 0.0 <= rs.min_pct
                && rs.min_pct <= rs.max_pct
                && rs.max_pct <= 100.0)
            {
                diags.push(
                    "policy",
                    &field,
                    format!("needs 0 ≤ min_pct ≤ max_pct ≤ 100, got min {}, max {}", rs.min_pct, rs.max_pct),
                );
            }
        }
        let rating = pr.rating.unwrap_or(0.5);
        if !(rating.is_finite() && (0.0..=1.0).contains(&rating)) {
            diags.push(&rec, "rating", format!("must be in 0–1, got {rating}"));
        }
        let last = day_index(pr.certified_until);
        providers.push(ProviderInfo {
            id: pr.id.clone(),
            name: pr.name.clone(),
            certified_through: (last >= 0).then(|| last.min(i64::from(days) - 1) as Day),
            serves,
            min_share_pct: min_pct,
            max_share_pct: max_pct,
            region_share,
            rating: rating.clamp(0.0, 1.0),
        });
    }

    for (k, rs) in p.policy.provider_region_shares.iter().enumerate() {
        if !provider_ix.contains_key(rs.provider.as_str()) {
            diags.push("policy", format!("provider_region_shares[{k}]"), format!("unknown provider {:?}", rs.provider));
        }
    }

    // Technicians.
    let mut technicians = Vec::with_capacity(p.technicians.len());
    for (i, t) in p.technicians.iter().enumerate() {
        let rec = record_label("technicians", i, Some(&t.id));
        let provider = t.provider.as_ref().and_then(|id| {
            let found = provider_ix.get(id.as_str()).copied();
            if found.is_none() {
                diags.push(&rec, "provider", format!("unknown provider {id:?}"));
            }
            found
        });
        let mut site = |id: &str, field: &str| -> SiteIdx {
            site_ix.get(id).copied().unwrap_or_else(|| {
                diags.push(&rec, field, format!("unknown site {id:?}"));
                0
            })
        };
        let start_site = site(&t.start_site, "start_site");
        let end_site = t.end_site.as_deref().map_or(start_site, |id| site(id, "end_site"));

        let mut skill_level = vec![0u8; p.skills.len()];
        if t.skills.is_empty() {
            diags.push(&rec, "skills", "a technician needs at least one skill");
        }
        for (k, s) in t.skills.iter().enumerate() {
            if !(1..=3).contains(&s.level) {
                diags.push(&rec, format!("skills[{k}].level"), format!("must be 1–3, got {}", s.level));
            }
            match skill_ix.get(s.skill.as_str()) {
                Some(&x) if skill_level[x] != 0 => {
                    diags.push(&rec, format!("skills[{k}]"), format!("skill {:?} listed twice", s.skill))
                }
                Some(&x) => skill_level[x] = s.level.clamp(1, 3),
                None => diags.push(&rec, format!("skills[{k}].skill"), format!("unknown skill {:?}", s.skill)),
            }
        }
        let mut cert_through = vec![None; p.certifications.len()];
        for (k, c) in t.certifications.iter().enumerate() {
            match cert_ix.get(c.certification.as_str()) {
                Some(&x) => {
                    let last = day_index(c.valid_until);
                    let through = (last >= 0).then(|| last.min(i64::from(days) - 1) as Day);
                    cert_through[x] = cert_through[x].max(through);
                }
                None => diags.push(
                    &rec,
                    format!("certifications[{k}].certification"),
                    format!("unknown certification {:?}", c.certification),
                ),
            }
        }
        let mut region_access = vec![RegionAccess::None; p.regions.len()];
        if t.regions.is_empty() {
            diags.push(&rec, "regions", "a technician needs at least one primary region");
        }
        for (k, r) in t.regions.iter().enumerate() {
            match region_ix.get(r.as_str()) {
                Some(&x) => region_access[x] = RegionAccess::Primary,
                None => diags.push(&rec, format!("regions[{k}]"), format!("unknown region {r:?}")),
            }
        }
        for (k, r) in t.secondary_regions.iter().enumerate() {
            match region_ix.get(r.as_str()) {
                Some(&x) if region_access[x] == RegionAccess::Primary => diags.push(
                    &rec,
                    format!("secondary_regions[{k}]"),
                    format!("region {r:?} is already a primary region"),
                ),
                Some(&x) => region_access[x] = RegionAccess::Secondary,
                None => diags.push(&rec, format!("secondary_regions[{k}]"), format!("unknown region {r:?}")),
            }
        }
        for (day_name, shift) in t.shifts.days() {
            let field = format!("shifts.{day_name}");
            if shift.end <= shift.start {
                diags.push(
                    &rec,
                    format!("{field}.end"),
                    format!("shift ends ({}) before it starts ({})", shift.end, shift.start),
                );
            }
            if let Some(b) = &shift.break_ {
                if b.minutes == 0 {
                    diags.push(&rec, format!("{field}.break.minutes"), "must be at least 1");
                }
                if b.earliest < shift.start || b.latest > shift.end {
                    diags.push(
                        &rec,
                        format!("{field}.break"),
                        format!(
                            "break window {}–{} lies outside the shift {}–{}",
                            b.earliest, b.latest, shift.start, shift.end
                        ),
                    );
                } else if b.earliest.minutes + b.minutes > b.latest.minutes {
                    diags.push(
                        &rec,
                        format!("{field}.break"),
                        format!("a {}-minute break does not fit between {} and {}", b.minutes, b.earliest, b.latest),
                    );
                }
            }
        }
        for (k, a) in t.absences.iter().enumerate() {
            if a.to < a.from {
                diags.push(
                    &rec,
                    format!("absences[{k}].to"),
                    format!("absence ends ({}) before it starts ({})", a.to, a.from),
                );
            }
        }
        if t.max_visits_per_day == 0 || t.max_visits_per_day > MAX_VISITS_PER_DAY {
            diags.push(
                &rec,
                "max_visits_per_day",
                format!("must be 1–{MAX_VISITS_PER_DAY}, got {}", t.max_visits_per_day),
            );
        }
        for (name, value, max) in [
            ("capacity", t.capacity, MAX_VOLUME),
            ("cost_per_hour", t.cost_per_hour, MAX_TECHNICIAN_COST),
            ("cost_per_km", t.cost_per_km, MAX_TECHNICIAN_COST),
        ] {
            if let Some(message) = check_range(value, max) {
                diags.push(&rec, name, message);
            }
        }
        let shifts = (0..days)
            .map(|d| {
                let date = origin + chrono::Days::new(u64::from(d));
                let absent = t.absences.iter().any(|a| a.from <= date && date <= a.to);
                let shift = t.shifts.get(date.weekday().num_days_from_monday())?;
                if absent || shift.end <= shift.start {
                    return None;
                }
                let base = Secs::from(d) * DAY;
                Some(DayShift {
                    start: base + shift.start.secs(),
                    end: base + shift.end.secs(),
                    break_: shift.break_.as_ref().map(|b| BreakRule {
                        earliest: base + b.earliest.secs(),
                        latest: base + b.latest.secs(),
                        duration: Secs::from(b.minutes) * 60,
                    }),
                })
            })
            .collect();
        technicians.push(TechInfo {
            id: t.id.clone(),
            name: t.name.clone(),
            provider,
            start_site,
            end_site,
            skill_level,
            cert_through,
            region_access,
            shifts,
            max_visits_per_day: t.max_visits_per_day.max(1),
            capacity: t.capacity,
            cost_per_hour: t.cost_per_hour,
            cost_per_km: t.cost_per_km,
        });
    }

    // Latest day each certification is held by anyone (for "expired for everyone").
    let mut cert_best: Vec<Option<NaiveDate>> = vec![None; p.certifications.len()];
    for t in &p.technicians {
        for c in &t.certifications {
            if let Some(&x) = cert_ix.get(c.certification.as_str()) {
                cert_best[x] = cert_best[x].max(Some(c.valid_until));
            }
        }
    }

    // Visits.
    let mut visits = Vec::with_capacity(p.visits.len());
    let to_secs = |t: LocalDateTime| t.secs_since(origin);
    for (i, v) in p.visits.iter().enumerate() {
        let rec = record_label("visits", i, Some(&v.id));
        let loc_ok = check_location(&v.location, &rec, "location", &mut diags);
        let region = if loc_ok { region_of(&v.location) } else { None };
        if loc_ok && region.is_none() && !p.regions.is_empty() {
            diags.push(&rec, "location", format!("({}, {}) lies outside every region", v.location.lat, v.location.lon));
        }
        let skill = skill_ix.get(v.skill.as_str()).copied();
        if skill.is_none() {
            diags.push(&rec, "skill", format!("unknown skill {:?}", v.skill));
        }
        if !(1..=3).contains(&v.min_level) {
            diags.push(&rec, "min_level", format!("must be 1–3, got {}", v.min_level));
        }
        let mut certs = Vec::new();
        for (k, c) in v.certifications.iter().enumerate() {
            match cert_ix.get(c.as_str()) {
                Some(&x) => {
                    if cert_best[x].is_none_or(|best| best < origin) {
                        let held = match cert_best[x] {
                            Some(best) => format!(
                                "every technician's {c:?} expired before the horizon (latest valid until {best})"
                            ),
                            None => format!("no technician holds {c:?}"),
                        };
                        diags.push(
                            &rec,
                            format!("certifications[{k}]"),
                            format!("{held}; this visit can never be planned"),
                        );
                    }
                    certs.push(x);
                }
                None => diags.push(&rec, format!("certifications[{k}]"), format!("unknown certification {c:?}")),
            }
        }
        if v.duration_min <= 0 {
            diags.push(&rec, "duration_min", format!("must be positive, got {}", v.duration_min));
        } else if v.duration_min > MAX_VISIT_DURATION_MIN {
            diags.push(
                &rec,
                "duration_min",
                format!("must be at most {MAX_VISIT_DURATION_MIN} minutes, got {}", v.duration_min),
            );
        }
        let mut windows = Vec::with_capacity(v.time_windows.len().max(1));
        for (k, w) in v.time_windows.iter().enumerate() {
            if w.end < w.start {
                let (s, e) = (to_secs(w.start), to_secs(w.end));
                let both_same_day = w.start.date() == w.end.date();
                let (ss, es) = if both_same_day {
                    (hhmm(origin, s), hhmm(origin, e))
                } else {
                    (w.start.to_string(), w.end.to_string())
                };
                diags.push(
                    &rec,
                    format!("time_windows[{k}]"),
                    format!("time window ends ({es}) before it starts ({ss})"),
                );
            } else {
                windows.push((to_secs(w.start), to_secs(w.end)));
            }
        }
        windows.sort_unstable();
        if v.time_windows.is_empty() {
            windows.push((0, horizon_end));
        }
        if !(1..=3).contains(&v.complexity) {
            diags.push(&rec, "complexity", format!("must be 1–3, got {}", v.complexity));
        }
        if let Some(sla) = &v.sla
            && sla.on_site_by < v.created_at
        {
            diags.push(
                &rec,
                "sla.on_site_by",
                format!("SLA deadline ({}) is before the visit was created ({})", sla.on_site_by, v.created_at),
            );
        }
        let tech = |id: &str, field: String, diags: &mut Diagnostics| -> Option<TechIdx> {
            let found = tech_ix.get(id).copied();
            if found.is_none() {
                diags.push(&rec, field, format!("unknown technician {id:?}"));
            }
            found
        };
        let preferred =
            v.preferred_technician.as_deref().and_then(|id| tech(id, "preferred_technician".into(), &mut diags));
        let excluded: Vec<TechIdx> = v
            .excluded_technicians
            .iter()
            .enumerate()
            .filter_map(|(k, id)| tech(id, format!("excluded_technicians[{k}]"), &mut diags))
            .collect();
        let mut pin = PinRule::default();
        if let Some(pn) = &v.pin {
            pin.tech = pn.technician.as_deref().and_then(|id| tech(id, "pin.technician".into(), &mut diags));
            if let Some(day) = pn.day {
                let d = day_index(day);
                if !(0..i64::from(days)).contains(&d) {
                    diags.push(&rec, "pin.day", format!("{day} is outside the horizon {origin} + {days} days"));
                } else {
                    pin.day = Some(d as Day);
                }
            }
            if let Some(start) = pn.start {
                let s = to_secs(start);
                let d = Instance::day_of(s);
                if !(0..i64::from(days)).contains(&d) {
                    diags.push(&rec, "pin.start", format!("{start} is outside the horizon"));
                } else if pin.day.is_some_and(|pd| i64::from(pd) != d) {
                    diags.push(
                        &rec,
                        "pin.start",
                        format!(
                            "{start} is not on the pinned day {}",
                            pn.day.map(|d| d.to_string()).unwrap_or_default()
                        ),
                    );
                } else {
                    pin.start = Some(s);
                    pin.day = Some(d as Day);
                }
            }
            if pn.technician.is_none() && pn.day.is_none() && pn.start.is_none() {
                diags.push(&rec, "pin", "a pin needs a technician, a day or a start");
            }
        }
        let current = v.current.as_ref().and_then(|c| {
            let t = tech(&c.technician, "current.technician".into(), &mut diags)?;
            Some(Current { tech: t, start: to_secs(c.start), communicated: c.communicated })
        });
        if v.status.is_fixed() {
            match &current {
                None if v.current.is_none() => diags.push(
                    &rec,
                    "current",
                    format!("a {:?} visit needs its current technician and start", v.status),
                ),
                Some(c) if !(0..horizon_end).contains(&c.start) => {
                    diags.push(&rec, "current.start", "a dispatched or in-progress visit must start inside the horizon")
                }
                _ => {}
            }
        }
        if let Some(message) = check_range(v.parts_volume, MAX_VOLUME) {
            diags.push(&rec, "parts_volume", message);
        }
        visits.push(VisitInfo {
            id: v.id.clone(),
            loc: locations.len(),
            region: region.unwrap_or(0),
            skill: skill.unwrap_or(0),
            min_level: v.min_level.clamp(1, 3),
            certs,
            duration: v.duration_min.clamp(1, MAX_VISIT_DURATION_MIN) * 60,
            windows,
            priority: v.priority,
            segment: v.segment,
            complexity: v.complexity.clamp(1, 3),
            created: to_secs(v.created_at),
            sla: v.sla.map(|s| to_secs(s.on_site_by)),
            preferred,
            excluded,
            parts: v.parts_volume.max(0.0),
            status: v.status,
            pin,
            current,
        });
        locations.push(v.location);
    }

    check_travel_spec(p, &mut diags);

    let mut regions: Vec<RegionInfo> = p
        .regions
        .iter()
        .enumerate()
        .map(|(idx, r)| RegionInfo { id: r.id.clone(), name: r.name.clone(), idx, plannable_visits: 0 })
        .collect();
    for v in &visits {
        if v.needs_plan()
            && let Some(r) = regions.get_mut(v.region)
        {
            r.plannable_visits += 1;
        }
    }

    diags.into_result(Instance {
        name: p.name.clone(),
        origin,
        days,
        policy: p.policy.clone(),
        locations,
        regions,
        sites,
        skills: p.skills.iter().map(|s| s.id.clone()).collect(),
        certifications: p.certifications.iter().map(|c| c.id.clone()).collect(),
        providers,
        technicians,
        visits,
    })
}

/// Every weight of a policy with its field name (as in `docs/policy.md`).
pub fn policy_weights(p: &Policy) -> Vec<(String, f64)> {
    let mut out = vec![
        ("travel_time_weight".to_string(), p.travel_time_weight),
        ("travel_distance_weight".to_string(), p.travel_distance_weight),
    ];
    for pr in Priority::ALL {
        out.push((format!("sla_late_per_minute.{}", pr.as_str()), p.sla_late_per_minute.get(pr)));
        out.push((format!("unassigned.{}", pr.as_str()), p.unassigned.get(pr)));
    }
    for s in Segment::ALL {
        out.push((format!("sla_segment_factor.{}", s.as_str()), p.sla_segment_factor.get(s)));
    }
    for (name, value) in [
        ("secondary_region", p.secondary_region),
        ("preferred_technician_missed", p.preferred_technician_missed),
        ("over_qualification_per_level", p.over_qualification_per_level),
        ("provider_rating", p.provider_rating),
        ("provider_min_share_shortfall", p.provider_min_share_shortfall),
        ("workload_balance", p.workload_balance),
        ("disruption_move", p.disruption_move),
        ("disruption_move_communicated", p.disruption_move_communicated),
    ] {
        out.push((name.to_string(), value));
    }
    out
}

fn check_travel_spec(p: &Problem, diags: &mut Diagnostics) {
    match &p.travel {
        TravelSpec::Haversine { detour_factor, speed_kmh } => {
            if !(detour_factor.is_finite() && (1.0..=MAX_DETOUR_FACTOR).contains(detour_factor)) {
                diags.push(
                    "travel",
                    "detour_factor",
                    format!("must be 1–{MAX_DETOUR_FACTOR}, got {}", num(*detour_factor)),
                );
            }
            if !(speed_kmh.is_finite() && *speed_kmh > 0.0 && *speed_kmh <= MAX_SPEED_KMH) {
                diags.push(
                    "travel",
                    "speed_kmh",
                    format!("must be > 0 and at most {MAX_SPEED_KMH}, got {}", num(*speed_kmh)),
                );
            }
        }
        TravelSpec::Road { network, access_speed_kmh } => {
            if network.trim().is_empty() {
                diags.push("travel", "network", "must name a road network file");
            }
            if !(access_speed_kmh.is_finite() && *access_speed_kmh > 0.0 && *access_speed_kmh <= MAX_SPEED_KMH) {
                diags.push(
                    "travel",
                    "access_speed_kmh",
                    format!("must be > 0 and at most {MAX_SPEED_KMH}, got {}", num(*access_speed_kmh)),
                );
            }
        }
        TravelSpec::Matrix { locations, durations, distances } => {
            let n = locations.len();
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for (i, id) in locations.iter().enumerate() {
                if let Some(first) = seen.insert(id.as_str(), i) {
                    diags.push(
                        "travel",
                        format!("locations[{i}]"),
                        format!("{id:?} listed twice (also locations[{first}])"),
                    );
                }
            }
            for s in &p.sites {
                if !seen.contains_key(s.id.as_str()) {
                    diags.push("travel", "locations", format!("site {:?} is missing from the matrix", s.id));
                }
            }
            for v in &p.visits {
                if !seen.contains_key(v.id.as_str()) {
                    diags.push("travel", "locations", format!("visit {:?} is missing from the matrix", v.id));
                }
            }
            for (name, m, max) in
                [("durations", durations, MAX_MATRIX_SECONDS), ("distances", distances, MAX_MATRIX_METERS)]
            {
                if m.len() != n {
                    diags.push("travel", name, format!("needs {n} rows (one per location), got {}", m.len()));
                }
                for (r, row) in m.iter().enumerate() {
                    if row.len() != n {
                        diags.push("travel", format!("{name}[{r}]"), format!("needs {n} entries, got {}", row.len()));
                    }
                    if let Some((c, x)) = row.iter().enumerate().find(|(_, x)| check_range(**x, max).is_some()) {
                        diags.push(
                            "travel",
                            format!("{name}[{r}][{c}]"),
                            format!("must be a number in 0–{max}, got {}", num(*x)),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;

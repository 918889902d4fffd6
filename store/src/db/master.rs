//! Master data: one table per concept of the problem format (regions, sites, skills,
//! certifications, providers, technicians and their skills, certifications, regions, shifts and
//! absences, visits and their certifications, windows and exclusions, road networks, and the
//! problem's settings in `meta`). Writing is all-or-nothing and validated with the solver's own
//! validation; reading gives back exactly the problem that was written.

use std::str::FromStr;

use super::backend::{DbError, DbResult, Row, Sql, Tx, args};
use chrono::NaiveDate;
use rota_solver::diagnostics::Diagnostics;
use rota_solver::format::*;
use rota_solver::time::{ClockTime, LocalDateTime};
use rota_solver::validate;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Db, Head, StoreError, head};

/// What an import or a snapshot holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub regions: usize,
    pub sites: usize,
    pub skills: usize,
    pub certifications: usize,
    pub providers: usize,
    pub technicians: usize,
    pub visits: usize,
}

impl Counts {
    pub fn of(p: &Problem) -> Counts {
        Counts {
            regions: p.regions.len(),
            sites: p.sites.len(),
            skills: p.skills.len(),
            certifications: p.certifications.len(),
            providers: p.providers.len(),
            technicians: p.technicians.len(),
            visits: p.visits.len(),
        }
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} regions, {} sites, {} skills, {} certifications, {} providers, {} technicians, {} visits",
            self.regions, self.sites, self.skills, self.certifications, self.providers, self.technicians, self.visits
        )
    }
}

/// A consistent read of the database: the whole problem as stored, with the head it was read at.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub problem: Problem,
    /// The road network the problem's travel model names, as `rota-roads/1` JSON.
    pub roads_json: Option<Vec<u8>>,
    pub head: Head,
    /// Where the current plan version has each visit: visit id → (technician, start).
    pub current_assignments: Vec<(String, String, LocalDateTime)>,
}

pub(crate) fn enum_str<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn corrupt(what: &str, text: &str, e: impl std::fmt::Display) -> DbError {
    DbError::Decode(format!("{what}: cannot read {text:?}: {e}"))
}

fn parse_enum<T: DeserializeOwned>(what: &str, text: &str) -> DbResult<T> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).map_err(|e| corrupt(what, text, e))
}
fn date(what: &str, text: &str) -> DbResult<NaiveDate> {
    NaiveDate::from_str(text).map_err(|e| corrupt(what, text, e))
}
fn moment(what: &str, text: &str) -> DbResult<LocalDateTime> {
    LocalDateTime::parse(text).map_err(|e| corrupt(what, text, e))
}
fn clock(what: &str, text: &str) -> DbResult<ClockTime> {
    ClockTime::parse(text).map_err(|e| corrupt(what, text, e))
}
fn json<T: DeserializeOwned>(what: &str, text: &str) -> DbResult<T> {
    serde_json::from_str(text).map_err(|e| corrupt(what, text, e))
}

const MASTER_TABLES: [&str; 18] = [
    "visit_exclusions",
    "visit_windows",
    "visit_certifications",
    "visits",
    "technician_absences",
    "technician_shifts",
    "technician_regions",
    "technician_certifications",
    "technician_skills",
    "technicians",
    "provider_regions",
    "providers",
    "certifications",
    "skills",
    "sites",
    "regions",
    "meta",
    "road_networks",
];

/// Replaces all master data with `p` (inside the caller's transaction).
pub(crate) fn write_problem(tx: &Tx<'_>, p: &Problem, roads: Option<(&str, &[u8])>) -> DbResult<()> {
    let keep_roads: Option<(String, Vec<u8>)> = match (&p.travel, roads) {
        (_, Some(_)) => None,
        (TravelSpec::Road { network, .. }, None) => tx
            .query_opt("SELECT name, roads_json FROM road_networks WHERE name = ?1", args![network])?
            .map(|r| DbResult::Ok((r.get(0)?, r.get(1)?)))
            .transpose()?,
        _ => None,
    };
    for table in MASTER_TABLES {
        tx.execute(&format!("DELETE FROM {table}"), args![])?;
    }
    if let Some((name, bytes)) = roads {
        tx.execute("INSERT INTO road_networks (name, roads_json) VALUES (?1, ?2)", args![name, bytes])?;
    } else if let Some((name, bytes)) = keep_roads {
        tx.execute("INSERT INTO road_networks (name, roads_json) VALUES (?1, ?2)", args![name, bytes])?;
    }
    let meta = [
        ("format", p.format.clone()),
        ("name", p.name.clone()),
        ("description", p.description.clone()),
        ("timezone", p.timezone.clone()),
        ("horizon_start", p.horizon.start.to_string()),
        ("horizon_days", p.horizon.days.to_string()),
        ("travel", serde_json::to_string(&p.travel).unwrap_or_default()),
        ("policy", serde_json::to_string(&p.policy).unwrap_or_default()),
    ];
    for (k, v) in meta {
        tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", args![k, v])?;
    }
    for (i, r) in p.regions.iter().enumerate() {
        tx.execute(
            "INSERT INTO regions (id, ord, name, geojson) VALUES (?1, ?2, ?3, ?4)",
            args![r.id, i as i64, r.name, serde_json::to_string(&r.area).unwrap_or_default()],
        )?;
    }
    for (i, s) in p.sites.iter().enumerate() {
        tx.execute(
            "INSERT INTO sites (id, ord, name, lat, lon) VALUES (?1, ?2, ?3, ?4, ?5)",
            args![s.id, i as i64, s.name, s.location.lat, s.location.lon],
        )?;
    }
    for (i, s) in p.skills.iter().enumerate() {
        tx.execute("INSERT INTO skills (id, ord, name) VALUES (?1, ?2, ?3)", args![s.id, i as i64, s.name])?;
    }
    for (i, c) in p.certifications.iter().enumerate() {
        tx.execute("INSERT INTO certifications (id, ord, name) VALUES (?1, ?2, ?3)", args![c.id, i as i64, c.name])?;
    }
    for (i, pr) in p.providers.iter().enumerate() {
        write_provider(tx, i, pr)?;
    }
    for (i, t) in p.technicians.iter().enumerate() {
        write_technician(tx, i, t)?;
    }
    let ins = "INSERT INTO visits (id, ord, customer, address, lat, lon, skill_id, min_level, duration_min, priority,
            segment, complexity, created_at, sla_on_site_by, preferred_technician, parts_volume, status,
            pin_technician, pin_day, pin_start, current_technician, current_start, current_communicated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)";
    let cert = "INSERT INTO visit_certifications (visit_id, ord, certification_id) VALUES (?1, ?2, ?3)";
    let win = "INSERT INTO visit_windows (visit_id, ord, start, \"end\") VALUES (?1, ?2, ?3, ?4)";
    let exc = "INSERT INTO visit_exclusions (visit_id, ord, technician_id) VALUES (?1, ?2, ?3)";
    for (i, v) in p.visits.iter().enumerate() {
        let pin = v.pin.clone().unwrap_or_default();
        tx.execute(
            ins,
            args![
                v.id,
                i as i64,
                v.customer,
                v.address,
                v.location.lat,
                v.location.lon,
                v.skill,
                v.min_level,
                v.duration_min,
                enum_str(&v.priority),
                enum_str(&v.segment),
                v.complexity,
                v.created_at.to_string(),
                v.sla.map(|s| s.on_site_by.to_string()),
                v.preferred_technician,
                v.parts_volume,
                enum_str(&v.status),
                pin.technician,
                pin.day.map(|d| d.to_string()),
                pin.start.map(|s| s.to_string()),
                v.current.as_ref().map(|c| c.technician.clone()),
                v.current.as_ref().map(|c| c.start.to_string()),
                v.current.as_ref().is_some_and(|c| c.communicated),
            ],
        )?;
        for (k, c) in v.certifications.iter().enumerate() {
            tx.execute(cert, args![v.id, k as i64, c])?;
        }
        for (k, w) in v.time_windows.iter().enumerate() {
            tx.execute(win, args![v.id, k as i64, w.start.to_string(), w.end.to_string()])?;
        }
        for (k, t) in v.excluded_technicians.iter().enumerate() {
            tx.execute(exc, args![v.id, k as i64, t])?;
        }
    }
    Ok(())
}

pub(crate) fn write_provider(tx: &Tx<'_>, ord: usize, pr: &Provider) -> DbResult<()> {
    tx.execute(
        "INSERT INTO providers (id, ord, name, certification_level, certified_until, min_share_pct, max_share_pct, rating)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        args![
            pr.id,
            ord as i64,
            pr.name,
            pr.certification_level,
            pr.certified_until.to_string(),
            pr.share.min_pct,
            pr.share.max_pct,
            pr.rating
        ],
    )?;
    for (k, r) in pr.regions.iter().enumerate() {
        tx.execute(
            "INSERT INTO provider_regions (provider_id, ord, region_id) VALUES (?1, ?2, ?3)",
            args![pr.id, k as i64, r],
        )?;
    }
    Ok(())
}

pub(crate) fn write_technician(tx: &Tx<'_>, ord: usize, t: &Technician) -> DbResult<()> {
    tx.execute(
        "INSERT INTO technicians (id, ord, name, provider_id, start_site, end_site, max_visits_per_day, capacity,
            cost_per_hour, cost_per_km) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        args![
            t.id,
            ord as i64,
            t.name,
            t.provider,
            t.start_site,
            t.end_site,
            t.max_visits_per_day,
            t.capacity,
            t.cost_per_hour,
            t.cost_per_km
        ],
    )?;
    let skill = "INSERT INTO technician_skills (technician_id, ord, skill_id, level) VALUES (?1, ?2, ?3, ?4)";
    for (k, s) in t.skills.iter().enumerate() {
        tx.execute(skill, args![t.id, k as i64, s.skill, s.level])?;
    }
    let cert = "INSERT INTO technician_certifications (technician_id, ord, certification_id, valid_until) VALUES (?1, ?2, ?3, ?4)";
    for (k, c) in t.certifications.iter().enumerate() {
        tx.execute(cert, args![t.id, k as i64, c.certification, c.valid_until.to_string()])?;
    }
    let region = "INSERT INTO technician_regions (technician_id, kind, ord, region_id) VALUES (?1, ?2, ?3, ?4)";
    for (k, r) in t.regions.iter().enumerate() {
        tx.execute(region, args![t.id, "primary", k as i64, r])?;
    }
    for (k, r) in t.secondary_regions.iter().enumerate() {
        tx.execute(region, args![t.id, "secondary", k as i64, r])?;
    }
    let shift = "INSERT INTO technician_shifts (technician_id, weekday, start, \"end\", break_earliest, break_latest, break_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    for wd in 0..7u32 {
        if let Some(s) = t.shifts.get(wd) {
            tx.execute(
                shift,
                args![
                    t.id,
                    wd,
                    s.start.to_string(),
                    s.end.to_string(),
                    s.break_.as_ref().map(|b| b.earliest.to_string()),
                    s.break_.as_ref().map(|b| b.latest.to_string()),
                    s.break_.as_ref().map(|b| b.minutes),
                ],
            )?;
        }
    }
    let absence =
        "INSERT INTO technician_absences (technician_id, ord, date_from, date_to, reason) VALUES (?1, ?2, ?3, ?4, ?5)";
    for (k, a) in t.absences.iter().enumerate() {
        tx.execute(absence, args![t.id, k as i64, a.from.to_string(), a.to.to_string(), a.reason])?;
    }
    Ok(())
}

/// Reads the whole stored problem, in the order it was written.
pub(crate) fn read_problem(conn: &dyn Sql) -> DbResult<Option<Problem>> {
    let meta: std::collections::BTreeMap<String, String> = conn
        .query("SELECT key, value FROM meta", args![])?
        .iter()
        .map(|r| Ok((r.get(0)?, r.get(1)?)))
        .collect::<DbResult<_>>()?;
    if meta.is_empty() {
        return Ok(None);
    }
    let m = |k: &str| meta.get(k).cloned().unwrap_or_default();
    let horizon = Horizon {
        start: date("meta.horizon_start", &m("horizon_start"))?,
        days: m("horizon_days").parse().map_err(|e| corrupt("meta.horizon_days", &m("horizon_days"), e))?,
    };
    let travel: TravelSpec = json("meta.travel", &m("travel"))?;
    let policy: Policy = json("meta.policy", &m("policy"))?;

    let regions = conn
        .query("SELECT id, name, geojson FROM regions ORDER BY ord", args![])?
        .iter()
        .map(|r| {
            let geo: String = r.get(2)?;
            Ok(Region { id: r.get(0)?, name: r.get(1)?, area: json("regions.geojson", &geo)? })
        })
        .collect::<DbResult<Vec<_>>>()?;
    let sites = conn
        .query("SELECT id, name, lat, lon FROM sites ORDER BY ord", args![])?
        .iter()
        .map(|r| Ok(Site { id: r.get(0)?, name: r.get(1)?, location: Location { lat: r.get(2)?, lon: r.get(3)? } }))
        .collect::<DbResult<Vec<_>>>()?;
    let skills = conn
        .query("SELECT id, name FROM skills ORDER BY ord", args![])?
        .iter()
        .map(|r| Ok(Skill { id: r.get(0)?, name: r.get(1)? }))
        .collect::<DbResult<Vec<_>>>()?;
    let certifications = conn
        .query("SELECT id, name FROM certifications ORDER BY ord", args![])?
        .iter()
        .map(|r| Ok(Certification { id: r.get(0)?, name: r.get(1)? }))
        .collect::<DbResult<Vec<_>>>()?;

    let mut provider_regions =
        grouped(conn, "SELECT provider_id, region_id FROM provider_regions ORDER BY provider_id, ord", |r| {
            r.get::<String>(1)
        })?;
    let providers = conn
        .query(
            "SELECT id, name, certification_level, certified_until, min_share_pct, max_share_pct, rating
             FROM providers ORDER BY ord",
            args![],
        )?
        .iter()
        .map(|r| {
            let id: String = r.get(0)?;
            let until: String = r.get(3)?;
            Ok(Provider {
                name: r.get(1)?,
                certification_level: r.get(2)?,
                certified_until: date("providers.certified_until", &until)?,
                regions: Vec::new(),
                share: ShareAgreement { min_pct: r.get(4)?, max_pct: r.get(5)? },
                rating: r.get(6)?,
                id,
            })
        })
        .collect::<DbResult<Vec<_>>>()?
        .into_iter()
        .map(|mut p| {
            p.regions = provider_regions.remove(&p.id).unwrap_or_default();
            p
        })
        .collect();

    let mut skills_of = grouped(
        conn,
        "SELECT technician_id, skill_id, level FROM technician_skills ORDER BY technician_id, ord",
        |r| Ok(SkillLevel { skill: r.get(1)?, level: r.get(2)? }),
    )?;
    let mut certs_of = grouped(
        conn,
        "SELECT technician_id, certification_id, valid_until FROM technician_certifications ORDER BY technician_id, ord",
        |r| {
            let until: String = r.get(2)?;
            Ok(HeldCertification {
                certification: r.get(1)?,
                valid_until: date("technician_certifications.valid_until", &until)?,
            })
        },
    )?;
    let mut primary_of = grouped(
        conn,
        "SELECT technician_id, region_id FROM technician_regions WHERE kind = 'primary' ORDER BY technician_id, ord",
        |r| r.get::<String>(1),
    )?;
    let mut secondary_of = grouped(
        conn,
        "SELECT technician_id, region_id FROM technician_regions WHERE kind = 'secondary' ORDER BY technician_id, ord",
        |r| r.get::<String>(1),
    )?;
    let mut shifts_of = grouped(
        conn,
        "SELECT technician_id, weekday, start, \"end\", break_earliest, break_latest, break_minutes
         FROM technician_shifts ORDER BY technician_id, weekday",
        |r| {
            let (start, end): (String, String) = (r.get(2)?, r.get(3)?);
            let (be, bl, bm): (Option<String>, Option<String>, Option<u32>) = (r.get(4)?, r.get(5)?, r.get(6)?);
            let break_ = match (be, bl, bm) {
                (Some(e), Some(l), Some(m)) => Some(Break {
                    earliest: clock("technician_shifts.break_earliest", &e)?,
                    latest: clock("technician_shifts.break_latest", &l)?,
                    minutes: m,
                }),
                _ => None,
            };
            Ok((
                r.get::<u32>(1)?,
                Shift {
                    start: clock("technician_shifts.start", &start)?,
                    end: clock("technician_shifts.end", &end)?,
                    break_,
                },
            ))
        },
    )?;
    let mut absences_of = grouped(
        conn,
        "SELECT technician_id, date_from, date_to, reason FROM technician_absences ORDER BY technician_id, ord",
        |r| {
            let (f, t): (String, String) = (r.get(1)?, r.get(2)?);
            Ok(Absence {
                from: date("technician_absences.date_from", &f)?,
                to: date("technician_absences.date_to", &t)?,
                reason: r.get(3)?,
            })
        },
    )?;
    let technicians = conn
        .query("SELECT id, name, provider_id, start_site, end_site, max_visits_per_day, capacity, cost_per_hour, cost_per_km
             FROM technicians ORDER BY ord", args![])?.iter().map(|r| {
            Ok(Technician {
                id: r.get(0)?,
                name: r.get(1)?,
                provider: r.get(2)?,
                start_site: r.get(3)?,
                end_site: r.get(4)?,
                skills: Vec::new(),
                certifications: Vec::new(),
                regions: Vec::new(),
                secondary_regions: Vec::new(),
                shifts: WeekShifts::default(),
                absences: Vec::new(),
                max_visits_per_day: r.get(5)?,
                capacity: r.get(6)?,
                cost_per_hour: r.get(7)?,
                cost_per_km: r.get(8)?,
            })
        }).collect::<DbResult<Vec<_>>>()?
        .into_iter()
        .map(|mut t| {
            t.skills = skills_of.remove(&t.id).unwrap_or_default();
            t.certifications = certs_of.remove(&t.id).unwrap_or_default();
            t.regions = primary_of.remove(&t.id).unwrap_or_default();
            t.secondary_regions = secondary_of.remove(&t.id).unwrap_or_default();
            t.absences = absences_of.remove(&t.id).unwrap_or_default();
            for (wd, s) in shifts_of.remove(&t.id).unwrap_or_default() {
                let slot = match wd {
                    0 => &mut t.shifts.mon,
                    1 => &mut t.shifts.tue,
                    2 => &mut t.shifts.wed,
                    3 => &mut t.shifts.thu,
                    4 => &mut t.shifts.fri,
                    5 => &mut t.shifts.sat,
                    _ => &mut t.shifts.sun,
                };
                *slot = Some(s);
            }
            t
        })
        .collect();

    let mut vcerts =
        grouped(conn, "SELECT visit_id, certification_id FROM visit_certifications ORDER BY visit_id, ord", |r| {
            r.get::<String>(1)
        })?;
    let mut windows =
        grouped(conn, "SELECT visit_id, start, \"end\" FROM visit_windows ORDER BY visit_id, ord", |r| {
            let (s, e): (String, String) = (r.get(1)?, r.get(2)?);
            Ok(TimeWindow { start: moment("visit_windows.start", &s)?, end: moment("visit_windows.end", &e)? })
        })?;
    let mut excluded =
        grouped(conn, "SELECT visit_id, technician_id FROM visit_exclusions ORDER BY visit_id, ord", |r| {
            r.get::<String>(1)
        })?;
    let visits = conn
        .query(
            "SELECT id, customer, address, lat, lon, skill_id, min_level, duration_min, priority, segment, complexity,
                created_at, sla_on_site_by, preferred_technician, parts_volume, status, pin_technician, pin_day,
                pin_start, current_technician, current_start, current_communicated
             FROM visits ORDER BY ord",
            args![],
        )?
        .iter()
        .map(|r| {
            let text = |i: usize| r.get::<String>(i);
            let opt = |i: usize| r.get::<Option<String>>(i);
            let created = text(11)?;
            let pin_tech = opt(16)?;
            let pin_day = opt(17)?.map(|d| date("visits.pin_day", &d)).transpose()?;
            let pin_start = opt(18)?.map(|d| moment("visits.pin_start", &d)).transpose()?;
            let pin = (pin_tech.is_some() || pin_day.is_some() || pin_start.is_some()).then_some(Pin {
                technician: pin_tech,
                day: pin_day,
                start: pin_start,
            });
            let current = match (opt(19)?, opt(20)?) {
                (Some(t), Some(s)) => Some(CurrentAssignment {
                    technician: t,
                    start: moment("visits.current_start", &s)?,
                    communicated: r.get(21)?,
                }),
                _ => None,
            };
            Ok(Visit {
                id: text(0)?,
                customer: text(1)?,
                address: opt(2)?,
                location: Location { lat: r.get(3)?, lon: r.get(4)? },
                skill: text(5)?,
                min_level: r.get(6)?,
                certifications: Vec::new(),
                duration_min: r.get(7)?,
                time_windows: Vec::new(),
                priority: parse_enum("visits.priority", &text(8)?)?,
                segment: parse_enum("visits.segment", &text(9)?)?,
                complexity: r.get(10)?,
                created_at: moment("visits.created_at", &created)?,
                sla: opt(12)?
                    .map(|s| moment("visits.sla_on_site_by", &s).map(|on_site_by| Sla { on_site_by }))
                    .transpose()?,
                preferred_technician: opt(13)?,
                excluded_technicians: Vec::new(),
                parts_volume: r.get(14)?,
                status: parse_enum("visits.status", &text(15)?)?,
                pin,
                current,
            })
        })
        .collect::<DbResult<Vec<_>>>()?
        .into_iter()
        .map(|mut v| {
            v.certifications = vcerts.remove(&v.id).unwrap_or_default();
            v.time_windows = windows.remove(&v.id).unwrap_or_default();
            v.excluded_technicians = excluded.remove(&v.id).unwrap_or_default();
            v
        })
        .collect();

    Ok(Some(Problem {
        format: m("format"),
        name: m("name"),
        description: m("description"),
        timezone: m("timezone"),
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
    }))
}

/// Rows grouped by their first column (a parent id), in query order.
fn grouped<T>(
    conn: &dyn Sql,
    sql: &str,
    f: impl Fn(&Row) -> DbResult<T>,
) -> DbResult<std::collections::HashMap<String, Vec<T>>> {
    let mut map: std::collections::HashMap<String, Vec<T>> = std::collections::HashMap::new();
    for row in conn.query(sql, args![])? {
        map.entry(row.get(0)?).or_default().push(f(&row)?);
    }
    Ok(map)
}

fn road_network_name(p: &Problem) -> Option<&str> {
    match &p.travel {
        TravelSpec::Road { network, .. } => Some(network.as_str()),
        _ => None,
    }
}

impl Db {
    /// Replaces all master data with a problem, validated first (every mistake, each with its
    /// record and field); `roads` stores the road network its travel model names. All or nothing.
    pub fn import_problem(
        &mut self,
        source: &std::path::Path,
        p: &Problem,
        roads: Option<(&str, &[u8])>,
    ) -> Result<Counts, StoreError> {
        let mut diags = match validate::compile(p) {
            Ok(_) => Diagnostics::default(),
            Err(d) => d,
        };
        if let Some(network) = road_network_name(p) {
            let stored: bool = self
                .sql()
                .query_one("SELECT count(*) FROM road_networks WHERE name = ?1", args![network])
                .and_then(|r| r.get::<i64>(0))
                .map_err(self.db_err())?
                > 0;
            if !stored && roads.is_none_or(|(name, _)| name != network) {
                diags.push("travel", "network", format!("road network {network:?} is not in the database; import it with `rota import --db … roads FILE`"));
            }
        }
        if !diags.is_empty() {
            return Err(StoreError::Invalid { path: source.to_path_buf(), diagnostics: diags });
        }
        let err = self.db_err();
        self.write(|tx| write_problem(tx, p, roads).map_err(err))?;
        Ok(Counts::of(p))
    }

    /// Stores a road network (`rota-roads/1` JSON) under a name, replacing one of that name.
    pub fn import_road_network(&mut self, name: &str, roads_json: &[u8]) -> Result<(), StoreError> {
        let err = self.db_err();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO road_networks (name, roads_json) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET roads_json = excluded.roads_json",
                args![name, roads_json],
            )
            .map(|_| ())
            .map_err(err)
        })
    }

    /// The stored problem as it was written (all visits, the stored horizon), or `None` for an
    /// empty database.
    pub fn problem(&self) -> Result<Option<Problem>, StoreError> {
        read_problem(self.sql()).map_err(self.db_err())
    }

    /// One consistent read (a read transaction) of the problem, its road network, the head and
    /// the current plan's assignments.
    pub fn snapshot(&mut self) -> Result<Snapshot, StoreError> {
        let path = self.path.clone();
        let err = self.db_err();
        let tx = self.begin(super::Lock::Read)?;
        let head = head(&tx).map_err(&err)?;
        let problem = read_problem(&tx).map_err(&err)?.ok_or_else(|| StoreError::Empty { path: path.clone() })?;
        let roads_json = match road_network_name(&problem) {
            Some(name) => tx
                .query_opt("SELECT roads_json FROM road_networks WHERE name = ?1", args![name])
                .and_then(|r| r.map(|r| r.get(0)).transpose())
                .map_err(&err)?,
            None => None,
        };
        let mut current_assignments = Vec::new();
        if let Some(id) = head.current_plan_id {
            let rows = tx
                .query(
                    "SELECT visit_id, technician_id, start FROM assignments WHERE plan_id = ?1 ORDER BY visit_id",
                    args![id],
                )
                .map_err(&err)?;
            for r in rows {
                let s: String = r.get(2).map_err(&err)?;
                current_assignments.push((
                    r.get(0).map_err(&err)?,
                    r.get(1).map_err(&err)?,
                    moment("assignments.start", &s).map_err(&err)?,
                ));
            }
        }
        drop(tx);
        Ok(Snapshot { problem, roads_json, head, current_assignments })
    }

    /// A dispatcher's edit: pins a visit (or removes its pin with `None`). One transaction;
    /// increments the revision, so a batch that read an older revision will not overwrite it.
    pub fn set_pin(&mut self, visit: &str, pin: Option<&Pin>) -> Result<(), StoreError> {
        let err = self.db_err();
        let changed = self.write(|tx| {
            tx.execute(
                "UPDATE visits SET pin_technician = ?2, pin_day = ?3, pin_start = ?4 WHERE id = ?1",
                args![
                    visit,
                    pin.and_then(|p| p.technician.clone()),
                    pin.and_then(|p| p.day).map(|d| d.to_string()),
                    pin.and_then(|p| p.start).map(|s| s.to_string())
                ],
            )
            .map_err(err)
        })?;
        if changed == 0 {
            let mut d = Diagnostics::default();
            d.push("visit", "id", format!("unknown visit {visit:?}"));
            return Err(StoreError::Invalid { path: self.path.clone(), diagnostics: d });
        }
        Ok(())
    }
}

impl Db {
    /// Imports regions from a GeoJSON FeatureCollection: each feature's `properties.id` (or the
    /// feature `id`) and `properties.name`, its Polygon/MultiPolygon geometry. Replaces regions
    /// with the same id, adds new ones; validated as a whole; all or nothing.
    pub fn import_regions_geojson(&mut self, source: &std::path::Path, text: &str) -> Result<usize, StoreError> {
        let mut diags = Diagnostics::default();
        let invalid = |diags: Diagnostics| StoreError::Invalid { path: source.to_path_buf(), diagnostics: diags };
        let mut problem = self.problem()?.ok_or_else(|| StoreError::Empty { path: self.path.clone() })?;
        let doc: serde_json::Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                diags.push("file", "", format!("not valid JSON: {e}"));
                return Err(invalid(diags));
            }
        };
        let Some(features) = doc.get("features").and_then(|f| f.as_array()) else {
            diags.push("file", "features", "expected a GeoJSON FeatureCollection");
            return Err(invalid(diags));
        };
        let mut n = 0;
        for (i, f) in features.iter().enumerate() {
            let props = f.get("properties");
            let id =
                props.and_then(|p| p.get("id")).or_else(|| f.get("id")).and_then(|v| v.as_str()).map(str::to_string);
            let record = rota_solver::diagnostics::record_label("features", i, id.as_deref());
            let Some(id) = id.filter(|s| !s.trim().is_empty()) else {
                diags.push(record, "properties.id", "missing: each region needs an id");
                continue;
            };
            let name = props.and_then(|p| p.get("name")).and_then(|v| v.as_str()).unwrap_or(&id).to_string();
            let area: Area = match f.get("geometry").map(|g| serde_json::from_value(g.clone())) {
                Some(Ok(a)) => a,
                Some(Err(e)) => {
                    diags.push(record, "geometry", format!("expected a Polygon or MultiPolygon: {e}"));
                    continue;
                }
                None => {
                    diags.push(record, "geometry", "missing");
                    continue;
                }
            };
            let region = Region { id: id.clone(), name, area };
            match problem.regions.iter().position(|r| r.id == id) {
                Some(k) => problem.regions[k] = region,
                None => problem.regions.push(region),
            }
            n += 1;
        }
        if diags.is_empty()
            && let Err(found) = validate::compile(&problem)
        {
            diags = found;
        }
        if !diags.is_empty() {
            return Err(invalid(diags));
        }
        let err = self.db_err();
        self.write(|tx| write_problem(tx, &problem, None).map_err(err))?;
        Ok(n)
    }
}

//! Exports of a plan version: CSV (one row per stop), GeoJSON (one LineString per route, one
//! Point per stop) and iCalendar (RFC 5545, one calendar per technician).

use std::collections::BTreeMap;
use std::fmt::Write;

use rota_solver::format::{Plan, Problem};
use rota_solver::travel::geometry::{places, route_line, route_places};
use rota_solver::travel::road::RoadGraph;

/// One row per stop, then one per unassigned visit (empty technician).
pub fn plan_csv(plan: &Plan) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "technician",
        "day",
        "seq",
        "visit",
        "arrival",
        "start",
        "end",
        "travel_s",
        "distance_m",
        "sla_late_min",
        "unassigned_reason",
    ])?;
    for r in &plan.routes {
        for (k, s) in r.stops.iter().enumerate() {
            w.write_record([
                r.technician.clone(),
                r.day.to_string(),
                (k + 1).to_string(),
                s.visit.clone(),
                s.arrival.to_string(),
                s.start.to_string(),
                s.end.to_string(),
                s.leg.travel_s.to_string(),
                format!("{:.0}", s.leg.distance_m),
                s.sla_late_min.to_string(),
                String::new(),
            ])?;
        }
    }
    for u in &plan.unassigned {
        let code = u.reasons.first().map(|r| r.code.as_str()).unwrap_or("");
        w.write_record(["", "", "", &u.visit, "", "", "", "", "", "", code])?;
    }
    let bytes = w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Routes as a GeoJSON FeatureCollection: per route a LineString (start site → stops → end
/// site) and a Point per stop. With a road graph the lines follow the roads (property
/// `line: "road"`); without one, or where a leg has no road path, they are straight
/// (`line: "straight"`).
pub fn plan_geojson(plan: &Plan, problem: &Problem, roads: Option<&RoadGraph>) -> serde_json::Value {
    let at = places(problem);
    let pos = |id: &str| at.get(id).map(|l| serde_json::json!([l.lon, l.lat]));
    let mut features = Vec::new();
    for r in &plan.routes {
        let (coords, line) = route_line(&route_places(r, &at), roads);
        features.push(serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": coords},
            "properties": {
                "kind": "route", "technician": r.technician, "day": r.day.to_string(),
                "start": r.start.to_string(), "end": r.end.to_string(),
                "stops": r.stops.len(), "travel_s": r.travel_s, "distance_m": r.distance_m,
                "line": line.as_str(),
            }
        }));
        for (k, s) in r.stops.iter().enumerate() {
            if let Some(p) = pos(&s.visit) {
                features.push(serde_json::json!({
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": p},
                    "properties": {
                        "kind": "stop", "technician": r.technician, "day": r.day.to_string(), "seq": k + 1,
                        "visit": s.visit, "start": s.start.to_string(), "end": s.end.to_string(),
                    }
                }));
            }
        }
    }
    serde_json::json!({"type": "FeatureCollection", "features": features})
}

/// RFC 5545 text escaping.
fn ical_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// Folds a content line at 75 octets (RFC 5545 §3.1).
fn fold(line: &str, out: &mut String) {
    let mut used = 0;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(ch);
        used += n;
    }
    out.push_str("\r\n");
}

/// One iCalendar per technician with work: technician id → `.ics` text. Times are local to
/// the problem's time zone (`TZID`); `stamp` is the DTSTAMP (UTC, `YYYYMMDDTHHMMSSZ`).
pub fn plan_icalendars(plan: &Plan, problem: &Problem, version: i64, stamp: &str) -> BTreeMap<String, String> {
    let visits: BTreeMap<&str, &rota_solver::format::Visit> =
        problem.visits.iter().map(|v| (v.id.as_str(), v)).collect();
    let tz = &problem.timezone;
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let fmt = |t: rota_solver::time::LocalDateTime| t.0.format("%Y%m%dT%H%M%S").to_string();
    for r in &plan.routes {
        let cal = out.entry(r.technician.clone()).or_insert_with(|| {
            let mut c = String::new();
            for l in [
                "BEGIN:VCALENDAR".to_string(),
                "VERSION:2.0".to_string(),
                "PRODID:-//Rota//Rota plan export//EN".to_string(),
                "CALSCALE:GREGORIAN".to_string(),
                format!("X-WR-CALNAME:{}", ical_text(&format!("Rota plan v{version} — {}", r.technician))),
            ] {
                fold(&l, &mut c);
            }
            c
        });
        for s in &r.stops {
            let v = visits.get(s.visit.as_str());
            let summary = match v {
                Some(v) => format!("{} — {} ({})", v.id, v.customer, v.skill),
                None => s.visit.clone(),
            };
            let mut lines = vec![
                "BEGIN:VEVENT".to_string(),
                format!("UID:rota-v{version}-{}-{}@rota", s.visit, r.technician),
                format!("DTSTAMP:{stamp}"),
                format!("DTSTART;TZID={tz}:{}", fmt(s.start)),
                format!("DTEND;TZID={tz}:{}", fmt(s.end)),
                format!("SUMMARY:{}", ical_text(&summary)),
            ];
            if let Some(v) = v {
                if let Some(a) = &v.address {
                    lines.push(format!("LOCATION:{}", ical_text(a)));
                }
                lines.push(format!("GEO:{};{}", v.location.lat, v.location.lon));
                lines.push(format!(
                    "DESCRIPTION:{}",
                    ical_text(&format!(
                        "priority {}, {} min, arrival {}",
                        v.priority.as_str(),
                        v.duration_min,
                        s.arrival
                    ))
                ));
            }
            lines.push("END:VEVENT".to_string());
            for l in lines {
                fold(&l, cal);
            }
        }
    }
    for cal in out.values_mut() {
        fold("END:VCALENDAR", cal);
    }
    out
}

/// A readable, unique file name for a technician's calendar.
pub fn safe_file_name(id: &str) -> String {
    let mut s = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            s.push(c);
        } else {
            let _ = write!(s, "_{:x}", c as u32);
        }
    }
    s
}

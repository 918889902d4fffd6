//! A small, valid problem for unit tests, built as JSON so tests can break it field by field.

use serde_json::{Value, json};

/// Two regions side by side (West: lon 10.00–10.05, East: lon 10.05–10.10, lat 50.00–50.05),
/// one site in each, two technicians, five visits over two days starting Monday 2026-12-07.
pub fn small_problem_json() -> Value {
    let shift =
        json!({"start": "08:00", "end": "16:00", "break": {"earliest": "11:30", "latest": "13:30", "minutes": 30}});
    json!({
        "format": "rota-problem/1",
        "name": "testkit",
        "timezone": "Europe/Berlin",
        "horizon": {"start": "2026-12-07", "days": 2},
        "travel": {"model": "haversine", "detour_factor": 1.3, "speed_kmh": 40.0},
        "regions": [
            {"id": "west", "name": "West", "area": {"type": "Polygon", "coordinates": [[[10.0, 50.0], [10.05, 50.0], [10.05, 50.05], [10.0, 50.05], [10.0, 50.0]]]}},
            {"id": "east", "name": "East", "area": {"type": "Polygon", "coordinates": [[[10.05, 50.0], [10.1, 50.0], [10.1, 50.05], [10.05, 50.05], [10.05, 50.0]]]}}
        ],
        "sites": [
            {"id": "S-W", "name": "West depot", "location": {"lat": 50.02, "lon": 10.02}},
            {"id": "S-E", "name": "East depot", "location": {"lat": 50.02, "lon": 10.08}}
        ],
        "skills": [{"id": "hvac", "name": "HVAC"}, {"id": "electrical", "name": "Electrical"}],
        "certifications": [{"id": "gas-safe", "name": "Gas safe"}],
        "providers": [
            {"id": "P1", "name": "Provider One", "certification_level": 2, "certified_until": "2027-06-30", "regions": ["east"], "share": {"min_pct": 0, "max_pct": 100}, "rating": 0.8}
        ],
        "technicians": [
            {"id": "T1", "name": "Anna", "start_site": "S-W", "skills": [{"skill": "hvac", "level": 3}, {"skill": "electrical", "level": 1}],
             "certifications": [{"certification": "gas-safe", "valid_until": "2027-01-31"}],
             "regions": ["west"], "secondary_regions": ["east"],
             "shifts": {"mon": shift, "tue": shift}, "max_visits_per_day": 6, "capacity": 50},
            {"id": "T2", "name": "Wei", "provider": "P1", "start_site": "S-E", "skills": [{"skill": "electrical", "level": 2}],
             "regions": ["east"], "shifts": {"mon": shift, "tue": shift}, "max_visits_per_day": 6, "capacity": 50}
        ],
        "visits": [
            {"id": "V1", "customer": "Bakery", "location": {"lat": 50.01, "lon": 10.01}, "skill": "hvac", "min_level": 2, "duration_min": 60,
             "time_windows": [{"start": "2026-12-07T08:00", "end": "2026-12-07T12:00"}], "priority": "standard", "segment": "value",
             "created_at": "2026-12-01T09:00", "sla": {"on_site_by": "2026-12-08T17:00"}},
            {"id": "V2", "customer": "School", "location": {"lat": 50.03, "lon": 10.03}, "skill": "hvac", "min_level": 1, "certifications": ["gas-safe"],
             "duration_min": 90, "priority": "vip", "segment": "churn-risk", "created_at": "2026-12-06T10:00", "sla": {"on_site_by": "2026-12-07T10:00"}},
            {"id": "V3", "customer": "Office", "location": {"lat": 50.02, "lon": 10.07}, "skill": "electrical", "min_level": 2, "duration_min": 45,
             "time_windows": [{"start": "2026-12-08T12:00", "end": "2026-12-08T16:00"}], "priority": "standard", "segment": "new", "created_at": "2026-12-02T09:00"},
            {"id": "V4", "customer": "Clinic", "location": {"lat": 50.04, "lon": 10.09}, "skill": "electrical", "min_level": 1, "duration_min": 30,
             "priority": "emergency", "segment": "growth", "created_at": "2026-12-07T09:00", "sla": {"on_site_by": "2026-12-07T13:00"}, "parts_volume": 10},
            {"id": "V5", "customer": "Shop", "location": {"lat": 50.01, "lon": 10.06}, "skill": "electrical", "min_level": 1, "duration_min": 30,
             "priority": "standard", "segment": "new", "created_at": "2026-12-03T09:00", "pin": {"technician": "T2", "day": "2026-12-08"}}
        ]
    })
}

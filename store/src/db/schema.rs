//! The schema, as versioned migrations (`rusqlite_migration`). A migration is never edited
//! once released; a change is a new migration appended to [`MIGRATIONS`].

use rusqlite_migration::{M, Migrations};

/// Version 1: master data (every concept of the problem format, normalized) and plan versions.
pub const V1: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE regions (
    id      TEXT PRIMARY KEY,
    ord     INTEGER NOT NULL,
    name    TEXT NOT NULL,
    geojson TEXT NOT NULL
) STRICT;

CREATE TABLE sites (
    id   TEXT PRIMARY KEY,
    ord  INTEGER NOT NULL,
    name TEXT NOT NULL,
    lat  REAL NOT NULL,
    lon  REAL NOT NULL
) STRICT;

CREATE TABLE skills (
    id   TEXT PRIMARY KEY,
    ord  INTEGER NOT NULL,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE certifications (
    id   TEXT PRIMARY KEY,
    ord  INTEGER NOT NULL,
    name TEXT NOT NULL
) STRICT;

CREATE TABLE providers (
    id                  TEXT PRIMARY KEY,
    ord                 INTEGER NOT NULL,
    name                TEXT NOT NULL,
    certification_level INTEGER NOT NULL,
    certified_until     TEXT NOT NULL,
    min_share_pct       REAL NOT NULL,
    max_share_pct       REAL NOT NULL,
    rating              REAL
) STRICT;

CREATE TABLE provider_regions (
    provider_id TEXT NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
    ord         INTEGER NOT NULL,
    region_id   TEXT NOT NULL REFERENCES regions(id),
    PRIMARY KEY (provider_id, region_id)
) STRICT;

CREATE TABLE technicians (
    id                 TEXT PRIMARY KEY,
    ord                INTEGER NOT NULL,
    name               TEXT NOT NULL,
    provider_id        TEXT REFERENCES providers(id),
    start_site         TEXT NOT NULL REFERENCES sites(id),
    end_site           TEXT REFERENCES sites(id),
    max_visits_per_day INTEGER NOT NULL,
    capacity           REAL NOT NULL,
    cost_per_hour      REAL NOT NULL,
    cost_per_km        REAL NOT NULL
) STRICT;

CREATE TABLE technician_skills (
    technician_id TEXT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    ord           INTEGER NOT NULL,
    skill_id      TEXT NOT NULL REFERENCES skills(id),
    level         INTEGER NOT NULL,
    PRIMARY KEY (technician_id, ord)
) STRICT;

CREATE TABLE technician_certifications (
    technician_id    TEXT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    ord              INTEGER NOT NULL,
    certification_id TEXT NOT NULL REFERENCES certifications(id),
    valid_until      TEXT NOT NULL,
    PRIMARY KEY (technician_id, ord)
) STRICT;

-- kind: 'primary' or 'secondary'
CREATE TABLE technician_regions (
    technician_id TEXT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('primary', 'secondary')),
    ord           INTEGER NOT NULL,
    region_id     TEXT NOT NULL REFERENCES regions(id),
    PRIMARY KEY (technician_id, kind, ord)
) STRICT;

-- weekday: 0 = Monday … 6 = Sunday; times are local "HH:MM"
CREATE TABLE technician_shifts (
    technician_id  TEXT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    weekday        INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start          TEXT NOT NULL,
    end            TEXT NOT NULL,
    break_earliest TEXT,
    break_latest   TEXT,
    break_minutes  INTEGER,
    PRIMARY KEY (technician_id, weekday)
) STRICT;

CREATE TABLE technician_absences (
    technician_id TEXT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    ord           INTEGER NOT NULL,
    date_from     TEXT NOT NULL,
    date_to       TEXT NOT NULL,
    reason        TEXT,
    PRIMARY KEY (technician_id, ord)
) STRICT;

CREATE TABLE visits (
    id                    TEXT PRIMARY KEY,
    ord                   INTEGER NOT NULL,
    customer              TEXT NOT NULL,
    address               TEXT,
    lat                   REAL NOT NULL,
    lon                   REAL NOT NULL,
    skill_id              TEXT NOT NULL REFERENCES skills(id),
    min_level             INTEGER NOT NULL,
    duration_min          INTEGER NOT NULL,
    priority              TEXT NOT NULL,
    segment               TEXT NOT NULL,
    complexity            INTEGER NOT NULL,
    created_at            TEXT NOT NULL,
    sla_on_site_by        TEXT,
    preferred_technician  TEXT REFERENCES technicians(id),
    parts_volume          REAL NOT NULL,
    status                TEXT NOT NULL,
    pin_technician        TEXT REFERENCES technicians(id),
    pin_day               TEXT,
    pin_start             TEXT,
    current_technician    TEXT REFERENCES technicians(id),
    current_start         TEXT,
    current_communicated  INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE visit_certifications (
    visit_id         TEXT NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    ord              INTEGER NOT NULL,
    certification_id TEXT NOT NULL REFERENCES certifications(id),
    PRIMARY KEY (visit_id, ord)
) STRICT;

CREATE TABLE visit_windows (
    visit_id TEXT NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    ord      INTEGER NOT NULL,
    start    TEXT NOT NULL,
    end      TEXT NOT NULL,
    PRIMARY KEY (visit_id, ord)
) STRICT;

CREATE TABLE visit_exclusions (
    visit_id      TEXT NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    ord           INTEGER NOT NULL,
    technician_id TEXT NOT NULL REFERENCES technicians(id),
    PRIMARY KEY (visit_id, ord)
) STRICT;

-- Road networks, stored as rota-roads/1 JSON (OpenStreetMap imports are converted).
CREATE TABLE road_networks (
    name       TEXT PRIMARY KEY,
    roads_json BLOB NOT NULL
) STRICT;

-- Plan versions: immutable once written. author: dispatcher, batch, what-if, solver, import.
CREATE TABLE plan_versions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id       INTEGER REFERENCES plan_versions(id),
    author          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    horizon_start   TEXT NOT NULL,
    horizon_days    INTEGER NOT NULL,
    solver          TEXT NOT NULL,
    seed            INTEGER NOT NULL,
    settings_json   TEXT NOT NULL,
    kpis_json       TEXT NOT NULL,
    objective_total REAL NOT NULL,
    objective_json  TEXT NOT NULL,
    plan_json       TEXT NOT NULL
) STRICT;

-- The plan's assignments, normalized for queries (the full plan is plan_versions.plan_json).
CREATE TABLE assignments (
    plan_id       INTEGER NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
    visit_id      TEXT NOT NULL,
    technician_id TEXT NOT NULL,
    day           TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    start         TEXT NOT NULL,
    end           TEXT NOT NULL,
    PRIMARY KEY (plan_id, visit_id)
) STRICT;

CREATE TABLE unassigned (
    plan_id     INTEGER NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
    visit_id    TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    message     TEXT NOT NULL,
    PRIMARY KEY (plan_id, visit_id)
) STRICT;

-- The one current plan and the revision counter of optimistic concurrency: every committed
-- change (master data, a plan version) increments `revision`.
CREATE TABLE head (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    current_plan_id INTEGER REFERENCES plan_versions(id),
    revision        INTEGER NOT NULL
) STRICT;
INSERT INTO head (id, current_plan_id, revision) VALUES (1, NULL, 0);
"#;

/// Version 2: shard tags on plan versions, a note, and indexes for the board's queries.
pub const V2: &str = r#"
ALTER TABLE plan_versions ADD COLUMN shard TEXT;
ALTER TABLE plan_versions ADD COLUMN note TEXT NOT NULL DEFAULT '';
CREATE INDEX assignments_by_technician ON assignments (plan_id, technician_id, day, seq);
CREATE INDEX visits_by_status ON visits (status);
"#;

/// Version 3: provider performance records, trusted rating-feed issuers, imported feeds and
/// their ratings (the SQL lives with its code in [`super::ratings::MIGRATION`]).
pub const V3: &str = super::ratings::MIGRATION;

/// Version 4: visit history and what-if scenarios for coverage planning (the SQL lives with its
/// code in [`super::coverage::MIGRATION`]).
pub const V4: &str = super::coverage::MIGRATION;

/// Every migration, oldest first. The schema version is `PRAGMA user_version`.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(V1), M::up(V2), M::up(V3), M::up(V4)])
}

/// The latest schema version.
pub const LATEST: usize = 4;

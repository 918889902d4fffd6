//! The PostgreSQL schema: the same tables, columns and migration versions as the SQLite schema
//! ([`super::schema`], whose version `N` is this list's version `N`), in PostgreSQL's types —
//! `BIGINT` for every integer (booleans are 0/1 as on SQLite), `DOUBLE PRECISION`, `TEXT`,
//! `BYTEA`, `BIGSERIAL` ids — and the column `end` quoted (a reserved word here). The version is
//! the one row of `rota_schema`. A released migration is never edited; a change appends one
//! migration here and one to the SQLite list.
//!
//! [`migrate`] runs every missing migration in one transaction under an advisory lock (shards
//! and app instances opening a new database at once apply it once), and refuses a database whose
//! version is newer than this program's.

use super::backend::{DbError, PgClient, Sql, args};

/// Version 1: master data and plan versions.
pub const V1: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE regions (
    id      TEXT PRIMARY KEY,
    ord     BIGINT NOT NULL,
    name    TEXT NOT NULL,
    geojson TEXT NOT NULL
);

CREATE TABLE sites (
    id   TEXT PRIMARY KEY,
    ord  BIGINT NOT NULL,
    name TEXT NOT NULL,
    lat  DOUBLE PRECISION NOT NULL,
    lon  DOUBLE PRECISION NOT NULL
);

CREATE TABLE skills (
    id   TEXT PRIMARY KEY,
    ord  BIGINT NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE certifications (
    id   TEXT PRIMARY KEY,
    ord  BIGINT NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE providers (
    id                  TEXT PRIMARY KEY,
    ord                 BIGINT NOT NULL,
    name                TEXT NOT NULL,
    certification_level BIGINT NOT NULL,
    certified_until     TEXT NOT NULL,
    min_share_pct       DOUBLE PRECISION NOT NULL,
    max_share_pct       DOUBLE PRECISION NOT NULL,
    rating              DOUBLE PRECISION
);

CREATE TABLE provider_regions (
    provider_id TEXT NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
    ord         BIGINT NOT NULL,
    region_id   TEXT NOT NULL REFERENCES regions(id),
    PRIMARY KEY (provider_id, region_id)
);

CREATE TABLE technicians (
    id                 TEXT PRIMARY KEY,
    ord                BIGINT NOT NULL,
    name               TEXT NOT NULL,
    provider_id        TEXT REFERENCES providers(id),
    start_site         TEXT NOT NULL REFERENCES sites(id),
    end_site           TEXT REFERENCES sites(id),
    max_visits_per_day BIGINT NOT NULL,
    capacity           DOUBLE PRECISION NOT NULL,
    cost_per_hour      DOUBLE PRECISION NOT NULL,
    cost_per_km        DOUBLE PRECISION NOT NULL
);

CREATE TABLE technician_skills (
    technician_id TEXT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    ord           BIGINT NOT NULL,
    skill_id      TEXT NOT NULL REFERENCES skills(id),
    level         BIGINT NOT NULL,
    PRIMARY KEY (technician_id, ord)
);

CREATE TABLE technician_certifications (
    technician_id    TEXT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    ord              BIGINT NOT NULL,
    certification_id TEXT NOT NULL REFERENCES certifications(id),
    valid_until      TEXT NOT NULL,
    PRIMARY KEY (technician_id, ord)
);

-- kind: 'primary' or 'secondary'
CREATE TABLE technician_regions (
    technician_id TEXT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('primary', 'secondary')),
    ord           BIGINT NOT NULL,
    region_id     TEXT NOT NULL REFERENCES regions(id),
    PRIMARY KEY (technician_id, kind, ord)
);

-- weekday: 0 = Monday … 6 = Sunday; times are local "HH:MM"
CREATE TABLE technician_shifts (
    technician_id  TEXT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    weekday        BIGINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start          TEXT NOT NULL,
    "end"          TEXT NOT NULL,
    break_earliest TEXT,
    break_latest   TEXT,
    break_minutes  BIGINT,
    PRIMARY KEY (technician_id, weekday)
);

CREATE TABLE technician_absences (
    technician_id TEXT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    ord           BIGINT NOT NULL,
    date_from     TEXT NOT NULL,
    date_to       TEXT NOT NULL,
    reason        TEXT,
    PRIMARY KEY (technician_id, ord)
);

CREATE TABLE visits (
    id                    TEXT PRIMARY KEY,
    ord                   BIGINT NOT NULL,
    customer              TEXT NOT NULL,
    address               TEXT,
    lat                   DOUBLE PRECISION NOT NULL,
    lon                   DOUBLE PRECISION NOT NULL,
    skill_id              TEXT NOT NULL REFERENCES skills(id),
    min_level             BIGINT NOT NULL,
    duration_min          BIGINT NOT NULL,
    priority              TEXT NOT NULL,
    segment               TEXT NOT NULL,
    complexity            BIGINT NOT NULL,
    created_at            TEXT NOT NULL,
    sla_on_site_by        TEXT,
    preferred_technician  TEXT REFERENCES technicians(id),
    parts_volume          DOUBLE PRECISION NOT NULL,
    status                TEXT NOT NULL,
    pin_technician        TEXT REFERENCES technicians(id),
    pin_day               TEXT,
    pin_start             TEXT,
    current_technician    TEXT REFERENCES technicians(id),
    current_start         TEXT,
    current_communicated  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE visit_certifications (
    visit_id         TEXT NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    ord              BIGINT NOT NULL,
    certification_id TEXT NOT NULL REFERENCES certifications(id),
    PRIMARY KEY (visit_id, ord)
);

CREATE TABLE visit_windows (
    visit_id TEXT NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    ord      BIGINT NOT NULL,
    start    TEXT NOT NULL,
    "end"    TEXT NOT NULL,
    PRIMARY KEY (visit_id, ord)
);

CREATE TABLE visit_exclusions (
    visit_id      TEXT NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    ord           BIGINT NOT NULL,
    technician_id TEXT NOT NULL REFERENCES technicians(id),
    PRIMARY KEY (visit_id, ord)
);

-- Road networks, stored as rota-roads/1 JSON (OpenStreetMap imports are converted).
CREATE TABLE road_networks (
    name       TEXT PRIMARY KEY,
    roads_json BYTEA NOT NULL
);

-- Plan versions: immutable once written. author: dispatcher, batch, what-if, solver, import.
CREATE TABLE plan_versions (
    id              BIGSERIAL PRIMARY KEY,
    parent_id       BIGINT REFERENCES plan_versions(id),
    author          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    horizon_start   TEXT NOT NULL,
    horizon_days    BIGINT NOT NULL,
    solver          TEXT NOT NULL,
    seed            BIGINT NOT NULL,
    settings_json   TEXT NOT NULL,
    kpis_json       TEXT NOT NULL,
    objective_total DOUBLE PRECISION NOT NULL,
    objective_json  TEXT NOT NULL,
    plan_json       TEXT NOT NULL
);

-- The plan's assignments, normalized for queries (the full plan is plan_versions.plan_json).
CREATE TABLE assignments (
    plan_id       BIGINT NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
    visit_id      TEXT NOT NULL,
    technician_id TEXT NOT NULL,
    day           TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    start         TEXT NOT NULL,
    "end"         TEXT NOT NULL,
    PRIMARY KEY (plan_id, visit_id)
);

CREATE TABLE unassigned (
    plan_id     BIGINT NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
    visit_id    TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    message     TEXT NOT NULL,
    PRIMARY KEY (plan_id, visit_id)
);

-- The one current plan and the revision counter of optimistic concurrency: every committed
-- change (master data, a plan version) increments `revision`.
CREATE TABLE head (
    id              BIGINT PRIMARY KEY CHECK (id = 1),
    current_plan_id BIGINT REFERENCES plan_versions(id),
    revision        BIGINT NOT NULL
);
INSERT INTO head (id, current_plan_id, revision) VALUES (1, NULL, 0);
"#;

/// Version 2: shard tags and notes on plan versions, indexes for the board.
pub const V2: &str = r#"
ALTER TABLE plan_versions ADD COLUMN shard TEXT;
ALTER TABLE plan_versions ADD COLUMN note TEXT NOT NULL DEFAULT '';
CREATE INDEX assignments_by_technician ON assignments (plan_id, technician_id, day, seq);
CREATE INDEX visits_by_status ON visits (status);
"#;

/// Version 3: performance records, trusted issuers, rating feeds.
pub const V3: &str = r#"
CREATE TABLE performance_records (
    id             BIGSERIAL PRIMARY KEY,
    provider_id    TEXT NOT NULL,
    technician_id  TEXT NOT NULL,
    region_id      TEXT NOT NULL,
    skill_id       TEXT NOT NULL,
    on_time        BIGINT NOT NULL CHECK (on_time IN (0, 1)),
    first_time_fix BIGINT NOT NULL CHECK (first_time_fix IN (0, 1)),
    score          BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    completed_on   TEXT NOT NULL
);
CREATE INDEX performance_by_provider ON performance_records (provider_id, completed_on);

-- Public keys (Ed25519, base64) of the certifying bodies whose feeds are accepted.
CREATE TABLE trusted_issuers (
    name       TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    added_at   TEXT NOT NULL
);

-- Imported feeds: the exact signed envelope is kept for audit.
CREATE TABLE rating_feeds (
    issuer      TEXT NOT NULL REFERENCES trusted_issuers(name),
    sequence    BIGINT NOT NULL,
    issued_at   TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    envelope    TEXT NOT NULL,
    PRIMARY KEY (issuer, sequence)
);

CREATE TABLE feed_ratings (
    issuer      TEXT NOT NULL,
    sequence    BIGINT NOT NULL,
    provider_id TEXT NOT NULL,
    rating      DOUBLE PRECISION NOT NULL,
    low         DOUBLE PRECISION,
    high        DOUBLE PRECISION,
    visits      BIGINT,
    PRIMARY KEY (issuer, sequence, provider_id),
    FOREIGN KEY (issuer, sequence) REFERENCES rating_feeds(issuer, sequence) ON DELETE CASCADE
);
"#;

/// Version 4: visit history and what-if scenarios.
pub const V4: &str = r#"
-- Work done per day, region and skill (CSV import); the forecast's input.
CREATE TABLE visit_history (
    date   TEXT NOT NULL,
    region TEXT NOT NULL,
    skill  TEXT NOT NULL,
    visits BIGINT NOT NULL CHECK (visits >= 0),
    hours  DOUBLE PRECISION NOT NULL CHECK (hours >= 0),
    PRIMARY KEY (date, region, skill)
);

-- What-if scenarios: a copy of the baseline problem taken at creation, the changes (JSON,
-- rota_solver::coverage::ScenarioSpec) and the last coverage report of a run.
CREATE TABLE scenarios (
    name         TEXT PRIMARY KEY,
    description  TEXT NOT NULL DEFAULT '',
    base_json    TEXT NOT NULL,
    spec_json    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    result_json  TEXT,
    result_weeks BIGINT,
    run_at       TEXT
);
"#;

/// Every migration, oldest first (the same versions as [`super::schema::migrations`]).
pub const MIGRATIONS: [&str; 4] = [V1, V2, V3, V4];

const _: () = assert!(MIGRATIONS.len() == super::schema::LATEST);

/// Why the schema could not be brought up to date.
#[derive(Debug)]
pub enum MigrateError {
    Db(DbError),
    /// The database was migrated by a newer program.
    TooNew {
        found: i64,
    },
}

impl From<DbError> for MigrateError {
    fn from(e: DbError) -> Self {
        MigrateError::Db(e)
    }
}

/// A fixed key for `pg_advisory_xact_lock`: "rota" in ASCII.
const MIGRATION_LOCK: i64 = 0x726f_7461;

/// Brings the database to schema version `target` in one transaction.
pub(crate) fn migrate(client: &PgClient, target: usize) -> Result<(), MigrateError> {
    let tx = client.begin(false)?;
    tx.execute("SELECT pg_advisory_xact_lock(?1)", args![MIGRATION_LOCK])?;
    tx.execute("CREATE TABLE IF NOT EXISTS rota_schema (version BIGINT NOT NULL)", args![])?;
    let found: i64 = match tx.query_opt("SELECT version FROM rota_schema", args![])? {
        Some(r) => r.get(0)?,
        None => {
            tx.execute("INSERT INTO rota_schema (version) VALUES (0)", args![])?;
            0
        }
    };
    if found > MIGRATIONS.len() as i64 {
        return Err(MigrateError::TooNew { found });
    }
    for (k, m) in MIGRATIONS.iter().enumerate().take(target).skip(found as usize) {
        tx.batch(m)?;
        tx.execute("UPDATE rota_schema SET version = ?1", args![(k + 1) as i64])?;
    }
    tx.commit()?;
    Ok(())
}

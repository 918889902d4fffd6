//! rota-store: files in and out, and the store (SQLite, or PostgreSQL for a team).
//!
//! * [`files`]: problem and plan files, atomic writes.
//! * [`osm`]: road networks — `rota-roads/1` JSON and OpenStreetMap PBF import.
//! * [`area`]: a service area's address index and map tiles from an OpenStreetMap extract.
//! * [`db`]: the database — master data, plan versions, the current plan — in a SQLite file or
//!   on a PostgreSQL server (a `postgres://…` URL).
//! * [`testing`]: a fresh database of either backend for tests.

pub mod area;
pub mod csv_import;
pub mod db;
pub mod export;
pub mod files;
pub mod osm;
pub mod performance_csv;
pub mod testing;

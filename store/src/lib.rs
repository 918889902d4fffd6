//! rota-store: files in and out, and the SQLite store.
//!
//! * [`files`]: problem and plan files, atomic writes.
//! * [`osm`]: road networks — `rota-roads/1` JSON and OpenStreetMap PBF import.
//! * [`db`]: the SQLite database — master data, plan versions, the current plan.

pub mod csv_import;
pub mod db;
pub mod export;
pub mod files;
pub mod osm;
pub mod performance_csv;

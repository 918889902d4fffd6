//! rota-store: files in and out.
//!
//! * [`osm`]: road networks — `rota-roads/1` JSON and OpenStreetMap PBF import.

pub mod files;
pub mod osm;

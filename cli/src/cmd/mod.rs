//! One module per command.

pub mod area;
pub mod batch;
pub mod bench;
pub mod check;
pub mod coverage;
pub mod explain;
pub mod export;
pub mod generate;
pub mod import;
pub mod init;
pub mod insert;
pub mod plans;
pub mod providers;
pub mod ratings;
pub mod routing;
pub mod scenario;
pub mod schema;
pub mod show;
pub mod solve;
pub mod validate;

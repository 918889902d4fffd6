//! End-to-end tests: the real `rota` binary on real files.

mod areas;
mod batch;
mod broken;
mod cli;
mod coverage;
mod explain;
mod formats;
mod hardening;
mod insert;
mod ratings;
mod routing;
mod sample;
mod shards;

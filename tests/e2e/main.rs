//! End-to-end tests: the real `rota` binary on real files.

mod broken;
mod cli;
mod formats;
mod routing;
mod sample;

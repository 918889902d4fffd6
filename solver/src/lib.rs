//! # rota-solver
//!
//! The pure core of Rota: the problem and plan formats, validation, travel models, the
//! planner, the independent plan checker, KPIs and the objective.
//!
//! Invariants: no file or network I/O, no async, no SQLite, no UI; all randomness from one
//! seeded generator, so the same input and seed give the same plan.

pub mod assign;
pub mod check;
pub mod coverage;
pub mod diagnostics;
pub mod explain;
pub mod format;
pub mod fuzz;
pub mod instance;
pub mod time;
pub mod travel;
pub mod validate;

pub mod planner;
pub mod ratings;
pub mod rng;
pub mod routing;
#[cfg(test)]
pub(crate) mod testkit;

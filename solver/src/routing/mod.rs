//! The routing engine: vehicle routing with time windows on a generic, VROOM-like model.
//!
//! - [`model`]: jobs, vehicles, the travel matrix (`f64`), solutions.
//! - [`engine`]: construction, SISR ruin-and-recreate with simulated annealing, local search.
//! - [`check`]: the independent checker (recomputes everything from the problem).
//! - [`formats`]: Solomon, VRPLIB and VROOM importers; VRPLIB and VROOM solution writers.

pub mod check;
pub mod engine;
pub mod formats;
pub mod model;
mod ops;

pub use engine::{Options, solve};
pub use model::{Objective, Problem, Solution};

#[cfg(test)]
mod tests;

//! One module per command.

pub mod check;
pub mod generate;
pub mod schema;
pub mod solve;
pub mod validate;

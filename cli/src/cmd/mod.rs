//! One module per command.

pub mod bench;
pub mod check;
pub mod generate;
pub mod routing;
pub mod schema;
pub mod solve;
pub mod validate;

//! Errors with the exit code they deserve.

use rota_service::ServiceError;

/// An error and its exit code: 1 failure, 2 bad input.
pub struct Failure {
    pub code: u8,
    pub error: anyhow::Error,
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure { code: 1, error }
    }
}

impl From<ServiceError> for Failure {
    fn from(error: ServiceError) -> Self {
        Failure { code: if error.is_bad_input() { 2 } else { 1 }, error: error.into() }
    }
}

impl From<rota_store::files::FileError> for Failure {
    fn from(error: rota_store::files::FileError) -> Self {
        ServiceError::from(error).into()
    }
}

/// Bad input (exit code 2) with a message.
pub fn bad_input(message: impl Into<String>) -> Failure {
    Failure { code: 2, error: anyhow::anyhow!(message.into()) }
}

/// What every command returns: its exit code, or a failure.
pub type Outcome = Result<u8, Failure>;

/// Longest `--time-limit` accepted, in seconds: one day (`rota solve`, `rota batch`, `rota bench`,
/// `rota providers`). Longer limits are a typo; `1e308` used to panic converting to a duration.
pub const MAX_TIME_LIMIT_S: f64 = 86_400.0;

/// Checks a `--time-limit` in seconds: a number from 0 to [`MAX_TIME_LIMIT_S`], or bad input.
pub fn time_limit(seconds: f64) -> Result<std::time::Duration, Failure> {
    if seconds.is_finite() && (0.0..=MAX_TIME_LIMIT_S).contains(&seconds) {
        Ok(std::time::Duration::from_secs_f64(seconds))
    } else {
        Err(bad_input(format!(
            "--time-limit must be a number of seconds from 0 to {MAX_TIME_LIMIT_S} (one day), got {seconds}"
        )))
    }
}

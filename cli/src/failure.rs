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

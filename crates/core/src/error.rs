//! Errors as they cross every boundary (IPC, CLI, tests): a small closed set of
//! codes a caller can branch on, and a message written for a person.

use serde::Serialize;
use ts_rs::TS;

pub type Result<T, E = DeskError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No run, template or file of that name.
    NotFound,
    /// The request is malformed: a bad id, override, setting or config.
    InvalidInput,
    /// The run is in a state that does not allow the operation.
    InvalidState,
    /// A path that would leave the run's folder.
    ForbiddenPath,
    /// The simulator could not be started.
    SimulatorUnavailable,
    /// Storage or process failures that are not the caller's fault.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::InvalidState => "invalid_state",
            ErrorCode::ForbiddenPath => "forbidden_path",
            ErrorCode::SimulatorUnavailable => "simulator_unavailable",
            ErrorCode::Internal => "internal",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct DeskError {
    pub code: ErrorCode,
    pub message: String,
}

impl DeskError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }
    pub fn invalid_state(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidState, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    /// Wraps an I/O failure with what was being done, so the message names the
    /// operation and the path rather than only the OS error text.
    pub fn io(context: impl std::fmt::Display, err: std::io::Error) -> Self {
        Self::internal(format!("{context}: {err}"))
    }
}

//! The one error type of the transport, with a closed `kind` the app can
//! branch on and show, and a sentence that says what to do.

use crate::host_key::HostKey;

pub type Result<T, E = RemoteError> = std::result::Result<T, E>;

/// What went wrong, coarse enough for the UI to choose a message, an icon
/// and whether to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A host, user, path or argument the transport refuses to use.
    InvalidInput,
    /// The host name does not resolve.
    Unresolvable,
    /// Nothing accepts connections on that host and port, or no route to it.
    Unreachable,
    /// The host did not answer in time.
    Timeout,
    /// The server refused every key offered (never a password prompt).
    Authentication,
    /// The server's host key is in no known_hosts file; see `host_key`.
    HostKeyUnknown,
    /// The server's host key differs from the one recorded.
    HostKeyChanged,
    /// An established connection broke.
    Disconnected,
    /// Connected, but Slurm's commands are not on the remote PATH.
    NoSlurm,
    /// Slurm's commands are there but its controller does not answer.
    SlurmUnreachable,
    /// A remote command ran and exited with a failure status.
    CommandFailed,
    /// A remote file or folder that was asked for does not exist.
    NotFound,
    /// A file transfer failed for another reason than the connection.
    Transfer,
    /// The remote command's output did not have the expected shape.
    Protocol,
    /// OpenSSH or rsync is missing on this machine, or a local file failed.
    Local,
}

impl ErrorKind {
    /// A short label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::Unresolvable => "cluster not found",
            ErrorKind::Unreachable => "cluster unreachable",
            ErrorKind::Timeout => "cluster not answering",
            ErrorKind::Authentication => "login refused",
            ErrorKind::HostKeyUnknown => "unknown host key",
            ErrorKind::HostKeyChanged => "host key changed",
            ErrorKind::Disconnected => "connection lost",
            ErrorKind::NoSlurm => "Slurm not found",
            ErrorKind::SlurmUnreachable => "Slurm not answering",
            ErrorKind::CommandFailed => "command failed on the cluster",
            ErrorKind::NotFound => "not found on the cluster",
            ErrorKind::Transfer => "file transfer failed",
            ErrorKind::Protocol => "unexpected reply",
            ErrorKind::Local => "local error",
        }
    }

    /// A stable snake_case name, for the `{ code, message }` errors the
    /// app sends its window and for logs.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Unresolvable => "unresolvable",
            ErrorKind::Unreachable => "unreachable",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Authentication => "authentication",
            ErrorKind::HostKeyUnknown => "host_key_unknown",
            ErrorKind::HostKeyChanged => "host_key_changed",
            ErrorKind::Disconnected => "disconnected",
            ErrorKind::NoSlurm => "no_slurm",
            ErrorKind::SlurmUnreachable => "slurm_unreachable",
            ErrorKind::CommandFailed => "command_failed",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Transfer => "transfer",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Local => "local",
        }
    }

    pub const ALL: [ErrorKind; 15] = [
        ErrorKind::InvalidInput,
        ErrorKind::Unresolvable,
        ErrorKind::Unreachable,
        ErrorKind::Timeout,
        ErrorKind::Authentication,
        ErrorKind::HostKeyUnknown,
        ErrorKind::HostKeyChanged,
        ErrorKind::Disconnected,
        ErrorKind::NoSlurm,
        ErrorKind::SlurmUnreachable,
        ErrorKind::CommandFailed,
        ErrorKind::NotFound,
        ErrorKind::Transfer,
        ErrorKind::Protocol,
        ErrorKind::Local,
    ];

    /// Whether trying again later may succeed without the user changing
    /// anything (the network or the cluster coming back).
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorKind::Unresolvable
                | ErrorKind::Unreachable
                | ErrorKind::Timeout
                | ErrorKind::Disconnected
                | ErrorKind::SlurmUnreachable
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RemoteError {
    pub kind: ErrorKind,
    pub message: String,
    /// The key the server presented, when `kind` is `HostKeyUnknown` or
    /// `HostKeyChanged` and it could be read: what the user confirms before
    /// `Connection::accept_host_key`.
    pub host_key: Option<HostKey>,
}

impl RemoteError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> RemoteError {
        RemoteError {
            kind,
            message: message.into(),
            host_key: None,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> RemoteError {
        RemoteError::new(ErrorKind::InvalidInput, message)
    }

    pub(crate) fn local(what: &str, e: std::io::Error) -> RemoteError {
        RemoteError::new(ErrorKind::Local, format!("{what}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_kind_has_its_own_code_and_label() {
        let codes: HashSet<_> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
        let labels: HashSet<_> = ErrorKind::ALL.iter().map(|k| k.label()).collect();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
        assert_eq!(labels.len(), ErrorKind::ALL.len());
        assert!(codes
            .iter()
            .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
    }

    #[test]
    fn only_conditions_that_pass_by_themselves_are_transient() {
        assert!(ErrorKind::Unreachable.is_transient());
        assert!(ErrorKind::Disconnected.is_transient());
        assert!(!ErrorKind::Authentication.is_transient());
        assert!(!ErrorKind::HostKeyChanged.is_transient());
        assert!(!ErrorKind::NoSlurm.is_transient());
    }
}

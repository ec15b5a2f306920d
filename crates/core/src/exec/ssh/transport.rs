//! Slurm's client commands run on a login node over one SSH connection, so
//! the Slurm executor's parsing of sbatch, squeue, sacct and scancel serves
//! a remote cluster unchanged.

use std::time::Duration;

use fusion_desk_remote::{Connection, ErrorKind};

use crate::exec::slurm::transport::{CommandOutput, CommandTransport, TransportFailure, TransportFuture};

/// What the remote shell answers for a command it cannot find.
const NOT_FOUND_STATUS: i32 = 127;

#[derive(Debug)]
pub struct SshTransport {
    conn: Connection,
}

impl SshTransport {
    pub fn new(conn: Connection) -> SshTransport {
        SshTransport { conn }
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

impl CommandTransport for SshTransport {
    fn run<'a>(&'a self, argv: &'a [String], timeout: Duration) -> TransportFuture<'a> {
        Box::pin(async move {
            let words: Vec<&str> = argv.iter().map(String::as_str).collect();
            if words.is_empty() {
                return Err(TransportFailure::CannotRun("no command given".to_owned()));
            }
            match self.conn.run_with_timeout(&words, timeout).await {
                Ok(out) if out.status == NOT_FOUND_STATUS => Err(TransportFailure::NotFound),
                Ok(out) => Ok(CommandOutput {
                    stdout: out.stdout_text(),
                    stderr: out.stderr_text(),
                    success: out.success(),
                    status: format!("exit status: {}", out.status),
                }),
                Err(e) if e.kind == ErrorKind::Timeout => Err(TransportFailure::TimedOut),
                Err(e) if e.kind.is_transient() => Err(TransportFailure::Unreachable(e.message)),
                Err(e) => Err(TransportFailure::CannotRun(e.message)),
            }
        })
    }
}

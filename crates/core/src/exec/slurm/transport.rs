//! The seam between the Slurm executor and the machine its client commands
//! run on. The executor only ever asks a transport to run an argv and reads
//! back what it printed; this machine's transport spawns the program here,
//! and a cluster reached another way (over SSH, with its files staged)
//! brings its own transport and reuses all of the Slurm parsing.

use std::future::Future;
use std::pin::Pin;
use std::process::Stdio;
use std::time::Duration;

/// What a cluster command printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutput {
    pub stdout: String,
    pub stderr: String,
    pub success: bool,
    /// How it ended, in words (`exit status: 1`), for messages.
    pub status: String,
}

/// Why a command produced no output at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportFailure {
    /// The program does not exist where the transport runs it.
    NotFound,
    /// It could not be started (or the way to the cluster is broken).
    CannotRun(String),
    /// It did not end within the time limit; it was stopped.
    TimedOut,
    /// The way to the cluster is down for now (a login node that does not
    /// answer); trying again later may succeed.
    Unreachable(String),
}

pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<CommandOutput, TransportFailure>> + Send + 'a>>;

/// Runs one command of the cluster's client tools.
pub trait CommandTransport: Send + Sync + std::fmt::Debug {
    /// Runs `argv` (program first) with no input, waiting at most `timeout`.
    fn run<'a>(&'a self, argv: &'a [String], timeout: Duration) -> TransportFuture<'a>;
}

/// Slurm's client commands installed on this machine.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalTransport;

impl CommandTransport for LocalTransport {
    fn run<'a>(&'a self, argv: &'a [String], timeout: Duration) -> TransportFuture<'a> {
        Box::pin(async move {
            let (program, args) = argv
                .split_first()
                .ok_or_else(|| TransportFailure::CannotRun("no command given".to_owned()))?;
            let mut cmd = tokio::process::Command::new(program);
            cmd.args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .kill_on_drop(true);
            let child = cmd.spawn().map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => TransportFailure::NotFound,
                _ => TransportFailure::CannotRun(e.to_string()),
            })?;
            let out = match tokio::time::timeout(timeout, child.wait_with_output()).await {
                Ok(Ok(out)) => out,
                Ok(Err(e)) => return Err(TransportFailure::CannotRun(e.to_string())),
                // kill_on_drop stops the late child.
                Err(_) => return Err(TransportFailure::TimedOut),
            };
            Ok(CommandOutput {
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                success: out.status.success(),
                status: out.status.to_string(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn this_machine_runs_the_argv_and_keeps_both_streams() {
        let argv = ["sh", "-c", "echo out; echo err >&2; exit 3"].map(String::from);
        let out = LocalTransport.run(&argv, Duration::from_secs(10)).await.unwrap();
        assert_eq!(out.stdout, "out\n");
        assert_eq!(out.stderr, "err\n");
        assert!(!out.success);
        assert!(out.status.contains('3'), "{}", out.status);
    }

    #[tokio::test]
    async fn a_command_past_its_time_limit_is_a_timeout() {
        let argv = ["sleep", "5"].map(String::from);
        let e = LocalTransport
            .run(&argv, Duration::from_millis(50))
            .await
            .unwrap_err();
        assert_eq!(e, TransportFailure::TimedOut);
    }
}

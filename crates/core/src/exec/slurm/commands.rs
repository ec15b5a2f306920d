//! Running Slurm's client commands and telling their failures apart. Each
//! call has a time limit: with the controller down, `squeue` takes about
//! 18 s to give up, and no poll or cancel may hang on it.

use std::time::Duration;

use super::transport::{CommandTransport, TransportFailure};
use crate::error::{DeskError, ErrorCode};

const TIMEOUT: Duration = Duration::from_secs(12);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlurmError {
    /// The controller did not answer; try again later.
    Unreachable(String),
    /// The command ran and said no (a bad partition, an unknown job...).
    Refused(String),
    /// The Slurm client is not installed here.
    Missing(String),
}

impl SlurmError {
    pub fn message(&self) -> &str {
        match self {
            SlurmError::Unreachable(m) | SlurmError::Refused(m) | SlurmError::Missing(m) => m,
        }
    }
}

impl From<SlurmError> for DeskError {
    fn from(e: SlurmError) -> Self {
        match e {
            SlurmError::Unreachable(m) => DeskError::new(
                ErrorCode::SimulatorUnavailable,
                format!("cannot reach the Slurm controller: {m}"),
            ),
            SlurmError::Refused(m) => DeskError::invalid_input(format!("Slurm refused: {m}")),
            SlurmError::Missing(m) => DeskError::new(ErrorCode::SimulatorUnavailable, m),
        }
    }
}

/// Runs `program args` on the cluster through `transport`; its stdout on
/// success. What went wrong is told apart here, the same for every
/// transport: an unreachable controller, a refusal, a missing client.
pub async fn run(
    transport: &dyn CommandTransport,
    program: &str,
    args: &[String],
) -> Result<String, SlurmError> {
    let mut argv = Vec::with_capacity(args.len() + 1);
    argv.push(program.to_owned());
    argv.extend_from_slice(args);
    let out = match transport.run(&argv, TIMEOUT).await {
        Ok(out) => out,
        Err(TransportFailure::NotFound) => {
            return Err(SlurmError::Missing(format!(
                "{program} is not installed on this machine: install Slurm's client commands \
                 (Debian: slurm-client) to use a cluster"
            )))
        }
        Err(TransportFailure::CannotRun(e)) => {
            return Err(SlurmError::Missing(format!("cannot run {program}: {e}")))
        }
        Err(TransportFailure::Unreachable(e)) => {
            return Err(SlurmError::Unreachable(format!("cannot run {program}: {e}")))
        }
        Err(TransportFailure::TimedOut) => {
            return Err(SlurmError::Unreachable(format!(
                "{program} did not answer within {} s",
                TIMEOUT.as_secs()
            )))
        }
    };
    if out.success {
        return Ok(out.stdout);
    }
    let text = out
        .stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let text = if text.is_empty() {
        format!("{program} failed ({})", out.status)
    } else {
        text
    };
    if is_unreachable(&text) {
        Err(SlurmError::Unreachable(text))
    } else {
        Err(SlurmError::Refused(text))
    }
}

fn is_unreachable(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("unable to contact slurm controller")
        || t.contains("connect failure")
        || t.contains("socket timed out")
        || t.contains("connection refused")
        || t.contains("slurm_receive_msg")
        || t.contains("communication connection failure")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_an_unreachable_controller_from_a_refusal() {
        assert!(is_unreachable(
            "slurm_load_jobs error: Unable to contact slurm controller (connect failure)"
        ));
        assert!(!is_unreachable("sbatch: error: Invalid partition name specified"));
    }

    #[tokio::test]
    async fn a_missing_program_says_what_to_install() {
        let e = run(
            &super::super::transport::LocalTransport,
            "fdesk-no-such-sbatch",
            &[],
        )
        .await
        .unwrap_err();
        assert!(
            matches!(e, SlurmError::Missing(ref m) if m.contains("not installed")),
            "{e:?}"
        );
    }
}

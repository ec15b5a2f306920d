//! The outcome of a run as its supervisor records it in `exit.json`, and how an
//! outcome becomes the run's terminal status and error message.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{DeskError, ErrorCode, Result};
use crate::model::RunStatus;
use crate::runfs;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Exit code of the simulator, when it exited normally.
    pub exit_code: Option<i32>,
    /// The signal that ended it, when one did.
    pub signal: Option<i32>,
    /// True when the run ended because someone cancelled it.
    pub cancelled: bool,
    /// Set when the simulator could not be started at all.
    pub spawn_error: Option<String>,
    pub finished_at: String,
}

impl Outcome {
    /// `Ok(None)` when there is no `exit.json`; an error when the name holds
    /// anything but a small regular file with an outcome in it (the
    /// simulator can write into its run folder, so this is untrusted input).
    pub fn read(path: &Path) -> Result<Option<Outcome>> {
        match runfs::read(path, runfs::SMALL_FILE_CAP) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| DeskError::internal(format!("{} is unreadable: {e}", path.display()))),
            Err(e) if e.code == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes `exit.json` atomically: a reader sees the old state or the whole
    /// new file, never a torn one, even if the machine loses power.
    pub fn write(&self, path: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).expect("an outcome always serialises");
        runfs::write_atomic(path, &bytes, runfs::FILE_MODE)
    }

    pub fn status(&self) -> RunStatus {
        if self.cancelled {
            RunStatus::Cancelled
        } else if self.exit_code == Some(0) && self.spawn_error.is_none() {
            RunStatus::Completed
        } else {
            RunStatus::Failed
        }
    }

    /// How the run ended, as the store records it.
    pub fn finish(&self, log_path: &Path) -> crate::store::Finish {
        crate::store::Finish {
            status: self.status(),
            exit_code: self.exit_code,
            exit_signal: self.signal,
            error_message: self.error_message(log_path),
            completed_at: self.finished_at.clone(),
        }
    }

    /// The error message of a failed run: what ended it and the log's last lines.
    pub fn error_message(&self, log_path: &Path) -> Option<String> {
        if self.status() != RunStatus::Failed {
            return None;
        }
        let head = if let Some(err) = &self.spawn_error {
            format!("The simulator could not be started: {err}")
        } else if let Some(sig) = self.signal {
            format!("The simulator was killed by signal {sig} ({})", signal_name(sig))
        } else if let Some(code) = self.exit_code {
            exit_code_message(code, log_path)
        } else {
            "The simulator ended without an exit status".to_owned()
        };
        Some(with_log_tail(head, log_path))
    }
}

/// FUSION's exit codes, in words: 1 is a simulation error (its message is the
/// logged `Simulation error:` or the traceback's last line), 2 is argparse or
/// a config error (FUSION Desk's engine uses 2 for config errors too).
fn exit_code_message(code: i32, log_path: &Path) -> String {
    let tail = log_tail(log_path, 200, 32 * 1024);
    let last = |pred: &dyn Fn(&str) -> Option<String>| tail.lines().rev().find_map(|l| pred(l.trim()));
    let detail = match code {
        1 => last(&|l| l.split_once("Simulation error: ").map(|(_, e)| e.to_owned())).or_else(|| {
            last(&|l| {
                let (kind, _) = l.split_once(": ")?;
                (kind.ends_with("Error") || kind.ends_with("Exception") || kind == "KeyError")
                    .then(|| l.to_owned())
            })
        }),
        2 => last(&|l| l.split_once("error: ").map(|(_, e)| e.to_owned())),
        _ => None,
    };
    match (code, detail) {
        (1, Some(d)) => format!("The simulator failed with a simulation error (exit code 1): {d}"),
        (2, Some(d)) => format!("The simulator rejected its arguments or config (exit code 2): {d}"),
        (2, None) => "The simulator rejected its arguments or config (exit code 2)".to_owned(),
        (code, _) => format!("The simulator exited with code {code}"),
    }
}

/// Appends the last lines of the log to a message, when there are any.
pub fn with_log_tail(head: String, log_path: &Path) -> String {
    let tail = log_tail(log_path, LOG_TAIL_LINES, LOG_TAIL_BYTES);
    if tail.is_empty() {
        head
    } else {
        format!("{head}. Last lines of the log:\n{tail}")
    }
}

const LOG_TAIL_LINES: usize = 10;
const LOG_TAIL_BYTES: u64 = 4096;

/// The last `max_lines` lines within the last `max_bytes` of a file; reads
/// only that much, however large the log is.
pub fn log_tail(path: &Path, max_lines: usize, max_bytes: u64) -> String {
    let Ok(mut file) = runfs::open_file(path) else {
        return String::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(max_bytes);
    if file.seek(SeekFrom::Start(start)).is_err() {
        return String::new();
    }
    let mut buf = Vec::new();
    if file.take(max_bytes).read_to_end(&mut buf).is_err() {
        return String::new();
    }
    let text = String::from_utf8_lossy(&buf);
    // A window that starts mid-line drops that partial first line.
    let text = if start > 0 {
        text.split_once('\n').map_or("", |(_, rest)| rest)
    } else {
        &text
    };
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(max_lines)..].join("\n")
}

pub fn signal_name(sig: i32) -> &'static str {
    nix::sys::signal::Signal::try_from(sig).map_or("unknown signal", |s| s.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(code: Option<i32>, signal: Option<i32>, cancelled: bool) -> Outcome {
        Outcome {
            exit_code: code,
            signal,
            cancelled,
            spawn_error: None,
            finished_at: crate::timestamp::now(),
        }
    }

    #[test]
    fn status_follows_exit() {
        assert_eq!(outcome(Some(0), None, false).status(), RunStatus::Completed);
        assert_eq!(outcome(Some(2), None, false).status(), RunStatus::Failed);
        assert_eq!(outcome(None, Some(9), false).status(), RunStatus::Failed);
        assert_eq!(outcome(None, Some(15), true).status(), RunStatus::Cancelled);
    }

    #[test]
    fn failure_message_names_code_signal_and_log_tail() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("sim.log");
        let body: String = (1..=50).map(|i| format!("line {i}\n")).collect();
        std::fs::write(&log, body).unwrap();
        let msg = outcome(Some(3), None, false).error_message(&log).unwrap();
        assert!(msg.starts_with("The simulator exited with code 3"), "{msg}");
        assert!(
            msg.contains("line 41\n") && msg.ends_with("line 50") && !msg.contains("line 40\n"),
            "{msg}"
        );
        let msg = outcome(None, Some(11), false).error_message(&log).unwrap();
        assert!(msg.contains("signal 11 (SIGSEGV)"), "{msg}");
    }

    #[test]
    fn fusion_exit_codes_read_as_sentences() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("sim.log");
        std::fs::write(
            &log,
            "x - fusion.cli.run_sim - ERROR - Simulation error: spectrum assignment failed\n\
             Traceback (most recent call last):\n  File \"a.py\", line 1\nRuntimeError: spectrum assignment failed\n",
        )
        .unwrap();
        let msg = outcome(Some(1), None, false).error_message(&log).unwrap();
        assert!(
            msg.starts_with(
                "The simulator failed with a simulation error (exit code 1): spectrum assignment failed"
            ),
            "{msg}"
        );
        std::fs::write(
            &log,
            "Traceback (most recent call last):\nKeyError: 'mod_assumption'\n",
        )
        .unwrap();
        let msg = outcome(Some(1), None, false).error_message(&log).unwrap();
        assert!(msg.contains("exit code 1): KeyError: 'mod_assumption'"), "{msg}");
        std::fs::write(&log, "usage: fusion-sim run_sim [-h]\nfusion-sim run_sim: error: the following arguments are required: --run_id\n").unwrap();
        let msg = outcome(Some(2), None, false).error_message(&log).unwrap();
        assert!(
            msg.contains("(exit code 2): the following arguments are required: --run_id"),
            "{msg}"
        );
    }

    #[test]
    fn tail_reads_only_the_end_of_huge_lines() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("sim.log");
        std::fs::write(&log, format!("{}\nlast\n", "x".repeat(1 << 20))).unwrap();
        assert_eq!(log_tail(&log, 10, 4096), "last");
    }

    #[test]
    fn atomic_write_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("exit.json");
        let o = outcome(Some(0), None, false);
        o.write(&p).unwrap();
        assert_eq!(Outcome::read(&p).unwrap(), Some(o));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

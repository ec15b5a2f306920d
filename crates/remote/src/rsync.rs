//! Transfers with rsync through the connection's own ssh (the same
//! ControlPath, so over the master). rsync rather than sftp: every file it
//! writes goes to a temporary name in the destination folder and is
//! renamed into place, so a reader never sees half a file; a file that is
//! already there with the same content is skipped, so repeating a transfer
//! is harmless; and it walks folders and filters file types and sizes
//! itself. Login nodes have rsync almost without exception.
//!
//! rsync's protocol shares the remote shell's stdout with whatever the
//! user's startup files print ("protocol version mismatch -- is your shell
//! clean?"). So the remote side first prints a random marker line and then
//! execs rsync, and the local remote shell is ssh piped through a filter
//! that drops every line up to the marker and copies the rest verbatim
//! (`read` takes a pipe one byte at a time, so nothing after the marker is
//! swallowed), while ssh's exit status still reaches rsync.

use std::ffi::OsString;
use std::process::Stdio;

use crate::connection::Connection;
use crate::diagnose::{connection_failure, first_line};
use crate::error::{ErrorKind, RemoteError, Result};
use crate::remote_path::RemotePath;

impl Connection {
    /// `host:path` for rsync.
    pub(crate) fn rsync_remote(&self, path: &RemotePath, trailing_slash: bool) -> OsString {
        let slash = if trailing_slash && !path.as_str().ends_with('/') {
            "/"
        } else {
            ""
        };
        format!("{}:{}{slash}", self.target().rsync_host(), path.as_str()).into()
    }

    /// The remote shell rsync starts: this connection's ssh behind a
    /// filter that drops every stdout line up to `marker` (see `rsync.rs`).
    /// Each word is in the single quotes rsync's own splitting understands;
    /// the script holds none and the paths were checked to hold none.
    pub(crate) fn rsync_shell(&self, marker: &str) -> String {
        // fd 3 carries ssh's exit status out of the pipeline (rsync reads
        // the remote rsync's failures from it); fd 4 is rsync's own pipe.
        let filter = format!(
            "exec 4>&1; s=$( {{ {{ ssh \"$@\"; echo $? >&3; }} | {{ while IFS= read -r l; do \
             if [ \"$l\" = {marker} ]; then exec cat; fi; done; exit 1; }} >&4; }} 3>&1 ); \
             exit ${{s:-255}}"
        );
        ["sh".to_owned(), "-c".to_owned(), filter, "sh".to_owned()]
            .into_iter()
            .chain(self.ssh_options())
            .chain(self.target().ssh_args())
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Runs rsync with `args` after the options every transfer gets.
    pub(crate) async fn rsync(&self, args: Vec<OsString>) -> Result<()> {
        let io_timeout = self.options().connect_timeout.as_secs().max(1) * 6;
        let marker = format!("FDESK-{:032x}-rsync", rand::random::<u128>());
        let mut cmd = tokio::process::Command::new("rsync");
        // --protect-args: remote paths go over rsync's protocol, not through
        // the remote shell, so a space or `$` in them is just a character.
        // --blocking-io: rsync leaves the remote shell's stdout
        // non-blocking unless asked, and the filter's `cat` (unlike ssh)
        // gives up on the first EAGAIN, which breaks any fetch that fills
        // the pipe (a result of a few hundred KiB).
        cmd.arg("--protect-args")
            .arg("--blocking-io")
            .arg(format!("--timeout={io_timeout}"))
            .arg("-e")
            .arg(self.rsync_shell(&marker))
            .arg(format!("--rsync-path=printf '%s\\n' {marker}; exec rsync"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let _session = self.session().await;
        let child = cmd.spawn().map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                RemoteError::new(
                    ErrorKind::Local,
                    "rsync is not installed on this machine: install it to send runs to a cluster",
                )
            } else {
                RemoteError::local("cannot start rsync", e)
            }
        })?;
        let limit = self.options().transfer_timeout;
        let out = tokio::time::timeout(limit, child.wait_with_output())
            .await
            .map_err(|_| {
                RemoteError::new(
                    ErrorKind::Timeout,
                    format!(
                        "a transfer with {} did not finish within {} s",
                        self.target().host(),
                        limit.as_secs()
                    ),
                )
            })?
            .map_err(|e| RemoteError::local("rsync failed", e))?;
        if out.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let host = self.target().host();
        // 23 and 24: connected, and some files could not be transferred.
        let partial = matches!(out.status.code(), Some(23 | 24));
        if !partial {
            if let Some(err) = connection_failure(&stderr, self.target()) {
                return Err(err);
            }
        }
        // rsync's own lines, not what the remote startup files printed.
        let said = stderr
            .lines()
            .find(|l| l.starts_with("rsync"))
            .unwrap_or_else(|| first_line(&stderr));
        Err(if stderr.contains("No such file or directory") {
            RemoteError::new(ErrorKind::NotFound, format!("not found on {host}: {said}"))
        } else if stderr.contains("command not found") || stderr.contains("rsync: not found") {
            RemoteError::new(
                ErrorKind::Transfer,
                format!("rsync is not installed on {host}: ask for it, transfers need it"),
            )
        } else {
            RemoteError::new(
                ErrorKind::Transfer,
                format!("a transfer with {host} failed: {said}"),
            )
        })
    }
}

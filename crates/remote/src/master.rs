//! The multiplexed master's lifetime: whether it is up, and stopping it
//! (`ssh -O exit`), by the app or when the connection is dropped. Starting
//! it needs nothing here: the first command does (ControlMaster=auto).

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::connection::Connection;

/// How long a control request (check, exit) and the master's going away
/// may take.
const EXIT_WAIT: Duration = Duration::from_secs(2);

impl Connection {
    /// Whether a master is up for this connection.
    pub async fn is_connected(&self) -> bool {
        let mut cmd = self.control("check");
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        // A master stuck on a dead network answers late or never: not up.
        matches!(
            tokio::time::timeout(EXIT_WAIT, cmd.status()).await,
            Ok(Ok(s)) if s.success()
        )
    }

    /// Stops the master; when it returns, the master is gone. Commands
    /// after it start a new one.
    pub async fn close(&self) {
        if self.control_path().exists() {
            let mut cmd = self.control("exit");
            cmd.stdout(Stdio::null()).stderr(Stdio::null());
            let _ = tokio::time::timeout(EXIT_WAIT, cmd.status()).await;
            // `-O exit` returns once the master has the request, before it
            // has shut down and removed its socket.
            let deadline = Instant::now() + EXIT_WAIT;
            while self.control_path().exists() && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }

    fn control(&self, op: &str) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new("ssh");
        cmd.args(self.ssh_options())
            .arg("-O")
            .arg(op)
            .args(self.target().ssh_args())
            .arg("--")
            .arg(self.target().host())
            .stdin(Stdio::null())
            .kill_on_drop(true);
        cmd
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if self.control_path().exists() {
            let _ = std::process::Command::new("ssh")
                .args(self.ssh_options())
                .arg("-O")
                .arg("exit")
                .args(self.target().ssh_args())
                .arg("--")
                .arg(self.target().host())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let deadline = Instant::now() + EXIT_WAIT;
            while self.control_path().exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

//! One cluster's connection: the system's OpenSSH client with a multiplexed
//! master. The first command starts the master (ControlMaster=auto), which
//! stays in the background for `control_persist` and carries every later
//! command, transfer and check over the same authenticated TCP connection,
//! so a command costs a round trip rather than a handshake. When the
//! master's connection breaks, the next command that finds no master
//! becomes the new one: reconnecting needs nothing of the caller.
//!
//! OpenSSH rather than an SSH library: it is what researchers' setups are
//! made for (`~/.ssh/config` aliases, ProxyJump through a gateway, agents,
//! hardware keys, Kerberos), and it is what they debug with.

use std::fs::{DirBuilder, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::diagnose::{connection_failure, first_line};
use crate::error::{ErrorKind, RemoteError, Result};
use crate::framing::{Frame, REMOTE_SHELL};
use crate::target::SshTarget;

/// macOS caps a unix socket's path at 104 bytes (Linux at 108); OpenSSH
/// binds the master's socket under a name 17 bytes longer than ControlPath
/// before renaming it into place.
const MAX_SOCKET_PATH: usize = 104;
const SSH_TEMP_SUFFIX: usize = 17;

#[derive(Debug, Clone)]
pub struct ConnectionOptions {
    /// A key to log in with instead of ssh-agent's and the SSH config's.
    pub identity_file: Option<PathBuf>,
    /// An SSH config file to read instead of `~/.ssh/config` (`ssh -F`),
    /// where the profile's host alias is defined.
    pub config_file: Option<PathBuf>,
    /// TCP connect and SSH banner exchange.
    pub connect_timeout: Duration,
    /// How long `run` waits for a command before giving up on it.
    pub command_timeout: Duration,
    /// How long a transfer (push, fetch) may take.
    pub transfer_timeout: Duration,
    /// How long the master stays up after its last command.
    pub control_persist: Duration,
    /// Keep-alives: a master whose server stops answering for
    /// interval × count ends, and the next command reconnects.
    pub server_alive_interval: Duration,
    pub server_alive_count_max: u32,
    /// Commands and transfers in flight at once over the master; more
    /// callers wait their turn. sshd refuses sessions past its MaxSessions
    /// (10 unless the cluster changed it), and ssh then silently logs in a
    /// second time beside the master, which clusters may rate-limit or ask
    /// a second factor for. Keep it below MaxSessions: the server frees a
    /// session a moment after the client saw its command end.
    pub max_sessions: usize,
    /// Also trust keys in the user's own `~/.ssh/known_hosts`; off, only
    /// keys accepted in the app count.
    pub use_user_known_hosts: bool,
}

impl Default for ConnectionOptions {
    fn default() -> Self {
        ConnectionOptions {
            identity_file: None,
            config_file: None,
            connect_timeout: Duration::from_secs(10),
            command_timeout: Duration::from_secs(60),
            transfer_timeout: Duration::from_secs(600),
            control_persist: Duration::from_secs(600),
            server_alive_interval: Duration::from_secs(15),
            server_alive_count_max: 3,
            max_sessions: 8,
            use_user_known_hosts: true,
        }
    }
}

/// What a remote command did. `status` is its exit status as the remote
/// shell reports it (128 + n for a signal n).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub status: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Output {
    pub fn success(&self) -> bool {
        self.status == 0
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

#[derive(Debug)]
pub struct Connection {
    target: SshTarget,
    options: ConnectionOptions,
    dir: PathBuf,
    control_path: PathBuf,
    known_hosts: PathBuf,
    sessions: tokio::sync::Semaphore,
}

impl Connection {
    /// A connection to `target` whose master socket and known_hosts file
    /// live in `dir` (created 0700; made 0700 if it exists). Nothing is
    /// connected until the first command.
    pub fn new(target: SshTarget, dir: &Path, options: ConnectionOptions) -> Result<Connection> {
        check_local_path(dir, "the folder for SSH connections")?;
        if let Some(key) = &options.identity_file {
            check_local_path(key, "the SSH key")?;
        }
        if let Some(config) = &options.config_file {
            check_local_path(config, "the SSH config file")?;
        }
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| RemoteError::local(&format!("cannot create {}", dir.display()), e))?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| RemoteError::local(&format!("cannot protect {}", dir.display()), e))?;
        let known_hosts = dir.join("known_hosts");
        OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&known_hosts)
            .map_err(|e| RemoteError::local(&format!("cannot create {}", known_hosts.display()), e))?;
        let control_path = dir.join(format!("cm-{}", socket_name(&target)));
        let len = control_path.as_os_str().len() + SSH_TEMP_SUFFIX;
        if len >= MAX_SOCKET_PATH {
            return Err(RemoteError::invalid(format!(
                "the folder for SSH connections, {}, is {} bytes too long for a socket path: \
                 choose a shorter one",
                dir.display(),
                len + 1 - MAX_SOCKET_PATH
            )));
        }
        Ok(Connection {
            sessions: tokio::sync::Semaphore::new(options.max_sessions.max(1)),
            target,
            options,
            dir: dir.to_owned(),
            control_path,
            known_hosts,
        })
    }

    pub fn target(&self) -> &SshTarget {
        &self.target
    }

    pub fn options(&self) -> &ConnectionOptions {
        &self.options
    }

    /// The app's own known_hosts file, where accepted host keys go.
    pub fn known_hosts_file(&self) -> &Path {
        &self.known_hosts
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn control_path(&self) -> &Path {
        &self.control_path
    }

    /// The `-o` options every ssh of this connection gets.
    pub(crate) fn ssh_options(&self) -> Vec<String> {
        let o = &self.options;
        let mut known = vec![ssh_path(&self.known_hosts)];
        if o.use_user_known_hosts {
            known.push("~/.ssh/known_hosts".to_owned());
            known.push("~/.ssh/known_hosts2".to_owned());
        }
        let mut opts = vec![
            "BatchMode=yes".to_owned(),
            "StrictHostKeyChecking=yes".to_owned(),
            format!("UserKnownHostsFile={}", known.join(" ")),
            "UpdateHostKeys=no".to_owned(),
            "ControlMaster=auto".to_owned(),
            format!("ControlPath={}", ssh_path(&self.control_path)),
            format!("ControlPersist={}", o.control_persist.as_secs().max(1)),
            format!("ConnectTimeout={}", o.connect_timeout.as_secs().max(1)),
            format!("ServerAliveInterval={}", o.server_alive_interval.as_secs().max(1)),
            format!("ServerAliveCountMax={}", o.server_alive_count_max.max(1)),
            // Errors only: no "Permanently added" or banners mixed into stderr.
            "LogLevel=ERROR".to_owned(),
            // A forwarding in the user's config for this host would make
            // the master fail to bind it, or hold a port for hours.
            "ClearAllForwardings=yes".to_owned(),
            "ForwardAgent=no".to_owned(),
            "ForwardX11=no".to_owned(),
            "PermitLocalCommand=no".to_owned(),
            "RequestTTY=no".to_owned(),
        ];
        if let Some(key) = &o.identity_file {
            opts.push(format!("IdentityFile={}", ssh_path(key)));
            opts.push("IdentitiesOnly=yes".to_owned());
        }
        self.config_args()
            .into_iter()
            .chain(opts.into_iter().map(|o| format!("-o{o}")))
            .collect()
    }

    /// `-F file` when the profile names its own SSH config.
    pub(crate) fn config_args(&self) -> Vec<String> {
        match &self.options.config_file {
            Some(file) => vec!["-F".to_owned(), file.to_string_lossy().into_owned()],
            None => Vec::new(),
        }
    }

    fn ssh(&self) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new("ssh");
        cmd.args(self.ssh_options())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    /// Runs `argv` on the login node with the default command timeout.
    /// Startup-file output is cut away; a non-zero status is an `Output`,
    /// not an error: only a failure to run the command at all is one.
    pub async fn run(&self, argv: &[&str]) -> Result<Output> {
        self.run_with_timeout(argv, self.options.command_timeout).await
    }

    pub async fn run_with_timeout(&self, argv: &[&str], timeout: Duration) -> Result<Output> {
        let frame = Frame::new();
        let script = frame.script(argv)?;
        let mut cmd = self.ssh();
        cmd.stdin(Stdio::piped())
            .arg("-T")
            .args(self.target.ssh_args())
            .arg("--")
            .arg(self.target.host())
            .arg(REMOTE_SHELL);
        let ran = tokio::time::timeout(timeout, async {
            let _session = self.session().await;
            let mut child = cmd.spawn().map_err(spawn_error)?;
            let mut stdin = child.stdin.take().expect("stdin is piped");
            // Written beside the reading: a long script could fill the pipe
            // while ssh waits for its output to be read. A failed write is
            // seen as ssh's failure below.
            let feed = async move {
                let _ = stdin.write_all(script.as_bytes()).await;
            };
            let (out, ()) = tokio::join!(child.wait_with_output(), feed);
            out.map_err(|e| RemoteError::local("ssh failed", e))
        });
        let out = match ran.await {
            Ok(out) => out?,
            Err(_) => {
                return Err(RemoteError::new(
                    ErrorKind::Timeout,
                    format!(
                        "{} did not finish `{}` within {} s",
                        self.target.host(),
                        argv[0],
                        timeout.as_secs_f64()
                    ),
                ))
            }
        };
        let framed = frame.parse(&out.stdout, &out.stderr);
        let ssh_status = out.status.code();
        if let Some(status) = framed.status {
            return Ok(Output {
                status,
                stdout: framed.stdout,
                stderr: framed.stderr,
            });
        }
        // The shell started but ended before the closing marker: the
        // command replaced or ended the shell (`exec`, `exit`), and ssh
        // passes its status on, 255 aside, which is ssh's own.
        if framed.started {
            if let Some(status) = ssh_status.filter(|s| *s != 255) {
                return Ok(Output {
                    status,
                    stdout: framed.stdout,
                    stderr: framed.stderr,
                });
            }
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let err = match connection_failure(&stderr, &self.target) {
            Some(err) => err,
            None if framed.started => RemoteError::new(
                ErrorKind::Disconnected,
                format!(
                    "The connection to {} broke while `{}` ran: {}",
                    self.target.host(),
                    argv[0],
                    first_line(&stderr)
                ),
            ),
            None => RemoteError::new(
                ErrorKind::Disconnected,
                format!(
                    "Cannot run commands on {}: {}",
                    self.target.host(),
                    first_line(&stderr)
                ),
            ),
        };
        Err(self.with_host_key(err).await)
    }

    /// A place among the sessions the master may carry at once; waits for
    /// one to free up.
    pub(crate) async fn session(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.sessions
            .acquire()
            .await
            .expect("the session semaphore is never closed")
    }

    /// Like `run`, but a non-zero status is a `CommandFailed` error naming
    /// the command and its stderr.
    pub async fn run_ok(&self, argv: &[&str]) -> Result<Output> {
        let out = self.run(argv).await?;
        if out.success() {
            return Ok(out);
        }
        Err(RemoteError::new(
            ErrorKind::CommandFailed,
            format!(
                "`{}` failed on {} (status {}): {}",
                argv[0],
                self.target.host(),
                out.status,
                first_line(&out.stderr_text())
            ),
        ))
    }

    /// An unknown host key error names the key the server presents.
    async fn with_host_key(&self, mut err: RemoteError) -> RemoteError {
        if err.kind == ErrorKind::HostKeyUnknown {
            if let Ok(key) = self.scan_host_key().await {
                err.message = format!(
                    "{} It presents the {} key {}.",
                    err.message, key.key_type, key.fingerprint
                );
                err.host_key = Some(key);
            }
        }
        err
    }

    /// Connects (or finds the master up) without running anything useful.
    pub async fn connect(&self) -> Result<()> {
        self.run_ok(&["true"]).await.map(drop)
    }
}

pub(crate) fn spawn_error(e: std::io::Error) -> RemoteError {
    if e.kind() == std::io::ErrorKind::NotFound {
        RemoteError::new(
            ErrorKind::Local,
            "OpenSSH's client is not installed on this machine: install it (Debian: \
             openssh-client) to reach a cluster",
        )
    } else {
        RemoteError::local("cannot start ssh", e)
    }
}

/// A short stable name for the master's socket: the full user@host:port
/// would overflow the socket path limit.
fn socket_name(target: &SshTarget) -> String {
    let mut h = Sha256::new();
    h.update(target.host().as_bytes());
    h.update([0]);
    h.update(target.user().unwrap_or("").as_bytes());
    h.update([0]);
    h.update(target.port().unwrap_or(0).to_be_bytes());
    h.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// A local path as an ssh option value: in double quotes (ssh splits its
/// option values on spaces) with `%` doubled (ssh expands `%` tokens).
pub(crate) fn ssh_path(path: &Path) -> String {
    format!("\"{}\"", path.to_string_lossy().replace('%', "%%"))
}

/// Paths that go into ssh options and rsync's remote shell: absolute,
/// UTF-8, and without the quotes, backslashes or control characters that
/// those two quoting layers cannot carry.
fn check_local_path(path: &Path, what: &str) -> Result<()> {
    let Some(text) = path.to_str() else {
        return Err(RemoteError::invalid(format!(
            "{what}, {}, is not valid UTF-8",
            path.display()
        )));
    };
    if !path.is_absolute() {
        return Err(RemoteError::invalid(format!(
            "{what}, {text}, is not an absolute path"
        )));
    }
    if let Some(c) = text
        .chars()
        .find(|c| matches!(c, '\'' | '"' | '\\') || c.is_control())
    {
        return Err(RemoteError::invalid(format!(
            "{what}, {text:?}, contains {c:?}, which SSH options cannot carry"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> SshTarget {
        SshTarget::new("hpc", Some("ann"), Some(2200)).unwrap()
    }

    #[test]
    fn creates_a_private_folder_and_a_short_socket_name() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("with space/ssh");
        let conn = Connection::new(target(), &dir, ConnectionOptions::default()).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        assert!(conn.known_hosts_file().is_file());
        let name = conn.control_path.file_name().unwrap().to_str().unwrap();
        assert_eq!(name.len(), "cm-".len() + 16);
        let other = Connection::new(
            SshTarget::new("hpc", Some("bob"), Some(2200)).unwrap(),
            &dir,
            ConnectionOptions::default(),
        )
        .unwrap();
        assert_ne!(conn.control_path, other.control_path);
    }

    #[test]
    fn refuses_a_folder_too_long_for_a_socket() {
        let dir = PathBuf::from(format!("/tmp/{}", "d".repeat(80)));
        let e = Connection::new(target(), &dir, ConnectionOptions::default()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(e.message.contains("too long"), "{}", e.message);
    }

    #[test]
    fn refuses_folders_that_ssh_options_cannot_carry() {
        for dir in ["relative/dir", "/tmp/a'b", "/tmp/a\"b", "/tmp/a\\b", "/tmp/a\nb"] {
            let e = Connection::new(target(), Path::new(dir), ConnectionOptions::default()).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{dir:?}");
        }
    }

    #[test]
    fn ssh_paths_are_quoted_and_escape_percent_tokens() {
        assert_eq!(ssh_path(Path::new("/a b/100%")), "\"/a b/100%%\"");
    }
}

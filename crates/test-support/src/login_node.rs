//! A cluster login node on loopback for every suite that reaches a cluster
//! over SSH (the transport's, the core's, `fdesk`'s): a private OpenSSH
//! server on a free port with a throwaway host key, logging in the test
//! user `fdremote` (or `fdremotecsh`, whose login shell is tcsh), whose
//! home is the cluster side: its files are never under this machine's data
//! dirs, so nothing works through a shared path by accident. Its startup
//! file prints to stdout and stderr and the server shows a login banner,
//! as many clusters' do; `~/.bashrc` points Slurm's clients at the local
//! test cluster. Each test starts its own server; the user is shared, each
//! test works in a folder of its own in the user's home, which sshd
//! exports as `$SCRATCH`.
//!
//! The suites skip, saying why, only when they are not run as root (they
//! create a user and start sshd) or sshd is not installed.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use fusion_desk_remote::{Connection, ConnectionOptions, SshTarget};

const SSHD: &str = "/usr/sbin/sshd";

/// The test users' startup files print to stdout and stderr, as many
/// clusters' do (module systems, notices).
const BASHRC: &str = "\
echo \"Welcome to the test cluster (.bashrc)\"
echo \"module: loaded defaults (.bashrc, on stderr)\" >&2
export FDESK_STARTUP_RAN=1
export SLURM_CONF=/tmp/fusion-desk-slurm/slurm.conf
";
const CSHRC: &str = "\
echo \"Welcome to the test cluster (.cshrc)\"
setenv FDESK_STARTUP_RAN 1
";

/// The cluster user's login shell: bash, or tcsh, which many HPC accounts
/// still have and whose quoting differs from sh's.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
pub enum LoginShell {
    #[default]
    Bash,
    Tcsh,
}

struct Account {
    user: &'static str,
    home: &'static str,
    shell: &'static str,
    rc_file: &'static str,
    rc: &'static str,
}

impl LoginShell {
    fn account(self) -> Account {
        match self {
            LoginShell::Bash => Account {
                user: "fdremote",
                home: "/home/fdremote",
                shell: "/bin/bash",
                rc_file: ".bashrc",
                rc: BASHRC,
            },
            LoginShell::Tcsh => Account {
                user: "fdremotecsh",
                home: "/home/fdremotecsh",
                shell: "/bin/tcsh",
                rc_file: ".cshrc",
                rc: CSHRC,
            },
        }
    }
}

#[derive(Default, Clone)]
pub struct NodeSetup {
    /// `SetEnv` lines of the server: variables every session gets.
    pub set_env: Vec<(String, String)>,
    /// The server's MaxSessions (sessions per connection); 64 if unset.
    pub max_sessions: Option<u32>,
    pub shell: LoginShell,
}

pub struct LoginNode {
    pub user: &'static str,
    /// The cluster user's home.
    pub home: &'static str,
    pub dir: tempfile::TempDir,
    pub port: u16,
    /// The client's private key, authorized for the test user.
    pub client_key: PathBuf,
    /// A folder of this test's own in the test user's home.
    pub scratch: String,
    config: PathBuf,
}

/// A login node with the default setup; `None` (with the reason printed)
/// when the suite cannot run here.
pub fn login_node() -> Option<LoginNode> {
    login_node_with(NodeSetup::default())
}

/// `login_node` with its own setup (a login shell, server settings).
pub fn login_node_with(setup: NodeSetup) -> Option<LoginNode> {
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        eprintln!("skipped: the login-node tests create a user and start sshd, which needs root");
        return None;
    }
    if !Path::new(SSHD).exists() {
        eprintln!("skipped: {SSHD} is missing (install openssh-server; scripts/setup.sh does)");
        return None;
    }
    let account = setup.shell.account();
    ensure_user(&account);
    let dir = tempfile::Builder::new()
        .prefix("fdremote-sshd.")
        .tempdir()
        .unwrap();
    // sshd reads the authorized keys as the test user: let it through.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let host_key = dir.path().join("hostkey");
    let client_key = dir.path().join("clientkey");
    keygen(&host_key);
    keygen(&client_key);
    let authorized = dir.path().join("authorized_keys");
    std::fs::copy(client_key.with_extension("pub"), &authorized).unwrap();
    chown(account.user, &authorized);
    std::fs::write(
        dir.path().join("banner"),
        "*** Test cluster: authorised use only ***\n",
    )
    .unwrap();
    let port = free_port();
    let scratch = format!(
        "{}/it-{:012x}",
        account.home,
        rand::random::<u64>() & 0xffff_ffff_ffff
    );
    std::fs::create_dir(&scratch).unwrap();
    std::fs::set_permissions(&scratch, std::fs::Permissions::from_mode(0o700)).unwrap();
    chown(account.user, Path::new(&scratch));
    let mut config = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {hk}\nPidFile {d}/sshd.pid\n\
         AuthorizedKeysFile {ak}\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
         UsePAM no\nStrictModes no\nBanner {d}/banner\nAllowUsers {user}\nMaxSessions {ms}\n\
         MaxStartups 64\n",
        user = account.user,
        ms = setup.max_sessions.unwrap_or(64),
        hk = host_key.display(),
        d = dir.path().display(),
        ak = authorized.display(),
    );
    let mut env = vec![("SCRATCH".to_owned(), scratch.clone())];
    env.extend(setup.set_env);
    config.push_str("SetEnv");
    for (k, v) in env {
        config.push_str(&format!(" {k}={v}"));
    }
    config.push('\n');
    let config_path = dir.path().join("sshd_config");
    std::fs::write(&config_path, config).unwrap();
    let node = LoginNode {
        user: account.user,
        home: account.home,
        dir,
        port,
        client_key,
        scratch,
        config: config_path,
    };
    node.start();
    Some(node)
}

impl LoginNode {
    /// An SSH config file defining `alias` as this login node, as a
    /// researcher's `~/.ssh/config` does.
    pub fn ssh_config(&self, alias: &str) -> PathBuf {
        let path = self.dir.path().join("ssh_config");
        std::fs::write(
            &path,
            format!(
                "Host {alias}\n  HostName 127.0.0.1\n  Port {}\n  User {}\n  IdentityFile {}\n  \
                 IdentitiesOnly yes\n",
                self.port,
                self.user,
                self.client_key.display()
            ),
        )
        .unwrap();
        path
    }

    /// Copies a program into the cluster side (`$SCRATCH/bin/<name>`, owned
    /// by the test user), as a cluster has its own simulator installed: the
    /// jobs run as that user and must not reach into the tester's build
    /// folder, which another user may not be able to read at all.
    pub fn install_program(&self, from: &Path, name: &str) -> PathBuf {
        let bin = self.scratch_path("bin");
        std::fs::create_dir_all(&bin).unwrap();
        chown(self.user, &bin);
        let to = bin.join(name);
        std::fs::copy(from, &to).unwrap();
        std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o755)).unwrap();
        chown(self.user, &to);
        to
    }

    pub fn target(&self) -> SshTarget {
        SshTarget::new("127.0.0.1", Some(self.user), Some(self.port)).unwrap()
    }

    pub fn options(&self) -> ConnectionOptions {
        ConnectionOptions {
            identity_file: Some(self.client_key.clone()),
            connect_timeout: Duration::from_secs(5),
            // Only the keys accepted here: the tester's own known_hosts may
            // hold anything for 127.0.0.1.
            use_user_known_hosts: false,
            ..ConnectionOptions::default()
        }
    }

    /// A connection whose known_hosts already trusts this server, with its
    /// private folder (a path with a space, as macOS's app data has) under
    /// the node's throwaway dir.
    pub fn connection(&self) -> Connection {
        let conn = self.untrusted_connection();
        let line = format!("[127.0.0.1]:{} {}", self.port, self.host_public_key());
        std::fs::write(conn.known_hosts_file(), format!("{line}\n")).unwrap();
        conn
    }

    /// A connection that has never seen this server's key.
    pub fn untrusted_connection(&self) -> Connection {
        let dir = self
            .dir
            .path()
            .join(format!("app ssh {:04x}", rand::random::<u16>()));
        Connection::new(self.target(), &dir, self.options()).unwrap()
    }

    pub fn host_public_key(&self) -> String {
        let text = std::fs::read_to_string(self.dir.path().join("hostkey.pub")).unwrap();
        let mut words = text.split_whitespace();
        format!("{} {}", words.next().unwrap(), words.next().unwrap())
    }

    /// The server's key fingerprint as ssh-keygen prints it.
    pub fn host_fingerprint(&self) -> String {
        let out = Command::new("ssh-keygen")
            .args(["-E", "sha256", "-lf"])
            .arg(self.dir.path().join("hostkey.pub"))
            .output()
            .unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_owned()
    }

    /// Replaces the server's host key (a reinstalled login node).
    pub fn replace_host_key(&self) {
        self.stop();
        let key = self.dir.path().join("hostkey");
        std::fs::remove_file(&key).unwrap();
        std::fs::remove_file(key.with_extension("pub")).unwrap();
        keygen(&key);
        self.start();
    }

    fn pid_file(&self) -> PathBuf {
        self.dir.path().join("sshd.pid")
    }

    pub fn start(&self) {
        let _ = std::fs::remove_file(self.pid_file());
        std::fs::create_dir_all("/run/sshd").unwrap();
        let status = Command::new(SSHD)
            .arg("-f")
            .arg(&self.config)
            .arg("-E")
            .arg(self.dir.path().join("sshd.log"))
            .status()
            .unwrap();
        assert!(status.success(), "sshd did not start: {}", self.log());
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "sshd does not listen: {}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the server and every connection it serves, as a login node
    /// going down does (stopping only the listener leaves sessions up).
    pub fn stop(&self) {
        let Ok(text) = std::fs::read_to_string(self.pid_file()) else {
            return;
        };
        let listener: i32 = text.trim().parse().unwrap();
        let mut pids = vec![listener];
        pids.extend(sshd_descendants(listener));
        for pid in &pids {
            // SAFETY: signalling processes this fixture started.
            unsafe { libc::kill(*pid, libc::SIGKILL) };
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = std::fs::remove_file(self.pid_file());
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sshd.log")).unwrap_or_default()
    }

    /// A path of the test's scratch folder on the cluster side.
    pub fn scratch_path(&self, rel: &str) -> PathBuf {
        Path::new(&self.scratch).join(rel)
    }
}

impl Drop for LoginNode {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// sshd processes below `pid` (its per-connection children).
fn sshd_descendants(pid: i32) -> Vec<i32> {
    let mut found = Vec::new();
    let mut frontier = vec![pid];
    while let Some(parent) = frontier.pop() {
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Some(child) = entry.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
                continue;
            };
            let Some((head, rest)) = stat.rsplit_once(')') else {
                continue;
            };
            let ppid: i32 = rest
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            if ppid == parent && head.contains("(sshd") {
                found.push(child);
                frontier.push(child);
            }
        }
    }
    found
}

/// Creates the test user once; the suites of several crates share it, so
/// creating it is serialised with a lock file.
fn ensure_user(account: &Account) {
    let lock = File::create("/tmp/fusion-desk-remote-user.lock").unwrap();
    // SAFETY: flock on a descriptor we own; released when it closes.
    assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) }, 0);
    assert!(
        Path::new(account.shell).exists(),
        "{} is missing: install it (scripts/setup.sh does)",
        account.shell
    );
    let user = account.user;
    let exists = Command::new("id").arg(user).output().unwrap().status.success();
    if !exists {
        let out = Command::new("useradd")
            .args(["-m", "-d", account.home, "-s", account.shell, user])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "useradd: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // useradd locks the account ('!'), and sshd refuses locked accounts
    // even for key logins; '*' is "no password", not locked.
    let out = Command::new("usermod")
        .args(["-p", "*", "-s", account.shell, user])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "usermod: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rc = Path::new(account.home).join(account.rc_file);
    if std::fs::read_to_string(&rc).ok().as_deref() != Some(account.rc) {
        std::fs::write(&rc, account.rc).unwrap();
        chown(user, &rc);
    }
}

fn keygen(path: &Path) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

fn chown(user: &str, path: &Path) {
    let status = Command::new("chown").arg(user).arg(path).status().unwrap();
    assert!(status.success());
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

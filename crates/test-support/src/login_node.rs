//! A cluster login node on loopback for the suites that reach a cluster
//! over SSH: a private OpenSSH server on a free port with a throwaway host
//! key, logging in the test user `fdremote`, whose home is the cluster side
//! (never under a tester's data dir, so nothing works through a shared path
//! by accident). Its `~/.bashrc` prints to stdout and stderr, as many
//! clusters' do, and points Slurm's clients at the local test cluster.
//! Each test starts its own server and works in a folder of its own in the
//! user's home, which sshd exports as `$SCRATCH`.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const SSHD: &str = "/usr/sbin/sshd";
const USER: &str = "fdremote";
const HOME: &str = "/home/fdremote";
const BASHRC: &str = "\
echo \"Welcome to the test cluster (.bashrc)\"
echo \"module: loaded defaults (.bashrc, on stderr)\" >&2
export FDESK_STARTUP_RAN=1
export SLURM_CONF=/tmp/fusion-desk-slurm/slurm.conf
";

pub struct LoginNode {
    pub user: &'static str,
    pub dir: tempfile::TempDir,
    pub port: u16,
    /// The client's private key, authorized for the test user.
    pub client_key: PathBuf,
    /// A folder of this test's own in the test user's home (`$SCRATCH`).
    pub scratch: String,
    config: PathBuf,
}

/// `None` (with the reason printed) when the suite cannot run here: it
/// creates a user and starts sshd, which needs root and openssh-server.
pub fn login_node() -> Option<LoginNode> {
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        eprintln!("skipped: the login-node tests create a user and start sshd, which needs root");
        return None;
    }
    if !Path::new(SSHD).exists() {
        eprintln!("skipped: {SSHD} is missing (install openssh-server; scripts/setup.sh does)");
        return None;
    }
    ensure_user();
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
    chown(USER, &authorized);
    let port = free_port();
    let scratch = format!("{HOME}/it-{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff);
    std::fs::create_dir(&scratch).unwrap();
    std::fs::set_permissions(&scratch, std::fs::Permissions::from_mode(0o700)).unwrap();
    chown(USER, Path::new(&scratch));
    let config = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {hk}\nPidFile {d}/sshd.pid\n\
         AuthorizedKeysFile {ak}\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
         UsePAM no\nStrictModes no\nAllowUsers {USER}\nMaxSessions 64\nMaxStartups 64\n\
         SetEnv SCRATCH={scratch}\n",
        hk = host_key.display(),
        d = dir.path().display(),
        ak = authorized.display(),
    );
    let config_path = dir.path().join("sshd_config");
    std::fs::write(&config_path, config).unwrap();
    let node = LoginNode {
        user: USER,
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

    /// Copies a program into the cluster side (`$SCRATCH/bin/<name>`, owned
    /// by the test user), as a cluster has its own simulator installed: the
    /// jobs run as that user and must not reach into the tester's build
    /// folder, which another user may not be able to read at all.
    pub fn install_program(&self, from: &Path, name: &str) -> PathBuf {
        let bin = self.scratch_path("bin");
        std::fs::create_dir_all(&bin).unwrap();
        chown(USER, &bin);
        let to = bin.join(name);
        std::fs::copy(from, &to).unwrap();
        std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o755)).unwrap();
        chown(USER, &to);
        to
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
fn ensure_user() {
    let lock = File::create("/tmp/fusion-desk-remote-user.lock").unwrap();
    // SAFETY: flock on a descriptor we own; released when it closes.
    assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) }, 0);
    let exists = Command::new("id").arg(USER).output().unwrap().status.success();
    if !exists {
        let out = Command::new("useradd")
            .args(["-m", "-d", HOME, "-s", "/bin/bash", USER])
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
        .args(["-p", "*", "-s", "/bin/bash", USER])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "usermod: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rc = Path::new(HOME).join(".bashrc");
    if std::fs::read_to_string(&rc).ok().as_deref() != Some(BASHRC) {
        std::fs::write(&rc, BASHRC).unwrap();
        chown(USER, &rc);
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

//! Which login node to reach: a host (a name, an address or an alias from
//! the user's `~/.ssh/config`), an optional user and port. Both strings end
//! up on OpenSSH's and rsync's command lines, so they are checked strictly:
//! nothing that could be read as an option or split into two words.

use crate::error::{RemoteError, Result};

const MAX_HOST_LEN: usize = 253;
const MAX_USER_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SshTarget {
    host: String,
    user: Option<String>,
    port: Option<u16>,
}

impl SshTarget {
    /// `user` and `port` left out mean what the user's SSH config says
    /// (or OpenSSH's defaults).
    pub fn new(host: &str, user: Option<&str>, port: Option<u16>) -> Result<SshTarget> {
        check_host(host)?;
        if let Some(user) = user {
            check_user(user)?;
        }
        if port == Some(0) {
            return Err(RemoteError::invalid("port 0 is not a valid SSH port"));
        }
        Ok(SshTarget {
            host: host.to_owned(),
            user: user.map(str::to_owned),
            port,
        })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// `user@host:port` as people write it, for messages.
    pub fn display(&self) -> String {
        let mut s = String::new();
        if let Some(user) = &self.user {
            s.push_str(user);
            s.push('@');
        }
        s.push_str(&self.host);
        if let Some(port) = self.port {
            s.push_str(&format!(":{port}"));
        }
        s
    }

    /// OpenSSH arguments naming the port and user (`-p`, `-l`); the host
    /// goes last, after `--`.
    pub(crate) fn ssh_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(port) = self.port {
            args.push("-p".to_owned());
            args.push(port.to_string());
        }
        if let Some(user) = &self.user {
            args.push("-l".to_owned());
            args.push(user.clone());
        }
        args
    }

    /// The host as rsync's `host:path` syntax needs it: an IPv6 address in
    /// brackets.
    pub(crate) fn rsync_host(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }
}

fn check_host(host: &str) -> Result<()> {
    if host.is_empty() {
        return Err(RemoteError::invalid("the cluster's host name is empty"));
    }
    if host.len() > MAX_HOST_LEN {
        return Err(RemoteError::invalid(format!(
            "the cluster's host name is longer than {MAX_HOST_LEN} characters"
        )));
    }
    if host.starts_with('-') {
        return Err(RemoteError::invalid(format!(
            "the host name {host:?} starts with '-' and would be read as an option"
        )));
    }
    // Names, aliases, IPv4 and IPv6 addresses: no spaces, quotes, '@', '/'.
    if let Some(c) = host
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':')))
    {
        return Err(RemoteError::invalid(format!(
            "the host name {host:?} contains {c:?}: use letters, digits, '.', '-', '_' \
             (or an IPv6 address)"
        )));
    }
    Ok(())
}

fn check_user(user: &str) -> Result<()> {
    if user.is_empty() {
        return Err(RemoteError::invalid(
            "the user name is empty: leave it out to use your SSH config's",
        ));
    }
    if user.len() > MAX_USER_LEN {
        return Err(RemoteError::invalid(format!(
            "the user name is longer than {MAX_USER_LEN} characters"
        )));
    }
    if user.starts_with('-') {
        return Err(RemoteError::invalid(format!(
            "the user name {user:?} starts with '-' and would be read as an option"
        )));
    }
    if let Some(c) = user
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return Err(RemoteError::invalid(format!(
            "the user name {user:?} contains {c:?}: use letters, digits, '.', '-', '_'"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_names_aliases_and_addresses() {
        for host in ["login.cluster.example.org", "hpc", "10.0.0.7", "::1", "a_b-c"] {
            SshTarget::new(host, Some("alice.b"), Some(22)).unwrap();
        }
    }

    #[test]
    fn refuses_hosts_that_could_become_options_or_words() {
        for host in [
            "",
            "-oProxyCommand=x",
            "a b",
            "a\tb",
            "a\nb",
            "a\u{0}b",
            "u@h",
            "h/x",
            "h;x",
            "hôte",
        ] {
            assert!(SshTarget::new(host, None, None).is_err(), "{host:?}");
        }
        assert!(SshTarget::new(&"h".repeat(254), None, None).is_err());
    }

    #[test]
    fn refuses_bad_users_and_port_zero() {
        for user in ["", "-l", "a b", "a\nb", "a@b", "a:b"] {
            assert!(SshTarget::new("h", Some(user), None).is_err(), "{user:?}");
        }
        assert!(SshTarget::new("h", Some(&"u".repeat(65)), None).is_err());
        assert!(SshTarget::new("h", None, Some(0)).is_err());
    }

    #[test]
    fn names_port_and_user_for_ssh_and_brackets_ipv6_for_rsync() {
        let t = SshTarget::new("::1", Some("bob"), Some(2200)).unwrap();
        assert_eq!(t.ssh_args(), ["-p", "2200", "-l", "bob"]);
        assert_eq!(t.rsync_host(), "[::1]");
        assert_eq!(t.display(), "bob@::1:2200");
        assert!(SshTarget::new("hpc", None, None).unwrap().ssh_args().is_empty());
    }
}

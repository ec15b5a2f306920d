//! Reading why OpenSSH failed. ssh exits with 255 for every failure of its
//! own and says which in a line on stderr; these are the lines of OpenSSH
//! 7–9 (and rsync's relays of them), matched as substrings so a prefix such
//! as `ssh:` or `rsync:` does not matter.

use crate::error::{ErrorKind, RemoteError};
use crate::target::SshTarget;

/// The error ssh's stderr describes, or `None` when it names no failure
/// of the connection (the remote command itself failed).
pub(crate) fn connection_failure(stderr: &str, target: &SshTarget) -> Option<RemoteError> {
    let host = target.host();
    let port = target
        .port()
        .map_or_else(|| "the SSH port".to_owned(), |p| format!("port {p}"));
    let (kind, message) = if stderr.contains("Could not resolve hostname") {
        (
            ErrorKind::Unresolvable,
            format!(
                "Cannot find the cluster {host}: the name does not resolve. Check the host \
                 name (or its alias in your SSH config) and your network or VPN."
            ),
        )
    } else if stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
        || stderr.contains("Host key for") && stderr.contains("has changed")
    {
        let fingerprint = fingerprint_in(stderr)
            .map(|f| format!(" It now presents {f}."))
            .unwrap_or_default();
        (
            ErrorKind::HostKeyChanged,
            format!(
                "{host}'s host key has changed since it was accepted.{fingerprint} This happens \
                 when a cluster reinstalls its login node, and also when someone intercepts the \
                 connection: ask your cluster's administrators before trusting the new key."
            ),
        )
    } else if stderr.contains("host key is known for") || stderr.contains("Host key verification failed") {
        (
            ErrorKind::HostKeyUnknown,
            format!(
                "{host}'s host key is not known yet: compare its fingerprint with the one your \
                 cluster publishes, then accept it."
            ),
        )
    } else if stderr.contains("Permission denied") || stderr.contains("Too many authentication") {
        (
            ErrorKind::Authentication,
            format!(
                "{host} refused the login: none of your SSH keys is accepted for {}. Check the \
                 user name, that your key is loaded (ssh-add) and that its public key is in the \
                 cluster's ~/.ssh/authorized_keys. Passwords are never asked for.",
                target.user().unwrap_or("this user")
            ),
        )
    } else if stderr.contains("Connection refused") {
        (
            ErrorKind::Unreachable,
            format!(
                "{host} refused the connection on {port}: no SSH server answers there. Check \
                 the port, or the login node may be down."
            ),
        )
    } else if stderr.contains("No route to host") || stderr.contains("Network is unreachable") {
        (
            ErrorKind::Unreachable,
            format!("{host} cannot be reached from this machine: check your network or VPN."),
        )
    } else if stderr.contains("timed out") || stderr.contains("Timeout, server") {
        (
            ErrorKind::Timeout,
            format!(
                "{host} did not answer in time on {port}. The network, a firewall or the \
                 login node may be down; it is tried again later."
            ),
        )
    } else if stderr.contains("Session open refused") || stderr.contains("administratively prohibited") {
        (
            ErrorKind::Disconnected,
            format!(
                "{host} refused one more session on the connection: fewer commands at once \
                 than its sshd's MaxSessions allows are needed"
            ),
        )
    } else if stderr.contains("Connection closed")
        || stderr.contains("Connection reset")
        || stderr.contains("closed by remote host")
        || stderr.contains("Broken pipe")
        || stderr.contains("kex_exchange_identification")
        || stderr.contains("master failed")
    {
        (
            ErrorKind::Disconnected,
            format!("The connection to {host} broke: {}", first_line(stderr)),
        )
    } else if stderr.contains("Bad configuration option")
        || stderr.contains("command-line line")
        || stderr.contains("Bad owner or permissions")
    {
        (
            ErrorKind::Local,
            format!("OpenSSH refused its configuration: {}", first_line(stderr)),
        )
    } else {
        return None;
    };
    Some(RemoteError::new(kind, message))
}

/// The first `SHA256:` fingerprint named in ssh's text.
fn fingerprint_in(text: &str) -> Option<&str> {
    let at = text.find("SHA256:")?;
    let digest = &text[at + "SHA256:".len()..];
    // Unpadded base64; ssh ends the sentence with a '.' right after it.
    let len = digest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/'))
        .unwrap_or(digest.len());
    Some(&text[at..at + "SHA256:".len() + len])
}

pub(crate) fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("no message")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(stderr: &str) -> Option<ErrorKind> {
        let t = SshTarget::new("login.hpc", Some("ann"), Some(2200)).unwrap();
        connection_failure(stderr, &t).map(|e| e.kind)
    }

    #[test]
    fn classifies_openssh_failures() {
        let cases = [
            (
                "ssh: Could not resolve hostname login.hpc: Name or service not known",
                ErrorKind::Unresolvable,
            ),
            (
                "ssh: connect to host 127.0.0.1 port 1: Connection refused",
                ErrorKind::Unreachable,
            ),
            (
                "ssh: connect to host 10.1.1.1 port 22: Connection timed out",
                ErrorKind::Timeout,
            ),
            ("Connection timed out during banner exchange", ErrorKind::Timeout),
            (
                "ann@login.hpc: Permission denied (publickey).",
                ErrorKind::Authentication,
            ),
            (
                "No ED25519 host key is known for [127.0.0.1]:2200 and you have requested \
                 strict checking.\nHost key verification failed.",
                ErrorKind::HostKeyUnknown,
            ),
            (
                "@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nThe fingerprint \
                 for the ED25519 key sent by the remote host is\nSHA256:abc.\nHost key \
                 verification failed.",
                ErrorKind::HostKeyChanged,
            ),
            (
                "Connection closed by 127.0.0.1 port 2200",
                ErrorKind::Disconnected,
            ),
        ];
        for (stderr, want) in cases {
            assert_eq!(kind(stderr), Some(want), "{stderr}");
        }
    }

    #[test]
    fn a_remote_commands_own_error_is_no_connection_failure() {
        assert_eq!(kind("sh: 1: sinfo: not found"), None);
        assert_eq!(kind(""), None);
    }

    #[test]
    fn a_changed_key_names_the_new_fingerprint() {
        let t = SshTarget::new("h", None, None).unwrap();
        let e = connection_failure(
            "REMOTE HOST IDENTIFICATION HAS CHANGED!\nremote host is\nSHA256:Zm9v/bar+1.\n",
            &t,
        )
        .unwrap();
        assert!(e.message.contains("SHA256:Zm9v/bar+1"), "{}", e.message);
    }
}

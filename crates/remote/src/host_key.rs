//! A login node's host key as the user is shown it before trusting it.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostKey {
    /// As ssh-keygen names it: `ED25519`, `ECDSA`, `RSA`.
    pub key_type: String,
    /// `SHA256:` and the unpadded base64 digest, as `ssh-keygen -l` prints.
    pub fingerprint: String,
    /// The known_hosts line that records this key for this host.
    pub known_hosts_line: String,
}

/// Type and fingerprint from a line of `ssh-keygen -l`
/// (`256 SHA256:… host (ED25519)`).
pub(crate) fn parse_fingerprint_line(line: &str) -> Option<(String, String)> {
    let fingerprint = line
        .split_whitespace()
        .find(|w| w.starts_with("SHA256:"))?
        .to_owned();
    let key_type = line.trim_end().strip_suffix(')')?.rsplit_once('(')?.1.to_owned();
    Some((key_type, fingerprint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_type_and_fingerprint_from_ssh_keygen() {
        assert_eq!(
            parse_fingerprint_line("256 SHA256:2wi2fNC0AsGg+/h0q0 [127.0.0.1]:22731 (ED25519)"),
            Some(("ED25519".to_owned(), "SHA256:2wi2fNC0AsGg+/h0q0".to_owned()))
        );
        assert_eq!(parse_fingerprint_line("garbage"), None);
    }
}

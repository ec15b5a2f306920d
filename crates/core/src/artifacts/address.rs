//! Artifact addresses: how the UI and the CLI name a file of a run.
//!
//! An address is a `/`-separated path relative to a root of the run. The run
//! folder is the default root; an extra root registered for the run (a
//! simulator's own output folder) is named by a first component `@<label>`.
//! Examples: `""` (the run folder), `output/300.0_erlang.json`,
//! `@fusion/s1/300.0_erlang.json`.
//!
//! Parsing is strict on purpose: anything that is not a plain relative path of
//! plain names is refused with [`ErrorCode::ForbiddenPath`] before a file is
//! touched. The names the run folder and FUSION write never need any of the
//! refused forms.

use crate::error::{DeskError, ErrorCode, Result};

/// The longest address accepted, in bytes (Linux's PATH_MAX).
pub const MAX_ADDRESS_BYTES: usize = 4096;
/// The longest single name accepted, in bytes (Linux's NAME_MAX).
pub const MAX_NAME_BYTES: usize = 255;
/// The longest label of an extra root.
pub const MAX_LABEL_LEN: usize = 64;

/// Which root of a run an address starts from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RootRef {
    /// The run's own folder, `<data dir>/runs/<id>`.
    Run,
    /// An extra, read-only root registered for the run under this label.
    Extra(String),
}

/// A validated address: a root and plain names below it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    pub root: RootRef,
    pub names: Vec<String>,
}

impl Address {
    /// The run folder itself.
    pub fn run_root() -> Self {
        Address {
            root: RootRef::Run,
            names: Vec::new(),
        }
    }

    /// Parses and validates what a client sent. A single trailing `/` is
    /// tolerated; everything else unusual is refused.
    pub fn parse(input: &str) -> Result<Address> {
        if input.len() > MAX_ADDRESS_BYTES {
            return Err(forbidden(input, "it is too long"));
        }
        if input.chars().any(char::is_control) {
            return Err(forbidden(input, "it contains control characters"));
        }
        if input.contains('\\') {
            return Err(forbidden(input, "backslashes are not path separators here"));
        }
        if has_percent_escape(input) {
            return Err(forbidden(input, "percent-encoded characters are not decoded"));
        }
        if input.starts_with('/') {
            return Err(forbidden(input, "absolute paths are not accepted"));
        }
        if input.starts_with('~') {
            return Err(forbidden(input, "home-relative paths are not accepted"));
        }
        let trimmed = input.strip_suffix('/').unwrap_or(input);
        if trimmed.is_empty() {
            return if input.is_empty() {
                Ok(Address::run_root())
            } else {
                Err(forbidden(input, "absolute paths are not accepted"))
            };
        }
        let mut parts = trimmed.split('/');
        let first = parts.next().expect("split yields at least one part");
        let (root, first_name) = match first.strip_prefix('@') {
            Some(label) => {
                validate_label(label).map_err(|why| forbidden(input, &why))?;
                (RootRef::Extra(label.to_owned()), None)
            }
            None => (RootRef::Run, Some(first)),
        };
        if let Some(first) = first_name {
            if is_drive_prefix(first) {
                return Err(forbidden(input, "drive-letter paths are not accepted"));
            }
        }
        let mut names = Vec::new();
        for name in first_name.into_iter().chain(parts) {
            check_name(name).map_err(|why| forbidden(input, why))?;
            names.push(name.to_owned());
        }
        Ok(Address { root, names })
    }

    /// The address of a child of this folder.
    pub fn child(&self, name: &str) -> Address {
        let mut names = self.names.clone();
        names.push(name.to_owned());
        Address {
            root: self.root.clone(),
            names,
        }
    }

    pub fn is_root(&self) -> bool {
        self.names.is_empty()
    }

    /// The address as a client writes it; `parse(a.to_string()) == a`.
    pub fn render(&self) -> String {
        let mut out = match &self.root {
            RootRef::Run => String::new(),
            RootRef::Extra(label) => format!("@{label}"),
        };
        for name in &self.names {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(name);
        }
        out
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

/// Labels of extra roots: 1–64 of `[A-Za-z0-9._-]`, not starting with a dot.
pub fn validate_label(label: &str) -> std::result::Result<(), String> {
    if label.is_empty() || label.len() > MAX_LABEL_LEN {
        return Err(format!("a root label is 1 to {MAX_LABEL_LEN} characters"));
    }
    if label.starts_with('.') {
        return Err("a root label cannot start with a dot".to_owned());
    }
    if !label
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err("a root label uses only letters, digits, '.', '_' and '-'".to_owned());
    }
    Ok(())
}

fn check_name(name: &str) -> std::result::Result<(), &'static str> {
    match name {
        "" => Err("empty path components are not accepted"),
        "." | ".." => Err("'.' and '..' are not accepted"),
        _ if name.len() > MAX_NAME_BYTES => Err("a name is too long"),
        _ => Ok(()),
    }
}

/// `%` followed by two hex digits (`%2e`, `%2F`, `%252e`, …) or by `u`
/// (`%u002e`): whatever a client meant by it, it is not a plain name.
fn has_percent_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        c == b'%'
            && match (b.get(i + 1), b.get(i + 2)) {
                (Some(u), _) if u.eq_ignore_ascii_case(&b'u') => true,
                (Some(x), Some(y)) => x.is_ascii_hexdigit() && y.is_ascii_hexdigit(),
                _ => false,
            }
    })
}

/// `C:` or `c:foo`: a Windows drive, never a name a run writes.
fn is_drive_prefix(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

fn forbidden(input: &str, why: &str) -> DeskError {
    DeskError::new(
        ErrorCode::ForbiddenPath,
        format!("path {:?} is refused: {why}", quote(input)),
    )
}

/// Hostile input can be long: messages quote only its start.
pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_parse_and_render_back() {
        for ok in [
            "",
            "config.ini",
            "output/300.0_erlang.json",
            "@fusion",
            "@fusion/s1/a b.txt",
            "50%.txt",
            "...",
        ] {
            let a = Address::parse(ok).unwrap();
            assert_eq!(a.render(), ok);
        }
        assert_eq!(Address::parse("logs/").unwrap().render(), "logs");
    }

    #[test]
    fn traversal_forms_are_forbidden() {
        for bad in [
            "/",
            "/etc/passwd",
            "..",
            "../x",
            "a/../b",
            "a/./b",
            ".",
            "a//b",
            "%2e%2e/x",
            "%2E%2E%2Fx",
            "%252e%252e",
            "a%2fb",
            "%u002e",
            "..\\x",
            "a\\b",
            "a\0b",
            "a\nb",
            "~/x",
            "~",
            "C:/x",
            "c:",
            "//server/share",
            "@",
            "@../x",
            "@.hidden",
            "@a/../b",
            "logs//",
            "a/%00",
        ] {
            let err = Address::parse(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::ForbiddenPath, "{bad:?}");
        }
        let long = "a".repeat(MAX_NAME_BYTES + 1);
        assert_eq!(Address::parse(&long).unwrap_err().code, ErrorCode::ForbiddenPath);
        let very_long = "a/".repeat(MAX_ADDRESS_BYTES);
        let err = Address::parse(&very_long).unwrap_err();
        assert_eq!(err.code, ErrorCode::ForbiddenPath);
        assert!(err.message.len() < 300);
    }
}

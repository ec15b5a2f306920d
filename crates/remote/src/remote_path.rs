//! Paths on the cluster. A profile names its remote folder as the user
//! would type it (`$SCRATCH/fusion-desk`, `~/fusion-desk`); it is expanded
//! once, by the remote environment, into an absolute `RemoteRoot`. Every
//! path the app uses is then `root.join(relative)`, with each relative
//! component checked, so nothing the app builds can leave the root.

use crate::connection::Connection;
use crate::error::{ErrorKind, RemoteError, Result};

const MAX_PATH_LEN: usize = 4096;
const MAX_COMPONENT_LEN: usize = 255;

/// The profile's remote folder, absolute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RemoteRoot {
    path: RemotePath,
}

/// An absolute path on the cluster, checked to hold no NUL or control
/// character (it goes into command lines and rsync's arguments).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RemotePath(String);

enum Piece {
    Text(String),
    Var(String),
}

impl RemoteRoot {
    /// `spec` with a leading `~` and `$NAME`/`${NAME}` replaced by the
    /// remote user's environment. A variable that is unset or empty there
    /// is an error rather than a path that silently moves to `/`.
    pub async fn resolve(conn: &Connection, spec: &str) -> Result<RemoteRoot> {
        let pieces = parse_spec(spec)?;
        let names: Vec<&str> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Var(n) => Some(n.as_str()),
                Piece::Text(_) => None,
            })
            .collect();
        let values = if names.is_empty() {
            Vec::new()
        } else {
            // printenv, not eval: the names are checked identifiers and no
            // part of the spec is ever run as shell code.
            let mut argv = vec![
                "/bin/sh",
                "-c",
                "for n do if v=$(printenv \"$n\"); then printf 's%s\\0' \"$v\"; \
                 else printf 'u\\0'; fi; done",
                "sh",
            ];
            argv.extend(&names);
            let out = conn.run_ok(&argv).await?;
            let values: Vec<Option<String>> = out
                .stdout
                .split(|b| *b == 0)
                .take(names.len())
                .map(|v| {
                    v.strip_prefix(b"s")
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                })
                .collect();
            if values.len() != names.len() {
                return Err(RemoteError::new(
                    ErrorKind::Protocol,
                    "the cluster's environment could not be read",
                ));
            }
            values
        };
        let mut path = String::new();
        let mut values = values.into_iter();
        for piece in &pieces {
            match piece {
                Piece::Text(t) => path.push_str(t),
                Piece::Var(name) => match values.next().flatten().filter(|v| !v.is_empty()) {
                    Some(v) => path.push_str(&v),
                    None => {
                        return Err(RemoteError::invalid(format!(
                            "the remote folder {spec:?} uses ${name}, which is not set on {}",
                            conn.target().host()
                        )))
                    }
                },
            }
        }
        RemoteRoot::from_absolute(&path)
    }

    /// A root already known to be absolute on the cluster.
    pub fn from_absolute(path: &str) -> Result<RemoteRoot> {
        if !path.starts_with('/') {
            return Err(RemoteError::invalid(format!(
                "the remote folder {path:?} is not an absolute path"
            )));
        }
        check_chars(path)?;
        let trimmed = path.trim_end_matches('/');
        let path = if trimmed.is_empty() { "/" } else { trimmed };
        Ok(RemoteRoot {
            path: RemotePath(path.to_owned()),
        })
    }

    pub fn path(&self) -> &RemotePath {
        &self.path
    }

    pub fn as_str(&self) -> &str {
        self.path.as_str()
    }

    /// `relative` under the root; see `RemotePath::join`.
    pub fn join(&self, relative: &str) -> Result<RemotePath> {
        self.path.join(relative)
    }

    /// A run's folder, `runs/<id>`, for a 12-lowercase-hex run id.
    pub fn run_dir(&self, run_id: &str) -> Result<RemotePath> {
        if run_id.len() != 12
            || !run_id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(RemoteError::invalid(format!(
                "{run_id:?} is not a run id (12 lowercase hex digits)"
            )));
        }
        self.join(&format!("runs/{run_id}"))
    }
}

impl RemotePath {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A path below this one. `relative` is `/`-separated components, none
    /// empty, `.` or `..`, and is not absolute.
    pub fn join(&self, relative: &str) -> Result<RemotePath> {
        if relative.starts_with('/') {
            return Err(RemoteError::invalid(format!(
                "{relative:?} is absolute: remote paths are relative to the profile's folder"
            )));
        }
        check_chars(relative)?;
        for comp in relative.split('/') {
            if comp.is_empty() || comp == "." || comp == ".." {
                return Err(RemoteError::invalid(format!(
                    "{relative:?} has an empty, '.' or '..' component"
                )));
            }
            if comp.len() > MAX_COMPONENT_LEN {
                return Err(RemoteError::invalid(format!(
                    "{relative:?} has a component longer than {MAX_COMPONENT_LEN} bytes"
                )));
            }
        }
        let joined = if self.0 == "/" {
            format!("/{relative}")
        } else {
            format!("{}/{relative}", self.0)
        };
        if joined.len() > MAX_PATH_LEN {
            return Err(RemoteError::invalid(format!(
                "a remote path is longer than {MAX_PATH_LEN} bytes"
            )));
        }
        Ok(RemotePath(joined))
    }

    /// The folder holding this path.
    pub fn parent(&self) -> Option<RemotePath> {
        let (head, _) = self.0.rsplit_once('/')?;
        (!self.0.is_empty() && self.0 != "/").then(|| {
            RemotePath(if head.is_empty() {
                "/".to_owned()
            } else {
                head.to_owned()
            })
        })
    }
}

impl std::fmt::Display for RemotePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn check_chars(path: &str) -> Result<()> {
    if path.is_empty() {
        return Err(RemoteError::invalid("a remote path is empty"));
    }
    if let Some(c) = path.chars().find(|c| c.is_control()) {
        return Err(RemoteError::invalid(format!(
            "the remote path {path:?} contains the control character {c:?}"
        )));
    }
    Ok(())
}

fn parse_spec(spec: &str) -> Result<Vec<Piece>> {
    check_chars(spec)?;
    let mut pieces = Vec::new();
    let mut rest = spec;
    if let Some(after) = rest.strip_prefix('~') {
        if !(after.is_empty() || after.starts_with('/')) {
            return Err(RemoteError::invalid(format!(
                "{spec:?}: only `~` for your own home is understood, not `~user`"
            )));
        }
        pieces.push(Piece::Var("HOME".to_owned()));
        rest = after;
    }
    let mut text = String::new();
    while let Some(at) = rest.find('$') {
        text.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, next) = if let Some(braced) = after.strip_prefix('{') {
            let end = braced
                .find('}')
                .ok_or_else(|| RemoteError::invalid(format!("{spec:?}: a `${{` without its `}}`")))?;
            (&braced[..end], &braced[end + 1..])
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(RemoteError::invalid(format!(
                "{spec:?}: `$` must be followed by a variable name (`$SCRATCH`, `${{WORK}}`)"
            )));
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut text)));
        }
        pieces.push(Piece::Var(name.to_owned()));
        rest = next;
    }
    text.push_str(rest);
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> RemoteRoot {
        RemoteRoot::from_absolute("/scratch/ann/fusion-desk/").unwrap()
    }

    #[test]
    fn joins_checked_relative_paths() {
        assert_eq!(
            root().join("runs/0123456789ab/logs/sim.log").unwrap().as_str(),
            "/scratch/ann/fusion-desk/runs/0123456789ab/logs/sim.log"
        );
        assert_eq!(
            RemoteRoot::from_absolute("/")
                .unwrap()
                .join("x")
                .unwrap()
                .as_str(),
            "/x"
        );
    }

    #[test]
    fn refuses_escapes_absolute_paths_and_control_characters() {
        for rel in [
            "",
            "/etc/passwd",
            "..",
            "a/../b",
            "a/./b",
            "a//b",
            "a/",
            "a\0b",
            "a\nb",
        ] {
            assert!(root().join(rel).is_err(), "{rel:?}");
        }
        assert!(root().join(&"x".repeat(256)).is_err());
        assert!(RemoteRoot::from_absolute("relative/dir").is_err());
    }

    #[test]
    fn run_folders_need_a_run_id() {
        assert_eq!(
            root().run_dir("3f9c0a12b7de").unwrap().as_str(),
            "/scratch/ann/fusion-desk/runs/3f9c0a12b7de"
        );
        for id in ["3F9C0A12B7DE", "3f9c0a12b7d", "../../etc/x", "3f9c0a12b7dg"] {
            assert!(root().run_dir(id).is_err(), "{id}");
        }
    }

    #[test]
    fn parent_walks_up() {
        let p = root().join("runs/x").unwrap();
        assert_eq!(p.parent().unwrap().as_str(), "/scratch/ann/fusion-desk/runs");
        assert_eq!(
            RemoteRoot::from_absolute("/a")
                .unwrap()
                .path()
                .parent()
                .unwrap()
                .as_str(),
            "/"
        );
    }

    fn names(spec: &str) -> Vec<String> {
        parse_spec(spec)
            .unwrap()
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => format!("t:{t}"),
                Piece::Var(v) => format!("v:{v}"),
            })
            .collect()
    }

    #[test]
    fn reads_home_and_variables_in_a_spec() {
        assert_eq!(names("~/fd"), ["v:HOME", "t:/fd"]);
        assert_eq!(names("$SCRATCH/fusion-desk"), ["v:SCRATCH", "t:/fusion-desk"]);
        assert_eq!(names("/w/${USER}x/$A_1"), ["t:/w/", "v:USER", "t:x/", "v:A_1"]);
        assert_eq!(names("/plain"), ["t:/plain"]);
        for bad in ["~bob/x", "$", "$(rm -rf ~)", "${X", "$1", "${}"] {
            assert!(parse_spec(bad).is_err(), "{bad}");
        }
    }
}

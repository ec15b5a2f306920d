//! A remote folder's files with their sizes, so the app can show a run's
//! outputs and fetch large ones only when asked.

use crate::connection::Connection;
use crate::diagnose::first_line;
use crate::error::{ErrorKind, RemoteError, Result};
use crate::remote_path::RemotePath;

#[derive(Debug, Clone, PartialEq)]
pub struct RemoteEntry {
    /// Relative to the listed folder, `/`-separated.
    pub path: String,
    pub is_dir: bool,
    /// Bytes (0 for a folder).
    pub size: u64,
    /// Last modification, seconds since the Unix epoch.
    pub modified: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub entries: Vec<RemoteEntry>,
    /// More entries exist than were asked for.
    pub truncated: bool,
}

/// GNU find's NUL-terminated records: a name may hold any byte but NUL.
/// Links, sockets and devices are left out: fetching skips them too.
const SCRIPT: &str = r#"[ -d "$1" ] || exit 3
find "$1" -mindepth 1 \( -type f -o -type d \) -printf '%y\t%s\t%T@\t%P\0' | head -z -n "$2""#;

impl Connection {
    /// The regular files and folders under `dir`, at most `max_entries`.
    pub async fn list(&self, dir: &RemotePath, max_entries: usize) -> Result<Listing> {
        let limit = (max_entries + 1).to_string();
        let out = self
            .run(&["/bin/sh", "-c", SCRIPT, "sh", dir.as_str(), &limit])
            .await?;
        match out.status {
            0 => {}
            3 => {
                return Err(RemoteError::new(
                    ErrorKind::NotFound,
                    format!("{dir} does not exist on {}", self.target().host()),
                ))
            }
            _ => {
                return Err(RemoteError::new(
                    ErrorKind::CommandFailed,
                    format!("cannot list {dir}: {}", first_line(&out.stderr_text())),
                ))
            }
        }
        let mut entries: Vec<RemoteEntry> = out
            .stdout
            .split(|b| *b == 0)
            .filter(|r| !r.is_empty())
            .filter_map(parse_record)
            .collect();
        let truncated = entries.len() > max_entries;
        entries.truncate(max_entries);
        Ok(Listing { entries, truncated })
    }
}

fn parse_record(record: &[u8]) -> Option<RemoteEntry> {
    let text = String::from_utf8_lossy(record);
    let mut f = text.splitn(4, '\t');
    let kind = f.next()?;
    let size = f.next()?.parse().ok()?;
    let modified = f.next()?.parse().ok()?;
    let path = f.next()?.to_owned();
    Some(RemoteEntry {
        is_dir: kind == "d",
        size: if kind == "d" { 0 } else { size },
        modified,
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_find_records_with_tabs_in_names() {
        let e = parse_record(b"f\t1234\t1733300000.5\tout/a\tb.json").unwrap();
        assert_eq!(e.path, "out/a\tb.json");
        assert_eq!(e.size, 1234);
        assert!(!e.is_dir);
        assert!(parse_record(b"d\t4096\t1.0\tout").unwrap().is_dir);
        assert_eq!(parse_record(b"garbage"), None);
    }
}

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

/// Folders per command of `list_larger_than`: well inside ARG_MAX.
const DIRS_PER_COMMAND: usize = 256;

/// Per folder: a `D` record naming its index, then its files larger than
/// the size in `list`'s record format (a missing folder has none).
const LARGER_SCRIPT: &str = r#"min=$1; shift; i=0
for d do
  printf 'D%s\0' "$i"; i=$((i+1))
  [ -d "$d" ] && find "$d" -type f -size +"${min}c" -printf 'f\t%s\t%T@\t%P\0'
done
exit 0"#;

impl Connection {
    /// For each of `dirs`, the regular files under it larger than
    /// `larger_than` bytes (paths relative to that folder), in one command
    /// per 256 folders: what a fetch with that size cap left behind, for
    /// many folders at once. A folder that does not exist has none.
    pub async fn list_larger_than(
        &self,
        dirs: &[&RemotePath],
        larger_than: u64,
    ) -> Result<Vec<Vec<RemoteEntry>>> {
        let mut all = Vec::with_capacity(dirs.len());
        let min = larger_than.to_string();
        for chunk in dirs.chunks(DIRS_PER_COMMAND) {
            let mut argv = vec!["/bin/sh", "-c", LARGER_SCRIPT, "sh", &min];
            argv.extend(chunk.iter().map(|d| d.as_str()));
            let out = self.run(&argv).await?;
            if !out.success() {
                return Err(RemoteError::new(
                    ErrorKind::CommandFailed,
                    format!(
                        "cannot list files on {}: {}",
                        self.target().host(),
                        first_line(&out.stderr_text())
                    ),
                ));
            }
            let mut lists: Vec<Vec<RemoteEntry>> = Vec::with_capacity(chunk.len());
            for record in out.stdout.split(|b| *b == 0).filter(|r| !r.is_empty()) {
                if record[0] == b'D' {
                    lists.push(Vec::new());
                } else if let (Some(list), Some(entry)) = (lists.last_mut(), parse_record(record)) {
                    list.push(entry);
                }
            }
            if lists.len() != chunk.len() {
                return Err(RemoteError::new(
                    ErrorKind::Protocol,
                    format!(
                        "the cluster's listing of {} folders could not be read",
                        chunk.len()
                    ),
                ));
            }
            all.extend(lists);
        }
        Ok(all)
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

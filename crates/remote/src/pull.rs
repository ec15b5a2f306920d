//! Following files that grow on the cluster (the simulator's log, its
//! progress file): each call brings what was appended since the caller's
//! offset, for one file or for many in one round trip over the master (an
//! executor following fifty runs polls them all with one command). The
//! caller keeps the offsets, so a poll that failed (the cluster went away)
//! is simply repeated.

use crate::connection::Connection;
use crate::diagnose::first_line;
use crate::error::{ErrorKind, RemoteError, Result};
use crate::remote_path::RemotePath;

/// What one pull of one file brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pulled {
    /// The bytes from the offset on, at most the cap asked for; raw, so
    /// non-UTF-8 output and a line cut in the middle arrive as they are.
    pub bytes: Vec<u8>,
    /// Where the next pull starts.
    pub next_offset: u64,
    /// The file's size when it was read; `None` while it does not exist.
    pub remote_size: Option<u64>,
    /// The file was shorter than the offset (truncated or replaced): the
    /// bytes are from its start and the caller drops what it had.
    pub restarted: bool,
}

/// Files per command: well inside the remote ARG_MAX.
const FILES_PER_COMMAND: usize = 256;

/// For each `file offset` pair: a separator line, the file's state and
/// size, then the bytes from `offset + 1` (tail counts from 1) cut at the
/// cap (no process at all for a file with nothing new, the common case
/// of a poll). The separator is random per call, like the frame's markers, so no
/// file content can forge one. Arguments arrive as `$1…`, never as code.
const SCRIPT: &str = r#"cap=$1; sep=$2; shift 2
while [ "$#" -gt 1 ]; do
  f=$1; off=$2; shift 2
  printf '\n%s ' "$sep"
  if [ ! -e "$f" ]; then printf 'missing\n'; continue; fi
  if [ ! -f "$f" ]; then printf 'notfile\n'; continue; fi
  if ! size=$(wc -c < "$f"); then printf 'unreadable\n'; continue; fi
  size=$((size))
  if [ "$size" -lt "$off" ]; then off=0; printf 'restart %s\n' "$size"; else printf 'size %s\n' "$size"; fi
  if [ "$size" -gt "$off" ]; then tail -c +"$((off + 1))" "$f" | head -c "$cap"; fi
done"#;

impl Connection {
    /// The bytes appended to `file` since `offset`, at most `max_bytes`.
    pub async fn pull_from(&self, file: &RemotePath, offset: u64, max_bytes: usize) -> Result<Pulled> {
        self.pull_many(&[(file, offset)], max_bytes)
            .await?
            .pop()
            .expect("one result per file")
    }

    /// `pull_from` for each `(file, offset)`, in one command per 256
    /// files. The outer error is the connection's; each file has its own
    /// result (one may be a folder while the others are fine).
    pub async fn pull_many(
        &self,
        files: &[(&RemotePath, u64)],
        max_bytes: usize,
    ) -> Result<Vec<Result<Pulled>>> {
        let mut results = Vec::with_capacity(files.len());
        for chunk in files.chunks(FILES_PER_COMMAND) {
            let sep = format!("FDESK-{:032x}-file", rand::random::<u128>());
            let cap = max_bytes.max(1).to_string();
            let offsets: Vec<String> = chunk.iter().map(|(_, off)| off.to_string()).collect();
            let mut argv = vec!["/bin/sh", "-c", SCRIPT, "sh", &cap, &sep];
            for ((file, _), off) in chunk.iter().zip(&offsets) {
                argv.push(file.as_str());
                argv.push(off);
            }
            let out = self.run(&argv).await?;
            if !out.success() {
                return Err(RemoteError::new(
                    ErrorKind::CommandFailed,
                    format!(
                        "cannot read files on {}: {}",
                        self.target().host(),
                        first_line(&out.stderr_text())
                    ),
                ));
            }
            let needle = format!("\n{sep} ");
            let starts: Vec<usize> = memchr::memmem::find_iter(&out.stdout, needle.as_bytes())
                .map(|at| at + needle.len())
                .collect();
            if starts.len() != chunk.len() {
                return Err(RemoteError::new(
                    ErrorKind::Protocol,
                    format!("the cluster's reply for {} files could not be read", chunk.len()),
                ));
            }
            for (i, (file, offset)) in chunk.iter().enumerate() {
                let end = starts
                    .get(i + 1)
                    .map_or(out.stdout.len(), |next| next - needle.len());
                results.push(parse_section(&out.stdout[starts[i]..end], file, *offset));
            }
        }
        Ok(results)
    }
}

/// One file's `state [size]\n` line and its bytes.
fn parse_section(section: &[u8], file: &RemotePath, offset: u64) -> Result<Pulled> {
    let nl = section
        .iter()
        .position(|b| *b == b'\n')
        .ok_or_else(|| bad_reply(file))?;
    let head = std::str::from_utf8(&section[..nl]).map_err(|_| bad_reply(file))?;
    let bytes = section[nl + 1..].to_vec();
    let (word, size) = head.split_once(' ').unwrap_or((head, ""));
    let size = || size.parse::<u64>().map_err(|_| bad_reply(file));
    match word {
        "missing" => Ok(Pulled {
            bytes: Vec::new(),
            next_offset: offset,
            remote_size: None,
            restarted: false,
        }),
        "notfile" => Err(RemoteError::invalid(format!("{file} is not a regular file"))),
        "unreadable" => Err(RemoteError::new(
            ErrorKind::CommandFailed,
            format!("{file} cannot be read"),
        )),
        "size" => Ok(Pulled {
            next_offset: offset + bytes.len() as u64,
            bytes,
            remote_size: Some(size()?),
            restarted: false,
        }),
        "restart" => Ok(Pulled {
            next_offset: bytes.len() as u64,
            bytes,
            remote_size: Some(size()?),
            restarted: true,
        }),
        _ => Err(bad_reply(file)),
    }
}

fn bad_reply(file: &RemotePath) -> RemoteError {
    RemoteError::new(
        ErrorKind::Protocol,
        format!("the cluster's reply for {file} could not be read"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remote_path::RemoteRoot;

    fn file() -> RemotePath {
        RemoteRoot::from_absolute("/r").unwrap().join("f").unwrap()
    }

    #[test]
    fn reads_each_state_of_a_section() {
        let got = parse_section(b"size 12\nab\xff", &file(), 9).unwrap();
        assert_eq!(
            (got.bytes, got.next_offset, got.remote_size, got.restarted),
            (b"ab\xff".to_vec(), 12, Some(12), false)
        );
        let got = parse_section(b"restart 2\nxy", &file(), 9).unwrap();
        assert_eq!((got.next_offset, got.restarted), (2, true));
        let got = parse_section(b"missing\n", &file(), 9).unwrap();
        assert_eq!((got.next_offset, got.remote_size), (9, None));
        assert_eq!(
            parse_section(b"notfile\n", &file(), 0).unwrap_err().kind,
            ErrorKind::InvalidInput
        );
        assert_eq!(
            parse_section(b"garbage", &file(), 0).unwrap_err().kind,
            ErrorKind::Protocol
        );
    }
}

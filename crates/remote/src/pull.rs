//! Following a file that grows on the cluster (the simulator's log, its
//! progress file): each call brings what was appended since the caller's
//! offset, in one round trip over the master. The caller keeps the offset,
//! so a poll that failed (the cluster went away) is simply repeated.

use crate::connection::Connection;
use crate::diagnose::first_line;
use crate::error::{ErrorKind, RemoteError, Result};
use crate::remote_path::RemotePath;

/// What one pull brought.
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

/// Size first, then the bytes from `offset + 1` (tail counts from 1), cut
/// at the cap. The arguments arrive as `$1..$3`, never as code.
const SCRIPT: &str = r#"f=$1; off=$2; cap=$3
if [ ! -e "$f" ]; then printf 'missing\n'; exit 0; fi
if [ ! -f "$f" ]; then printf 'notfile\n'; exit 0; fi
size=$(wc -c < "$f") || exit 1
size=$((size))
if [ "$size" -lt "$off" ]; then off=0; printf 'restart %s\n' "$size"; else printf 'size %s\n' "$size"; fi
tail -c +"$((off + 1))" "$f" | head -c "$cap""#;

impl Connection {
    /// The bytes appended to `file` since `offset`, at most `max_bytes`.
    pub async fn pull_from(&self, file: &RemotePath, offset: u64, max_bytes: usize) -> Result<Pulled> {
        let (off, cap) = (offset.to_string(), max_bytes.max(1).to_string());
        let out = self
            .run(&["/bin/sh", "-c", SCRIPT, "sh", file.as_str(), &off, &cap])
            .await?;
        if !out.success() {
            return Err(RemoteError::new(
                ErrorKind::CommandFailed,
                format!("cannot read {file}: {}", first_line(&out.stderr_text())),
            ));
        }
        let data = &out.stdout;
        let nl = data
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| bad_reply(file))?;
        let head = std::str::from_utf8(&data[..nl]).map_err(|_| bad_reply(file))?;
        let bytes = data[nl + 1..].to_vec();
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
}

fn bad_reply(file: &RemotePath) -> RemoteError {
    RemoteError::new(
        ErrorKind::Protocol,
        format!("the cluster's reply for {file} could not be read"),
    )
}

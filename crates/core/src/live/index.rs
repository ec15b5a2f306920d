//! Random access by line and search over a whole log, for a virtualised
//! viewer of logs with millions of lines.
//!
//! The line index is sparse: the byte offset of every [`STRIDE`]th line
//! (8 bytes per 64 lines: about 125 KiB for a million lines). It grows
//! incrementally as the log grows, is rebuilt when the log is truncated or
//! replaced, and is shared by every request in the process (a few logs at a
//! time, least recently used first out).

use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::tail::{Tail, TailEvent};
use crate::error::{DeskError, Result};

pub const STRIDE: u64 = 64;
const CHUNK: usize = 256 * 1024;
const CACHED_INDEXES: usize = 8;

/// Lines of a log by number, for a virtualised viewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LogLinesPage {
    #[ts(type = "number")]
    pub first_line: u64,
    pub lines: Vec<String>,
    /// Lines in the log now (a last line still being written is not counted
    /// until the run has ended).
    #[ts(type = "number")]
    pub total_lines: u64,
    #[ts(type = "number")]
    pub offset_start: u64,
    #[ts(type = "number")]
    pub offset_end: u64,
}

/// A search over a whole log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct LogSearchQuery {
    pub pattern: String,
    /// Treat `pattern` as a regular expression (Rust `regex` syntax); else literal text.
    #[serde(default)]
    pub regex: bool,
    #[serde(default)]
    pub case_insensitive: bool,
    /// Matches listed at most (default 1000, at most 10 000); all are counted.
    #[serde(default)]
    #[ts(optional)]
    pub max_matches: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LogMatch {
    /// 0-based line number.
    #[ts(type = "number")]
    pub line: u64,
    #[ts(type = "number")]
    pub offset: u64,
    /// The line, cut if long.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LogSearchResult {
    /// Lines that match, over the whole log.
    #[ts(type = "number")]
    pub match_count: u64,
    /// The first matching lines, in order.
    pub matches: Vec<LogMatch>,
    /// More lines match than are listed.
    pub more: bool,
    #[ts(type = "number")]
    pub lines_searched: u64,
}

pub const DEFAULT_MAX_MATCHES: u32 = 1000;
pub const MAX_MATCHES: u32 = 10_000;

pub struct LineIndex {
    path: PathBuf,
    identity: Option<(u64, u64)>,
    /// `checkpoints[k]` = offset of line `k * STRIDE`.
    checkpoints: Vec<u64>,
    /// Complete lines indexed.
    lines: u64,
    /// Offset just past the last complete line indexed.
    indexed_to: u64,
    /// Size of the file at the last update.
    size: u64,
}

impl LineIndex {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        LineIndex {
            path: path.into(),
            identity: None,
            checkpoints: vec![0],
            lines: 0,
            indexed_to: 0,
            size: 0,
        }
    }

    pub fn lines(&self) -> u64 {
        self.lines
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Bytes of a last line without its newline.
    pub fn partial_bytes(&self) -> u64 {
        self.size.saturating_sub(self.indexed_to)
    }

    /// Indexes what was appended since the last call (from scratch if the
    /// log was truncated or replaced).
    pub fn update(&mut self) -> std::io::Result<()> {
        let mut file = match crate::runfs::open_file_io(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                *self = LineIndex::new(std::mem::take(&mut self.path));
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        let meta = file.metadata()?;
        let identity = Some((meta.dev(), meta.ino()));
        if identity != self.identity || meta.len() < self.indexed_to {
            *self = LineIndex::new(std::mem::take(&mut self.path));
            self.identity = identity;
        }
        file.seek(SeekFrom::Start(self.indexed_to))?;
        let mut buf = vec![0u8; CHUNK];
        let mut pos = self.indexed_to;
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            for i in memchr::memchr_iter(b'\n', &buf[..n]) {
                self.lines += 1;
                self.indexed_to = pos + i as u64 + 1;
                if self.lines.is_multiple_of(STRIDE) {
                    self.checkpoints.push(self.indexed_to);
                }
            }
            pos += n as u64;
        }
        self.size = pos;
        Ok(())
    }

    /// Byte offset where line `n` starts (`n` ≤ lines; `n == lines` is the
    /// end of the last complete line).
    pub fn offset_of_line(&self, n: u64) -> std::io::Result<u64> {
        let n = n.min(self.lines);
        let k = (n / STRIDE) as usize;
        let mut offset = self.checkpoints[k];
        let mut skip = n - k as u64 * STRIDE;
        if skip == 0 {
            return Ok(offset);
        }
        let mut file = crate::runfs::open_file_io(&self.path)?;
        file.seek(SeekFrom::Start(offset))?;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let got = file.read(&mut buf)?;
            if got == 0 {
                return Ok(offset);
            }
            for i in memchr::memchr_iter(b'\n', &buf[..got]) {
                skip -= 1;
                if skip == 0 {
                    return Ok(offset + i as u64 + 1);
                }
            }
            offset += got as u64;
        }
    }

    /// The number of the line starting at `offset` (lines before it).
    pub fn line_at_offset(&self, offset: u64) -> std::io::Result<u64> {
        let offset = offset.min(self.indexed_to);
        let k = self
            .checkpoints
            .partition_point(|&c| c <= offset)
            .saturating_sub(1);
        let mut line = k as u64 * STRIDE;
        let mut pos = self.checkpoints[k];
        if pos == offset {
            return Ok(line);
        }
        let mut file = crate::runfs::open_file_io(&self.path)?;
        file.seek(SeekFrom::Start(pos))?;
        let mut buf = vec![0u8; 64 * 1024];
        while pos < offset {
            let want = ((offset - pos) as usize).min(buf.len());
            let got = file.read(&mut buf[..want])?;
            if got == 0 {
                break;
            }
            line += memchr::memchr_iter(b'\n', &buf[..got]).count() as u64;
            pos += got as u64;
        }
        Ok(line)
    }
}

type Shared = Arc<Mutex<LineIndex>>;

/// The process-wide index of `path`, brought up to date.
pub fn shared_index(path: &Path) -> Result<Shared> {
    static CACHE: OnceLock<Mutex<Vec<(PathBuf, Shared)>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
    let index = {
        let mut entries = cache.lock().unwrap_or_else(|e| e.into_inner());
        let found = entries.iter().position(|(p, _)| p == path);
        let entry = match found {
            Some(i) => entries.remove(i),
            None => (path.to_owned(), Arc::new(Mutex::new(LineIndex::new(path)))),
        };
        let index = entry.1.clone();
        entries.push(entry);
        if entries.len() > CACHED_INDEXES {
            entries.remove(0);
        }
        index
    };
    index
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .update()
        .map_err(|e| DeskError::io(format!("cannot index {}", path.display()), e))?;
    Ok(index)
}

/// Lines `first_line ..` (at most `count`) of the log at `path`. With
/// `ended`, a last line without newline counts as a line.
pub fn read_lines(path: &Path, first_line: u64, count: u32, ended: bool) -> Result<LogLinesPage> {
    let index = shared_index(path)?;
    let index = index.lock().unwrap_or_else(|e| e.into_inner());
    let partial = u64::from(ended && index.partial_bytes() > 0);
    let total = index.lines() + partial;
    let first = first_line.min(total);
    let start = index
        .offset_of_line(first)
        .map_err(|e| DeskError::io(format!("cannot read {}", path.display()), e))?;
    let wanted = u64::from(count).min(total - first) as usize;
    let mut lines = Vec::with_capacity(wanted.min(10_000));
    let mut end = start;
    let mut tail = Tail::new(path, start);
    while lines.len() < wanted {
        let mut take = |ev: TailEvent<'_>| {
            if let TailEvent::Line(l) = ev {
                if lines.len() < wanted {
                    lines.push(l.text());
                    end = l.end;
                }
            }
        };
        let out = tail
            .read(CHUNK, &mut take)
            .map_err(|e| DeskError::io(format!("cannot read {}", path.display()), e))?;
        if !out.more {
            if ended {
                tail.flush_partial(&mut take);
            }
            break;
        }
    }
    Ok(LogLinesPage {
        first_line: first,
        lines,
        total_lines: total,
        offset_start: start,
        offset_end: end,
    })
}

/// Searches every line of the log at `path` (the first 4 KiB of each).
pub fn search(path: &Path, query: &LogSearchQuery, ended: bool) -> Result<LogSearchResult> {
    if query.pattern.is_empty() {
        return Err(DeskError::invalid_input("the search pattern is empty"));
    }
    let pattern = if query.regex {
        query.pattern.clone()
    } else {
        regex::escape(&query.pattern)
    };
    let re = regex::bytes::RegexBuilder::new(&pattern)
        .case_insensitive(query.case_insensitive)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| DeskError::invalid_input(format!("invalid search pattern: {e}")))?;
    let max = query
        .max_matches
        .unwrap_or(DEFAULT_MAX_MATCHES)
        .clamp(1, MAX_MATCHES) as usize;
    let mut result = LogSearchResult {
        match_count: 0,
        matches: Vec::new(),
        more: false,
        lines_searched: 0,
    };
    let mut tail = Tail::new(path, 0);
    let mut on_line = |ev: TailEvent<'_>| {
        if let TailEvent::Line(l) = ev {
            if re.is_match(l.bytes) {
                result.match_count += 1;
                if result.matches.len() < max {
                    result.matches.push(LogMatch {
                        line: result.lines_searched,
                        offset: l.start,
                        text: l.text(),
                    });
                } else {
                    result.more = true;
                }
            }
            result.lines_searched += 1;
        }
    };
    loop {
        let out = tail
            .read(1 << 20, &mut on_line)
            .map_err(|e| DeskError::io(format!("cannot read {}", path.display()), e))?;
        if !out.more {
            break;
        }
    }
    if ended {
        tail.flush_partial(&mut on_line);
    }
    Ok(result)
}

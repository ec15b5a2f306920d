//! Reading a growing text file line by line from a byte offset, with memory
//! bounded whatever the file size or line length.
//!
//! Invariants:
//! - `offset` is always the start of a line: everything before it has been
//!   handed out as complete lines. A client that resumes from an offset it was
//!   given therefore never sees half a line.
//! - A last line without its newline is held back (its first
//!   [`MAX_LINE_BYTES`] only) until the newline arrives, or until the caller
//!   says the writer is done ([`Tail::flush_partial`]).
//! - A file that shrinks below what was read, or whose path now names another
//!   file (replaced, recreated), is reported once as [`TailEvent::Reset`] and
//!   read again from offset 0.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// How much of one line is kept; the rest is skipped and the line shown cut.
pub const MAX_LINE_BYTES: usize = 4096;
/// The most a line may take once serialised as a JSON string, so that a
/// message with one line always stays under the IPC budget.
pub const MAX_LINE_JSON: usize = 3072;
/// Bytes read from the file per system call.
const CHUNK: usize = 64 * 1024;

/// One complete line, as handed to a consumer.
#[derive(Debug)]
pub struct RawLine<'a> {
    /// Byte offset of the line's first byte.
    pub start: u64,
    /// Byte offset just past its newline (or its last byte for a flushed partial line).
    pub end: u64,
    /// The first [`MAX_LINE_BYTES`] bytes of the line, without the newline.
    pub bytes: &'a [u8],
    /// The line's full length in bytes without the newline.
    pub full_len: u64,
}

impl RawLine<'_> {
    pub fn is_cut(&self) -> bool {
        self.full_len > self.bytes.len() as u64
    }

    /// The line as display text: invalid UTF-8 replaced, a trailing `\r`
    /// dropped, cut (with a marker) when it is too long to show whole.
    pub fn text(&self) -> String {
        display_text(self.bytes, self.full_len)
    }
}

#[derive(Debug)]
pub enum TailEvent<'a> {
    Line(RawLine<'a>),
    /// The file was truncated or replaced: everything handed out so far is
    /// void and reading starts again at offset 0.
    Reset,
}

/// What one call to [`Tail::read`] found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOutcome {
    /// The byte budget ran out before the end of the file: call again.
    pub more: bool,
    /// The file exists (it may not yet: a simulator that has not started).
    pub exists: bool,
}

pub struct Tail {
    path: PathBuf,
    file: Option<File>,
    identity: Option<(u64, u64)>,
    /// Start of the first line not yet handed out.
    offset: u64,
    /// Where the next read starts: `offset` + the length of the partial line.
    read_pos: u64,
    /// The kept head of the partial line (at most MAX_LINE_BYTES).
    partial: Vec<u8>,
    buf: Vec<u8>,
}

impl Tail {
    /// A tail of `path` that starts at `from_offset`, which must be the start of
    /// a line (0, or an offset this module handed out). The file need not exist.
    pub fn new(path: impl Into<PathBuf>, from_offset: u64) -> Tail {
        Tail {
            path: path.into(),
            file: None,
            identity: None,
            offset: from_offset,
            read_pos: from_offset,
            partial: Vec::new(),
            buf: vec![0; CHUNK],
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The start of the first line not yet handed out: where a client resumes.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Bytes of an incomplete last line read but held back.
    pub fn pending_bytes(&self) -> u64 {
        self.read_pos - self.offset
    }

    fn reset(&mut self, on_event: &mut impl FnMut(TailEvent<'_>)) {
        self.offset = 0;
        self.read_pos = 0;
        self.partial.clear();
        on_event(TailEvent::Reset);
    }

    /// Opens the file if needed and notices truncation and replacement.
    /// Returns false when there is nothing to read from.
    fn check_file(&mut self, on_event: &mut impl FnMut(TailEvent<'_>)) -> bool {
        // lstat: a name swapped for a link is another file, never followed.
        let by_path = std::fs::symlink_metadata(&self.path).ok();
        let path_identity = by_path.as_ref().map(|m| (m.dev(), m.ino()));
        if self.file.is_some() && path_identity.is_some() && path_identity != self.identity {
            // The name now points at another file: the old one was replaced.
            self.file = None;
            self.identity = None;
            if self.offset > 0 || self.read_pos > 0 {
                self.reset(on_event);
            }
        }
        if self.file.is_none() {
            // Regular files only, never through a link: a FIFO or a device
            // under the log's name cannot hang or flood the reader.
            let Ok(file) = crate::runfs::open_file_io(&self.path) else {
                return false;
            };
            let Ok(meta) = file.metadata() else {
                return false;
            };
            self.identity = Some((meta.dev(), meta.ino()));
            self.file = Some(file);
        }
        let len = match self.file.as_ref().map(|f| f.metadata()) {
            Some(Ok(m)) => m.len(),
            _ => return false,
        };
        if len < self.read_pos {
            self.reset(on_event);
        }
        true
    }

    /// Reads at most about `budget` bytes and hands out every complete line
    /// found (and a `Reset` first if the file was truncated or replaced).
    pub fn read(
        &mut self,
        budget: usize,
        mut on_event: impl FnMut(TailEvent<'_>),
    ) -> std::io::Result<ReadOutcome> {
        if !self.check_file(&mut on_event) {
            return Ok(ReadOutcome::default());
        }
        let file = self.file.as_mut().expect("opened by check_file");
        file.seek(SeekFrom::Start(self.read_pos))?;
        let mut read_total = 0usize;
        loop {
            if read_total >= budget {
                return Ok(ReadOutcome {
                    more: true,
                    exists: true,
                });
            }
            let n = match file.read(&mut self.buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            read_total += n;
            let chunk_start = self.read_pos;
            let chunk = &self.buf[..n];
            let mut pos = 0usize;
            while pos < n {
                match memchr::memchr(b'\n', &chunk[pos..]) {
                    Some(i) => {
                        let piece = &chunk[pos..pos + i];
                        let end = chunk_start + (pos + i) as u64 + 1;
                        let full_len = end - 1 - self.offset;
                        if self.partial.is_empty() && self.offset == chunk_start + pos as u64 {
                            // The whole line is in this chunk: no copy.
                            let kept = &piece[..piece.len().min(MAX_LINE_BYTES)];
                            on_event(TailEvent::Line(RawLine {
                                start: self.offset,
                                end,
                                bytes: kept,
                                full_len,
                            }));
                        } else {
                            let room = MAX_LINE_BYTES.saturating_sub(self.partial.len());
                            self.partial.extend_from_slice(&piece[..piece.len().min(room)]);
                            on_event(TailEvent::Line(RawLine {
                                start: self.offset,
                                end,
                                bytes: &self.partial,
                                full_len,
                            }));
                            self.partial.clear();
                        }
                        self.offset = end;
                        pos += i + 1;
                    }
                    None => {
                        let piece = &chunk[pos..];
                        let room = MAX_LINE_BYTES.saturating_sub(self.partial.len());
                        self.partial.extend_from_slice(&piece[..piece.len().min(room)]);
                        pos = n;
                    }
                }
            }
            self.read_pos = chunk_start + n as u64;
        }
        Ok(ReadOutcome {
            more: false,
            exists: true,
        })
    }

    /// Hands out the held-back last line as complete: for when the writer is
    /// known to be done (the run has ended).
    pub fn flush_partial(&mut self, mut on_event: impl FnMut(TailEvent<'_>)) {
        if self.read_pos > self.offset {
            on_event(TailEvent::Line(RawLine {
                start: self.offset,
                end: self.read_pos,
                bytes: &self.partial,
                full_len: self.read_pos - self.offset,
            }));
            self.partial.clear();
            self.offset = self.read_pos;
        }
    }
}

/// The length of `s` once serialised as a JSON string (quotes included),
/// exactly as serde_json writes it.
pub fn json_len(s: &str) -> usize {
    2 + s.bytes().map(escaped_len).sum::<usize>()
}

fn escaped_len(b: u8) -> usize {
    match b {
        b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
        0..=0x1f => 6,
        _ => 1,
    }
}

/// Display text of a line: lossy UTF-8, no trailing `\r`, cut with a marker
/// when the line is longer than kept or too long to ship in one message.
pub fn display_text(bytes: &[u8], full_len: u64) -> String {
    let mut cut = full_len > bytes.len() as u64;
    let bytes = if cut {
        bytes
    } else {
        bytes.strip_suffix(b"\r").unwrap_or(bytes)
    };
    let text = String::from_utf8_lossy(bytes);
    let budget = MAX_LINE_JSON - 64;
    let mut out = String::new();
    if json_len(&text) > budget {
        let mut used = 2;
        for ch in text.chars() {
            let mut tmp = [0u8; 4];
            let w: usize = ch.encode_utf8(&mut tmp).bytes().map(escaped_len).sum();
            if used + w > budget {
                break;
            }
            used += w;
            out.push(ch);
        }
        cut = true;
    } else {
        out.push_str(&text);
    }
    if cut {
        out.push_str(&format!(" … [line cut: {full_len} bytes]"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn collect(tail: &mut Tail) -> (Vec<String>, bool) {
        let mut lines = Vec::new();
        let mut reset = false;
        loop {
            let out = tail
                .read(1 << 20, |ev| match ev {
                    TailEvent::Line(l) => lines.push(l.text()),
                    TailEvent::Reset => reset = true,
                })
                .unwrap();
            if !out.more {
                return (lines, reset);
            }
        }
    }

    #[test]
    fn a_partial_last_line_is_held_back_until_its_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.log");
        let mut f = File::create(&path).unwrap();
        f.write_all(b"one\ntw").unwrap();
        let mut tail = Tail::new(&path, 0);
        assert_eq!(collect(&mut tail).0, vec!["one"]);
        assert_eq!(tail.offset(), 4);
        f.write_all(b"o\nthree").unwrap();
        assert_eq!(collect(&mut tail).0, vec!["two"]);
        assert_eq!(tail.offset(), 8);
        let mut flushed = Vec::new();
        tail.flush_partial(|ev| {
            if let TailEvent::Line(l) = ev {
                flushed.push(l.text())
            }
        });
        assert_eq!(flushed, vec!["three"]);
    }

    #[test]
    fn a_missing_file_is_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("later.log");
        let mut tail = Tail::new(&path, 0);
        let out = tail.read(1000, |_| panic!("nothing to read")).unwrap();
        assert!(!out.exists);
        std::fs::write(&path, "hello\n").unwrap();
        assert_eq!(collect(&mut tail).0, vec!["hello"]);
    }

    #[test]
    fn truncation_resets_to_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.log");
        std::fs::write(&path, "aaaa\nbbbb\n").unwrap();
        let mut tail = Tail::new(&path, 0);
        assert_eq!(collect(&mut tail).0.len(), 2);
        let f = File::options().write(true).open(&path).unwrap();
        f.set_len(0).unwrap();
        drop(f);
        std::fs::write(&path, "c\n").unwrap();
        let (lines, reset) = collect(&mut tail);
        assert!(reset);
        assert_eq!(lines, vec!["c"]);
        assert_eq!(tail.offset(), 2);
    }

    #[test]
    fn replacement_resets_to_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.log");
        std::fs::write(&path, "old line one\nold line two\n").unwrap();
        let mut tail = Tail::new(&path, 0);
        collect(&mut tail);
        let tmp = dir.path().join("r.log.new");
        std::fs::write(&tmp, "new one\nnew two\nnew three and more\n").unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        let (lines, reset) = collect(&mut tail);
        assert!(reset);
        assert_eq!(lines, vec!["new one", "new two", "new three and more"]);
    }

    #[test]
    fn a_huge_line_is_cut_and_the_next_one_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.log");
        let mut data = vec![b'x'; 1 << 20];
        data.extend_from_slice(b"\nafter\n");
        std::fs::write(&path, &data).unwrap();
        let mut tail = Tail::new(&path, 0);
        let (lines, _) = collect(&mut tail);
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].ends_with("[line cut: 1048576 bytes]"),
            "{}",
            &lines[0][lines[0].len() - 40..]
        );
        assert!(json_len(&lines[0]) <= MAX_LINE_JSON);
        assert_eq!(lines[1], "after");
        assert_eq!(tail.offset(), data.len() as u64);
    }

    #[test]
    fn control_characters_count_for_their_escaped_size() {
        let raw = vec![0x01u8; 4000];
        let text = display_text(&raw, 4000);
        assert!(json_len(&text) <= MAX_LINE_JSON);
        assert_eq!(json_len(&text), serde_json::to_string(&text).unwrap().len());
    }

    #[test]
    fn crlf_line_ends_are_not_a_cut() {
        assert_eq!(display_text(b"abc\r", 4), "abc");
        assert_eq!(display_text(b"abc", 3), "abc");
    }
}

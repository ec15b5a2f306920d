//! Previews with size caps: what a file is decides how it is shown, and no
//! preview ever reads more than its cap, whatever the file's size.

use std::fs::File;
use std::os::unix::fs::FileExt;

use base64::Engine;
use nix::sys::stat::FileStat;

use super::{ArtifactPreview, PreviewContent};
use crate::error::{DeskError, Result};

/// Text: the first and last this many bytes.
pub const TEXT_HEAD_BYTES: usize = 64 * 1024;
pub const TEXT_TAIL_BYTES: usize = 64 * 1024;
/// JSON up to this size comes back parsed, for a foldable tree.
pub const JSON_VALUE_MAX_BYTES: u64 = 1024 * 1024;
/// Larger JSON up to this size is parsed and pretty-printed, capped below.
pub const JSON_PARSE_MAX_BYTES: u64 = 32 * 1024 * 1024;
pub const JSON_PRETTY_MAX_BYTES: usize = 256 * 1024;
/// CSV: at most this much is read and this many rows returned.
pub const CSV_READ_MAX_BYTES: usize = 2 * 1024 * 1024;
pub const CSV_MAX_ROWS: usize = 500;
pub const CSV_MAX_CELL_CHARS: usize = 1000;
/// Images up to this size come back as base64 data.
pub const IMAGE_MAX_BYTES: u64 = 8 * 1024 * 1024;
/// How much of the start of a file decides its type.
const SNIFF_BYTES: usize = 8192;

/// Builds the preview of an opened regular file.
pub fn preview(path: String, file: File, st: &FileStat, extension: Option<&str>) -> Result<ArtifactPreview> {
    let size = st.st_size.max(0) as u64;
    let modified = super::fsx::modified(st);
    let sample = read_at(&file, 0, SNIFF_BYTES)?;
    let ext = extension.map(str::to_ascii_lowercase);
    let content = match detect(&sample, ext.as_deref()) {
        Detected::Image(mime) => image(&file, size, mime)?,
        Detected::Binary(detected, mime) => PreviewContent::Binary {
            detected: detected.to_owned(),
            mime: mime.map(str::to_owned),
            note: None,
        },
        Detected::Json => json(&file, size)?,
        Detected::Csv(delimiter) => csv(&file, size, delimiter)?,
        Detected::Text => text(&file, size, None)?,
    };
    Ok(ArtifactPreview {
        path,
        size,
        modified,
        content,
    })
}

enum Detected {
    Image(&'static str),
    Binary(&'static str, Option<&'static str>),
    Json,
    Csv(u8),
    Text,
}

fn detect(sample: &[u8], ext: Option<&str>) -> Detected {
    if let Some((what, mime)) = magic(sample) {
        return match mime {
            Some(m @ ("image/png" | "image/jpeg" | "image/gif" | "image/webp")) => Detected::Image(m),
            _ => Detected::Binary(what, mime),
        };
    }
    let Some(text) = as_text(sample) else {
        return Detected::Binary("binary data", None);
    };
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let looks_svg = trimmed.starts_with("<svg")
        || ((trimmed.starts_with("<?xml")
            || trimmed.starts_with("<!--")
            || trimmed.starts_with("<!DOCTYPE svg"))
            && trimmed.contains("<svg"));
    if ext == Some("svg") || looks_svg {
        return if looks_svg || trimmed.contains("<svg") {
            Detected::Image("image/svg+xml")
        } else {
            Detected::Text
        };
    }
    match ext {
        Some("json") => Detected::Json,
        Some("csv") => Detected::Csv(b','),
        Some("tsv") => Detected::Csv(b'\t'),
        _ => Detected::Text,
    }
}

/// Known formats by their first bytes: (description, MIME type).
fn magic(b: &[u8]) -> Option<(&'static str, Option<&'static str>)> {
    let starts = |m: &[u8]| b.starts_with(m);
    Some(match () {
        _ if starts(b"\x89PNG\r\n\x1a\n") => ("PNG image", Some("image/png")),
        _ if starts(b"\xff\xd8\xff") => ("JPEG image", Some("image/jpeg")),
        _ if starts(b"GIF87a") || starts(b"GIF89a") => ("GIF image", Some("image/gif")),
        _ if b.len() >= 12 && starts(b"RIFF") && &b[8..12] == b"WEBP" => ("WebP image", Some("image/webp")),
        _ if starts(b"%PDF-") => ("PDF document", Some("application/pdf")),
        _ if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") => ("ZIP archive", Some("application/zip")),
        _ if starts(b"\x1f\x8b") => ("gzip-compressed data", Some("application/gzip")),
        _ if starts(b"BZh") && b.len() > 3 && b[3].is_ascii_digit() => {
            ("bzip2-compressed data", Some("application/x-bzip2"))
        }
        _ if starts(b"\xfd7zXZ\x00") => ("xz-compressed data", Some("application/x-xz")),
        _ if starts(b"\x28\xb5\x2f\xfd") => ("Zstandard-compressed data", Some("application/zstd")),
        _ if starts(b"7z\xbc\xaf\x27\x1c") => ("7-Zip archive", Some("application/x-7z-compressed")),
        _ if b.len() > 262 && &b[257..262] == b"ustar" => ("tar archive", Some("application/x-tar")),
        _ if starts(b"\x7fELF") => ("ELF executable or library", None),
        _ if starts(b"SQLite format 3\x00") => ("SQLite database", Some("application/vnd.sqlite3")),
        _ if starts(b"\x89HDF\r\n\x1a\n") => ("HDF5 data", Some("application/x-hdf5")),
        _ if starts(b"\x93NUMPY") => ("NumPy array (.npy)", None),
        _ if starts(b"PAR1") => ("Parquet data", None),
        _ if b.len() >= 2 && b[0] == 0x80 && (2..=5).contains(&b[1]) => ("Python pickle", None),
        _ if starts(b"BM") && b.len() > 14 => ("BMP image", Some("image/bmp")),
        _ if starts(b"II*\x00") || starts(b"MM\x00*") => ("TIFF image", Some("image/tiff")),
        _ if starts(b"\xca\xfe\xba\xbe") || starts(b"\xcf\xfa\xed\xfe") => ("Mach-O executable", None),
        _ => return None,
    })
}

/// The sample as text, if it is text: valid UTF-8 (a character cut at the
/// end of the sample is fine) without NUL bytes.
fn as_text(sample: &[u8]) -> Option<&str> {
    if sample.contains(&0) {
        return None;
    }
    match std::str::from_utf8(sample) {
        Ok(s) => Some(s),
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&sample[..e.valid_up_to()]).ok(),
        Err(_) => None,
    }
}

fn read_at(file: &File, offset: u64, len: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    let mut filled = 0;
    while filled < len {
        match file.read_at(&mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(DeskError::io("cannot read the file", e)),
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

/// Text from bytes cut at arbitrary offsets: a partial character at either
/// edge is dropped rather than shown as garbage.
fn lossy_cut(bytes: &[u8], cut_start: bool) -> String {
    let mut start = 0;
    if cut_start {
        while start < bytes.len() && start < 4 && (bytes[start] & 0xc0) == 0x80 {
            start += 1;
        }
    }
    let body = &bytes[start..];
    match std::str::from_utf8(body) {
        Ok(s) => s.to_owned(),
        Err(e) if e.error_len().is_none() => String::from_utf8_lossy(&body[..e.valid_up_to()]).into_owned(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

fn text(file: &File, size: u64, note: Option<String>) -> Result<PreviewContent> {
    let whole = (TEXT_HEAD_BYTES + TEXT_TAIL_BYTES) as u64;
    if size <= whole {
        let bytes = read_at(file, 0, whole as usize)?;
        return Ok(PreviewContent::Text {
            head: lossy_cut(&bytes, false),
            tail: None,
            truncated: false,
            note,
        });
    }
    let head = read_at(file, 0, TEXT_HEAD_BYTES)?;
    let tail_start = size - TEXT_TAIL_BYTES as u64;
    let tail = read_at(file, tail_start, TEXT_TAIL_BYTES)?;
    Ok(PreviewContent::Text {
        head: lossy_cut(&head, false),
        tail: Some(lossy_cut(&tail, true)),
        truncated: true,
        note,
    })
}

fn json(file: &File, size: u64) -> Result<PreviewContent> {
    if size > JSON_PARSE_MAX_BYTES {
        return text(
            file,
            size,
            Some(format!(
                "JSON larger than {} MiB is shown as text",
                JSON_PARSE_MAX_BYTES / (1024 * 1024)
            )),
        );
    }
    let bytes = read_at(file, 0, size as usize)?;
    let value: serde_json::Value = match parse_python_json(&bytes) {
        Ok(v) => v,
        Err(e) => return text(file, size, Some(format!("not valid JSON: {e}"))),
    };
    if size <= JSON_VALUE_MAX_BYTES {
        return Ok(PreviewContent::Json {
            value: Some(value),
            pretty: None,
            truncated: false,
        });
    }
    let mut pretty = serde_json::to_string_pretty(&value).expect("a parsed value serialises");
    let truncated = pretty.len() > JSON_PRETTY_MAX_BYTES;
    if truncated {
        let mut cut = JSON_PRETTY_MAX_BYTES;
        while !pretty.is_char_boundary(cut) {
            cut -= 1;
        }
        pretty.truncate(cut);
    }
    Ok(PreviewContent::Json {
        value: None,
        pretty: Some(pretty),
        truncated,
    })
}

/// Parses JSON as Python's `json.dump` writes it: bare `NaN`, `Infinity` and
/// `-Infinity` (outside strings) become `null`.
pub fn parse_python_json(bytes: &[u8]) -> std::result::Result<serde_json::Value, serde_json::Error> {
    match serde_json::from_slice(bytes) {
        Ok(v) => Ok(v),
        Err(first) => {
            let cleaned = replace_non_finite(bytes);
            if cleaned.len() == bytes.len() && cleaned == bytes {
                return Err(first);
            }
            serde_json::from_slice(&cleaned)
        }
    }
}

fn replace_non_finite(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            out.push(c);
            if c == b'\\' && i + 1 < bytes.len() {
                out.push(bytes[i + 1]);
                i += 2;
                continue;
            }
            if c == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        if c == b'"' {
            in_string = true;
            out.push(c);
            i += 1;
            continue;
        }
        let rest = &bytes[i..];
        let token: Option<usize> = [&b"-Infinity"[..], b"Infinity", b"NaN"]
            .iter()
            .find(|t| rest.starts_with(t))
            .map(|t| t.len());
        if let Some(len) = token {
            out.extend_from_slice(b"null");
            i += len;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn csv(file: &File, size: u64, delimiter: u8) -> Result<PreviewContent> {
    let bytes = read_at(file, 0, CSV_READ_MAX_BYTES)?;
    let read_all = (bytes.len() as u64) >= size;
    let text = lossy_cut(&bytes, false);
    let mut records = parse_csv(&text, delimiter, CSV_MAX_ROWS + 2);
    // A record cut by the read cap is incomplete: drop it.
    if !read_all && records.len() <= CSV_MAX_ROWS + 1 {
        records.pop();
    }
    let header = if records.is_empty() {
        Vec::new()
    } else {
        records.remove(0)
    };
    let truncated = !read_all || records.len() > CSV_MAX_ROWS;
    records.truncate(CSV_MAX_ROWS);
    Ok(PreviewContent::Csv {
        delimiter: (delimiter as char).to_string(),
        header,
        rows_shown: records.len() as u32,
        rows: records,
        truncated,
    })
}

/// RFC 4180 records: quoted fields, doubled quotes, CRLF or LF. At most
/// `max_records` are returned; cells are capped in length.
pub fn parse_csv(text: &str, delimiter: u8, max_records: usize) -> Vec<Vec<String>> {
    let delimiter = delimiter as char;
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let push_field = |field: &mut String, record: &mut Vec<String>| {
        let mut f = std::mem::take(field);
        if f.chars().count() > CSV_MAX_CELL_CHARS {
            f = f.chars().take(CSV_MAX_CELL_CHARS).collect::<String>() + "…";
        }
        record.push(f);
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => in_quotes = true,
            c if c == delimiter => push_field(&mut field, &mut record),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                push_field(&mut field, &mut record);
                records.push(std::mem::take(&mut record));
                if records.len() >= max_records {
                    return records;
                }
            }
            c => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        push_field(&mut field, &mut record);
        records.push(record);
    }
    records
}

fn image(file: &File, size: u64, mime: &'static str) -> Result<PreviewContent> {
    if size > IMAGE_MAX_BYTES {
        return Ok(PreviewContent::Binary {
            detected: format!("{} (too large to preview)", mime),
            mime: Some(mime.to_owned()),
            note: Some(format!(
                "images over {} MiB are not previewed; open it instead",
                IMAGE_MAX_BYTES / (1024 * 1024)
            )),
        });
    }
    let bytes = read_at(file, 0, size as usize)?;
    Ok(PreviewContent::Image {
        mime: mime.to_owned(),
        data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_non_finite_numbers_become_null() {
        let v = parse_python_json(br#"{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN"}"#).unwrap();
        assert_eq!(v, serde_json::json!({"a": null, "b": [null, null], "c": "NaN"}));
    }

    #[test]
    fn csv_handles_quotes_and_crlf() {
        let r = parse_csv("a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\r\n3,4", b',', 10);
        assert_eq!(r, vec![vec!["a", "b"], vec!["x,1", "say \"hi\""], vec!["3", "4"]]);
    }

    #[test]
    fn svg_is_detected_as_an_image() {
        assert!(matches!(
            detect(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"x\"/>", None),
            Detected::Image("image/svg+xml")
        ));
        assert!(matches!(detect(b"<svg/>", Some("svg")), Detected::Image(_)));
        assert!(matches!(detect(b"plain", Some("svg")), Detected::Text));
    }
}

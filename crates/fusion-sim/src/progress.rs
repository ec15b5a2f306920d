//! `progress.jsonl`: one JSON object per line, appended whole and flushed
//! after every event (see the progress contract). Writes from parallel loads
//! are serialised so each line is complete.

use crate::json::{Obj, Value};
use crate::log::breakdown;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::SystemTime;

/// RFC 3339 UTC timestamp with milliseconds, e.g. `2026-11-26T05:12:01.317Z`.
pub fn rfc3339_now() -> String {
    let t = breakdown(SystemTime::now(), true);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        t.micros / 1000
    )
}

/// Appends events to a progress file; a writer without a file does nothing.
pub struct Progress {
    file: Option<Mutex<File>>,
}

impl Progress {
    /// No progress file.
    pub fn disabled() -> Self {
        Progress { file: None }
    }

    /// Opens (creating or appending to) the progress file.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let f = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Progress {
            file: Some(Mutex::new(f)),
        })
    }

    /// Writes one event: `type`, `ts`, then the given fields.
    pub fn emit(&self, kind: &str, fields: Vec<(&str, Value)>) {
        let Some(file) = &self.file else { return };
        let mut o = Obj::new()
            .put("type", Value::Str(kind.into()))
            .put("ts", Value::Str(rfc3339_now()));
        for (k, v) in fields {
            o.push(k, v);
        }
        let mut line = o.build().to_compact_json();
        line.push('\n');
        let mut f = file.lock().unwrap_or_else(|e| e.into_inner());
        // Progress is advisory: a full disk must not stop the simulation.
        let _ = f.write_all(line.as_bytes());
        let _ = f.flush();
    }
}

//! Log lines in FUSION's format on stderr:
//! `YYYY-MM-DD HH:MM:SS,mmm - <logger> - <LEVEL> - <message>` (local time),
//! with FUSION's logger names and wording, so one log parser reads both
//! simulators. Each line is written with a single locked write, so lines from
//! loads running in parallel never interleave mid-line.

use std::io::Write;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// FUSION's logger names for the events this engine reports.
pub mod names {
    pub const RUNNER: &str = "fusion.utils.logging_config";
    pub const SIMULATION: &str = "fusion.core.simulation";
    pub const REQUEST: &str = "fusion.core.request";
    pub const METRICS: &str = "fusion.core.metrics";
    pub const PERSISTENCE: &str = "fusion.core.persistence";
    pub const CONFIG: &str = "fusion.cli.config_setup";
    pub const CLI: &str = "fusion.cli.run_sim";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Info => "INFO",
            Level::Warning => "WARNING",
            Level::Error => "ERROR",
        }
    }
}

/// Broken-down local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub micros: u32,
}

/// Breaks a Unix time down in the local time zone (or UTC).
pub fn breakdown(t: SystemTime, utc: bool) -> LocalTime {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as libc::time_t;
    // SAFETY: localtime_r/gmtime_r only write into the provided struct.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = unsafe {
        if utc {
            !libc::gmtime_r(&secs, &mut tm).is_null()
        } else {
            !libc::localtime_r(&secs, &mut tm).is_null()
        }
    };
    if !ok {
        return LocalTime {
            year: 1970,
            month: 1,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
            micros: 0,
        };
    }
    LocalTime {
        year: tm.tm_year + 1900,
        month: (tm.tm_mon + 1) as u32,
        day: tm.tm_mday as u32,
        hour: tm.tm_hour as u32,
        minute: tm.tm_min as u32,
        second: tm.tm_sec as u32,
        micros: d.subsec_micros(),
    }
}

/// Python logging's default `asctime`: `2026-11-26 05:12:01,317`.
pub fn asctime(t: SystemTime) -> String {
    let l = breakdown(t, false);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02},{:03}",
        l.year,
        l.month,
        l.day,
        l.hour,
        l.minute,
        l.second,
        l.micros / 1000
    )
}

/// Writes FUSION-style lines to stderr.
pub struct Logger {
    out: Mutex<()>,
}

impl Default for Logger {
    fn default() -> Self {
        Self::new()
    }
}

impl Logger {
    pub fn new() -> Self {
        Logger { out: Mutex::new(()) }
    }

    pub fn log(&self, name: &str, level: Level, message: &str) {
        let line = format!(
            "{} - {} - {} - {}\n",
            asctime(SystemTime::now()),
            name,
            level.as_str(),
            message
        );
        let _guard = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
    }

    pub fn info(&self, name: &str, message: &str) {
        self.log(name, Level::Info, message);
    }

    pub fn warn(&self, name: &str, message: &str) {
        self.log(name, Level::Warning, message);
    }

    pub fn error(&self, name: &str, message: &str) {
        self.log(name, Level::Error, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asctime_shape() {
        let s = asctime(SystemTime::now());
        assert_eq!(s.len(), 23);
        assert_eq!(&s[4..5], "-");
        assert_eq!(&s[19..20], ",");
    }
}

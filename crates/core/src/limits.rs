//! The limits the UI checks or respects before it asks the core, gathered in
//! one serialisable value so the UI reads them from a generated file
//! (`ui/src/generated/limits.ts`) instead of a copy that can drift. Each field
//! refers to the constant the core enforces; none is defined here.

use serde::Serialize;

use crate::history::tags::{MAX_NOTE_BYTES, MAX_TAGS_PER_RUN, MAX_TAG_CHARS};
use crate::live::{MAX_PAGE_LINES, MAX_SNAPSHOT_BYTES};
use crate::runs::MAX_NAME_LEN;
use crate::settings::Settings;
use crate::sweeps::MAX_SWEEP_RUNS;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limits {
    /// Highest "max concurrent runs" setting.
    pub max_concurrent_runs: u32,
    /// Longest cancel grace period, in seconds.
    pub max_cancel_grace_seconds: f64,
    /// Longest run name, in characters.
    pub max_run_name_chars: usize,
    /// Most log lines one page request returns.
    pub max_log_lines_per_call: u32,
    /// Most bytes one log snapshot returns.
    pub max_log_snapshot_bytes: u32,
    /// Most runs one sweep creates.
    pub max_sweep_runs: usize,
    /// Longest run note, in UTF-8 bytes.
    pub max_note_bytes: usize,
    /// Most tags on one run.
    pub max_tags_per_run: usize,
    /// Longest tag, in characters.
    pub max_tag_chars: usize,
}

pub const LIMITS: Limits = Limits {
    max_concurrent_runs: Settings::MAX_CONCURRENT_LIMIT,
    max_cancel_grace_seconds: Settings::MAX_GRACE_SECONDS,
    max_run_name_chars: MAX_NAME_LEN,
    max_log_lines_per_call: MAX_PAGE_LINES,
    max_log_snapshot_bytes: MAX_SNAPSHOT_BYTES,
    max_sweep_runs: MAX_SWEEP_RUNS,
    max_note_bytes: MAX_NOTE_BYTES,
    max_tags_per_run: MAX_TAGS_PER_RUN,
    max_tag_chars: MAX_TAG_CHARS,
};

impl Limits {
    /// The TypeScript module the UI imports: one `const` object, field for field.
    pub fn typescript(&self) -> String {
        let json = serde_json::to_string_pretty(self).expect("the limits serialise");
        format!(
            "// Made from crates/core/src/limits.rs by the core's bindings test\n\
             // (UPDATE_BINDINGS=1 cargo test -p fusion-desk-core --test it bindings).\n\
             \n\
             export const LIMITS = {json} as const;\n"
        )
    }
}

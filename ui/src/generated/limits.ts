// Made from crates/core/src/limits.rs by the core's bindings test
// (UPDATE_BINDINGS=1 cargo test -p fusion-desk-core --test it bindings).

export const LIMITS = {
  "max_concurrent_runs": 256,
  "max_cancel_grace_seconds": 3600.0,
  "max_run_name_chars": 200,
  "max_log_lines_per_call": 10000,
  "max_log_snapshot_bytes": 8388608,
  "max_sweep_runs": 10000,
  "max_note_bytes": 65536,
  "max_tags_per_run": 32,
  "max_tag_chars": 40
} as const;

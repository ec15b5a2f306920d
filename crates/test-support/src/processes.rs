//! Finding a run's processes from outside.

/// Living processes that carry the run's id in their environment: the
/// simulator and every descendant, whatever group or session they moved to.
pub fn processes_of_run(id: &str) -> Vec<i32> {
    let needle = format!("FUSION_DESK_RUN_ID={id}");
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let zombie = state
                .rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'));
            !zombie
                && std::fs::read(format!("/proc/{pid}/environ"))
                    .map(|env| env.split(|b| *b == 0).any(|var| var == needle.as_bytes()))
                    .unwrap_or(false)
        })
        .collect()
}

//! What /proc says about processes: start times (to guard against PID reuse)
//! and the members of a process group.

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// Fields of /proc/<pid>/stat we need. The command name (field 2) may contain
/// spaces and parentheses, so parsing starts after its last ')'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcStat {
    pub state: char,
    pub ppid: i32,
    pub pgid: i32,
    /// Clock ticks since boot; with the pid it identifies a process uniquely.
    pub start_time: u64,
}

pub fn stat(pid: i32) -> Option<ProcStat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_stat(&text)
}

fn parse_stat(text: &str) -> Option<ProcStat> {
    let after = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // `after` starts at field 3 (state); ppid is field 4, pgid field 5,
    // starttime field 22.
    Some(ProcStat {
        state: fields.first()?.chars().next()?,
        ppid: fields.get(1)?.parse().ok()?,
        pgid: fields.get(2)?.parse().ok()?,
        start_time: fields.get(19)?.parse().ok()?,
    })
}

pub fn start_time(pid: i32) -> Option<u64> {
    stat(pid).map(|s| s.start_time)
}

/// True when `pid` is alive (not a zombie) and started at `start_time`:
/// a recycled pid belongs to another process and must never be signalled.
pub fn is_same_process(pid: i32, start_time: u64) -> bool {
    stat(pid).is_some_and(|s| s.start_time == start_time && s.state != 'Z')
}

/// Sends `signal` to `pid` only if it is still the process we recorded.
pub fn signal_if_same(pid: i32, start_time: u64, signal: Signal) -> bool {
    is_same_process(pid, start_time) && kill(Pid::from_raw(pid), signal).is_ok()
}

/// Living (non-zombie) members of process group `pgid` that started no
/// earlier than `not_before` (the group leader's start time): anything older
/// cannot belong to a group created after it, whatever its pgid says.
pub fn group_members(pgid: i32, not_before: u64) -> Vec<(i32, u64)> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            let s = stat(pid)?;
            (s.pgid == pgid && s.state != 'Z' && s.start_time >= not_before).then_some((pid, s.start_time))
        })
        .collect()
}

/// Members of a run's group, for a process that is not the parent of the
/// group's leader (recovery after a restart, when the run's supervisor is
/// gone). [`group_members`] alone is not enough there: once every process of
/// the run's group has died, the kernel may hand its pgid to a new group whose
/// members all started later than the run's leader. A member is the run's
/// only when the group cannot have been recycled (the recorded leader is
/// still alive) or when it carries the run's id in its environment, as every
/// descendant of a run's simulator does (`FUSION_DESK_RUN_ID`).
pub fn run_group_members(pgid: i32, leader_start: u64, run_id: &str) -> Vec<(i32, u64)> {
    let members = group_members(pgid, leader_start);
    if is_same_process(pgid, leader_start) {
        return members;
    }
    members
        .into_iter()
        .filter(|&(pid, _)| carries_run_id(pid, run_id))
        .collect()
}

/// True when the environment of `pid` holds `FUSION_DESK_RUN_ID=<run_id>`.
/// An unreadable environment (another user's process) does not qualify.
fn carries_run_id(pid: i32, run_id: &str) -> bool {
    let needle = format!("FUSION_DESK_RUN_ID={run_id}");
    std::fs::read(format!("/proc/{pid}/environ"))
        .map(|env| env.split(|b| *b == 0).any(|var| var == needle.as_bytes()))
        .unwrap_or(false)
}

/// Every living process that carries the run's id in its environment: what
/// a run's simulator started, found without any recorded pid.
pub fn processes_of_run(run_id: &str) -> Vec<(i32, u64)> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| carries_run_id(pid, run_id))
        .filter_map(|pid| stat(pid).filter(|s| s.state != 'Z').map(|s| (pid, s.start_time)))
        .collect()
}

/// Pids of our own children that are zombies: orphans re-parented to us (we
/// are a child subreaper) that have exited and wait to be reaped.
pub fn zombie_children() -> Vec<i32> {
    let me = std::process::id() as i32;
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| stat(pid).is_some_and(|s| s.ppid == me && s.state == 'Z'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_with_spaces_and_parens() {
        let line = "1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 10";
        let s = parse_stat(line).unwrap();
        assert_eq!(
            s,
            ProcStat {
                state: 'S',
                ppid: 1,
                pgid: 1234,
                start_time: 98765
            }
        );
    }

    #[test]
    fn knows_itself() {
        let me = std::process::id() as i32;
        let st = start_time(me).unwrap();
        assert!(is_same_process(me, st));
        assert!(!is_same_process(me, st + 1));
    }
}

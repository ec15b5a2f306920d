//! The run supervisor: a small process that leads each run's session, starts
//! the simulator in a process group of its own, waits for it, stops the whole
//! group on cancel (SIGTERM, grace, SIGKILL), records the outcome in
//! `exit.json`, writes the terminal state to the store and starts whatever is
//! queued next. It outlives the app, so closing or crashing the app never
//! loses a run, and the queue drains with no window open.

use std::ffi::OsString;
use std::fs::File;
use std::io::Write;
use std::os::fd::FromRawFd;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag};
use nix::unistd::Pid;
use tokio::signal::unix::{signal, SignalKind};

use super::protocol::{CancelRequest, LOCK_FD};
use std::sync::Arc;

use crate::ctx::Ctx;
use crate::error::{DeskError, Result};
use crate::exec::{Executors, LocalExecutor, SupervisorProgram};
use crate::layout::{DataDir, RunDir};
use crate::model::Placement;
use crate::outcome::Outcome;
use crate::procfs;
use crate::run_id::RunId;
use crate::run_lock::RunLock;
use crate::store::ProcessRecord;
use crate::store::Store;
use crate::timestamp;

/// How long leftovers of a finished simulator get between SIGTERM and SIGKILL.
const LEFTOVER_GRACE: Duration = Duration::from_secs(2);
const POLL: Duration = Duration::from_millis(5);

struct Args {
    home: PathBuf,
    run: RunId,
    command: Vec<OsString>,
}

/// The supervisor's `main`: returns the process exit code.
pub fn main() -> i32 {
    let args = match parse_args(std::env::args_os().skip(2)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("fusion-desk supervisor: {e}");
            return 2;
        }
    };
    // SAFETY: the launcher dup'ed the locked run.lock onto LOCK_FD for us and
    // nothing else in this process owns that descriptor.
    let lock_file = unsafe {
        let flags = libc::fcntl(LOCK_FD, libc::F_GETFD);
        if flags < 0 {
            eprintln!("fusion-desk supervisor: no run lock on descriptor {LOCK_FD}");
            return 2;
        }
        // Keep the lock from leaking into the simulator.
        libc::fcntl(LOCK_FD, libc::F_SETFD, flags | libc::FD_CLOEXEC);
        File::from_raw_fd(LOCK_FD)
    };
    let lock = RunLock::from_inherited(lock_file);
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fusion-desk supervisor: cannot start: {e}");
            return 1;
        }
    };
    match runtime.block_on(supervise(args, lock)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("fusion-desk supervisor: {e}");
            1
        }
    }
}

fn parse_args(mut it: impl Iterator<Item = OsString>) -> Result<Args> {
    let (mut home, mut run) = (None, None);
    while let Some(arg) = it.next() {
        match arg.to_str() {
            Some("--home") => home = it.next().map(PathBuf::from),
            Some("--run") => run = it.next(),
            Some("--") => break,
            _ => return Err(DeskError::invalid_input(format!("unexpected argument {arg:?}"))),
        }
    }
    let command: Vec<OsString> = it.collect();
    let home = home.ok_or_else(|| DeskError::invalid_input("--home is required"))?;
    let run = RunId::parse(
        &run.ok_or_else(|| DeskError::invalid_input("--run is required"))?
            .to_string_lossy(),
    )?;
    if command.is_empty() {
        return Err(DeskError::invalid_input("no simulator command after --"));
    }
    Ok(Args { home, run, command })
}

fn say(msg: impl std::fmt::Display) {
    eprintln!("{} {msg}", timestamp::now());
}

/// Tells the launcher the simulator is running (or could not start), then
/// detaches stdout so a launcher that has gone away can never block us.
fn report_to_launcher(what: &str) {
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{what}");
    let _ = out.flush();
    if let Ok(null) = File::options().write(true).open("/dev/null") {
        // SAFETY: replacing fd 1 with /dev/null; Rust's stdout handle keeps working.
        unsafe { libc::dup2(std::os::fd::AsRawFd::as_raw_fd(&null), 1) };
    }
}

async fn supervise(args: Args, lock: RunLock) -> Result<()> {
    let data = DataDir::at(args.home)?;
    let dir = data.run(&args.run);
    // Descendants whose parent dies are re-parented to us instead of init, so
    // nothing the simulator starts can outlive the run unnoticed.
    if let Err(e) = nix::sys::prctl::set_child_subreaper(true) {
        say(format!("cannot become a child subreaper: {e}"));
    }
    let mut term = signal(SignalKind::terminate()).map_err(|e| DeskError::io("SIGTERM handler", e))?;
    let mut int = signal(SignalKind::interrupt()).map_err(|e| DeskError::io("SIGINT handler", e))?;
    let mut hup = signal(SignalKind::hangup()).map_err(|e| DeskError::io("SIGHUP handler", e))?;

    let desk = match open_executors(data.clone()).await {
        Ok(d) => Some(d),
        Err(e) => {
            say(format!(
                "cannot open the run store, the outcome goes to exit.json only: {e}"
            ));
            None
        }
    };

    // Our own pid goes on record before the simulator exists: a cancel from
    // now on reaches us by signal, and recovery knows a simulator may have
    // been started even if we die before recording its pid.
    let supervisor_pid = std::process::id() as i32;
    let supervisor_start = procfs::start_time(supervisor_pid).unwrap_or(0);
    if let Some(desk) = &desk {
        if let Err(e) = desk
            .ctx()
            .store()
            .record_supervisor(&args.run, supervisor_pid, supervisor_start)
            .await
        {
            say(format!("cannot record the supervisor's pid: {e}"));
        }
    }

    let spawned = spawn_simulator(&args.command, &dir, &args.run);
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            say(format!("cannot start the simulator: {e}"));
            let outcome = Outcome {
                exit_code: None,
                signal: None,
                cancelled: false,
                spawn_error: Some(e.to_string()),
                finished_at: timestamp::now(),
            };
            record_outcome(&outcome, &dir);
            report_to_launcher("failed");
            return finish(desk, &args.run, outcome, lock).await;
        }
    };
    let pid = child.id().expect("a just-spawned child has a pid") as i32;
    let leader_start = procfs::start_time(pid).unwrap_or(0);
    say(format!("started simulator pid {pid}: {:?}", args.command));
    if let Some(desk) = &desk {
        let record = ProcessRecord {
            pid,
            pgid: pid,
            start_time: leader_start,
            supervisor_pid,
            supervisor_start_time: supervisor_start,
        };
        if let Err(e) = desk.ctx().store().record_process(&args.run, record).await {
            say(format!("cannot record the simulator's pid: {e}"));
        }
    }
    report_to_launcher("ready");
    // The supervisor lives exactly as long as the run, so it keeps the run's
    // progress cache (crate::live) with or without a window open.
    let progress = desk
        .as_ref()
        .map(|d| crate::live::ProgressRecorder::start(d.ctx().clone(), args.run.clone()));
    // Results a simulator writes outside the run folder (the real FUSION)
    // become a read-only root of the run as soon as it reports them.
    let reported = desk
        .as_ref()
        .map(|d| crate::reported_results::ReportedResults::start(d.ctx().clone(), args.run.clone()));

    // A cancel that arrived while we were starting is honoured at once: the
    // canceller marks the run in the store before it looks for our pid, so
    // either it found our pid (and signalled us) or we see its mark here.
    let mut cancel = cancel_requested(desk.as_deref(), &args.run, &dir)
        .await
        .then(|| read_cancel_request(&dir));
    let mut exited = None;
    while cancel.is_none() {
        tokio::select! {
            status = child.wait() => {
                exited = Some(status.map_err(|e| DeskError::io("waiting for the simulator", e))?);
                break;
            }
            _ = term.recv() => {}
            _ = int.recv() => {}
            _ = hup.recv() => {}
        }
        cancel = Some(read_cancel_request(&dir));
    }
    let status = match (exited, cancel) {
        (Some(status), _) => {
            // What the simulator left behind in its group (FUSION leaves a
            // helper process) is stopped too: a finished run owns nothing.
            stop_leftovers(pid, leader_start, LEFTOVER_GRACE).await;
            status
        }
        (None, requested) => {
            let grace = match requested.flatten() {
                Some(grace) => grace,
                None => configured_grace(desk.as_deref()).await,
            };
            say(format!(
                "cancel requested: SIGTERM to group {pid}, SIGKILL after {grace:?}"
            ));
            stop_group(&mut child, pid, leader_start, grace).await
        }
    };
    reap_orphans(pid);
    // The simulator has written its last line: record the final progress
    // before the run becomes terminal.
    if let Some(progress) = progress {
        progress.finish().await;
    }
    if let Some(reported) = reported {
        reported.finish().await;
    }
    let outcome = Outcome {
        exit_code: status.code(),
        signal: status.signal(),
        cancelled: exited.is_none(),
        spawn_error: None,
        finished_at: timestamp::now(),
    };
    say(format!("simulator ended: {status}"));
    record_outcome(&outcome, &dir);
    finish(desk, &args.run, outcome, lock).await
}

/// Writes `exit.json`. The store gets the outcome whatever happens here (the
/// simulator may have removed or filled its folder), so a failure is logged.
fn record_outcome(outcome: &Outcome, dir: &RunDir) {
    if let Err(e) = outcome.write(&dir.exit_file()) {
        say(format!("cannot write exit.json: {e}"));
    }
}

/// True when cancel.json exists or the store marks the run as cancelled.
async fn cancel_requested(desk: Option<&Executors>, run: &RunId, dir: &RunDir) -> bool {
    if crate::runfs::is_file(&dir.cancel_file()) {
        return true;
    }
    match desk {
        Some(d) => d
            .ctx()
            .store()
            .get(run)
            .await
            .ok()
            .flatten()
            .is_some_and(|r| r.cancel_requested_at.is_some()),
        None => false,
    }
}

async fn finish(desk: Option<Arc<Executors>>, run: &RunId, outcome: Outcome, lock: RunLock) -> Result<()> {
    if let Some(desk) = desk {
        super::local::settle::finish_owned_run(desk.ctx(), run, &outcome).await?;
        // We still hold the run lock; releasing it before dispatching lets
        // watchers of this run see its end without waiting for the next one.
        drop(lock);
        desk.for_placement(&Placement::Local)?.start_ready(&desk).await?;
    }
    Ok(())
}

fn spawn_simulator(
    command: &[OsString],
    dir: &RunDir,
    run: &RunId,
) -> std::io::Result<tokio::process::Child> {
    let log = crate::runfs::open_append(&dir.sim_log()).map_err(|e| std::io::Error::other(e.message))?;
    let mut cmd = tokio::process::Command::new(&command[0]);
    cmd.args(&command[1..])
        .current_dir(dir.root())
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .env("PYTHONUNBUFFERED", "1")
        .env("FUSION_DESK_RUN_ID", run.as_str())
        .env("FUSION_DESK_RUN_DIR", dir.root())
        .process_group(0)
        .kill_on_drop(false);
    cmd.spawn()
}

/// The grace period from the settings, for a cancel that came as a bare
/// signal (a user's `kill`, a system shutdown) with no cancel.json.
async fn configured_grace(desk: Option<&Executors>) -> Duration {
    match desk {
        Some(d) => d.ctx().store().settings().await.unwrap_or_default().grace(),
        None => crate::settings::Settings::default().grace(),
    }
}

fn read_cancel_request(dir: &RunDir) -> Option<Duration> {
    let bytes = crate::runfs::read(&dir.cancel_file(), crate::runfs::SMALL_FILE_CAP).ok()?;
    let req: CancelRequest = serde_json::from_slice(&bytes).ok()?;
    Duration::try_from_secs_f64(req.grace_seconds).ok()
}

/// SIGTERM to the whole group; once the group is empty or the grace period
/// has passed, SIGKILL to whatever is left; then reap.
async fn stop_group(
    child: &mut tokio::process::Child,
    pgid: i32,
    leader_start: u64,
    grace: Duration,
) -> ExitStatus {
    // The leader is our unreaped child, so its pgid cannot have been recycled.
    let _ = killpg(Pid::from_raw(pgid), Signal::SIGTERM);
    let deadline = Instant::now() + grace;
    let mut status = None;
    while Instant::now() < deadline {
        if status.is_none() {
            status = child.try_wait().ok().flatten();
        }
        if status.is_some() && procfs::group_members(pgid, leader_start).is_empty() {
            break;
        }
        reap_orphans(pgid);
        tokio::time::sleep(POLL.min(deadline.saturating_duration_since(Instant::now()))).await;
    }
    if status.is_none() {
        let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    }
    let status = match status {
        Some(s) => s,
        None => child
            .wait()
            .await
            .unwrap_or_else(|_| ExitStatus::from_raw(libc::SIGKILL)),
    };
    kill_group_until_empty(pgid, leader_start).await;
    status
}

/// After the leader exited on its own: SIGTERM what remains, SIGKILL after `grace`.
async fn stop_leftovers(pgid: i32, leader_start: u64, grace: Duration) {
    let members = procfs::group_members(pgid, leader_start);
    if members.is_empty() {
        return;
    }
    for (pid, st) in members {
        procfs::signal_if_same(pid, st, Signal::SIGTERM);
    }
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline && !procfs::group_members(pgid, leader_start).is_empty() {
        reap_orphans(pgid);
        tokio::time::sleep(POLL).await;
    }
    kill_group_until_empty(pgid, leader_start).await;
}

/// SIGKILL to every remaining member, repeated until none is left (a member
/// may fork between our scan and our signal).
async fn kill_group_until_empty(pgid: i32, leader_start: u64) {
    for _ in 0..1000 {
        let members = procfs::group_members(pgid, leader_start);
        if members.is_empty() {
            break;
        }
        for (pid, st) in members {
            procfs::signal_if_same(pid, st, Signal::SIGKILL);
        }
        reap_orphans(pgid);
        tokio::time::sleep(POLL).await;
    }
    reap_orphans(pgid);
}

/// Reaps exited orphans re-parented to us. Only zombies found in /proc are
/// waited for, and never `leader`: the simulator is left to its own `wait`.
fn reap_orphans(leader: i32) {
    for pid in procfs::zombie_children().into_iter().filter(|&p| p != leader) {
        let _ = waitpid(Pid::from_raw(pid), Some(WaitPidFlag::WNOHANG));
    }
}

/// What a supervisor records through: the store, and the local executor to
/// start the next queued run once this one is recorded.
async fn open_executors(data: DataDir) -> Result<Arc<Executors>> {
    let store = Store::open(&data).await?;
    let local = LocalExecutor::new(SupervisorProgram::current_exe()?);
    Ok(Executors::new(
        Ctx::new(data, store),
        false,
        vec![Arc::new(local)],
    ))
}

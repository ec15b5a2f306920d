//! Results written outside the run folder. The real FUSION saves into its own
//! source tree (`data/output/<network>/<MMDD>/<time>/s1/`) and announces it in
//! its log with `Saving to: <folder>`; that folder becomes a read-only extra
//! artifact root of the run (labelled [`ROOT_LABEL`]), so browsing, previews
//! and the results view work as for results inside the run folder.
//!
//! The log is the simulator's to write, so a reported folder is accepted
//! only in the real FUSION's exact form and place ([`accept`]): FUSION's
//! own log line, a folder `<project>/data/output/<network>/<MMDD>/<time>/<thread>`
//! of a FUSION project the run's simulator command points into, created
//! after the run started, with no hidden component. Anything else (a line
//! naming `~/.ssh`, the home folder, an old folder) is ignored.
//!
//! The run's supervisor scans the log while the run goes on (results can be
//! looked at before a long run ends) and once more at its end; a cluster
//! run's log is scanned when the run is settled, the folder mapped from the
//! node's view to this machine's.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::oneshot;

use crate::artifacts::Artifacts;
use crate::ctx::Ctx;
use crate::run_id::RunId;

pub use crate::artifacts::roots::REPORTED_LABEL as ROOT_LABEL;
const SCAN_INTERVAL: Duration = Duration::from_secs(1);
/// A longer line is not a `Saving to:` line; only its start is kept.
const MAX_LINE: usize = 64 * 1024;

/// Incremental scanner of a log for the last `Saving to:` folder.
#[derive(Default)]
pub struct SavingToScanner {
    offset: u64,
    partial: Vec<u8>,
    /// The partial line is longer than MAX_LINE.
    cut: bool,
    latest: Option<PathBuf>,
}

impl SavingToScanner {
    /// Reads what was appended since the last call; returns the newest
    /// reported folder if it changed.
    pub fn scan(&mut self, log: &std::path::Path) -> Option<PathBuf> {
        let mut file = crate::runfs::open_file(log).ok()?;
        let len = file.metadata().ok()?.len();
        if len < self.offset {
            *self = SavingToScanner::default(); // truncated or replaced
        }
        file.seek(SeekFrom::Start(self.offset)).ok()?;
        let before = self.latest.clone();
        // Read in fixed chunks: a simulator may write a line of any length.
        let mut buf = vec![0u8; 64 * 1024];
        let mut file = file.take(len - self.offset);
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            self.offset += n as u64;
            for piece in buf[..n].split_inclusive(|b| *b == b'\n') {
                if self.partial.len() + piece.len() <= MAX_LINE {
                    self.partial.extend_from_slice(piece);
                } else {
                    self.cut = true;
                }
                if piece.ends_with(b"\n") {
                    // A cut line is no `Saving to:` line: its path would be a prefix.
                    if !self.cut {
                        if let Some(path) = saving_to(&self.partial) {
                            self.latest = Some(path);
                        }
                    }
                    self.partial.clear();
                    self.cut = false;
                }
            }
        }
        (self.latest != before).then(|| self.latest.clone()).flatten()
    }

    /// The newest folder reported so far.
    pub fn latest(&self) -> Option<&Path> {
        self.latest.as_deref()
    }
}

/// The folder of a log line in FUSION's exact form,
/// `YYYY-MM-DD HH:MM:SS,mmm - fusion.core.persistence - INFO - Saving to: /abs/path`.
fn saving_to(line: &[u8]) -> Option<PathBuf> {
    let line = std::str::from_utf8(line).ok()?;
    let line = line.strip_suffix('\n').unwrap_or(line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    let (stamp, rest) = line.split_at_checked(23)?;
    let shape = stamp.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        10 => b == b' ',
        13 | 16 => b == b':',
        19 => b == b',',
        _ => b.is_ascii_digit(),
    });
    let path = rest.strip_prefix(PERSISTENCE_PREFIX)?;
    let path = Path::new(path);
    (shape && path.is_absolute() && !path.as_os_str().is_empty() && !line.contains('\0'))
        .then(|| path.to_owned())
}

const PERSISTENCE_PREFIX: &str = " - fusion.core.persistence - INFO - Saving to: ";

/// What a reported folder is checked against: the run's simulator command
/// (paths as this machine sees them) and when the run started.
pub struct Expected {
    pub command: Vec<PathBuf>,
    pub started: Option<std::time::SystemTime>,
}

/// Checks a reported folder; its canonical path when it is the real
/// FUSION's output folder for this run, else why not.
pub fn accept(folder: &Path, expected: &Expected) -> std::result::Result<PathBuf, String> {
    let canonical = folder
        .canonicalize()
        .map_err(|e| format!("cannot resolve it: {e}"))?;
    let names: Vec<&str> = canonical
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(n) => n.to_str(),
            _ => None,
        })
        .collect();
    if names.len() != canonical.components().count() - 1 {
        return Err("its path is not valid UTF-8".into());
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if canonical == home || canonical.parent() == Some(home.as_path()) {
            return Err("it is the home folder or a folder directly in it".into());
        }
    }
    // <project>/data/output/<network>/<MMDD>/<HH_MM_SS_ffffff>/s<N>
    let [.., data, output, network, day, time, thread] = names.as_slice() else {
        return Err("it is not a FUSION output folder".into());
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let time_ok = time.split('_').map(str::len).eq([2, 2, 2, 6])
        && time.bytes().all(|b| b == b'_' || b.is_ascii_digit());
    let thread_ok = thread
        .strip_prefix('s')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    // The project's own name and everything below it: no hidden folder.
    if names[names.len().saturating_sub(7)..]
        .iter()
        .any(|n| n.starts_with('.'))
    {
        return Err("it is or lies in a hidden folder".into());
    }
    if *data != "data"
        || *output != "output"
        || network.is_empty()
        || !digits(day, 4)
        || !time_ok
        || !thread_ok
    {
        return Err("it is not a FUSION output folder (data/output/<network>/<MMDD>/<time>/s<N>)".into());
    }
    let project: PathBuf = canonical
        .ancestors()
        .nth(6)
        .map(Path::to_owned)
        .unwrap_or_default();
    let projects = fusion_projects(&expected.command);
    if !projects.contains(&project) {
        return Err(format!(
            "{} is not the FUSION project the run's simulator command points to",
            project.display()
        ));
    }
    if let Some(started) = expected.started {
        let meta = std::fs::symlink_metadata(&canonical).map_err(|e| format!("cannot read it: {e}"))?;
        // Created by this run: its time folder and thread folder are new
        // (change time, which no one can set back, a little before the start
        // at most for clock granularity).
        let slack = std::time::Duration::from_secs(2);
        let changed = std::time::UNIX_EPOCH
            + std::time::Duration::new(
                std::os::unix::fs::MetadataExt::ctime(&meta).max(0) as u64,
                std::os::unix::fs::MetadataExt::ctime_nsec(&meta).clamp(0, 999_999_999) as u32,
            );
        if changed + slack < started {
            return Err("it existed before the run started".into());
        }
    }
    Ok(canonical)
}

/// FUSION projects a simulator command points into: every ancestor of an
/// absolute path in it (the program, a `PYTHONPATH=` value, a script) that
/// holds FUSION's `fusion/cli/run_sim.py`, canonical.
fn fusion_projects(command: &[PathBuf]) -> Vec<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    for (i, word) in command.iter().enumerate() {
        let text = word.to_string_lossy();
        let value = text.split_once('=').map_or(&*text, |(_, v)| v);
        for part in value.split(':') {
            let p = Path::new(part);
            if p.is_absolute() {
                candidates.push(p.to_owned());
            } else if i == 0 && !part.contains('/') && !part.is_empty() {
                // A bare program name: where PATH finds it.
                if let Some(found) = std::env::var_os("PATH")
                    .iter()
                    .flat_map(std::env::split_paths)
                    .map(|d| d.join(part))
                    .find(|f| f.is_file())
                {
                    candidates.push(found);
                }
            }
        }
    }
    let mut projects = Vec::new();
    for c in candidates {
        for a in c.ancestors().skip(1) {
            if a.join("fusion/cli/run_sim.py").is_file() {
                if let Ok(p) = a.canonicalize() {
                    if !projects.contains(&p) {
                        projects.push(p);
                    }
                }
            }
        }
    }
    projects
}

/// The checks' inputs for a run, from its row.
async fn expected(ctx: &Ctx, id: &RunId, to_local: &(dyn Fn(&Path) -> PathBuf + Sync)) -> Expected {
    let row = ctx.store().get(id).await.ok().flatten();
    let command = row
        .as_ref()
        .and_then(|r| r.simulator.as_deref())
        .and_then(|c| crate::settings::split_command(c).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|w| {
            let p = PathBuf::from(&w);
            if p.is_absolute() {
                to_local(&p)
            } else {
                p
            }
        })
        .collect();
    let started = row
        .as_ref()
        .and_then(|r| r.started_at.as_deref())
        .and_then(crate::timestamp::parse)
        .map(std::time::SystemTime::from);
    Expected { command, started }
}

/// Registers `folder`; true when it is registered or needs no registering
/// (including when it is refused: a refused folder is not retried).
async fn register(ctx: &Ctx, id: &RunId, folder: &Path, expected: &Expected) -> bool {
    // The embedded engine reports the run's own output/ folder: nothing to add.
    if folder.starts_with(ctx.data().run(id).root()) {
        return true;
    }
    if !folder.exists() {
        // FUSION logs "Saving to:" before it creates the folder: retried.
        return false;
    }
    let folder = match accept(folder, expected) {
        Ok(f) => f,
        Err(why) => {
            tracing::warn!(run = %id, "ignoring a results folder the simulator reported: {why}");
            return true;
        }
    };
    let folder = folder.as_path();
    match Artifacts::new(ctx)
        .register_artifact_root(id.as_str(), ROOT_LABEL, folder)
        .await
    {
        Ok(_) => {
            tracing::info!(run = %id, "results folder reported by the simulator: {}", folder.display());
            true
        }
        Err(e) => {
            tracing::warn!(run = %id, "cannot use the reported results folder {} yet: {e}", folder.display());
            false
        }
    }
}

/// Scans a finished run's whole log once and registers the last results
/// folder it reported. `to_local` maps a path as the simulator saw it (on a
/// cluster node) to this machine's view of it.
pub async fn register_final(ctx: &Ctx, id: &RunId, to_local: impl Fn(&Path) -> PathBuf + Sync) {
    let mut scanner = SavingToScanner::default();
    scanner.scan(&ctx.data().run(id).sim_log());
    if let Some(folder) = scanner.latest() {
        let expected = expected(ctx, id, &to_local).await;
        register(ctx, id, &to_local(folder), &expected).await;
    }
}

/// Follows a running simulator's log for reported results folders.
pub struct ReportedResults {
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl ReportedResults {
    pub fn start(ctx: Ctx, id: RunId) -> Self {
        let (stop, mut stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let log = ctx.data().run(&id).sim_log();
            let mut scanner = SavingToScanner::default();
            // A simulator may announce a folder before it creates it (FUSION
            // logs "Saving to:" first): registering is retried until it works.
            let mut registered: Option<PathBuf> = None;
            let expected = expected(&ctx, &id, &|p| p.to_owned()).await;
            loop {
                scanner.scan(&log);
                if let Some(folder) = scanner.latest().filter(|f| registered.as_deref() != Some(*f)) {
                    if register(&ctx, &id, folder, &expected).await {
                        registered = Some(folder.to_owned());
                    }
                }
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = tokio::time::sleep(SCAN_INTERVAL) => {}
                }
            }
            // The simulator has ended: its last lines are in the file now.
            scanner.scan(&log);
            if let Some(folder) = scanner.latest().filter(|f| registered.as_deref() != Some(*f)) {
                register(&ctx, &id, folder, &expected).await;
            }
        });
        ReportedResults {
            stop: Some(stop),
            task,
        }
    }

    /// Scans the log a last time and returns once the folder is registered.
    pub async fn finish(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const LINE: &str = "2026-11-26 05:06:38,300 - fusion.core.persistence - INFO - Saving to: ";

    #[test]
    fn finds_the_latest_folder_across_partial_writes() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("sim.log");
        let mut f = std::fs::File::create(&log).unwrap();
        let mut s = SavingToScanner::default();
        write!(f, "{LINE}/data/output/NSFNet/1126/05_06_38_242824/s").unwrap();
        f.flush().unwrap();
        assert_eq!(s.scan(&log), None, "a partial line is held back");
        writeln!(f, "1\nother line").unwrap();
        f.flush().unwrap();
        assert_eq!(
            s.scan(&log),
            Some(PathBuf::from("/data/output/NSFNet/1126/05_06_38_242824/s1"))
        );
        writeln!(f, "{LINE}/data/output/NSFNet/1126/05_06_38_242824/s1").unwrap();
        assert_eq!(s.scan(&log), None, "the same folder again is no change");
        writeln!(f, "{LINE}relative/path").unwrap();
        assert_eq!(s.scan(&log), None, "relative folders are ignored");
        for other in [
            "x - INFO - Saving to: /home/me/.ssh",
            "2026-11-26 05:06:38,300 - test_sim - INFO - Saving to: /tmp/x",
            "step 3 line 0 Saving to: /home/me",
        ] {
            writeln!(f, "{other}").unwrap();
        }
        assert_eq!(s.scan(&log), None, "only FUSION's own line form counts");
    }

    #[test]
    fn only_a_new_output_folder_of_the_fusion_project_is_accepted() {
        let install = tempfile::tempdir().unwrap();
        let project = install.path().canonicalize().unwrap().join("FUSION");
        std::fs::create_dir_all(project.join("fusion/cli")).unwrap();
        std::fs::write(project.join("fusion/cli/run_sim.py"), "").unwrap();
        std::fs::create_dir_all(project.join("bin")).unwrap();
        let out = project.join("data/output/NSFNet/1126/05_06_38_242824/s1");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::create_dir_all(project.join("data/output/.hidden/1126/05_06_38_242824/s1")).unwrap();
        std::fs::create_dir_all(project.join("elsewhere/a/b/c/d/e")).unwrap();
        // A hidden folder dressed up as a project's output: refused as hidden.
        let hidden = install
            .path()
            .canonicalize()
            .unwrap()
            .join(".ssh/data/output/N/1126/05_06_38_242824/s1");
        std::fs::create_dir_all(&hidden).unwrap();
        let now = std::time::SystemTime::now();
        let expected = Expected {
            command: vec![project.join("bin/fusion-sim")],
            started: Some(now - std::time::Duration::from_secs(1)),
        };
        assert_eq!(accept(&out, &expected), Ok(out.clone()));
        // Through a link to the real folder: the canonical path is what counts.
        std::os::unix::fs::symlink(&out, install.path().join("link")).unwrap();
        assert_eq!(accept(&install.path().join("link"), &expected), Ok(out.clone()));
        for refused in [
            project.join("data/output/.hidden/1126/05_06_38_242824/s1"),
            hidden.clone(),
            project.join("elsewhere/a/b/c/d/e"),
            project.join("data/output/NSFNet/1126/05_06_38_242824"),
            project.clone(),
            PathBuf::from("/"),
        ] {
            assert!(accept(&refused, &expected).is_err(), "{}", refused.display());
        }
        let other_program = Expected {
            command: vec![PathBuf::from("/usr/bin/true")],
            started: expected.started,
        };
        assert!(accept(&out, &other_program)
            .unwrap_err()
            .contains("not the FUSION project"));
        let later = Expected {
            command: expected.command.clone(),
            started: Some(now + std::time::Duration::from_secs(60)),
        };
        assert!(accept(&out, &later)
            .unwrap_err()
            .contains("before the run started"));
    }

    #[test]
    fn real_fusion_logs_report_their_folder() {
        let log =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/fusion_logs/run_small_3cores.log");
        let mut s = SavingToScanner::default();
        assert_eq!(
            s.scan(&log),
            Some(PathBuf::from(
                "/home/researcher/FUSION/data/output/NSFNet/1126/05_06_38_242824/s1"
            ))
        );
    }
}

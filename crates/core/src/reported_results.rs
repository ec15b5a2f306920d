//! Results written outside the run folder. The real FUSION saves into its own
//! source tree (`data/output/<network>/<MMDD>/<time>/s1/`) and announces it in
//! its log with `Saving to: <folder>`; that folder becomes a read-only extra
//! artifact root of the run (labelled [`ROOT_LABEL`]), so browsing, previews
//! and the results view work as for results inside the run folder.
//!
//! The run's supervisor scans the log while the run goes on (results can be
//! looked at before a long run ends) and once more at its end; a cluster
//! run's log is scanned when the run is settled, the folder mapped from the
//! node's view to this machine's.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::oneshot;

use crate::desk::Desk;
use crate::run_id::RunId;

pub const ROOT_LABEL: &str = "fusion";
const MARKER: &str = "Saving to: ";
const SCAN_INTERVAL: Duration = Duration::from_secs(1);
/// A longer line is not a `Saving to:` line; only its start is kept.
const MAX_LINE: usize = 64 * 1024;

/// Incremental scanner of a log for the last `Saving to:` folder.
#[derive(Default)]
pub struct SavingToScanner {
    offset: u64,
    partial: Vec<u8>,
    latest: Option<PathBuf>,
}

impl SavingToScanner {
    /// Reads what was appended since the last call; returns the newest
    /// reported folder if it changed.
    pub fn scan(&mut self, log: &std::path::Path) -> Option<PathBuf> {
        let mut file = std::fs::File::open(log).ok()?;
        let len = file.metadata().ok()?.len();
        if len < self.offset {
            *self = SavingToScanner::default(); // truncated or replaced
        }
        file.seek(SeekFrom::Start(self.offset)).ok()?;
        let mut chunk = Vec::new();
        file.take(len - self.offset).read_to_end(&mut chunk).ok()?;
        self.offset = len;
        let before = self.latest.clone();
        for piece in chunk.split_inclusive(|b| *b == b'\n') {
            if self.partial.len() < MAX_LINE {
                let room = MAX_LINE - self.partial.len();
                self.partial.extend_from_slice(&piece[..piece.len().min(room)]);
            }
            if piece.ends_with(b"\n") {
                let line = String::from_utf8_lossy(&self.partial);
                if let Some((_, path)) = line.split_once(MARKER) {
                    let path = PathBuf::from(path.trim());
                    if path.is_absolute() {
                        self.latest = Some(path);
                    }
                }
                self.partial.clear();
            }
        }
        (self.latest != before).then(|| self.latest.clone()).flatten()
    }

    /// The newest folder reported so far.
    pub fn latest(&self) -> Option<&Path> {
        self.latest.as_deref()
    }
}

/// Registers `folder`; true when it is registered or needs no registering.
async fn register(desk: &Desk, id: &RunId, folder: &Path) -> bool {
    // The embedded engine reports the run's own output/ folder: nothing to add.
    if folder.starts_with(desk.data().run(id).root()) {
        return true;
    }
    match desk.register_artifact_root(id.as_str(), ROOT_LABEL, folder).await {
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
pub async fn register_final(desk: &Desk, id: &RunId, to_local: impl Fn(&Path) -> PathBuf) {
    let mut scanner = SavingToScanner::default();
    scanner.scan(&desk.data().run(id).sim_log());
    if let Some(folder) = scanner.latest() {
        register(desk, id, &to_local(folder)).await;
    }
}

/// Follows a running simulator's log for reported results folders.
pub struct ReportedResults {
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl ReportedResults {
    pub fn start(desk: Desk, id: RunId) -> Self {
        let (stop, mut stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let log = desk.data().run(&id).sim_log();
            let mut scanner = SavingToScanner::default();
            // A simulator may announce a folder before it creates it (FUSION
            // logs "Saving to:" first): registering is retried until it works.
            let mut registered: Option<PathBuf> = None;
            loop {
                scanner.scan(&log);
                if let Some(folder) = scanner.latest().filter(|f| registered.as_deref() != Some(*f)) {
                    if register(&desk, &id, folder).await {
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
                register(&desk, &id, folder).await;
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

    #[test]
    fn finds_the_latest_folder_across_partial_writes() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("sim.log");
        let mut f = std::fs::File::create(&log).unwrap();
        let mut s = SavingToScanner::default();
        write!(
            f,
            "x - INFO - Saving to: /data/output/NSFNet/1126/05_06_38_242824/s"
        )
        .unwrap();
        f.flush().unwrap();
        assert_eq!(s.scan(&log), None, "a partial line is held back");
        writeln!(f, "1\nother line").unwrap();
        f.flush().unwrap();
        assert_eq!(
            s.scan(&log),
            Some(PathBuf::from("/data/output/NSFNet/1126/05_06_38_242824/s1"))
        );
        writeln!(
            f,
            "x - INFO - Saving to: /data/output/NSFNet/1126/05_06_38_242824/s1"
        )
        .unwrap();
        assert_eq!(s.scan(&log), None, "the same folder again is no change");
        writeln!(f, "x - INFO - Saving to: relative/path").unwrap();
        assert_eq!(s.scan(&log), None, "relative folders are ignored");
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

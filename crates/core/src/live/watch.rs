//! Wake-ups for followers of files: notify on its own thread, bridged to
//! tokio through a one-slot channel (a full slot already means "look again"),
//! plus a periodic check for filesystems that emit no events (network
//! mounts; notify's "Known Problems").

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;

/// How a follower learns that its files changed.
#[derive(Debug, Clone, Copy)]
pub struct FollowOptions {
    /// Use filesystem events (notify). Without them only polling is used.
    pub use_notify: bool,
    /// The periodic check: the only source of wake-ups without notify, a
    /// safety net with it.
    pub poll_interval: Duration,
}

impl Default for FollowOptions {
    fn default() -> Self {
        FollowOptions {
            use_notify: true,
            poll_interval: Duration::from_millis(250),
        }
    }
}

impl FollowOptions {
    /// Polling only, as on a filesystem that emits no events.
    pub fn polling(interval: Duration) -> Self {
        FollowOptions {
            use_notify: false,
            poll_interval: interval,
        }
    }
}

pub struct FileWake {
    rx: mpsc::Receiver<()>,
    // Kept alive for as long as the follower runs; dropping it stops the thread.
    _watcher: Option<notify::RecommendedWatcher>,
    poll: tokio::time::Interval,
}

impl FileWake {
    /// Wakes on changes to any of `files` (which need not exist yet; their
    /// folders are watched, so creation is seen too).
    pub fn new(files: &[PathBuf], options: FollowOptions) -> FileWake {
        let (tx, rx) = mpsc::channel::<()>(1);
        let watcher = if options.use_notify {
            watch(files, tx)
        } else {
            None
        };
        let mut poll = tokio::time::interval(options.poll_interval);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        FileWake {
            rx,
            _watcher: watcher,
            poll,
        }
    }

    /// Resolves at the next filesystem event or periodic check.
    pub async fn changed(&mut self) {
        tokio::select! {
            _ = self.rx.recv() => {}
            _ = self.poll.tick() => {}
        }
    }
}

fn watch(files: &[PathBuf], tx: mpsc::Sender<()>) -> Option<notify::RecommendedWatcher> {
    let names: Vec<OsString> = files
        .iter()
        .filter_map(|f| f.file_name().map(|n| n.to_owned()))
        .collect();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let relevant = match res {
            Ok(ev) => ev
                .paths
                .iter()
                .any(|p| p.file_name().is_some_and(|n| names.iter().any(|m| m == n))),
            // An overflow or backend error: look again to be safe.
            Err(_) => true,
        };
        if relevant {
            let _ = tx.try_send(());
        }
    })
    .map_err(|e| tracing::debug!("no file events, polling only: {e}"))
    .ok()?;
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| f.parent().map(|p| p.to_owned()))
        .collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        if let Err(e) = watcher.watch(&dir, RecursiveMode::NonRecursive) {
            tracing::debug!("cannot watch {}, polling it: {e}", dir.display());
        }
    }
    Some(watcher)
}

//! Which run events deserve a desktop notification. The shell shows them;
//! the decision lives here so that it is tested without a desktop.
//!
//! - A run on its own: one notice when it COMPLETES or FAILS. A cancelled run
//!   gets none (the person who cancelled it knows).
//! - A run of a sweep: no notice of its own (a sweep of 50 runs would bury
//!   the desktop), but one for the whole sweep when its last run completes or
//!   fails. A sweep that ends with a cancellation gets none. A sweep that
//!   runs again (re-run failed) is announced again when it ends again.
//! - Events repeat (the monitor of other processes' changes, recovery):
//!   each run is considered once per terminal state.
//! - Notices that arrive together beyond a few (runs that ended while the
//!   app was closed, settled at its start; many runs ending at once) become
//!   one summary that opens the run list.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use tokio::sync::broadcast::{self, error::RecvError};

use crate::ctx::Ctx;
use crate::events::RunEvent;
use crate::model::sweeps::Sweep;
use crate::model::{Run, RunStatus};

/// What a click on a notice opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum NoticeTarget {
    Run(String),
    Sweep(String),
    /// The run list (a summary of several runs and sweeps).
    Runs,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
    pub target: NoticeTarget,
    /// A run failed, or a sweep had failures.
    pub failed: bool,
}

/// Most notices shown one by one from a batch that arrived together; a
/// larger batch becomes one summary (see [`coalesce`]).
pub const MAX_SEPARATE_NOTICES: usize = 3;

/// The notices to show for a batch that arrived together: the batch itself
/// when it is small, else one summary, so a start-up that settles a night's
/// runs does not bury the desktop.
/// Notification servers read a body as markup (freedesktop's `<b>`, `<a>`,
/// `<img>`), and bodies carry what a simulator printed: the text is escaped
/// so it shows as written, on one screenful, without control characters.
pub fn desktop_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().take(MAX_DESKTOP_CHARS) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push('\n'),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const MAX_DESKTOP_CHARS: usize = 600;

pub fn coalesce(batch: Vec<Notice>) -> Vec<Notice> {
    if batch.len() <= MAX_SEPARATE_NOTICES {
        return batch;
    }
    let count = |pred: &dyn Fn(&Notice) -> bool| batch.iter().filter(|n| pred(n)).count();
    let runs = count(&|n| matches!(n.target, NoticeTarget::Run(_)));
    let sweeps = count(&|n| matches!(n.target, NoticeTarget::Sweep(_)));
    let failed = count(&|n| n.failed);
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let what = match (runs, sweeps) {
        (r, 0) => plural(r, "run", "runs"),
        (0, s) => plural(s, "sweep", "sweeps"),
        (r, s) => format!(
            "{} and {}",
            plural(r, "run", "runs"),
            plural(s, "sweep", "sweeps")
        ),
    };
    let body = if failed == 0 {
        "All finished without failures".to_owned()
    } else {
        format!("{} with failures, {} finished", failed, batch.len() - failed)
    };
    vec![Notice {
        title: format!("{what} ended"),
        body,
        target: NoticeTarget::Runs,
        failed: failed > 0,
    }]
}

/// Remembers what was announced, so a repeated event announces nothing.
#[derive(Debug, Default)]
pub struct NoticeBoard {
    /// Runs already considered, with the terminal state they were seen in.
    seen: HashMap<String, RunStatus>,
    /// Sweeps whose end was already considered (announced or not).
    ended_sweeps: HashSet<String>,
}

fn first_line(text: &str) -> &str {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim()
}

impl NoticeBoard {
    /// The notice for a `run_updated` event, if any. `sweep` is the run's
    /// sweep as it is now (with its counts), when the run belongs to one.
    pub fn on_run(&mut self, run: &Run, sweep: Option<&Sweep>) -> Option<Notice> {
        if !run.status.is_terminal() {
            // Running again (a re-run in the sweep): its end is news again.
            if let Some(id) = &run.sweep_id {
                self.ended_sweeps.remove(id);
            }
            return None;
        }
        if self.seen.insert(run.id.clone(), run.status) == Some(run.status) {
            return None;
        }
        match (&run.sweep_id, sweep) {
            (None, _) => Self::run_notice(run),
            (Some(_), Some(sweep)) => {
                if !sweep.counts.finished() || !self.ended_sweeps.insert(sweep.id.clone()) {
                    return None;
                }
                if run.status == RunStatus::Cancelled {
                    return None;
                }
                Some(Self::sweep_notice(sweep))
            }
            // The sweep is gone: treat the run as a run of its own.
            (Some(_), None) => Self::run_notice(run),
        }
    }

    fn run_notice(run: &Run) -> Option<Notice> {
        let (title, body) = match run.status {
            RunStatus::Completed => (format!("Run finished: {}", run.name), "Completed".to_owned()),
            RunStatus::Failed => (
                format!("Run failed: {}", run.name),
                run.error_message
                    .as_deref()
                    .map(first_line)
                    .filter(|l| !l.is_empty())
                    .unwrap_or("Failed")
                    .to_owned(),
            ),
            _ => return None,
        };
        Some(Notice {
            title,
            body,
            target: NoticeTarget::Run(run.id.clone()),
            failed: run.status == RunStatus::Failed,
        })
    }

    fn sweep_notice(sweep: &Sweep) -> Notice {
        let c = &sweep.counts;
        let verb = if c.failed > 0 {
            "ended with failures"
        } else {
            "finished"
        };
        let mut body = format!("{} of {} runs completed", c.completed, c.total);
        if c.failed > 0 {
            body += &format!(", {} failed", c.failed);
        }
        if c.cancelled > 0 {
            body += &format!(", {} cancelled", c.cancelled);
        }
        Notice {
            title: format!("Sweep {verb}: {}", sweep.name),
            body,
            target: NoticeTarget::Sweep(sweep.id.clone()),
            failed: c.failed > 0,
        }
    }
}

/// How long notices are gathered after the first of a batch, so that many
/// arriving together can be shown as one.
pub const BATCH_WINDOW: std::time::Duration = std::time::Duration::from_millis(750);

/// The notices a desktop should show, batch by batch, from the run events
/// of a [`Ctx`]: what deserves a notice, gathered for [`BATCH_WINDOW`] after
/// the first, coalesced, and only while the settings ask for them.
pub struct NoticeFeed {
    ctx: Ctx,
    events: broadcast::Receiver<RunEvent>,
    board: NoticeBoard,
}

impl NoticeFeed {
    pub fn new(ctx: Ctx) -> NoticeFeed {
        NoticeFeed {
            events: ctx.events().subscribe(),
            ctx,
            board: NoticeBoard::default(),
        }
    }

    /// The next batch to show (possibly empty, when notices are switched
    /// off); None once no more events can come.
    pub async fn next_batch(&mut self) -> Option<Vec<Notice>> {
        let first = self.next_notice().await?;
        let mut batch = vec![first];
        let window = tokio::time::sleep(BATCH_WINDOW);
        tokio::pin!(window);
        loop {
            tokio::select! {
                _ = &mut window => break,
                next = self.next_notice() => match next {
                    Some(notice) => batch.push(notice),
                    None => break,
                },
            }
        }
        let enabled = self
            .ctx
            .store()
            .settings()
            .await
            .map(|s| s.notify_when_finished)
            .unwrap_or(true);
        Some(if enabled { coalesce(batch) } else { Vec::new() })
    }

    /// The next run event that deserves a notice.
    async fn next_notice(&mut self) -> Option<Notice> {
        loop {
            let run = match self.events.recv().await {
                Ok(RunEvent::RunUpdated { run }) => run,
                Ok(_) => continue,
                // Missed events only cost notices, never state.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            };
            let sweep = match (&run.sweep_id, run.status.is_terminal()) {
                (Some(id), true) => self
                    .ctx
                    .store()
                    .sweeps(Some(id))
                    .await
                    .ok()
                    .and_then(|mut s| s.pop()),
                _ => None,
            };
            if let Some(notice) = self.board.on_run(&run, sweep.as_ref()) {
                return Some(notice);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweeps::SweepCounts;

    fn notice(target: NoticeTarget, failed: bool) -> Notice {
        Notice {
            title: String::new(),
            body: String::new(),
            target,
            failed,
        }
    }

    #[test]
    fn a_few_notices_stay_apart_and_a_burst_becomes_one_summary() {
        let few: Vec<Notice> = (0..MAX_SEPARATE_NOTICES)
            .map(|i| notice(NoticeTarget::Run(format!("r{i}")), false))
            .collect();
        assert_eq!(coalesce(few.clone()), few);

        let mut burst: Vec<Notice> = (0..5)
            .map(|i| notice(NoticeTarget::Run(format!("r{i}")), i == 0))
            .collect();
        burst.push(notice(NoticeTarget::Sweep("s".into()), true));
        let summary = coalesce(burst);
        assert_eq!(summary.len(), 1);
        assert_eq!(summary[0].title, "5 runs and 1 sweep ended");
        assert_eq!(summary[0].body, "2 with failures, 4 finished");
        assert_eq!(summary[0].target, NoticeTarget::Runs);
        assert!(summary[0].failed);

        let fine: Vec<Notice> = (0..4)
            .map(|i| notice(NoticeTarget::Sweep(format!("s{i}")), false))
            .collect();
        let summary = coalesce(fine);
        assert_eq!(summary[0].title, "4 sweeps ended");
        assert_eq!(summary[0].body, "All finished without failures");
    }

    fn run(id: &str, status: RunStatus, sweep: Option<&str>) -> Run {
        Run {
            id: id.into(),
            name: format!("run {id}"),
            template: "quick".into(),
            status,
            overrides: vec![],
            simulator: None,
            pid: None,
            pgid: None,
            exit_code: None,
            exit_signal: None,
            error_message: (status == RunStatus::Failed).then(|| "\nexit code 3\nmore".to_owned()),
            cancel_requested_at: None,
            created_at: String::new(),
            started_at: None,
            completed_at: None,
            updated_at: String::new(),
            config_path: String::new(),
            run_dir: String::new(),
            executor: crate::model::Placement::Local.recorded().into(),
            slurm_job_id: None,
            status_detail: None,
            sweep_id: sweep.map(Into::into),
            rerun_of: None,
            tags: vec![],
            note: String::new(),
            network: None,
            disk_bytes: None,
            metrics: None,
        }
    }

    fn sweep(pending: u32, running: u32, completed: u32, failed: u32, cancelled: u32) -> Sweep {
        Sweep {
            id: "s1".into(),
            name: "k sweep".into(),
            template: "quick".into(),
            overrides: vec![],
            axes: vec![],
            created_at: String::new(),
            counts: SweepCounts {
                total: pending + running + completed + failed + cancelled,
                pending,
                running,
                completed,
                failed,
                cancelled,
            },
        }
    }

    #[test]
    fn a_run_of_its_own_is_announced_when_it_completes_or_fails() {
        let mut board = NoticeBoard::default();
        let done = board.on_run(&run("a", RunStatus::Completed, None), None).unwrap();
        assert_eq!(done.title, "Run finished: run a");
        assert_eq!(done.target, NoticeTarget::Run("a".into()));
        let failed = board.on_run(&run("b", RunStatus::Failed, None), None).unwrap();
        assert_eq!(failed.title, "Run failed: run b");
        assert_eq!(failed.body, "exit code 3");
    }

    #[test]
    fn cancelled_and_active_runs_are_not_announced() {
        let mut board = NoticeBoard::default();
        assert_eq!(board.on_run(&run("a", RunStatus::Cancelled, None), None), None);
        assert_eq!(board.on_run(&run("b", RunStatus::Running, None), None), None);
        assert_eq!(board.on_run(&run("c", RunStatus::Pending, None), None), None);
    }

    #[test]
    fn a_repeated_event_is_announced_once() {
        let mut board = NoticeBoard::default();
        assert!(board
            .on_run(&run("a", RunStatus::Completed, None), None)
            .is_some());
        assert_eq!(board.on_run(&run("a", RunStatus::Completed, None), None), None);
    }

    #[test]
    fn runs_of_a_sweep_are_silent_until_the_sweep_ends_then_it_is_announced_once() {
        let mut board = NoticeBoard::default();
        let r = |id| run(id, RunStatus::Completed, Some("s1"));
        assert_eq!(board.on_run(&r("a"), Some(&sweep(1, 1, 1, 0, 0))), None);
        assert_eq!(board.on_run(&r("b"), Some(&sweep(0, 1, 2, 0, 0))), None);
        let end = board.on_run(&r("c"), Some(&sweep(0, 0, 3, 0, 0))).unwrap();
        assert_eq!(end.title, "Sweep finished: k sweep");
        assert_eq!(end.body, "3 of 3 runs completed");
        assert_eq!(end.target, NoticeTarget::Sweep("s1".into()));
        // Another event of a finished sweep's run announces nothing more.
        assert_eq!(board.on_run(&r("d"), Some(&sweep(0, 0, 3, 0, 0))), None);
    }

    #[test]
    fn a_sweep_with_failures_says_so() {
        let mut board = NoticeBoard::default();
        let last = run("c", RunStatus::Failed, Some("s1"));
        let end = board.on_run(&last, Some(&sweep(0, 0, 2, 1, 0))).unwrap();
        assert_eq!(end.title, "Sweep ended with failures: k sweep");
        assert_eq!(end.body, "2 of 3 runs completed, 1 failed");
    }

    #[test]
    fn a_sweep_ended_by_cancelling_is_not_announced() {
        let mut board = NoticeBoard::default();
        let last = run("c", RunStatus::Cancelled, Some("s1"));
        assert_eq!(board.on_run(&last, Some(&sweep(0, 0, 1, 0, 2))), None);
    }

    #[test]
    fn a_sweep_that_runs_again_is_announced_again_when_it_ends() {
        let mut board = NoticeBoard::default();
        assert!(board
            .on_run(
                &run("a", RunStatus::Failed, Some("s1")),
                Some(&sweep(0, 0, 0, 1, 0))
            )
            .is_some());
        // Re-run failed: a new run of the sweep is queued, then completes.
        assert_eq!(
            board.on_run(&run("b", RunStatus::Pending, Some("s1")), None),
            None
        );
        let again = board
            .on_run(
                &run("b", RunStatus::Completed, Some("s1")),
                Some(&sweep(0, 0, 1, 0, 0)),
            )
            .unwrap();
        assert_eq!(again.title, "Sweep finished: k sweep");
    }

    #[test]
    fn a_run_whose_sweep_is_gone_is_announced_as_a_run() {
        let mut board = NoticeBoard::default();
        let n = board
            .on_run(&run("a", RunStatus::Completed, Some("gone")), None)
            .unwrap();
        assert_eq!(n.target, NoticeTarget::Run("a".into()));
    }

    #[test]
    fn desktop_text_is_escaped_for_markup() {
        assert_eq!(
            desktop_text("<img src=\"file:///etc/passwd\"> & <a href='x'>b</a>\u{7}"),
            "&lt;img src=&quot;file:///etc/passwd&quot;&gt; &amp; &lt;a href=&#39;x&#39;&gt;b&lt;/a&gt; "
        );
        assert_eq!(desktop_text(&"x".repeat(10_000)).len(), MAX_DESKTOP_CHARS);
    }
}

//! Background tasks that stop when their owner goes: a [`TaskHandle`]
//! cancels its task when dropped, so a poller never outlives the Desk that
//! started it, and a test can tell the task is gone.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Weak};

use tokio_util::sync::CancellationToken;

/// Work one component asks of another behind a trait object (an executor,
/// whoever settles runs for a live view): a boxed future of a result.
pub type Pending<'a, T> = Pin<Box<dyn Future<Output = crate::error::Result<T>> + Send + 'a>>;

/// Owns one spawned task; dropping the handle stops the task at its next
/// await point.
#[derive(Debug)]
pub struct TaskHandle {
    cancel: CancellationToken,
    alive: Weak<()>,
}

impl TaskHandle {
    /// Spawns `task`, which runs until it returns or the handle is dropped.
    pub fn spawn<F>(task: F) -> TaskHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let cancel = CancellationToken::new();
        let stop = cancel.clone();
        // Held by the task's future: gone once the task has ended or been
        // dropped, whichever way it stopped.
        let token = Arc::new(());
        let alive = Arc::downgrade(&token);
        tokio::spawn(async move {
            let _token = token;
            tokio::select! {
                _ = stop.cancelled() => {}
                _ = task => {}
            }
        });
        TaskHandle { cancel, alive }
    }

    /// A probe that tells, after the handle is gone, whether the task is.
    pub fn probe(&self) -> TaskProbe {
        TaskProbe(self.alive.clone())
    }
}

impl Drop for TaskHandle {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Whether a task still runs, without keeping it alive.
#[derive(Clone)]
pub struct TaskProbe(Weak<()>);

impl TaskProbe {
    pub fn is_running(&self) -> bool {
        self.0.strong_count() > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn gone(probe: &TaskProbe) -> bool {
        for _ in 0..200 {
            if !probe.is_running() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        false
    }

    #[tokio::test]
    async fn dropping_the_handle_stops_a_task_that_loops_forever() {
        let handle = TaskHandle::spawn(async {
            loop {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        });
        let probe = handle.probe();
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(probe.is_running());
        drop(handle);
        assert!(
            gone(&probe).await,
            "the task still runs after its handle was dropped"
        );
    }

    #[tokio::test]
    async fn a_task_that_returns_is_no_longer_running() {
        let handle = TaskHandle::spawn(async {});
        let probe = handle.probe();
        assert!(gone(&probe).await);
        drop(handle);
    }
}

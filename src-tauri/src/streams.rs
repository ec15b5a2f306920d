//! Per-run streams to the webview over `tauri::ipc::Channel`: each open
//! stream is a task forwarding core messages, registered under an id so the
//! page can close it when it stops showing the run (a tab switch, navigation).
//! A closed stream drops its core receiver, which stops the file watching.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tauri::ipc::Channel;
use tokio::sync::mpsc;

#[derive(Default, Clone)]
pub struct Streams {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    next: AtomicU64,
    open: Mutex<HashMap<u64, tauri::async_runtime::JoinHandle<()>>>,
}

impl Streams {
    /// Forwards every message of `rx` to `channel` until either side ends;
    /// returns the stream's id for [`Streams::close`].
    pub fn forward<T>(&self, mut rx: mpsc::Receiver<T>, channel: Channel<T>) -> u64
    where
        T: Serialize + Clone + Send + 'static,
    {
        let id = self.inner.next.fetch_add(1, Ordering::Relaxed) + 1;
        let inner = self.inner.clone();
        // Hold the table lock while spawning, so a stream that ends at once
        // cannot try to remove itself before it was inserted.
        let mut open = self.inner.open.lock().expect("stream table");
        let task = tauri::async_runtime::spawn(async move {
            while let Some(message) = rx.recv().await {
                if channel.send(message).is_err() {
                    break; // the page is gone
                }
            }
            inner.open.lock().expect("stream table").remove(&id);
        });
        open.insert(id, task);
        id
    }

    pub fn close(&self, id: u64) {
        if let Some(task) = self.inner.open.lock().expect("stream table").remove(&id) {
            task.abort();
        }
    }
}

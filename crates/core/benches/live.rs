//! Live logs and progress benchmarks, printed as figures (run with
//! `cargo bench -p fusion-desk-core --bench live`):
//! - memory growth (RSS) while a 1 000 000-line log is streamed, indexed,
//!   read at random and searched (target < 64 MiB);
//! - ingest throughput in lines per second: the tail alone, the whole log
//!   stream to a consumer, the progress parser over FUSION log lines
//!   (target ≥ 1 000 000 lines/s);
//! - latency from a line appended to sim.log or progress.jsonl to its arrival
//!   at a stream consumer in this process, p50/p99 over 1 000 events
//!   (target p99 < 20 ms).

use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fusion_desk_core::live::index::{read_lines, search};
use fusion_desk_core::live::tail::{Tail, TailEvent};
use fusion_desk_core::live::{
    follow_log, follow_progress, EndSignal, FollowOptions, LogMessage, LogSearchQuery, ProgressMessage,
    ProgressReader,
};
use fusion_desk_core::RunStatus;
use tokio::sync::oneshot;

const LINES: u64 = 1_000_000;

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// A FUSION-like log: mostly noise, an iteration every 8 lines.
fn write_log(path: &Path, lines: u64) -> u64 {
    let mut f = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    let per_load = 8 * 1000;
    for i in 0..lines {
        let load = i / per_load;
        let k = i % per_load;
        let ts = format!(
            "2026-11-26 05:{:02}:{:02},{:03}",
            (i / 60_000) % 60,
            (i / 1000) % 60,
            i % 1000
        );
        let line = if k == 0 {
            format!(
                "{ts} - fusion.utils.logging_config - INFO - Starting simulation for {}.0 Erlang (load {}/{})",
                (load + 1) * 100,
                load + 1,
                lines.div_ceil(per_load)
            )
        } else if k % 8 == 0 {
            format!(
                "{ts} - fusion.utils.logging_config - INFO - CHILD=s1 iteration={}, done_units={}",
                k / 8 - 1,
                k / 8
            )
        } else {
            format!("{ts} - fusion.core.request - INFO - Generated 1000 requests for step {i}")
        };
        writeln!(f, "{line}").unwrap();
    }
    f.flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

fn ended() -> EndSignal {
    Box::pin(async { Some(RunStatus::Completed) })
}

async fn stream_count(path: &Path) -> u64 {
    let mut rx = follow_log(path.to_owned(), 0, 0, FollowOptions::default(), ended());
    let mut n = 0;
    while let Some(m) = rx.recv().await {
        if let LogMessage::Lines { lines, .. } = m {
            n += lines.len() as u64;
        }
    }
    n
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{label}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {} events",
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3,
        samples.len()
    );
}

/// Appends `n` lines to sim.log `gap` apart; measures when each reaches the consumer.
async fn log_latency(n: usize, gap: Duration) -> Vec<Duration> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.log");
    std::fs::write(&path, "").unwrap();
    let (end_tx, end_rx) = oneshot::channel::<RunStatus>();
    let mut rx = follow_log(
        path.clone(),
        0,
        0,
        FollowOptions::default(),
        Box::pin(async move { end_rx.await.ok() }),
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    let sent = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let writer = {
        let sent = sent.clone();
        std::thread::spawn(move || {
            let mut f = std::fs::File::options().append(true).open(path).unwrap();
            for i in 0..n {
                std::thread::sleep(gap);
                sent.lock().unwrap().push(Instant::now());
                writeln!(
                    f,
                    "2026-11-26 05:06:38,379 - fusion.core.simulation - INFO - event {i}"
                )
                .unwrap();
            }
        })
    };
    let mut latencies = Vec::with_capacity(n);
    while latencies.len() < n {
        let Some(m) = rx.recv().await else { break };
        let now = Instant::now();
        if let LogMessage::Lines {
            first_line, lines, ..
        } = m
        {
            let sent = sent.lock().unwrap();
            for k in 0..lines.len() {
                latencies.push(now - sent[first_line as usize + k]);
            }
        }
    }
    writer.join().unwrap();
    let _ = end_tx.send(RunStatus::Completed);
    latencies
}

/// Appends `n` iteration events to progress.jsonl `gap` apart; measures
/// when the update covering each reaches the consumer.
async fn progress_latency(n: usize, gap: Duration) -> Vec<Duration> {
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.jsonl");
    std::fs::write(
        &progress,
        format!(
            "{{\"type\":\"start\",\"ts\":\"2026-01-01T00:00:00Z\",\"config\":{{\"total_erlangs\":1,\"total_iterations\":{n}}}}}\n\
             {{\"type\":\"erlang_start\",\"ts\":\"2026-01-01T00:00:00Z\",\"erlang\":100.0,\"erlang_index\":0,\"total_erlangs\":1}}\n"
        ),
    )
    .unwrap();
    let mut rx = follow_progress(
        progress.clone(),
        dir.path().join("sim.log"),
        None,
        FollowOptions::default(),
        Box::pin(std::future::pending()),
    );
    // The first (full) update: the state before any iteration.
    let _ = rx.recv().await;
    let sent = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let writer = {
        let sent = sent.clone();
        std::thread::spawn(move || {
            let mut f = std::fs::File::options().append(true).open(progress).unwrap();
            for i in 1..=n {
                std::thread::sleep(gap);
                sent.lock().unwrap().push(Instant::now());
                writeln!(
                    f,
                    "{{\"type\":\"iteration\",\"ts\":\"2026-01-01T00:00:01Z\",\"erlang\":100.0,\"iteration\":{i},\"total_iterations\":{n},\"metrics\":{{\"blocking_prob\":0.01}}}}"
                )
                .unwrap();
            }
        })
    };
    let mut latencies = Vec::with_capacity(n);
    let mut seen = 0usize;
    while seen < n {
        let Some(m) = rx.recv().await else { break };
        let now = Instant::now();
        if let ProgressMessage::Update { progress, .. } = m {
            let it = progress.iteration.unwrap_or(0) as usize;
            let sent = sent.lock().unwrap();
            for k in seen..it {
                latencies.push(now - sent[k]);
            }
            seen = seen.max(it);
        }
    }
    writer.join().unwrap();
    latencies
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("sim.log");
    let bytes = write_log(&log, LINES);
    println!(
        "log: {LINES} lines, {:.1} MiB (FUSION-like lines)",
        bytes as f64 / (1 << 20) as f64
    );

    // Memory first, before anything else has grown the heap.
    let base = rss_kib("VmRSS:");
    let streamed = runtime.block_on(stream_count(&log));
    assert_eq!(streamed, LINES);
    let page = read_lines(&log, LINES / 2, 1000, true).unwrap();
    assert_eq!(page.total_lines, LINES);
    let q = LogSearchQuery {
        pattern: "done_units=(1|2)00$".into(),
        regex: true,
        case_insensitive: true,
        max_matches: None,
    };
    let found = search(&log, &q, true).unwrap();
    let mut reader = ProgressReader::new(dir.path().join("progress.jsonl"), log.clone());
    reader.drain();
    let peak = rss_kib("VmHWM:");
    println!(
        "memory: RSS {:.1} MiB before, peak {:.1} MiB after stream + index + random access + search + progress \
         over {LINES} lines: growth {:.1} MiB (target < 64 MiB); search found {} lines",
        base as f64 / 1024.0,
        peak as f64 / 1024.0,
        peak.saturating_sub(base) as f64 / 1024.0,
        found.match_count
    );

    // Throughput.
    let t = Instant::now();
    let mut tail = Tail::new(&log, 0);
    let mut n = 0u64;
    while tail
        .read(1 << 20, |ev| {
            if let TailEvent::Line(_) = ev {
                n += 1
            }
        })
        .unwrap()
        .more
    {}
    let s = t.elapsed().as_secs_f64();
    println!(
        "ingest, tail only: {:.2} M lines/s ({:.0} MiB/s)",
        n as f64 / s / 1e6,
        bytes as f64 / s / (1 << 20) as f64
    );
    let t = Instant::now();
    let n = runtime.block_on(stream_count(&log));
    let s = t.elapsed().as_secs_f64();
    println!(
        "ingest, log stream to a consumer (lines cut, batched, < 8 KiB messages): {:.2} M lines/s (target >= 1 M)",
        n as f64 / s / 1e6
    );
    let t = Instant::now();
    let mut reader = ProgressReader::new(dir.path().join("none.jsonl"), log.clone());
    reader.drain();
    let s = t.elapsed().as_secs_f64();
    let p = reader.snapshot().unwrap();
    println!(
        "ingest, progress from FUSION log lines: {:.2} M lines/s ({} iterations found)",
        LINES as f64 / s / 1e6,
        p.finished_iterations
    );
    let t = Instant::now();
    let found = search(&log, &q, true).unwrap();
    println!(
        "search, regex over {LINES} lines: {:.0} ms ({} matches)",
        t.elapsed().as_secs_f64() * 1e3,
        found.match_count
    );
    let t = Instant::now();
    for k in 0..100 {
        let first = (k * 9_973) % LINES;
        read_lines(&log, first, 100, true).unwrap();
    }
    println!(
        "random access, 100 pages of 100 lines: {:.2} ms per page",
        t.elapsed().as_secs_f64() * 1e3 / 100.0
    );

    // Latency.
    let gap = Duration::from_millis(25);
    report(
        "latency, sim.log line -> log stream consumer (events 25 ms apart)",
        runtime.block_on(log_latency(1000, gap)),
    );
    report(
        "latency, progress.jsonl event -> progress stream consumer (events 25 ms apart)",
        runtime.block_on(progress_latency(1000, gap)),
    );
    report(
        "latency in a burst, sim.log line -> consumer (events 2 ms apart, batched in 15 ms windows)",
        runtime.block_on(log_latency(1000, Duration::from_millis(2))),
    );
}

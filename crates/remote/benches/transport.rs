//! The transport's speed against a real sshd on loopback (the test suite's
//! login node): remote commands per second over the multiplexed master
//! (one after another, and eight at a time), against a new login per
//! command; one `pull_many` over fifty runs' logs; and the delay from a
//! line appended on the cluster side to `pull_from` returning it, polled
//! every 200 ms as a follower would.
//!
//! `cargo bench -p fusion-desk-remote --bench transport [-- N]` (as root).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fusion_desk_remote::{Connection, RemoteRoot};
use fusion_desk_test_support::login_node::{login_node, LoginNode};

const POLL: Duration = Duration::from_millis(200);

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(300);
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    conn.connect().await.unwrap();

    let started = Instant::now();
    for _ in 0..n {
        conn.run_ok(&["true"]).await.unwrap();
    }
    let sequential = n as f64 / started.elapsed().as_secs_f64();
    println!("{n} commands one after another over the master: {sequential:.0} commands/s");

    let started = Instant::now();
    let per_task = n / 8;
    let mut tasks = Vec::new();
    let conn = std::sync::Arc::new(conn);
    for _ in 0..8 {
        let conn = conn.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..per_task {
                conn.run_ok(&["true"]).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let parallel = (per_task * 8) as f64 / started.elapsed().as_secs_f64();
    println!(
        "{} commands, 8 at a time over the master: {parallel:.0} commands/s",
        per_task * 8
    );

    let fresh = 20;
    let started = Instant::now();
    for _ in 0..fresh {
        conn.close().await;
        conn.run_ok(&["true"]).await.unwrap();
    }
    let per_login = started.elapsed().as_secs_f64() / fresh as f64;
    println!(
        "{fresh} commands with a new login each: {:.0} commands/s ({:.0} ms a login)",
        1.0 / per_login,
        per_login * 1000.0
    );

    pull_many_logs(&conn, &node).await;
    follow_latency(&conn, &node).await;
}

/// Fifty runs' logs of 4 KiB each, polled in one call: all with new bytes,
/// then none (the common poll).
async fn pull_many_logs(conn: &Connection, node: &LoginNode) {
    let root = RemoteRoot::from_absolute(&node.scratch).unwrap();
    let files: Vec<_> = (0..50)
        .map(|i| {
            std::fs::write(node.scratch_path(&format!("run{i}.log")), vec![b'x'; 4096]).unwrap();
            root.join(&format!("run{i}.log")).unwrap()
        })
        .collect();
    for (offset, what) in [(2048, "2 KiB new in each"), (4096, "nothing new")] {
        let asks: Vec<_> = files.iter().map(|f| (f, offset)).collect();
        let calls = 20;
        let started = Instant::now();
        for _ in 0..calls {
            let got = conn.pull_many(&asks, 1 << 20).await.unwrap();
            assert!(got
                .iter()
                .all(|p| p.as_ref().unwrap().bytes.len() == 4096 - offset as usize));
        }
        let per_call = started.elapsed().as_secs_f64() / calls as f64;
        println!(
            "pull_many over {} logs, {what}: {:.0} ms a call ({:.0} files/s)",
            files.len(),
            per_call * 1000.0,
            files.len() as f64 / per_call
        );
    }
}

/// A remote process appends `<epoch seconds with ns>` lines at an interval
/// out of step with the polls; each line's delay is when the follower saw
/// it minus when it was written (one clock: the cluster is this machine).
async fn follow_latency(conn: &Connection, node: &LoginNode) {
    let lines = 40;
    let root = RemoteRoot::from_absolute(&node.scratch).unwrap();
    let log = root.join("latency.log").unwrap();
    let script = r#"nohup /bin/sh -c 'i=0; while [ "$i" -lt "$2" ]; do date +%s.%N >> "$1"; i=$((i+1)); sleep 0.137; done' sh "$1" "$2" >/dev/null 2>&1 &"#;
    conn.run_ok(&["/bin/sh", "-c", script, "sh", log.as_str(), &lines.to_string()])
        .await
        .unwrap();
    let (mut offset, mut pending, mut delays) = (0, Vec::new(), Vec::new());
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut next_poll = Instant::now();
    while delays.len() < lines && Instant::now() < deadline {
        tokio::time::sleep_until(next_poll.into()).await;
        next_poll += POLL;
        let pulled = conn.pull_from(&log, offset, 1 << 20).await.unwrap();
        let seen = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        offset = pulled.next_offset;
        pending.extend(pulled.bytes);
        while let Some(nl) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=nl).collect();
            let written: f64 = String::from_utf8_lossy(&line).trim().parse().unwrap();
            delays.push((seen - written) * 1000.0);
        }
    }
    delays.sort_by(f64::total_cmp);
    let pick = |q: f64| delays[((delays.len() - 1) as f64 * q).round() as usize];
    println!(
        "append → pull_from, polled every {} ms, {} lines: median {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        POLL.as_millis(),
        delays.len(),
        pick(0.5),
        pick(0.95),
        pick(1.0)
    );
}

//! The login node going away in the middle of following a run, and coming
//! back: polls fail with a transient error, then resume where they were,
//! over a new master, without losing or repeating a byte.

use std::time::{Duration, Instant};

use fusion_desk_remote::RemoteRoot;

use crate::support::login_node::login_node;
use crate::support::remote_files::{lines, start_appender};

enum Phase {
    Up,
    Down,
    Back,
}

#[tokio::test]
async fn following_survives_sshd_stopping_and_coming_back() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    let root = RemoteRoot::from_absolute(&node.scratch).unwrap();
    let log = root.join("sim.log").unwrap();
    // 60 lines over about 6 s: the process goes on while sshd is down.
    start_appender(&conn, &log, 60, "0.1").await;
    let want = lines(60);
    let (mut got, mut offset) = (Vec::new(), 0);
    let mut failures = Vec::new();
    let mut phase = Phase::Up;
    let deadline = Instant::now() + Duration::from_secs(60);
    while got.len() < want.len() {
        assert!(
            Instant::now() < deadline,
            "got {:?}",
            String::from_utf8_lossy(&got)
        );
        match phase {
            Phase::Up if got.len() > 5 * "line 1\n".len() => {
                node.stop();
                phase = Phase::Down;
            }
            Phase::Down if failures.len() >= 2 => {
                node.start();
                phase = Phase::Back;
            }
            _ => {}
        }
        match conn.pull_from(&log, offset, 1 << 20).await {
            Ok(pulled) => {
                got.extend(&pulled.bytes);
                offset = pulled.next_offset;
            }
            Err(e) => {
                assert!(matches!(phase, Phase::Down), "{e}");
                assert!(e.kind.is_transient(), "{e:?}");
                failures.push(e.kind);
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(String::from_utf8(got).unwrap(), want);
    assert!(matches!(phase, Phase::Back), "the outage came before the end");
    assert!(conn.is_connected().await, "a new master carries the commands");
}

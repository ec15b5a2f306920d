//! Remote commands: arguments arrive as given, output is the command's
//! own, and one master carries them.

use std::time::{Duration, Instant};

use fusion_desk_remote::{Connection, ErrorKind, RemoteRoot};

use crate::support::login_node::{login_node, login_node_with, LoginShell, NodeSetup};

/// Prints each argument NUL-terminated on the remote side and compares.
async fn assert_hostile_arguments_arrive_intact(conn: &Connection) {
    let args = [
        "it's",
        "$(touch /tmp/fdremote-never)",
        "`id`",
        "a  b",
        "line\nbreak",
        "; rm -rf ~",
        "&& echo x",
        "| cat",
        "\"dq\"",
        "back\\slash",
        "*",
        "~",
        "-n",
        "",
        "${HOME}",
        "!! !$",
        "ünïcødé",
    ];
    let mut argv = vec!["printf", "%s\\0"];
    argv.extend(args);
    let out = conn.run(&argv).await.unwrap();
    assert!(out.success(), "{}", out.stderr_text());
    let got: Vec<&[u8]> = out.stdout.split(|b| *b == 0).collect();
    let want: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).chain([&b""[..]]).collect();
    assert_eq!(got, want);
    assert!(!std::path::Path::new("/tmp/fdremote-never").exists());
}

#[tokio::test]
async fn hostile_arguments_arrive_intact() {
    let Some(node) = login_node() else {
        return;
    };
    assert_hostile_arguments_arrive_intact(&node.connection()).await;
}

#[tokio::test]
async fn a_tcsh_login_shell_runs_commands_staging_and_pulls_alike() {
    let setup = NodeSetup {
        shell: LoginShell::Tcsh,
        ..NodeSetup::default()
    };
    let Some(node) = login_node_with(setup) else {
        return;
    };
    let conn = node.connection();
    let ran = conn.run(&["printenv", "FDESK_STARTUP_RAN"]).await.unwrap();
    assert_eq!(ran.stdout, b"1\n", "the noisy ~/.cshrc ran");
    assert_hostile_arguments_arrive_intact(&conn).await;

    let root = RemoteRoot::resolve(&conn, "~/it-tcsh").await.unwrap();
    assert_eq!(root.as_str(), format!("{}/it-tcsh", node.home));
    let root = RemoteRoot::from_absolute(&node.scratch).unwrap();
    let local = tempfile::tempdir().unwrap();
    let config = local.path().join("config.ini");
    std::fs::write(&config, "[general_settings]\n").unwrap();
    let run = root.run_dir("00000000000a").unwrap();
    conn.push_files(&run, &[&config]).await.unwrap();
    let pulled = conn
        .pull_from(&run.join("config.ini").unwrap(), 0, 1024)
        .await
        .unwrap();
    assert_eq!(pulled.bytes, b"[general_settings]\n");
}

#[tokio::test]
async fn startup_file_output_and_the_banner_stay_out_of_the_output() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    // The noisy ~/.bashrc did run for this non-interactive command...
    let ran = conn.run(&["printenv", "FDESK_STARTUP_RAN"]).await.unwrap();
    assert_eq!(ran.stdout, b"1\n");
    // ...and none of what it printed is in a command's output.
    let out = conn.run(&["printf", "exact"]).await.unwrap();
    assert_eq!(out.stdout, b"exact");
    assert_eq!(out.stderr, b"", "{}", out.stderr_text());
}

#[tokio::test]
async fn returns_the_commands_status_stdout_and_stderr() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    let out = conn
        .run(&["sh", "-c", "echo out; echo err >&2; exit 7"])
        .await
        .unwrap();
    assert_eq!(
        (out.status, out.stdout_text(), out.stderr_text()),
        (7, "out\n".to_owned(), "err\n".to_owned())
    );
    let exec = conn.run(&["exec", "false"]).await.unwrap();
    assert_eq!(exec.status, 1);
    let e = conn.run_ok(&["false"]).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::CommandFailed);
}

#[tokio::test]
async fn commands_share_one_master_that_close_and_drop_stop() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    assert!(!conn.is_connected().await);
    conn.connect().await.unwrap();
    assert!(conn.is_connected().await);
    let sessions_before = node.log().matches("Accepted publickey").count();
    for _ in 0..5 {
        conn.run(&["true"]).await.unwrap();
    }
    // Five commands, no new login: they went over the master.
    assert_eq!(node.log().matches("Accepted publickey").count(), sessions_before);
    conn.close().await;
    assert!(!conn.is_connected().await);
    // A command after close starts a new master.
    conn.run(&["true"]).await.unwrap();
    assert!(conn.is_connected().await);
    let dir = conn.known_hosts_file().parent().unwrap().to_owned();
    let socket = || {
        std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("cm-"))
    };
    assert!(socket());
    drop(conn);
    assert!(!socket(), "dropping the connection stops its master");
}

#[tokio::test]
async fn a_command_past_its_timeout_is_stopped() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    conn.connect().await.unwrap();
    let started = Instant::now();
    let e = conn
        .run_with_timeout(&["sleep", "30"], Duration::from_millis(500))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // The connection is still usable.
    assert!(conn.run(&["true"]).await.unwrap().success());
}

#[tokio::test]
async fn the_remote_folder_expands_home_and_variables_there() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    let home = RemoteRoot::resolve(&conn, "~/fusion-desk").await.unwrap();
    assert_eq!(home.as_str(), format!("{}/fusion-desk", node.home));
    let scratch = RemoteRoot::resolve(&conn, "${SCRATCH}/fusion-desk")
        .await
        .unwrap();
    assert_eq!(scratch.as_str(), format!("{}/fusion-desk", node.scratch));
    let e = RemoteRoot::resolve(&conn, "$FDESK_NOT_SET/x").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("FDESK_NOT_SET"), "{e}");
}

#[tokio::test]
async fn concurrent_commands_wait_for_a_session_within_the_servers_limit() {
    // One session of headroom: the server frees a session a moment after
    // the client has seen its command end.
    let setup = NodeSetup {
        max_sessions: Some(3),
        ..NodeSetup::default()
    };
    let Some(node) = login_node_with(setup) else {
        return;
    };
    let options = fusion_desk_remote::ConnectionOptions {
        max_sessions: 2,
        ..node.options()
    };
    let conn =
        fusion_desk_remote::Connection::new(node.target(), &node.dir.path().join("two sessions"), options)
            .unwrap();
    std::fs::write(
        conn.known_hosts_file(),
        format!("[127.0.0.1]:{} {}\n", node.port, node.host_public_key()),
    )
    .unwrap();
    conn.connect().await.unwrap();
    let logins = node.log().matches("Accepted publickey").count();
    let started = Instant::now();
    let sleep = || conn.run_ok(&["sleep", "0.4"]);
    let (a, b, c, d, e, f) = tokio::join!(sleep(), sleep(), sleep(), sleep(), sleep(), sleep());
    for r in [a, b, c, d, e, f] {
        r.unwrap();
    }
    // A session the master is refused makes ssh log in anew beside it (a
    // second login a cluster may rate-limit or ask a second factor for):
    // none happened, the six went over the master two at a time.
    assert_eq!(node.log().matches("Accepted publickey").count(), logins);
    assert!(started.elapsed() >= Duration::from_millis(1200));
}

//! "Test connection": every way of failing to reach a cluster is told
//! apart, with a sentence.

use std::time::{Duration, Instant};

use fusion_desk_remote::{Connection, ConnectionOptions, ErrorKind, SshTarget};

use crate::support::login_node::{login_node, login_node_with, LoginNode, NodeSetup};

fn connection_to(node: &LoginNode, target: SshTarget, options: ConnectionOptions) -> Connection {
    let dir = node.dir.path().join("other");
    Connection::new(target, &dir, options).unwrap()
}

#[tokio::test]
async fn a_port_without_a_server_is_unreachable() {
    let Some(node) = login_node() else {
        return;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let target = SshTarget::new("127.0.0.1", Some(node.user), Some(port)).unwrap();
    let e = connection_to(&node, target, node.options())
        .check()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unreachable, "{e}");
    assert!(e.message.contains(&format!("port {port}")), "{e}");
    assert!(e.kind.is_transient());
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_unresolvable() {
    let Some(node) = login_node() else {
        return;
    };
    let target = SshTarget::new("no-such-login-node.invalid", Some(node.user), None).unwrap();
    let e = connection_to(&node, target, node.options())
        .check()
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unresolvable, "{e}");
    assert!(e.message.contains("no-such-login-node.invalid"), "{e}");
}

#[tokio::test]
async fn a_key_the_server_does_not_know_is_an_authentication_failure() {
    let Some(node) = login_node() else {
        return;
    };
    let stranger = node.dir.path().join("stranger");
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&stranger)
        .status()
        .unwrap();
    assert!(status.success());
    let options = ConnectionOptions {
        identity_file: Some(stranger),
        ..node.options()
    };
    let conn = connection_to(&node, node.target(), options);
    std::fs::write(
        conn.known_hosts_file(),
        format!("[127.0.0.1]:{} {}\n", node.port, node.host_public_key()),
    )
    .unwrap();
    let e = conn.check().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Authentication, "{e}");
    assert!(e.message.contains("Passwords are never asked for"), "{e}");
    assert!(!e.kind.is_transient());
}

#[tokio::test]
async fn a_server_that_never_speaks_is_a_timeout() {
    let Some(node) = login_node() else {
        return;
    };
    // Accepts connections and says nothing: the SSH banner never comes.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let target = SshTarget::new("127.0.0.1", Some(node.user), Some(port)).unwrap();
    let options = ConnectionOptions {
        connect_timeout: Duration::from_secs(1),
        ..node.options()
    };
    let started = Instant::now();
    let e = connection_to(&node, target, options).check().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    assert!(started.elapsed() < Duration::from_secs(10));
    drop(silent);
}

#[tokio::test]
async fn a_host_without_slurm_says_so() {
    // The server's sessions get a PATH without Slurm's commands.
    let setup = NodeSetup {
        set_env: vec![("PATH".into(), "/nonexistent".into())],
        ..NodeSetup::default()
    };
    let Some(node) = login_node_with(setup) else {
        return;
    };
    let e = node.connection().check().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoSlurm, "{e}");
    assert!(e.message.contains("sinfo"), "{e}");
}

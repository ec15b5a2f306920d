//! Host keys: an unknown key is refused and named, accepted only when the
//! app says so; a changed key is refused.

use fusion_desk_remote::{Connection, ConnectionOptions, ErrorKind, SshTarget};

use crate::support::login_node::login_node;

#[tokio::test]
async fn an_unknown_host_key_is_refused_named_and_trusted_once_accepted() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.untrusted_connection();
    let e = conn.check().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::HostKeyUnknown, "{e}");
    let fingerprint = node.host_fingerprint();
    assert!(e.message.contains(&fingerprint), "{e}");
    let presented = e.host_key.clone().expect("the error carries the key");
    // Nothing was recorded by the refusal.
    assert_eq!(std::fs::read_to_string(conn.known_hosts_file()).unwrap(), "");

    let scanned = conn.scan_host_key().await.unwrap();
    assert_eq!(scanned.fingerprint, fingerprint);
    assert_eq!(scanned.key_type, "ED25519");
    assert_eq!(scanned.fingerprint, presented.fingerprint);
    assert_eq!(std::fs::read_to_string(conn.known_hosts_file()).unwrap(), "");

    conn.accept_host_key(&scanned).unwrap();
    conn.accept_host_key(&scanned).unwrap();
    let recorded = std::fs::read_to_string(conn.known_hosts_file()).unwrap();
    assert_eq!(recorded.lines().count(), 1, "{recorded}");
    let out = conn.run(&["whoami"]).await.unwrap();
    assert_eq!(out.stdout_text(), "fdremote\n");
}

#[tokio::test]
async fn a_changed_host_key_is_refused_with_the_new_fingerprint() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.connection();
    node.replace_host_key();
    let e = conn.run(&["true"]).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::HostKeyChanged, "{e}");
    assert!(e.message.contains(&node.host_fingerprint()), "{e}");
}

#[tokio::test]
async fn scanning_an_unreachable_host_says_why() {
    let Some(node) = login_node() else {
        return;
    };
    let conn = node.untrusted_connection();
    node.stop();
    let e = conn.scan_host_key().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unreachable, "{e}");
}

#[tokio::test]
async fn an_alias_from_the_ssh_config_is_scanned_accepted_and_used() {
    let Some(node) = login_node() else {
        return;
    };
    let config = node.dir.path().join("ssh_config");
    std::fs::write(
        &config,
        format!(
            "Host testcluster\n  HostName 127.0.0.1\n  Port {}\n  User {}\n  IdentityFile {}\n",
            node.port,
            node.user,
            node.client_key.display()
        ),
    )
    .unwrap();
    let options = ConnectionOptions {
        config_file: Some(config),
        identity_file: None,
        ..node.options()
    };
    let target = SshTarget::new("testcluster", None, None).unwrap();
    let conn = Connection::new(target, &node.dir.path().join("alias"), options).unwrap();
    let e = conn.check().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::HostKeyUnknown, "{e}");
    let key = conn.scan_host_key().await.unwrap();
    assert_eq!(key.fingerprint, node.host_fingerprint());
    conn.accept_host_key(&key).unwrap();
    let out = conn.run(&["whoami"]).await.unwrap();
    assert_eq!(out.stdout_text(), format!("{}\n", node.user));
    // Transfers go through the same config.
    let local = tempfile::tempdir().unwrap();
    let file = local.path().join("config.ini");
    std::fs::write(&file, "[s]\n").unwrap();
    let root = fusion_desk_remote::RemoteRoot::from_absolute(&node.scratch).unwrap();
    conn.push_files(root.path(), &[&file]).await.unwrap();
    assert_eq!(
        std::fs::read_to_string(node.scratch_path("config.ini")).unwrap(),
        "[s]\n"
    );
}

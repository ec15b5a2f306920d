//! A Slurm cluster reached over SSH: a login node on loopback (sshd and the
//! test user `fdremote`, whose home is the cluster side, never the tester's
//! data dir) in front of the local test Slurm. "Test connection" logs in
//! through an SSH config alias, refuses a host key it has not seen (naming
//! its fingerprint) and accepts it only when that very fingerprint is
//! confirmed, lists the partitions and expands the remote folder on the
//! cluster, and names an unreachable login node.

use crate::support;
use crate::support::slurm_cluster::Cluster;

use fusion_desk_core::exec::slurm::{ClusterConnection, ClusterProfile};
use fusion_desk_core::exec::ssh::connect::{control_dir, SSH_CONFIG_ENV};
use fusion_desk_core::exec::ssh::HostKeyTrust;
use fusion_desk_test_support::login_node::{login_node, LoginNode};
use support::TestDesk;

const PROFILE: &str = "remote";
const ALIAS: &str = "testcluster";

fn profile() -> ClusterProfile {
    ClusterProfile {
        name: PROFILE.into(),
        partition: "debug".into(),
        connection: ClusterConnection::Ssh {
            host: ALIAS.into(),
            user: None,
            port: None,
            remote_folder: "$SCRATCH/fusion-desk".into(),
        },
        ..Default::default()
    }
}

/// A Desk whose SSH setup is the login node's alias only.
async fn desk_for(node: &LoginNode) -> TestDesk {
    // Each test runs in a process of its own (nextest), so the variable
    // reaches only this test's Desk.
    std::env::set_var(SSH_CONFIG_ENV, node.ssh_config(ALIAS));
    let t = support::desk(2, 1.0).await;
    assert!(
        !t.home.path().starts_with(&node.scratch),
        "the remote folder must not be the local data dir"
    );
    t.desk.save_cluster_profile(&profile()).await.unwrap();
    t
}

fn accepted_keys(t: &TestDesk) -> String {
    std::fs::read_to_string(control_dir(t.desk.data()).join("known_hosts")).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_host_key_is_refused_with_its_fingerprint() {
    let Some(node) = login_node() else { return };
    let t = desk_for(&node).await;
    let check = t.desk.check_cluster(PROFILE).await.unwrap();
    assert!(!check.ok, "{check:?}");
    assert_eq!(check.problem.as_deref(), Some("host_key_unknown"), "{check:?}");
    assert_eq!(check.host_key_fingerprint, Some(node.host_fingerprint()));
    assert_eq!(check.host_key_type.as_deref(), Some("ED25519"));
    assert_eq!(accepted_keys(&t), "", "a refusal records nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_key_is_accepted_only_by_the_fingerprint_it_presents() {
    let Some(node) = login_node() else { return };
    let t = desk_for(&node).await;
    let wrong = HostKeyTrust::Accept {
        fingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
    };
    let check = t.desk.check_cluster_trusting(PROFILE, &wrong).await.unwrap();
    assert_eq!(check.problem.as_deref(), Some("host_key_unknown"), "{check:?}");
    assert!(
        check.summary.contains("nothing was accepted"),
        "{}",
        check.summary
    );
    assert_eq!(accepted_keys(&t), "");

    let right = HostKeyTrust::Accept {
        fingerprint: node.host_fingerprint(),
    };
    let check = t.desk.check_cluster_trusting(PROFILE, &right).await.unwrap();
    assert_ne!(check.problem.as_deref(), Some("host_key_unknown"), "{check:?}");
    assert_eq!(accepted_keys(&t).lines().count(), 1, "{}", accepted_keys(&t));
    // Trusted from now on, without being asked again.
    let again = t.desk.check_cluster(PROFILE).await.unwrap();
    assert_ne!(again.problem.as_deref(), Some("host_key_unknown"), "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_node_that_is_down_is_reported_unreachable() {
    let Some(node) = login_node() else { return };
    let t = desk_for(&node).await;
    node.stop();
    let check = t.desk.check_cluster(PROFILE).await.unwrap();
    assert!(!check.ok);
    assert_eq!(check.problem.as_deref(), Some("unreachable"), "{check:?}");
    assert!(check.summary.contains("unreachable"), "{}", check.summary);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_lists_the_partitions_and_the_remote_run_folder() {
    let Some(node) = login_node() else { return };
    let _cluster = Cluster::start();
    let t = desk_for(&node).await;
    let accept = HostKeyTrust::Accept {
        fingerprint: node.host_fingerprint(),
    };
    let check = t.desk.check_cluster_trusting(PROFILE, &accept).await.unwrap();
    assert!(check.ok, "{check:?}\n{}", node.log());
    assert_eq!(check.problem, None);
    assert!(
        check.summary.contains("partition debug (default) (up)"),
        "{}",
        check.summary
    );
    let runs = format!("runs go to {}/fusion-desk/runs", node.scratch);
    assert!(check.summary.contains(&runs), "{}", check.summary);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partition_the_cluster_lacks_is_named() {
    let Some(node) = login_node() else { return };
    let _cluster = Cluster::start();
    let t = desk_for(&node).await;
    t.desk
        .save_cluster_profile(&ClusterProfile {
            partition: "gpu-huge".into(),
            ..profile()
        })
        .await
        .unwrap();
    let accept = HostKeyTrust::Accept {
        fingerprint: node.host_fingerprint(),
    };
    let check = t.desk.check_cluster_trusting(PROFILE, &accept).await.unwrap();
    assert!(!check.ok);
    assert!(
        check.summary.contains("no partition \"gpu-huge\""),
        "{}",
        check.summary
    );
}

//! `fdesk cluster` for a cluster reached over SSH: a profile with its
//! connection, a bad host refused naming the field, and "Test connection"
//! against a login node on loopback, which refuses an unknown host key
//! with its fingerprint until `--accept-host-key` is given.

use crate::support::Home;

use fusion_desk_test_support::login_node::login_node;
use serde_json::Value;

const SSH_CONFIG_ENV: &str = "FUSION_DESK_SSH_CONFIG";

#[test]
fn a_profile_added_with_ssh_keeps_its_connection() {
    let home = Home::new(1);
    home.ok(&[
        "cluster",
        "add",
        "remote",
        "--partition",
        "debug",
        "--ssh",
        "login.hpc",
        "--user",
        "ann",
        "--port",
        "2222",
        "--remote-folder",
        "$SCRATCH/fusion-desk",
    ]);
    let profiles = home.json(&["cluster", "list"]);
    let connection = &profiles[0]["connection"];
    assert_eq!(connection["kind"], "ssh");
    assert_eq!(connection["host"], "login.hpc");
    assert_eq!(connection["user"], "ann");
    assert_eq!(connection["port"], 2222);
    assert_eq!(connection["remote_folder"], "$SCRATCH/fusion-desk");
    let text = home.ok(&["cluster", "list"]);
    assert!(text.contains("over SSH to ann@login.hpc:2222"), "{text}");

    home.ok(&["cluster", "add", "here", "--partition", "debug"]);
    let profiles = home.json(&["cluster", "list"]);
    assert_eq!(profiles[1]["connection"]["kind"], "local");
}

#[test]
fn a_bad_host_or_folder_is_refused_naming_the_field() {
    let home = Home::new(1);
    let out = home.run(&[
        "cluster",
        "add",
        "x",
        "--ssh=-oProxyCommand=evil",
        "--remote-folder",
        "~/fd",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SSH host"), "{err}");
    let out = home.run(&["cluster", "add", "x", "--ssh", "hpc", "--remote-folder", "fd"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("remote folder"), "{err}");
    // The remote folder goes with --ssh.
    assert!(!home
        .run(&["cluster", "add", "x", "--ssh", "hpc"])
        .status
        .success());
    assert_eq!(home.json(&["cluster", "list"]), Value::Array(Vec::new()));
}

#[test]
fn check_refuses_an_unknown_host_key_until_it_is_accepted() {
    let Some(node) = login_node() else { return };
    let config = node.ssh_config("testcluster");
    let home = Home::new(1);
    home.ok(&[
        "cluster",
        "add",
        "remote",
        "--ssh",
        "testcluster",
        "--remote-folder",
        "$SCRATCH/fd",
    ]);
    let check = |extra: &[&str]| {
        let mut args = vec!["cluster", "check", "remote"];
        args.extend(extra);
        home.cmd(&args).env(SSH_CONFIG_ENV, &config).output().unwrap()
    };
    let refused = check(&[]);
    assert!(!refused.status.success());
    let text = String::from_utf8_lossy(&refused.stdout);
    assert!(text.contains(&node.host_fingerprint()), "{text}");
    assert!(text.contains("--accept-host-key"), "{text}");

    let accepted = check(&["--accept-host-key", "--json"]);
    let said = String::from_utf8_lossy(&accepted.stderr);
    assert!(said.contains(&node.host_fingerprint()), "{said}");
    let report: Value = serde_json::from_slice(&accepted.stdout).unwrap();
    assert_ne!(report["problem"], "host_key_unknown", "{report}");

    let again: Value = serde_json::from_slice(&check(&["--json"]).stdout).unwrap();
    assert_ne!(again["problem"], "host_key_unknown", "{again}");
}

#[test]
fn fetch_lists_the_results_left_on_the_cluster_and_refuses_any_other_path() {
    let home = Home::new(1);
    let id = home.create(&["test_sim.iterations=1"]);
    let run = home.json(&["wait", &id, "--timeout", "60"]);
    assert_eq!(
        home.ok(&["fetch", &id]).trim(),
        format!("run {id} has no results left on the cluster")
    );
    // What fetching a cluster run's results records when a file stays there.
    let dir = std::path::PathBuf::from(run["run_dir"].as_str().unwrap());
    std::fs::write(
        dir.join("results-on-cluster.json"),
        r#"[{"path":"traffic/matrix.bin","size":300000000,"modified":1765000000.5}]"#,
    )
    .unwrap();
    let left = home.json(&["fetch", &id]);
    assert_eq!(left[0]["path"], "traffic/matrix.bin");
    assert_eq!(left[0]["size"], 300000000);
    let text = home.ok(&["fetch", &id]);
    assert!(text.contains("output/traffic/matrix.bin"), "{text}");
    assert!(text.contains("MiB"), "{text}");

    let out = home.run(&["fetch", &id, "../config.ini", "--json"]);
    assert!(!out.status.success());
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "not_found", "{err}");
    // A run that never ran on a cluster over SSH has nowhere to fetch from.
    let out = home.run(&["fetch", &id, "traffic/matrix.bin", "--json"]);
    assert!(!out.status.success());
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "invalid_state", "{err}");
}

//! `fdesk rename`, `tag`, `note`, the history filters of `list`, `compare`
//! and `cleanup`, through the real binary on a scratch data dir.

use crate::support;

use std::io::Write;
use std::process::Stdio;

use serde_json::Value;
use support::Home;

/// A finished run of the `quick` template with these overrides.
fn finished(home: &Home, sets: &[&str]) -> String {
    let mut all = vec!["test_sim.iterations=1"];
    all.extend_from_slice(sets);
    let id = home.create(&all);
    home.ok(&["wait", &id, "--timeout", "60"]);
    id
}

/// The `{code, message}` error `fdesk --json` prints for a refused command.
fn refused(home: &Home, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = home.run(&all);
    assert!(!out.status.success(), "fdesk {args:?} should fail");
    serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|_| panic!("not a JSON error: {}", String::from_utf8_lossy(&out.stderr)))
}

fn ids(list: &Value) -> Vec<String> {
    list["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn rename_sets_the_name_shown_by_show_and_list() {
    let home = Home::new(2);
    let id = finished(&home, &[]);
    let run = home.json(&["rename", &id, "  Baseline k=3 "]);
    assert_eq!(run["name"], "Baseline k=3");
    assert_eq!(home.json(&["show", &id])["name"], "Baseline k=3");
    assert!(home.ok(&["list"]).contains("Baseline k=3"));
}

#[test]
fn tags_are_added_removed_and_replaced() {
    let home = Home::new(2);
    let id = finished(&home, &[]);
    let tags = |v: Value| v["tags"].clone();
    assert_eq!(
        tags(home.json(&["tag", &id, "--add", "Baseline", "--add", "k=3"])),
        serde_json::json!(["baseline", "k=3"])
    );
    assert_eq!(
        tags(home.json(&["tag", &id, "--remove", "BASELINE", "--add", "usnet"])),
        serde_json::json!(["k=3", "usnet"])
    );
    assert_eq!(home.ok(&["tag", &id]).trim(), "k=3, usnet");
    assert_eq!(
        tags(home.json(&["tag", &id, "--set", "a,b"])),
        serde_json::json!(["a", "b"])
    );
    assert_eq!(tags(home.json(&["tag", &id, "--set", ""])), serde_json::json!([]));
}

#[test]
fn a_bad_tag_is_refused_and_the_tags_are_kept() {
    let home = Home::new(2);
    let id = finished(&home, &[]);
    home.ok(&["tag", &id, "--add", "keep"]);
    let e = refused(&home, &["tag", &id, "--add", "two words", "--add", "other"]);
    assert_eq!(e["code"], "invalid_input");
    assert!(e["message"].as_str().unwrap().contains("two words"), "{e}");
    assert_eq!(home.json(&["show", &id])["tags"], serde_json::json!(["keep"]));
}

#[test]
fn a_note_is_written_from_a_file_or_stdin_and_printed_back() {
    let home = Home::new(2);
    let id = finished(&home, &[]);
    assert_eq!(home.ok(&["note", &id]), "", "no note yet");
    let file = home.path().join("note.md");
    std::fs::write(&file, "# Baseline\nk = 3 on NSFNet\n").unwrap();
    home.ok(&["note", &id, "--file", file.to_str().unwrap()]);
    assert_eq!(home.ok(&["note", &id]), "# Baseline\nk = 3 on NSFNet\n");

    let mut child = home
        .cmd(&["note", &id, "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"from stdin: odd blocking at 500")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["note"], "from stdin: odd blocking at 500");
    // The note is searchable from the list.
    assert_eq!(ids(&home.json(&["list", "--search", "ODD BLOCKING"])), vec![id]);
}

#[test]
fn an_unknown_run_is_not_found_for_every_history_command() {
    let home = Home::new(2);
    let id = finished(&home, &[]);
    let unknown = "0123456789ab";
    for args in [
        vec!["rename", unknown, "x"],
        vec!["tag", unknown, "--add", "x"],
        vec!["tag", unknown],
        vec!["note", unknown],
        vec!["compare", &id, unknown],
    ] {
        let e = refused(&home, &args);
        assert_eq!(e["code"], "not_found", "{args:?}: {e}");
        assert!(e["message"].as_str().unwrap().contains(unknown), "{e}");
    }
    let e = refused(&home, &["rename", "not-an-id", "x"]);
    assert_eq!(e["code"], "invalid_input", "{e}");
}

#[test]
fn list_filters_by_template_network_tag_date_and_sweep() {
    let home = Home::new(2);
    let nsf = finished(&home, &[]);
    let usnet = finished(&home, &["topology_settings.network=USNet"]);
    let minimal = home.json(&[
        "create",
        "--template",
        "minimal",
        "--set",
        "test_sim.iterations=1",
    ])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    home.ok(&["wait", &minimal, "--timeout", "60"]);
    home.ok(&["tag", &usnet, "--add", "Paper"]);

    assert_eq!(
        ids(&home.json(&["list", "--template", "minimal"])),
        vec![minimal.clone()]
    );
    assert_eq!(
        ids(&home.json(&["list", "--network", "USNet"])),
        vec![usnet.clone()]
    );
    assert_eq!(ids(&home.json(&["list", "--tag", "paper"])), vec![usnet.clone()]);
    let today = home.json(&["show", &nsf])["created_at"].as_str().unwrap()[..10].to_owned();
    assert_eq!(
        ids(&home.json(&["list", "--since", &today, "--until", &today])).len(),
        3
    );
    assert!(ids(&home.json(&["list", "--until", "2000-01-01"])).is_empty());
    assert_eq!(
        refused(&home, &["list", "--since", "yesterday"])["code"],
        "invalid_input"
    );

    let sweep = home.json(&[
        "sweep",
        "create",
        "--template",
        "quick",
        "--vary",
        "routing_settings.k_paths=1,2",
        "--set",
        "test_sim.iterations=1",
    ]);
    let sweep_id = sweep["sweep"]["id"].as_str().unwrap();
    let mut in_sweep = ids(&home.json(&["list", "--sweep", sweep_id]));
    in_sweep.sort();
    let mut created: Vec<String> = sweep["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    created.sort();
    assert_eq!(in_sweep, created);
}

#[test]
fn compare_prints_the_config_diff_and_the_final_metrics() {
    let home = Home::new(2);
    let a = finished(&home, &["routing_settings.k_paths=1"]);
    let b = finished(&home, &["routing_settings.k_paths=2"]);

    let text = home.ok(&["compare", &a, &b]);
    assert!(text.contains("routing_settings.k_paths"), "{text}");
    assert!(
        text.contains("MEAN BLOCKING") && text.contains("k_paths=1"),
        "{text}"
    );

    let json = home.json(&["compare", &a, &b]);
    assert_eq!(json["runs"][0]["id"], a.as_str());
    assert_eq!(json["diff"][0]["key"], "routing_settings.k_paths");
    assert_eq!(json["diff"][0]["values"], serde_json::json!(["1", "2"]));

    let csv = home.ok(&["compare", &a, &b, "--csv"]);
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("run_id,name,label,status,erlang"));
    assert!(lines.all(|l| l.starts_with(&a) || l.starts_with(&b)), "{csv}");

    assert_eq!(
        refused(&home, &["compare", &a, &b, "--csv"])["code"],
        "invalid_input"
    );
}

#[test]
fn cleanup_dry_run_lists_and_keeps_then_cleanup_deletes_rows_and_folders() {
    let home = Home::new(2);
    let ok = finished(&home, &[]);
    let failed = finished(&home, &["test_sim.exit_code=3"]);
    let failed_dir = home.json(&["show", &failed])["run_dir"]
        .as_str()
        .unwrap()
        .to_owned();

    let preview = home.json(&["cleanup", "--older-than", "0", "--dry-run"]);
    assert_eq!(preview["would_delete"].as_array().unwrap().len(), 2, "{preview}");
    assert_eq!(home.runs().len(), 2, "a dry run deletes nothing");
    assert!(
        home.json(&["cleanup", "--older-than", "30", "--dry-run"])["would_delete"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let done = home.json(&["cleanup", "--older-than", "0", "--status", "failed"]);
    assert_eq!(done["deleted"], serde_json::json!([failed]), "{done}");
    assert!(done["bytes"].as_u64().unwrap() > 0);
    assert!(!std::path::Path::new(&failed_dir).exists());
    assert_eq!(ids(&home.json(&["list"])), vec![ok]);

    let e = refused(&home, &["cleanup", "--older-than", "0", "--status", "running"]);
    assert_eq!(e["code"], "invalid_input");
    assert_eq!(home.runs().len(), 1);
}

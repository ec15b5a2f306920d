//! `fdesk sweep …` and `fdesk rerun` through the real binary: a sweep is
//! created, previewed, shown and re-run; bad values are refused with their key.

use crate::support;

use support::Home;

#[test]
fn sweep_create_makes_one_run_per_combination_in_one_sweep() {
    let home = Home::new(2);
    let out = home.json(&[
        "sweep",
        "create",
        "--template",
        "quick",
        "--name",
        "k and cores",
        "--vary",
        "routing_settings.k_paths=1..3",
        "--vary",
        "topology_settings.cores_per_link=1,7",
        "--set",
        "test_sim.iterations=1",
    ]);
    let runs = out["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 6);
    assert_eq!(runs[0]["name"], "k and cores · k_paths=1, cores_per_link=1");
    assert_eq!(runs[5]["name"], "k and cores · k_paths=3, cores_per_link=7");
    let id = out["sweep"]["id"].as_str().unwrap().to_owned();
    assert_eq!(out["sweep"]["counts"]["total"], 6);
    for run in runs {
        assert_eq!(run["sweep_id"], id.as_str());
        home.ok(&["wait", run["id"].as_str().unwrap(), "--timeout", "60"]);
    }
    let shown = home.json(&["sweep", "show", &id]);
    assert_eq!(shown["sweep"]["counts"]["completed"], 6, "{shown}");
    let text = home.ok(&["sweep", "list"]);
    assert!(text.contains(&id) && text.contains("6/6 done"), "{text}");
    let listed = home.json(&["sweep", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[test]
fn sweep_create_prints_the_count_and_the_sweep_id_as_text() {
    let home = Home::new(2);
    let text = home.ok(&[
        "sweep",
        "create",
        "--template",
        "quick",
        "--vary",
        "routing_settings.k_paths=1,2",
        "--set",
        "test_sim.iterations=1",
    ]);
    let sweeps = home.json(&["sweep", "list"]);
    let id = sweeps[0]["id"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("2 runs created in sweep {id}")),
        "{text}"
    );
}

#[test]
fn sweep_preview_and_dry_run_create_nothing() {
    let home = Home::new(2);
    let args = [
        "--template",
        "quick",
        "--vary",
        "routing_settings.k_paths=1..4",
        "--vary",
        "general_settings.erlang_start=100..300:100",
    ];
    let text = home.ok(&[&["sweep", "preview"][..], &args].concat());
    assert!(text.contains("12 runs will be created"), "{text}");
    assert!(text.contains("routing_settings.k_paths = 1, 2, 3, 4"), "{text}");
    assert!(text.contains("estimated time: about"), "{text}");
    let json = home.json(&[&["sweep", "create", "--dry-run"][..], &args].concat());
    assert_eq!(json["count"], 12);
    assert_eq!(
        json["points"][1]["overrides"][1],
        "general_settings.erlang_start=200"
    );
    assert!(home.runs().is_empty());
    assert!(home.json(&["sweep", "list"]).as_array().unwrap().is_empty());

    // A bare key FUSION has in one section is that key.
    let bare = home.ok(&["sweep", "preview", "--template", "quick", "--vary", "k_paths=1,3"]);
    assert!(bare.contains("routing_settings.k_paths = 1, 3"), "{bare}");
}

#[test]
fn an_invalid_value_fails_with_the_key_named_and_creates_nothing() {
    let home = Home::new(2);
    for (vary, expected) in [
        (
            "routing_settings.k_paths=1,0",
            "routing_settings.k_paths=0 is invalid",
        ),
        (
            "routing_settings.k_paths=3..1",
            "routing_settings.k_paths: the range \"3..1\" goes backwards",
        ),
        (
            "k_path=1,2",
            "sweep key \"k_path\": not a key FUSION knows (did you mean routing_settings.k_paths?)",
        ),
        (
            "topology_settings.network=NSFNet,Atlantis",
            "topology_settings.network=Atlantis is invalid",
        ),
    ] {
        let out = home.run(&["sweep", "create", "--template", "quick", "--vary", vary]);
        assert!(!out.status.success(), "{vary} accepted");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error [invalid_input]"), "{vary}: {stderr}");
        assert!(stderr.contains(expected), "{vary}: {stderr}");
    }
    let out = home.run(&[
        "sweep",
        "create",
        "--template",
        "quick",
        "--vary",
        "routing_settings.k_paths=0",
        "--json",
    ]);
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "invalid_input");
    assert!(home.runs().is_empty());
}

#[test]
fn rerun_and_rerun_failed_from_the_command_line() {
    let home = Home::new(2);
    let out = home.json(&[
        "sweep",
        "create",
        "--template",
        "quick",
        "--vary",
        "test_sim.exit_code=0,5",
        "--set",
        "test_sim.iterations=1",
    ]);
    let id = out["sweep"]["id"].as_str().unwrap().to_owned();
    let runs: Vec<String> = out["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    for run in &runs {
        home.ok(&["wait", run, "--timeout", "60"]);
    }
    let again = home.json(&["sweep", "rerun-failed", &id]);
    let rerun = again["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| !r["rerun_of"].is_null())
        .unwrap()
        .clone();
    assert_eq!(rerun["rerun_of"], runs[1].as_str());
    home.ok(&["wait", rerun["id"].as_str().unwrap(), "--timeout", "60"]);

    let single = home.json(&["rerun", &runs[0]]);
    assert_eq!(single["rerun_of"], runs[0].as_str());
    assert_eq!(single["template"], "quick");
    home.ok(&["wait", single["id"].as_str().unwrap(), "--timeout", "60"]);
    let shown = home.json(&["sweep", "show", &id]);
    assert_eq!(shown["sweep"]["counts"]["total"], 2, "{shown}");
    assert_eq!(shown["sweep"]["counts"]["completed"], 1, "{shown}");
    assert_eq!(shown["sweep"]["counts"]["failed"], 1, "{shown}");
}

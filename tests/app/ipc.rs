//! The IPC surface as the webview sees it, on Tauri's mock runtime with the
//! app's real configuration and capabilities: command names, argument keys,
//! `{ code, message }` errors, and no command beyond what the capabilities grant.

use crate::ipc_support;

use fusion_desk_core::Desk;
use ipc_support::{harness, invoke, Harness};
use serde_json::{json, Value};
use tauri::Manager;

#[test]
fn templates_and_settings_answer() {
    let h = harness();
    let templates = invoke(&h, "templates_list", json!({})).unwrap();
    assert!(templates.as_array().unwrap().iter().any(|t| t["name"] == "quick"));
    let settings = invoke(&h, "settings_get", json!({})).unwrap();
    assert_eq!(settings["settings"]["max_concurrent_runs"], 2);
    let mut s = settings["settings"].clone();
    s["max_concurrent_runs"] = json!(0);
    let err = invoke(&h, "settings_save", json!({ "settings": s })).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
}

#[test]
fn errors_cross_as_code_and_message() {
    let h = harness();
    let err = invoke(&h, "runs_get", json!({ "id": "../etc" })).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(err["message"].as_str().unwrap().contains("12 lowercase hex"));
    let err = invoke(&h, "runs_delete", json!({ "id": "0123456789ab" })).unwrap_err();
    assert_eq!(err["code"], "not_found");
    let err = invoke(
        &h,
        "runs_create",
        json!({ "request": { "template": "nope", "overrides": [] } }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "not_found");
}

#[test]
fn malformed_payloads_are_refused_without_a_crash() {
    let h = harness();
    assert!(invoke(&h, "runs_get", json!({})).is_err());
    assert!(invoke(&h, "runs_get", json!({ "id": 42 })).is_err());
    assert!(invoke(&h, "runs_list", json!({ "query": { "limit": -1 } })).is_err());
    let huge = "a".repeat(4 << 20);
    let err = invoke(&h, "runs_get", json!({ "id": huge })).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
}

#[test]
fn a_command_the_capabilities_do_not_grant_is_unreachable() {
    let h = harness();
    let err = invoke(&h, "plugin:fs|read_file", json!({ "path": "/etc/passwd" })).unwrap_err();
    assert!(
        err.as_str()
            .is_some_and(|m| m.contains("not found") || m.contains("not allowed")),
        "{err}"
    );
    let err = invoke(&h, "runs_nonexistent", json!({})).unwrap_err();
    assert!(err.to_string().contains("not found"), "{err}");
}

#[test]
fn a_run_created_over_ipc_is_listed() {
    let h = harness();
    let run = invoke(
        &h,
        "runs_create",
        json!({ "request": { "template": "quick", "name": "over ipc", "overrides": ["general_settings.max_iters=1"] } }),
    )
    .unwrap();
    let id = run["id"].as_str().unwrap();
    let page = invoke(&h, "runs_list", json!({ "query": { "search": "over ipc" } })).unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["runs"][0]["id"], id);
    let config = invoke(&h, "runs_config", json!({ "id": id })).unwrap();
    assert!(config.as_str().unwrap().contains("max_iters = 1"));
}

// ------------------------------------------------------------ hostile payloads

const CODES: [&str; 6] = [
    "not_found",
    "invalid_input",
    "invalid_state",
    "forbidden_path",
    "simulator_unavailable",
    "internal",
];

/// An error that reached our code: a `{ code, message }` with a known code.
fn assert_clear(what: &str, err: &Value) {
    let code = err["code"].as_str().unwrap_or_default();
    assert!(
        CODES.contains(&code),
        "{what}: not a {{code, message}} error: {err}"
    );
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty() && m.len() < 64 * 1024),
        "{what}: no readable message: {err}"
    );
}

/// A finished run to aim at, created over IPC like the UI does.
fn finished_run(h: &Harness) -> String {
    let run = invoke(
        h,
        "runs_create",
        json!({ "request": { "template": "quick", "overrides": ["general_settings.max_iters=1"] } }),
    )
    .unwrap();
    let id = run["id"].as_str().unwrap().to_owned();
    let desk = h.app.state::<Desk>().inner().clone();
    tauri::async_runtime::block_on(desk.wait(&id, Some(std::time::Duration::from_secs(60)))).unwrap();
    id
}

#[test]
fn log_commands_with_huge_counts_and_offsets_answer_within_their_caps() {
    let h = harness();
    let id = finished_run(&h);
    let mut tried = 0;
    for (first, count) in [(0u64, u32::MAX), (u64::MAX, u32::MAX), (u64::MAX / 2, 1), (0, 0)] {
        tried += 1;
        match invoke(
            &h,
            "runs_log_lines",
            json!({ "id": id, "first": first, "count": count }),
        ) {
            Ok(page) => assert!(page["lines"].as_array().unwrap().len() <= 10_000),
            Err(e) => assert_clear("runs_log_lines", &e),
        }
    }
    for (offset, max_bytes) in [(json!(null), u32::MAX), (json!(u64::MAX), 1), (json!(7), 0)] {
        tried += 1;
        match invoke(
            &h,
            "runs_log_snapshot",
            json!({ "id": id, "offset": offset, "maxBytes": max_bytes }),
        ) {
            Ok(snapshot) => assert!(snapshot["lines"].is_array()),
            Err(e) => assert_clear("runs_log_snapshot", &e),
        }
    }
    for query in [
        json!({ "pattern": "(a*)*b", "regex": true }),
        json!({ "pattern": "[", "regex": true }),
        json!({ "pattern": "x".repeat(1 << 20), "regex": true }),
        json!({ "pattern": "", "maxMatches": u32::MAX }),
    ] {
        tried += 1;
        match invoke(&h, "runs_log_search", json!({ "id": id, "query": query })) {
            Ok(result) => assert!(result["matches"].as_array().unwrap().len() <= 10_000),
            Err(e) => assert_clear("runs_log_search", &e),
        }
    }
    // Wrong types and negative numbers never reach the core, and never crash.
    for body in [
        json!({ "id": id, "first": -1, "count": 10 }),
        json!({ "id": id, "first": 0, "count": 1e300 }),
        json!({ "id": id, "first": "0", "count": [] }),
    ] {
        tried += 1;
        assert!(invoke(&h, "runs_log_lines", body).is_err());
    }
    let too_many: Vec<String> = (0..100_000).map(|i| format!("{i:012x}")).collect();
    let err = invoke(&h, "runs_progress_many", json!({ "ids": too_many })).unwrap_err();
    assert_clear("runs_progress_many", &err);
    eprintln!("ipc hostile logs: {} payloads tried, 0 panics", tried + 1);
}

#[test]
fn hostile_artifact_paths_over_ipc_are_refused() {
    let h = harness();
    let id = finished_run(&h);
    let long = "a/".repeat(50_000);
    let paths = [
        "../../../../etc/passwd",
        "/etc/passwd",
        "output/../../../",
        "logs/../../other",
        "output/\0x",
        "%2e%2e/%2e%2e/etc/passwd",
        "\\..\\..\\etc\\passwd",
        "~/.ssh/id_rsa",
        "output/nonexistent.json",
        long.as_str(),
    ];
    let mut refused = 0;
    for path in paths {
        for cmd in ["artifacts_preview", "artifacts_list", "artifacts_usage"] {
            match invoke(&h, cmd, json!({ "id": id, "path": path })) {
                Err(e) => {
                    assert_clear(cmd, &e);
                    refused += 1;
                }
                Ok(v) => {
                    eprintln!("ipc hostile paths: {cmd} {path:?} answered (inside the run)");
                    // Only an in-run path may answer, and never with /etc content.
                    assert!(
                        !v.to_string().contains("root:x:0:0"),
                        "{cmd} {path:?} leaked: {v}"
                    );
                }
            }
        }
    }
    let err = invoke(
        &h,
        "artifacts_preview",
        json!({ "id": "../../etc", "path": "passwd" }),
    )
    .unwrap_err();
    assert_clear("artifacts_preview with a hostile id", &err);
    refused += 1;
    eprintln!(
        "ipc hostile paths: {} tried, {refused} refused with a clear error, 0 leaked",
        paths.len() * 3 + 1
    );
}

#[test]
fn hostile_template_names_are_refused_and_write_nothing_outside() {
    let h = harness();
    let text = invoke(&h, "templates_text", json!({ "name": "quick" })).unwrap();
    let outside = h.home.path().parent().unwrap().join("escaped-template.ini");
    let names = [
        "",
        " ",
        ".",
        "..",
        "../escaped-template",
        "../../escaped-template",
        "/tmp/escaped-template",
        "a/b",
        "a\\b",
        "nul\0byte",
        "new\nline",
        "quick",
        &"n".repeat(10_000),
    ];
    let mut refused = 0;
    for name in names {
        match invoke(
            &h,
            "templates_save",
            json!({ "name": name, "text": text, "overwrite": true }),
        ) {
            Err(e) => {
                assert_clear("templates_save", &e);
                refused += 1;
            }
            Ok(saved) => panic!("templates_save accepted the hostile name {name:?}: {saved}"),
        }
        for cmd in ["templates_text", "templates_delete"] {
            if let Err(e) = invoke(&h, cmd, json!({ "name": name })) {
                assert_clear(cmd, &e);
            }
        }
        let err = invoke(&h, "templates_rename", json!({ "from": "quick", "to": name }));
        if let Err(e) = err {
            assert_clear("templates_rename", &e);
        }
    }
    assert!(!outside.exists(), "a template was written outside the data dir");
    let huge = invoke(
        &h,
        "templates_save",
        json!({ "name": "huge", "text": "x".repeat(10 << 20), "overwrite": true }),
    );
    if let Err(e) = huge {
        assert_clear("templates_save 10 MiB", &e);
    }
    eprintln!(
        "ipc hostile template names: {} tried, {refused} refused with a clear error, 0 written outside",
        names.len()
    );
}

#[test]
fn a_ten_mib_config_is_validated_or_refused_promptly() {
    let h = harness();
    let mut tried = 0;
    for text in [
        "[general_settings]\n".to_owned() + &"max_iters = 1\n".repeat(10 << 20 >> 4),
        "[".repeat(10 << 20),
        "x".repeat(10 << 20),
        "[general_settings]\nerlang_start = 1\nerlang_stop = 1e308\nerlang_step = 1e-308\n".to_owned(),
    ] {
        tried += 1;
        let t = std::time::Instant::now();
        match invoke(&h, "configs_validate", json!({ "text": text })) {
            Ok(report) => assert!(report["valid"].is_boolean()),
            Err(e) => assert_clear("configs_validate", &e),
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(30),
            "configs_validate took {:?}",
            t.elapsed()
        );
    }
    eprintln!("ipc hostile configs: {tried} tried (10 MiB each), all answered, 0 panics");
}

#[test]
fn bad_plot_data_is_refused_before_any_dialog() {
    let h = harness();
    let id = "0123456789ab";
    let cases = [
        json!({ "id": id, "format": "svg", "data": "not an svg" }),
        json!({ "id": id, "format": "svg", "data": "" }),
        json!({ "id": id, "format": "png", "data": "data:image/png;base64,!!!" }),
        json!({ "id": id, "format": "png", "data": "data:image/png;base64,aGVsbG8=" }),
        json!({ "id": id, "format": "png", "data": "http://example.com/x.png" }),
        json!({ "id": id, "format": "svg", "data": "<svg".to_owned() + &"x".repeat(33 << 20) }),
        json!({ "id": "../../etc", "format": "svg", "data": "<svg/>" }),
    ];
    for body in &cases {
        let err = invoke(&h, "results_save_plot", body.clone()).unwrap_err();
        assert_clear("results_save_plot", &err);
    }
    // Not a format we know: refused by the argument parser.
    assert!(invoke(
        &h,
        "results_save_plot",
        json!({ "id": id, "format": "gif", "data": "GIF89a" })
    )
    .is_err());
    assert!(invoke(&h, "results_save_plot", json!({ "id": id, "format": "svg" })).is_err());
    eprintln!(
        "ipc bad plots: {} tried, all refused before a dialog, 0 panics",
        cases.len() + 2
    );
}

#[test]
fn history_and_comparison_commands_answer_with_their_argument_keys() {
    let h = harness();
    let facets = invoke(&h, "runs_facets", json!({})).unwrap();
    assert_eq!(facets, json!({ "templates": [], "networks": [], "tags": [] }));
    let page = invoke(
        &h,
        "runs_list",
        json!({ "query": { "tag": "paper", "network": "NSFNet", "created_after": "2026-01-01" } }),
    )
    .unwrap();
    assert_eq!(page["total"], 0);
    let err = invoke(&h, "runs_list", json!({ "query": { "created_before": "soon" } })).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    let err = invoke(
        &h,
        "runs_set_tags",
        json!({ "id": "0123456789ab", "tags": ["paper"] }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "not_found");
    let err = invoke(&h, "runs_set_note", json!({ "id": "0123456789ab", "note": "x" })).unwrap_err();
    assert_eq!(err["code"], "not_found");
    let err = invoke(&h, "runs_rename", json!({ "id": "0123456789ab", "name": "x" })).unwrap_err();
    assert_eq!(err["code"], "not_found");
    let err = invoke(&h, "runs_compare", json!({ "ids": [] })).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    let err = invoke(&h, "runs_delete_many", json!({ "ids": [] })).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    let items = invoke(&h, "runs_delete_many", json!({ "ids": ["0123456789ab"] })).unwrap();
    assert_eq!(items[0]["ok"], false);
    let preview = invoke(
        &h,
        "runs_cleanup_preview",
        json!({ "query": { "older_than_days": 30, "only_unsuccessful": true } }),
    )
    .unwrap();
    assert_eq!(preview, json!({ "runs": 0, "bytes": 0, "ids": [] }));
    let err = invoke(
        &h,
        "compare_save_plot",
        json!({ "format": "svg", "data": "<html>" }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
}

/// "Open" hands a data file to the desktop's opener (here a stand-in
/// `xdg-open` first on PATH that records what it was given) and refuses a
/// script the simulator wrote, without starting anything.
#[test]
fn open_hands_a_data_file_to_the_desktop_and_refuses_a_script() {
    let h = harness();
    let id = finished_run(&h);
    let bin = tempfile::tempdir().unwrap();
    let record = bin.path().join("opened");
    let opener = bin.path().join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", record.display()),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // Each test runs in its own process under nextest; nothing else reads PATH meanwhile.
    std::env::set_var("PATH", path);

    let run_dir = h.home.path().join("runs").join(&id);
    std::fs::write(run_dir.join("output/job.sh"), "#!/bin/sh\necho hi\n").unwrap();
    let err = invoke(&h, "artifacts_open", json!({ "id": id, "path": "output/job.sh" })).unwrap_err();
    assert_eq!(err["code"], "forbidden_path", "{err}");
    assert!(err["message"].as_str().unwrap().contains("Reveal"), "{err}");

    invoke(&h, "artifacts_open", json!({ "id": id, "path": "config.ini" })).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let opened = loop {
        if let Ok(text) = std::fs::read_to_string(&record) {
            if !text.is_empty() {
                break text;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the opener was never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let lines: Vec<&str> = opened.lines().collect();
    assert_eq!(lines.len(), 1, "only the data file was opened: {opened}");
    assert!(lines[0].ends_with(&format!("runs/{id}/config.ini")), "{opened}");
}

// ------------------------------------------------------------ results left on a cluster

#[test]
fn results_left_on_a_cluster_are_listed_from_the_run_folder_and_only_those_are_fetched() {
    let h = harness();
    let id = finished_run(&h);
    assert_eq!(
        invoke(&h, "clusters_results_left", json!({ "id": id })).unwrap(),
        json!([]),
        "a run that left nothing on a cluster lists nothing"
    );

    let run = invoke(&h, "runs_get", json!({ "id": id })).unwrap();
    let run_dir = std::path::PathBuf::from(run["run_dir"].as_str().unwrap());
    let record = json!([
        { "path": "big/traffic.h5", "size": 3_221_225_472u64, "modified": 1_796_000_000.5 },
        { "path": "agent.pkl", "size": 300u64 << 20, "modified": 1_796_000_100.0 },
    ]);
    std::fs::write(run_dir.join("results-on-cluster.json"), record.to_string()).unwrap();
    assert_eq!(
        invoke(&h, "clusters_results_left", json!({ "id": id })).unwrap(),
        record
    );

    // Only a listed path is ever asked of a cluster.
    let err = invoke(
        &h,
        "clusters_fetch_result",
        json!({ "id": id, "path": "../../../etc/passwd" }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "not_found", "{err}");
    // A listed path of a run that never went to a cluster has nowhere to come from.
    let err = invoke(
        &h,
        "clusters_fetch_result",
        json!({ "id": id, "path": "agent.pkl" }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_state", "{err}");
    assert_eq!(
        invoke(&h, "clusters_results_left", json!({ "id": id })).unwrap(),
        record,
        "a failed fetch leaves the record as it was"
    );

    let err = invoke(&h, "clusters_results_left", json!({ "id": "../etc" })).unwrap_err();
    assert_eq!(err["code"], "invalid_input", "{err}");
    let err = invoke(&h, "clusters_results_left", json!({ "id": "0123456789ab" })).unwrap_err();
    assert_eq!(err["code"], "not_found", "{err}");
}

//! `FUSION_DESK_SIMULATOR` pointed at a real FUSION `fusion-sim` (played by
//! tests/fusion-standin) just works from the command line.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[test]
fn fdesk_runs_fusion_named_by_the_environment() {
    let home = tempfile::tempdir().unwrap();
    let install = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fusion-standin");
    assert!(Command::new("cp")
        .arg("-r")
        .arg(&src)
        .arg(install.path().join("FUSION"))
        .status()
        .unwrap()
        .success());
    let script = install.path().join("FUSION/bin/fusion-sim");
    let fdesk = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_fdesk"))
            .args(args)
            .env("FUSION_DESK_HOME", home.path())
            .env("FUSION_DESK_SIMULATOR", &script)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "fdesk {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let settings = fdesk(&["settings", "--json"]);
    assert_eq!(
        settings["simulator_env_override"],
        script.to_string_lossy().as_ref()
    );
    let run = fdesk(&[
        "create",
        "--template",
        "quick",
        "--set",
        "rl_settings.is_training=True",
        "--json",
    ]);
    let id = run["id"].as_str().unwrap();
    let done = fdesk(&["wait", id, "--timeout", "60", "--json"]);
    assert_eq!(done["status"], "COMPLETED", "{done:#}");
    let shown = fdesk(&["show", id, "--json"]);
    assert_eq!(shown["progress"]["percent"], 100.0, "{shown:#}");
    assert_eq!(shown["progress"]["erlang"], 500.0);
    let listing = fdesk(&["artifacts", id, "@fusion", "--json"]);
    assert_eq!(listing["entries"].as_array().unwrap().len(), 3, "{listing:#}");
}

//! `fdesk artifacts`, `fdesk export` and `fdesk results` as a script or a
//! person uses them: listings in text and JSON, copies under the same path
//! rules as the app, forbidden paths refused with their error code.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fdesk() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_fdesk"))
}

fn test_sim() -> PathBuf {
    let path = fdesk().parent().unwrap().join("test-sim");
    assert!(
        path.is_file(),
        "build the workspace binaries first (cargo build --workspace --bins)"
    );
    path
}

struct Home {
    home: tempfile::TempDir,
    elsewhere: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        let home = Home {
            home: tempfile::tempdir().unwrap(),
            elsewhere: tempfile::tempdir().unwrap(),
        };
        home.ok(&["settings", "--simulator", test_sim().to_str().unwrap()]);
        home
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(fdesk())
            .args(args)
            .env("FUSION_DESK_HOME", self.home.path())
            .env_remove("FUSION_DESK_SIMULATOR")
            .current_dir(self.elsewhere.path())
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "fdesk {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    /// The error code a failing command prints with --json.
    fn error_code(&self, args: &[&str]) -> String {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.run(&all);
        assert!(!out.status.success(), "fdesk {args:?} should fail");
        let err: Value = serde_json::from_slice(&out.stderr).unwrap();
        err["code"].as_str().unwrap().to_owned()
    }

    /// A finished run with a few files of our own in output/.
    fn finished_run(&self) -> (String, PathBuf) {
        let run = self.json(&["create", "--template", "quick"]);
        let id = run["id"].as_str().unwrap().to_owned();
        let run = self.json(&["wait", &id, "--timeout", "60"]);
        assert_eq!(run["status"], "COMPLETED");
        let dir = PathBuf::from(run["run_dir"].as_str().unwrap());
        std::fs::create_dir_all(dir.join("output/sub")).unwrap();
        std::fs::write(dir.join("output/sub/a.txt"), "A").unwrap();
        std::fs::write(dir.join("output/sub/b.txt"), "BB").unwrap();
        (id, dir)
    }
}

#[test]
fn artifacts_lists_the_run_folder_in_text_and_json() {
    let h = Home::new();
    let (id, _) = h.finished_run();
    let text = h.ok(&["artifacts", &id]);
    assert!(text.contains("KIND"), "{text}");
    assert!(text.contains("config.ini"), "{text}");
    assert!(text.contains("logs/"), "{text}");
    assert!(text.contains("total: "), "{text}");

    let listing = h.json(&["artifacts", &id, "output/sub"]);
    assert_eq!(listing["path"], "output/sub");
    assert_eq!(listing["total"], 2);
    let names: Vec<&str> = listing["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["output/sub/a.txt", "output/sub/b.txt"]);
    assert_eq!(listing["entries"][1]["size"], 2);
    assert!(listing["entries"][0]["modified"]
        .as_str()
        .unwrap()
        .ends_with("+00:00"));
    assert_eq!(listing["usage"]["bytes"], 3);
    assert_eq!(listing["usage"]["files"], 2);

    let page = h.json(&["artifacts", &id, "output/sub", "--offset", "1", "--limit", "1"]);
    assert_eq!(page["entries"].as_array().unwrap().len(), 1);
    assert_eq!(page["entries"][0]["name"], "b.txt");

    // A file: its own entry.
    let file = h.json(&["artifacts", &id, "output/sub/b.txt"]);
    assert_eq!(file["kind"], "file");
    assert_eq!(file["size"], 2);
}

#[test]
fn artifacts_refuses_paths_outside_the_run() {
    let h = Home::new();
    let (id, dir) = h.finished_run();
    std::os::unix::fs::symlink("/etc", dir.join("etc")).unwrap();
    for path in [
        "../",
        "../../fusion-desk.db",
        "/etc",
        "%2e%2e/x",
        "output/..\\..",
        "etc/passwd",
    ] {
        assert_eq!(
            h.error_code(&["artifacts", &id, path]),
            "forbidden_path",
            "{path}"
        );
    }
    assert_eq!(h.error_code(&["artifacts", &id, "nope"]), "not_found");
    assert_eq!(h.error_code(&["artifacts", "../etc/passw", ""]), "invalid_input");
    let text = h.ok(&["artifacts", &id]);
    assert!(text.contains("etc -> /etc"), "links are listed: {text}");
}

#[test]
fn export_copies_a_whole_run_a_folder_or_a_file() {
    let h = Home::new();
    let (id, dir) = h.finished_run();
    let out = h.elsewhere.path();

    let summary = h.json(&["export", &id, "whole"]);
    let whole = out.join("whole");
    assert_eq!(
        Path::new(summary["destination"].as_str().unwrap()),
        whole.canonicalize().unwrap()
    );
    assert!(whole.join("config.ini").is_file());
    assert_eq!(
        std::fs::read_to_string(whole.join("output/sub/b.txt")).unwrap(),
        "BB"
    );

    let text = h.ok(&["export", &id, "sub-copy", "--path", "output/sub"]);
    assert!(text.starts_with("copied 2 files"), "{text}");
    assert_eq!(std::fs::read_to_string(out.join("sub-copy/a.txt")).unwrap(), "A");

    let file = out.join("config-copy.ini");
    h.ok(&["export", &id, file.to_str().unwrap(), "--path", "config.ini"]);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(dir.join("config.ini")).unwrap()
    );

    // No overwrite unless asked.
    std::fs::write(&file, "mine").unwrap();
    assert_eq!(
        h.error_code(&["export", &id, file.to_str().unwrap(), "--path", "config.ini"]),
        "invalid_state"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    h.ok(&[
        "export",
        &id,
        file.to_str().unwrap(),
        "--path",
        "config.ini",
        "--overwrite",
    ]);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(dir.join("config.ini")).unwrap()
    );

    // The same path rules as browsing; no copy into the data dir.
    assert_eq!(
        h.error_code(&["export", &id, "x", "--path", "../.."]),
        "forbidden_path"
    );
    let into_run = dir.join("output/copy");
    assert_eq!(
        h.error_code(&["export", &id, into_run.to_str().unwrap(), "--path", "config.ini"]),
        "forbidden_path"
    );
}

#[test]
fn results_prints_the_table_and_csv() {
    let h = Home::new();
    let (id, dir) = h.finished_run();
    let reference = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/data/fusion_reference/real_nsfnet_1core_2000x2/600.0_erlang.json");
    std::fs::copy(&reference, dir.join("output/600.0_erlang.json")).unwrap();
    let table = h.json(&["results", &id]);
    let row = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "output/600.0_erlang.json")
        .unwrap();
    assert_eq!(row["erlang"], 600.0);
    assert_eq!(row["iterations"], 2);
    let text = h.ok(&["results", &id]);
    assert!(
        text.contains("ERLANG") && text.contains("output/600.0_erlang.json"),
        "{text}"
    );
    let csv = h.ok(&["results", &id, "--csv"]);
    assert!(csv.starts_with("erlang,iterations,blocking_mean,"), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("600,2,")), "{csv}");
}

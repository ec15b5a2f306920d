//! The binary: configuration errors, determinism across thread counts,
//! progress events and SIGTERM.
mod common;

use common::{data, temp_dir};
use fusion_sim::json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fusion-sim"));
    c.env("SOURCE_DATE_EPOCH", "1700000000");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

fn minimal() -> String {
    std::fs::read_to_string(data("templates/minimal.ini")).unwrap()
}

#[test]
fn missing_key_exits_2_naming_it() {
    let dir = temp_dir("missing");
    let text = minimal().replace("num_requests = 100", "");
    let cfg = write(&dir, "c.ini", &text);
    let out = run(&[
        "run_sim",
        "--config_path",
        &cfg,
        "--run_id",
        "abc",
        "--output_dir",
        dir.join("o").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("general_settings.num_requests"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn bad_value_exits_2_naming_it() {
    let dir = temp_dir("badvalue");
    for (from, to, key) in [
        (
            "cores_per_link = 3",
            "cores_per_link = three",
            "topology_settings.cores_per_link",
        ),
        (
            "holding_time = 0.2",
            "holding_time = -1",
            "general_settings.holding_time",
        ),
        (
            "network = NSFNet",
            "network = Atlantis",
            "topology_settings.network",
        ),
        ("k_paths = 3", "k_paths = 0", "routing_settings.k_paths"),
        (
            "\"400\": 0.10}",
            "\"400\": 0.05}",
            "general_settings.request_distribution",
        ),
    ] {
        let text = minimal().replacen(from, to, 1);
        assert_ne!(text, minimal(), "{from}");
        let cfg = write(&dir, "c.ini", &text);
        let out = run(&[
            "run_sim",
            "--config_path",
            &cfg,
            "--run_id",
            "abc",
            "--output_dir",
            dir.join("o").to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{key}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(key), "{key}: {err}");
    }
    // A bad override is reported like a bad INI value.
    let cfg = write(&dir, "c.ini", &minimal());
    let out = run(&[
        "run_sim",
        "--config_path",
        &cfg,
        "--run_id",
        "a",
        "--max_iters",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("general_settings.max_iters"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["run_sim", "--run_id", "x"]).status.code(), Some(2));
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(
        run(&[
            "run_sim",
            "--config_path",
            "a.ini",
            "--run_id",
            "x",
            "--nope",
            "1"
        ])
        .status
        .code(),
        Some(2)
    );
    // An unreadable config is a configuration error too.
    assert_eq!(
        run(&["run_sim", "--config_path", "/nonexistent/c.ini", "--run_id", "x"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn unsupported_feature_exits_2() {
    let out = run(&[
        "run_sim",
        "--config_path",
        data("templates/xtar_example_config.ini").to_str().unwrap(),
        "--run_id",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("general_settings.route_method"));
}

fn read_dir_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn same_bytes_with_one_or_many_threads_and_progress_events() {
    let dir = temp_dir("determinism");
    let cfg = data("reference/real_nsfnet_3cores_2000x2/config.ini");
    let mut outputs = Vec::new();
    for threads in ["1", "3"] {
        let out_dir = dir.join(format!("out{threads}"));
        let progress = dir.join(format!("progress{threads}.jsonl"));
        let out = run(&[
            "run_sim",
            "--config_path",
            cfg.to_str().unwrap(),
            "--run_id",
            "0123456789ab",
            "--output_dir",
            out_dir.to_str().unwrap(),
            "--progress_file",
            progress.to_str().unwrap(),
            "--threads",
            threads,
            "--max_iters",
            "3",
            "--erlang_start",
            "500",
            "--erlang_stop",
            "2500",
            "--erlang_step",
            "500",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        for needle in [
            "Starting simulation for 500.0 Erlang (load 1/5)",
            "CHILD=s1 iteration=2, done_units=3",
            "Mean of blocking: ",
            "Completed 2500.0 Erlang in ",
        ] {
            assert!(err.contains(needle), "{needle}");
        }
        // Every progress line is a complete JSON object; start first, complete last.
        let text = std::fs::read_to_string(&progress).unwrap();
        let events: Vec<Value> = text.lines().map(|l| Value::parse(l).unwrap()).collect();
        let kinds: Vec<&str> = events
            .iter()
            .map(|e| e.get("type").unwrap().as_str().unwrap())
            .collect();
        assert_eq!(kinds.first(), Some(&"start"));
        assert_eq!(kinds.last(), Some(&"complete"));
        assert_eq!(kinds.iter().filter(|k| **k == "erlang_start").count(), 5);
        assert_eq!(kinds.iter().filter(|k| **k == "erlang_complete").count(), 5);
        assert_eq!(events.last().unwrap().get("exit_code"), Some(&Value::Int(0)));
        outputs.push(read_dir_bytes(&out_dir));
    }
    assert_eq!(outputs[0].len(), 5);
    assert_eq!(
        outputs[0], outputs[1],
        "output must not depend on the thread count"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigterm_stops_writes_completed_iterations_and_exits_143() {
    let dir = temp_dir("sigterm");
    let cfg = data("templates/default.ini");
    let out_dir = dir.join("out");
    let progress = dir.join("progress.jsonl");
    let mut child = bin()
        .args([
            "run_sim",
            "--config_path",
            cfg.to_str().unwrap(),
            "--run_id",
            "x",
            "--output_dir",
            out_dir.to_str().unwrap(),
            "--progress_file",
            progress.to_str().unwrap(),
            "--num_requests",
            "200000",
            "--max_iters",
            "1000",
            "--erlang_start",
            "2000",
            "--erlang_stop",
            "2000",
            "--threads",
            "1",
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until at least one iteration is done.
    let start = std::time::Instant::now();
    loop {
        let text = std::fs::read_to_string(&progress).unwrap_or_default();
        if text.contains("\"type\":\"iteration\"") {
            break;
        }
        assert!(start.elapsed().as_secs() < 60, "no iteration finished");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // SAFETY: signalling our own child process by its id.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(143));
    let file = Value::parse(&std::fs::read_to_string(out_dir.join("2000.0_erlang.json")).unwrap()).unwrap();
    let iters = file.get("iter_stats").unwrap().as_object().unwrap();
    let (_, last) = iters.last().unwrap();
    let done = last.get("sim_block_list").unwrap().as_array().unwrap().len();
    assert!((1..1000).contains(&done));
    let text = std::fs::read_to_string(&progress).unwrap();
    let last_event = Value::parse(text.lines().last().unwrap()).unwrap();
    assert_eq!(last_event.get("exit_code"), Some(&Value::Int(143)));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ci_stop_writes_the_stopping_iteration() {
    // minimal.ini has is_training = False: the 5 % rule applies. With 2000
    // requests and up to 50 iterations the rule ends the load early.
    let dir = temp_dir("cistop");
    let out_dir = dir.join("out");
    let out = run(&[
        "run_sim",
        "--config_path",
        data("templates/minimal.ini").to_str().unwrap(),
        "--run_id",
        "x",
        "--output_dir",
        out_dir.to_str().unwrap(),
        "--num_requests",
        "2000",
        "--max_iters",
        "50",
        "--erlang_start",
        "3000",
        "--erlang_stop",
        "3000",
        "--save_step",
        "100",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Confidence interval of "), "{err}");
    let file = Value::parse(&std::fs::read_to_string(out_dir.join("3000.0_erlang.json")).unwrap()).unwrap();
    let (last_key, last) = file
        .get("iter_stats")
        .unwrap()
        .as_object()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    let n = last.get("sim_block_list").unwrap().as_array().unwrap().len();
    assert!(n < 50);
    assert_eq!(last_key, (n - 1).to_string(), "the stopping iteration is saved");
    assert!(file.get("ci_percent_block").unwrap().as_f64().unwrap() <= 5.0);
    let _ = std::fs::remove_dir_all(&dir);
}

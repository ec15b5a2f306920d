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
    // xt_aware routing and priority_first run; the SNR mode it asks for does not.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("snr_settings.snr_type"), "{err}");
    assert!(err.contains("Use snr_type = None"), "{err}");
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

/// Progress lines without their `ts` and the run's total time.
fn progress_without_times(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let mut v = Value::parse(l).unwrap();
            if let Value::Object(fields) = &mut v {
                fields.retain(|(k, _)| k != "ts" && k != "summary");
            }
            v.to_compact_json()
        })
        .collect()
}

/// Log lines without their timestamp, durations and output directory.
fn log_without_times(text: &str, out_dir: &str) -> Vec<String> {
    let seconds = |s: &str| -> String {
        // "in 1.23 seconds", "Time: 1.23s", "execution time: 1.23s"
        let mut out = String::new();
        for word in s.split(' ') {
            let w = word.trim_end_matches('s');
            if !w.is_empty() && w.chars().all(|c| c.is_ascii_digit() || c == '.') && w.contains('.') {
                out.push_str("<t>");
            } else {
                out.push_str(word);
            }
            out.push(' ');
        }
        out
    };
    text.lines()
        // Continuation lines of multi-line messages carry no timestamp.
        .map(|l| {
            l.get(26..)
                .filter(|_| l.as_bytes().get(24) == Some(&b'-'))
                .unwrap_or(l)
        })
        .map(|l| seconds(&l.replace(out_dir, "<out>")))
        .collect()
}

#[test]
fn same_bytes_with_one_two_or_eight_threads_and_early_stops_mid_batch() {
    let dir = temp_dir("determinism");
    let cfg = data("templates/minimal.ini");
    let mut outputs = Vec::new();
    for threads in ["1", "2", "8"] {
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
            "--num_requests",
            "2000",
            "--max_iters",
            "30",
            "--save_step",
            "4",
            "--erlang_start",
            "4000",
            "--erlang_stop",
            "5000",
            "--erlang_step",
            "1000",
        ]);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(out.stdout.is_empty());
        for needle in [
            "Starting simulation for 4000.0 Erlang (load 1/2)",
            "CHILD=s1 iteration=1, done_units=2",
            "Mean of blocking: ",
            "Confidence interval of ",
            "Completed 5000.0 Erlang in ",
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
        assert_eq!(events.last().unwrap().get("exit_code"), Some(&Value::Int(0)));
        // Both loads end by the confidence rule, before 30 iterations and
        // not on a multiple of the thread count: iterations computed past the
        // stop were discarded.
        let ends: Vec<(String, i64)> = events
            .iter()
            .filter(|e| e.get("type").unwrap().as_str() == Some("erlang_complete"))
            .map(|e| {
                let n = e
                    .get("metrics")
                    .unwrap()
                    .get("iterations")
                    .unwrap()
                    .as_f64()
                    .unwrap();
                (e.get("reason").unwrap().as_str().unwrap().to_owned(), n as i64)
            })
            .collect();
        assert_eq!(ends.len(), 2);
        assert!(ends.iter().all(|(r, n)| r == "confidence" && *n < 30), "{ends:?}");
        assert!(ends.iter().any(|(_, n)| n % 8 != 0), "{ends:?}");
        outputs.push((
            read_dir_bytes(&out_dir),
            progress_without_times(&text),
            log_without_times(&err, out_dir.to_str().unwrap()),
        ));
    }
    assert_eq!(outputs[0].0.len(), 2);
    for (i, o) in outputs.iter().enumerate().skip(1) {
        assert!(o.0 == outputs[0].0, "output files differ with thread count #{i}");
        assert_eq!(o.1, outputs[0].1, "progress events differ");
        assert_eq!(o.2, outputs[0].2, "log differs");
    }
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
            "2",
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
    // The file is marked partial under a key FUSION's readers do not read.
    let mark = file.get("fusion_desk").expect("partial mark");
    assert_eq!(mark.get("partial"), Some(&Value::Bool(true)));
    assert_eq!(mark.get("reason").and_then(Value::as_str), Some("interrupted"));
    assert_eq!(mark.get("iterations"), Some(&Value::Int(done as i64)));
    assert!(file.get("iter_stats").is_some() && file.get("blocking_mean").is_some());
    let text = std::fs::read_to_string(&progress).unwrap();
    let events: Vec<Value> = text.lines().map(|l| Value::parse(l).unwrap()).collect();
    let complete = events
        .iter()
        .find(|e| e.get("type").and_then(Value::as_str) == Some("erlang_complete"))
        .expect("the interrupted load reports its end");
    assert_eq!(
        complete.get("reason").and_then(Value::as_str),
        Some("interrupted")
    );
    assert_eq!(
        complete.get("metrics").unwrap().get("iterations"),
        Some(&Value::Int(done as i64))
    );
    let last_event = events.last().unwrap();
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

//! Crashes of the processes that own nothing: `fdesk` killed with SIGKILL at
//! random moments while runs are active, a supervisor killed with SIGKILL, the
//! app gone while a run finished. After a restart every run reaches its true
//! state and nothing stays RUNNING without a live process.

use crate::support;

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::Rng;
use serde_json::Value;
use support::Home;

fn alive(pid: i64) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.rsplit_once(')').unwrap().1.trim_start().starts_with('Z'))
        .unwrap_or(false)
}

/// Every run is terminal and matches what its simulator was told to do; no
/// RUNNING run lacks a live process.
fn assert_true_states(home: &Home, expected: &[(String, &str)]) {
    for (id, status) in expected {
        let run = home.json(&["wait", id, "--timeout", "60"]);
        assert_eq!(run["status"], *status, "run {id}: {run:#}");
    }
    for run in home.runs() {
        if run["status"] == "RUNNING" {
            assert!(
                run["pid"].as_i64().is_some_and(alive),
                "RUNNING without a live process: {run:#}"
            );
        }
    }
}

#[test]
fn killing_fdesk_at_random_moments_loses_no_run() {
    let home = Home::new(2);
    let mut rng = rand::rng();
    let mut expected = Vec::new();
    for round in 0..8 {
        // A run per round, alternately completing and failing.
        let code = if round % 2 == 0 { "0" } else { "4" };
        let sets = ["test_sim.iterations=4", "test_sim.step_ms=40"];
        let exit = format!("test_sim.exit_code={code}");
        let mut child = home
            .cmd(&[
                "create",
                "--template",
                "quick",
                "--json",
                "--set",
                sets[0],
                "--set",
                sets[1],
                "--set",
                &exit,
            ])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(0..60)));
        let _ = child.kill(); // SIGKILL, wherever it is
        let out = child.wait_with_output().unwrap();
        if let Ok(run) = serde_json::from_slice::<Value>(&out.stdout) {
            expected.push((
                run["id"].as_str().unwrap().to_owned(),
                if code == "0" { "COMPLETED" } else { "FAILED" },
            ));
        }
        // A watcher killed mid-wait too.
        if let Some((id, _)) = expected.last() {
            let mut waiter = home.cmd(&["wait", id]).stdout(Stdio::null()).spawn().unwrap();
            std::thread::sleep(Duration::from_millis(rng.random_range(0..80)));
            let _ = waiter.kill();
            let _ = waiter.wait();
        }
    }
    // Runs whose create was killed after the row was written exist too: they
    // must also end in a true state (completed or failed as configured).
    for run in home.runs() {
        let id = run["id"].as_str().unwrap().to_owned();
        if !expected.iter().any(|(e, _)| *e == id) {
            let config = std::fs::read_to_string(run["config_path"].as_str().unwrap()).unwrap();
            let status = if config.contains("exit_code = 4") {
                "FAILED"
            } else {
                "COMPLETED"
            };
            expected.push((id, status));
        }
    }
    assert!(!expected.is_empty());
    assert_true_states(&home, &expected);
    let integrity = Command::new("sqlite3")
        .arg(home.path().join("fusion-desk.db"))
        .arg("PRAGMA integrity_check")
        .output();
    if let Ok(out) = integrity {
        if out.status.success() {
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
        }
    }
}

#[test]
fn a_run_survives_its_launcher_and_is_found_completed_later() {
    let home = Home::new(2);
    let id = home.create(&["test_sim.iterations=5", "test_sim.step_ms=60"]);
    // fdesk has exited; the run goes on without any FUSION Desk process.
    let run = home.json(&["show", &id]);
    assert_eq!(run["status"], "RUNNING");
    assert!(alive(run["pid"].as_i64().unwrap()));
    let exit = Path::new(run["run_dir"].as_str().unwrap()).join("exit.json");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !exit.exists() {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        home.json(&["wait", &id, "--timeout", "30"])["status"],
        "COMPLETED"
    );
}

#[test]
fn a_killed_supervisor_leaves_no_process_and_a_clear_failure() {
    let home = Home::new(2);
    let id = home.create(&[
        "test_sim.iterations=100000",
        "test_sim.step_ms=50",
        "test_sim.children=3",
    ]);
    let db = home.path().join("fusion-desk.db");
    let out = Command::new("sqlite3")
        .arg(&db)
        .arg(format!("SELECT supervisor_pid FROM runs WHERE id = '{id}'"))
        .output()
        .expect("sqlite3 is installed by the setup script");
    let supervisor: i32 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    let sim_pid = home.json(&["show", &id])["pid"].as_i64().unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(supervisor),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let run = home.json(&["show", &id]);
    assert_eq!(run["status"], "FAILED", "{run:#}");
    assert!(run["error_message"]
        .as_str()
        .unwrap()
        .contains("supervisor stopped unexpectedly"));
    assert!(!alive(sim_pid), "the orphaned simulator was stopped");
}

#[test]
fn a_cancel_from_the_cli_completes_without_any_fdesk_process() {
    let home = Home::new(2);
    let id = home.create(&[
        "test_sim.iterations=100000",
        "test_sim.step_ms=50",
        "test_sim.sigterm=ignore",
    ]);
    let run = home.json(&["cancel", &id]);
    assert_eq!(run["status"], "RUNNING");
    assert!(run["cancel_requested_at"].is_string());
    let pid = run["pid"].as_i64().unwrap();
    // Grace is 1 s; the supervisor escalates to SIGKILL on its own.
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        assert!(
            Instant::now() < deadline,
            "the SIGTERM-ignoring simulator survived"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        home.json(&["wait", &id, "--timeout", "10"])["status"],
        "CANCELLED"
    );
}

#[test]
fn errors_go_to_stderr_with_a_non_zero_exit() {
    let home = Home::new(2);
    let out = home.run(&["show", "zzz"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid_input"));
    let out = home.run(&["show", "0123456789ab", "--json"]);
    assert!(!out.status.success());
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "not_found");
    let out = home.run(&["create", "--template", "missing"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown template"));
    assert!(!out.status.success());
}

#[test]
fn a_reader_that_goes_away_ends_fdesk_quietly() {
    // `fdesk … | head`: the reader closes the pipe before fdesk prints.
    let home = Home::new(2);
    let mut child = home
        .cmd(&["templates", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        out.status.signal(),
        Some(nix::sys::signal::Signal::SIGPIPE as i32),
        "{:?} {stderr}",
        out.status
    );
}

#[test]
fn json_shows_the_documented_fields() {
    let home = Home::new(2);
    let id = home.create(&["test_sim.iterations=1"]);
    let run = home.json(&["wait", &id]);
    for key in [
        "id",
        "name",
        "status",
        "pid",
        "pgid",
        "created_at",
        "started_at",
        "completed_at",
        "error_message",
        "config_path",
        "run_dir",
    ] {
        assert!(run.get(key).is_some(), "missing {key}");
    }
    let logs = home.ok(&["logs", &id]);
    assert!(logs.contains("Completed 100.0 Erlang"));
    let followed = home.ok(&["logs", &id, "--follow"]);
    assert_eq!(followed, logs);
    home.ok(&["delete", &id]);
    assert!(home.runs().is_empty());
}

/// Polls `fdesk show --json` until `ready` holds (bounded).
fn show_until(home: &Home, id: &str, what: &str, ready: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let shown = home.json(&["show", id]);
        if ready(&shown) {
            return shown;
        }
        assert!(Instant::now() < deadline, "never saw {what}: {shown:#}");
        std::thread::sleep(Duration::from_millis(30));
    }
}

#[test]
fn a_run_cancelled_mid_way_shows_where_it_stopped_and_why_each_load_ended() {
    let home = Home::new(2);
    let id = home.create(&[
        "test_sim.loads=4",
        "test_sim.iterations=10",
        "test_sim.step_ms=40",
        "test_sim.sigterm=exit",
    ]);
    // Cancel once the second load is under way.
    show_until(&home, &id, "the second load running", |v| {
        v["progress"]["loads"]
            .as_array()
            .is_some_and(|l| l.len() == 2 && l[1]["iteration"].as_u64().unwrap_or(0) >= 2)
    });
    home.json(&["cancel", &id]);
    assert_eq!(
        home.json(&["wait", &id, "--timeout", "15"])["status"],
        "CANCELLED"
    );
    let shown = home.json(&["show", &id]);
    let p = &shown["progress"];
    let percent = p["percent"].as_f64().unwrap();
    let finished = p["finished_iterations"].as_u64().unwrap();
    assert!(
        (12..20).contains(&finished),
        "10 of the first load and 2..9 of the second: {finished}"
    );
    assert!(
        (percent - finished as f64 * 100.0 / 40.0).abs() < 1e-9,
        "percent {percent} counts only iterations that ran"
    );
    assert!(percent < 100.0);
    assert_eq!(p["loads_complete"], 1);
    assert_eq!(p["loads_interrupted"], 1);
    let reasons: Vec<&str> = p["loads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["reason"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(reasons, ["max_iters", "interrupted"]);
    assert!(
        p["loads"][1]["early_stop"] == false,
        "an interrupted load is no early stop"
    );
    // The run's difference from its template lists the overrides.
    let changes = shown["template_diff"]["changes"].as_array().unwrap();
    let loads = changes.iter().find(|c| c["key"] == "test_sim.loads").unwrap();
    assert_eq!(loads["run"], "4");
    assert!(
        loads["template"].is_null(),
        "the quick template has no test_sim section"
    );

    let text = home.ok(&["show", &id]);
    assert!(
        text.contains(&format!(
            "stopped at {percent:.1} %: 1 of 4 loads, {finished} of 40 iterations"
        )),
        "{text}"
    );
    assert!(text.contains("interrupted (partial statistics)"), "{text}");
    assert!(text.contains("stopped by SIGTERM after cancel"), "{text}");
    assert!(text.contains("test_sim.loads: (absent) → 4"), "{text}");

    // The partial result file is flagged in the results table and its CSV.
    let results = home.json(&["results", &id]);
    let rows = results["rows"].as_array().unwrap();
    let partial: Vec<(f64, bool)> = rows
        .iter()
        .map(|r| (r["erlang"].as_f64().unwrap(), r["partial"].as_bool().unwrap()))
        .collect();
    assert_eq!(partial, [(100.0, false), (200.0, true)]);
}

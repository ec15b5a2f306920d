//! The crash loop: the real `fdesk` killed with SIGKILL at random moments
//! (while creating runs, while starting them, while waiting, listing or
//! showing, and during the migration of a fresh data dir), again and again
//! with runs active. After every kill a restart (the next `fdesk` command)
//! must find an intact database, every run still there, and none RUNNING
//! without a live process for more than 5 s; at the end every run reaches
//! its true terminal state with its progress counted exactly once.
//!
//! 50 kills by default; 500 with `FUSION_DESK_LONG_TESTS=1`.
//! `cargo nextest run -p fdesk --test it -E 'test(/^faults_crash_loop::/)' --no-capture` prints the figures.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fusion_desk_core::{ListQuery, RunStatus};
use rand::Rng;
use serde_json::Value;
use support::{alive, cmd_at, long, open_desk, runtime, settings_args, Home};

/// How long a RUNNING run may lack a live process after a restart.
const STUCK_LIMIT: Duration = Duration::from_secs(5);

/// What a killed `fdesk create` left behind, seen before the restart.
fn landing(rows_before: &BTreeSet<String>, rows: &[fusion_desk_core::store::RunRow]) -> &'static str {
    match rows.iter().find(|r| !rows_before.contains(&r.id)) {
        None => "before its row",
        Some(r) if r.status() == RunStatus::Pending => "queued",
        Some(r) if r.status() == RunStatus::Running && r.pid.is_none() => "mid-start",
        Some(_) => "after the start",
    }
}

/// Average wall time of a command, to spread the kills over its whole life.
fn duration_of(mut run: impl FnMut()) -> Duration {
    let t = Instant::now();
    for _ in 0..3 {
        run();
    }
    t.elapsed() / 3
}

fn random_delay(rng: &mut impl Rng, span: Duration) -> Duration {
    Duration::from_micros(rng.random_range(0..=(span.as_micros() as u64 * 13 / 10).max(1)))
}

#[test]
fn fdesk_killed_at_random_moments_loses_no_run() {
    let kills = if long() { 500 } else { 50 };
    let started = Instant::now();
    let home = Home::new(4);
    let rt = runtime();
    let desk = rt.block_on(home.observer());
    let mut rng = rand::rng();

    let create_args = |rng: &mut rand::rngs::ThreadRng| -> Vec<String> {
        let iterations = rng.random_range(1..=5);
        let step = rng.random_range(0..=25);
        // One run in four fails on purpose: its true state is FAILED.
        let code = if rng.random_range(0..4) == 0 { 3 } else { 0 };
        let mut args = vec!["create", "--template", "quick", "--json"]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        for set in [
            format!("test_sim.iterations={iterations}"),
            format!("test_sim.step_ms={step}"),
            format!("test_sim.exit_code={code}"),
        ] {
            args.extend(["--set".to_owned(), set]);
        }
        args
    };
    let create_span = duration_of(|| {
        let args = create_args(&mut rand::rng());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        home.ok(&args);
    });
    let list_span = duration_of(|| {
        home.ok(&["list"]);
    });
    let fresh_span = duration_of(|| {
        let fresh = tempfile::tempdir().unwrap();
        let args = settings_args(2);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert!(cmd_at(fresh.path(), &args).output().unwrap().status.success());
    });
    eprintln!(
        "crash loop: create takes ~{create_span:?}, list ~{list_span:?}, first open of a fresh dir ~{fresh_span:?}"
    );

    let mut returned: BTreeSet<String> = BTreeSet::new();
    let mut rows_seen: BTreeSet<String> = BTreeSet::new();
    let mut kinds: BTreeMap<&str, u32> = BTreeMap::new();
    let mut landings: BTreeMap<&str, u32> = BTreeMap::new();
    let mut running_without_process: BTreeMap<String, Instant> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut fresh_dirs = Vec::new();
    let mut killed_while_alive = 0;

    for k in 0..kills {
        let rows_before: BTreeSet<String> = rows_seen.clone();
        let kind = match k % 10 {
            0 => "migration",
            1..=6 => "create",
            7 => "wait",
            8 => "list",
            _ => "show",
        };
        *kinds.entry(kind).or_default() += 1;
        let all: Vec<String> = rows_seen.iter().cloned().collect();
        let some_id = if all.is_empty() {
            "0123456789ab".to_owned()
        } else {
            all[rng.random_range(0..all.len())].clone()
        };
        let (mut child, span, fresh) = match kind {
            "migration" => {
                let fresh = tempfile::tempdir().unwrap();
                let args = settings_args(2);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let child = cmd_at(fresh.path(), &args)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                (child, fresh_span, Some(fresh))
            }
            "create" => {
                let args = create_args(&mut rng);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let child = home
                    .cmd(&args)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                (child, create_span, None)
            }
            other => {
                let args: Vec<&str> = match other {
                    "wait" => vec!["wait", &some_id, "--json"],
                    "list" => vec!["list", "--json"],
                    _ => vec!["show", &some_id, "--json"],
                };
                let child = home
                    .cmd(&args)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                (child, list_span, None)
            }
        };
        std::thread::sleep(random_delay(&mut rng, span));
        if child.try_wait().unwrap().is_none() {
            killed_while_alive += 1;
        }
        let _ = child.kill(); // SIGKILL, wherever it is
        let out = child.wait_with_output().unwrap();
        if kind == "create" {
            if let Ok(run) = serde_json::from_slice::<Value>(&out.stdout) {
                returned.insert(run["id"].as_str().unwrap().to_owned());
            }
            let rows = rt.block_on(desk.ctx().store().list(&ListQuery {
                limit: Some(ListQuery::MAX_LIMIT),
                ..Default::default()
            }));
            *landings
                .entry(landing(&rows_before, &rows.unwrap().0))
                .or_default() += 1;
        }

        // The restart: the next command, which settles what the kill left.
        if let Some(fresh) = fresh {
            let args = settings_args(2);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = cmd_at(fresh.path(), &args).output().unwrap();
            if !out.status.success() {
                failures.push(format!(
                    "kill {k}: fresh dir unusable after a kill during its migration: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            let problems = rt.block_on(async {
                let fresh_desk = open_desk(fresh.path(), false).await;
                let mut problems = Vec::new();
                let integrity = fresh_desk.ctx().store().integrity_check().await.unwrap();
                if integrity != "ok" {
                    problems.push(format!("kill {k}: fresh dir integrity: {integrity}"));
                }
                let settings = fresh_desk.ctx().store().settings().await.unwrap();
                if settings.max_concurrent_runs != 2 {
                    problems.push(format!("kill {k}: fresh dir settings not saved on restart"));
                }
                fresh_desk.ctx().store().raw_pool().close().await;
                problems
            });
            failures.extend(problems);
            fresh_dirs.push(fresh);
            continue;
        }
        let out = home.run(&["list", "--json", "--limit", "1"]);
        if !out.status.success() {
            failures.push(format!(
                "kill {k}: restart failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let problems = rt.block_on(async {
            let mut problems = Vec::new();
            let integrity = desk.ctx().store().integrity_check().await.unwrap();
            if integrity != "ok" {
                problems.push(format!("kill {k}: integrity_check: {integrity}"));
            }
            let (rows, _) = desk
                .ctx()
                .store()
                .list(&ListQuery {
                    limit: Some(ListQuery::MAX_LIMIT),
                    ..Default::default()
                })
                .await
                .unwrap();
            let now: BTreeSet<String> = rows.iter().map(|r| r.id.clone()).collect();
            for id in returned.iter().chain(rows_seen.iter()) {
                if !now.contains(id) {
                    problems.push(format!("kill {k}: run {id} lost"));
                }
            }
            rows_seen.extend(now);
            for row in &rows {
                let live = row.status() != RunStatus::Running
                    || alive(row.pid, row.process_start_time)
                    || alive(row.supervisor_pid, row.supervisor_start_time);
                if live {
                    running_without_process.remove(&row.id);
                } else {
                    let since = *running_without_process
                        .entry(row.id.clone())
                        .or_insert_with(Instant::now);
                    if since.elapsed() > STUCK_LIMIT {
                        problems.push(format!(
                            "kill {k}: run {} RUNNING without a live process for {:?}",
                            row.id,
                            since.elapsed()
                        ));
                    }
                }
            }
            problems
        });
        failures.extend(problems);
    }
    let kill_phase = started.elapsed();

    // The end: every run reaches its true terminal state.
    let (stuck, finished_problems, total, leftovers) = rt.block_on(async {
        let stuck = support::wait_all_terminal(home.path(), &desk, Duration::from_secs(60)).await;
        let (rows, total) = desk
            .ctx()
            .store()
            .list(&ListQuery {
                limit: Some(ListQuery::MAX_LIMIT),
                ..Default::default()
            })
            .await
            .unwrap();
        let mut problems = Vec::new();
        for row in &rows {
            problems.extend(support::problems_of_finished_run(&desk, &row.id).await);
        }
        let leftovers: Vec<String> = rows
            .iter()
            .filter(|r| !support::processes_of_run(&r.id).is_empty())
            .map(|r| r.id.clone())
            .collect();
        let integrity = desk.ctx().store().integrity_check().await.unwrap();
        if integrity != "ok" {
            problems.push(format!("final integrity_check: {integrity}"));
        }
        (stuck, problems, total, leftovers)
    });
    let lost: Vec<&String> = returned.iter().filter(|id| !rows_seen.contains(*id)).collect();
    let folders = std::fs::read_dir(home.path().join("runs"))
        .map(|d| d.count())
        .unwrap_or(0);
    eprintln!(
        "crash loop: {kills} kills tried ({killed_while_alive} hit a live fdesk) in {kill_phase:?}; by command {kinds:?}; \
         kills of `create` landed {landings:?}"
    );
    eprintln!(
        "crash loop: {} creations returned, {total} runs exist ({} folders; the rest are creations killed before \
         their row), {} survived with their true state, lost {}, not terminal {}, wrong {}, processes left by {}",
        returned.len(),
        folders,
        total as usize - finished_problems.len().min(total as usize),
        lost.len(),
        stuck.len(),
        finished_problems.len(),
        leftovers.len(),
    );
    failures.extend(lost.iter().map(|id| format!("run {id} lost")));
    failures.extend(stuck.iter().map(|r| format!("never terminal: {r}")));
    failures.extend(finished_problems);
    failures.extend(
        leftovers
            .iter()
            .map(|id| format!("processes of {id} outlived it")),
    );
    assert!(
        failures.is_empty(),
        "{} of {kills} kills broke the promise:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(total as usize >= returned.len() && total > 0);
}

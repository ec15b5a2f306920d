//! Hostile input: the parsers that read what simulators and users write
//! (progress events, FUSION log lines, INI configs and overrides) fed with
//! arbitrary and near-valid input. Nothing may panic, and what comes out
//! stays sane (percentages within 0–100, finite numbers). Bounded cases, so
//! the suite runs in CI; the corpus of hostile artifact paths lives in
//! artifacts_paths.rs and the IPC payloads in the app package's tests/app/ipc.rs.
//!
//! A hostile simulator (the test simulator's hostile modes) then attacks
//! the app through its run folder: links at every name the app reads or
//! writes, FIFOs and /dev/zero as its log and progress, `Saving to:` lines
//! naming private folders, a 1 GiB line, a folder deleted mid-run. Canary
//! files must stay unchanged, no canary byte may reach any output, and every
//! run must settle and be cancellable. Interpolation bombs are refused fast.
//!
//! `cargo nextest run -p fusion-desk-core --test it -E 'test(/^faults_hostile_input::/)' --no-capture` prints the figures.

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use fusion_desk_core::configs::{self, SimulatorKind};
use fusion_desk_core::ini::{self, Override};
use fusion_desk_core::live::progress::{parse_jsonl, parse_log_line, ProgressState};
use fusion_desk_core::live::{ProgressSource, RunProgress};
use fusion_desk_core::RunStatus;
use proptest::prelude::*;

fn cases() -> u32 {
    if std::env::var("FUSION_DESK_LONG_TESTS").is_ok_and(|v| v == "1") {
        20_000
    } else {
        600
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Values a hostile simulator might put in a field.
fn json_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("-1".to_owned()),
        Just("0".to_owned()),
        Just("1e308".to_owned()),
        Just("-1e308".to_owned()),
        Just("4294967296".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("1.5".to_owned()),
        Just("\"\"".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(|f| f.to_string()),
        "[a-zA-Z0-9 :.TZ-]{0,40}".prop_map(|s| format!("{s:?}")),
    ]
}

/// A progress event with the contract's shape and hostile values.
fn progress_event() -> impl Strategy<Value = String> {
    let kind = prop_oneof![
        Just("start"),
        Just("erlang_start"),
        Just("iteration"),
        Just("erlang_complete"),
        Just("complete"),
        Just("error"),
        Just("bogus"),
    ];
    (kind, proptest::collection::vec(json_value(), 10)).prop_map(|(kind, v)| {
        format!(
            r#"{{"type":"{kind}","ts":{},"erlang":{},"erlang_index":{},"total_erlangs":{},"iteration":{},"total_iterations":{},"config":{{"total_erlangs":{},"total_iterations":{}}},"metrics":{{"blocking_prob":{},"mean_blocking":{},"iterations":{}}},"exit_code":{},"message":{}}}"#,
            v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[4], v[0], v[0]
        )
    })
}

/// A FUSION log line with hostile numbers.
fn log_line() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        Just("99999999999999999999999".to_owned()),
        Just("-0".to_owned()),
        Just("NaN".to_owned()),
        Just("inf".to_owned()),
        "[0-9.e+-]{0,12}",
    ];
    let template = prop_oneof![
        Just("Starting simulation for {} Erlang (load {}/{})"),
        Just("Iteration {} out of {} completed for Erlang: {}"),
        Just("Mean of blocking: {}"),
        Just("CHILD=s1 iteration={}, done_units={}"),
        Just("my_iteration_units={}"),
        Just("Confidence interval of {}% reached at iteration {} for Erlang {}"),
        Just("Completed {} Erlang in {} seconds"),
        Just("{}"),
    ];
    let ts = prop_oneof![
        Just("2025-01-02 03:04:05,678".to_owned()),
        Just("9999-99-99 99:99:99,999".to_owned()),
        "[0-9 :,-]{0,25}",
    ];
    (ts, template, proptest::collection::vec(number, 3)).prop_map(|(ts, template, n)| {
        let mut msg = template.to_owned();
        for v in &n {
            msg = msg.replacen("{}", v, 1);
        }
        format!("{ts} - fusion.core.simulation - INFO - {msg}")
    })
}

fn assert_sane(p: &RunProgress) -> Result<(), TestCaseError> {
    if let Some(percent) = p.percent {
        prop_assert!(
            (0.0..=100.0).contains(&percent),
            "percent out of range: {percent}"
        );
    }
    for f in [p.elapsed_seconds, p.eta_seconds, p.erlang, p.total_time_seconds]
        .into_iter()
        .flatten()
    {
        prop_assert!(f.is_finite(), "a non-finite number in the progress: {p:?}");
    }
    // Every snapshot serialises for IPC.
    prop_assert!(serde_json::to_string(p).is_ok());
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// Arbitrary bytes, then near-valid events, folded in any order.
    #[test]
    fn progress_events_never_panic_and_stay_sane(
        garbage in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 0..4),
        events in proptest::collection::vec(progress_event(), 0..24),
    ) {
        let mut state = ProgressState::new(ProgressSource::ProgressFile);
        for line in garbage.iter().map(Vec::as_slice).chain(events.iter().map(String::as_bytes)) {
            if let Some(event) = parse_jsonl(line) {
                state.apply(event);
                assert_sane(&state.take_changes())?;
            }
        }
        assert_sane(&state.snapshot())?;
    }

    #[test]
    fn log_lines_never_panic_and_stay_sane(
        garbage in proptest::collection::vec(any::<u8>(), 0..400),
        lines in proptest::collection::vec(log_line(), 0..24),
    ) {
        let mut state = ProgressState::new(ProgressSource::Log);
        for line in std::iter::once(garbage.as_slice()).chain(lines.iter().map(String::as_bytes)) {
            if let Some(event) = parse_log_line(line) {
                state.apply(event);
            }
        }
        assert_sane(&state.snapshot())?;
    }

    /// INI-like text from hostile fragments, through every reader of configs.
    #[test]
    fn ini_text_never_panics_any_reader(
        fragments in proptest::collection::vec(
            prop_oneof![
                Just("[general_settings]\n".to_owned()),
                Just("[topology_settings]\n".to_owned()),
                Just("[test_sim]\n".to_owned()),
                Just("[\n".to_owned()),
                Just("]\n".to_owned()),
                Just("erlang_start = 10\n".to_owned()),
                Just("erlang_stop = 1e308\n".to_owned()),
                Just("erlang_step = 0\n".to_owned()),
                Just("erlang_step = -5\n".to_owned()),
                Just("max_iters = 18446744073709551616\n".to_owned()),
                Just("num_requests = -1\n".to_owned()),
                Just("network = ../../../../etc/passwd\n".to_owned()),
                Just("cores_per_link = NaN\n".to_owned()),
                Just("k_paths = 0\n".to_owned()),
                Just("  continued value\n".to_owned()),
                Just("= no key\n".to_owned()),
                Just("key_without_value\n".to_owned()),
                Just("%(interpolated)s\n".to_owned()),
                Just("; comment\n# comment\n".to_owned()),
                Just("\u{feff}\r\n".to_owned()),
                "[a-z_]{1,12} ?[=:] ?[ -~]{0,30}\n",
                any::<String>(),
            ],
            0..30,
        ),
        overrides in proptest::collection::vec("[ -~]{0,40}", 0..4),
    ) {
        let text: String = fragments.concat();
        let _ = configs::validate(&text, SimulatorKind::Embedded);
        let _ = configs::validate(&text, SimulatorKind::External);
        let _ = fusion_sim::config::from_str(&text, Path::new("/nonexistent"), &[]);
        let parsed: Vec<Override> = overrides.iter().filter_map(|o| Override::parse(o).ok()).collect();
        let applied = ini::apply_overrides(&text, &parsed);
        let _ = configs::validate(&applied, SimulatorKind::Embedded);
        for o in &parsed {
            prop_assert_eq!(ini::get_key(&applied, &o.section, &o.key).is_some(), true,
                "an applied override can be read back: {:?}", o);
            let _ = ini::set_key(&text, &o.section, &o.key, &o.value);
            let _ = ini::remove_key(&text, &o.section, &o.key);
        }
        let index = ini::LineIndex::new(&text);
        let _ = index.key_or_section("general_settings", "max_iters");
    }

    /// Arbitrary bytes as a config (what `configs_validate` and `fdesk validate` accept).
    #[test]
    fn arbitrary_text_never_panics_the_validator(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = configs::validate(&text, SimulatorKind::Embedded);
        let _ = fusion_sim::config::from_str(&text, Path::new("/nonexistent"), &[]);
        let _ = Override::parse(&text);
    }
}

/// Canary files outside the data dir, each holding a token that must never
/// appear in anything the app shows or writes.
struct Canaries {
    _dir: tempfile::TempDir,
    root: PathBuf,
    token: String,
    files: Vec<(PathBuf, Vec<u8>, SystemTime)>,
}

impl Canaries {
    fn new() -> Canaries {
        let dir = tempfile::Builder::new().prefix("canary").tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let token = format!("CANARY-{:016x}", rand_u64());
        let out = "data/output/NSFNet/1126/05_06_38_242824/s1";
        let mut files = Vec::new();
        for rel in [
            "secret.txt".to_owned(),
            format!(".ssh/{out}/100.0_erlang.json"),
            format!("project/{out}/100.0_erlang.json"),
            "home/id_rsa".to_owned(),
        ] {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let body = format!("{{\"blocking_mean\": 0.5, \"key\": \"{token}\"}}\n").into_bytes();
            std::fs::write(&path, &body).unwrap();
            let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
            files.push((path, body, mtime));
        }
        Canaries {
            _dir: dir,
            root,
            token,
            files,
        }
    }

    fn secret(&self) -> PathBuf {
        self.root.join("secret.txt")
    }

    /// Folders a hostile simulator claims as its results.
    fn claimed_folders(&self) -> String {
        let out = "data/output/NSFNet/1126/05_06_38_242824/s1";
        [
            self.root.to_string_lossy().into_owned(),
            self.root
                .join(format!(".ssh/{out}"))
                .to_string_lossy()
                .into_owned(),
            self.root
                .join(format!("project/{out}"))
                .to_string_lossy()
                .into_owned(),
            self.root.join("home").to_string_lossy().into_owned(),
            "/".to_owned(),
        ]
        .join(",")
    }

    fn assert_intact(&self) {
        for (path, body, mtime) in &self.files {
            assert_eq!(
                &std::fs::read(path).unwrap(),
                body,
                "{} was changed",
                path.display()
            );
            assert_eq!(
                std::fs::metadata(path).unwrap().modified().unwrap(),
                *mtime,
                "{} was written",
                path.display()
            );
        }
    }

    fn assert_absent(&self, what: &str, text: &str) {
        assert!(
            !text.contains(&self.token),
            "a canary leaked into {what}: {text:.2000}"
        );
    }

    fn assert_absent_below(&self, dir: &Path) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let meta = entry.path().symlink_metadata().unwrap();
            if meta.is_dir() {
                self.assert_absent_below(&entry.path());
            } else if meta.is_file() {
                let bytes = std::fs::read(entry.path()).unwrap();
                self.assert_absent(
                    &entry.path().display().to_string(),
                    &String::from_utf8_lossy(&bytes),
                );
            }
        }
    }
}

fn rand_u64() -> u64 {
    let t = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap();
    t.as_nanos() as u64 ^ (u64::from(std::process::id()) << 32)
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

/// Everything the app can show or write about a run, checked for canaries.
async fn assert_nothing_leaks(t: &support::TestDesk, c: &Canaries, id: &str, exports: &Path) {
    let desk = &t.desk;
    let json = |v: &dyn erased::Ser| v.json();
    let run = desk.get(id).await.unwrap();
    c.assert_absent("the run", &json(&run));
    let outcome = |r: Result<String, fusion_desk_core::DeskError>| match r {
        Ok(s) => s,
        Err(e) => e.message,
    };
    c.assert_absent("config_text", &outcome(desk.config_text(id).await));
    c.assert_absent(
        "log_snapshot",
        &outcome(
            desk.live()
                .log_snapshot(id, None, 1 << 20)
                .await
                .map(|s| json(&s)),
        ),
    );
    c.assert_absent(
        "log_lines",
        &outcome(desk.live().log_lines(id, 0, 1000).await.map(|s| json(&s))),
    );
    c.assert_absent(
        "progress",
        &outcome(desk.live().progress(id).await.map(|p| json(&p))),
    );
    c.assert_absent(
        "results",
        &outcome(desk.artifacts().results(id).await.map(|r| json(&r))),
    );
    c.assert_absent("results_csv", &outcome(desk.artifacts().results_csv(id).await));
    let roots = desk.artifacts().artifact_roots(id).await.unwrap();
    assert!(
        roots.iter().all(|r| !Path::new(&r.path).starts_with(&c.root)),
        "a canary folder became a results root: {roots:?}"
    );
    // Every entry, listed and previewed, three levels deep.
    let mut folders = vec![String::new()];
    for _ in 0..3 {
        let mut next = Vec::new();
        for folder in folders {
            let Ok(listing) = desk.artifacts().list_artifacts(id, &folder, None, None).await else {
                continue;
            };
            c.assert_absent("a listing", &json(&listing));
            for entry in listing.entries {
                match entry.kind {
                    fusion_desk_core::artifacts::EntryKind::Dir
                    | fusion_desk_core::artifacts::EntryKind::Root => next.push(entry.path.clone()),
                    _ => c.assert_absent(
                        "a preview",
                        &outcome(
                            desk.artifacts()
                                .preview_artifact(id, &entry.path)
                                .await
                                .map(|p| json(&p)),
                        ),
                    ),
                }
            }
        }
        folders = next;
    }
    // A whole-run copy would write the 1 GiB line out in full: that run's
    // output and config are exported instead.
    let huge = run
        .overrides
        .iter()
        .any(|o| o.starts_with("test_sim.huge_line_mib"));
    let exports = exports.join(id);
    std::fs::create_dir(&exports).unwrap();
    if huge {
        for part in ["output", "config.ini", "progress.jsonl"] {
            let _ = desk
                .artifacts()
                .export_artifacts(id, Some(part), &exports.join(part), false)
                .await;
        }
    } else {
        let _ = desk
            .artifacts()
            .export_artifacts(id, None, &exports.join("run"), false)
            .await;
        let _ = desk
            .artifacts()
            .export_artifacts_with(id, None, &exports.join("all"), false, true)
            .await;
    }
    c.assert_absent_below(&exports);
    std::fs::remove_dir_all(&exports).unwrap();
    // The same through the command line.
    for args in [
        vec!["show", id],
        vec!["logs", id],
        vec!["artifacts", id],
        vec!["artifacts", id, "output"],
        vec!["results", id],
        vec!["results", id, "--csv"],
    ] {
        let mut child = std::process::Command::new(support::bin("fdesk"))
            .args(&args)
            .env("FUSION_DESK_HOME", t.home.path())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let token = c.token.clone().into_bytes();
        let err_token = token.clone();
        let mut stderr = child.stderr.take().unwrap();
        let err = std::thread::spawn(move || streams_token(&mut stderr, &err_token));
        // `fdesk logs` prints the log raw, a 1 GiB line included: streamed.
        let found = streams_token(child.stdout.as_mut().unwrap(), &token);
        let found_err = err.join().unwrap();
        child.wait().unwrap();
        assert!(!found && !found_err, "a canary leaked into fdesk {args:?}");
    }
}

/// Reads a stream to its end in chunks; true when `token` occurs in it.
fn streams_token(r: &mut impl std::io::Read, token: &[u8]) -> bool {
    let mut window: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut found = false;
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) | Err(_) => return found,
            Ok(n) => n,
        };
        window.extend_from_slice(&buf[..n]);
        found |= memchr::memmem::find(&window, token).is_some();
        let keep = window.len().saturating_sub(token.len());
        window.drain(..keep);
    }
}

/// Serialising the different response types with one helper.
mod erased {
    pub trait Ser {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Ser for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap()
        }
    }
}

/// The length of the hostile simulator's huge line: a sparse hole, so no
/// disk is used, but every reader streams all of it. 1 GiB in the long
/// variant (`FUSION_DESK_LONG_TESTS=1`); 256 MiB by default keeps the suite
/// fast while still far beyond every buffer and line cap of the readers.
fn huge_line_mib() -> u64 {
    if std::env::var("FUSION_DESK_LONG_TESTS").is_ok_and(|v| v == "1") {
        1024
    } else {
        256
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hostile_simulator_reaches_nothing_outside_its_folder_and_every_run_settles() {
    let c = Canaries::new();
    let exports = tempfile::tempdir().unwrap();
    let t = support::desk(8, 1.0).await;
    let secret = c.secret().to_string_lossy().into_owned();
    let claimed = c.claimed_folders();
    let quiet = ["test_sim.write_progress=false", "test_sim.iterations=3"];
    let links = format!("test_sim.plant_links={secret}");
    let saving = format!("test_sim.saving_to={claimed}");
    let huge = format!("test_sim.huge_line_mib={}", huge_line_mib());
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("links", vec![&links, &saving]),
        ("fifos", vec!["test_sim.progress_as=fifo", "test_sim.log_as=fifo"]),
        ("zeros", vec!["test_sim.progress_as=zero", "test_sim.log_as=zero"]),
        ("huge line", vec![&huge, &saving]),
        ("deleted folder", vec!["test_sim.delete_folder=true"]),
        ("exit.json folder", vec!["test_sim.exit_json_dir=true"]),
        ("plain", vec!["test_sim.write_progress=true"]),
    ];
    let started = Instant::now();
    let mut runs = Vec::new();
    for (name, extra) in &cases {
        let mut overrides: Vec<&str> = quiet.to_vec();
        overrides.extend(extra.iter().copied());
        runs.push((*name, t.create(&overrides).await));
    }
    // One more that is cancelled mid-run, links planted.
    let long = t
        .create(&[
            "test_sim.write_progress=false",
            "test_sim.iterations=100000",
            "test_sim.step_ms=20",
            &links,
            &saving,
        ])
        .await;
    t.wait_for_status(&long.id, RunStatus::Running).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    t.desk.cancel(&long.id).await.unwrap();

    let mut settled = Vec::new();
    for (name, run) in runs.iter().chain(std::iter::once(&("cancelled", long.clone()))) {
        let done = t
            .desk
            .wait(&run.id, Some(Duration::from_secs(90)))
            .await
            .unwrap_or_else(|e| panic!("the {name} run did not settle: {e:?}"));
        assert!(done.status.is_terminal(), "{name}: {:?}", done.status);
        settled.push((*name, done));
    }
    let settle_seconds = started.elapsed().as_secs_f64();
    c.assert_intact();
    for (name, run) in &settled {
        let checked = Instant::now();
        eprintln!(
            "hostile run {name}: {:?} {}",
            run.status,
            run.error_message
                .as_deref()
                .unwrap_or("")
                .lines()
                .next()
                .unwrap_or("")
        );
        match *name {
            "cancelled" => assert_eq!(run.status, RunStatus::Cancelled, "{run:?}"),
            "plain" | "links" | "huge line" | "fifos" | "zeros" => {
                assert_eq!(run.status, RunStatus::Completed, "{name}: {run:?}")
            }
            // The supervisor records the exit status even with no folder
            // left (COMPLETED), unless a poll saw the folder gone first
            // (FAILED, saying so): either way the run settles.
            "deleted folder" => assert!(
                run.status == RunStatus::Completed
                    || run
                        .error_message
                        .as_deref()
                        .is_some_and(|m| m.contains("folder disappeared")),
                "{run:?}"
            ),
            _ => {}
        }
        assert_nothing_leaks(&t, &c, &run.id, exports.path()).await;
        eprintln!("  checked in {:.1} s", checked.elapsed().as_secs_f64());
    }
    c.assert_intact();

    // Modes: the data is the user's alone.
    let home = t.home.path();
    let plain = &settled.iter().find(|(n, _)| *n == "plain").unwrap().1;
    let dir = home.join("runs").join(&plain.id);
    assert_eq!(mode(home), 0o700);
    assert_eq!(mode(&home.join("fusion-desk.db")), 0o600);
    for d in [dir.clone(), dir.join("logs"), dir.join("output")] {
        assert_eq!(mode(&d), 0o700, "{}", d.display());
    }
    for f in [
        "config.ini",
        "exit.json",
        "logs/sim.log",
        "logs/supervisor.log",
        "run.lock",
    ] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    eprintln!(
        "hostile simulator: {} runs (links, FIFOs, /dev/zero, a {} MiB line, a deleted folder, a cancel) settled in {settle_seconds:.1} s; canaries intact",
        settled.len(),
        huge_line_mib()
    );
}

/// The bomb from the report: ten levels of ten references, 300 bytes of text.
fn bomb() -> String {
    let mut text = String::from("[general_settings]\nsim_type = yue\nk0 = xxxxxxxxxx\n");
    for i in 1..=10 {
        text.push_str(&format!("k{i} = {}\n", format!("%(k{})s", i - 1).repeat(10)));
    }
    text.push_str("erlang_start = %(k10)s\n");
    text
}

#[test]
fn interpolation_bombs_are_refused_in_under_a_second() {
    let text = bomb();
    for kind in [SimulatorKind::Embedded, SimulatorKind::External] {
        let started = Instant::now();
        let report = configs::validate(&text, kind);
        let took = started.elapsed();
        assert!(!report.valid, "{report:?}");
        assert!(took < Duration::from_secs(1), "validation took {took:?}");
        eprintln!(
            "interpolation bomb: refused in {:.1} ms ({kind:?})",
            took.as_secs_f64() * 1e3
        );
    }
    let started = Instant::now();
    let _ = fusion_sim::config::from_str(&text, Path::new("/nonexistent"), &[]);
    assert!(started.elapsed() < Duration::from_secs(1));
}

/// The editor checks the text 300 ms after each keystroke: pasting the bomb
/// gets an invalid report at once.
#[tokio::test(flavor = "multi_thread")]
async fn the_editors_check_refuses_a_bomb_at_once() {
    let t = support::desk(1, 1.0).await;
    let started = Instant::now();
    let report = t.desk.configs().validate_config(&bomb()).await.unwrap();
    let took = started.elapsed();
    assert!(!report.valid);
    assert!(
        report.errors.iter().any(|e| e.message.contains("interpolation")),
        "{report:?}"
    );
    assert!(took < Duration::from_secs(1), "the editor's check took {took:?}");
}

#[test]
fn fdesk_validate_refuses_a_bomb_quickly_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.ini");
    std::fs::write(&path, bomb()).unwrap();
    let started = Instant::now();
    // 1 GiB of address space is far below what the bomb would take.
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg("ulimit -v 1048576; exec \"$0\" validate \"$1\"")
        .arg(support::bin("fdesk"))
        .arg(&path)
        .env("FUSION_DESK_HOME", dir.path().join("home"))
        .output()
        .unwrap();
    let took = started.elapsed();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.code().is_some(), "fdesk validate was killed: {out:?}");
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("interpolation"), "{text}");
    assert!(took < Duration::from_secs(2), "fdesk validate took {took:?}");
    eprintln!(
        "fdesk validate on the bomb: {:.0} ms under a 1 GiB address-space limit",
        took.as_secs_f64() * 1e3
    );
}

/// A config may name its topology or modulation table by path: a FIFO, a
/// device or a private file there is refused at once, and nothing of the
/// file's content appears in the report; the editor's check (on the
/// blocking pool, within its time budget) and `fdesk validate` alike.
#[tokio::test(flavor = "multi_thread")]
async fn configs_naming_fifos_devices_or_private_files_are_refused_without_echo() {
    let c = Canaries::new();
    let fifo = c.root.join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let t = support::desk(1, 1.0).await;
    let base = t.desk.configs().template_text("quick").unwrap();
    let secret = c.secret().to_string_lossy().into_owned();
    let fifo = fifo.to_string_lossy().into_owned();
    for (section, key) in [
        ("topology_settings", "network"),
        ("general_settings", "mod_assumption_path"),
    ] {
        for target in ["/dev/zero", fifo.as_str(), secret.as_str()] {
            let text = ini::set_key(&base, section, key, target).unwrap();
            let started = Instant::now();
            for kind in [SimulatorKind::Embedded, SimulatorKind::External] {
                let report = configs::validate(&text, kind);
                c.assert_absent(&format!("validate {key}={target}"), &format!("{report:?}"));
            }
            let report = t.desk.configs().validate_config(&text).await.unwrap();
            c.assert_absent("the editor's check", &format!("{report:?}"));
            let took = started.elapsed();
            assert!(took < Duration::from_secs(1), "{key}={target} took {took:?}");
            if target != secret {
                assert!(!report.valid, "{key}={target}: {report:?}");
            }
        }
    }
    let file = c.root.join("zero.ini");
    std::fs::write(
        &file,
        ini::set_key(&base, "topology_settings", "network", &fifo).unwrap(),
    )
    .unwrap();
    let out = std::process::Command::new(support::bin("fdesk"))
        .arg("validate")
        .arg(&file)
        .env("FUSION_DESK_HOME", t.home.path())
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    c.assert_absent("fdesk validate", &String::from_utf8_lossy(&out.stdout));
}

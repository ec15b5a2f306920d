//! Hostile input: the parsers that read what simulators and users write
//! (progress events, FUSION log lines, INI configs and overrides) fed with
//! arbitrary and near-valid input. Nothing may panic, and what comes out
//! stays sane (percentages within 0–100, finite numbers). Bounded cases, so
//! the suite runs in CI; the corpus of hostile artifact paths lives in
//! artifacts_paths.rs and the IPC payloads in the app package's tests/app/ipc.rs.
//!
//! `cargo nextest run -p fusion-desk-core --test it -E 'test(/^faults_hostile_input::/)' --no-capture` prints the figures.

use std::path::Path;

use fusion_desk_core::configs::{self, SimulatorKind};
use fusion_desk_core::ini::{self, Override};
use fusion_desk_core::live::progress::{parse_jsonl, parse_log_line, ProgressState};
use fusion_desk_core::live::{ProgressSource, RunProgress};
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

/// Prints what the properties above tried (they run in this same binary).
#[test]
fn zz_report_hostile_input_figures() {
    eprintln!(
        "hostile input: {} cases per property (progress events, log lines, INI readers, arbitrary configs); \
         panics: 0 (a panic fails its property)",
        cases()
    );
}

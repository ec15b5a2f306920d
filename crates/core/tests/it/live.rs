//! Live progress and logs: tailing, progress parsing, streams with resume,
//! random access and search, and a run end to end under the supervisor.

use crate::support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use fusion_desk_core::live::index::{read_lines, search};
use fusion_desk_core::live::progress::{parse_jsonl, parse_log_line, ProgressState};
use fusion_desk_core::live::{
    follow_log, read_progress, EndSignal, FollowOptions, LoadEnd, LogMessage, LogSearchQuery,
    ProgressMessage, ProgressReader, ProgressSource, RunProgress, MESSAGE_BUDGET,
};
use fusion_desk_core::RunStatus;
use tokio::sync::{mpsc, oneshot};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fusion_logs")
        .join(name)
}

/// Progress derived from a log file fed through the reader in small pieces,
/// so that lines arrive split across reads.
fn progress_of_log_in_pieces(log: &Path, piece: usize) -> RunProgress {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("sim.log");
    let bytes = std::fs::read(log).unwrap();
    let mut f = std::fs::File::create(&target).unwrap();
    let mut reader = ProgressReader::new(dir.path().join("progress.jsonl"), target.clone());
    for chunk in bytes.chunks(piece) {
        f.write_all(chunk).unwrap();
        f.flush().unwrap();
        while reader.poll().more {}
    }
    reader.drain();
    reader.snapshot().expect("the log has progress")
}

fn end_when(rx: oneshot::Receiver<RunStatus>) -> EndSignal {
    Box::pin(async move { rx.await.ok() })
}

fn never() -> EndSignal {
    Box::pin(std::future::pending())
}

/// Receives log messages until `End`, checking order, contiguity and size.
async fn collect_lines(rx: &mut mpsc::Receiver<LogMessage>, until_lines: Option<u64>) -> (Vec<String>, u64) {
    let mut lines = Vec::new();
    let mut offset = None;
    let mut next_line = None;
    while let Some(msg) = tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .expect("a message within 30 s")
    {
        let size = serde_json::to_string(&msg).unwrap().len();
        assert!(size <= MESSAGE_BUDGET, "a message of {size} bytes");
        match msg {
            LogMessage::Lines {
                first_line,
                offset_start,
                offset_end,
                lines: batch,
            } => {
                if let Some(o) = offset {
                    assert_eq!(offset_start, o, "batches are contiguous");
                }
                if let Some(n) = next_line {
                    assert_eq!(first_line, n, "line numbers are contiguous");
                }
                assert!(offset_end > offset_start);
                offset = Some(offset_end);
                next_line = Some(first_line + batch.len() as u64);
                lines.extend(batch);
                if until_lines.is_some_and(|n| lines.len() as u64 >= n) {
                    return (lines, offset.unwrap());
                }
            }
            LogMessage::Reset => panic!("unexpected reset"),
            LogMessage::End { .. } => break,
        }
    }
    (lines, offset.unwrap_or(0))
}

// ------------------------------------------------------------------ parsing

#[test]
fn real_fusion_log_with_confidence_stops_gives_loads_early_stops_and_100_percent() {
    let p = progress_of_log_in_pieces(&data("run_1core_ci_stop.log"), 97);
    assert_eq!(p.source, ProgressSource::Log);
    assert_eq!(p.total_erlangs, Some(3));
    assert_eq!(p.total_iterations, Some(10));
    assert_eq!(p.loads.len(), 3);
    let (a, b, c) = (&p.loads[0], &p.loads[1], &p.loads[2]);
    assert_eq!(
        (a.erlang, a.iteration, a.complete, a.early_stop),
        (300.0, 10, true, false)
    );
    assert_eq!(a.mean_blocking, Some(0.0334));
    assert_eq!((b.erlang, b.iteration, b.early_stop), (500.0, 4, true));
    assert_eq!(b.ci_percent, Some(4.25));
    assert_eq!(b.mean_blocking, Some(0.1109));
    assert_eq!((c.erlang, c.iteration, c.early_stop), (700.0, 2, true));
    assert_eq!(
        p.finished_iterations, 30,
        "early-stopped loads count all their iterations"
    );
    assert_eq!(p.percent, Some(100.0));
    assert!(p.complete);
    assert_eq!(p.total_time_seconds, Some(320.15));
    assert_eq!(p.eta_seconds, Some(0.0));
}

#[test]
fn real_fusion_log_read_halfway_gives_the_current_load_iteration_and_an_eta() {
    let text = std::fs::read_to_string(data("run_1core_ci_stop.log")).unwrap();
    let upto = text.find("Starting simulation for 500.0").unwrap();
    let upto = upto + text[upto..].find("CHILD=s1 iteration=1").unwrap();
    let upto = upto + text[upto..].find('\n').unwrap() + 1;
    let mut state = ProgressState::new(ProgressSource::Log);
    for line in text[..upto].lines() {
        if let Some(e) = parse_log_line(line.as_bytes()) {
            state.apply(e);
        }
    }
    let p = state.snapshot();
    assert_eq!(p.erlang, Some(500.0));
    assert_eq!(p.erlang_index, Some(1));
    assert_eq!(p.iteration, Some(2));
    assert_eq!(p.finished_iterations, 12);
    assert_eq!(p.percent, Some(40.0));
    assert!(!p.complete);
    let eta = p.eta_seconds.unwrap();
    let elapsed = p.elapsed_seconds.unwrap();
    assert!((eta - elapsed * 1.5).abs() < 1e-6, "eta {eta} elapsed {elapsed}");
}

#[test]
fn real_fusion_small_log_and_interrupted_log() {
    let p = progress_of_log_in_pieces(&data("run_small_3cores.log"), 4096);
    assert_eq!(p.percent, Some(100.0));
    assert_eq!(
        p.loads.iter().map(|l| l.iteration).collect::<Vec<_>>(),
        vec![3, 3, 3]
    );
    assert!(p.loads.iter().all(|l| l.complete && !l.early_stop));

    let p = progress_of_log_in_pieces(&data("run_sigterm.log"), 10);
    assert_eq!(p.total_erlangs, Some(6));
    assert_eq!(p.total_iterations, Some(3));
    assert_eq!(p.erlang, Some(50.0));
    assert_eq!(p.iteration, Some(0));
    assert_eq!(p.percent, Some(0.0));
    assert!(!p.complete);
}

const EVERY_EVENT: &str = r#"{"type":"start","ts":"2026-01-01T00:00:00Z","config":{"total_erlangs":2,"total_iterations":4,"erlang_start":100,"erlang_stop":200,"erlang_step":100}}
{"type":"erlang_start","ts":"2026-01-01T00:00:01Z","erlang":100.0,"erlang_index":0,"total_erlangs":2}
{"type":"iteration","ts":"2026-01-01T00:00:02Z","erlang":100.0,"iteration":1,"total_iterations":4,"metrics":{"blocking_prob":0.1,"mean_hops":2.5,"brand_new":1}}
not json at all
{"type":"iteration","ts":"2026-01-01T00:00:03Z","erlang":100.0,"iteration":2,"total_iterations":4,"metrics":{"blocking_prob":0.3}}
{"type":"telemetry","ts":"2026-01-01T00:00:03Z","cpu":3}
{"type":"iteration","erlang":"oops","iteration":"x"}
{"type":"erlang_complete","ts":"2026-01-01T00:00:04Z","erlang":100.0,"metrics":{"mean_blocking":0.2,"ci_lower":0.15,"ci_upper":0.25,"ci_percent":4.5,"iterations":2}}
[1,2,3]
{"type":"erlang_start","ts":"2026-01-01T00:00:05Z","erlang":200.0,"erlang_index":1,"total_erlangs":2}
{"type":"iteration","ts":"2026-01-01T00:00:06Z","erlang":200.0,"iteration":1,"total_iterations":4,"metrics":{"blocking_prob":0.5}}
"#;

#[test]
fn every_progress_event_type_folds_into_the_run_progress_and_garbage_is_skipped() {
    let mut state = ProgressState::new(ProgressSource::ProgressFile);
    for line in EVERY_EVENT.lines() {
        if let Some(e) = parse_jsonl(line.as_bytes()) {
            state.apply(e);
        }
    }
    let p = state.snapshot();
    assert_eq!(
        state.events(),
        7,
        "garbage, unknown types and bad fields are skipped"
    );
    assert_eq!((p.total_erlangs, p.total_iterations), (Some(2), Some(4)));
    assert_eq!(
        (p.erlang, p.erlang_index, p.iteration),
        (Some(200.0), Some(1), Some(1))
    );
    let first = &p.loads[0];
    assert_eq!(first.latest_blocking, Some(0.3));
    assert_eq!(first.mean_blocking, Some(0.2));
    assert_eq!(
        (first.ci_lower, first.ci_upper, first.ci_percent),
        (Some(0.15), Some(0.25), Some(4.5))
    );
    assert!(
        first.complete && first.early_stop,
        "2 of 4 iterations: stopped early"
    );
    assert_eq!(p.loads[1].mean_blocking, Some(0.5));
    // 4 (early-stopped load counts fully) + 1 of 8.
    assert_eq!(p.finished_iterations, 5);
    assert_eq!(p.percent, Some(62.5));
    assert_eq!(p.elapsed_seconds, Some(6.0));
    assert!((p.eta_seconds.unwrap() - 6.0 * 37.5 / 62.5).abs() < 1e-9);

    state.apply(
        parse_jsonl(br#"{"type":"error","ts":"2026-01-01T00:00:07Z","message":"boom","traceback":"..."}"#)
            .unwrap(),
    );
    state.apply(
        parse_jsonl(br#"{"type":"complete","ts":"2026-01-01T00:00:08Z","exit_code":1,"summary":{"total_time_seconds":8.5}}"#)
            .unwrap(),
    );
    let p = state.snapshot();
    assert_eq!(p.error.as_deref(), Some("boom"));
    assert!(p.complete);
    assert_eq!(
        (p.exit_code, p.total_time_seconds, p.percent),
        (Some(1), Some(8.5), Some(62.5)),
        "a failed run is not 100 % for having ended"
    );
}

fn fold(kind: ProgressSource, text: &str) -> ProgressState {
    let mut state = ProgressState::new(kind);
    for line in text.lines() {
        let event = match kind {
            ProgressSource::ProgressFile => parse_jsonl(line.as_bytes()),
            ProgressSource::Log => parse_log_line(line.as_bytes()),
        };
        if let Some(e) = event {
            state.apply(e);
        }
    }
    state
}

fn reasons(p: &RunProgress) -> Vec<Option<LoadEnd>> {
    p.loads.iter().map(|l| l.reason).collect()
}

/// Three loads of ten iterations: one ran them all, one met the confidence
/// target after four, one was cut off by a cancel after three.
const CANCELLED: &str = r#"{"type":"start","ts":"2026-01-01T00:00:00Z","config":{"total_erlangs":3,"total_iterations":10}}
{"type":"erlang_start","ts":"2026-01-01T00:00:00Z","erlang":100.0,"erlang_index":0,"total_erlangs":3}
{"type":"erlang_start","ts":"2026-01-01T00:00:00Z","erlang":200.0,"erlang_index":1,"total_erlangs":3}
{"type":"erlang_complete","ts":"2026-01-01T00:00:10Z","erlang":100.0,"reason":"max_iters","metrics":{"mean_blocking":0.0,"iterations":10}}
{"type":"erlang_complete","ts":"2026-01-01T00:00:04Z","erlang":200.0,"reason":"confidence","metrics":{"mean_blocking":0.02,"ci_percent":4.2,"iterations":4}}
{"type":"erlang_start","ts":"2026-01-01T00:00:10Z","erlang":300.0,"erlang_index":2,"total_erlangs":3}
{"type":"erlang_complete","ts":"2026-01-01T00:00:13Z","erlang":300.0,"reason":"interrupted","metrics":{"mean_blocking":0.05,"ci_percent":30.0,"iterations":3}}
{"type":"complete","ts":"2026-01-01T00:00:13Z","exit_code":143,"summary":{"total_time_seconds":13.0}}
"#;

#[test]
fn a_cancelled_run_counts_only_the_iterations_its_interrupted_load_ran() {
    let p = fold(ProgressSource::ProgressFile, CANCELLED).snapshot();
    assert_eq!(
        reasons(&p),
        [
            Some(LoadEnd::MaxIters),
            Some(LoadEnd::Confidence),
            Some(LoadEnd::Interrupted)
        ]
    );
    assert_eq!(
        p.loads.iter().map(|l| l.early_stop).collect::<Vec<_>>(),
        [false, true, false],
        "only the confidence rule makes an early stop"
    );
    // 10 + 10 (the confidence stop counts whole) + 3 of 30.
    assert_eq!(p.finished_iterations, 23);
    assert!((p.percent.unwrap() - 23.0 * 100.0 / 30.0).abs() < 1e-9);
    assert_eq!((p.loads_complete, p.loads_interrupted), (2, 1));
}

#[test]
fn a_run_whose_loads_all_ended_is_100_percent_even_with_early_stops() {
    let text = CANCELLED
        .replace(r#""reason":"interrupted""#, r#""reason":"confidence""#)
        .replace("\"exit_code\":143", "\"exit_code\":0");
    let p = fold(ProgressSource::ProgressFile, &text).snapshot();
    assert_eq!(p.percent, Some(100.0));
    assert_eq!((p.loads_complete, p.loads_interrupted), (3, 0));
}

#[test]
fn a_reason_missing_from_an_older_simulator_is_inferred_by_the_contract_s_rule() {
    let text = r#"{"type":"start","config":{"total_erlangs":4,"total_iterations":10}}
{"type":"erlang_complete","erlang":100.0,"metrics":{"iterations":10}}
{"type":"erlang_complete","erlang":200.0,"metrics":{"iterations":4,"ci_percent":5.0}}
{"type":"erlang_complete","erlang":300.0,"metrics":{"iterations":4,"ci_percent":5.1}}
{"type":"erlang_complete","erlang":400.0,"metrics":{"iterations":3}}
{"type":"erlang_complete","erlang":500.0,"reason":"something new","metrics":{"iterations":10}}
"#;
    let p = fold(ProgressSource::ProgressFile, text).snapshot();
    assert_eq!(
        reasons(&p),
        [
            Some(LoadEnd::MaxIters),
            Some(LoadEnd::Confidence),
            Some(LoadEnd::Interrupted),
            Some(LoadEnd::Interrupted),
            Some(LoadEnd::MaxIters),
        ],
        "an unknown reason is inferred too"
    );
}

#[test]
fn loads_still_open_when_the_run_ended_are_interrupted_and_percent_stays_below_100() {
    let text = CANCELLED
        .lines()
        .filter(|l| !l.contains("\"erlang\":300.0,\"reason\""))
        .chain([r#"{"type":"iteration","ts":"2026-01-01T00:00:12Z","erlang":300.0,"iteration":2,"total_iterations":10,"metrics":{"blocking_prob":0.05}}"#])
        .collect::<Vec<_>>()
        .join("\n");
    let mut state = fold(ProgressSource::ProgressFile, &text);
    assert_eq!(
        state.snapshot().loads[2].reason,
        None,
        "running until the run is over"
    );
    assert!(state.close_open_loads());
    let p = state.snapshot();
    assert_eq!(p.loads[2].reason, Some(LoadEnd::Interrupted));
    assert_eq!(p.finished_iterations, 22);
    assert!(p.percent.unwrap() < 100.0);
    assert!(!state.close_open_loads(), "nothing left to close");
}

#[test]
fn the_log_path_infers_reasons_from_fusion_s_own_lines() {
    let text = std::fs::read_to_string(data("run_1core_ci_stop.log")).unwrap();
    let p = fold(ProgressSource::Log, &text).snapshot();
    assert_eq!(
        reasons(&p),
        [
            Some(LoadEnd::MaxIters),
            Some(LoadEnd::Confidence),
            Some(LoadEnd::Confidence)
        ]
    );
    // FUSION stopped by SIGTERM: its loads never logged "Completed".
    let text = std::fs::read_to_string(data("run_sigterm.log")).unwrap();
    let mut state = fold(ProgressSource::Log, &text);
    state.close_open_loads();
    let p = state.snapshot();
    assert!(!p.loads.is_empty());
    assert!(p.loads.iter().all(|l| l.reason == Some(LoadEnd::Interrupted)));
    assert_eq!(p.loads_interrupted as usize, p.loads.len());
    assert!(p.percent.unwrap() < 100.0);
}

#[test]
fn the_contract_s_inference_rule_on_its_own() {
    assert_eq!(LoadEnd::infer(10, Some(10), None, None), LoadEnd::MaxIters);
    assert_eq!(LoadEnd::infer(12, Some(10), None, None), LoadEnd::MaxIters);
    assert_eq!(
        LoadEnd::infer(3, Some(10), Some(4.99), Some(0.1)),
        LoadEnd::Confidence
    );
    assert_eq!(
        LoadEnd::infer(3, Some(10), Some(5.01), Some(0.1)),
        LoadEnd::Interrupted
    );
    assert_eq!(LoadEnd::infer(0, Some(10), None, None), LoadEnd::Interrupted);
    // Nothing blocked: FUSION's rule never stops such a load, whatever
    // interval the simulator left in place.
    assert_eq!(
        LoadEnd::infer(3, Some(10), Some(0.0), Some(0.0)),
        LoadEnd::Interrupted
    );
}

#[test]
fn arbitrary_bytes_never_panic_the_parsers() {
    use proptest::prelude::*;
    proptest!(|(bytes in proptest::collection::vec(any::<u8>(), 0..300))| {
        let _ = parse_jsonl(&bytes);
        let _ = parse_log_line(&bytes);
    });
}

#[test]
fn the_progress_file_is_preferred_to_the_log_and_nothing_is_counted_twice() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    // The same run told twice: FUSION-style lines and progress events.
    std::fs::copy(data("run_small_3cores.log"), logs.join("sim.log")).unwrap();
    let mut reader = ProgressReader::new(dir.path().join("progress.jsonl"), logs.join("sim.log"));
    reader.drain();
    assert_eq!(reader.snapshot().unwrap().source, ProgressSource::Log);
    std::fs::write(dir.path().join("progress.jsonl"), EVERY_EVENT).unwrap();
    reader.drain();
    let p = reader.snapshot().unwrap();
    assert_eq!(p.source, ProgressSource::ProgressFile);
    assert_eq!(p.finished_iterations, 5);
    assert_eq!(p.total_erlangs, Some(2));
}

// -------------------------------------------------------------------- logs

#[tokio::test]
async fn a_partial_line_is_sent_only_once_complete_and_the_last_one_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.log");
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(b"first\nsec").unwrap();
    let (end_tx, end_rx) = oneshot::channel();
    let mut rx = follow_log(path.clone(), 0, 0, FollowOptions::default(), end_when(end_rx));
    let (lines, offset) = collect_lines(&mut rx, Some(1)).await;
    assert_eq!((lines, offset), (vec!["first".to_owned()], 6));
    assert!(
        tokio::time::timeout(Duration::from_millis(300), rx.recv())
            .await
            .is_err(),
        "half a line is held back"
    );
    f.write_all(b"ond\nthird without newline").unwrap();
    let (lines, offset) = collect_lines(&mut rx, Some(1)).await;
    assert_eq!((lines, offset), (vec!["second".to_owned()], 13));
    end_tx.send(RunStatus::Completed).unwrap();
    let (lines, _) = collect_lines(&mut rx, None).await;
    assert_eq!(lines, vec!["third without newline"]);
}

#[tokio::test]
async fn a_file_that_does_not_exist_yet_is_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.log");
    let mut rx = follow_log(path.clone(), 0, 0, FollowOptions::default(), never());
    tokio::time::sleep(Duration::from_millis(100)).await;
    std::fs::write(&path, "hello\n").unwrap();
    let (lines, _) = collect_lines(&mut rx, Some(1)).await;
    assert_eq!(lines, vec!["hello"]);
}

#[tokio::test]
async fn truncation_and_replacement_send_a_reset_and_start_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.log");
    std::fs::write(&path, "one\ntwo\n").unwrap();
    let mut rx = follow_log(path.clone(), 0, 0, FollowOptions::default(), never());
    collect_lines(&mut rx, Some(2)).await;
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(0)
        .unwrap();
    std::fs::write(&path, "x\n").unwrap();
    let mut got = Vec::new();
    while got.len() < 2 {
        got.push(
            tokio::time::timeout(Duration::from_secs(5), rx.recv())
                .await
                .unwrap()
                .unwrap(),
        );
    }
    assert_eq!(got[0], LogMessage::Reset);
    assert!(
        matches!(&got[1], LogMessage::Lines { first_line: 0, offset_start: 0, lines, .. } if lines == &["x"])
    );

    let tmp = dir.path().join("new.log");
    std::fs::write(&tmp, "replaced a\nreplaced b\nreplaced c\n").unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    let msg = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(msg, LogMessage::Reset);
    let (lines, _) = collect_lines(&mut rx, Some(3)).await;
    assert_eq!(lines, vec!["replaced a", "replaced b", "replaced c"]);
}

fn numbered_lines(from: u64, to: u64) -> String {
    let mut s = String::with_capacity(((to - from) * 14) as usize);
    for i in from..to {
        s.push_str("line ");
        s.push_str(&i.to_string());
        s.push('\n');
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_lines_arrive_in_order_with_none_lost_or_repeated() {
    const N: u64 = 1_000_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.log");
    // Half written before the stream opens, half while it runs, in uneven pieces.
    std::fs::write(&path, numbered_lines(0, N / 2)).unwrap();
    let (end_tx, end_rx) = oneshot::channel();
    let mut rx = follow_log(path.clone(), 0, 0, FollowOptions::default(), end_when(end_rx));
    let writer_path = path.clone();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::File::options().append(true).open(writer_path).unwrap();
        let rest = numbered_lines(N / 2, N);
        for piece in rest.as_bytes().chunks(100_003) {
            f.write_all(piece).unwrap();
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    let reader = tokio::spawn(async move { collect_lines(&mut rx, None).await });
    writer.join().unwrap();
    end_tx.send(RunStatus::Completed).unwrap();
    let (lines, offset) = reader.await.unwrap();
    assert_eq!(lines.len() as u64, N);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line, &format!("line {i}"));
    }
    assert_eq!(offset, std::fs::metadata(&path).unwrap().len());
}

#[tokio::test]
async fn a_stream_resumed_from_an_offset_neither_loses_nor_repeats_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.log");
    std::fs::write(&path, numbered_lines(0, 5000)).unwrap();
    let mut rx = follow_log(path.clone(), 0, 0, FollowOptions::default(), never());
    let (first, offset) = collect_lines(&mut rx, Some(1000)).await;
    drop(rx); // the tab is switched away
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(numbered_lines(5000, 6000).as_bytes())
        .unwrap();
    let first_line = first.len() as u64;
    let (end_tx, end_rx) = oneshot::channel();
    let mut rx = follow_log(
        path.clone(),
        offset,
        first_line,
        FollowOptions::default(),
        end_when(end_rx),
    );
    end_tx.send(RunStatus::Completed).unwrap();
    let (rest, _) = collect_lines(&mut rx, None).await;
    let all: Vec<String> = first.into_iter().chain(rest).collect();
    assert_eq!(all.len(), 6000);
    assert!(all.iter().enumerate().all(|(i, l)| l == &format!("line {i}")));
}

#[tokio::test]
async fn the_polling_fallback_follows_a_file_without_filesystem_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.log");
    let options = FollowOptions::polling(Duration::from_millis(30));
    let mut rx = follow_log(path.clone(), 0, 0, options, never());
    let mut f = std::fs::File::create(&path).unwrap();
    for i in 0..5 {
        writeln!(f, "polled {i}").unwrap();
        let (lines, _) = collect_lines(&mut rx, Some(1)).await;
        assert_eq!(lines, vec![format!("polled {i}")]);
    }
}

#[tokio::test]
async fn a_one_mebibyte_line_is_shown_cut_in_a_small_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.log");
    let mut data = b"before\n".to_vec();
    data.extend(std::iter::repeat_n(b'y', 1 << 20));
    data.extend_from_slice(b"\nafter\n");
    std::fs::write(&path, &data).unwrap();
    let (end_tx, end_rx) = oneshot::channel();
    let mut rx = follow_log(path.clone(), 0, 0, FollowOptions::default(), end_when(end_rx));
    end_tx.send(RunStatus::Completed).unwrap();
    let (lines, offset) = collect_lines(&mut rx, None).await;
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with("yyyy") && lines[1].ends_with("[line cut: 1048576 bytes]"));
    assert!(lines[1].len() < 4096);
    assert_eq!(lines[2], "after");
    assert_eq!(offset, data.len() as u64);
}

#[tokio::test]
async fn a_burst_is_batched_into_few_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.log");
    std::fs::write(&path, "").unwrap();
    let (end_tx, end_rx) = oneshot::channel();
    let mut rx = follow_log(path.clone(), 0, 0, FollowOptions::default(), end_when(end_rx));
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut f = std::fs::File::options().append(true).open(&path).unwrap();
    for i in 0..2000 {
        writeln!(f, "burst {i}").unwrap();
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    end_tx.send(RunStatus::Completed).unwrap();
    let mut messages = 0;
    let mut lines = 0;
    while let Some(m) = rx.recv().await {
        if let LogMessage::Lines { lines: l, .. } = m {
            messages += 1;
            lines += l.len();
        }
    }
    assert_eq!(lines, 2000);
    // 2000 lines of ~11 bytes fit in 3 full messages; a few partial ones at most.
    assert!(messages <= 12, "{messages} messages for one burst");
}

// ----------------------------------------------------- random access, search

#[test]
fn lines_by_number_and_search_over_a_large_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.log");
    std::fs::write(&path, numbered_lines(0, 200_000)).unwrap();
    let page = read_lines(&path, 123_457, 3, false).unwrap();
    assert_eq!(page.total_lines, 200_000);
    assert_eq!(page.lines, vec!["line 123457", "line 123458", "line 123459"]);
    let page = read_lines(&path, 199_999, 10, false).unwrap();
    assert_eq!(page.lines, vec!["line 199999"]);

    // Growth is indexed incrementally; a partial last line counts once the run ended.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"line 200000\nunfinished")
        .unwrap();
    assert_eq!(read_lines(&path, 0, 1, false).unwrap().total_lines, 200_001);
    let page = read_lines(&path, 200_000, 5, true).unwrap();
    assert_eq!(page.total_lines, 200_002);
    assert_eq!(page.lines, vec!["line 200000", "unfinished"]);

    let q = LogSearchQuery {
        pattern: r"^LINE 1999\d\d$".into(),
        regex: true,
        case_insensitive: true,
        max_matches: Some(10),
    };
    let found = search(&path, &q, false).unwrap();
    assert_eq!(found.match_count, 100);
    assert!(found.more);
    assert_eq!(found.matches.len(), 10);
    assert_eq!(found.matches[0].line, 199_900);
    assert_eq!(found.matches[0].text, "line 199900");
    let offset = found.matches[0].offset;
    let page = read_lines(&path, 199_900, 1, false).unwrap();
    assert_eq!(page.offset_start, offset);

    let literal = LogSearchQuery {
        pattern: "line 7".into(),
        ..Default::default()
    };
    assert_eq!(search(&path, &literal, false).unwrap().matches[0].line, 7);
    let bad = LogSearchQuery {
        pattern: "(".into(),
        regex: true,
        ..Default::default()
    };
    assert!(search(&path, &bad, false).is_err());
}

// ------------------------------------------------------------- end to end

#[tokio::test(flavor = "multi_thread")]
async fn a_run_streams_progress_to_100_percent_and_ends_completed_and_fdesk_shows_it() {
    let t = support::desk(2, 5.0).await;
    let run = t
        .create(&["test_sim.loads=3", "test_sim.iterations=4", "test_sim.step_ms=40"])
        .await;
    let mut progress = t.desk.live().progress_stream(&run.id, None).await.unwrap();
    let mut logs = t.desk.live().log_stream(&run.id, 0).await.unwrap();
    let mut last: Option<RunProgress> = None;
    let mut percents = Vec::new();
    let mut end = None;
    while let Some(msg) = tokio::time::timeout(Duration::from_secs(30), progress.recv())
        .await
        .unwrap()
    {
        assert!(serde_json::to_string(&msg).unwrap().len() <= MESSAGE_BUDGET);
        match msg {
            ProgressMessage::Update {
                full, progress: p, ..
            } => {
                let mut merged = if full { (*p).clone() } else { last.clone().unwrap() };
                if !full {
                    for load in &p.loads {
                        match merged.loads.iter_mut().find(|l| l.erlang == load.erlang) {
                            Some(l) => *l = load.clone(),
                            None => merged.loads.push(load.clone()),
                        }
                    }
                    merged = RunProgress {
                        loads: merged.loads,
                        ..*p
                    };
                }
                percents.extend(merged.percent);
                last = Some(merged);
            }
            ProgressMessage::End { status } => end = Some(status),
        }
    }
    assert_eq!(end, Some(RunStatus::Completed));
    let last = last.unwrap();
    assert_eq!(last.source, ProgressSource::ProgressFile);
    assert_eq!(last.percent, Some(100.0));
    assert!(last.complete);
    assert_eq!(last.loads.len(), 3);
    assert!(last.loads.iter().all(|l| l.complete && l.iteration == 4));
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");
    assert!(percents.len() >= 3, "progress arrived step by step: {percents:?}");

    let (lines, _) = collect_lines(&mut logs, None).await;
    assert!(lines.iter().any(|l| l.contains("Completed 300.0 Erlang")));

    // The supervisor kept the cache: readable without files, and by fdesk.
    let cached = t
        .desk
        .live()
        .cached_progress(std::slice::from_ref(&run.id))
        .await
        .unwrap();
    assert_eq!(cached[&run.id].percent, Some(100.0));
    let out = std::process::Command::new(support::bin("fdesk"))
        .args(["--json", "show", &run.id])
        .env("FUSION_DESK_HOME", t.home.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["status"], "COMPLETED");
    assert_eq!(shown["progress"]["percent"], 100.0);
    assert_eq!(shown["progress"]["erlang"], 300.0);
    assert_eq!(shown["progress"]["iteration"], 4);

    // A cache that the run's end never finished (its supervisor killed)
    // holds loads still open: the files are read again, and the cache with them.
    let mut stale = cached[&run.id].clone();
    stale.loads.truncate(1);
    stale.loads[0].complete = false;
    stale.loads[0].reason = None;
    stale.percent = Some(10.0);
    sqlx::query("UPDATE run_progress SET snapshot = ?1 WHERE run_id = ?2")
        .bind(serde_json::to_string(&stale).unwrap())
        .bind(&run.id)
        .execute(t.desk.ctx().store().raw_pool())
        .await
        .unwrap();
    let read = t.desk.live().progress(&run.id).await.unwrap().unwrap();
    assert_eq!((read.percent, read.loads.len()), (Some(100.0), 3));
    let cached = t
        .desk
        .live()
        .cached_progress(std::slice::from_ref(&run.id))
        .await
        .unwrap();
    assert_eq!(cached[&run.id].loads.len(), 3, "the cache was rewritten");

    // Snapshot, random access and search through the Desk.
    let snap = t.desk.live().log_snapshot(&run.id, None, 200).await.unwrap();
    assert!(snap.more_before && snap.lines.last().unwrap().contains("Completed 300.0 Erlang"));
    assert_eq!(snap.status, RunStatus::Completed);
    let page = t
        .desk
        .live()
        .log_lines(&run.id, snap.first_line, 1)
        .await
        .unwrap();
    assert_eq!(page.lines[0], snap.lines[0]);
    let found = t
        .desk
        .live()
        .log_search(
            &run.id,
            &LogSearchQuery {
                pattern: "completed 300.0 erlang".into(),
                case_insensitive: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.match_count, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pending_run_has_no_progress_and_a_run_without_progress_file_uses_its_log() {
    let t = support::desk(1, 5.0).await;
    let blocker = t
        .create(&["test_sim.iterations=1000000", "test_sim.step_ms=50"])
        .await;
    let queued = t
        .create(&["test_sim.write_progress=false", "test_sim.loads=2"])
        .await;
    assert_eq!(t.desk.get(&queued.id).await.unwrap().status, RunStatus::Pending);
    assert_eq!(t.desk.live().progress(&queued.id).await.unwrap(), None);
    let out = std::process::Command::new(support::bin("fdesk"))
        .args(["--json", "show", &queued.id])
        .env("FUSION_DESK_HOME", t.home.path())
        .output()
        .unwrap();
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(shown["progress"].is_null());

    t.desk.cancel(&blocker.id).await.unwrap();
    let done = t.wait(&queued.id).await;
    assert_eq!(done.status, RunStatus::Completed);
    let p = t.desk.live().progress(&queued.id).await.unwrap().unwrap();
    assert_eq!(p.source, ProgressSource::Log);
    assert_eq!(p.percent, Some(100.0));
    let dir = t
        .desk
        .data()
        .run(&fusion_desk_core::RunId::parse(&queued.id).unwrap());
    assert_eq!(read_progress(&dir, true).unwrap().finished_iterations, 6);
}

#[tokio::test]
async fn cached_progress_takes_a_page_of_runs_and_refuses_more() {
    let t = support::unwatched_desk(1, 1.0).await;
    let page: Vec<String> = (0..fusion_desk_core::live::MAX_PROGRESS_RUNS)
        .map(|i| format!("{i:012x}"))
        .collect();
    assert!(t.desk.live().cached_progress(&page).await.unwrap().is_empty());
    let mut more = page;
    more.push("ffffffffffff".into());
    let e = t.desk.live().cached_progress(&more).await.unwrap_err();
    assert_eq!(e.code, fusion_desk_core::ErrorCode::InvalidInput);
}

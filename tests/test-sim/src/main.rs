//! A stand-in simulator for FUSION Desk's tests. It speaks FUSION's command
//! line (`run_sim --config_path ... --run_id ... --output_dir ... --progress_file ...`),
//! writes FUSION-style log lines and progress events at a chosen pace, and
//! misbehaves on request. Its behaviour comes from the `[test_sim]` section of
//! the config, so a test sets it with ordinary overrides:
//!
//! | key | default | meaning |
//! |---|---|---|
//! | `loads` | 1 | Erlang points (100, 200, ...) |
//! | `iterations` | 3 | iterations per load |
//! | `step_ms` | 20 | sleep per iteration |
//! | `exit_code` | 0 | exit code at the end |
//! | `signal` | 0 | kill itself with this signal at the end instead |
//! | `sigterm` | default | `default` (die), `exit` (log, exit 143) or `ignore` |
//! | `children` | 0 | child processes that sleep until killed |
//! | `grandchildren` | 0 | grandchildren per child |
//! | `ignoring_child` | false | one more child that ignores SIGTERM |
//! | `double_fork` | false | one more process whose parent exits, left in the group |
//! | `lines_per_step` | 1 | extra log lines per iteration (log floods) |
//! | `line_bytes` | 0 | length of each extra line |
//! | `write_progress` | true | write progress.jsonl |
//!
//! Hostile modes, to check that nothing a simulator does in its folder
//! reaches outside it or hangs the app:
//!
//! | key | meaning |
//! |---|---|
//! | `plant_links` | a path: symbolic links to it at every name the app reads or writes in the run folder, temp names included, before the first iteration |
//! | `progress_as` | `fifo` or `zero`: progress.jsonl becomes a FIFO or a link to /dev/zero |
//! | `log_as` | `fifo` or `zero`: after the first iteration logs/sim.log is moved aside and a FIFO or a /dev/zero link takes its name |
//! | `saving_to` | `,`-separated folders announced in FUSION's exact `Saving to:` line form |
//! | `huge_line_mib` | a line of that many MiB (a sparse hole in the log, no disk used) after the first iteration |
//! | `delete_folder` | `true`: the run folder is removed after the first iteration |
//! | `exit_json_dir` | `true`: a folder named exit.json |

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

static TERM: AtomicBool = AtomicBool::new(false);

extern "C" fn on_term(_: libc::c_int) {
    TERM.store(true, Ordering::SeqCst);
}

fn set_sigterm(handler: libc::sighandler_t) {
    // SAFETY: installing a handler that only stores to an atomic, or SIG_IGN/SIG_DFL.
    unsafe { libc::signal(libc::SIGTERM, handler) };
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("__child") {
        child(&args[2..]);
    }
    std::process::exit(simulate(&args[1..]));
}

/// A descendant: sleeps until killed, after doing what its mode says.
fn child(args: &[String]) -> ! {
    set_sigterm(libc::SIG_DFL);
    match args.first().map(String::as_str) {
        Some("ignore") => set_sigterm(libc::SIG_IGN),
        Some("double-fork") => {
            // The grandchild stays in our process group; we exit at once, so
            // it is re-parented and only a group kill can reach it.
            let _ = Command::new(std::env::current_exe().unwrap())
                .args(["__child", "sleep"])
                .spawn();
            std::process::exit(0);
        }
        Some("parent") => {
            let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(0);
            for _ in 0..n {
                let _ = Command::new(std::env::current_exe().unwrap())
                    .args(["__child", "sleep"])
                    .spawn();
            }
        }
        _ => {}
    }
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// The `[test_sim]` section of the config, keys lowercased.
fn test_section(config: &str) -> HashMap<String, String> {
    let mut in_section = false;
    let mut map = HashMap::new();
    for line in config.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_section = t == "[test_sim]";
        } else if in_section && !t.starts_with(['#', ';']) {
            if let Some((k, v)) = t.split_once('=') {
                map.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
    }
    map
}

struct Log;

impl Log {
    fn line(&self, name: &str, level: &str, msg: &str) {
        eprintln!("{} - {name} - {level} - {msg}", log_time());
    }
}

fn simulate(args: &[String]) -> i32 {
    if args.first().map(String::as_str) != Some("run_sim") {
        eprintln!("usage: test-sim run_sim --config_path PATH --run_id ID [--output_dir DIR] [--progress_file FILE]");
        return 2;
    }
    let Some(config_path) = flag(args, "--config_path") else {
        eprintln!("test-sim: error: the following arguments are required: --config_path");
        return 2;
    };
    let config = match std::fs::read_to_string(config_path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("test-sim: cannot read {config_path}: {e}");
            return 1;
        }
    };
    let cfg = test_section(&config);
    let get = |k: &str, d: u64| cfg.get(k).and_then(|v| v.parse().ok()).unwrap_or(d);
    let yes = |k: &str| {
        cfg.get(k)
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
    };
    let loads = get("loads", 1);
    let iterations = get("iterations", 3);
    let step = Duration::from_millis(get("step_ms", 20));
    let lines_per_step = get("lines_per_step", 1);
    let line_bytes = get("line_bytes", 0) as usize;

    let me = std::env::current_exe().unwrap();
    let spawn_child = |mode: &[&str]| {
        let _ = Command::new(&me)
            .arg("__child")
            .args(mode)
            .stdin(Stdio::null())
            .spawn();
    };
    let grandchildren = get("grandchildren", 0).to_string();
    for _ in 0..get("children", 0) {
        spawn_child(&["parent", &grandchildren]);
    }
    if yes("ignoring_child") {
        spawn_child(&["ignore"]);
    }
    if yes("double_fork") {
        spawn_child(&["double-fork"]);
    }

    let sigterm = cfg.get("sigterm").map(String::as_str).unwrap_or("default");
    match sigterm {
        "ignore" => set_sigterm(libc::SIG_IGN),
        "exit" => set_sigterm(on_term as *const () as libc::sighandler_t),
        _ => {}
    }

    let mut progress = match flag(args, "--progress_file")
        .filter(|_| cfg.get("write_progress").is_none_or(|v| v != "false"))
    {
        Some(p) => match File::options().create(true).append(true).open(p) {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!("test-sim: cannot open {p}: {e}");
                return 1;
            }
        },
        None => None,
    };
    let mut emit = |json: String| {
        if let Some(f) = progress.as_mut() {
            let _ = writeln!(f, "{json}");
            let _ = f.flush();
        }
    };
    let log = Log;
    let run_dir = std::env::var_os("FUSION_DESK_RUN_DIR")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    hostile_start(&cfg, &run_dir, &log);
    let started = Instant::now();
    emit(format!(
        r#"{{"type":"start","ts":"{}","config":{{"total_erlangs":{loads},"total_iterations":{iterations},"erlang_start":100.0,"erlang_stop":{}.0,"erlang_step":100.0}}}}"#,
        iso_now(),
        loads * 100
    ));
    let filler = "x".repeat(line_bytes);
    for load in 0..loads {
        let erlang = (load + 1) as f64 * 100.0;
        log.line(
            "fusion.utils.logging_config",
            "INFO",
            &format!(
                "Starting simulation for {erlang:.1} Erlang (load {}/{loads})",
                load + 1
            ),
        );
        emit(format!(
            r#"{{"type":"erlang_start","ts":"{}","erlang":{erlang:.1},"erlang_index":{load},"total_erlangs":{loads}}}"#,
            iso_now()
        ));
        let load_started = Instant::now();
        let mut sum = 0.0;
        for it in 0..iterations {
            if !sleep_unless_terminated(step) {
                log.line("fusion.sim", "WARNING", "Received signal 15, stopping");
                // As the embedded engine does: the load it was in ends as
                // interrupted, its partial statistics saved and marked.
                let mean = if it > 0 { sum / it as f64 } else { 0.0 };
                emit(format!(
                    r#"{{"type":"erlang_complete","ts":"{}","erlang":{erlang:.1},"reason":"interrupted","metrics":{{"mean_blocking":{mean},"iterations":{it}}}}}"#,
                    iso_now()
                ));
                if let (Some(out), true) = (flag(args, "--output_dir"), it > 0) {
                    let _ = std::fs::write(
                        format!("{out}/{erlang:.1}_erlang.json"),
                        format!(
                            "{{\"blocking_mean\": {mean}, \"sim_block_list\": [], \"fusion_desk\": {{\"partial\": true, \"reason\": \"interrupted\"}}}}\n"
                        ),
                    );
                }
                return 143;
            }
            if load == 0 && it == 0 {
                hostile_mid_run(&cfg, &run_dir);
            }
            let bp = 0.01 * (load + 1) as f64 + 0.001 * it as f64;
            sum += bp;
            for n in 0..lines_per_step {
                log.line("test_sim", "INFO", &format!("step {it} line {n} {filler}"));
            }
            log.line(
                "fusion.core.simulation",
                "INFO",
                &format!(
                    "Iteration {} out of {iterations} completed for Erlang: {erlang:.1}",
                    it + 1
                ),
            );
            log.line(
                "fusion.core.simulation",
                "INFO",
                &format!("Mean of blocking: {}", sum / (it + 1) as f64),
            );
            log.line(
                "fusion.utils.logging_config",
                "INFO",
                &format!("CHILD=s1 iteration={it}, done_units={}", it + 1),
            );
            emit(format!(
                r#"{{"type":"iteration","ts":"{}","erlang":{erlang:.1},"iteration":{},"total_iterations":{iterations},"metrics":{{"blocking_prob":{bp}}}}}"#,
                iso_now(),
                it + 1
            ));
        }
        let mean = sum / iterations.max(1) as f64;
        emit(format!(
            r#"{{"type":"erlang_complete","ts":"{}","erlang":{erlang:.1},"reason":"max_iters","metrics":{{"mean_blocking":{mean},"iterations":{iterations}}}}}"#,
            iso_now()
        ));
        if let Some(out) = flag(args, "--output_dir") {
            let file = format!("{out}/{erlang:.1}_erlang.json");
            // A link planted by a hostile mode is left for the app to meet;
            // the stand-in itself never writes through it.
            if !std::fs::symlink_metadata(&file).is_ok_and(|m| m.file_type().is_symlink()) {
                let _ = std::fs::write(
                    file,
                    format!("{{\"blocking_mean\": {mean}, \"sim_block_list\": []}}\n"),
                );
            }
        }
        log.line(
            "fusion.utils.logging_config",
            "INFO",
            &format!(
                "Completed {erlang:.1} Erlang in {:.2} seconds",
                load_started.elapsed().as_secs_f64()
            ),
        );
    }
    let code = get("exit_code", 0) as i32;
    let sig = get("signal", 0) as i32;
    if sig != 0 {
        log.line("test_sim", "ERROR", &format!("raising signal {sig}"));
        // SAFETY: raising a signal at ourselves.
        unsafe {
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }
    if code == 0 {
        emit(format!(
            r#"{{"type":"complete","ts":"{}","exit_code":0,"summary":{{"total_time_seconds":{:.3}}}}}"#,
            iso_now(),
            started.elapsed().as_secs_f64()
        ));
    } else {
        log.line(
            "fusion.sim",
            "ERROR",
            &format!("Simulation error: test-sim asked to exit with code {code}"),
        );
        emit(format!(
            r#"{{"type":"error","ts":"{}","message":"exit code {code} requested"}}"#,
            iso_now()
        ));
    }
    code
}

/// Replaces `path` (whatever it is) with a symbolic link to `target`.
fn plant_link(target: &std::path::Path, path: &std::path::Path) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_dir_all(path);
    if let Err(e) = std::os::unix::fs::symlink(target, path) {
        eprintln!("test-sim: cannot plant {}: {e}", path.display());
    }
}

fn mkfifo(path: &std::path::Path) {
    let _ = std::fs::remove_file(path);
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    if unsafe { libc::mkfifo(c.as_ptr(), 0o600) } != 0 {
        eprintln!("test-sim: cannot make a FIFO at {}", path.display());
    }
}

/// What the hostile modes do before the first iteration.
fn hostile_start(cfg: &HashMap<String, String>, run_dir: &std::path::Path, log: &Log) {
    if let Some(target) = cfg.get("plant_links") {
        let target = std::path::Path::new(target);
        // SAFETY: getppid has no preconditions.
        let ppid = unsafe { libc::getppid() };
        let me = std::process::id();
        let mut names: Vec<String> = [
            "exit.json",
            "cancel.json",
            "run.lock",
            "progress.jsonl",
            "config.ini",
            "slurm.sh",
            "logs/supervisor.log",
            "output/100.0_erlang.json",
            "output/linked_dir",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // The temp names a writer with predictable names would use.
        for name in ["exit.json", "cancel.json", "config.ini", "run.lock"] {
            for pid in [ppid as u32, me, ppid as u32 + 1, ppid as u32 + 2] {
                names.push(format!(".{name}.{pid}.tmp"));
                names.push(format!("logs/.{name}.{pid}.tmp"));
            }
        }
        for name in names {
            plant_link(target, &run_dir.join(name));
        }
        if let Some(parent) = target.parent() {
            plant_link(parent, &run_dir.join("output/linked_dir"));
        }
    }
    match cfg.get("progress_as").map(String::as_str) {
        Some("fifo") => mkfifo(&run_dir.join("progress.jsonl")),
        Some("zero") => plant_link(std::path::Path::new("/dev/zero"), &run_dir.join("progress.jsonl")),
        _ => {}
    }
    if cfg.get("exit_json_dir").is_some_and(|v| v == "true") {
        let _ = std::fs::remove_file(run_dir.join("exit.json"));
        let _ = std::fs::create_dir_all(run_dir.join("exit.json/inside"));
    }
    if let Some(folders) = cfg.get("saving_to") {
        for folder in folders.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            log.line("fusion.core.persistence", "INFO", &format!("Saving to: {folder}"));
        }
    }
}

/// What the hostile modes do after the first iteration has started.
fn hostile_mid_run(cfg: &HashMap<String, String>, run_dir: &std::path::Path) {
    if let Some(mib) = cfg.get("huge_line_mib").and_then(|v| v.parse::<u64>().ok()) {
        // Grow the log (our stderr) by a hole: a line of NUL bytes that
        // takes no disk space, then end it.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: fstat/ftruncate on our own stderr descriptor.
        unsafe {
            if libc::fstat(2, &mut st) == 0 {
                libc::ftruncate(2, st.st_size + (mib << 20) as libc::off_t);
            }
        }
        eprintln!();
    }
    let log = run_dir.join("logs/sim.log");
    match cfg.get("log_as").map(String::as_str) {
        Some("fifo") => {
            let _ = std::fs::rename(&log, run_dir.join("logs/sim.log.moved"));
            mkfifo(&log);
        }
        Some("zero") => {
            let _ = std::fs::rename(&log, run_dir.join("logs/sim.log.moved"));
            plant_link(std::path::Path::new("/dev/zero"), &log);
        }
        _ => {}
    }
    if cfg.get("delete_folder").is_some_and(|v| v == "true") {
        let _ = std::fs::remove_dir_all(run_dir);
    }
}

/// Sleeps in short slices so an `exit` SIGTERM handler is honoured promptly.
fn sleep_unless_terminated(d: Duration) -> bool {
    let end = Instant::now() + d;
    loop {
        if TERM.load(Ordering::SeqCst) {
            return false;
        }
        let now = Instant::now();
        if now >= end {
            return true;
        }
        std::thread::sleep((end - now).min(Duration::from_millis(5)));
    }
}

/// UTC civil time from the Unix clock (Howard Hinnant's days-to-date algorithm).
fn utc_parts() -> (i64, u32, u32, u32, u32, u32, u32) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let secs = now.as_secs() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400) as u32;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        now.subsec_millis(),
    )
}

fn iso_now() -> String {
    let (y, mo, d, h, mi, s, ms) = utc_parts();
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
}

fn log_time() -> String {
    let (y, mo, d, h, mi, s, ms) = utc_parts();
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02},{ms:03}")
}

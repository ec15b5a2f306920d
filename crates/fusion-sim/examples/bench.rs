//! Requests per second on NSFNet (3 cores per link, k = 3, slicing on) at a
//! load with about 5 % blocking: on one thread (wall clock and the thread's
//! CPU time), where a request's time goes
//! (generation, routing, spectrum search, accounting, event queue), and one
//! load's iterations run through the batch runner on one thread and on all.
//!
//! cargo run --release -p fusion-sim --example bench [-- <erlang> <requests> <iterations>]
use fusion_sim::batch::{self, RunOptions};
use fusion_sim::config;
use fusion_sim::engine::{Engine, Model, PHASE_NAMES};
use fusion_sim::log::Logger;
use fusion_sim::progress::Progress;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

const INI: &str = "
[general_settings]
erlang_start = 1250
erlang_stop = 1250
erlang_step = 100
holding_time = 0.2
num_requests = 100000
max_iters = 10
mod_assumption = DEFAULT
mod_assumption_path = data/json_input/example_mods/default_mod_formats.json
request_distribution = {\"25\": 0.10, \"50\": 0.10, \"100\": 0.50, \"200\": 0.20, \"400\": 0.10}
guard_slots = 1
max_segments = 4
route_method = k_shortest_path
allocation_method = first_fit
[topology_settings]
network = NSFNet
cores_per_link = 3
[routing_settings]
k_paths = 3
[spectrum_settings]
c_band = 320
[rl_settings]
is_training = True
";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let erlang: f64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1250.0);
    let requests: String = args.get(2).cloned().unwrap_or_else(|| "100000".into());
    let iters: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    let e = erlang.to_string();
    let overrides = vec![
        ("num_requests".to_string(), requests.clone()),
        ("max_iters".to_string(), iters.to_string()),
        ("erlang_start".to_string(), e.clone()),
        ("erlang_stop".to_string(), e),
    ];
    let cfg = config::from_str(INI, Path::new("."), &overrides).expect("benchmark config");
    let t0 = Instant::now();
    let model = Model::new(cfg);
    println!(
        "setup (k paths for all pairs): {:.3} ms",
        t0.elapsed().as_secs_f64() * 1e3
    );
    let stop = AtomicBool::new(false);
    let n: usize = requests.parse().expect("requests is a number");
    let total = (n * iters) as f64;

    // One thread, the engine alone.
    let mut engine = Engine::new(&model);
    let t = Instant::now();
    let cpu = thread_cpu_seconds();
    let mut blocked = 0u64;
    for i in 0..iters {
        engine.run_iteration(erlang, i, &stop);
        blocked += engine.acc.blocked;
    }
    let cpu = thread_cpu_seconds() - cpu;
    let secs = t.elapsed().as_secs_f64();
    let per_request_ns = secs * 1e9 / total;
    println!(
        "1 thread : {:.0} requests/s ({} requests in {:.3} s), blocking {:.4} at {} Erlang",
        total / secs,
        n * iters,
        secs,
        blocked as f64 / total,
        erlang
    );
    // On a machine shared with other work the thread's own CPU time says
    // more than the wall clock (time spent waiting for a core is left out).
    println!(
        "           {:.0} requests per CPU second ({cpu:.3} s of CPU time)",
        total / cpu
    );

    // The same iterations again with a clock read at each phase boundary:
    // the shares, applied to the unmeasured time per request.
    let mut engine = Engine::new(&model);
    engine.measure_phases();
    for i in 0..iters {
        engine.run_iteration(erlang, i, &stop);
    }
    let ticks = engine.phases.as_ref().expect("measured").ticks;
    let sum: u64 = ticks.iter().sum();
    println!("per request ({per_request_ns:.0} ns):");
    for (name, t) in PHASE_NAMES.iter().zip(ticks) {
        let share = t as f64 / sum.max(1) as f64;
        println!(
            "  {name:<16} {:>6.0} ns  {:>5.1} %",
            share * per_request_ns,
            share * 100.0
        );
    }

    // One load, all its iterations, through the batch runner (files written
    // to a temporary folder): one thread, then every core.
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let dir = std::env::temp_dir().join(format!("fusion-sim-bench-{}", std::process::id()));
    let logger = Logger::new();
    let progress = Progress::disabled();
    let mut times = Vec::new();
    for threads in [1, cores] {
        let opts = RunOptions {
            output_dir: dir.join(threads.to_string()),
            threads,
            logger: &logger,
            progress: &progress,
            stop: &stop,
            fixed_end_time: Some(std::time::UNIX_EPOCH),
        };
        let t = Instant::now();
        // The runner logs FUSION's lines on stderr; they are not the point here.
        batch::run(&model, &opts).expect("batch run");
        times.push(t.elapsed().as_secs_f64());
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "one load, {iters} iterations: {:.3} s on 1 thread, {:.3} s on {cores} threads (speed-up {:.2})",
        times[0],
        times[1],
        times[0] / times[1]
    );
}

/// CPU time consumed by the calling thread, in seconds.
fn thread_cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

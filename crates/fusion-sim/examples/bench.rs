//! Requests per second on NSFNet (3 cores per link, k = 3, slicing on) at a
//! load with about 5 % blocking, on one thread and on all threads.
//!
//! cargo run --release -p fusion-sim --example bench [-- <erlang> <requests> <iterations>]
use fusion_sim::config;
use fusion_sim::engine::{Engine, Model};
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
    let overrides = vec![("num_requests".to_string(), requests.clone())];
    let cfg = config::from_str(INI, Path::new("."), &overrides).expect("benchmark config");
    let t0 = Instant::now();
    let model = Model::new(cfg);
    println!(
        "setup (k paths for all pairs): {:.3} ms",
        t0.elapsed().as_secs_f64() * 1e3
    );
    let stop = AtomicBool::new(false);
    let n: usize = requests.parse().unwrap();

    // One thread.
    let mut engine = Engine::new(&model);
    let t = Instant::now();
    let mut blocked = 0u64;
    for i in 0..iters {
        engine.run_iteration(erlang, i, &stop);
        blocked += engine.acc.blocked;
    }
    let secs = t.elapsed().as_secs_f64();
    let total = (n * iters) as f64;
    println!(
        "1 thread : {:.0} requests/s ({} requests in {:.3} s), blocking {:.4} at {} Erlang",
        total / secs,
        n * iters,
        secs,
        blocked as f64 / total,
        erlang
    );

    // All threads: independent loads side by side, as a run with several loads does.
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut engine = Engine::new(&model);
                for i in 0..iters {
                    engine.run_iteration(erlang, i, &stop);
                }
            });
        }
    });
    let secs = t.elapsed().as_secs_f64();
    let total = (n * iters * threads) as f64;
    println!(
        "{threads} threads: {:.0} requests/s in total ({:.3} s)",
        total / secs,
        secs
    );
}

//! Artifact listing benchmark, printed as figures (run with
//! `cargo bench -p fusion-desk-core --bench artifacts`): a run whose output/
//! holds 100 000 files, listed through the core.
//! - the first page (500 entries) and a page at the very end, through `Desk`
//!   (run lookup in SQLite included) and through `RunTree` alone;
//! - the run's total disk use (every file stat'ed);
//! - the results search over that folder (names only: none is a result).

use std::time::{Duration, Instant};

use fusion_desk_core::artifacts::{Address, RunTree};
use fusion_desk_core::exec::SupervisorProgram;
use fusion_desk_core::layout::DataDir;
use fusion_desk_core::{Desk, DeskOptions, RunId};

const FILES: usize = 100_000;
const SAMPLES: usize = 15;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(samples: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut all = Vec::with_capacity(samples);
    for _ in 0..samples {
        let t = Instant::now();
        std::hint::black_box(f());
        all.push(t.elapsed());
    }
    let max = *all.iter().max().unwrap();
    (median(all), max)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let home = tempfile::tempdir().unwrap();
    let desk = Desk::open(DeskOptions {
        data: DataDir::at(home.path().to_owned()).unwrap(),
        // Never launched: the run stays pending, only its folder matters.
        supervisor: SupervisorProgram("/bin/false".into()),
        watch_runs: false,
    })
    .await
    .unwrap();
    let id = RunId::generate();
    desk.ctx()
        .store()
        .insert_run(&id, "listing bench", "quick", &[], "none")
        .await
        .unwrap();
    let run_dir = desk.data().run(&id).root().to_owned();
    let output = run_dir.join("output");
    std::fs::create_dir_all(&output).unwrap();
    std::fs::write(run_dir.join("config.ini"), "[general_settings]\n").unwrap();
    let t = Instant::now();
    for i in 0..FILES {
        std::fs::write(output.join(format!("{i}.0_result_part.txt")), b"0123456789").unwrap();
    }
    println!("setup: {FILES} files written in {}", ms(t.elapsed()));

    let tree = RunTree::new(id.as_str(), run_dir.clone(), Vec::new());
    let addr = Address::parse("output").unwrap();

    let (first, first_max) = time(SAMPLES, || tree.list(&addr, 0, Some(500)).unwrap());
    let (last, last_max) = time(SAMPLES, || {
        tree.list(&addr, FILES as u32 - 500, Some(500)).unwrap()
    });
    let page = tree.list(&addr, 0, Some(500)).unwrap();
    assert_eq!(page.total as usize, FILES);
    assert_eq!(page.entries[1].name, "1.0_result_part.txt");
    println!(
        "RunTree::list first page (500 of {FILES}): median {} (max {})",
        ms(first),
        ms(first_max)
    );
    println!(
        "RunTree::list last page  (500 of {FILES}): median {} (max {})",
        ms(last),
        ms(last_max)
    );

    let mut desk_samples = Vec::new();
    for _ in 0..SAMPLES {
        let t = Instant::now();
        let page = desk
            .artifacts()
            .list_artifacts(id.as_str(), "output", None, Some(500))
            .await
            .unwrap();
        desk_samples.push(t.elapsed());
        assert_eq!(page.entries.len(), 500);
    }
    println!(
        "Desk::list_artifacts first page (run lookup included): median {}",
        ms(median(desk_samples))
    );

    let (usage, usage_max) = time(5, || tree.usage(&Address::run_root()).unwrap());
    let u = tree.usage(&Address::run_root()).unwrap();
    assert_eq!(u.files as usize, FILES + 1);
    println!(
        "RunTree::usage of the run ({} files, {} bytes, {} on disk): median {} (max {})",
        u.files,
        u.bytes,
        u.disk_bytes,
        ms(usage),
        ms(usage_max)
    );

    let (results, _) = time(5, || {
        fusion_desk_core::artifacts::results::collect(&tree).unwrap()
    });
    println!(
        "results::collect over the folder (no result files): median {}",
        ms(results)
    );
}

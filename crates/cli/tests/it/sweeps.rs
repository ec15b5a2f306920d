//! `fdesk sweep …` and `fdesk rerun` through the real binary: a sweep is
//! created, previewed, shown and re-run; bad values are refused with their key.

use crate::support;

use support::Home;

#[test]
fn sweep_create_makes_one_run_per_combination_in_one_sweep() {
    let home = Home::new(2);
    let out = home.json(&[
        "sweep",
        "create",
        "--template",
        "quick",
        "--name",
        "k and cores",
        "--vary",
        "routing_settings.k_paths=1..3",
        "--vary",
        "topology_settings.cores_per_link=1,7",
        "--set",
        "test_sim.iterations=1",
    ]);
    let runs = out["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 6);
    assert_eq!(runs[0]["name"], "k and cores · k_paths=1, cores_per_link=1");
    assert_eq!(runs[5]["name"], "k and cores · k_paths=3, cores_per_link=7");
    let id = out["sweep"]["id"].as_str().unwrap().to_owned();
    assert_eq!(out["sweep"]["counts"]["total"], 6);
    for run in runs {
        assert_eq!(run["sweep_id"], id.as_str());
        home.ok(&["wait", run["id"].as_str().unwrap(), "--timeout", "60"]);
    }
    let shown = home.json(&["sweep", "show", &id]);
    assert_eq!(shown["sweep"]["counts"]["completed"], 6, "{shown}");
    let text = home.ok(&["sweep", "list"]);
    assert!(text.contains(&id) && text.contains("6/6 done"), "{text}");
    let listed = home.json(&["sweep", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[test]
fn sweep_create_prints_the_count_and_the_sweep_id_as_text() {
    let home = Home::new(2);
    let text = home.ok(&[
        "sweep",
        "create",
        "--template",
        "quick",
        "--vary",
        "routing_settings.k_paths=1,2",
        "--set",
        "test_sim.iterations=1",
    ]);
    let sweeps = home.json(&["sweep", "list"]);
    let id = sweeps[0]["id"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("2 runs created in sweep {id}")),
        "{text}"
    );
}

#[test]
fn sweep_preview_and_dry_run_create_nothing() {
    let home = Home::new(2);
    let args = [
        "--template",
        "quick",
        "--vary",
        "routing_settings.k_paths=1..4",
        "--vary",
        "general_settings.erlang_start=100..300:100",
    ];
    let text = home.ok(&[&["sweep", "preview"][..], &args].concat());
    assert!(text.contains("12 runs will be created"), "{text}");
    assert!(text.contains("routing_settings.k_paths = 1, 2, 3, 4"), "{text}");
    assert!(text.contains("estimated time: about"), "{text}");
    let json = home.json(&[&["sweep", "create", "--dry-run"][..], &args].concat());
    assert_eq!(json["count"], 12);
    assert_eq!(
        json["points"][1]["overrides"][1],
        "general_settings.erlang_start=200"
    );
    assert!(home.runs().is_empty());
    assert!(home.json(&["sweep", "list"]).as_array().unwrap().is_empty());

    // A bare key FUSION has in one section is that key.
    let bare = home.ok(&["sweep", "preview", "--template", "quick", "--vary", "k_paths=1,3"]);
    assert!(bare.contains("routing_settings.k_paths = 1, 3"), "{bare}");
}

#[test]
fn an_invalid_value_fails_with_the_key_named_and_creates_nothing() {
    let home = Home::new(2);
    for (vary, expected) in [
        (
            "routing_settings.k_paths=1,0",
            "routing_settings.k_paths=0 is invalid",
        ),
        (
            "routing_settings.k_paths=3..1",
            "routing_settings.k_paths: the range \"3..1\" goes backwards",
        ),
        (
            "k_path=1,2",
            "sweep key \"k_path\": not a key FUSION knows (did you mean routing_settings.k_paths?)",
        ),
        (
            "topology_settings.network=NSFNet,Atlantis",
            "topology_settings.network=Atlantis is invalid",
        ),
    ] {
        let out = home.run(&["sweep", "create", "--template", "quick", "--vary", vary]);
        assert!(!out.status.success(), "{vary} accepted");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error [invalid_input]"), "{vary}: {stderr}");
        assert!(stderr.contains(expected), "{vary}: {stderr}");
    }
    let out = home.run(&[
        "sweep",
        "create",
        "--template",
        "quick",
        "--vary",
        "routing_settings.k_paths=0",
        "--json",
    ]);
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "invalid_input");
    assert!(home.runs().is_empty());
}

#[test]
fn rerun_and_rerun_failed_from_the_command_line() {
    let home = Home::new(2);
    let out = home.json(&[
        "sweep",
        "create",
        "--template",
        "quick",
        "--vary",
        "test_sim.exit_code=0,5",
        "--set",
        "test_sim.iterations=1",
    ]);
    let id = out["sweep"]["id"].as_str().unwrap().to_owned();
    let runs: Vec<String> = out["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    for run in &runs {
        home.ok(&["wait", run, "--timeout", "60"]);
    }
    let again = home.json(&["sweep", "rerun-failed", &id]);
    let rerun = again["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| !r["rerun_of"].is_null())
        .unwrap()
        .clone();
    assert_eq!(rerun["rerun_of"], runs[1].as_str());
    home.ok(&["wait", rerun["id"].as_str().unwrap(), "--timeout", "60"]);

    let single = home.json(&["rerun", &runs[0]]);
    assert_eq!(single["rerun_of"], runs[0].as_str());
    assert_eq!(single["template"], "quick");
    home.ok(&["wait", single["id"].as_str().unwrap(), "--timeout", "60"]);
    let shown = home.json(&["sweep", "show", &id]);
    assert_eq!(shown["sweep"]["counts"]["total"], 2, "{shown}");
    assert_eq!(shown["sweep"]["counts"]["completed"], 1, "{shown}");
    assert_eq!(shown["sweep"]["counts"]["failed"], 1, "{shown}");
}

/// The points of a CSV written by `fdesk plot --format csv`: (series, x, y).
fn csv_points(path: &std::path::Path) -> Vec<(String, String, f64)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("series,x,y,ci_low,ci_high"));
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (
                cells[0].to_owned(),
                cells[1].to_owned(),
                cells[2].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn plot_draws_a_sweep_against_load_and_against_its_varied_key() {
    let home = Home::new(2);
    let out = home.json(&[
        "sweep",
        "create",
        "--template",
        "quick",
        "--name",
        "iterations by k",
        "--vary",
        "test_sim.iterations=1..3",
        "--vary",
        "routing_settings.k_paths=1,2",
        "--set",
        "test_sim.loads=3",
    ]);
    let sweep = out["sweep"]["id"].as_str().unwrap().to_owned();
    for run in out["runs"].as_array().unwrap() {
        home.ok(&["wait", run["id"].as_str().unwrap(), "--timeout", "60"]);
    }
    let dir = tempfile::tempdir().unwrap();

    // Against load: a line per run, as SVG and as a vector PDF.
    let svg = dir.path().join("curves.svg");
    home.ok(&[
        "plot",
        "--sweep",
        &sweep,
        "--out",
        svg.to_str().unwrap(),
        "--y-scale",
        "log",
    ]);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert_eq!(text.matches("class=\"series\"").count(), 6);
    assert!(text.contains("data-label=\"k_paths=1 · iterations=1\""), "{text}");
    let pdf = dir.path().join("curves.pdf");
    home.ok(&[
        "plot",
        "--sweep",
        &sweep,
        "--out",
        pdf.to_str().unwrap(),
        "--size",
        "3.5x2.5in",
    ]);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    // Blocking at 300 E against the varied key, a line per value of the other.
    let csv = dir.path().join("at300.csv");
    home.ok(&[
        "plot",
        "--sweep",
        &sweep,
        "--x",
        "iterations",
        "--by",
        "k_paths",
        "--y",
        "blocking@300",
        "--out",
        csv.to_str().unwrap(),
    ]);
    let points = csv_points(&csv);
    assert_eq!(points.len(), 6);
    let expected = [(1, 0.03), (2, 0.0305), (3, 0.031)];
    for k in ["k_paths=1", "k_paths=2"] {
        let line: Vec<&(String, String, f64)> = points.iter().filter(|p| p.0 == k).collect();
        assert_eq!(line.len(), 3, "{k}: {points:?}");
        for ((_, x, y), (want_x, want_y)) in line.iter().zip(expected) {
            assert_eq!(x, &want_x.to_string());
            assert!((y - want_y).abs() < 1e-12, "{k} at {x}: {y}");
        }
    }

    // A script and its CSV, named after the sweep and what is plotted.
    let made = home
        .cmd(&[
            "plot",
            "--sweep",
            &sweep,
            "--x",
            "iterations",
            "--by",
            "k_paths",
            "--format",
            "py",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let stem = "iterations_by_k_mean_blocking-vs-iterations-by-k_paths";
    let script = std::fs::read_to_string(dir.path().join(format!("{stem}.py"))).unwrap();
    assert!(
        script.contains(&format!("DATA = HERE / \"{stem}.csv\"")),
        "{script}"
    );
    assert_eq!(csv_points(&dir.path().join(format!("{stem}.csv"))).len(), 6);

    // Refusals name what is wrong and write nothing.
    let refused = |args: &[&str]| {
        let mut all = args.to_vec();
        all.push("--json");
        let out = home.cmd(&all).current_dir(dir.path()).output().unwrap();
        assert!(!out.status.success(), "{args:?} should fail");
        let e: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!(e["code"], "invalid_input", "{args:?}: {e}");
        e["message"].as_str().unwrap().to_owned()
    };
    assert!(refused(&["plot", "--sweep", &sweep, "--by", "k_paths"]).contains("--by"));
    assert!(refused(&["plot", "--sweep", &sweep, "--x", "colour"]).contains("colour"));
    assert!(refused(&["plot", "--sweep", &sweep, "--size", "0x1cm"]).contains("size"));
    assert!(refused(&["plot", "--sweep", &sweep, "--format", "gif"]).contains("gif"));
    let files = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(
        files, 5,
        "curves.svg, curves.pdf, at300.csv, the script and its CSV"
    );
}

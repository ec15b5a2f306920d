//! The sweep commands as the webview calls them, on Tauri's mock runtime with
//! the real capabilities: names, argument keys, results and errors.

use crate::ipc_support;

use ipc_support::{harness, invoke, Harness};
use serde_json::{json, Value};

fn request(values: &str) -> Value {
    json!({ "request": {
        "template": "quick",
        "name": "ipc sweep",
        "overrides": [],
        "axes": [{ "key": "routing_settings.k_paths", "values": values }],
    }})
}

#[test]
fn a_sweep_is_previewed_created_listed_and_shown() {
    let h = harness();
    let preview = invoke(&h, "sweeps_preview", request("1..3")).unwrap();
    assert_eq!(preview["count"], 3);
    assert_eq!(preview["points"][2]["label"], "k_paths=3");
    assert_eq!(preview["estimate"]["source"], "model");

    let created = invoke(&h, "sweeps_create", request("1..3")).unwrap();
    let id = created["sweep"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["runs"].as_array().unwrap().len(), 3);
    assert_eq!(created["runs"][0]["sweep_id"], id.as_str());

    let list = invoke(&h, "sweeps_list", json!({})).unwrap();
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["counts"]["total"], 3);
    let shown = invoke(&h, "sweeps_get", json!({ "id": id })).unwrap();
    assert_eq!(shown["sweep"]["name"], "ipc sweep");
}

#[test]
fn a_bad_value_crosses_as_invalid_input_naming_the_key() {
    let h = harness();
    let err = invoke(&h, "sweeps_create", request("0,1")).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("routing_settings.k_paths=0"),
        "{err}"
    );
    let err = invoke(&h, "sweeps_get", json!({ "id": "0123456789ab" })).unwrap_err();
    assert_eq!(err["code"], "not_found");
}

/// Waits until no run of the sweep is queued or running; the sweep as shown.
fn finished(h: &Harness, id: &str) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let shown = invoke(h, "sweeps_get", json!({ "id": id })).unwrap();
        let counts = &shown["sweep"]["counts"];
        if counts["running"] == 0 && counts["pending"] == 0 {
            return shown;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the sweep never ended: {shown}"
        );
        // The runs' supervisors record their ends in the store.
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn rerun_failed_and_rerun_keep_the_runs_in_their_sweep() {
    let h = harness();
    let created = invoke(&h, "sweeps_create", request("1")).unwrap();
    let id = created["sweep"]["id"].as_str().unwrap().to_owned();
    let first = created["runs"][0]["id"].as_str().unwrap().to_owned();
    let shown = finished(&h, &id);
    // Whether the bundled engine is found from the test binary decides how
    // the run ends; both ways have an answer.
    let rerun = if shown["sweep"]["counts"]["failed"] == 1 {
        let again = invoke(&h, "sweeps_rerun_failed", json!({ "id": id })).unwrap();
        assert_eq!(
            again["sweep"]["counts"]["total"], 1,
            "the re-run stands for the failed run"
        );
        assert_eq!(again["runs"][0]["rerun_of"], first.as_str());
        again["runs"][0]["id"].as_str().unwrap().to_owned()
    } else {
        let err = invoke(&h, "sweeps_rerun_failed", json!({ "id": id })).unwrap_err();
        assert_eq!(err["code"], "invalid_state");
        first.clone()
    };
    finished(&h, &id);
    let again = invoke(&h, "runs_rerun", json!({ "id": rerun })).unwrap();
    assert_eq!(again["rerun_of"], rerun.as_str());
    assert_eq!(again["sweep_id"], id.as_str());
    let cancelled = invoke(&h, "sweeps_cancel", json!({ "id": id })).unwrap();
    assert_eq!(cancelled["sweep"]["counts"]["pending"], 0);
}

fn figure_options() -> Value {
    json!({
        "width": 8.5, "height": 6, "unit": "cm", "font": "serif", "font_size_pt": 8,
        "line_width_pt": 1, "legend": "best", "x_scale": "linear", "y_scale": "log",
        "grid": true, "y_label": "Blocking", "dpi": 300,
    })
}

#[test]
fn a_sweeps_figure_is_drawn_against_its_key_and_bad_options_are_refused_before_a_dialog() {
    let h = harness();
    // The embedded engine, built beside the app (the test binary itself is
    // one folder deeper, where no engine is).
    let engine = std::path::Path::new(env!("CARGO_BIN_EXE_fusion-desk")).with_file_name("fusion-sim");
    assert!(
        engine.is_file(),
        "{} is missing: build the binaries first (cargo build --workspace --bins)",
        engine.display()
    );
    let mut settings = invoke(&h, "settings_get", json!({})).unwrap()["settings"].clone();
    settings["simulator_command"] = json!(engine.to_string_lossy());
    invoke(&h, "settings_save", json!({ "settings": settings })).unwrap();
    let created = invoke(
        &h,
        "sweeps_create",
        json!({ "request": {
            "template": "quick",
            "name": "figure sweep",
            "overrides": ["general_settings.max_iters=1"],
            "axes": [{ "key": "routing_settings.k_paths", "values": "1,2" }],
        }}),
    )
    .unwrap();
    let id = created["sweep"]["id"].as_str().unwrap().to_owned();
    let shown = finished(&h, &id);
    assert_eq!(shown["sweep"]["counts"]["completed"], 2, "{shown}");

    let against_key = json!({ "sweep": id, "x": "k_paths", "y": "mean_blocking" });
    let preview = invoke(
        &h,
        "figures_preview",
        json!({ "request": against_key, "options": figure_options() }),
    )
    .unwrap();
    let svg = preview["svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg"), "{svg:.200}");
    assert!(svg.contains("font-family=\"DejaVu Serif\""), "{svg:.300}");
    assert!(
        svg.contains(">Blocking</text>"),
        "the y label given replaces the default"
    );
    assert!(svg.contains(">k_paths</text>") || svg.contains("k_paths"));
    assert!((preview["width_pt"].as_f64().unwrap() - 240.944).abs() < 1e-2);
    assert_eq!(preview["series"], 1);
    let stem = preview["file_stem"].as_str().unwrap();
    assert!(
        stem.starts_with("figure-sweep") || stem.starts_with("figure_sweep"),
        "{stem}"
    );
    assert!(stem.contains("k_paths"), "{stem}");

    // Curves against load: one line per run of the sweep.
    let curves = invoke(
        &h,
        "figures_preview",
        json!({ "request": { "sweep": id }, "options": figure_options() }),
    )
    .unwrap();
    assert_eq!(curves["series"], 2);

    for (options, says) in [
        (json!({ "unit": "furlong" }), "invalid size"),
        (json!({ "width": 0.01 }), "between 5 mm and 1 m"),
        (json!({ "font": "comic" }), "font family"),
        (json!({ "legend": "middle" }), "legend"),
        (json!({ "dpi": 1e9 }), "DPI"),
    ] {
        let mut o = figure_options();
        for (k, v) in options.as_object().unwrap() {
            o[k] = v.clone();
        }
        let format = if says == "DPI" { "png" } else { "pdf" };
        let err = invoke(
            &h,
            "figures_save",
            json!({ "request": against_key, "options": o, "format": format }),
        )
        .unwrap_err();
        assert_eq!(err["code"], "invalid_input", "{err}");
        assert!(err["message"].as_str().unwrap().contains(says), "{err}");
    }
    let err = invoke(
        &h,
        "figures_save",
        json!({ "request": against_key, "options": figure_options(), "format": "gif" }),
    )
    .unwrap_err();
    assert!(
        err["message"].as_str().unwrap().contains("unknown format"),
        "{err}"
    );
    let err = invoke(
        &h,
        "figures_preview",
        json!({ "request": { "sweep": "0123456789ab" }, "options": figure_options() }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "not_found", "{err}");
    let err = invoke(
        &h,
        "figures_preview",
        json!({ "request": { "sweep": id, "x": "colour" }, "options": figure_options() }),
    )
    .unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("colour"), "{err}");
    // The argument keys are `request` and `options`.
    assert!(invoke(&h, "figures_preview", json!({ "request": { "sweep": id } })).is_err());
}

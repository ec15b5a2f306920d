//! The core's shape, checked on its sources: all SQL in `store/`, the store
//! below every domain, and executors chosen by placement, never by name.

use std::path::{Path, PathBuf};

fn sources(under: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![under.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(under).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn core_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The code of a file without its comments (a comment may name anything).
fn code(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn only_the_store_speaks_sql() {
    let offenders: Vec<String> = sources(&core_src())
        .into_iter()
        .filter(|(path, _)| !path.starts_with("store/"))
        .filter(|(_, text)| {
            let code = code(text);
            code.contains("sqlx::") || code.contains(".pool()") || code.contains("use sqlx")
        })
        .map(|(path, _)| path)
        .collect();
    assert!(offenders.is_empty(), "SQL outside store/: {offenders:?}");
}

#[test]
fn the_store_depends_on_no_domain() {
    const BELOW: [&str; 7] = [
        "model",
        "error",
        "layout",
        "run_id",
        "timestamp",
        "run_lock",
        "settings",
    ];
    let mut offenders = Vec::new();
    for (path, text) in sources(&core_src().join("store")) {
        let code = code(&text);
        for (at, _) in code.match_indices("crate::") {
            let module: String = code[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !BELOW.contains(&module.as_str()) {
                offenders.push(format!("store/{path} uses crate::{module}"));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:?}");
}

#[test]
fn no_executor_is_chosen_by_its_name_outside_exec() {
    let offenders: Vec<String> = sources(&core_src())
        .into_iter()
        .filter(|(path, _)| !path.starts_with("exec/") && !path.starts_with("model/"))
        .filter(|(_, text)| {
            let code = code(text);
            code.contains("\"local\"") || code.contains("\"slurm\"") || code.contains("'local'")
        })
        .map(|(path, _)| path)
        .collect();
    assert!(
        offenders.is_empty(),
        "executor names compared outside exec/: {offenders:?}"
    );
}

#[test]
fn the_layers_below_the_facade_never_name_it() {
    let below = [
        "ctx.rs",
        "tasks.rs",
        "exec/local.rs",
        "exec/protocol.rs",
        "exec/slurm/transport.rs",
    ];
    let mut offenders = Vec::new();
    for (path, text) in sources(&core_src()) {
        let low = path.starts_with("store/") || path.starts_with("model/") || below.contains(&path.as_str());
        let code = code(&text);
        if low && (code.contains("crate::desk") || code.contains("crate::Desk") || code.contains("Desk::")) {
            offenders.push(path);
        }
    }
    assert!(offenders.is_empty(), "{offenders:?}");
}

/// The code of a file without the text of its string literals ("FUSION
/// Desk" in a message names the product, not the facade).
fn without_strings(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in code.chars() {
        if in_string {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => {
                    in_string = false;
                    out.push(c);
                }
                _ => escaped = false,
            }
        } else {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// Whether code names the facade: the `Desk` type (or its weak handle and
/// options) or the `desk` module.
fn names_the_facade(code: &str) -> bool {
    let code = without_strings(code);
    code.contains("crate::desk")
        || code
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|word| matches!(word, "Desk" | "WeakDesk" | "DeskOptions"))
}

/// Files below the facade that still name it: the domains that are still
/// `impl Desk` blocks or call the run lifecycle through it. The list only
/// shrinks; a file that moves onto [`fusion_desk_core::Ctx`] leaves it.
const STILL_ON_THE_FACADE: [&str; 14] = [
    "change_monitor.rs",
    "exec/slurm/desk_api.rs",
    "exec/slurm/monitor.rs",
    "exec/ssh/follow.rs",
    "exec/supervisor.rs",
    "figure.rs",
    "history/cleanup.rs",
    "history/metrics.rs",
    "history/mod.rs",
    "live/desk_api.rs",
    "plots.rs",
    "reported_results.rs",
    "sweeps/estimate.rs",
    "sweeps/mod.rs",
];

#[test]
fn no_module_below_the_facade_names_it() {
    let named: Vec<String> = sources(&core_src())
        .into_iter()
        .filter(|(path, _)| path != "desk.rs" && path != "lib.rs")
        .filter(|(_, text)| names_the_facade(&code(text)))
        .map(|(path, _)| path)
        .collect();
    let new: Vec<&String> = named
        .iter()
        .filter(|p| !STILL_ON_THE_FACADE.contains(&p.as_str()))
        .collect();
    assert!(new.is_empty(), "modules below the facade that name it: {new:?}");
    let moved: Vec<&&str> = STILL_ON_THE_FACADE
        .iter()
        .filter(|p| !named.iter().any(|n| n == *p))
        .collect();
    assert!(
        moved.is_empty(),
        "no longer name the facade, drop them from the list: {moved:?}"
    );
}

#[test]
fn the_facade_check_sees_through_strings_but_not_past_names() {
    assert!(names_the_facade("use crate::desk::Desk;"));
    assert!(names_the_facade("impl Desk {"));
    assert!(names_the_facade("fn f(d: &WeakDesk) {}"));
    assert!(!names_the_facade("let m = \"FUSION Desk's data\";"));
    assert!(!names_the_facade("Err(DeskError::internal(\"x\"))"));
    assert!(!names_the_facade("let desktop = \"[Desktop Entry]\";"));
}

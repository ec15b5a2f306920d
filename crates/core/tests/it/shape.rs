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
        "exec/local/mod.rs",
        "exec/executors.rs",
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

#[test]
fn no_module_below_the_facade_names_it() {
    let named: Vec<String> = sources(&core_src())
        .into_iter()
        .filter(|(path, _)| path != "desk.rs" && path != "lib.rs")
        .filter(|(_, text)| names_the_facade(&code(text)))
        .map(|(path, _)| path)
        .collect();
    assert!(
        named.is_empty(),
        "modules below the facade that name it: {named:?}"
    );
}

/// The public methods of `Desk` with their bodies, as written in desk.rs.
fn facade_methods() -> Vec<(String, String)> {
    let text = code(&std::fs::read_to_string(core_src().join("desk.rs")).unwrap());
    let start = text
        .find("\nimpl Desk {")
        .expect("desk.rs has an impl Desk block");
    let mut methods = Vec::new();
    let mut rest = &text[start..];
    while let Some(at) = rest.find("\n    pub ") {
        rest = &rest[at + 1..];
        let name: String = rest
            .trim_start()
            .trim_start_matches("pub ")
            .trim_start_matches("async ")
            .trim_start_matches("fn ")
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let open = rest.find('{').unwrap();
        let close = rest.find("\n    }").unwrap();
        methods.push((name, rest[open + 1..close].trim().to_owned()));
        rest = &rest[close..];
    }
    methods
}

#[test]
fn the_facade_is_thirty_delegations_at_most() {
    let methods = facade_methods();
    assert!(
        methods.len() >= 20,
        "the facade reader found too few methods: {methods:?}"
    );
    assert!(
        methods.len() <= 30,
        "Desk has {} public methods: {:?}",
        methods.len(),
        methods.iter().map(|m| &m.0).collect::<Vec<_>>()
    );
    // A delegation is one statement (a call, maybe awaited and `?`-ed,
    // then the next one); assembling the process is the one exception.
    let long: Vec<&String> = methods
        .iter()
        .filter(|(name, body)| {
            let statements = body.matches(';').count() + usize::from(!body.ends_with(';'));
            !matches!(
                name.as_str(),
                "open" | "monitor_external_changes" | "background_tasks"
            ) && statements > 3
        })
        .map(|(name, _)| name)
        .collect();
    assert!(long.is_empty(), "facade methods that hold logic: {long:?}");
}

/// The files of crates/core each file imports, by `crate::`, `super::` and
/// child-module paths resolved to the file that defines the module.
/// lib.rs is left out: it is the crate's public face, not a layer.
fn import_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let files: Vec<(String, String)> = sources(&core_src());
    let known: std::collections::BTreeSet<String> = files.iter().map(|(p, _)| p.clone()).collect();
    // The module path of a file: exec/slurm/mod.rs and exec/slurm.rs are both exec::slurm.
    let module_of = |path: &str| -> Vec<String> {
        let trimmed = path.trim_end_matches(".rs");
        let mut segs: Vec<String> = trimmed.split('/').map(str::to_owned).collect();
        if segs.last().is_some_and(|s| s == "mod" || s == "lib") {
            segs.pop();
        }
        segs
    };
    let file_of = |segs: &[String]| -> Option<String> {
        (1..=segs.len()).rev().find_map(|n| {
            let base = segs[..n].join("/");
            [format!("{base}.rs"), format!("{base}/mod.rs")]
                .into_iter()
                .find(|f| known.contains(f))
        })
    };
    let path_re = regex::Regex::new(r"\b(crate|super|self)((?:::\w+)*)(?:::\{([^{}]*)\})?").unwrap();
    let child_use =
        regex::Regex::new(r"(?m)^\s*(pub(?:\([^)]*\))? )?use (\w+)((?:::\w+)*)(?:::\{([^{}]*)\})?").unwrap();
    let group_items = |group: Option<&str>| -> Vec<String> {
        match group {
            Some(g) => g
                .split(',')
                .map(|i| i.trim().split("::").next().unwrap_or("").trim().to_owned())
                .filter(|i| !i.is_empty())
                .collect(),
            None => vec![String::new()],
        }
    };
    // Unit tests (last in a file) may reach anything of their module.
    let code_of = |text: &str| without_strings(&code(text.split("#[cfg(test)]").next().unwrap_or_default()));
    // What a folder module re-exports from its children (`pub use child::X`):
    // a path to X through the folder is an import of the child, and the
    // re-export itself is the module's surface, not a dependency.
    let mut reexported: std::collections::BTreeMap<(String, String), String> = Default::default();
    for (path, text) in &files {
        let here = module_of(path);
        for c in child_use.captures_iter(&code_of(text)) {
            if c.get(1).is_none() {
                continue;
            }
            let mut segs = here.clone();
            segs.push(c[2].to_owned());
            segs.extend(c[3].split("::").filter(|s| !s.is_empty()).map(str::to_owned));
            for item in group_items(c.get(4).map(|m| m.as_str())) {
                let mut full = segs.clone();
                full.push(item.clone());
                let name = full.last().unwrap().clone();
                if let Some(f) = file_of(&full).filter(|f| f != path) {
                    reexported.insert((path.clone(), name), f);
                }
            }
        }
    }
    let mut graph = std::collections::BTreeMap::new();
    for (path, text) in &files {
        if path == "lib.rs" {
            continue;
        }
        let code = code_of(text);
        let here = module_of(path);
        let mut targets = std::collections::BTreeSet::new();
        let mut add = |base: Vec<String>, tail: &str, group: Option<&str>| {
            let mut segs = base;
            segs.extend(tail.split("::").filter(|s| !s.is_empty()).map(str::to_owned));
            for item in group_items(group) {
                let mut full = segs.clone();
                if !item.is_empty() && item != "self" {
                    full.push(item);
                }
                let Some(mut f) = file_of(&full) else { continue };
                if let Some(last) = full.last() {
                    if let Some(child) = reexported.get(&(f.clone(), last.clone())) {
                        f = child.clone();
                    }
                }
                if &f != path && f != "lib.rs" {
                    targets.insert(f);
                }
            }
        };
        for c in path_re.captures_iter(&code) {
            let base = match &c[1] {
                "crate" => Vec::new(),
                // `super` of a folder's mod.rs is the folder's parent.
                "super" => here[..here.len().saturating_sub(1)].to_vec(),
                _ => here.clone(),
            };
            add(
                base,
                c.get(2).map_or("", |m| m.as_str()),
                c.get(3).map(|m| m.as_str()),
            );
        }
        for c in child_use.captures_iter(&code) {
            let first = &c[2];
            if c.get(1).is_some() || matches!(first, "crate" | "super" | "self" | "std" | "core") {
                continue;
            }
            // `use child::x` names a module declared by this file.
            let mut base = here.clone();
            base.push(first.to_owned());
            if file_of(&base).is_some_and(|f| f != *path && module_of(&f) == base) {
                add(
                    base,
                    c.get(3).map_or("", |m| m.as_str()),
                    c.get(4).map(|m| m.as_str()),
                );
            }
        }
        graph.insert(path.clone(), targets);
    }
    graph
}

#[test]
fn crates_core_has_no_import_cycle() {
    let graph = import_graph();
    assert!(
        graph
            .get("desk.rs")
            .is_some_and(|t| t.contains("runs/lifecycle.rs")),
        "the import reader misses the facade's imports: {:?}",
        graph.get("desk.rs")
    );
    // Depth-first search; a grey node met again closes a cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        White,
        Grey,
        Black,
    }
    fn visit<'a>(
        node: &'a str,
        graph: &'a std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        marks: &mut std::collections::BTreeMap<&'a str, Mark>,
        stack: &mut Vec<&'a str>,
        cycles: &mut Vec<Vec<String>>,
    ) {
        marks.insert(node, Mark::Grey);
        stack.push(node);
        for next in graph.get(node).into_iter().flatten() {
            match marks.get(next.as_str()).copied().unwrap_or(Mark::White) {
                Mark::White => visit(next, graph, marks, stack, cycles),
                Mark::Grey => {
                    let from = stack.iter().position(|n| n == next).unwrap();
                    cycles.push(stack[from..].iter().map(|s| s.to_string()).collect());
                }
                Mark::Black => {}
            }
        }
        stack.pop();
        marks.insert(node, Mark::Black);
    }
    let mut marks = std::collections::BTreeMap::new();
    let mut cycles = Vec::new();
    for node in graph.keys() {
        if marks.get(node.as_str()).copied().unwrap_or(Mark::White) == Mark::White {
            visit(node, &graph, &mut marks, &mut Vec::new(), &mut cycles);
        }
    }
    assert!(cycles.is_empty(), "import cycles in crates/core: {cycles:#?}");
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

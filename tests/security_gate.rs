//! The security gate: fails when the window is given more than FUSION Desk's
//! own commands, when the content security policy weakens, or when a command
//! is reachable that the capabilities do not list.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every `module::command` in `generate_handler![...]`.
fn registered_commands() -> BTreeSet<String> {
    let src = std::fs::read_to_string(root().join("src-tauri/src/commands/mod.rs")).unwrap();
    let start = src.find("generate_handler![").expect("a generate_handler! list");
    let end = start + src[start..].find(']').unwrap();
    src[start + "generate_handler![".len()..end]
        .split(',')
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| s.rsplit("::").next().unwrap().to_owned())
        .collect()
}

/// The commands build.rs declares in the app manifest (each becomes a permission).
fn manifest_commands() -> BTreeSet<String> {
    let src = std::fs::read_to_string(root().join("src-tauri/build.rs")).unwrap();
    let start = src.find("const COMMANDS").unwrap();
    let list = &src[start..start + src[start..].find("];").unwrap()];
    list.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

fn capability_permissions() -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join("capabilities")).unwrap() {
        let cap = read_json(&entry.unwrap().path());
        for p in cap["permissions"].as_array().unwrap() {
            let id = p
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| p["identifier"].as_str().unwrap().to_owned());
            out.push(id);
        }
    }
    out
}

#[test]
fn every_registered_command_is_in_the_manifest_and_granted_by_name() {
    let registered = registered_commands();
    assert!(!registered.is_empty());
    assert_eq!(
        registered,
        manifest_commands(),
        "a command missing from build.rs's manifest would bypass the capability check"
    );
    let granted: BTreeSet<String> = capability_permissions()
        .into_iter()
        .filter_map(|p| p.strip_prefix("allow-").map(|c| c.replace('-', "_")))
        .collect();
    assert_eq!(
        granted, registered,
        "capabilities grant exactly the registered commands"
    );
}

#[test]
fn no_capability_grants_filesystem_shell_or_broad_permissions() {
    for p in capability_permissions() {
        let plugin = p.split(':').next().unwrap();
        assert!(
            !["fs", "shell", "process", "http", "opener", "dialog", "updater"].contains(&plugin),
            "capability grants {p}: files, processes and dialogs go through FUSION Desk's own commands"
        );
        assert!(
            !p.ends_with(":default") || p == "core:event:default",
            "broad default set {p}"
        );
        assert!(
            !p.contains("allow-all") && !p.contains('*'),
            "wildcard permission {p}"
        );
    }
}

#[test]
fn the_content_security_policy_is_strict() {
    let conf = read_json(&root().join("tauri.conf.json"));
    let csp = &conf["app"]["security"]["csp"];
    assert!(!csp.is_null(), "the CSP must not be null");
    let directive = |name: &str| -> String {
        match csp {
            Value::String(s) => s
                .split(';')
                .map(str::trim)
                .find_map(|d| d.strip_prefix(name).map(str::trim).map(str::to_owned))
                .unwrap_or_default(),
            Value::Object(m) => m.get(name).and_then(Value::as_str).unwrap_or_default().to_owned(),
            _ => panic!("unexpected CSP shape"),
        }
    };
    let script = directive("script-src");
    let default = directive("default-src");
    let effective = if script.is_empty() {
        default.clone()
    } else {
        script
    };
    assert!(!effective.is_empty(), "scripts must be restricted");
    for bad in [
        "'unsafe-inline'",
        "'unsafe-eval'",
        "*",
        "http:",
        "https:",
        "data:",
    ] {
        assert!(
            !effective.split_whitespace().any(|t| t == bad),
            "script-src allows {bad}"
        );
    }
    assert!(
        !default.split_whitespace().any(|t| t == "*"),
        "default-src allows everything"
    );
    assert_eq!(
        conf["app"]["security"]["dangerousDisableAssetCspModification"],
        Value::Null
    );
    assert_ne!(
        conf["app"]["withGlobalTauri"],
        Value::Bool(true),
        "no global Tauri object for injected scripts"
    );
}

#[test]
fn the_built_page_has_no_inline_script() {
    let index = root().join("ui/index.html");
    let html = std::fs::read_to_string(index).unwrap();
    for tag in html.split("<script").skip(1) {
        let open_end = tag.find('>').unwrap();
        assert!(
            tag[..open_end].contains("src="),
            "inline <script> in ui/index.html"
        );
    }
}

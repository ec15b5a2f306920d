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

include!("../../src-tauri/src/commands/list.rs");

macro_rules! command_names {
    ($($module:ident :: $name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

/// The one list of IPC commands (src-tauri/src/commands/list.rs).
const COMMANDS: &[&str] = ipc_commands!(command_names);

fn update_requested() -> bool {
    std::env::var_os("UPDATE_BINDINGS").is_some()
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
fn the_handler_and_the_manifest_are_both_made_from_the_command_list() {
    let handler = std::fs::read_to_string(root().join("src-tauri/src/commands/mod.rs")).unwrap();
    assert!(
        handler.contains("ipc_commands!(handler_of)") && !handler.contains("generate_handler![runs"),
        "the handler registers the command list, not a list of its own"
    );
    let build = std::fs::read_to_string(root().join("src-tauri/build.rs")).unwrap();
    assert!(
        build.contains("ipc_commands!(command_names)"),
        "a command missing from build.rs's manifest would bypass the capability check"
    );
    let unique: BTreeSet<&str> = COMMANDS.iter().copied().collect();
    assert_eq!(unique.len(), COMMANDS.len(), "a command is listed twice");
}

/// The capability file grants exactly the listed commands, by name.
/// `UPDATE_BINDINGS=1` rewrites its command grants from the list.
#[test]
fn the_capabilities_grant_exactly_the_command_list() {
    let path = root().join("capabilities/main-window.json");
    let expected: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    if update_requested() {
        // Rewritten as text, so the file keeps its own key order and layout.
        let text = std::fs::read_to_string(&path).unwrap();
        let start = text.find("\"permissions\": [").unwrap() + "\"permissions\": [".len();
        let end = start + text[start..].find(']').unwrap();
        let mut entries: Vec<String> = text[start..end]
            .split(',')
            .map(|e| e.trim().trim_matches('"').to_owned())
            .filter(|e| !e.is_empty() && !e.starts_with("allow-"))
            .collect();
        entries.extend(expected.iter().cloned());
        let list: Vec<String> = entries.iter().map(|e| format!("\n    \"{e}\"")).collect();
        let rewritten = format!("{}{}\n  {}", &text[..start], list.join(","), &text[end..]);
        std::fs::write(&path, rewritten).unwrap();
    }
    let granted: Vec<String> = capability_permissions()
        .into_iter()
        .filter(|p| p.starts_with("allow-"))
        .collect();
    assert_eq!(
        granted.iter().collect::<BTreeSet<_>>(),
        expected.iter().collect::<BTreeSet<_>>(),
        "capabilities grant exactly the listed commands (UPDATE_BINDINGS=1 cargo test -p fusion-desk --test app security_gate rewrites them)"
    );
}

/// The UI's command names are made from the same list, so a call to a
/// command that does not exist fails the typecheck.
#[test]
fn the_ui_command_names_are_made_from_the_command_list() {
    let mut ts = String::from(
        "// Made from src-tauri/src/commands/list.rs by the app's security_gate test\n\
         // (UPDATE_BINDINGS=1 cargo test -p fusion-desk --test app security_gate).\n\n\
         export const COMMANDS = [\n",
    );
    for c in COMMANDS {
        ts.push_str(&format!("  '{c}',\n"));
    }
    ts.push_str("] as const;\n\nexport type Command = (typeof COMMANDS)[number];\n");
    let path = root().join("ui/src/generated/commands.ts");
    if update_requested() {
        std::fs::write(&path, &ts).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == ts,
        "ui/src/generated/commands.ts is out of date: run UPDATE_BINDINGS=1 cargo test -p fusion-desk --test app security_gate"
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

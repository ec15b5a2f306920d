//! The committed TypeScript bindings must match the Rust types.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every `.ts` file under `dir`, by path relative to it (ts-rs puts some
/// types, such as serde_json's `JsonValue`, in subfolders).
fn read_dir_files(dir: &Path) -> BTreeMap<String, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.filter_map(|e| e.ok()) {
            let path = e.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if path.extension().is_some_and(|x| x == "ts") {
                let rel = path.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");
    let fresh = tempfile::tempdir().unwrap();
    fusion_desk_core::bindings::export_all(fresh.path()).unwrap();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&committed).unwrap();
        for old in read_dir_files(&committed).keys() {
            std::fs::remove_file(committed.join(old)).unwrap();
        }
        for (name, text) in read_dir_files(fresh.path()) {
            let target = committed.join(name);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, text).unwrap();
        }
    }
    let expected = read_dir_files(fresh.path());
    assert!(!expected.is_empty());
    assert_eq!(
        read_dir_files(&committed),
        expected,
        "ui/src/bindings is out of date: run `UPDATE_BINDINGS=1 cargo test -p fusion-desk-core --test it bindings`"
    );
}

#[test]
fn typescript_limits_match_the_core_constants() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/generated/limits.ts");
    let fresh = fusion_desk_core::limits::LIMITS.typescript();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(committed.parent().unwrap()).unwrap();
        std::fs::write(&committed, &fresh).unwrap();
    }
    assert!(fresh.contains(&format!(
        "\"max_concurrent_runs\": {}",
        fusion_desk_core::Settings::MAX_CONCURRENT_LIMIT
    )));
    assert_eq!(
        std::fs::read_to_string(&committed).unwrap_or_default(),
        fresh,
        "ui/src/generated/limits.ts is out of date: run `UPDATE_BINDINGS=1 cargo test -p fusion-desk-core --test it bindings`"
    );
}

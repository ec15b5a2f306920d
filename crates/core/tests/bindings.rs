//! The committed TypeScript bindings must match the Rust types.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn read_dir_files(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "ts"))
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read_to_string(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
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
            std::fs::write(committed.join(name), text).unwrap();
        }
    }
    let expected = read_dir_files(fresh.path());
    assert!(!expected.is_empty());
    assert_eq!(
        read_dir_files(&committed),
        expected,
        "ui/src/bindings is out of date: run `UPDATE_BINDINGS=1 cargo test -p fusion-desk-core --test bindings`"
    );
}

//! Config files given to `fdesk`: the same size cap and encoding rule as
//! the app's import.

use crate::support;

use support::Home;

#[test]
fn a_config_file_over_the_import_cap_is_refused_and_creates_nothing() {
    let home = Home::new(1);
    let big = home.path().join("big.ini");
    let cap = fusion_desk_core::configs::MAX_IMPORT_BYTES as usize;
    std::fs::write(&big, vec![b'#'; cap + 1]).unwrap();
    let path = big.to_str().unwrap();
    for args in [
        vec!["validate", path],
        vec!["create", "--template", "quick", "--config", path],
        vec!["templates", "save", "huge", "--file", path],
    ] {
        let out = home.run(&args);
        assert!(
            !out.status.success(),
            "fdesk {args:?} accepted a file over the cap"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("larger than 1 MiB"), "fdesk {args:?}: {stderr}");
    }
    assert!(home.runs().is_empty(), "no run was created");
}

#[test]
fn a_config_file_that_is_not_text_is_refused() {
    let home = Home::new(1);
    let binary = home.path().join("x.ini");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x01]).unwrap();
    let out = home.run(&["validate", binary.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not UTF-8"));
}

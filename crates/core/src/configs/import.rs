//! Reading a config file the user points at (the app's open dialog, `fdesk
//! create --config`, `fdesk validate`, `fdesk templates save --file`): one
//! size cap and one encoding rule for every way in.

use std::io::Read;
use std::path::Path;

use crate::error::{DeskError, Result};
use crate::model::ImportedConfig;

/// Largest config file an import accepts: FUSION's configs are a few KiB,
/// and anything past this is not one.
pub const MAX_IMPORT_BYTES: u64 = 1 << 20;

/// The text of a config file, refused when larger than [`MAX_IMPORT_BYTES`]
/// or not UTF-8.
pub fn read_import(path: &Path) -> Result<ImportedConfig> {
    let cannot = |e: std::io::Error| DeskError::invalid_input(format!("cannot read {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    // Read one byte past the cap, so a file that grows meanwhile is caught too.
    let mut bytes = Vec::new();
    file.take(MAX_IMPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(DeskError::invalid_input(format!(
            "{} is larger than {} MiB; not a config",
            path.display(),
            MAX_IMPORT_BYTES >> 20
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| DeskError::invalid_input(format!("{} is not UTF-8 text", path.display())))?;
    Ok(ImportedConfig {
        path: path.to_string_lossy().into_owned(),
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn a_config_at_the_cap_is_read_and_one_byte_more_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let at_cap = dir.path().join("big.ini");
        std::fs::write(&at_cap, vec![b'#'; MAX_IMPORT_BYTES as usize]).unwrap();
        assert_eq!(read_import(&at_cap).unwrap().text.len() as u64, MAX_IMPORT_BYTES);
        let over = dir.path().join("bigger.ini");
        std::fs::write(&over, vec![b'#'; MAX_IMPORT_BYTES as usize + 1]).unwrap();
        let e = read_import(&over).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("larger than 1 MiB"), "{}", e.message);
    }

    #[test]
    fn a_binary_or_missing_file_is_refused_as_input() {
        let dir = tempfile::tempdir().unwrap();
        let binary = dir.path().join("x.ini");
        std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
        assert!(read_import(&binary).unwrap_err().message.contains("not UTF-8"));
        let missing = read_import(&dir.path().join("none.ini")).unwrap_err();
        assert_eq!(missing.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn the_text_and_path_come_back_as_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.ini");
        std::fs::write(&path, "[general_settings]\nmax_iters = 2\n").unwrap();
        let imported = read_import(&path).unwrap();
        assert_eq!(imported.text, "[general_settings]\nmax_iters = 2\n");
        assert_eq!(imported.path, path.to_string_lossy());
    }
}

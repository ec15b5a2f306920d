//! The user's own templates: `<data dir>/templates/<name>.ini`. Built-in
//! templates are read-only and their names are reserved. A name is checked
//! against a strict rule before any file is touched, so it can never reach
//! outside the templates folder.

use std::path::{Path, PathBuf};

use crate::configs::Configs;
use crate::error::{DeskError, ErrorCode, Result};
use crate::model::TemplateInfo;
use crate::templates;

/// Longest template text accepted.
pub const MAX_TEMPLATE_BYTES: usize = 1 << 20;
pub const MAX_NAME_CHARS: usize = 64;

/// A template name: 1–64 characters, letters, digits, space, `_`, `.` and
/// `-`, starting with a letter or digit, never `..`, no trailing space or dot.
pub fn check_name(name: &str) -> Result<()> {
    if name.contains(['/', '\\']) || name.contains("..") {
        return Err(DeskError::new(
            ErrorCode::ForbiddenPath,
            format!("template name {name:?} would leave the templates folder"),
        ));
    }
    let bad = || {
        DeskError::invalid_input(format!(
            "invalid template name {name:?}: use 1 to {MAX_NAME_CHARS} letters, digits, spaces, '_', '.' or '-', starting with a letter or digit"
        ))
    };
    let mut chars = name.chars();
    let first = chars.next().ok_or_else(bad)?;
    if !first.is_ascii_alphanumeric()
        || name.chars().count() > MAX_NAME_CHARS
        || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '.' | '-'))
        || name.ends_with([' ', '.'])
    {
        return Err(bad());
    }
    Ok(())
}

/// A name the user may create or rename to: valid, and not a built-in's.
fn check_new_name(name: &str) -> Result<()> {
    check_name(name)?;
    if templates::is_builtin(name) {
        return Err(DeskError::invalid_input(format!(
            "{name:?} is the name of a built-in template; choose another name"
        )));
    }
    Ok(())
}

/// The description shown in the list: the first comment line with words in
/// it (decoration lines like `# ====` are skipped).
pub fn describe(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .take_while(|l| l.is_empty() || l.starts_with(['#', ';']))
        .map(|l| l.trim_start_matches(['#', ';']).trim())
        .find(|l| l.chars().any(char::is_alphanumeric))
        .map(|l| l.chars().take(160).collect())
        .unwrap_or_else(|| "Your template".to_owned())
}

fn read_template(path: &Path, name: &str) -> Result<String> {
    // Only a regular file counts; a symlink planted in the folder is not followed.
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => {
            return Err(DeskError::new(
                ErrorCode::ForbiddenPath,
                format!("template {name:?} is not a regular file"),
            ))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(DeskError::not_found(format!("no template named {name:?}")))
        }
        Err(e) => return Err(DeskError::io(format!("cannot read {}", path.display()), e)),
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| DeskError::io(format!("cannot read {}", path.display()), e))?;
    if text.len() > MAX_TEMPLATE_BYTES {
        return Err(DeskError::invalid_input(format!(
            "template {name:?} is larger than {MAX_TEMPLATE_BYTES} bytes"
        )));
    }
    Ok(text)
}

fn check_text(text: &str) -> Result<()> {
    if text.len() > MAX_TEMPLATE_BYTES {
        return Err(DeskError::invalid_input(format!(
            "a template is at most {MAX_TEMPLATE_BYTES} bytes"
        )));
    }
    if text.contains('\0') {
        return Err(DeskError::invalid_input("a template cannot contain NUL bytes"));
    }
    fusion_sim::ini::Ini::parse(text)
        .map_err(|e| DeskError::invalid_input(format!("the template is not valid INI: {e}")))?;
    Ok(())
}

impl Configs<'_> {
    /// `<data dir>/templates`.
    pub fn templates_dir(&self) -> PathBuf {
        self.ctx.data().root().join("templates")
    }

    fn user_template_path(&self, name: &str) -> Result<PathBuf> {
        check_name(name)?;
        Ok(self.templates_dir().join(format!("{name}.ini")))
    }

    fn ensure_templates_dir(&self) -> Result<PathBuf> {
        let dir = self.templates_dir();
        std::fs::create_dir_all(&dir)
            .map_err(|e| DeskError::io(format!("cannot create {}", dir.display()), e))?;
        Ok(dir)
    }

    /// Built-in templates first (in their order), then the user's, by name.
    pub fn list_templates(&self) -> Result<Vec<TemplateInfo>> {
        let mut out = templates::list();
        let mut user = Vec::new();
        let dir = self.templates_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(DeskError::io(format!("cannot list {}", dir.display()), e)),
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(name) = file_name.to_str().and_then(|n| n.strip_suffix(".ini")) else {
                continue;
            };
            if check_new_name(name).is_err() || !entry.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            let Ok(text) = read_template(&entry.path(), name) else {
                continue;
            };
            user.push(TemplateInfo {
                name: name.to_owned(),
                description: describe(&text),
                builtin: false,
            });
        }
        user.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.name.cmp(&b.name))
        });
        out.extend(user);
        Ok(out)
    }

    /// The text of a built-in or user template.
    pub fn template_text(&self, name: &str) -> Result<String> {
        if let Ok(text) = templates::text(name) {
            return Ok(text.to_owned());
        }
        let not_found = || -> Result<DeskError> {
            let known: Vec<String> = self.list_templates()?.into_iter().map(|t| t.name).collect();
            Ok(DeskError::not_found(format!(
                "unknown template {name:?}; known templates: {}",
                known.join(", ")
            )))
        };
        if check_name(name).is_err() || templates::is_builtin(name) {
            return Err(not_found()?);
        }
        match read_template(&self.user_template_path(name)?, name) {
            Err(e) if e.code == ErrorCode::NotFound => Err(not_found()?),
            other => other,
        }
    }

    /// Saves a user template. With `overwrite` false an existing template of
    /// that name is an error; built-in names are always refused.
    pub fn save_template(&self, name: &str, text: &str, overwrite: bool) -> Result<TemplateInfo> {
        check_new_name(name)?;
        check_text(text)?;
        let dir = self.ensure_templates_dir()?;
        let path = dir.join(format!("{name}.ini"));
        if let Ok(m) = std::fs::symlink_metadata(&path) {
            if !m.is_file() {
                return Err(DeskError::new(
                    ErrorCode::ForbiddenPath,
                    format!("template {name:?} is not a regular file"),
                ));
            }
        }
        let tmp = dir.join(format!(".{name}.{}.tmp", crate::run_id::RunId::generate()));
        std::fs::write(&tmp, text)
            .map_err(|e| DeskError::io(format!("cannot write {}", tmp.display()), e))?;
        let result = if overwrite {
            std::fs::rename(&tmp, &path)
        } else {
            // A hard link fails if the name exists: no template is replaced
            // by accident, even by a concurrent save.
            std::fs::hard_link(&tmp, &path)
        };
        let _ = std::fs::remove_file(&tmp);
        match result {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(DeskError::invalid_input(format!(
                    "a template named {name:?} already exists"
                )))
            }
            Err(e) => return Err(DeskError::io(format!("cannot save {}", path.display()), e)),
        }
        Ok(TemplateInfo {
            name: name.to_owned(),
            description: describe(text),
            builtin: false,
        })
    }

    /// Renames a user template; the new name must be free.
    pub fn rename_template(&self, from: &str, to: &str) -> Result<TemplateInfo> {
        check_name(from)?;
        check_new_name(to)?;
        if templates::is_builtin(from) {
            return Err(DeskError::invalid_input(format!(
                "{from:?} is a built-in template and cannot be renamed"
            )));
        }
        let src = self.user_template_path(from)?;
        let text = read_template(&src, from)?;
        let dst = self.user_template_path(to)?;
        if from == to {
            return Ok(TemplateInfo {
                name: to.to_owned(),
                description: describe(&text),
                builtin: false,
            });
        }
        match std::fs::hard_link(&src, &dst) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(DeskError::invalid_input(format!(
                    "a template named {to:?} already exists"
                )))
            }
            Err(e) => return Err(DeskError::io(format!("cannot rename {}", src.display()), e)),
        }
        std::fs::remove_file(&src)
            .map_err(|e| DeskError::io(format!("cannot rename {}", src.display()), e))?;
        Ok(TemplateInfo {
            name: to.to_owned(),
            description: describe(&text),
            builtin: false,
        })
    }

    /// Deletes a user template.
    pub fn delete_template(&self, name: &str) -> Result<()> {
        check_name(name)?;
        if templates::is_builtin(name) {
            return Err(DeskError::invalid_input(format!(
                "{name:?} is a built-in template and cannot be deleted"
            )));
        }
        let path = self.user_template_path(name)?;
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() || m.file_type().is_symlink() => std::fs::remove_file(&path)
                .map_err(|e| DeskError::io(format!("cannot delete {}", path.display()), e)),
            Ok(_) => Err(DeskError::new(
                ErrorCode::ForbiddenPath,
                format!("template {name:?} is not a regular file"),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(DeskError::not_found(format!("no template named {name:?}")))
            }
            Err(e) => Err(DeskError::io(format!("cannot delete {}", path.display()), e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["mine", "NSF 3 cores", "a.b-c_d", "9"] {
            check_name(ok).unwrap();
        }
        for (bad, code) in [
            ("", ErrorCode::InvalidInput),
            (" lead", ErrorCode::InvalidInput),
            (".hidden", ErrorCode::InvalidInput),
            ("trail.", ErrorCode::InvalidInput),
            ("tab\there", ErrorCode::InvalidInput),
            ("é", ErrorCode::InvalidInput),
            ("../etc/passwd", ErrorCode::ForbiddenPath),
            ("a/b", ErrorCode::ForbiddenPath),
            ("a\\b", ErrorCode::ForbiddenPath),
            ("a..b", ErrorCode::ForbiddenPath),
        ] {
            assert_eq!(check_name(bad).unwrap_err().code, code, "{bad:?}");
        }
        assert!(check_name(&"x".repeat(65)).is_err());
    }

    #[test]
    fn description_is_the_first_worded_comment() {
        assert_eq!(describe("# ====\n# My sweep\n[general_settings]\n"), "My sweep");
        assert_eq!(describe("[general_settings]\n# later\n"), "Your template");
    }
}

//! Applying `section.key=value` overrides to an INI text the way Python's
//! configparser reads it, keeping every comment and untouched line as it was.

use crate::error::{DeskError, Result};

/// One parsed override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub section: String,
    pub key: String,
    pub value: String,
}

impl Override {
    /// Parses `section.key=value` (spaces around `=` allowed, the value may
    /// itself contain `=` and `.`). Anything that cannot be applied is an error,
    /// so an override is never silently dropped.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |why: &str| DeskError::invalid_input(format!("invalid override {text:?}: {why}"));
        let (lhs, value) = text
            .split_once('=')
            .ok_or_else(|| bad("expected section.key=value"))?;
        let (section, key) = lhs
            .trim()
            .split_once('.')
            .ok_or_else(|| bad("the name must be section.key"))?;
        let (section, key, value) = (section.trim(), key.trim(), value.trim());
        let is_name = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        if !is_name(section) {
            return Err(bad("the section name must be letters, digits, '_' or '-'"));
        }
        if !is_name(key) {
            return Err(bad("the key must be letters, digits, '_' or '-'"));
        }
        if value.contains(['\n', '\r', '\0']) {
            return Err(bad("the value must be a single line"));
        }
        Ok(Override {
            section: section.to_owned(),
            key: key.to_ascii_lowercase(),
            value: value.to_owned(),
        })
    }
}

fn section_header(line: &str) -> Option<&str> {
    let t = line.trim();
    t.strip_prefix('[')?.strip_suffix(']').map(str::trim)
}

fn is_comment_or_blank(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#') || t.starts_with(';')
}

/// The key of an option line (`key = value` or `key: value`), lowercased as
/// configparser does.
fn option_key(line: &str) -> Option<String> {
    if line.starts_with([' ', '\t']) || is_comment_or_blank(line) || section_header(line).is_some() {
        return None;
    }
    let end = line.find(['=', ':'])?;
    Some(line[..end].trim().to_ascii_lowercase())
}

/// Applies the overrides in order (a later one for the same key wins, as on a
/// command line) and returns the new text.
pub fn apply_overrides(text: &str, overrides: &[Override]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for o in overrides {
        apply_one(&mut lines, o);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn apply_one(lines: &mut Vec<String>, o: &Override) {
    let new_line = format!("{} = {}", o.key, o.value);
    let Some(start) = lines
        .iter()
        .position(|l| section_header(l) == Some(o.section.as_str()))
    else {
        if lines.last().is_some_and(|l| !l.trim().is_empty()) {
            lines.push(String::new());
        }
        lines.push(format!("[{}]", o.section));
        lines.push(new_line);
        return;
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| section_header(l).is_some())
        .map_or(lines.len(), |p| start + 1 + p);

    if let Some(at) = (start + 1..end).find(|&i| option_key(&lines[i]).as_deref() == Some(o.key.as_str())) {
        // A value may continue on indented lines; they belong to the old value.
        let mut cont = at + 1;
        while cont < end && lines[cont].starts_with([' ', '\t']) && !lines[cont].trim().is_empty() {
            cont += 1;
        }
        lines.splice(at..cont, [new_line]);
        return;
    }
    // Insert after the section's last option or header, before trailing
    // blank lines and the comment block of the next section.
    let insert_at = (start..end)
        .rev()
        .find(|&i| !is_comment_or_blank(&lines[i]))
        .map_or(start + 1, |i| i + 1);
    lines.insert(insert_at, new_line);
}

/// Reads the value of `section.key` as configparser would (for display and
/// checks; the simulator does its own full parse).
pub fn get<'a>(text: &'a str, section: &str, key: &str) -> Option<&'a str> {
    let key = key.to_ascii_lowercase();
    let mut in_section = false;
    for line in text.lines() {
        if let Some(name) = section_header(line) {
            in_section = name == section;
            continue;
        }
        if in_section && option_key(line).as_deref() == Some(key.as_str()) {
            let end = line.find(['=', ':'])?;
            return Some(line[end + 1..].trim());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# top comment\n[general_settings]\n# how many\nnum_requests = 100\nMax_Iters: 2\n\n# next\n[topology_settings]\nnetwork = NSFNet\n";

    fn ov(s: &str) -> Override {
        Override::parse(s).unwrap()
    }

    #[test]
    fn replaces_existing_key_case_insensitively_and_keeps_comments() {
        let out = apply_overrides(TEXT, &[ov("general_settings.max_iters=7")]);
        assert!(out
            .contains("# top comment\n[general_settings]\n# how many\nnum_requests = 100\nmax_iters = 7\n"));
        assert_eq!(get(&out, "general_settings", "MAX_ITERS"), Some("7"));
        assert!(!out.contains("Max_Iters"));
    }

    #[test]
    fn adds_missing_key_inside_its_section() {
        let out = apply_overrides(TEXT, &[ov("general_settings.holding_time = 0.5")]);
        assert!(
            out.contains("Max_Iters: 2\nholding_time = 0.5\n\n# next\n[topology_settings]"),
            "{out}"
        );
    }

    #[test]
    fn adds_missing_section_at_the_end() {
        let out = apply_overrides(TEXT, &[ov("test_sim.exit_code=3")]);
        assert!(
            out.ends_with("network = NSFNet\n\n[test_sim]\nexit_code = 3\n"),
            "{out}"
        );
        assert_eq!(get(&out, "test_sim", "exit_code"), Some("3"));
    }

    #[test]
    fn value_may_contain_equals_and_dots() {
        let o = ov(r#"general_settings.request_distribution={"25": 0.5, "a=b": 0.5}"#);
        assert_eq!(o.value, r#"{"25": 0.5, "a=b": 0.5}"#);
    }

    #[test]
    fn replaces_continuation_lines_too() {
        let text = "[s]\nk = a\n  b\n  c\nother = 1\n";
        let out = apply_overrides(text, &[ov("s.k=z")]);
        assert_eq!(out, "[s]\nk = z\nother = 1\n");
    }

    #[test]
    fn later_override_wins() {
        let out = apply_overrides(
            TEXT,
            &[
                ov("topology_settings.network=USNet"),
                ov("topology_settings.network=geant"),
            ],
        );
        assert_eq!(get(&out, "topology_settings", "network"), Some("geant"));
    }

    #[test]
    fn rejects_malformed_overrides() {
        for bad in [
            "novalue",
            "nosection=1",
            ".key=1",
            "sec.=1",
            "se c.key=1",
            "sec.key=a\nb",
            "sec.k/ey=1",
            "[x].k=1",
        ] {
            assert_eq!(
                Override::parse(bad).unwrap_err().code,
                crate::ErrorCode::InvalidInput,
                "{bad:?}"
            );
        }
    }
}

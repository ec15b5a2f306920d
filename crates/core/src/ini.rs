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

/// Sets `section.key = value` in an INI text for the form editor, changing
/// nothing else: comments, blank lines, other keys and the spelling of an
/// existing key line (its case and `=`/`:` delimiter) are kept, so
/// `set_key(t, s, k, get_key(t, s, k))` gives `t` back. A missing key is added
/// at the end of its section, a missing section at the end of the text.
pub fn set_key(text: &str, section: &str, key: &str, value: &str) -> Result<String> {
    let o = Override::parse(&format!("{section}.{key}={value}"))?;
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    match find_key(&lines, &o.section, &o.key) {
        Some(at) => {
            let line = &lines[at];
            let delim = line.find(['=', ':']).expect("an option line has a delimiter");
            // Keep the key as written and the spacing after the delimiter.
            let after = &line[delim + 1..];
            let gap = &after[..after.len() - after.trim_start().len()];
            let gap = if gap.is_empty() && !o.value.is_empty() {
                " "
            } else {
                gap
            };
            let new_line = format!("{}{gap}{}", &line[..=delim], o.value);
            let end = continuation_end(&lines, at);
            lines.splice(at..end, [new_line]);
        }
        None => apply_one(&mut lines, &o),
    }
    Ok(join_lines(text, lines))
}

/// Removes `section.key` (with its continuation lines) from an INI text;
/// the text is returned unchanged when the key is absent.
pub fn remove_key(text: &str, section: &str, key: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let key = key.trim().to_ascii_lowercase();
    if let Some(at) = find_key(&lines, section.trim(), &key) {
        let end = continuation_end(&lines, at);
        lines.drain(at..end);
        return join_lines(text, lines);
    }
    text.to_owned()
}

/// The value of `section.key` as configparser reads it: stripped, with
/// indented continuation lines joined by newlines. No interpolation.
pub fn get_key(text: &str, section: &str, key: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let key = key.trim().to_ascii_lowercase();
    let at = find_key(&lines, section.trim(), &key)?;
    let line = lines[at];
    let delim = line.find(['=', ':'])?;
    let mut value = line[delim + 1..].trim().to_owned();
    for cont in &lines[at + 1..continuation_end(&lines, at)] {
        if is_comment_or_blank(cont) {
            continue;
        }
        value.push('\n');
        value.push_str(cont.trim());
    }
    Some(value)
}

/// Where a section or key sits in an INI text (1-based line numbers), for
/// diagnostics shown next to the editor's lines.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    sections: Vec<(String, u32)>,
    keys: Vec<(String, String, u32)>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut index = LineIndex::default();
        let mut section: Option<String> = None;
        for (i, line) in text.lines().enumerate() {
            let no = i as u32 + 1;
            if let Some(name) = section_header(line) {
                index.sections.push((name.to_owned(), no));
                section = Some(name.to_owned());
            } else if let (Some(s), Some(k)) = (&section, option_key(line)) {
                index.keys.push((s.clone(), k, no));
            }
        }
        index
    }

    pub fn section(&self, section: &str) -> Option<u32> {
        self.sections.iter().find(|(s, _)| s == section).map(|(_, l)| *l)
    }

    pub fn key(&self, section: &str, key: &str) -> Option<u32> {
        self.keys
            .iter()
            .find(|(s, k, _)| s == section && k == key)
            .map(|(_, _, l)| *l)
    }

    /// The line of `section.key`, else of its section.
    pub fn key_or_section(&self, section: &str, key: &str) -> Option<u32> {
        self.key(section, key).or_else(|| self.section(section))
    }
}

fn find_key<S: AsRef<str>>(lines: &[S], section: &str, key: &str) -> Option<usize> {
    let start = lines
        .iter()
        .position(|l| section_header(l.as_ref()) == Some(section))?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| section_header(l.as_ref()).is_some())
        .map_or(lines.len(), |p| start + 1 + p);
    (start + 1..end).find(|&i| option_key(lines[i].as_ref()).as_deref() == Some(key))
}

/// One past the last line of the value that starts at `at` (indented,
/// non-blank lines continue it).
fn continuation_end<S: AsRef<str>>(lines: &[S], at: usize) -> usize {
    let mut end = at + 1;
    while end < lines.len() && {
        let l = lines[end].as_ref();
        l.starts_with([' ', '\t']) && !l.trim().is_empty() && section_header(l).is_none()
    } {
        end += 1;
    }
    end
}

/// Joins edited lines, ending with a newline when the original did (or was empty).
fn join_lines(original: &str, lines: Vec<String>) -> String {
    let mut out = lines.join("\n");
    if original.is_empty() || original.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Every `section.key` with its value, in file order (values as [`get_key`]
/// reads them), for comparing whole configs.
pub fn flatten(text: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut section: Option<&str> = None;
    for line in text.lines() {
        if let Some(name) = section_header(line) {
            section = Some(name);
        } else if let (Some(s), Some(k)) = (section, option_key(line)) {
            let value = get_key(text, s, &k).unwrap_or_default();
            out.push((s.to_owned(), k, value));
        }
    }
    out
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
    fn set_key_keeps_the_line_as_written() {
        let out = set_key(TEXT, "general_settings", "max_iters", "9").unwrap();
        assert_eq!(out, TEXT.replace("Max_Iters: 2", "Max_Iters: 9"));
    }

    #[test]
    fn set_key_with_the_current_value_is_the_identity() {
        for (s, k) in [
            ("general_settings", "num_requests"),
            ("general_settings", "max_iters"),
            ("topology_settings", "network"),
        ] {
            let v = get_key(TEXT, s, k).unwrap();
            assert_eq!(set_key(TEXT, s, k, &v).unwrap(), TEXT, "{s}.{k}");
        }
    }

    #[test]
    fn get_key_joins_continuation_lines() {
        let text = "[s]\nk = a\n  b\n  # note\n  c\nother = 1\n";
        assert_eq!(get_key(text, "s", "K").as_deref(), Some("a\nb\nc"));
        assert_eq!(get_key(text, "s", "missing"), None);
        assert_eq!(get_key(text, "t", "k"), None);
    }

    #[test]
    fn remove_key_drops_only_that_key() {
        let out = remove_key(TEXT, "general_settings", "num_requests");
        assert_eq!(out, TEXT.replace("num_requests = 100\n", ""));
        assert_eq!(remove_key(TEXT, "general_settings", "nope"), TEXT);
    }

    #[test]
    fn line_index_finds_sections_and_keys() {
        let index = LineIndex::new(TEXT);
        assert_eq!(index.section("general_settings"), Some(2));
        assert_eq!(index.key("general_settings", "max_iters"), Some(5));
        assert_eq!(index.key_or_section("topology_settings", "nope"), Some(8));
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

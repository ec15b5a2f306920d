//! INI reading with the semantics of Python's `configparser.ConfigParser()`
//! defaults, which is how FUSION reads its configuration files:
//!
//! * `key = value` or `key: value` (first delimiter wins), keys lower-cased,
//!   keys and values stripped;
//! * whole-line comments starting with `#` or `;` (inline comments are *not*
//!   stripped, so `k = 3  # note` is the value `3  # note`);
//! * indented lines continue the previous value (joined with newlines);
//! * duplicate sections or keys are errors (strict mode);
//! * a `[DEFAULT]` section supplies values to every section;
//! * basic interpolation: `%%` is a percent sign, `%(name)s` another key.

/// The longest value interpolation may produce (FUSION's longest values,
/// paths and lists, are well under 1 KiB).
pub const MAX_VALUE_LEN: usize = 64 * 1024;
/// The most `%(name)s` substitutions one value may need.
pub const MAX_SUBSTITUTIONS: usize = 10_000;
/// configparser's own limit (`MAX_INTERPOLATION_DEPTH`).
const MAX_DEPTH: usize = 10;

/// What one [`Ini::get`] has expanded so far.
#[derive(Default)]
struct Expansion {
    done: std::collections::HashMap<String, String>,
    substitutions: usize,
}

/// One section with its keys in file order.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub name: String,
    pub entries: Vec<(String, String)>,
}

/// A parsed INI document.
#[derive(Debug, Clone, Default)]
pub struct Ini {
    pub defaults: Vec<(String, String)>,
    pub sections: Vec<Section>,
}

/// A parse error with its 1-based line number.
#[derive(Debug, Clone, PartialEq)]
pub struct IniError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for IniError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl Ini {
    pub fn parse(text: &str) -> Result<Ini, IniError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut ini = Ini::default();
        // Which list the current key belongs to: None = before any section.
        let mut current: Option<usize> = None; // usize::MAX = DEFAULT
        let mut in_default = false;
        let mut last_key: Option<(usize, usize)> = None; // (indent, entry index)
        let mut pending_blank = 0usize;

        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let stripped = raw.trim();
            let indent = raw.len() - raw.trim_start().len();
            if stripped.starts_with('#') || stripped.starts_with(';') {
                continue;
            }
            if stripped.is_empty() {
                if last_key.is_some() {
                    pending_blank += 1;
                }
                continue;
            }
            // Continuation of the previous value.
            if let Some((key_indent, idx)) = last_key {
                if indent > key_indent {
                    let list = if in_default {
                        &mut ini.defaults
                    } else {
                        &mut ini.sections[current.expect("section")].entries
                    };
                    let v = &mut list[idx].1;
                    for _ in 0..pending_blank {
                        v.push('\n');
                    }
                    pending_blank = 0;
                    v.push('\n');
                    v.push_str(stripped);
                    continue;
                }
            }
            pending_blank = 0;
            last_key = None;
            if stripped.starts_with('[') {
                let close = stripped.find(']').ok_or(IniError {
                    line: line_no,
                    message: format!("bad section header {stripped:?}"),
                })?;
                let name = &stripped[1..close];
                if name == "DEFAULT" {
                    in_default = true;
                    current = None;
                    continue;
                }
                if ini.sections.iter().any(|s| s.name == name) {
                    return Err(IniError {
                        line: line_no,
                        message: format!("section [{name}] appears twice"),
                    });
                }
                ini.sections.push(Section {
                    name: name.to_owned(),
                    entries: Vec::new(),
                });
                current = Some(ini.sections.len() - 1);
                in_default = false;
                continue;
            }
            if current.is_none() && !in_default {
                return Err(IniError {
                    line: line_no,
                    message: "key outside any [section]".into(),
                });
            }
            let pos = stripped.find(['=', ':']).ok_or(IniError {
                line: line_no,
                message: format!("expected 'key = value', got {stripped:?}"),
            })?;
            let key = stripped[..pos].trim().to_lowercase();
            let value = stripped[pos + 1..].trim().to_owned();
            if key.is_empty() {
                return Err(IniError {
                    line: line_no,
                    message: "empty key".into(),
                });
            }
            let list = if in_default {
                &mut ini.defaults
            } else {
                &mut ini.sections[current.expect("section")].entries
            };
            if list.iter().any(|(k, _)| *k == key) {
                return Err(IniError {
                    line: line_no,
                    message: format!("key {key:?} appears twice in its section"),
                });
            }
            list.push((key, value));
            last_key = Some((indent, list.len() - 1));
        }
        Ok(ini)
    }

    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    pub fn has_section(&self, name: &str) -> bool {
        self.section(name).is_some()
    }

    /// Raw (uninterpolated) value of `section.key`, with DEFAULT fallback.
    pub fn raw(&self, section: &str, key: &str) -> Option<&str> {
        let s = self.section(section)?;
        s.entries
            .iter()
            .find(|(k, _)| k == key)
            .or_else(|| self.defaults.iter().find(|(k, _)| k == key))
            .map(|(_, v)| v.as_str())
    }

    /// Interpolated value of `section.key` (configparser's BasicInterpolation).
    ///
    /// Configs come from colleagues and the internet, so expansion is
    /// bounded: each key is expanded once per call (memoised), an expanded
    /// value may not exceed [`MAX_VALUE_LEN`] bytes and a call performs at
    /// most [`MAX_SUBSTITUTIONS`] substitutions. A 300-byte "bomb" of nested
    /// `%(a)s%(a)s...` is refused at once instead of allocating gigabytes.
    pub fn get(&self, section: &str, key: &str) -> Option<Result<String, String>> {
        let raw = self.raw(section, key)?;
        let mut state = Expansion::default();
        Some(self.interpolate(section, raw, 0, &mut state))
    }

    fn interpolate(&self, section: &str, raw: &str, depth: usize, state: &mut Expansion) -> Result<String, String> {
        if !raw.contains('%') {
            return Ok(raw.to_owned());
        }
        if depth > MAX_DEPTH {
            return Err("interpolation too deep".into());
        }
        let mut out = String::new();
        let mut rest = raw;
        while let Some(p) = rest.find('%') {
            out.push_str(&rest[..p]);
            let after = &rest[p + 1..];
            if let Some(r) = after.strip_prefix('%') {
                out.push('%');
                rest = r;
            } else if let Some(r) = after.strip_prefix('(') {
                let close = r
                    .find(")s")
                    .ok_or("bad interpolation syntax ('%' must be written '%%')")?;
                let name = r[..close].to_lowercase();
                state.substitutions += 1;
                if state.substitutions > MAX_SUBSTITUTIONS {
                    return Err(format!(
                        "interpolation makes more than {MAX_SUBSTITUTIONS} substitutions; \
                         a config needs far fewer"
                    ));
                }
                let expanded = match state.done.get(&name) {
                    Some(v) => v.clone(),
                    None => {
                        let v = self
                            .raw(section, &name)
                            .ok_or_else(|| format!("interpolation refers to missing key {name:?}"))?;
                        let v = self.interpolate(section, v, depth + 1, state)?;
                        state.done.insert(name, v.clone());
                        v
                    }
                };
                if out.len() + expanded.len() > MAX_VALUE_LEN {
                    return Err(format!(
                        "interpolation makes a value longer than {MAX_VALUE_LEN} bytes"
                    ));
                }
                out.push_str(&expanded);
                rest = &r[close + 2..];
            } else {
                return Err(
                    "'%' must be followed by '%' or '(name)s' (write '%%' for a percent sign)".into(),
                );
            }
        }
        if out.len() + rest.len() > MAX_VALUE_LEN {
            return Err(format!(
                "interpolation makes a value longer than {MAX_VALUE_LEN} bytes"
            ));
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Sets (or adds) a value, creating the section if needed.
    pub fn set(&mut self, section: &str, key: &str, value: &str) {
        let key = key.to_lowercase();
        let idx = match self.sections.iter().position(|s| s.name == section) {
            Some(i) => i,
            None => {
                self.sections.push(Section {
                    name: section.to_owned(),
                    entries: Vec::new(),
                });
                self.sections.len() - 1
            }
        };
        let entries = &mut self.sections[idx].entries;
        match entries.iter_mut().find(|(k, _)| *k == key) {
            Some(e) => e.1 = value.to_owned(),
            None => entries.push((key, value.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configparser_semantics() {
        let text = "# c\n[A]\nKey = 1\n; c2\nother: two words # not a comment\nmulti = a\n   b\n\n[B]\nx=%(y)s%%\ny = 5\n";
        let ini = Ini::parse(text).unwrap();
        assert_eq!(ini.raw("A", "key"), Some("1"));
        assert_eq!(ini.raw("A", "other"), Some("two words # not a comment"));
        assert_eq!(ini.raw("A", "multi"), Some("a\nb"));
        assert_eq!(ini.get("B", "x").unwrap().unwrap(), "5%");
    }

    #[test]
    fn duplicates_are_errors() {
        assert!(Ini::parse("[A]\nx=1\nX=2\n").is_err());
        assert!(Ini::parse("[A]\n[A]\n").is_err());
        assert!(Ini::parse("x=1\n").is_err());
    }

    #[test]
    fn interpolation_bombs_are_refused_quickly() {
        // Ten levels of ten references each: 10^10 bytes if expanded naively.
        let mut text = String::from("[A]\nk0 = xxxxxxxxxx\n");
        for i in 1..=10 {
            text.push_str(&format!("k{i} = {}\n", format!("%(k{})s", i - 1).repeat(10)));
        }
        let ini = Ini::parse(&text).unwrap();
        let started = std::time::Instant::now();
        let err = ini.get("A", "k10").unwrap().unwrap_err();
        assert!(err.contains("longer than"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
        // A legitimate chain still expands, once per key.
        assert_eq!(ini.get("A", "k2").unwrap().unwrap().len(), 1000);
        // Many references to one short key: refused by count, not by size.
        let wide = format!("[A]\nx = \ny = {}\n", "%(x)s".repeat(MAX_SUBSTITUTIONS + 1));
        let err = Ini::parse(&wide).unwrap().get("A", "y").unwrap().unwrap_err();
        assert!(err.contains("substitutions"), "{err}");
        // A cycle ends at the depth limit.
        let cycle = Ini::parse("[A]\na = %(b)s\nb = %(a)s\n").unwrap();
        assert!(cycle.get("A", "a").unwrap().is_err());
    }

    #[test]
    fn default_section_feeds_all() {
        let ini = Ini::parse("[DEFAULT]\nk = 9\n[A]\n").unwrap();
        assert_eq!(ini.raw("A", "k"), Some("9"));
    }
}

//! Tags and notes: what a user may write on a run, checked before it is stored.

use crate::error::{DeskError, Result};

pub const MAX_TAG_CHARS: usize = 40;
pub const MAX_TAGS_PER_RUN: usize = 32;
/// A note is markdown text written by hand; 64 KiB is pages of it.
pub const MAX_NOTE_BYTES: usize = 64 * 1024;

/// One tag, normalised: trimmed and lowercased (so `Baseline` and `baseline`
/// are one tag and searches need no case folding). Letters, digits and
/// `- _ . : / + =` only, so a tag reads the same in a chip, a URL and a CSV.
pub fn normalize_tag(raw: &str) -> Result<String> {
    let tag = raw.trim().to_lowercase();
    if tag.is_empty() {
        return Err(DeskError::invalid_input("a tag cannot be empty"));
    }
    if tag.chars().count() > MAX_TAG_CHARS {
        return Err(DeskError::invalid_input(format!(
            "the tag {tag:?} is longer than {MAX_TAG_CHARS} characters"
        )));
    }
    if let Some(bad) = tag
        .chars()
        .find(|c| !(c.is_alphanumeric() || "-_.:/+=".contains(*c)))
    {
        return Err(DeskError::invalid_input(format!(
            "the tag {tag:?} contains {bad:?}; tags use letters, digits and - _ . : / + = only"
        )));
    }
    Ok(tag)
}

/// A run's new tag set: each tag normalised, duplicates dropped, sorted.
pub fn normalize_tags(raw: &[String]) -> Result<Vec<String>> {
    let mut tags = raw.iter().map(|t| normalize_tag(t)).collect::<Result<Vec<_>>>()?;
    tags.sort();
    tags.dedup();
    if tags.len() > MAX_TAGS_PER_RUN {
        return Err(DeskError::invalid_input(format!(
            "a run has at most {MAX_TAGS_PER_RUN} tags"
        )));
    }
    Ok(tags)
}

pub fn validate_note(note: &str) -> Result<()> {
    if note.len() > MAX_NOTE_BYTES {
        return Err(DeskError::invalid_input(format!(
            "a note is at most {} KiB",
            MAX_NOTE_BYTES / 1024
        )));
    }
    if note.contains('\0') {
        return Err(DeskError::invalid_input("a note cannot contain NUL characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_lowercased_deduplicated_and_sorted() {
        let tags = normalize_tags(&[" Baseline ".into(), "k=3".into(), "baseline".into()]).unwrap();
        assert_eq!(tags, vec!["baseline", "k=3"]);
    }

    #[test]
    fn tags_with_spaces_or_markup_are_refused() {
        for bad in ["two words", "<b>", "", "a,b", &"x".repeat(41)] {
            let e = normalize_tag(bad).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn too_many_tags_are_refused() {
        let many: Vec<String> = (0..=MAX_TAGS_PER_RUN).map(|i| format!("t{i}")).collect();
        assert!(normalize_tags(&many).is_err());
    }

    #[test]
    fn a_note_over_the_limit_is_refused() {
        assert!(validate_note(&"a".repeat(MAX_NOTE_BYTES)).is_ok());
        assert!(validate_note(&"a".repeat(MAX_NOTE_BYTES + 1)).is_err());
        assert!(validate_note("a\0b").is_err());
    }
}

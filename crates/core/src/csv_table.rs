//! The one CSV writer of every export (results tables, comparisons): RFC
//! 4180 through the `csv` crate, LF line ends, and formula neutralisation.
//!
//! Cells carry text others wrote (run names, notes, config values, result
//! paths a simulator chose). A spreadsheet runs a cell that starts with `=`,
//! `+`, `-` or `@` (or a tab or carriage return before one) as a formula,
//! so such a cell gets a leading `'` unless it is a plain number (negative
//! numbers such as `-0.5` and `-1e-3` stay numbers).

use std::borrow::Cow;

/// Writes `records` (the header first) as CSV text.
pub fn to_csv<I, R>(records: I) -> String
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .from_writer(Vec::new());
    for record in records {
        let cells: Vec<String> = record
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned())
            .collect();
        writer
            .write_record(&cells)
            .expect("writing CSV into memory cannot fail");
    }
    let bytes = writer.into_inner().expect("flushing CSV into memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 cells is UTF-8")
}

/// The cell as a spreadsheet should show it: a would-be formula is made text.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.trim().parse::<f64>().is_err();
    if formula {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        for (cell, shown) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("-0.5", "-0.5"),
            ("-1e-3", "-1e-3"),
            ("+7", "+7"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(neutralise(cell), shown, "{cell:?}");
        }
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        let text = to_csv([
            vec!["name", "note"],
            vec!["a,b", "say \"hi\"\nthere"],
            vec!["=1+1", "-3"],
        ]);
        assert_eq!(
            text,
            "name,note\n\"a,b\",\"say \"\"hi\"\"\nthere\"\n'=1+1,-3\n"
        );
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(&rows[0][1], "say \"hi\"\nthere");
    }
}

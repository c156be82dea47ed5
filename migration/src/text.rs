//! The text normalisation every stored search text and every query goes through (SPEC §8.3.4,
//! DESIGN §4). It lives here so that a migration backfilling a normalised column and the
//! application writing and querying it use the very same function.
use unicode_normalization::UnicodeNormalization;

/// NFKC + lower case: full-width letters, digits and brackets become half-width.
pub fn normalize(s: &str) -> String {
    s.nfkc().collect::<String>().to_lowercase()
}

/// The searchable form of a text: `normalize`d, with every run of white space (the full-width
/// space included) collapsed to one space and none at either end. A query matches a text when
/// its `search_text` is a substring of the text's.
pub fn search_text(s: &str) -> String {
    normalize(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_case_and_space_are_folded() {
        assert_eq!(search_text("  Ｈ＆Ｊ（集团）\u{3000}ABC\t 有限公司 "), "h&j(集团) abc 有限公司");
        assert_eq!(search_text("％＿"), "%_");
        assert_eq!(search_text(" \u{3000} "), "");
    }
}

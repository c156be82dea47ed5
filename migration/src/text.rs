//! The text normalisation every stored search text and every query goes through (SPEC §8.3.4,
//! DESIGN §4), and the bigram grams the search indexes hold (`app::members::search` explains
//! them). They live here so that a migration backfilling a normalised column or its grams and
//! the application writing and querying them use the very same functions.
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

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

pub fn class(c: char) -> u8 {
    if is_cjk(c) {
        1
    } else if c.is_ascii_alphanumeric() {
        2
    } else {
        0
    }
}

/// The runs of CJK characters and of ASCII letters/digits of `s`.
pub fn runs(s: &str) -> Vec<Vec<char>> {
    let mut out: Vec<Vec<char>> = vec![];
    let mut last = 0;
    for c in normalize(s).chars() {
        let k = class(c);
        if k == 0 {
            last = 0;
            continue;
        }
        if k != last || out.is_empty() {
            out.push(vec![]);
        }
        out.last_mut().expect("pushed").push(c);
        last = k;
    }
    out
}

pub fn bigrams(run: &[char]) -> impl Iterator<Item = String> + '_ {
    run.windows(2).map(|w| w.iter().collect())
}

/// The indexed form of a field: bigrams of every run, then each distinct character once.
pub fn grams(s: &str) -> String {
    let runs = runs(s);
    let mut out: Vec<String> = runs.iter().flat_map(|r| bigrams(r)).collect();
    let mut singles: Vec<char> = runs.iter().flatten().copied().collect();
    singles.sort_unstable();
    singles.dedup();
    out.extend(singles.into_iter().map(String::from));
    out.join(" ")
}

/// The indexed form of phone numbers (their digits, one number per run): the grams of
/// [`grams`], then the triples of each run. A pair of digits is in a tenth of all numbers, a
/// triple in a hundredth: a typed fragment of three digits or more is looked up by its triples
/// (`app::members::search::phone_query_grams`), which reads a tenth of the postings.
pub fn phone_grams(s: &str) -> String {
    let mut out = grams(s);
    let triples: Vec<String> =
        runs(s).iter().flat_map(|r| r.windows(3).map(|w| w.iter().collect::<String>()).collect::<Vec<_>>()).collect();
    if !triples.is_empty() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&triples.join(" "));
    }
    out
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

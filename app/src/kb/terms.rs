//! The text side of 知识库 search: the grams of normalised texts (each character of a CJK or
//! Latin/digit run and each pair of neighbours in a run), a query's terms (§8.3.5: words,
//! "quoted phrases"), the grams a term needs, and occurrences counted as the index counts them.
use std::collections::HashMap;

use memchr::memmem;
use migration::text::{class, search_text};

/// The grams of normalised texts with their counts (a gram never spans two texts).
pub(super) fn gram_counts<'a>(texts: &[&'a str]) -> HashMap<&'a str, u32> {
    let mut out: HashMap<&'a str, u32> = HashMap::new();
    for text in texts {
        let mut prev: Option<(usize, u8)> = None;
        for (i, c) in text.char_indices() {
            let k = class(c);
            let end = i + c.len_utf8();
            if k == 0 {
                prev = None;
                continue;
            }
            *out.entry(&text[i..end]).or_default() += 1;
            if let Some((start, pk)) = prev
                && pk == k
            {
                *out.entry(&text[start..end]).or_default() += 1;
            }
            prev = Some((i, k));
        }
    }
    out
}

/// The grams a text containing normalised `term` must hold: the pairs of its runs and the
/// characters of its one-character runs.
pub(super) fn term_grams(term: &str) -> Vec<&str> {
    let mut out: Vec<&str> = vec![];
    let chars: Vec<(usize, char)> = term.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let k = class(chars[i].1);
        if k == 0 {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < chars.len() && class(chars[j + 1].1) == k {
            j += 1;
        }
        let at = |n: usize| chars.get(n).map(|c| c.0).unwrap_or(term.len());
        if i == j {
            out.push(&term[at(i)..at(i + 1)]);
        } else {
            for n in i..j {
                out.push(&term[at(n)..at(n + 2)]);
            }
        }
        i = j + 1;
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether normalised `term` is a single gram: its occurrences are that gram's count.
pub(super) fn is_one_gram(term: &str) -> bool {
    let mut chars = term.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(a), None, _) => class(a) != 0,
        (Some(a), Some(b), None) => class(a) != 0 && class(a) == class(b),
        _ => false,
    }
}

/// Occurrences of `needle` in `hay` (overlapping, as the gram counts are).
pub(super) fn occurrences(hay: &str, needle: &str) -> u32 {
    count_with(&memmem::Finder::new(needle.as_bytes()), hay)
}

/// Occurrences of `finder`'s needle in `hay` (overlapping).
pub(super) fn count_with(finder: &memmem::Finder, hay: &str) -> u32 {
    let hay = hay.as_bytes();
    let mut n = 0;
    let mut at = 0;
    while let Some(p) = finder.find(&hay[at..]) {
        n += 1;
        // The next character boundary after the match's start.
        at += p + 1;
        while at < hay.len() && (hay[at] & 0xC0) == 0x80 {
            at += 1;
        }
    }
    n
}

/// The terms of a query (§8.3.5): space-separated words, and "quoted phrases" (either
/// width of quote; an unclosed quote runs to the end) matched with their spaces; each
/// normalised, empty ones dropped, repeats once.
pub fn parse_query(q: &str) -> Vec<String> {
    let q: String = q.chars().take(super::MAX_QUERY_CHARS).collect();
    let mut terms: Vec<String> = vec![];
    let mut push = |t: &str| {
        let t = search_text(t);
        if !t.is_empty() && !terms.contains(&t) {
            terms.push(t);
        }
    };
    let is_quote = |c: char| matches!(c, '"' | '“' | '”' | '＂');
    let mut rest = q.as_str();
    while let Some(start) = rest.find(is_quote) {
        rest[..start].split_whitespace().for_each(&mut push);
        let after = &rest[start + rest[start..].chars().next().map_or(1, char::len_utf8)..];
        match after.find(is_quote) {
            Some(end) => {
                push(&after[..end]);
                rest = &after[end + after[end..].chars().next().map_or(1, char::len_utf8)..];
            }
            None => {
                push(after);
                rest = "";
            }
        }
    }
    rest.split_whitespace().for_each(push);
    terms
}

/// The titles from the heading down to category `id`, `get` giving a category's parent and
/// title (a cycle, which the data never has, stops at 16 levels).
pub fn category_path<'a>(id: i64, get: impl Fn(i64) -> Option<(Option<i64>, &'a str)>) -> Vec<String> {
    let mut out = vec![];
    let mut at = Some(id);
    while let Some((parent, title)) = at.and_then(&get) {
        out.push(title.to_string());
        at = parent;
        if out.len() > 16 {
            break;
        }
    }
    out.reverse();
    out
}

/// The last `n` characters of `s`.
pub fn last_chars(s: &str, n: usize) -> String {
    let skip = s.chars().count().saturating_sub(n);
    s.chars().skip(skip).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_parse_into_normalised_terms() {
        assert_eq!(parse_query("  续费   流程 续费 "), vec!["续费", "流程"]);
        assert_eq!(parse_query("ＥＣ \"Data  Bao\" x"), vec!["ec", "data bao", "x"]);
        assert_eq!(parse_query("\"unclosed phrase"), vec!["unclosed phrase"]);
        assert!(parse_query(" \"\" ").is_empty());
    }

    #[test]
    fn one_gram_terms_are_counted_from_the_lists() {
        assert!(is_one_gram("续费") && is_one_gram("费") && is_one_gram("ec"));
        assert!(!is_one_gram("到期前") && !is_one_gram("a续") && !is_one_gram("%"));
        assert_eq!(term_grams("团）有限"), vec!["团", "有限"]);
        assert_eq!(occurrences("会会会", "会会"), 2);
    }
}

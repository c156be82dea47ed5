//! Substring search over Chinese and Latin text without a second store (DESIGN §4): a text is
//! normalised (NFKC, lower case), split into runs of CJK characters and runs of Latin letters
//! and digits (everything else separates runs), and each run becomes overlapping bigrams,
//! followed by the distinct single characters. A query becomes the same bigrams as a phrase, so
//! a hit is an exact substring; a one-character query matches the single characters.
//! SQLite indexes the grams with FTS5 (`unicode61`), PostgreSQL with GIN over
//! `to_tsvector('simple', …)`; both give the same rows.
use unicode_normalization::UnicodeNormalization;

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn class(c: char) -> u8 {
    if is_cjk(c) {
        1
    } else if c.is_ascii_alphanumeric() {
        2
    } else {
        0
    }
}

/// NFKC + lower case: full-width letters, digits and brackets become half-width.
pub fn normalize(s: &str) -> String {
    s.nfkc().collect::<String>().to_lowercase()
}

/// The runs of CJK characters and of ASCII letters/digits of `s`.
fn runs(s: &str) -> Vec<Vec<char>> {
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

fn bigrams(run: &[char]) -> impl Iterator<Item = String> + '_ {
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

/// The tokens a query must match in order: its bigrams, or its one character. Empty when the
/// query holds no letter, digit or CJK character.
pub fn query_tokens(q: &str) -> Vec<String> {
    let runs = runs(q);
    let total: usize = runs.iter().map(Vec::len).sum();
    if total == 1 {
        return runs.iter().flatten().map(|c| c.to_string()).collect();
    }
    // A one-character run next to longer ones (the "a" of "a云帆") has no bigram of its own;
    // it is left out, so such a query matches a little more widely.
    runs.iter().flat_map(|r| bigrams(r)).collect()
}

/// Digits only, for phone numbers (SPEC §5.0: phone filters match digits only).
pub fn digits(s: &str) -> String {
    normalize(s).chars().filter(char::is_ascii_digit).collect()
}

/// The company name as compared for duplicates (SPEC C1 `company_name_norm`): NFKC, lower
/// case, no spaces or punctuation, without a legal-form suffix.
pub fn company_norm(s: &str) -> String {
    let mut n: String = normalize(s).chars().filter(|c| class(*c) != 0).collect();
    for suffix in ["股份有限公司", "有限责任公司", "有限公司", "公司", "厂"] {
        if let Some(stripped) = n.strip_suffix(suffix)
            && !stripped.is_empty()
        {
            n = stripped.to_string();
            break;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_of_mixed_text() {
        assert_eq!(grams("上海云帆"), "上海 海云 云帆 上 云 帆 海");
        assert_eq!(grams("ＡＢ-1"), "ab 1 a b");
        assert_eq!(grams("zs@163.com"), "zs 16 63 co om 1 3 6 c m o s z");
    }

    #[test]
    fn query_tokens_form_a_phrase() {
        assert_eq!(query_tokens("云帆科技"), ["云帆", "帆科", "科技"]);
        assert_eq!(query_tokens("续"), ["续"]);
        assert_eq!(query_tokens("  "), Vec::<String>::new());
        assert_eq!(query_tokens("a云帆"), ["云帆"]);
    }

    #[test]
    fn substring_semantics() {
        // Every substring's tokens appear, in order and adjacent, in the text's grams.
        let text = "广州市天河区云帆贸易有限公司";
        let all = grams(text);
        let g: Vec<&str> = all.split(' ').collect();
        for q in ["云帆", "天河区云帆贸易", "有限公司", "广"] {
            let t = query_tokens(q);
            assert!(g.windows(t.len()).any(|w| w.iter().zip(&t).all(|(a, b)| a == b)), "{q}");
        }
        let t = query_tokens("云帆有限");
        assert!(!g.windows(t.len()).any(|w| w.iter().zip(&t).all(|(a, b)| a == b)));
    }

    #[test]
    fn company_norm_strips_suffix_and_punctuation() {
        assert_eq!(company_norm("上海 云帆（科技）有限公司"), "上海云帆科技");
        assert_eq!(company_norm("ABC Trading Co."), "abctradingco");
        assert_eq!(company_norm("公司"), "公司");
        assert_eq!(digits("138-0013 8000"), "13800138000");
    }
}

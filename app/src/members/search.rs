//! Substring search over Chinese and Latin text without a second store (DESIGN §4, SPEC
//! §8.3.4): a text is normalised (NFKC, lower case), split into runs of CJK characters and runs
//! of Latin letters and digits (everything else separates runs), and each run becomes
//! overlapping bigrams, followed by the distinct single characters. The index only proposes
//! candidates: a query's bigrams as a phrase and its lone characters; a substring test on the
//! normalised text (`search_text`) decides, so punctuation, symbols and brackets in a query
//! count, and a query without any indexable character is still a filter.
//! SQLite indexes the grams with FTS5 (`unicode61`), PostgreSQL with GIN over
//! `to_tsvector('simple', …)`; both give the same rows.
use migration::text::{bigrams, class, runs};
pub use migration::text::{grams, normalize, phone_grams, search_text};

/// What the index is asked for a query: `phrase`, its bigrams in order (one phrase across
/// its runs: runs between two separators are whole runs of the text too), and `singles`, the
/// characters of its one-character runs (they have no bigram). Both empty when the query holds
/// no letter, digit or CJK character. Every text containing the query matches them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryGrams {
    pub phrase: Vec<String>,
    pub singles: Vec<String>,
}

impl QueryGrams {
    pub fn is_empty(&self) -> bool {
        self.phrase.is_empty() && self.singles.is_empty()
    }
}

pub fn query_grams(q: &str) -> QueryGrams {
    let runs = runs(q);
    let phrase = runs.iter().flat_map(|r| bigrams(r)).collect();
    let mut singles: Vec<String> = runs.iter().filter(|r| r.len() == 1).map(|r| r[0].to_string()).collect();
    singles.sort_unstable();
    singles.dedup();
    QueryGrams { phrase, singles }
}

/// What the index is asked for `digits` of a phone number: three or more digits in one run by
/// their triples as a phrase (`phone_grams` indexes them), anything else as any text.
pub fn phone_query_grams(digits: &str) -> QueryGrams {
    match runs(digits).as_slice() {
        [run] if run.len() >= 3 => {
            QueryGrams { phrase: run.windows(3).map(|w| w.iter().collect()).collect(), singles: vec![] }
        }
        _ => query_grams(digits),
    }
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

    fn grams_of(phrase: &[&str], singles: &[&str]) -> QueryGrams {
        let v = |s: &[&str]| s.iter().map(|t| t.to_string()).collect();
        QueryGrams { phrase: v(phrase), singles: v(singles) }
    }

    #[test]
    fn query_grams_form_a_phrase_and_keep_lone_characters() {
        assert_eq!(query_grams("云帆科技"), grams_of(&["云帆", "帆科", "科技"], &[]));
        assert_eq!(query_grams("续"), grams_of(&[], &["续"]));
        assert!(query_grams("  ").is_empty());
        assert_eq!(query_grams("a云帆"), grams_of(&["云帆"], &["a"]));
        assert_eq!(query_grams("团）有限"), grams_of(&["有限"], &["团"]));
        assert_eq!(query_grams("（集团）"), grams_of(&["集团"], &[]));
        assert_eq!(query_grams("Ｈ＆Ｊ"), grams_of(&[], &["h", "j"]));
        for q in ["%", "&", "（", "_", "（）"] {
            assert!(query_grams(q).is_empty(), "{q}");
        }
    }

    /// Whether the index would propose `text` for query `q`: the phrase adjacent and in order
    /// among the text's grams, every lone character among them.
    fn proposed(text: &str, q: &str) -> bool {
        proposed_as(&grams(text), &query_grams(q))
    }

    fn proposed_as(all: &str, q: &QueryGrams) -> bool {
        let g: Vec<&str> = all.split(' ').collect();
        let QueryGrams { phrase, singles } = q;
        (phrase.is_empty() || g.windows(phrase.len()).any(|w| w.iter().zip(phrase.iter()).all(|(a, b)| a == b)))
            && singles.iter().all(|s| g.contains(&s.as_str()))
    }

    #[test]
    fn the_index_proposes_every_text_containing_the_query() {
        let text = "广州市天河区云帆贸易（集团）有限公司 Ｈ＆Ｊ Trading";
        for q in ["云帆", "天河区云帆贸易", "有限公司", "广", "团）有限", "（集团）", "h&j", "j trad", "司 h"]
        {
            assert!(search_text(text).contains(&search_text(q)), "{q} is a substring");
            assert!(proposed(text, q), "{q} is proposed");
        }
        assert!(!proposed(text, "云帆有限"));
    }

    #[test]
    fn a_phone_is_proposed_for_any_run_of_its_digits() {
        let phones = format!("{} {}", digits("138-1234-5678"), digits("(020) 8765 4321"));
        let indexed = phone_grams(&phones);
        for q in ["13", "381", "12345", "13812345678", "0208765", "4321", "87"] {
            assert!(proposed_as(&indexed, &phone_query_grams(q)), "{q} is proposed");
        }
        assert_eq!(phone_query_grams("12345").phrase, ["123", "234", "345"]);
        assert!(!proposed_as(&indexed, &phone_query_grams("999")));
        // Pairs as before for two digits, and a fragment of each number only.
        assert_eq!(phone_query_grams("13"), query_grams("13"));
    }

    #[test]
    fn company_norm_strips_suffix_and_punctuation() {
        assert_eq!(company_norm("上海 云帆（科技）有限公司"), "上海云帆科技");
        assert_eq!(company_norm("ABC Trading Co."), "abctradingco");
        assert_eq!(company_norm("公司"), "公司");
        assert_eq!(digits("138-0013 8000"), "13800138000");
    }
}

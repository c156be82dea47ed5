//! Suggestions for a request being typed (the side panel): the text as a query first; else the
//! published articles sharing the most telling pairs of characters with it.
use std::collections::HashMap;

use migration::text::search_text;

use super::{Index, Visible};
use crate::kb::ArticleStatus;
use crate::kb::terms::{gram_counts, last_chars, parse_query};

impl Index {
    /// Published articles sharing the most telling grams with `text` (a request being typed):
    /// each gram weighs by its rarity, doubled when in the title.
    pub(super) fn suggest(&self, text: &str, limit: usize) -> Vec<u32> {
        let norm = search_text(text);
        let tail = last_chars(&norm, 300);
        // As a query: what was typed last (a query is cut to its first MAX_QUERY_CHARS).
        let exact = self.search(&parse_query(&last_chars(&tail, crate::kb::MAX_QUERY_CHARS)), Visible::Published);
        if !exact.is_empty() {
            return exact.into_iter().take(limit).collect();
        }
        let grams = gram_counts(&[&tail]);
        let n = self.docs.iter().filter(|d| d.is_some()).count().max(1) as f64;
        let mut score: HashMap<u32, f64> = HashMap::new();
        let mut weights: Vec<(&str, f64)> = vec![];
        for g in grams.keys() {
            // Single characters say little; pairs in most articles nothing.
            if g.chars().count() < 2 {
                continue;
            }
            let Some(list) = self.postings.get(*g) else { continue };
            let df = list.len() as f64;
            if df > n * 0.5 {
                continue;
            }
            let w = ((n + 1.0) / (df + 1.0)).ln();
            weights.push((g, w));
            for (slot, _) in list {
                *score.entry(*slot).or_default() += w;
            }
        }
        let mut ranked: Vec<(f64, u32)> = score
            .into_iter()
            .filter(|(s, _)| self.doc(*s).is_some_and(|d| d.status == ArticleStatus::Published))
            .map(|(s, v)| {
                let title = self.doc(s).map(|d| d.title_n.as_str()).unwrap_or_default();
                let bonus: f64 = weights.iter().filter(|(g, _)| title.contains(*g)).map(|(_, w)| w).sum();
                (v + bonus, s)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.into_iter().take(limit).map(|(_, s)| s).collect()
    }
}

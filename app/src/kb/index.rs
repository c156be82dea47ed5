//! The knowledge base's search index (SPEC §8.3), held by each server in memory.
//!
//! Every article's title, keywords and plain content are normalised (`search_text`: NFKC, lower
//! case, white space collapsed) and cut into the grams of the customer search (`migration::
//! text`): each character of a CJK or Latin/digit run and each pair of neighbours in a run.
//! For every gram the index keeps the articles holding it, with how often. A query term's
//! grams must all be in an article for it to be a candidate; a substring test on the
//! normalised fields decides, so precision is exact and a term with no gram (a symbol) is
//! still tested, against every article. A term that is one gram (one or two characters of a
//! run: 续费, 费, ec) needs no test at all: its count in the lists is its number of
//! occurrences. Ranking (§8.3.6): the best field any term hits (标题 > 关键词 > 类别 > 内容),
//! then the occurrences of all terms, then the latest update.
//!
//! Why in memory, not FTS5 / GIN as the customer search: ranking needs the occurrences of a
//! term in every matching article, and a common character (会) is in nearly all of them; the
//! lists answer that from counts in a millisecond where the databases would read every text.
//! Both databases feed the same code, so they give the same results. `kb_state.generation`,
//! raised by every write in its transaction, tells each server when to read the articles
//! written since (`index_seq`).
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use memchr::memmem;
use migration::text::{class, search_text};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::{article, category, state};
use super::{ArticleStatus, Segment};
use crate::error::{AppError, AppResult};

/// What a gram's list holds per article: its slot and the gram's occurrences.
type Posting = (u32, u32);

#[derive(Debug)]
struct Doc {
    id: i64,
    category_id: i64,
    status: ArticleStatus,
    title: String,
    title_n: String,
    keywords_n: String,
    content_n: String,
    updated_at: DateTime<Utc>,
}

impl Doc {
    fn text(&self) -> [&str; 3] {
        [&self.title_n, &self.keywords_n, &self.content_n]
    }
}

#[derive(Debug, Clone)]
struct Cat {
    parent: Option<i64>,
    title: String,
    title_n: String,
}

#[derive(Default)]
struct Index {
    generation: i64,
    slots: HashMap<i64, u32>,
    docs: Vec<Option<Doc>>,
    postings: HashMap<Box<str>, Vec<Posting>>,
    cats: HashMap<i64, Cat>,
}

/// The grams of normalised texts with their counts (a gram never spans two texts).
fn gram_counts<'a>(texts: &[&'a str]) -> HashMap<&'a str, u32> {
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
fn term_grams(term: &str) -> Vec<&str> {
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
fn is_one_gram(term: &str) -> bool {
    let mut chars = term.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(a), None, _) => class(a) != 0,
        (Some(a), Some(b), None) => class(a) != 0 && class(a) == class(b),
        _ => false,
    }
}

/// Occurrences of `needle` in `hay` (overlapping, as the gram counts are).
fn occurrences(hay: &str, needle: &str) -> u32 {
    count_with(&memmem::Finder::new(needle.as_bytes()), hay)
}

/// Occurrences of `finder`'s needle in `hay` (overlapping).
fn count_with(finder: &memmem::Finder, hay: &str) -> u32 {
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

/// Which articles a search may return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visible {
    /// 已发布 only.
    Published,
    /// 已发布 and 草稿 (editors; 已下架 is never searched).
    WithDrafts,
}

impl Visible {
    fn allows(self, s: ArticleStatus) -> bool {
        match s {
            ArticleStatus::Published => true,
            ArticleStatus::Draft => self == Visible::WithDrafts,
            ArticleStatus::Archived => false,
        }
    }
}

/// An article a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub id: i64,
    pub title: String,
    pub category_id: i64,
    pub status: ArticleStatus,
    pub updated_at: DateTime<Utc>,
}

/// A query term as the search uses it.
struct Term<'a> {
    text: &'a str,
    /// One gram: its occurrences are its count in the lists.
    one_gram: bool,
    /// Occurrences in each category's path, by category.
    cats: HashMap<i64, u32>,
    counts: Option<&'a Vec<Posting>>,
    finder: memmem::Finder<'a>,
}

/// How a found article ranks: lower field class first, more occurrences, newer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    class: u8,
    occurrences: std::cmp::Reverse<u32>,
    updated: std::cmp::Reverse<DateTime<Utc>>,
    id: std::cmp::Reverse<i64>,
}

impl Index {
    fn doc(&self, slot: u32) -> Option<&Doc> {
        self.docs.get(slot as usize).and_then(Option::as_ref)
    }

    fn unindex(&mut self, slot: u32) {
        let Some(doc) = self.docs.get_mut(slot as usize).and_then(Option::take) else { return };
        for gram in gram_counts(&doc.text()).into_keys() {
            if let Some(list) = self.postings.get_mut(gram) {
                if let Ok(at) = list.binary_search_by_key(&slot, |p| p.0) {
                    list.remove(at);
                }
                if list.is_empty() {
                    self.postings.remove(gram);
                }
            }
        }
    }

    fn put(&mut self, doc: Doc) {
        let slot = match self.slots.get(&doc.id).copied() {
            Some(s) => {
                self.unindex(s);
                s
            }
            None => {
                let s = self.docs.len() as u32;
                self.docs.push(None);
                self.slots.insert(doc.id, s);
                s
            }
        };
        for (gram, n) in gram_counts(&doc.text()) {
            let list = self.postings.entry(gram.into()).or_default();
            match list.last() {
                Some(last) if last.0 > slot => {
                    let at = list.partition_point(|p| p.0 < slot);
                    list.insert(at, (slot, n));
                }
                _ => list.push((slot, n)),
            }
        }
        self.docs[slot as usize] = Some(doc);
    }

    fn remove(&mut self, id: i64) {
        if let Some(s) = self.slots.get(&id).copied() {
            self.unindex(s);
        }
    }

    /// 标题 › 子目录 of category `id`.
    fn path(&self, id: i64) -> Vec<String> {
        category_path(id, |i| self.cats.get(&i).map(|c| (c.parent, c.title.as_str())))
    }

    /// Occurrences of `term` in the titles of each category's path (categories without any
    /// left out).
    fn category_hits(&self, term: &str) -> HashMap<i64, u32> {
        let own: HashMap<i64, u32> =
            self.cats.iter().map(|(id, c)| (*id, occurrences(&c.title_n, term))).filter(|(_, n)| *n > 0).collect();
        if own.is_empty() {
            return own;
        }
        let mut out = HashMap::new();
        for id in self.cats.keys() {
            let mut n = 0;
            let mut at = Some(*id);
            let mut depth = 0;
            while let Some(i) = at {
                n += own.get(&i).copied().unwrap_or(0);
                at = self.cats.get(&i).and_then(|c| c.parent);
                depth += 1;
                if depth > 16 {
                    break;
                }
            }
            if n > 0 {
                out.insert(*id, n);
            }
        }
        out
    }

    /// The slots a term's grams propose (sorted), or `None`: every article (no gram).
    fn proposed(&self, term: &str) -> Option<Vec<u32>> {
        let grams = term_grams(term);
        if grams.is_empty() {
            return None;
        }
        let mut lists: Vec<&Vec<Posting>> = vec![];
        for g in &grams {
            match self.postings.get(*g) {
                Some(l) => lists.push(l),
                None => return Some(vec![]),
            }
        }
        lists.sort_by_key(|l| l.len());
        let mut out: Vec<u32> = lists[0].iter().map(|p| p.0).collect();
        for l in &lists[1..] {
            out.retain(|s| l.binary_search_by_key(s, |p| p.0).is_ok());
            if out.is_empty() {
                break;
            }
        }
        Some(out)
    }

    /// Every visible article holding every term, ranked.
    fn search(&self, terms: &[String], visible: Visible) -> Vec<u32> {
        if terms.is_empty() {
            return vec![];
        }
        let prepared: Vec<Term> = terms
            .iter()
            .map(|t| Term {
                text: t,
                one_gram: is_one_gram(t),
                cats: self.category_hits(t),
                counts: if is_one_gram(t) { self.postings.get(t.as_str()) } else { None },
                finder: memmem::Finder::new(t.as_bytes()),
            })
            .collect();
        // Candidates: per term, what its grams propose plus the articles of categories it
        // hits; all terms' sets intersected, the smallest first.
        let mut sets: Vec<Option<Vec<u32>>> = prepared
            .iter()
            .map(|t| {
                let proposed = self.proposed(t.text)?;
                if t.cats.is_empty() {
                    return Some(proposed);
                }
                let mut all = proposed;
                all.extend(
                    self.docs
                        .iter()
                        .enumerate()
                        .filter(|(_, d)| d.as_ref().is_some_and(|d| t.cats.contains_key(&d.category_id)))
                        .map(|(s, _)| s as u32),
                );
                all.sort_unstable();
                all.dedup();
                Some(all)
            })
            .collect();
        sets.sort_by_key(|s| s.as_ref().map_or(usize::MAX, Vec::len));
        let mut candidates: Vec<u32> = match sets.first() {
            Some(Some(first)) => first.clone(),
            _ => (0..self.docs.len() as u32).collect(),
        };
        for s in sets.iter().skip(1).flatten() {
            candidates.retain(|c| s.binary_search(c).is_ok());
        }
        // Testing thousands of candidates' contents (a common phrase): shared among the cores.
        let scans = prepared.iter().any(|t| !t.one_gram);
        let threads = if scans && candidates.len() > 2_000 {
            std::thread::available_parallelism().map_or(1, |n| n.get()).min(4)
        } else {
            1
        };
        let rank = |slots: &[u32]| -> Vec<(Rank, u32)> {
            slots.iter().filter_map(|s| self.rank(*s, &prepared, visible).map(|r| (r, *s))).collect()
        };
        let mut ranked: Vec<(Rank, u32)> = if threads > 1 {
            std::thread::scope(|scope| {
                let parts: Vec<_> = candidates
                    .chunks(candidates.len().div_ceil(threads))
                    .map(|c| scope.spawn(move || rank(c)))
                    .collect();
                parts.into_iter().flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
            })
        } else {
            rank(&candidates)
        };
        ranked.sort_unstable();
        ranked.into_iter().map(|(_, s)| s).collect()
    }

    /// How the article in `slot` ranks for the terms (`None`: not visible, or a term is not
    /// in it).
    fn rank(&self, slot: u32, terms: &[Term], visible: Visible) -> Option<Rank> {
        let doc = self.doc(slot).filter(|d| visible.allows(d.status))?;
        let mut class = u8::MAX;
        let mut total = 0u32;
        for t in terms {
            let in_cat = t.cats.get(&doc.category_id).copied().unwrap_or(0);
            let (term_class, n) = if t.one_gram {
                let counted =
                    t.counts.and_then(|l| l.binary_search_by_key(&slot, |p| p.0).ok().map(|at| l[at].1)).unwrap_or(0);
                let c = if doc.title_n.contains(t.text) {
                    0
                } else if doc.keywords_n.contains(t.text) {
                    1
                } else if in_cat > 0 {
                    2
                } else if counted > 0 {
                    3
                } else {
                    return None;
                };
                (c, counted + in_cat)
            } else {
                let [ti, kw, co] = doc.text().map(|f| count_with(&t.finder, f));
                let c = if ti > 0 {
                    0
                } else if kw > 0 {
                    1
                } else if in_cat > 0 {
                    2
                } else if co > 0 {
                    3
                } else {
                    return None;
                };
                (c, ti + kw + co + in_cat)
            };
            class = class.min(term_class);
            total += n;
        }
        Some(Rank {
            class,
            occurrences: std::cmp::Reverse(total),
            updated: std::cmp::Reverse(doc.updated_at),
            id: std::cmp::Reverse(doc.id),
        })
    }

    /// Published articles sharing the most telling grams with `text` (a request being typed):
    /// each gram weighs by its rarity, doubled when in the title.
    fn suggest(&self, text: &str, limit: usize) -> Vec<u32> {
        let norm = search_text(text);
        let tail = last_chars(&norm, 300);
        // As a query: what was typed last (a query is cut to its first MAX_QUERY_CHARS).
        let exact = self.search(&parse_query(&last_chars(&tail, super::MAX_QUERY_CHARS)), Visible::Published);
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

    /// The article in `slot` as found, with its category path.
    fn with_path(&self, slot: u32) -> Option<(Found, Vec<String>)> {
        self.doc(slot).map(|d| {
            let found = Found {
                id: d.id,
                title: d.title.clone(),
                category_id: d.category_id,
                status: d.status,
                updated_at: d.updated_at,
            };
            (found, self.path(d.category_id))
        })
    }
}

/// A page of a search: the articles on it and how many there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Hits {
    pub found: Vec<(Found, Vec<String>)>,
    pub total: u64,
}

/// The index of one database, shared by the server's requests.
#[derive(Clone, Default)]
pub struct KbSearch {
    index: Arc<tokio::sync::RwLock<Index>>,
    refreshing: Arc<tokio::sync::Mutex<()>>,
}

impl KbSearch {
    /// Brings the index up to what is committed: reads the generation and, when it moved, the
    /// categories and the articles written since. Answers how many articles it read.
    pub async fn refresh(&self, db: &impl ConnectionTrait) -> AppResult<usize> {
        let current = current_generation(db).await?;
        if self.index.read().await.generation >= current {
            return Ok(0);
        }
        let _one = self.refreshing.lock().await;
        let since = self.index.read().await.generation;
        let current = current_generation(db).await?;
        if since >= current {
            return Ok(0);
        }
        let cats: HashMap<i64, Cat> = category::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, Cat { parent: c.parent_id, title_n: search_text(&c.title), title: c.title }))
            .collect();
        let mut changed = vec![];
        let mut last = 0i64;
        loop {
            let batch = article::Entity::find()
                .filter(article::Column::IndexSeq.gt(since))
                .filter(article::Column::IndexSeq.lte(current))
                .filter(article::Column::Id.gt(last))
                .order_by_asc(article::Column::Id)
                .limit(2000)
                .all(db)
                .await?;
            let Some(end) = batch.last() else { break };
            last = end.id;
            changed.extend(batch.into_iter().map(|a| {
                let live = a.deleted_at.is_none();
                let id = a.id;
                let doc = live.then(|| Doc {
                    id: a.id,
                    category_id: a.category_id,
                    status: a.status(),
                    title_n: search_text(&a.title),
                    keywords_n: search_text(&a.keywords),
                    content_n: search_text(&a.content_text),
                    title: a.title,
                    updated_at: a.updated_at,
                });
                (id, doc)
            }));
        }
        let n = changed.len();
        let mut index = self.index.write().await;
        index.cats = cats;
        for (id, doc) in changed {
            match doc {
                Some(d) => index.put(d),
                None => index.remove(id),
            }
        }
        index.generation = current;
        Ok(n)
    }

    /// The page `page` (from 0) of `per_page` results for `terms`, with the path of each.
    pub async fn search(&self, terms: &[String], visible: Visible, page: u64, per_page: u64) -> AppResult<Hits> {
        let index = self.index.clone().read_owned().await;
        let terms = terms.to_vec();
        // CPU work (a common phrase tests thousands of texts): off the async workers.
        tokio::task::spawn_blocking(move || {
            let all = index.search(&terms, visible);
            let total = all.len() as u64;
            let skip = page.saturating_mul(per_page).min(usize::MAX as u64) as usize;
            let found = all.into_iter().skip(skip).take(per_page as usize).filter_map(|s| index.with_path(s)).collect();
            Hits { found, total }
        })
        .await
        .map_err(AppError::internal)
    }

    /// The `limit` published articles that best answer `text`.
    pub async fn suggest(&self, text: &str, limit: usize) -> AppResult<Vec<(Found, Vec<String>)>> {
        let index = self.index.clone().read_owned().await;
        let text = text.to_string();
        tokio::task::spawn_blocking(move || {
            index.suggest(&text, limit).into_iter().filter_map(|s| index.with_path(s)).collect()
        })
        .await
        .map_err(AppError::internal)
    }
}

pub async fn current_generation(db: &impl ConnectionTrait) -> AppResult<i64> {
    Ok(state::Entity::find_by_id(1).one(db).await?.map(|s| s.generation).unwrap_or(0))
}

/// The normalised form of `s` char by char, with the index in `s` (in chars) each normalised
/// char comes from; white space runs become one space. (NFKC of single characters: it equals
/// the whole text's but for combining sequences, which only a highlight could miss.)
fn normalised_map(s: &str) -> (Vec<char>, Vec<usize>) {
    let mut chars = vec![];
    let mut from = vec![];
    for (i, c) in s.chars().enumerate() {
        if c.is_whitespace() {
            if chars.last().is_some_and(|l: &char| *l != ' ') {
                chars.push(' ');
                from.push(i);
            }
            continue;
        }
        let mut buf = [0u8; 4];
        for n in migration::text::normalize(c.encode_utf8(&mut buf)).chars() {
            chars.push(n);
            from.push(i);
        }
    }
    (chars, from)
}

/// Which chars of `s` the terms cover.
fn covered(s: &str, terms: &[String]) -> Vec<bool> {
    let (norm, from) = normalised_map(s);
    let mut hit = vec![false; s.chars().count()];
    for t in terms {
        let t: Vec<char> = t.chars().collect();
        if t.is_empty() || t.len() > norm.len() {
            continue;
        }
        for start in 0..=norm.len() - t.len() {
            if norm[start..start + t.len()] == t[..] {
                hit[from[start]..=from[start + t.len() - 1]].fill(true);
            }
        }
    }
    hit
}

/// `s` in pieces, the terms' occurrences marked.
pub fn marks(s: &str, terms: &[String]) -> Vec<Segment> {
    segments(&s.chars().collect::<Vec<_>>(), &covered(s, terms))
}

fn segments(chars: &[char], hit: &[bool]) -> Vec<Segment> {
    let mut out: Vec<Segment> = vec![];
    for (c, h) in chars.iter().zip(hit) {
        match out.last_mut() {
            Some(seg) if seg.hit == *h => seg.text.push(*c),
            _ => out.push(Segment { text: c.to_string(), hit: *h }),
        }
    }
    out
}

/// About `radius` characters either side of the first term found in `content` (its start when
/// none is), lines joined, the terms marked, "…" where it was cut.
pub fn snippet(content: &str, terms: &[String], radius: usize) -> Vec<Segment> {
    let flat = content.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = flat.chars().collect();
    let hit = covered(&flat, terms);
    let first = hit.iter().position(|h| *h).unwrap_or(0);
    let start = first.saturating_sub(radius);
    let end = (first + radius).min(chars.len()).max((start + 2 * radius).min(chars.len()));
    let mut out = segments(&chars[start..end], &hit[start..end]);
    if start > 0 {
        out.insert(0, Segment { text: "…".into(), hit: false });
    }
    if end < chars.len() {
        out.push(Segment { text: "…".into(), hit: false });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: i64, cat: i64, title: &str, keywords: &str, content: &str, age_days: i64) -> Doc {
        Doc {
            id,
            category_id: cat,
            status: ArticleStatus::Published,
            title: title.into(),
            title_n: search_text(title),
            keywords_n: search_text(keywords),
            content_n: search_text(content),
            updated_at: DateTime::<Utc>::from_timestamp(1_700_000_000 - age_days * 86_400, 0).unwrap_or_default(),
        }
    }

    fn index(docs: Vec<Doc>) -> Index {
        let mut ix = Index::default();
        for (id, title) in [(1, "会员履约服务知识"), (2, "产品知识")] {
            ix.cats.insert(id, Cat { parent: None, title: title.into(), title_n: search_text(title) });
        }
        for d in docs {
            ix.put(d);
        }
        ix
    }

    fn ids(ix: &Index, q: &str) -> Vec<i64> {
        ix.search(&parse_query(q), Visible::Published).into_iter().filter_map(|s| ix.doc(s).map(|d| d.id)).collect()
    }

    #[test]
    fn the_acceptance_tests_of_8_3_9() {
        let ix = index(vec![
            doc(1, 1, "续费说明", "", "会员可在服务到期前30天办理续费", 5),
            doc(2, 2, "EC数据宝2.0", "", "数据产品介绍", 5),
            doc(3, 1, "流程", "", "会员续费流程", 5),
            doc(4, 1, "其他", "", "办理流程", 5),
        ]);
        for q in ["续费", "费", "到期前"] {
            assert!(ids(&ix, q).contains(&1), "{q}");
        }
        for q in ["ec数据宝", "ＥＣ数据宝", "2.0"] {
            assert_eq!(ids(&ix, q), vec![2], "{q}");
        }
        assert_eq!(ids(&ix, "续费 流程"), vec![3]);
        assert!(ids(&ix, "<script>").is_empty());
    }

    #[test]
    fn ranking_is_title_keyword_category_content_then_occurrences_then_newest() {
        let ix = index(vec![
            doc(1, 2, "a", "", "续费", 1),
            doc(2, 2, "b", "续费", "x", 1),
            doc(3, 2, "续费", "", "x", 9),
            doc(4, 1, "c", "", "续费", 1),
            doc(5, 2, "d", "", "续费 续费", 3),
            doc(6, 2, "e", "", "续费 续费", 2),
        ]);
        // (4 and 1 tie but for the id.)
        assert_eq!(ids(&ix, "续费"), vec![3, 2, 6, 5, 4, 1]);
        // 履约 only in the category title.
        assert_eq!(ids(&ix, "履约"), vec![4]);
        assert_eq!(ids(&ix, "履约服务 续费"), vec![4]);
    }

    #[test]
    fn phrases_symbols_and_updates() {
        let mut ix = index(vec![doc(1, 2, "价格 100%", "", "A B  c", 1), doc(2, 2, "价格", "", "a c b", 1)]);
        assert_eq!(ids(&ix, "%"), vec![1]);
        assert_eq!(ids(&ix, "\"a b c\""), vec![1]);
        assert_eq!(ids(&ix, "“c b”"), vec![2]);
        assert_eq!(ids(&ix, "a b c"), vec![2, 1]);
        ix.put(doc(1, 2, "新标题", "", "z", 0));
        assert_eq!(ids(&ix, "价格"), vec![2]);
        assert_eq!(ids(&ix, "新标"), vec![1]);
        ix.remove(1);
        assert!(ids(&ix, "新标").is_empty());
        assert!(!ix.postings.contains_key("新标"));
    }

    #[test]
    fn queries_parse_into_normalised_terms() {
        assert_eq!(parse_query("  续费   流程 续费 "), vec!["续费", "流程"]);
        assert_eq!(parse_query("ＥＣ \"Data  Bao\" x"), vec!["ec", "data bao", "x"]);
        assert_eq!(parse_query("\"unclosed phrase"), vec!["unclosed phrase"]);
        assert!(parse_query(" \"\" ").is_empty());
    }

    #[test]
    fn highlights_map_back_to_the_original_text() {
        let terms = parse_query("ec数据宝");
        let m = marks("ＥＣ数据宝2.0", &terms);
        assert_eq!(
            m,
            vec![Segment { text: "ＥＣ数据宝".into(), hit: true }, Segment { text: "2.0".into(), hit: false }]
        );
        let s = snippet(&format!("{}续费{}", "甲".repeat(100), "乙".repeat(100)), &parse_query("续费"), 40);
        let text: String = s.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(text.chars().count(), 80 + 2);
        assert!(s.iter().any(|x| x.hit && x.text == "续费"));
    }

    #[test]
    fn one_gram_terms_are_counted_from_the_lists() {
        assert!(is_one_gram("续费") && is_one_gram("费") && is_one_gram("ec"));
        assert!(!is_one_gram("到期前") && !is_one_gram("a续") && !is_one_gram("%"));
        assert_eq!(term_grams("团）有限"), vec!["团", "有限"]);
        assert_eq!(occurrences("会会会", "会会"), 2);
    }
}

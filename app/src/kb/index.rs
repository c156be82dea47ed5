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
use migration::text::search_text;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::ArticleStatus;
use super::entity::{article, category, state};
use super::terms::{category_path, count_with, gram_counts, is_one_gram, occurrences, term_grams};
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
            .map(|t| {
                let one_gram = is_one_gram(t);
                Term {
                    text: t,
                    one_gram,
                    cats: self.category_hits(t),
                    counts: if one_gram { self.postings.get(t.as_str()) } else { None },
                    finder: memmem::Finder::new(t.as_bytes()),
                }
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

#[path = "index_suggest.rs"]
mod suggest;

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;

//! The index's unit tests: the acceptance tests of §8.3.9, ranking, phrases, symbols and
//! incremental updates.
use super::*;
use crate::kb::terms::parse_query;
use migration::text::search_text;

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

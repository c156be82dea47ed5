//! Highlighting (§8.3.7): the terms' occurrences marked in a title or a snippet of the
//! original text, found through a per-character normalisation that maps back to it.
use super::Segment;

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
    use crate::kb::terms::parse_query;

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
}

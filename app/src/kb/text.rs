//! The texts of an article: its HTML sanitised against the allow-list (the one e-mail bodies
//! use), its plain text (for search, snippets, 复制解答 and 引用), and Markdown made HTML (the
//! import).
pub use crate::emails::templates::sanitize;

/// Tags after which the plain text starts a new line.
const BLOCKS: [&str; 16] =
    ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol"];

/// The plain text of (sanitised) HTML: tags gone, entities decoded, a line per block, white
/// space within a line collapsed, no empty lines.
pub fn plain_text(html: &str) -> String {
    let mut raw = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        raw.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            // A lone `<` is text.
            raw.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if BLOCKS.contains(&name.as_str()) {
            raw.push('\n');
        } else if name == "td" || name == "th" {
            raw.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    raw.push_str(rest);
    decode_entities(&raw)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`, `&apos;`, `&nbsp;` and numeric references decoded;
/// anything else left as written.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = &after[..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Markdown as HTML (not yet sanitised).
pub fn markdown_html(md: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(md, pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

/// Plain text as HTML paragraphs (one per line), escaped.
pub fn text_html(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("<p>{}</p>", escape(l)))
        .collect::<Vec<_>>()
        .join("")
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_stripped_and_text_stays() {
        let html = sanitize(
            "<p>会员<b>续费</b></p><script>alert(1)</script><img src=x onerror=\"alert(2)\"><a href=\"javascript:alert(3)\">链接</a>",
        );
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript"), "{html}");
        assert_eq!(plain_text(&html), "会员续费\n链接");
    }

    #[test]
    fn plain_text_keeps_blocks_as_lines_and_decodes_entities() {
        assert_eq!(
            plain_text("<h2>标题</h2><p>a &amp; b&nbsp;&lt;c&gt;</p><ul><li>一</li><li>二</li></ul>"),
            "标题\na & b <c>\n一\n二"
        );
        assert_eq!(plain_text("x &unknown; &#x4F1A;&#21592; y < z"), "x &unknown; 会员 y < z");
    }

    #[test]
    fn markdown_becomes_html() {
        let html = sanitize(&markdown_html("# 续费\n\n会员可在**到期前**办理。\n\n<script>x</script>"));
        assert_eq!(plain_text(&html), "续费\n会员可在到期前办理。");
    }
}

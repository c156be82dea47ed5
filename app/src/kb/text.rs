//! The texts of an article: its HTML sanitised against the allow-list and its plain text (for
//! search, snippets, 复制解答 and 引用) — both the rich-text kit of `emails::templates` — and
//! Markdown or plain text made HTML (the import).
use crate::emails::html_escape;
pub use crate::emails::rich_text::plain_text;
pub use crate::emails::templates::sanitize;

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
        .map(|l| format!("<p>{}</p>", html_escape(l)))
        .collect::<Vec<_>>()
        .join("")
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

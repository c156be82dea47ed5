//! UI language. Simplified Chinese is the default, English the second locale. Every UI string is
//! written as a `(中文, English)` pair at the place it is used, so a missing translation cannot
//! exist; the choice lives in the `crm_lang` cookie (read on the server for SSR, on the client
//! for hydration) and in the account profile.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const COOKIE: &str = "crm_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Zh,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Zh => "zh",
            Locale::En => "en",
        }
    }
    pub fn html_lang(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }
    pub fn from_code(s: &str) -> Self {
        if s.eq_ignore_ascii_case("en") { Locale::En } else { Locale::Zh }
    }
    /// The locale named by a `Cookie:` header value, defaulting to Chinese.
    pub fn from_cookie_header(header: &str) -> Self {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == COOKIE)
            .map(|(_, v)| Locale::from_code(v))
            .unwrap_or_default()
    }
}

/// The reactive locale, provided once by `App`.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Locale>);

impl I18n {
    pub fn locale(&self) -> Locale {
        self.0.get()
    }
    /// Picks the string for the current locale (reactive when called inside a closure).
    pub fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        match self.0.get() {
            Locale::Zh => zh,
            Locale::En => en,
        }
    }
    /// Owned variant for runtime strings such as labels stored in the database.
    pub fn pick(&self, zh: &str, en: &str) -> String {
        match self.0.get() {
            Locale::Zh => zh.to_string(),
            Locale::En => en.to_string(),
        }
    }
    pub fn set(&self, locale: Locale) {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(doc) = web_sys::window().and_then(|w| w.document())
                && let Ok(doc) = doc.dyn_into::<web_sys::HtmlDocument>()
            {
                let _ =
                    doc.set_cookie(&format!("{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Strict", locale.code()));
                if let Some(root) = doc.document_element() {
                    let _ = root.set_attribute("lang", locale.html_lang());
                }
                doc.set_title(crate::app_title(locale));
            }
        }
        self.0.set(locale);
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// The locale of the current request (server) or document (browser).
pub fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers.get(http::header::COOKIE).and_then(|v| v.to_str().ok()).map(Locale::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
            .and_then(|d| d.cookie().ok())
            .map(|c| Locale::from_cookie_header(&c))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Locale::Zh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_header_selects_locale() {
        assert_eq!(Locale::from_cookie_header("a=1; crm_lang=en; b=2"), Locale::En);
        assert_eq!(Locale::from_cookie_header("crm_lang=zh"), Locale::Zh);
        assert_eq!(Locale::from_cookie_header("other=en"), Locale::Zh);
        assert_eq!(Locale::from_cookie_header(""), Locale::Zh);
    }
}

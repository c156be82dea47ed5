//! The list-page kit: a filter kept in the URL ([`url_filter!`], [`UrlFilter`]), the state of a
//! list page ([`ListState`]: the filter of the URL, the draft its form edits, reloading after an
//! action) and the results ([`ListTable`]: loading, validation and other errors, the empty
//! state, the table and the pager). A list page is its filter struct, its form fields, its
//! columns and its row component:
//!
//! ```ignore
//! let list = ListState::<ArchiveFilter>::new(|_| {});
//! let rows = list.load(list_archive);
//! view! {
//!     <form class="filters" role="search" on:submit=list.on_search()> … </form>
//!     <ListTable rows columns=COLUMNS on_page=list.on_page() empty=…
//!         row=|r| view! { <Row r/> }/>
//! }
//! ```
use std::future::Future;

use leptos::prelude::*;
use leptos_router::params::ParamsMap;

use super::{Page, Pager};
use crate::error::AppError;
use crate::i18n::use_i18n;

/// A filter struct kept in the URL query, so a list view can be bookmarked and shared.
pub trait UrlFilter: Clone + Default + PartialEq + Send + Sync + 'static {
    /// The URL query string (without `?`); empty fields are left out.
    fn to_query(&self) -> String;
    /// The filter of a URL query (unknown or malformed values: their defaults).
    fn from_query(q: &ParamsMap) -> Self;
    /// The same filter at another page / page size.
    fn at_page(self, page: u64, per_page: u64) -> Self;
    /// The page size it asks for.
    fn page_size(&self) -> u64;
    /// The URL parameter (and form field name) of struct field `field` ("" if there is none).
    fn key(field: &str) -> &'static str;
}

/// Declares a filter struct whose every field maps to one URL query parameter, with its
/// [`UrlFilter`] impl. Text and code fields are strings ("" = 全部); tree and organisation
/// filters are ids. Every such filter also has `exact` (精确匹配), `page` and `per_page`.
macro_rules! url_filter {
    ($(#[$doc:meta])* $name:ident; text { $($t:ident = $tk:literal),* $(,)? } id { $($i:ident = $ik:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(default)]
        pub struct $name {
            $(pub $t: String,)*
            $(pub $i: Option<i64>,)*
            /// 精确匹配 for the text filters.
            pub exact: bool,
            pub page: u64,
            pub per_page: u64,
        }

        impl $crate::ui::list::UrlFilter for $name {
            fn to_query(&self) -> String {
                let mut parts: Vec<String> = vec![];
                $(if !self.$t.trim().is_empty() {
                    parts.push(format!("{}={}", $tk, $crate::url::urlencode(self.$t.trim())));
                })*
                $(if let Some(v) = self.$i { parts.push(format!("{}={v}", $ik)); })*
                if self.exact { parts.push("exact=1".into()); }
                if self.page > 1 { parts.push(format!("page={}", self.page)); }
                if self.per_page != 0 && self.per_page != 20 { parts.push(format!("per_page={}", self.per_page)); }
                parts.join("&")
            }

            fn from_query(q: &leptos_router::params::ParamsMap) -> Self {
                Self {
                    $($t: $crate::ui::list::query_text(q, $tk),)*
                    $($i: $crate::ui::query_parse(q, $ik),)*
                    exact: q.get("exact").is_some_and(|v| v == "1"),
                    page: $crate::ui::query_num(q, "page", 1),
                    per_page: $crate::ui::query_num(q, "per_page", 20),
                }
            }

            fn at_page(self, page: u64, per_page: u64) -> Self {
                Self { page, per_page, ..self }
            }

            fn page_size(&self) -> u64 {
                self.per_page
            }

            fn key(field: &str) -> &'static str {
                match field {
                    $(stringify!($t) => $tk,)*
                    $(stringify!($i) => $ik,)*
                    "exact" => "exact",
                    "page" => "page",
                    "per_page" => "per_page",
                    _ => "",
                }
            }
        }
    };
}

pub(crate) use url_filter;

/// A text or code parameter of a URL query: a repeated parameter (the checkboxes of one field
/// in a form submitted before hydration: `level=a&level=b`) is one comma-separated value.
pub fn query_text(q: &ParamsMap, key: &str) -> String {
    q.get_all(key).map(|v| v.into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(",")).unwrap_or_default()
}

/// One text field of a filter form: its name (the URL parameter), the draft's value and the
/// draft's setter. Made by [`bind_filter!`].
#[derive(Clone, Copy)]
pub struct FilterField {
    pub name: &'static str,
    pub value: Signal<String>,
    pub set: Callback<String>,
}

/// The URL parameter of `field` of the draft's filter type (type inference through `_draft`).
pub fn key_of<F: UrlFilter>(_draft: &RwSignal<F>, field: &'static str) -> &'static str {
    F::key(field)
}

/// The [`FilterField`] of text field `$field` of the draft filter `$draft`.
#[macro_export]
#[doc(hidden)]
macro_rules! bind_filter {
    ($draft:ident, $field:ident) => {
        $crate::ui::list::FilterField {
            name: $crate::ui::list::key_of(&$draft, stringify!($field)),
            value: Signal::derive(move || $draft.with(|f| f.$field.clone())),
            set: Callback::new(move |v: String| $draft.update(|f| f.$field = v)),
        }
    };
}

/// The state of a list page: `filter` is what the URL says (and what is loaded), `draft` what
/// the filter form shows while the user edits it, `version` a counter to bump to reload after
/// an action (delete, approve …).
pub struct ListState<F: UrlFilter> {
    pub filter: Memo<F>,
    pub draft: RwSignal<F>,
    pub version: RwSignal<u32>,
    go: Callback<F>,
}

impl<F: UrlFilter> Clone for ListState<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F: UrlFilter> Copy for ListState<F> {}

impl<F: UrlFilter> ListState<F> {
    /// The list state of the current page; `defaults` fills what an empty URL leaves open
    /// (a default tab, say).
    pub fn new(defaults: impl Fn(&mut F) + Send + Sync + 'static) -> Self {
        let query = leptos_router::hooks::use_query_map();
        let filter = Memo::new(move |_| {
            let mut f = F::from_query(&query.get());
            defaults(&mut f);
            f
        });
        let draft = RwSignal::new(typed_before_hydration().unwrap_or_else(|| filter.get_untracked()));
        // Back/forward and links change the URL: the form follows (not at the first run, which
        // would throw away what was typed before hydration).
        Effect::new(move |first: Option<()>| {
            let f = filter.get();
            if first.is_some() {
                draft.set(f);
            }
        });
        let nav = super::use_query_navigate();
        Self { filter, draft, version: RwSignal::new(0), go: Callback::new(move |f: F| nav(f.to_query())) }
    }

    /// Loads the page the URL asks for with `fetch` (again after [`Self::reload`]).
    pub fn load<T, Fut>(&self, fetch: impl Fn(F) -> Fut + Send + Sync + 'static) -> Resource<Result<Page<T>, AppError>>
    where
        T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
        Fut: Future<Output = Result<Page<T>, AppError>> + Send + 'static,
    {
        let (filter, version) = (self.filter, self.version);
        Resource::new(move || (filter.get(), version.get()), move |(f, _)| fetch(f))
    }

    /// Shows filter `f` (its page and page size as given).
    pub fn go(&self, f: F) {
        self.go.run(f);
    }

    /// Loads the list again (after an action changed its rows).
    pub fn reload(&self) {
        self.version.update(|v| *v += 1);
    }

    /// The filter form's submit: the draft, from its first page.
    pub fn on_search(&self) -> impl Fn(leptos::ev::SubmitEvent) + Copy + 'static {
        let this = *self;
        move |ev| {
            ev.prevent_default();
            let draft = this.draft.get_untracked();
            let size = draft.page_size();
            this.go(draft.at_page(1, size));
        }
    }

    /// The 重置 button: every filter back to its default.
    pub fn on_reset(&self) -> impl Fn(leptos::ev::MouseEvent) + Copy + 'static {
        let this = *self;
        move |_| {
            this.draft.set(F::default());
            this.go(F::default());
        }
    }

    /// The pager's change: the URL's filter at another page / page size.
    pub fn on_page(&self) -> Callback<(u64, u64)> {
        let this = *self;
        Callback::new(move |(page, per_page): (u64, u64)| this.go(this.filter.get_untracked().at_page(page, per_page)))
    }
}

/// What the server-rendered filter form (`<FilterForm>`) holds when the page hydrates: values
/// typed or picked before the WASM arrived, on top of the URL's filter. `None` outside
/// hydration (a client-side navigation renders the form from the URL).
fn typed_before_hydration<F: UrlFilter>() -> Option<F> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if !Owner::current_shared_context().is_some_and(|sc| sc.during_hydration()) {
            return None;
        }
        let form: web_sys::HtmlFormElement = document().query_selector("form[data-filter]").ok()??.dyn_into().ok()?;
        let mut map = leptos_router::hooks::use_query_map().get_untracked();
        // Every named field of the form replaces its URL value (an unchecked box has none).
        let elements = form.elements();
        let mut names: Vec<String> =
            (0..elements.length()).filter_map(|i| elements.item(i)?.get_attribute("name")).collect();
        names.sort();
        names.dedup();
        let data = web_sys::FormData::new_with_form(&form).ok()?;
        for name in names {
            map.remove(&name);
            for v in data.get_all(&name).iter().filter_map(|v| v.as_string()) {
                // `insert` decodes its value: hand it the encoded form of what was typed.
                map.insert(name.clone(), crate::url::urlencode(&v));
            }
        }
        Some(F::from_query(&map))
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// The filter form of a list page: a plain GET form (it works before the WASM has loaded:
/// the browser submits it and the server renders the result), taken over by the list state
/// once hydrated. Each field has a `name` (its URL parameter, see [`bind_filter!`]) and
/// renders its value as an attribute too (`value=`/`checked=`/`selected=` beside `prop:`), so
/// the server-rendered form shows the URL's filter that hydration reads back. `keep` names
/// URL parameters the form has no field for (view, sort …) that a search keeps; the page size
/// is always kept.
#[component]
pub fn FilterForm<F: UrlFilter>(
    list: ListState<F>,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] keep: &'static [&'static str],
    #[prop(optional)] on_search: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let search = list.on_search();
    let hidden = move || {
        let q = list.filter.get().to_query();
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .filter(|(k, _)| *k == "per_page" || keep.contains(k))
            .map(|(k, v)| view! { <input type="hidden" name=k.to_string() value=crate::url::urldecode(v)/> })
            .collect_view()
    };
    view! {
        <form class=format!("filters {class}") method="get" role="search" data-filter=""
            on:submit=move |ev| {
                if let Some(cb) = on_search {
                    cb.run(());
                }
                search(ev)
            }>
            {hidden}
            {children()}
        </form>
    }
}

/// 查询 and 重置 of a filter form (重置 puts every filter back to its default).
#[component]
pub fn FilterButtons<F: UrlFilter>(list: ListState<F>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="filter-buttons">
            <button type="submit" class="btn btn-primary">{move || i18n.t("查询", "Search")}</button>
            <button type="button" class="btn" on:click=list.on_reset()>{move || i18n.t("重置", "Reset")}</button>
        </div>
    }
}

/// The results of a list page: "查询中…" while the first page loads, a readable message for
/// invalid filters or a failure, `empty` when nothing matches, else the table of `columns`
/// (one `row` per item) and the pager.
#[component]
pub fn ListTable<T, R, V>(
    rows: Resource<Result<Page<T>, AppError>>,
    /// Column headings (zh, en), in order.
    columns: &'static [(&'static str, &'static str)],
    /// The `<tr>` (or rows) of one item.
    row: R,
    on_page: Callback<(u64, u64)>,
    /// Shown when nothing matches (say what to do next).
    #[prop(into)]
    empty: ViewFn,
    /// `data-testid` of the table.
    #[prop(optional)]
    testid: &'static str,
    /// Extra classes of the table (`data` is always there).
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    R: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    let table_class = if class.is_empty() { "data".to_string() } else { format!("data {class}") };
    // While another page or filter loads, the rows shown are the previous ones: say so.
    let loading = RwSignal::new(false);
    let fallback = move || view! { <div class="empty"><p>{move || i18n.t("查询中…", "Loading…")}</p></div> };
    let body = move || {
        rows.get().map(|r| match r {
            Err(AppError::Validation(_)) => view! {
                <div class="empty"><p>{move || i18n.t("请修正标红的查询条件", "Correct the marked filters")}</p></div>
            }
            .into_any(),
            Err(e) => view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> }.into_any(),
            Ok(p) if p.items.is_empty() => view! { <div class="empty">{empty.run()}</div> }.into_any(),
            Ok(p) => {
                let row = row.clone();
                view! {
                    <table class=table_class.clone() data-testid=testid>
                        <thead><tr>
                            {columns.iter().map(|(zh, en)| view! { <th>{move || i18n.t(zh, en)}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>{p.items.into_iter().map(row).collect_view()}</tbody>
                    </table>
                    <Pager total=p.total page=p.page per_page=p.per_page on_change=on_page counted_to=p.counted_to/>
                }
                .into_any()
            }
        })
    };
    view! {
        <div class="table-wrap" class:loading=move || loading.get() aria-busy=move || loading.get().to_string()>
            <Results loading fallback=fallback>{body.clone()}</Results>
        </div>
    }
}

/// The results region of a list page: a `<Transition>` that keeps the rows shown while newer
/// ones load, and sets `loading` meanwhile. `set_pending` is wired in the browser only: on the
/// server Leptos runs it as an effect in a spawned task that can outlive the render (a worker
/// panic under load), and a server render has nothing pending to show.
#[component]
pub fn Results(loading: RwSignal<bool>, #[prop(into)] fallback: ViewFnOnce, children: ChildrenFn) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let results = view! { <Transition set_pending=loading fallback=fallback>{children()}</Transition> };
    #[cfg(not(feature = "hydrate"))]
    let results = {
        let _ = loading;
        view! { <Transition fallback=fallback>{children()}</Transition> }
    };
    results
}

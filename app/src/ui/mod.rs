//! Shared UI pieces: form fields with their error, error banners, the pager and time
//! formatting.
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};
use crate::i18n::use_i18n;

pub mod filters;
pub mod list;

/// One page of a list with its total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// The total was counted only up to this (a larger one is shown as "超过 N 条"); `None`:
    /// exact.
    #[serde(default)]
    pub counted_to: Option<u64>,
}

impl<T> Page<T> {
    /// The same page with each row mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        let Page { items, total, page, per_page, counted_to } = self;
        Page { items: items.into_iter().map(f).collect(), total, page, per_page, counted_to }
    }

    /// The same page with these rows instead (made from its own, say asynchronously).
    pub fn with_items<U>(self, items: Vec<U>) -> Page<U> {
        Page { items, total: self.total, page: self.page, per_page: self.per_page, counted_to: self.counted_to }
    }
}

/// No rows (a list that is not shown, such as the other tab's).
impl<T> Default for Page<T> {
    fn default() -> Self {
        Self { items: vec![], total: 0, page: 1, per_page: 20, counted_to: None }
    }
}

pub const PER_PAGE_CHOICES: [u64; 4] = [10, 20, 50, 100];

/// Clamps a requested page size to the offered choices (default 20).
pub fn per_page(n: u64) -> u64 {
    if PER_PAGE_CHOICES.contains(&n) { n } else { 20 }
}

/// The highest page number served. Past it every list is empty anyway, and `(page - 1) *
/// per_page` stays far below `i64::MAX`, which the SQL binders need.
pub const MAX_PAGE: u64 = 1_000_000;

/// A requested page number (1-based) made safe: 0 → 1, huge → [`MAX_PAGE`].
pub fn page_number(n: u64) -> u64 {
    n.clamp(1, MAX_PAGE)
}

/// A URL query value parsed as `T` (absent or malformed: `None`), for filters kept in the URL.
pub fn query_parse<T: std::str::FromStr>(q: &leptos_router::params::ParamsMap, key: &str) -> Option<T> {
    q.get(key).and_then(|v| v.parse().ok())
}

/// A numeric URL query value such as `page`, or `default`.
pub fn query_num(q: &leptos_router::params::ParamsMap, key: &str, default: u64) -> u64 {
    query_parse(q, key).unwrap_or(default)
}

/// `YYYY-MM-DD HH:mm` in Asia/Shanghai (SPEC §3.1).
pub fn fmt_time(t: &DateTime<Utc>) -> String {
    crate::cst::local(t).format("%Y-%m-%d %H:%M").to_string()
}

pub fn fmt_opt_time(t: &Option<DateTime<Utc>>) -> String {
    t.as_ref().map(fmt_time).unwrap_or_else(|| "—".into())
}

/// Field errors of the last failed submission, shown next to each field.
pub fn field_errors(err: Option<&AppError>) -> FieldErrors {
    err.and_then(|e| e.field_errors().cloned()).unwrap_or_default()
}

/// A labelled form row with its error message under the input.
#[component]
pub fn Field(
    label: (&'static str, &'static str),
    id: &'static str,
    #[prop(optional)] required: bool,
    #[prop(into)] errors: Signal<FieldErrors>,
    #[prop(optional)] hint: Option<(&'static str, &'static str)>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = move || errors.with(|e| e.get(id).map(|t| t.get(i18n.locale()).to_string()));
    let err_id = format!("{id}-error");
    view! {
        <div class="form-row" class:has-error=move || error().is_some()>
            <label for=id>
                {required.then(|| view! { <span class="req" aria-hidden="true">"*"</span> })}
                {move || i18n.t(label.0, label.1)}
            </label>
            <div class="form-control">
                {children()}
                {hint.map(|h| view! { <div class="hint">{move || i18n.t(h.0, h.1)}</div> })}
                <div class="field-error" id=err_id role="alert">
                    {error}
                </div>
            </div>
        </div>
    }
}

/// The general message of an error (field errors are shown at their fields).
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| {
            view! {
                <div class="alert alert-error" role="alert">
                    {e.message(i18n.locale())}
                </div>
            }
        })
    }
}

#[component]
pub fn SuccessBanner(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! {
                <div class="alert alert-success" role="status">
                    {m}
                </div>
            }
        })
    }
}

/// "共 N 条" with previous/next, page number and page size.
#[component]
pub fn Pager(
    #[prop(into)] total: Signal<u64>,
    #[prop(into)] page: Signal<u64>,
    #[prop(into)] per_page: Signal<u64>,
    on_change: Callback<(u64, u64)>,
    /// The total was counted only up to this ([`Page::counted_to`]): more is "超过 N 条".
    #[prop(into, default = Signal::stored(None))]
    counted_to: Signal<Option<u64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let shown = move || counted_to.get().map_or(total.get(), |cap| total.get().min(cap));
    let pages = move || shown().div_ceil(per_page.get().max(1)).max(1);
    view! {
        <div class="pager">
            <span class="total">
                {move || match (i18n.locale(), counted_to.get().filter(|cap| total.get() > *cap)) {
                    (crate::i18n::Locale::Zh, Some(cap)) => format!("超过 {cap} 条"),
                    (crate::i18n::Locale::En, Some(cap)) => format!("More than {cap}"),
                    (crate::i18n::Locale::Zh, None) => format!("共 {} 条", total.get()),
                    (crate::i18n::Locale::En, None) => format!("{} in total", total.get()),
                }}
            </span>
            <button
                disabled=move || page.get() <= 1
                on:click=move |_| on_change.run((page.get() - 1, per_page.get()))
            >
                {move || i18n.t("上一页", "Previous")}
            </button>
            <span class="current">{move || format!("{} / {}", page.get(), pages())}</span>
            <button
                disabled=move || { page.get() >= pages() }
                on:click=move |_| on_change.run((page.get() + 1, per_page.get()))
            >
                {move || i18n.t("下一页", "Next")}
            </button>
            <select
                aria-label=move || i18n.t("每页条数", "Rows per page")
                on:change=move |ev| {
                    let n = event_target_value(&ev).parse().unwrap_or(20);
                    on_change.run((1, n))
                }
            >
                {PER_PAGE_CHOICES
                    .into_iter()
                    .map(|n| {
                        view! {
                            <option value=n.to_string() selected=move || per_page.get() == n>
                                {move || match i18n.locale() {
                                    crate::i18n::Locale::Zh => format!("{n} 条/页"),
                                    crate::i18n::Locale::En => format!("{n} / page"),
                                }}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    status_page(404, "not-found", ("页面不存在", "Page not found"))
}

/// A numeric URL query value of the page as it opened (`?customer=ID`; anything else `None`).
pub fn query_id(name: &'static str) -> Option<i64> {
    leptos_router::hooks::use_query_map().with_untracked(|q| q.get(name).and_then(|v| v.parse::<i64>().ok()))
}

/// The `:id` of the page's route (`None`: not a number, which the page shows as not found).
pub fn id_param() -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()))
}

/// The record of the route's `:id`, fetched by `fetch` — again whenever `version` changes
/// (after an action). A non-numeric id is "not found".
pub fn record_of<T, F, Fut>(version: RwSignal<u32>, fetch: F) -> Resource<Result<T, AppError>>
where
    T: Clone + Send + Sync + Serialize + for<'de> Deserialize<'de> + 'static,
    F: Fn(i64) -> Fut + Copy + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    let id = id_param();
    Resource::new(
        move || (id(), version.get()),
        move |(id, _)| async move {
            match id {
                Some(id) => fetch(id).await,
                None => Err(AppError::NotFound),
            }
        },
    )
}

/// The body of a page that loads one record: "…" while it loads, [`NotFound`] for a record
/// that does not exist (or is out of scope), the error banner for any other failure.
#[component]
pub fn Loaded<T, F, V>(data: Resource<Result<T, AppError>>, show: F) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + for<'de> Deserialize<'de> + 'static,
    F: Fn(T) -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=|| view! { <p class="muted">"…"</p> }>
            {move || data.get().map(|d| match d {
                Ok(d) => show(d).into_any(),
                Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
            })}
        </Transition>
    }
}

/// Shown instead of a page the account may not open (the page registry's guard).
#[component]
pub fn Forbidden() -> impl IntoView {
    status_page(403, "forbidden", ("您没有访问此页面的权限", "You are not allowed to open this page"))
}

/// A whole-page refusal with its HTTP status when rendered on the server.
fn status_page(code: u16, kind: &'static str, message: (&'static str, &'static str)) -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let (Some(opts), Ok(status)) = (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code))
    {
        opts.set_status(status);
    }
    view! {
        <div class=format!("empty {kind}") data-testid=kind>
            <h2>{code}</h2>
            <p>{move || i18n.t(message.0, message.1)}</p>
            <a href="/">{move || i18n.t("返回首页", "Back to home")}</a>
        </div>
    }
}

#[component]
pub fn PageHeader(title: (&'static str, &'static str), #[prop(optional)] children: Option<Children>) -> impl IntoView {
    let i18n = use_i18n();
    // Set once this page's code has hydrated (a lazy route's chunk arrives after the shell):
    // until then its buttons do nothing, so the end-to-end tests wait for it.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    view! {
        <div class="page-header" data-ready=move || if ready.get() { "true" } else { "false" }>
            <h1>{move || i18n.t(title.0, title.1)}</h1>
            <div class="page-actions">{children.map(|c| c())}</div>
        </div>
    }
}

/// Asks the browser for confirmation before a destructive action.
pub fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        window().confirm_with_message(message).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        false
    }
}

/// Moves the keyboard focus to the element `id` once the next render is on screen (after a
/// save clears a form, after a choice opens its field).
pub fn focus_later(id: &'static str) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Goes to the current page with URL query `q` (a list page's filters live in its URL).
pub fn use_query_navigate() -> impl Fn(String) + Clone {
    let location = leptos_router::hooks::use_location();
    let navigate = leptos_router::hooks::use_navigate();
    move |q: String| {
        let path = location.pathname.get_untracked();
        navigate(&if q.is_empty() { path } else { format!("{path}?{q}") }, leptos_router::NavigateOptions::default());
    }
}

/// Moves the browser to `href` with a full page load (used after login and logout so every
/// resource is loaded again with the new session).
pub fn hard_navigate(href: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().set_href(href);
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = href;
    }
}

/// A dropdown over a fixed enumeration, starting with 全部 (filters) or 请选择 (forms).
#[component]
pub fn ChoiceSelect(
    id: &'static str,
    choices: &'static [(&'static str, &'static str, &'static str)],
    #[prop(into)] value: Signal<String>,
    on_change: Callback<String>,
    /// The label of the empty choice: 全部 when true, 请选择 otherwise.
    #[prop(optional)]
    form: bool,
    /// The form field name (filters: the URL parameter).
    #[prop(optional)]
    name: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = (!name.is_empty()).then_some(name);
    view! {
        <select id=id name=name on:change=move |ev| on_change.run(event_target_value(&ev))>
            <option value="">{move || if form { i18n.t("请选择", "Select…") } else { i18n.t("全部", "All") }}</option>
            {choices
                .iter()
                .map(|(code, zh, en)| {
                    view! {
                        <option value=*code selected=move || value.with(|v| v == code)>
                            {move || i18n.t(zh, en)}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

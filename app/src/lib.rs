//! 诚商网客户关系管理系统: every page, server function and entity, one folder per feature.
#![recursion_limit = "256"]

/// `(value, on:input)` for a text input bound to field `$field` of the form signal `$form`
/// (an `RwSignal` of the input DTO): `let (v, i) = bind_text!(form, name);` then
/// `<input prop:value=v on:input=i/>`.
macro_rules! bind_text {
    ($form:ident, $field:ident) => {
        (move || $form.with(|f| f.$field.clone()), move |ev| $form.update(|f| f.$field = event_target_value(&ev)))
    };
}

/// `code_enum!` (typed states and enumerations stored as stable codes): see the module.
#[macro_use]
mod code_enum;

pub mod admin;
pub mod archive;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod db;
pub mod error;
pub mod exports;
pub mod home;
pub mod i18n;
pub mod jobs;
pub mod layout;
pub mod members;
mod routes;
#[cfg(feature = "ssr")]
pub mod tabular;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

use crate::i18n::{I18n, initial_locale};

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_locale().html_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href="/pkg/app.css"/>
                <link rel="icon" href="data:,"/>
                <HydrationScripts options/>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The document title in `locale`.
pub fn app_title(locale: i18n::Locale) -> &'static str {
    match locale {
        i18n::Locale::Zh => "诚商网客户关系管理系统",
        i18n::Locale::En => "Chengshang CRM",
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = I18n(RwSignal::new(initial_locale()));
    provide_context(i18n);
    layout::provide_user();
    // Marks the page interactive once hydrated (end-to-end tests wait for it).
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        // A plain string, not a closure over the locale signal: the server renders the
        // <title> after the response's reactive owner may already be disposed (async routes,
        // concurrent requests), and reading a disposed signal there panicked. The browser
        // retitles the document when the language changes (`I18n::set`).
        <Title text=app_title(i18n.0.get_untracked())/>
        <Router>
            <Routes fallback=|| view! { <ui::NotFound/> }>
                <Route path=path!("/login") view=auth::pages::LoginPage/>
                <ParentRoute path=path!("") view=layout::Shell ssr=SsrMode::Async>
                    <Route path=path!("") view=home::HomePage/>
                    <Route path=path!("/account/password") view={Lazy::<routes::ChangePassword>::new()}/>
                    <Route path=path!("/admin/accounts") view={Lazy::<routes::AccountList>::new()}/>
                    <Route path=path!("/admin/accounts/new") view={Lazy::<routes::AccountCreate>::new()}/>
                    <Route path=path!("/admin/accounts/:id/edit") view={Lazy::<routes::AccountEdit>::new()}/>
                    <Route path=path!("/admin/accounts/:id/logs") view={Lazy::<routes::AccountLogs>::new()}/>
                    <Route path=path!("/admin/accounts/:id/permissions") view={Lazy::<routes::AccountPermissions>::new()}/>
                    <Route path=path!("/admin/roles") view={Lazy::<routes::Roles>::new()}/>
                    <Route path=path!("/admin/orgs") view={Lazy::<routes::Orgs>::new()}/>
                    <Route path=path!("/admin/logs") view={Lazy::<routes::Logs>::new()}/>
                    <Route path=path!("/query/member-services") view={Lazy::<routes::MemberServices>::new()}/>
                    <Route path=path!("/archive/customers") view={Lazy::<routes::Archive>::new()}/>
                    <Route path=path!("/archive/customers/new") view={Lazy::<routes::EntryNew>::new()}/>
                    <Route path=path!("/archive/customers/:id/edit") view={Lazy::<routes::EntryEdit>::new()}/>
                    <Route path=path!("/archive/import") view={Lazy::<routes::Import>::new()}/>
                    <Route path=path!("/archive/import/:id") view={Lazy::<routes::ImportJob>::new()}/>
                    <Route path=path!("/reviews") view={Lazy::<routes::Reviews>::new()}/>
                    <Route path=path!("/customers/:id") view={Lazy::<routes::MemberDetail>::new()}/>
                    <Route path=path!("/service-records/:id") view={Lazy::<routes::ServiceRecord>::new()}/>
                    <Route path=path!("/admin/sync") view={Lazy::<routes::Sync>::new()}/>
                    <Route path=path!("/query/published-info") view={Lazy::<routes::PublishedInfo>::new()}/>
                    <Route path=path!("/customers/:id/published-info") view={Lazy::<routes::MemberPublished>::new()}/>
                    <Route path=path!("/query/push-logs") view={Lazy::<routes::PushLogs>::new()}/>
                    <Route path=path!("/customers/:id/push-logs") view={Lazy::<routes::MemberPushLogs>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

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
pub mod callbacks;
pub mod churn;
pub mod cst;
#[cfg(feature = "ssr")]
pub mod db;
pub mod emails;
pub mod error;
pub mod exports;
pub mod fulfilment;
pub mod home;
pub mod i18n;
pub mod jobs;
pub mod kb;
pub mod layout;
pub mod member360;
pub mod members;
pub mod notify;
pub mod qa;
pub mod reports;
pub mod requests;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod tabular;
pub mod tasks;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod upkeep;
pub mod url;
#[cfg(feature = "ssr")]
pub mod worktime;

#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod state;
pub mod stats;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

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
                <link rel="stylesheet" href=format!("/{}/app.css", options.site_pkg_dir)/>
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
                <routes::ShellRoutes shell=|| view! { <layout::Shell/> }.into_any()/>
            </Routes>
        </Router>
    }
}

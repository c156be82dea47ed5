//! 诚商网客户关系管理系统: every page, server function and entity, one folder per feature.
#![recursion_limit = "256"]

pub mod admin;
pub mod auth;
pub mod error;
pub mod home;
pub mod i18n;
pub mod layout;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

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

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = I18n(RwSignal::new(initial_locale()));
    provide_context(i18n);
    layout::provide_user();
    view! {
        <Title text=move || i18n.t("诚商网客户关系管理系统", "Chengshang CRM")/>
        <Router>
            <Routes fallback=|| view! { <ui::NotFound/> }>
                <Route path=path!("/login") view=auth::pages::LoginPage/>
                <ParentRoute path=path!("") view=layout::Shell ssr=SsrMode::Async>
                    <Route path=path!("") view=home::HomePage/>
                    <Route path=path!("/account/password") view=auth::pages::ChangePasswordPage/>
                    <Route path=path!("/admin/accounts") view=admin::accounts::AccountListPage/>
                    <Route path=path!("/admin/accounts/new") view=admin::accounts::AccountCreatePage/>
                    <Route path=path!("/admin/accounts/:id/edit") view=admin::accounts::AccountEditPage/>
                    <Route path=path!("/admin/accounts/:id/logs") view=admin::logs::AccountLogsPage/>
                    <Route path=path!("/admin/accounts/:id/permissions") view=admin::roles::AccountPermissionsPage/>
                    <Route path=path!("/admin/roles") view=admin::roles::RolesPage/>
                    <Route path=path!("/admin/orgs") view=admin::orgs::OrgsPage/>
                    <Route path=path!("/admin/logs") view=admin::logs::LogsPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

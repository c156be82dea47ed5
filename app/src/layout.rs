//! The app shell: left menu built from the user's permissions, top bar with user, organisation,
//! role and language switch, and the page outlet.
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;

use crate::auth::SessionUser;
use crate::auth::api::{logout, whoami};
use crate::error::AppError;
use crate::i18n::{Locale, use_i18n};

/// The signed-in user, loaded once per page load (blocking, so SSR can redirect).
#[derive(Clone, Copy)]
pub struct UserResource(pub Resource<Result<Option<SessionUser>, AppError>>);

pub fn provide_user() {
    provide_context(UserResource(Resource::new_blocking(|| (), |_| whoami())));
}

#[component]
pub fn Shell() -> impl IntoView {
    let user = expect_context::<UserResource>().0;
    view! {
        <Suspense fallback=|| view! { <div class="boot">"…"</div> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) => view! { <Layout user=u/> }.into_any(),
                    _ => view! { <Redirect path="/login"/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Layout(user: SessionUser) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let must_change = user.must_change_password;
    provide_context(user.clone());
    let logout_action = Action::new(|_: &()| async move {
        let _ = logout().await;
        crate::ui::hard_navigate("/login");
    });
    let groups = crate::routes::menu_for(&user);
    // The page guard of the registry: a page the account may not open renders 403.
    let allowed = {
        let user = user.clone();
        // `try_with`: a server render whose request has ended may still poll this once after
        // the router's location is gone (seen once in 10,000 pages under load); nothing is
        // shown then, so "not allowed" is as good as any answer, and no worker panics.
        Memo::new(move |_| {
            location
                .pathname
                .try_with(|p| crate::routes::page_for(p).is_none_or(|page| page.allows(&user)))
                .unwrap_or(false)
        })
    };
    let role = (user.role_name_zh.clone(), user.role_name_en.clone());
    view! {
        <Show when=move || must_change && location.pathname.get() != "/account/password">
            <Redirect path="/account/password"/>
        </Show>
        <div class="app">
            <aside class="sider" aria-label=move || i18n.t("主菜单", "Main menu")>
                <div class="brand">
                    <span class="logo" aria-hidden="true">"诚"</span>
                    <span>{move || i18n.t("诚商网客户关系管理", "Chengshang CRM")}</span>
                </div>
                <nav class="menu" data-testid="menu">
                    <A href="/" exact=true>
                        {move || i18n.t("首页", "Home")}
                    </A>
                    {groups
                        .into_iter()
                        .map(|(g, items)| {
                            let (zh, en) = g.label();
                            view! {
                                <div class="menu-group">
                                    <div class="menu-title">{move || i18n.t(zh, en)}</div>
                                    {items
                                        .into_iter()
                                        .map(|(href, it)| {
                                            view! {
                                                <A href=href exact=true>
                                                    {move || i18n.t(it.zh, it.en)}
                                                </A>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                            }
                        })
                        .collect_view()}
                </nav>
            </aside>
            <div class="main">
                <header class="topbar">
                    <div class="who" data-testid="who">
                        <strong>{user.name.clone()}</strong>
                        <span class="sep">"·"</span>
                        <span>{user.org_name.clone()}</span>
                        <span class="sep">"·"</span>
                        <span>{move || i18n.pick(&role.0, &role.1)}</span>
                    </div>
                    <div class="actions">
                        <crate::notify::page::MessageBell/>
                        <div class="lang" role="group" aria-label="Language">
                            <button
                                class:active=move || i18n.locale() == Locale::Zh
                                on:click=move |_| i18n.set(Locale::Zh)
                            >
                                "中文"
                            </button>
                            <button
                                class:active=move || i18n.locale() == Locale::En
                                on:click=move |_| i18n.set(Locale::En)
                            >
                                "English"
                            </button>
                        </div>
                        <A href="/account/password">{move || i18n.t("修改密码", "Password")}</A>
                        <button class="link" data-testid="logout" on:click=move |_| {
                            logout_action.dispatch(());
                        }>{move || i18n.t("退出", "Log out")}</button>
                    </div>
                </header>
                <main class="content">
                    <Show when=move || allowed.get() fallback=|| view! { <crate::ui::Forbidden/> }>
                        <Outlet/>
                    </Show>
                </main>
            </div>
        </div>
    }
}

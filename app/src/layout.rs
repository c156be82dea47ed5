//! The app shell: left menu built from the user's permissions, top bar with user, organisation,
//! role and language switch, and the page outlet.
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;

use crate::auth::api::{logout, whoami};
use crate::auth::{Perm, SessionUser};
use crate::error::AppError;
use crate::i18n::{Locale, use_i18n};

/// The signed-in user, loaded once per page load (blocking, so SSR can redirect).
#[derive(Clone, Copy)]
pub struct UserResource(pub Resource<Result<Option<SessionUser>, AppError>>);

pub fn provide_user() {
    provide_context(UserResource(Resource::new_blocking(|| (), |_| whoami())));
}

pub fn use_session_user() -> SessionUser {
    expect_context::<SessionUser>()
}

struct MenuItem {
    /// The permission that shows the entry; `None`: every signed-in account.
    perm: Option<Perm>,
    href: &'static str,
    zh: &'static str,
    en: &'static str,
}

struct MenuGroup {
    zh: &'static str,
    en: &'static str,
    items: &'static [MenuItem],
}

/// Menu entries of the pages that exist, in the order of the permission tree (SPEC §7.1).
const MENU: &[MenuGroup] = &[
    MenuGroup {
        zh: "信息查询",
        en: "Information query",
        items: &[
            MenuItem {
                perm: Some(Perm::QueryMemberService),
                href: "/query/member-services",
                zh: "会员资料及服务查询",
                en: "Members & services",
            },
            MenuItem {
                perm: Some(Perm::QueryPublishedInfo),
                href: "/query/published-info",
                zh: "会员发布信息查询",
                en: "Published info",
            },
            MenuItem {
                perm: Some(Perm::QueryPushLog),
                href: "/query/push-logs",
                zh: "信息推送邮件查询",
                en: "Push e-mails",
            },
        ],
    },
    MenuGroup {
        zh: "客服管理",
        en: "CS management",
        items: &[
            MenuItem {
                perm: Some(Perm::AddAdmin), href: "/admin/accounts/new", zh: "添加管理员", en: "Add account"
            },
            MenuItem { perm: Some(Perm::AdminMgmt), href: "/admin/accounts", zh: "管理员管理", en: "Accounts" },
            MenuItem {
                perm: Some(Perm::RoleMgmt), href: "/admin/roles", zh: "角色管理", en: "Roles & permissions"
            },
            MenuItem {
                perm: Some(Perm::ChangePassword),
                href: "/account/password",
                zh: "修改密码",
                en: "Change password",
            },
        ],
    },
    MenuGroup {
        zh: "档案管理",
        en: "Archives",
        items: &[
            MenuItem {
                perm: Some(Perm::ArchiveCustomer),
                href: "/archive/customers",
                zh: "客户档案信息管理",
                en: "Customer archive",
            },
            MenuItem {
                perm: Some(Perm::ArchiveImport), href: "/archive/import", zh: "批量导入", en: "Excel import"
            },
            MenuItem { perm: None, href: "/reviews", zh: "审核中心", en: "Review centre" },
        ],
    },
    MenuGroup {
        zh: "系统设置",
        en: "System settings",
        items: &[
            MenuItem { perm: Some(Perm::SystemOrgs), href: "/admin/orgs", zh: "组织机构", en: "Organisations" },
            MenuItem { perm: Some(Perm::SystemSync), href: "/admin/sync", zh: "数据同步", en: "CM data sync" },
            MenuItem { perm: Some(Perm::SystemLogs), href: "/admin/logs", zh: "系统日志", en: "Operation logs" },
        ],
    },
];

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
    let groups: Vec<_> = MENU
        .iter()
        .filter_map(|g| {
            let items: Vec<_> = g.items.iter().filter(|i| i.perm.is_none_or(|p| user.has(p))).collect();
            (!items.is_empty()).then_some((g, items))
        })
        .collect();
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
                            view! {
                                <div class="menu-group">
                                    <div class="menu-title">{move || i18n.t(g.zh, g.en)}</div>
                                    {items
                                        .into_iter()
                                        .map(|it| {
                                            view! {
                                                <A href=it.href exact=true>
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
                    <Outlet/>
                </main>
            </div>
        </div>
    }
}

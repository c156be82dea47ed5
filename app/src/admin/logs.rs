//! 系统日志 (PG-95) and 管理员操作记录 (PG-32): operation and login logs with filters kept in
//! the URL.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_params_map, use_query_map};

use super::api::{get_account, list_login_logs, list_operation_logs};
use super::{ACTIONS, LogFilter, action_label, login_result_label};
use crate::i18n::use_i18n;
use crate::ui::{PageHeader, Pager, fmt_time};

/// Modules that write log entries today (permission codes of their pages).
const MODULES: [(&str, &str, &str); 6] = [
    ("login", "登录", "Sign-in"),
    ("cs_mgmt.sys_perm.add_admin", "添加管理员", "Accounts"),
    ("cs_mgmt.sys_perm.change_password", "修改密码", "Password"),
    ("cs_mgmt.sys_perm.role_mgmt", "角色管理", "Roles"),
    ("system.orgs", "组织机构", "Organisations"),
    ("system", "系统设置", "System settings"),
];

#[component]
pub fn LogsPage() -> impl IntoView {
    view! {
        <PageHeader title=("系统日志", "Operation logs")/>
        <LogBrowser account_id=None/>
    }
}

#[component]
pub fn AccountLogsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or_default();
    let account = Resource::new(id, get_account);
    view! {
        <PageHeader title=("管理员操作记录", "Account operation log")>
            <a class="btn" href="/admin/accounts">{move || i18n.t("返回列表", "Back to list")}</a>
        </PageHeader>
        <Transition fallback=|| ()>
            {move || account.get().map(|a| match a {
                Ok(a) => view! {
                    <div class="card">
                        <dl class="desc">
                            <dt>{move || i18n.t("管理员ID", "Login ID")}</dt><dd>{a.input.admin_id.clone()}</dd>
                            <dt>{move || i18n.t("姓名", "Name")}</dt><dd>{a.input.name.clone()}</dd>
                            <dt>{move || i18n.t("组织机构", "Organisation")}</dt><dd>{a.org_name.clone()}</dd>
                            <dt>{move || i18n.t("角色类别", "Role")}</dt><dd>{move || i18n.pick(&a.role_name_zh, &a.role_name_en)}</dd>
                        </dl>
                    </div>
                }.into_any(),
                Err(e) => view! { <div class="alert alert-error">{e.message(i18n.locale())}</div> }.into_any(),
            })}
        </Transition>
        <LogBrowser account_id=Some(id())/>
    }
}

#[component]
fn LogBrowser(account_id: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let location = use_location();
    let navigate = use_navigate();
    let filter = Memo::new(move |_| {
        let q = query.get();
        LogFilter {
            account_id,
            admin_id: q.get("q").unwrap_or_default(),
            action: q.get("action").unwrap_or_default(),
            module: q.get("module").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            page: crate::ui::query_num(&q, "page", 1),
            per_page: crate::ui::query_num(&q, "per_page", 20),
        }
    });
    let logins_tab = Memo::new(move |_| query.get().get("tab").as_deref() == Some("logins"));
    let draft = RwSignal::new(filter.get_untracked());
    let ops = Resource::new(
        move || (filter.get(), logins_tab.get()),
        |(f, l)| async move { if l { Ok(None) } else { list_operation_logs(f).await.map(Some) } },
    );
    let logins = Resource::new(
        move || (filter.get(), logins_tab.get()),
        |(f, l)| async move { if l { list_login_logs(f).await.map(Some) } else { Ok(None) } },
    );
    let go = move |f: LogFilter, logins: bool| {
        let mut parts = vec![];
        for (k, v) in
            [("q", &f.admin_id), ("action", &f.action), ("module", &f.module), ("from", &f.from), ("to", &f.to)]
        {
            if !v.trim().is_empty() {
                parts.push(format!("{k}={}", crate::url::urlencode(v.trim())));
            }
        }
        if logins {
            parts.push("tab=logins".into());
        }
        if f.page > 1 {
            parts.push(format!("page={}", f.page));
        }
        if f.per_page != 20 {
            parts.push(format!("per_page={}", f.per_page));
        }
        let qs = if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) };
        navigate(&format!("{}{qs}", location.pathname.get_untracked()), NavigateOptions::default());
    };
    let (go1, go2, go3, go4) = (go.clone(), go.clone(), go.clone(), go.clone());
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut f = draft.get_untracked();
        f.page = 1;
        go1(f, logins_tab.get_untracked());
    };
    let preset = move |days: i64| {
        #[cfg(feature = "hydrate")]
        {
            let now = js_sys::Date::new_0();
            let to = js_sys::Date::new(&now.clone().into());
            let from = js_sys::Date::new(&now.into());
            from.set_date(((from.get_date() as i64) - days) as u32);
            let ymd =
                |d: &js_sys::Date| format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date());
            draft.update(|f| {
                f.from = ymd(&from);
                f.to = ymd(&to);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = days;
    };
    view! {
        <div class="tabs" role="tablist">
            <button class="tab" role="tab" class:active=move || !logins_tab.get() aria-selected=move || (!logins_tab.get()).to_string()
                on:click=move |_| go2(LogFilter { page: 1, ..filter.get_untracked() }, false)>{move || i18n.t("操作记录", "Operations")}</button>
            <button class="tab" role="tab" class:active=move || logins_tab.get() aria-selected=move || logins_tab.get().to_string()
                on:click=move |_| go3(LogFilter { page: 1, ..filter.get_untracked() }, true)>{move || i18n.t("登录记录", "Sign-ins")}</button>
        </div>
        <form class="filters" on:submit=on_search>
            {account_id.is_none().then(|| view! {
                <div class="filter-item">
                    <label for="f-q">{move || i18n.t("管理员", "Account")}</label>
                    <input id="f-q" type="text" placeholder=move || i18n.t("管理员ID或姓名", "Login ID or name")
                        prop:value=move || draft.with(|f| f.admin_id.clone()) on:input=move |ev| draft.update(|f| f.admin_id = event_target_value(&ev))/>
                </div>
            })}
            <div class="filter-item">
                <label for="f-action">{move || if logins_tab.get() { i18n.t("登录结果", "Result") } else { i18n.t("操作类型", "Action") }}</label>
                <select id="f-action" on:change=move |ev| draft.update(|f| f.action = event_target_value(&ev))>
                    <option value="">{move || i18n.t("全部", "All")}</option>
                    {move || if logins_tab.get() {
                        ["success", "bad_password", "bad_captcha", "locked", "suspended", "unknown_account", "throttled"].into_iter().map(|c| {
                            let (zh, en) = login_result_label(c);
                            view! { <option value=c selected=move || draft.with(|f| f.action == c)>{move || i18n.t(zh, en)}</option> }
                        }).collect_view().into_any()
                    } else {
                        ACTIONS.iter().map(|(c, zh, en)| view! {
                            <option value=*c selected=move || draft.with(|f| f.action == *c)>{move || i18n.t(zh, en)}</option>
                        }).collect_view().into_any()
                    }}
                </select>
            </div>
            <Show when=move || !logins_tab.get()>
                <div class="filter-item">
                    <label for="f-module">{move || i18n.t("模块", "Module")}</label>
                    <select id="f-module" on:change=move |ev| draft.update(|f| f.module = event_target_value(&ev))>
                        <option value="">{move || i18n.t("全部", "All")}</option>
                        {MODULES.iter().map(|(c, zh, en)| view! {
                            <option value=*c selected=move || draft.with(|f| f.module == *c)>{move || i18n.t(zh, en)}</option>
                        }).collect_view()}
                    </select>
                </div>
            </Show>
            <div class="filter-item">
                <label for="f-from">{move || i18n.t("操作时间 起", "From")}</label>
                <input id="f-from" type="date" prop:value=move || draft.with(|f| f.from.clone()) on:input=move |ev| draft.update(|f| f.from = event_target_value(&ev))/>
            </div>
            <div class="filter-item">
                <label for="f-to">{move || i18n.t("止", "To")}</label>
                <input id="f-to" type="date" prop:value=move || draft.with(|f| f.to.clone()) on:input=move |ev| draft.update(|f| f.to = event_target_value(&ev))/>
            </div>
            <div class="filter-buttons">
                <button type="button" class="btn btn-small" on:click=move |_| preset(0)>{move || i18n.t("今天", "Today")}</button>
                <button type="button" class="btn btn-small" on:click=move |_| preset(6)>{move || i18n.t("近7天", "7 days")}</button>
                <button type="button" class="btn btn-small" on:click=move |_| preset(29)>{move || i18n.t("近30天", "30 days")}</button>
                <button type="submit" class="btn btn-primary">{move || i18n.t("查询", "Search")}</button>
                <button type="button" class="btn" on:click=move |_| { draft.set(LogFilter::default()); go4(LogFilter::default(), logins_tab.get_untracked()); }>
                    {move || i18n.t("重置", "Reset")}
                </button>
            </div>
        </form>
        <div class="table-wrap">
            <Transition fallback=|| ()>
                {move || ops.get().map(|r| match r {
                    Err(e) => view! { <div class="alert alert-error">{e.message(i18n.locale())}</div> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(page)) if page.items.is_empty() => view! { <div class="empty"><p>{move || i18n.t("没有符合条件的操作记录", "No operations match")}</p></div> }.into_any(),
                    Ok(Some(page)) => {
                        let go = go.clone();
                        view! {
                            <table class="data" data-testid="op-log">
                                <thead><tr>
                                    <th>{move || i18n.t("操作时间", "Time")}</th>
                                    <th>{move || i18n.t("管理员", "Account")}</th>
                                    <th>{move || i18n.t("模块", "Module")}</th>
                                    <th>{move || i18n.t("操作类型", "Action")}</th>
                                    <th>{move || i18n.t("操作对象", "Target")}</th>
                                    <th>{move || i18n.t("详情", "Detail")}</th>
                                    <th>"IP"</th>
                                    <th>{move || i18n.t("结果", "Result")}</th>
                                </tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|l| {
                                        let (azh, aen) = action_label(&l.action);
                                        view! {
                                            <tr>
                                                <td>{fmt_time(&l.at)}</td>
                                                <td>{format!("{} ({})", l.account_name, l.admin_id)}</td>
                                                <td>{move || i18n.pick(&l.module_zh, &l.module_en)}</td>
                                                <td>{move || i18n.t(azh, aen)}</td>
                                                <td>{l.target}</td>
                                                <td>{l.detail.map(|d| view! { <details><summary>{move || i18n.t("查看", "Show")}</summary><pre>{d}</pre></details> })}</td>
                                                <td>{l.ip}</td>
                                                <td>{if l.success {
                                                    view! { <span class="badge badge-green">{move || i18n.t("成功", "OK")}</span> }.into_any()
                                                } else {
                                                    view! { <span class="badge badge-red">{move || i18n.t("失败", "Failed")}</span> }.into_any()
                                                }}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Pager total=page.total page=page.page per_page=page.per_page on_change=Callback::new(move |(p, n): (u64, u64)| {
                                go(LogFilter { page: p, per_page: n, ..filter.get_untracked() }, false)
                            })/>
                        }.into_any()
                    }
                })}
                {move || logins.get().map(|r| match r {
                    Err(e) => view! { <div class="alert alert-error">{e.message(i18n.locale())}</div> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(page)) if page.items.is_empty() => view! { <div class="empty"><p>{move || i18n.t("没有登录记录", "No sign-ins")}</p></div> }.into_any(),
                    Ok(Some(page)) => view! {
                        <table class="data" data-testid="login-log">
                            <thead><tr>
                                <th>{move || i18n.t("时间", "Time")}</th>
                                <th>{move || i18n.t("管理员ID", "Login ID")}</th>
                                <th>"IP"</th>
                                <th>{move || i18n.t("浏览器", "Browser")}</th>
                                <th>{move || i18n.t("结果", "Result")}</th>
                            </tr></thead>
                            <tbody>
                                {page.items.into_iter().map(|l| {
                                    let (zh, en) = login_result_label(&l.result);
                                    let ok = l.result == "success";
                                    view! {
                                        <tr>
                                            <td>{fmt_time(&l.at)}</td>
                                            <td>{l.admin_id}</td>
                                            <td>{l.ip}</td>
                                            <td class="muted">{l.user_agent.chars().take(60).collect::<String>()}</td>
                                            <td><span class="badge" class:badge-green=ok class:badge-red=!ok>{move || i18n.t(zh, en)}</span></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <div class="pager"><span class="total">{move || format!("{} {}", page.total, i18n.t("条", "rows"))}</span></div>
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
}

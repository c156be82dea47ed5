//! 系统日志 (PG-95) and 管理员操作记录 (PG-32): operation and login logs with filters kept in
//! the URL.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::{get_account, list_login_logs, list_operation_logs};
use super::{ACTIONS, LogFilter, LogRow, LoginLogRow, action_label};
use crate::auth::LoginResult;
use crate::bind_filter;
use crate::error::FieldErrors;
use crate::i18n::use_i18n;
use crate::ui::filters::{DateRange, SelectFilter, TextFilter};
use crate::ui::list::{FilterForm, ListState, ListTable};
use crate::ui::{Page, PageHeader, fmt_time};

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

/// The operation log (default tab) or the sign-in log, of everyone in scope or of one account.
#[component]
fn LogBrowser(account_id: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<LogFilter>::new(move |f| f.account_id = account_id);
    let (filter, draft) = (list.filter, list.draft);
    let logins_tab = Memo::new(move |_| filter.with(LogFilter::logins));
    // Only the open tab's log is read.
    let ops =
        list.load(
            |f: LogFilter| async move { if f.logins() { Ok(Page::default()) } else { list_operation_logs(f).await } },
        );
    let logins = list
        .load(|f: LogFilter| async move { if f.logins() { list_login_logs(f).await } else { Ok(Page::default()) } });
    let tab = move |logins: bool| {
        let tab = if logins { LogFilter::LOGINS.to_string() } else { String::new() };
        list.go(LogFilter { tab, page: 1, ..filter.get_untracked() });
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
    let no_errors = Signal::derive(FieldErrors::default);
    view! {
        <div class="tabs" role="tablist">
            <button class="tab" role="tab" class:active=move || !logins_tab.get() aria-selected=move || (!logins_tab.get()).to_string()
                on:click=move |_| tab(false)>{move || i18n.t("操作记录", "Operations")}</button>
            <button class="tab" role="tab" class:active=move || logins_tab.get() aria-selected=move || logins_tab.get().to_string()
                on:click=move |_| tab(true)>{move || i18n.t("登录记录", "Sign-ins")}</button>
        </div>
        <FilterForm list keep=&["tab"]>
            {account_id.is_none().then(|| view! {
                <TextFilter label=("管理员", "Account") id="f-q" value=bind_filter!(draft, admin_id) placeholder=("管理员ID或姓名", "Login ID or name")/>
            })}
            <div class="filter-item">
                <label for="f-action">{move || if logins_tab.get() { i18n.t("登录结果", "Result") } else { i18n.t("操作类型", "Action") }}</label>
                <select id="f-action" name="action" on:change=move |ev| draft.update(|f| f.action = event_target_value(&ev))>
                    <option value="">{move || i18n.t("全部", "All")}</option>
                    {move || if logins_tab.get() {
                        LoginResult::CHOICES.iter().map(|(c, zh, en)| view! {
                            <option value=*c selected=move || draft.with(|f| f.action == *c)>{move || i18n.t(zh, en)}</option>
                        }).collect_view().into_any()
                    } else {
                        ACTIONS.iter().map(|(c, zh, en)| view! {
                            <option value=*c selected=move || draft.with(|f| f.action == *c)>{move || i18n.t(zh, en)}</option>
                        }).collect_view().into_any()
                    }}
                </select>
            </div>
            <Show when=move || !logins_tab.get()>
                <SelectFilter label=("模块", "Module") id="f-module" choices=&MODULES value=bind_filter!(draft, module) errors=no_errors/>
            </Show>
            <DateRange label=("操作时间", "Time") id="at" from=bind_filter!(draft, from) to=bind_filter!(draft, to) errors=no_errors/>
            <div class="filter-buttons">
                <button type="button" class="btn btn-small" on:click=move |_| preset(0)>{move || i18n.t("今天", "Today")}</button>
                <button type="button" class="btn btn-small" on:click=move |_| preset(6)>{move || i18n.t("近7天", "7 days")}</button>
                <button type="button" class="btn btn-small" on:click=move |_| preset(29)>{move || i18n.t("近30天", "30 days")}</button>
                <button type="submit" class="btn btn-primary">{move || i18n.t("查询", "Search")}</button>
                <button type="button" class="btn" on:click=move |_| {
                    let tab = filter.get_untracked().tab;
                    draft.set(LogFilter { account_id, ..Default::default() });
                    list.go(LogFilter { tab, ..Default::default() });
                }>{move || i18n.t("重置", "Reset")}</button>
            </div>
        </FilterForm>
        <Show when=move || !logins_tab.get() fallback=move || view! {
            <ListTable rows=logins columns=LOGIN_COLUMNS on_page=list.on_page() testid="login-log"
                row=move |l: LoginLogRow| {
                    let (zh, en) = l.result.map_or(("其他", "Other"), |r| (r.zh(), r.en()));
                    let ok = l.result == Some(LoginResult::Success);
                    view! {
                        <tr>
                            <td class="time">{fmt_time(&l.at)}</td>
                            <td>{l.admin_id}</td>
                            <td>{l.ip}</td>
                            <td class="muted">{l.user_agent.chars().take(60).collect::<String>()}</td>
                            <td><span class="badge" class:badge-green=ok class:badge-red=!ok>{move || i18n.t(zh, en)}</span></td>
                        </tr>
                    }
                }
                empty=move || view! { <p>{move || i18n.t("没有符合条件的登录记录", "No sign-ins match")}</p> }/>
        }>
            <ListTable rows=ops columns=OP_COLUMNS on_page=list.on_page() testid="op-log"
                row=move |l: LogRow| {
                    let (azh, aen) = action_label(&l.action);
                    view! {
                        <tr>
                            <td class="time">{fmt_time(&l.at)}</td>
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
                }
                empty=move || view! { <p>{move || i18n.t("没有符合条件的操作记录", "No operations match")}</p> }/>
        </Show>
    }
}

const OP_COLUMNS: &[(&str, &str)] = &[
    ("操作时间", "Time"),
    ("管理员", "Account"),
    ("模块", "Module"),
    ("操作类型", "Action"),
    ("操作对象", "Target"),
    ("详情", "Detail"),
    ("IP", "IP"),
    ("结果", "Result"),
];

const LOGIN_COLUMNS: &[(&str, &str)] =
    &[("时间", "Time"), ("管理员ID", "Login ID"), ("IP", "IP"), ("浏览器", "Browser"), ("结果", "Result")];

//! 角色管理: role default permissions and data scope (PG-34), and per-account permissions
//! (角色权限管理, PG-33), both edited with the checkbox tree of SPEC §7.1.
use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::{get_account_permissions, list_roles, permission_tree, save_account_permissions, save_role};
use super::{PermNode, RoleInput, RoleRow};
use crate::auth::perm::grant_allowed;
use crate::auth::{DataScope, DepartmentKind, NodeType, RoleCategory};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::{ErrorBanner, Field, PageHeader, SuccessBanner, field_errors};

/// Codes under `code` (not including it).
fn descendants(nodes: &[PermNode], code: &str) -> Vec<String> {
    let mut out = vec![];
    let mut stack = vec![code.to_string()];
    while let Some(c) = stack.pop() {
        for n in nodes.iter().filter(|n| n.parent_code.as_deref() == Some(c.as_str())) {
            out.push(n.code.clone());
            stack.push(n.code.clone());
        }
    }
    out
}

fn ancestors(nodes: &[PermNode], code: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = nodes.iter().find(|n| n.code == code).and_then(|n| n.parent_code.clone());
    while let Some(c) = cur {
        cur = nodes.iter().find(|n| n.code == c).and_then(|n| n.parent_code.clone());
        out.push(c);
    }
    out
}

/// The checkbox tree. A module node is checked when every grantable node below it is; checking
/// a node checks all its grantable descendants; checking an action also checks its page.
#[component]
pub fn PermTree(
    nodes: Vec<PermNode>,
    selected: RwSignal<BTreeSet<String>>,
    #[prop(into)] category: Signal<RoleCategory>,
    #[prop(default = None)] dept_kind: Option<DepartmentKind>,
) -> impl IntoView {
    let i18n = use_i18n();
    let nodes = StoredValue::new(nodes);
    let dept = StoredValue::new(dept_kind);
    let allowed = move |n: &PermNode| {
        n.node_type != NodeType::Module
            && dept.with_value(|d| grant_allowed(&n.code, n.company_cs_only, category.get(), *d))
    };
    let grantable_under = move |code: &str| -> Vec<String> {
        nodes.with_value(|ns| {
            let mut v = descendants(ns, code);
            v.push(code.to_string());
            v.into_iter().filter(|c| ns.iter().any(|n| &n.code == c && allowed(n))).collect()
        })
    };
    let toggle = move |code: String, on: bool| {
        let under = grantable_under(&code);
        let ups: Vec<String> = nodes.with_value(|ns| {
            ancestors(ns, &code).into_iter().filter(|c| ns.iter().any(|n| &n.code == c && allowed(n))).collect()
        });
        selected.update(|s| {
            if on {
                s.extend(under);
                s.extend(ups);
            } else {
                for c in under {
                    s.remove(&c);
                }
            }
        });
    };
    fn render(
        code: String,
        nodes: StoredValue<Vec<PermNode>>,
        selected: RwSignal<BTreeSet<String>>,
        allowed: impl Fn(&PermNode) -> bool + Copy + Send + Sync + 'static,
        grantable_under: impl Fn(&str) -> Vec<String> + Copy + Send + Sync + 'static,
        toggle: impl Fn(String, bool) + Copy + Send + Sync + 'static,
        i18n: crate::i18n::I18n,
    ) -> AnyView {
        let Some(node) = nodes.with_value(|ns| ns.iter().find(|n| n.code == code).cloned()) else {
            return ().into_any();
        };
        let children: Vec<String> = nodes.with_value(|ns| {
            ns.iter().filter(|n| n.parent_code.as_deref() == Some(code.as_str())).map(|n| n.code.clone()).collect()
        });
        let under = grantable_under(&code);
        let disabled = under.is_empty() || (node.node_type != NodeType::Module && !allowed(&node));
        let c1 = code.clone();
        let u1 = under.clone();
        let checked = move || {
            let s = selected.read();
            if u1.is_empty() {
                false
            } else if node_is_module(&c1, nodes) {
                u1.iter().all(|c| s.contains(c))
            } else {
                s.contains(&c1)
            }
        };
        let u2 = under.clone();
        let partial = move || {
            let s = selected.read();
            let n = u2.iter().filter(|c| s.contains(*c)).count();
            n > 0 && n < u2.len()
        };
        let c2 = code.clone();
        let id = format!("perm-{}", code.replace('.', "-"));
        let label_for = id.clone();
        let (zh, en) = (node.name_zh.clone(), node.name_en.clone());
        let cs_only = node.company_cs_only;
        view! {
            <li>
                <label class="node" class:disabled=disabled for=label_for data-code=code.clone()>
                    <input type="checkbox" id=id disabled=disabled prop:checked=checked prop:indeterminate=partial
                        on:change=move |ev| toggle(c2.clone(), event_target_checked(&ev))/>
                    <span>{move || i18n.pick(&zh, &en)}</span>
                    {cs_only.then(|| view! { <span class="node-tag">{move || i18n.t("仅公司客服", "company CS only")}</span> })}
                </label>
                {(!children.is_empty()).then(|| view! {
                    <ul>
                        {children.into_iter().map(|c| render(c, nodes, selected, allowed, grantable_under, toggle, i18n)).collect_view()}
                    </ul>
                })}
            </li>
        }
        .into_any()
    }
    fn node_is_module(code: &str, nodes: StoredValue<Vec<PermNode>>) -> bool {
        nodes.with_value(|ns| ns.iter().any(|n| n.code == code && n.node_type == NodeType::Module))
    }
    view! {
        <ul class="perm-tree" data-testid="perm-tree">
            {render("all".into(), nodes, selected, allowed, grantable_under, toggle, i18n)}
        </ul>
    }
}

#[component]
pub fn RolesPage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let tree = Resource::new(|| (), |_| permission_tree());
    let roles = Resource::new(move || reload.get(), |_| list_roles());
    let current = RwSignal::new(None::<Option<i64>>); // Some(None) = new role
    let notice = RwSignal::new(None::<String>);
    view! {
        <PageHeader title=("角色管理", "Roles & permissions")>
            <button class="btn btn-primary" on:click=move |_| current.set(Some(None))>{move || i18n.t("新增角色", "New role")}</button>
        </PageHeader>
        <SuccessBanner message=notice/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let d = match (tree.await, roles.await) {
                    (Ok(t), Ok(r)) => Ok((t, r)),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
                match d {
                Err(e) => view! { <div class="alert alert-error">{e.message(i18n.locale())}</div> }.into_any(),
                Ok((tree, roles)) => {
                    let roles2 = roles.clone();
                    view! {
                        <div class="split">
                            <div class="card list-select" role="group" aria-label=move || i18n.t("角色", "Roles")>
                                {roles.into_iter().map(|r| {
                                    let id = r.id;
                                    let cat = r.role_category.label();
                                    view! {
                                        <button
                                            class="item"
                                            class:active=move || current.get() == Some(Some(id))
                                            aria-pressed=move || (current.get() == Some(Some(id))).to_string()
                                            on:click=move |_| current.set(Some(Some(id)))
                                        >
                                            <strong>{move || i18n.pick(&r.name, &r.name_en)}</strong>
                                            <span class="muted">{move || format!("{} · {} {}", i18n.t(cat.0, cat.1), r.account_count, i18n.t("个账号", "accounts"))}</span>
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                            <div>
                                {move || {
                                    let tree = tree.clone();
                                    match current.get() {
                                        None => view! { <div class="card empty"><p>{move || i18n.t("请选择左侧的角色,或新增角色", "Choose a role on the left, or add one")}</p></div> }.into_any(),
                                        Some(sel) => {
                                            let role = sel.and_then(|id| roles2.iter().find(|r| r.id == id).cloned());
                                            view! { <RoleEditor tree=tree role=role on_saved=Callback::new(move |id| {
                                                notice.set(Some(i18n.t("已保存,使用该角色默认权限的账号在下一次操作时生效", "Saved; accounts using the role defaults get it on their next request").into()));
                                                current.set(Some(Some(id)));
                                                reload.update(|n| *n += 1);
                                            })/> }.into_any()
                                        }
                                    }
                                }}
                            </div>
                        </div>
                    }.into_any()
                }
                }
            })}
        </Transition>
    }
}

#[component]
fn RoleEditor(tree: Vec<PermNode>, role: Option<RoleRow>, on_saved: Callback<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let is_new = role.is_none();
    let builtin = role.as_ref().is_some_and(|r| r.is_builtin);
    let id = role.as_ref().map(|r| r.id);
    let version = role.as_ref().map(|r| r.version).unwrap_or(0);
    let name = RwSignal::new(role.as_ref().map(|r| r.name.clone()).unwrap_or_default());
    let description = RwSignal::new(role.as_ref().map(|r| r.description.clone()).unwrap_or_default());
    let category = RwSignal::new(role.as_ref().map(|r| r.role_category).unwrap_or(RoleCategory::CompanyCsAdmin));
    let scope = RwSignal::new(role.as_ref().map(|r| r.data_scope).unwrap_or(DataScope::All));
    let selected = RwSignal::new(
        role.as_ref().map(|r| r.permissions.iter().cloned().collect::<BTreeSet<String>>()).unwrap_or_default(),
    );
    let error = RwSignal::new(None::<AppError>);
    let save = Action::new(move |input: &RoleInput| {
        let input = input.clone();
        async move { save_role(input).await }
    });
    Effect::new(move |_| {
        if let Some(r) = save.value().get() {
            match r {
                Ok(id) => {
                    error.set(None);
                    on_saved.run(id);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let on_save = move |_| {
        save.dispatch(RoleInput {
            id,
            version,
            name: name.get_untracked(),
            role_category: category.get_untracked(),
            data_scope: scope.get_untracked(),
            description: description.get_untracked(),
            permissions: selected.get_untracked().into_iter().collect(),
        });
    };
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    view! {
        <div class="card">
            <ErrorBanner error=general/>
            <div class="form">
                <Field label=("角色名称", "Role name") id="role_name" required=true errors=errors>
                    <input id="role_name" type="text" readonly=builtin bind:value=name/>
                </Field>
                <Field label=("所属角色", "Role category") id="role_category" required=true errors=errors>
                    <select id="role_category" disabled=!is_new on:change=move |ev| {
                        if let Some(c) = RoleCategory::from_code(&event_target_value(&ev)) { category.set(c) }
                    }>
                        {RoleCategory::ALL.into_iter().map(|c| { let (zh, en) = c.label(); view! {
                            <option value=c.code() selected=move || category.get() == c>{move || i18n.t(zh, en)}</option>
                        }}).collect_view()}
                    </select>
                </Field>
                <Field label=("数据范围", "Data scope") id="data_scope" required=true errors=errors>
                    <select id="data_scope" on:change=move |ev| { if let Some(s) = DataScope::from_code(&event_target_value(&ev)) { scope.set(s) } }>
                        {DataScope::ALL.into_iter().map(|s| { let (zh, en) = s.label(); view! {
                            <option value=s.code() selected=move || scope.get() == s>{move || i18n.t(zh, en)}</option>
                        }}).collect_view()}
                    </select>
                </Field>
                <Field label=("说明", "Description") id="description" errors=errors>
                    <input id="description" type="text" bind:value=description/>
                </Field>
            </div>
            <h3>{move || i18n.t("权限设置", "Permissions")}</h3>
            <PermTree nodes=tree selected=selected category=category/>
            <div class="form-buttons">
                <button class="btn btn-primary" on:click=on_save disabled=move || save.pending().get()>{move || i18n.t("保存", "Save")}</button>
            </div>
        </div>
    }
}

#[component]
pub fn AccountPermissionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or_default();
    let reload = RwSignal::new(0u32);
    let done = RwSignal::new(None::<String>);
    let tree = Resource::new(|| (), |_| permission_tree());
    let roles = Resource::new(|| (), |_| list_roles());
    let account = Resource::new(move || (id(), reload.get()), |(id, _)| get_account_permissions(id));
    view! {
        <PageHeader title=("角色权限管理", "Account permissions")>
            <a class="btn" href="/admin/accounts">{move || i18n.t("返回列表", "Back to list")}</a>
        </PageHeader>
        <SuccessBanner message=done/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let d = match (tree.await, roles.await, account.await) {
                    (Ok(t), Ok(r), Ok(a)) => Ok((t, r, a)),
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Err(e),
                };
                match d {
                Err(e) => view! { <div class="alert alert-error">{e.message(i18n.locale())}</div> }.into_any(),
                Ok((tree, roles, acc)) => {
                    let roles: Vec<RoleRow> = roles.into_iter().filter(|r| r.role_category == acc.role_category).collect();
                    let roles = StoredValue::new(roles);
                    let role_id = RwSignal::new(acc.role_id);
                    let selected = RwSignal::new(acc.permissions.iter().cloned().collect::<BTreeSet<String>>());
                    let error = RwSignal::new(None::<AppError>);
                    let save = Action::new(move |p: &Option<Vec<String>>| {
                        let p = p.clone();
                        let (aid, rid, v) = (acc.account_id, role_id.get_untracked(), acc.version);
                        async move { save_account_permissions(aid, rid, v, p).await }
                    });
                    Effect::new(move |_| {
                        if let Some(r) = save.value().get() {
                            match r {
                                Ok(()) => { done.set(Some(i18n.t("已保存,在该用户下一次操作时生效", "Saved; effective on the user's next request").into())); reload.update(|n| *n += 1); }
                                Err(e) => error.set(Some(e)),
                            }
                        }
                    });
                    let category = acc.role_category;
                    view! {
                        <div class="card">
                            <dl class="desc">
                                <dt>{move || i18n.t("管理员ID", "Login ID")}</dt><dd>{acc.admin_id.clone()}</dd>
                                <dt>{move || i18n.t("姓名", "Name")}</dt><dd>{acc.name.clone()}</dd>
                                <dt>{move || i18n.t("组织机构", "Organisation")}</dt><dd>{acc.org_name.clone()}</dd>
                                <dt>{move || i18n.t("权限模式", "Mode")}</dt>
                                <dd>{if acc.custom { i18n.t("自定义", "Custom") } else { i18n.t("角色默认", "Role defaults") }}</dd>
                            </dl>
                        </div>
                        <div class="card">
                            <ErrorBanner error=error/>
                            <div class="form">
                                <div class="form-row">
                                    <label for="acc_role"><span class="req">"*"</span>{move || i18n.t("角色类别", "Role")}</label>
                                    <div class="form-control">
                                        <select id="acc_role" on:change=move |ev| {
                                            if let Ok(rid) = event_target_value(&ev).parse::<i64>() {
                                                role_id.set(rid);
                                                // Choosing a role pre-checks its defaults (PG-33).
                                                if let Some(r) = roles.with_value(|rs| rs.iter().find(|r| r.id == rid).cloned()) {
                                                    selected.set(r.permissions.into_iter().collect());
                                                }
                                            }
                                        }>
                                            {roles.get_value().into_iter().map(|r| { let rid = r.id; view! {
                                                <option value=rid.to_string() selected=move || role_id.get() == rid>{move || i18n.pick(&r.name, &r.name_en)}</option>
                                            }}).collect_view()}
                                        </select>
                                    </div>
                                </div>
                            </div>
                            <PermTree nodes=tree selected=selected category=Signal::derive(move || category) dept_kind=acc.department_kind/>
                            <div class="form-buttons">
                                <button class="btn btn-primary" disabled=move || save.pending().get()
                                    on:click=move |_| { done.set(None); error.set(None); save.dispatch(Some(selected.get_untracked().into_iter().collect())); }>
                                    {move || i18n.t("保存", "Save")}
                                </button>
                                <button class="btn" on:click=move |_| { done.set(None); error.set(None); save.dispatch(None); }>
                                    {move || i18n.t("恢复默认", "Restore role defaults")}
                                </button>
                            </div>
                        </div>
                    }.into_any()
                }
                }
            })}
        </Transition>
    }
}

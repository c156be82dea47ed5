//! 组织机构 (PG-90): HQ with its departments and the rep offices, with the regions each covers.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::api::{SaveOrg, list_orgs, list_regions, set_org_active};
use super::{DepartmentKind, OrgInput, OrgRow, OrgType, RegionRef, org_type_label};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::{ErrorBanner, Field, PageHeader, SuccessBanner, confirm, field_errors};

#[component]
pub fn OrgsPage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let orgs = Resource::new(move || reload.get(), |_| list_orgs());
    let editing = RwSignal::new(None::<OrgInput>);
    let error = RwSignal::new(None::<AppError>);
    let toggle = Action::new(|(id, on): &(i64, bool)| {
        let (id, on) = (*id, *on);
        async move { set_org_active(id, on).await }
    });
    Effect::new(move |_| {
        if let Some(r) = toggle.value().get() {
            match r {
                Ok(()) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let new_org = move |org_type: OrgType| {
        editing.set(Some(OrgInput {
            org_type,
            department_kind: (org_type == OrgType::Department).then_some(DepartmentKind::OtherDept),
            ..Default::default()
        }))
    };
    let row = move |o: OrgRow| {
        let (tzh, ten) = org_type_label(o.org_type, o.department_kind);
        let id = o.id;
        let active = o.is_active;
        let name = o.name.clone();
        let is_hq = o.org_type == Some(OrgType::Hq);
        let input = OrgInput {
            id: Some(o.id),
            version: o.version,
            code: o.code.clone(),
            name: o.name.clone(),
            org_type: o.org_type.unwrap_or_default(),
            department_kind: o.department_kind,
            region_id: o.seat.as_ref().map(|r| r.id),
            address: o.address.clone(),
            phone: o.phone.clone(),
            contact_person: o.contact_person.clone(),
            email: o.email.clone(),
            region_ids: o.regions.iter().map(|r| r.id).collect(),
        };
        let covered = o.regions.iter().map(|r| r.full_name.clone()).collect::<Vec<_>>().join("、");
        view! {
            <div class="org-node" data-org=o.code.clone()>
                <strong>{o.name.clone()}</strong>
                <span class="badge badge-blue">{move || i18n.t(tzh, ten)}</span>
                {(!active).then(|| view! { <span class="badge badge-gray">{move || i18n.t("已停用", "Inactive")}</span> })}
                <span class="muted">{o.code.clone()}</span>
                <span class="muted">{move || format!("{} {}", o.account_count, i18n.t("个账号", "accounts"))}</span>
                {o.seat.clone().map(|s| view! { <span class="muted">{s.full_name}</span> })}
                {(!covered.is_empty()).then(|| view! { <span class="muted">{move || i18n.t("覆盖:", "Covers: ")}{covered.clone()}</span> })}
                {(!is_hq).then(|| view! {
                    <span class="actions">
                        <button class="link" on:click=move |_| editing.set(Some(input.clone()))>{move || i18n.t("编辑", "Edit")}</button>
                        <button class="link" on:click=move |_| {
                            let msg = if active { format!("确定停用 {name}?停用后不能再为其开通账号。") } else { format!("确定启用 {name}?") };
                            if confirm(&msg) { toggle.dispatch((id, !active)); }
                        }>{move || if active { i18n.t("停用", "Deactivate") } else { i18n.t("启用", "Activate") }}</button>
                    </span>
                })}
            </div>
        }
    };
    view! {
        <PageHeader title=("组织机构", "Organisations")>
            <button class="btn btn-primary" on:click=move |_| new_org(OrgType::RepOffice)>{move || i18n.t("新增代表处", "New rep office")}</button>
            <button class="btn" on:click=move |_| new_org(OrgType::Department)>{move || i18n.t("新增部门", "New department")}</button>
        </PageHeader>
        <ErrorBanner error=error/>
        {move || editing.get().map(|input| view! {
            <OrgForm input=input on_done=Callback::new(move |saved: bool| { editing.set(None); if saved { reload.update(|n| *n += 1) } })/>
        })}
        <div class="card">
            <Transition fallback=|| ()>
                {move || orgs.get().map(|r| match r {
                    Err(e) => view! { <div class="alert alert-error">{e.message(i18n.locale())}</div> }.into_any(),
                    Ok(list) => {
                        let hq: Vec<_> = list.iter().filter(|o| o.org_type == Some(OrgType::Hq)).cloned().collect();
                        let depts: Vec<_> = list.iter().filter(|o| o.org_type == Some(OrgType::Department)).cloned().collect();
                        let reps: Vec<_> = list.iter().filter(|o| o.org_type == Some(OrgType::RepOffice)).cloned().collect();
                        view! {
                            <div class="org-tree">
                                {hq.into_iter().map(row).collect_view()}
                                <div class="org-children">
                                    <h3>{move || i18n.t("部门", "Departments")}</h3>
                                    {depts.into_iter().map(row).collect_view()}
                                    <h3>{move || i18n.t("代表处", "Rep offices")}</h3>
                                    {reps.into_iter().map(row).collect_view()}
                                </div>
                            </div>
                        }.into_any()
                    }
                })}
            </Transition>
        </div>
    }
}

/// Three cascading selects (省 → 市 → 区); reports the deepest chosen region.
#[component]
pub fn RegionCascade(id: &'static str, on_pick: Callback<Option<RegionRef>>) -> impl IntoView {
    let i18n = use_i18n();
    let l1 = RwSignal::new(None::<RegionRef>);
    let l2 = RwSignal::new(None::<RegionRef>);
    let l3 = RwSignal::new(None::<RegionRef>);
    let provinces = Resource::new(|| (), |_| list_regions(None));
    let cities = Resource::new(
        move || l1.get().map(|r| r.id),
        |p| async move {
            match p {
                Some(p) => list_regions(Some(p)).await,
                None => Ok(vec![]),
            }
        },
    );
    let districts = Resource::new(
        move || l2.get().map(|r| r.id),
        |p| async move {
            match p {
                Some(p) => list_regions(Some(p)).await,
                None => Ok(vec![]),
            }
        },
    );
    let report = move || on_pick.run(l3.get_untracked().or(l2.get_untracked()).or(l1.get_untracked()));
    let pick = move |list: Option<Result<Vec<RegionRef>, AppError>>, v: String| {
        v.parse::<i64>().ok().and_then(|id| list.and_then(|l| l.ok()).and_then(|l| l.into_iter().find(|r| r.id == id)))
    };
    let options = move |list: Option<Result<Vec<RegionRef>, AppError>>| {
        list.and_then(|l| l.ok())
            .unwrap_or_default()
            .into_iter()
            .map(|r| view! { <option value=r.id.to_string()>{r.name}</option> })
            .collect_view()
    };
    view! {
        <div class="region-cascade">
            <select id=id aria-label=move || i18n.t("省", "Province") on:change=move |ev| {
                l1.set(pick(provinces.get(), event_target_value(&ev))); l2.set(None); l3.set(None); report();
            }>
                <option value="">{move || i18n.t("省/直辖市", "Province")}</option>
                <Transition fallback=|| ()>{move || options(provinces.get())}</Transition>
            </select>
            <select aria-label=move || i18n.t("市", "City") disabled=move || l1.get().is_none() on:change=move |ev| {
                l2.set(pick(cities.get(), event_target_value(&ev))); l3.set(None); report();
            }>
                <option value="">{move || i18n.t("市", "City")}</option>
                <Transition fallback=|| ()>{move || options(cities.get())}</Transition>
            </select>
            <select aria-label=move || i18n.t("区/县", "District") disabled=move || l2.get().is_none() on:change=move |ev| {
                l3.set(pick(districts.get(), event_target_value(&ev))); report();
            }>
                <option value="">{move || i18n.t("区/县", "District")}</option>
                <Transition fallback=|| ()>{move || options(districts.get())}</Transition>
            </select>
        </div>
    }
}

#[component]
fn OrgForm(input: OrgInput, on_done: Callback<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let is_new = input.id.is_none();
    let is_rep = input.org_type == OrgType::RepOffice;
    let form = RwSignal::new(input);
    let seat_pick = RwSignal::new(None::<RegionRef>);
    let cover_pick = RwSignal::new(None::<RegionRef>);
    let covered = RwSignal::new(Vec::<RegionRef>::new());
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    let save = ServerAction::<SaveOrg>::new();
    Effect::new(move |_| {
        if let Some(r) = save.value().get() {
            match r {
                Ok(_) => on_done.run(true),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut input = form.get_untracked();
        if let Some(s) = seat_pick.get_untracked() {
            input.region_id = Some(s.id);
        }
        input.region_ids.extend(covered.get_untracked().into_iter().map(|r| r.id));
        input.region_ids.dedup();
        if let Err(e) = input.validate() {
            error.set(Some(e));
            return;
        }
        save.dispatch(SaveOrg { input });
    };
    let (code_v, code_i) = bind_text!(form, code);
    let (name_v, name_i) = bind_text!(form, name);
    let (addr_v, addr_i) = bind_text!(form, address);
    let (phone_v, phone_i) = bind_text!(form, phone);
    let (cp_v, cp_i) = bind_text!(form, contact_person);
    let (email_v, email_i) = bind_text!(form, email);
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    let title = match (is_new, is_rep) {
        (true, true) => ("新增代表处", "New rep office"),
        (true, false) => ("新增部门", "New department"),
        _ => ("编辑组织机构", "Edit organisation"),
    };
    view! {
        <div class="card">
            <h2>{move || i18n.t(title.0, title.1)}</h2>
            <ErrorBanner error=general/>
            <SuccessBanner message=done/>
            <form class="form" on:submit=on_submit novalidate>
                <Field label=("机构编码", "Code") id="code" required=true errors=errors>
                    <input id="code" type="text" prop:value=code_v on:input=code_i/>
                </Field>
                <Field label=("机构名称", "Name") id="name" required=true errors=errors>
                    <input id="name" type="text" prop:value=name_v on:input=name_i/>
                </Field>
                {(!is_rep).then(|| view! {
                    <Field label=("部门类别", "Department kind") id="department_kind" required=true errors=errors>
                        <select id="department_kind" on:change=move |ev| form.update(|f| f.department_kind = DepartmentKind::parse(&event_target_value(&ev)))>
                            {DepartmentKind::ALL.iter().map(|k| view! {
                                <option value=k.code() selected=move || form.with(|f| f.department_kind == Some(*k))>{move || i18n.t(k.zh(), k.en())}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                })}
                {is_rep.then(|| view! {
                    <Field label=("所在地", "Seat") id="seat" errors=errors hint=("不修改则保留原所在地", "Leave unchanged to keep")>
                        <RegionCascade id="seat" on_pick=Callback::new(move |r| seat_pick.set(r))/>
                    </Field>
                    <Field label=("覆盖区域", "Covered regions") id="region_ids" errors=errors
                        hint=("用于为录入的客户默认组织机构;一个区域只能属于一个代表处", "Defaults the organisation of entered customers")>
                        <div class="cover-picker">
                            <RegionCascade id="cover" on_pick=Callback::new(move |r| cover_pick.set(r))/>
                            <button type="button" class="btn btn-small" on:click=move |_| {
                                if let Some(r) = cover_pick.get_untracked() {
                                    covered.update(|c| if !c.iter().any(|x| x.id == r.id) { c.push(r) });
                                }
                            }>{move || i18n.t("添加", "Add")}</button>
                        </div>
                        <div class="muted">
                            {move || {
                                let existing = form.with(|f| f.region_ids.len());
                                let new: Vec<String> = covered.get().into_iter().map(|r| r.full_name).collect();
                                format!("{}{}", if existing > 0 { format!("已有 {existing} 个区域;") } else { String::new() }, new.join("、"))
                            }}
                            <button type="button" class="link" on:click=move |_| { covered.set(vec![]); form.update(|f| f.region_ids.clear()); }>
                                {move || i18n.t("清空", "Clear")}
                            </button>
                        </div>
                    </Field>
                })}
                <Field label=("地址", "Address") id="address" errors=errors>
                    <input id="address" type="text" prop:value=addr_v on:input=addr_i/>
                </Field>
                <Field label=("联系电话", "Phone") id="phone" errors=errors>
                    <input id="phone" type="tel" prop:value=phone_v on:input=phone_i/>
                </Field>
                <Field label=("联系人", "Contact") id="contact_person" errors=errors>
                    <input id="contact_person" type="text" prop:value=cp_v on:input=cp_i/>
                </Field>
                <Field label=("E-mail", "E-mail") id="email" errors=errors>
                    <input id="email" type="email" prop:value=email_v on:input=email_i/>
                </Field>
                <div class="form-buttons">
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>{move || i18n.t("保存", "Save")}</button>
                    <button type="button" class="btn" on:click=move |_| on_done.run(false)>{move || i18n.t("取消", "Cancel")}</button>
                </div>
            </form>
        </div>
    }
}

//! PG-37 履约项目配置 (经理): a tab per level with an editable grid of items, the live 合计 (red
//! unless exactly 100%), 保存 with its date and scope (仅新服务年度 / 同时重算当前服务年度, the
//! latter followed as a job with its progress), and the versions before. A refused save keeps
//! every edit on screen with each error at its cell.
use leptos::prelude::*;

use super::api::{load_scheme, save_scheme};
use super::scheme::{level_name, odd_step, total};
use super::{ApplyTo, ItemInput, ItemKind, LevelItems, Pct, SchemeInput, SchemePage, SchemeView, item_key};
use crate::emails::EmailKind;
use crate::error::{AppError, FieldErrors};
use crate::i18n::use_i18n;
use crate::jobs::{JobState, JobStatus};
use crate::members::enums::MemberLevel;
use crate::ui::{ErrorBanner, Field, Loaded, PageHeader, SuccessBanner, confirm, field_errors, fmt_time};

#[component]
pub fn SchemeConfigPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| load_scheme());
    let reload = Callback::new(move |_| version.update(|v| *v += 1));
    // Kept here, above the reloaded editor: what the last save said and its recomputation.
    let saved = RwSignal::new(None::<String>);
    let job = RwSignal::new(None::<JobStatus>);
    let lost = RwSignal::new(None::<AppError>);
    view! {
        <PageHeader title=("履约项目配置", "Fulfilment items & weights")/>
        <SuccessBanner message=saved/>
        <ErrorBanner error=lost/>
        {move || job.get().map(|s| view! {
            <div class="card progress" role="status" data-testid="recompute-progress">
                <progress max="100" value=s.percent()></progress>
                " "{match s.state {
                    JobState::Done => format!("重算完成:{} 个服务年度", s.done),
                    JobState::Failed | JobState::Interrupted => format!("重算未完成:{}", s.message.as_ref().map(|m| m.zh.clone()).unwrap_or_default()),
                    _ => format!("正在重算当前服务年度… {} / {}", s.done, s.total),
                }}
            </div>
        })}
        <Loaded data show=move |p| view! { <Editor p=p reload=reload saved=saved job=job lost=lost/> }/>
    }
}

fn input_of(p: &SchemePage) -> SchemeInput {
    SchemeInput {
        base_version: p.current.version_no,
        levels: p.current.levels.clone(),
        effective_from: p.today.format("%Y-%m-%d").to_string(),
        apply_to: ApplyTo::NewYears.code().into(),
        note: String::new(),
    }
}

/// The rows of `level` in the draft, to read or change.
fn rows_mut(s: &mut SchemeInput, level: MemberLevel) -> &mut Vec<ItemInput> {
    if let Some(i) = s.levels.iter().position(|l| l.level == level.code()) {
        return &mut s.levels[i].items;
    }
    s.levels.push(LevelItems { level: level.code().into(), items: vec![] });
    let last = s.levels.len() - 1;
    &mut s.levels[last].items
}

#[component]
fn Editor(
    p: SchemePage,
    reload: Callback<()>,
    saved: RwSignal<Option<String>>,
    job: RwSignal<Option<JobStatus>>,
    lost: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let draft = RwSignal::new(input_of(&p));
    let today = p.today;
    let tab = RwSignal::new(MemberLevel::Gold);
    let error = RwSignal::new(None::<AppError>);
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = draft.get_untracked();
        if let Err(e) = input.validate(today) {
            error.set(Some(e));
            return;
        }
        let recompute = input.apply_to == ApplyTo::Recompute.code();
        if recompute && !confirm("保存后将按新方案重算所有相关会员的当前服务年度(按项目名称保留完成情况),确定?")
        {
            return;
        }
        leptos::task::spawn_local(async move {
            match save_scheme(input).await {
                Ok(s) => {
                    error.set(None);
                    saved.set(Some(format!("已保存为第 {} 版 / Saved as version {}", s.version_no, s.version_no)));
                    reload.run(());
                    if let Some(status) = s.job
                        && let Err(e) = crate::jobs::api::watch(status, job).await
                    {
                        lost.set(Some(e));
                    }
                }
                Err(e) => {
                    saved.set(None);
                    error.set(Some(e));
                }
            }
        });
    };
    let tab_errors = move |level: MemberLevel| {
        errors.with(|e: &FieldErrors| {
            e.0.iter().filter(|f| f.field == level.code() || f.field.starts_with(&format!("{}.", level.code()))).count()
        })
    };
    let history = p.history.clone();
    view! {
        <div class="card">
            <p class="muted">{format!("当前方案:第 {} 版,{} 起生效", p.current.version_no, p.current.effective_from)}</p>
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()))/>
            <div class="tabs" role="tablist">
                {MemberLevel::ALL.iter().copied().map(|level| {
                    let (zh, en) = level_name(level);
                    view! {
                        <button type="button" role="tab" class="tab" class:active=move || tab.get() == level
                            aria-selected=move || (tab.get() == level).to_string()
                            data-testid=format!("tab-{}", level.code())
                            on:click=move |_| tab.set(level)>
                            {move || if i18n.locale() == crate::i18n::Locale::Zh { zh.clone() } else { en.clone() }}
                            {move || (tab_errors(level) > 0).then(|| view! { <span class="badge badge-red">{tab_errors(level)}</span> })}
                        </button>
                    }
                }).collect_view()}
            </div>
            <form class="form" novalidate on:submit=submit>
                {move || view! { <Grid level=tab.get() draft=draft errors=errors/> }}
                <div class="form-2col save-options">
                    <Field label=("生效日期", "Takes effect") id="effective_from" required=true errors>
                        <input id="effective_from" type="date" prop:value=move || draft.with(|d| d.effective_from.clone())
                            on:input=move |ev| draft.update(|d| d.effective_from = event_target_value(&ev))/>
                    </Field>
                    <Field label=("应用范围", "Applies to") id="apply_to" required=true errors>
                        <div class="radio-group" id="apply_to" role="radiogroup">
                            {ApplyTo::ALL.iter().copied().map(|a| view! {
                                <label class="checkbox-row">
                                    <input type="radio" name="apply_to" value=a.code()
                                        prop:checked=move || draft.with(|d| d.apply_to == a.code())
                                        on:change=move |_| draft.update(|d| d.apply_to = a.code().into())/>
                                    {move || a.label(i18n.locale())}
                                </label>
                            }).collect_view()}
                        </div>
                    </Field>
                    <Field label=("变更说明", "Note") id="note" errors>
                        <input id="note" type="text" maxlength="255" prop:value=move || draft.with(|d| d.note.clone())
                            on:input=move |ev| draft.update(|d| d.note = event_target_value(&ev))/>
                    </Field>
                </div>
                <div class="form-buttons">
                    <button type="submit" class="btn btn-primary" data-testid="scheme-save">{move || i18n.t("保存", "Save")}</button>
                </div>
            </form>
        </div>
        <div class="card">
            <h2>{move || i18n.t("历史版本", "Earlier versions")}</h2>
            {if history.is_empty() {
                view! { <p class="empty">{move || i18n.t("尚无历史版本", "No earlier versions")}</p> }.into_any()
            } else {
                let current = p.current.clone();
                view! { <History history=history.clone() current=current/> }.into_any()
            }}
        </div>
    }
}

#[component]
fn Grid(level: MemberLevel, draft: RwSignal<SchemeInput>, errors: Signal<FieldErrors>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = move || draft.with(|d| LevelItems::of(&d.levels, level));
    let sum = move || total(&rows());
    let code = level.code();
    let err = move |key: String| errors.with(|e| e.get(&key).map(|t| t.get(i18n.locale()).to_string()));
    let edit = move |row: usize, f: fn(&mut ItemInput, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            draft.update(|d| {
                if let Some(r) = rows_mut(d, level).get_mut(row) {
                    f(r, v)
                }
            })
        }
    };
    let swap = move |a: usize, b: usize| {
        draft.update(|d| {
            let r = rows_mut(d, level);
            if a < r.len() && b < r.len() {
                r.swap(a, b)
            }
        })
    };
    view! {
        <div class="scheme-grid" data-testid=format!("grid-{code}")>
            {move || err(code.to_string()).map(|m| view! { <p class="field-error" role="alert" data-testid="level-error">{m}</p> })}
            {move || rows().is_empty().then(|| view! {
                <p class="empty">{move || if level.is_paid() { i18n.t("尚无项目,请新增", "No items yet: add one") } else { i18n.t("无履约项目", "No items") }}</p>
            })}
            <table class="data">
                <thead><tr>
                    <th>{move || i18n.t("项目名称", "Item")}" *"</th>
                    <th>{move || i18n.t("履约比重(%)", "Weight (%)")}" *"</th>
                    <th>{move || i18n.t("项目类型", "Kind")}" *"</th>
                    <th>{move || i18n.t("目标数量", "Target")}</th>
                    <th>{move || i18n.t("单位", "Unit")}</th>
                    <th>{move || i18n.t("关联邮件类型", "Linked e-mail")}</th>
                    <th>{move || i18n.t("操作", "Actions")}</th>
                </tr></thead>
                <tbody>
                    {move || rows().into_iter().enumerate().map(|(n, r)| {
                        let key = move |f: &str| item_key(code, n, f);
                        let cell_err = move |f: &'static str| view! {
                            {move || err(key(f)).map(|m| view! { <div class="field-error" role="alert">{m}</div> })}
                        };
                        let step = odd_step(&r);
                        let kind = r.kind.clone();
                        let mail = r.linked_email_kind.clone();
                        view! {
                            <tr class:has-error=move || errors.with(|e| e.0.iter().any(|f| f.field.starts_with(&format!("{code}.{n}."))))>
                                <td><input type="text" maxlength="100" aria-label=format!("项目名称 {}", n + 1) data-testid="item-name"
                                    prop:value=r.name.clone() on:change=edit(n, |r, v| r.name = v)/>{cell_err("name")}</td>
                                <td><input type="text" inputmode="decimal" class="num" aria-label=format!("履约比重 {}", n + 1) data-testid="item-weight"
                                    prop:value=r.weight.clone() on:input=edit(n, |r, v| r.weight = v)/>{cell_err("weight")}</td>
                                <td><select aria-label=format!("项目类型 {}", n + 1) on:change=edit(n, |r, v| r.kind = v)>
                                    {ItemKind::ALL.iter().map(|k| view! { <option value=k.code() selected=kind == k.code()>{k.label(crate::i18n::Locale::Zh)}</option> }).collect_view()}
                                </select>{cell_err("kind")}</td>
                                <td><input type="text" inputmode="numeric" class="num" aria-label=format!("目标数量 {}", n + 1)
                                    prop:value=r.target.clone() on:input=edit(n, |r, v| r.target = v)/>{cell_err("target")}
                                    {step.map(|s| view! { <div class="warn small">{format!("每条 {s}%,不是整数或半个百分点")}</div> })}</td>
                                <td><input type="text" maxlength="10" class="short" aria-label=format!("单位 {}", n + 1)
                                    prop:value=r.unit.clone() on:input=edit(n, |r, v| r.unit = v)/>{cell_err("unit")}</td>
                                <td><select aria-label=format!("关联邮件类型 {}", n + 1) on:change=edit(n, |r, v| r.linked_email_kind = v)>
                                    <option value="" selected=mail.is_empty()>"—"</option>
                                    {EmailKind::ALL.iter().map(|k| view! { <option value=k.code() selected=mail == k.code()>{k.label(crate::i18n::Locale::Zh)}</option> }).collect_view()}
                                </select>{cell_err("linked_email_kind")}</td>
                                <td class="actions">
                                    <button type="button" class="link" disabled=n == 0 on:click=move |_| swap(n.wrapping_sub(1), n)>{move || i18n.t("上移", "Up")}</button>
                                    <button type="button" class="link" on:click=move |_| swap(n, n + 1)>{move || i18n.t("下移", "Down")}</button>
                                    <button type="button" class="link danger" on:click=move |_| {
                                        if confirm("删除此项目?保存后才生效。") {
                                            draft.update(|d| { let r = rows_mut(d, level); if n < r.len() { r.remove(n); } })
                                        }
                                    }>{move || i18n.t("删除", "Delete")}</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
                <tfoot><tr>
                    <td>
                        <button type="button" class="btn btn-small" data-testid="add-item" on:click=move |_| draft.update(|d| {
                            rows_mut(d, level).push(ItemInput { kind: ItemKind::Simple.code().into(), ..Default::default() })
                        })>{move || i18n.t("新增项目", "Add item")}</button>
                    </td>
                    <td colspan="6">
                        <strong class=move || if sum() == Pct::FULL { "total ok" } else { "total bad" } data-testid="total">
                            {move || format!("合计: {}", sum())}
                        </strong>
                    </td>
                </tr></tfoot>
            </table>
        </div>
    }
}

#[component]
fn History(history: Vec<SchemeView>, current: SchemeView) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(None::<i32>);
    // Each version against the one after it (the newest against the current scheme).
    let mut newer = current;
    let rows: Vec<(SchemeView, Vec<String>)> = history
        .into_iter()
        .map(|v| {
            let changes = super::scheme::diff(&v.levels, &newer.levels);
            newer = v.clone();
            (v, changes)
        })
        .collect();
    view! {
        <table class="data" data-testid="scheme-history">
            <thead><tr>
                <th>{move || i18n.t("版本", "Version")}</th><th>{move || i18n.t("生效日期", "From")}</th>
                <th>{move || i18n.t("说明", "Note")}</th><th>{move || i18n.t("保存人", "By")}</th>
                <th>{move || i18n.t("保存时间", "Saved")}</th><th>{move || i18n.t("此后的变更", "Changed after it")}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|(v, changes)| {
                    let n = v.version_no;
                    view! {
                        <tr>
                            <td><button type="button" class="link" on:click=move |_| open.update(|o| *o = if *o == Some(n) { None } else { Some(n) })>
                                {format!("第 {n} 版")}</button></td>
                            <td>{v.effective_from.to_string()}</td>
                            <td>{v.note.clone()}</td>
                            <td>{v.created_by.clone()}</td>
                            <td>{fmt_time(&v.created_at)}</td>
                            <td><ul class="plain">{changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul></td>
                        </tr>
                        {move || (open.get() == Some(n)).then(|| {
                            let levels = v.levels.clone();
                            view! { <tr><td colspan="6">{levels.into_iter().filter(|l| !l.items.is_empty()).map(|l| view! {
                                <p><strong>{MemberLevel::parse(&l.level).map(|lv| level_name(lv).0).unwrap_or_default()}</strong>":"
                                    {l.items.iter().map(|i| format!("{} {}%", i.name, i.weight)).collect::<Vec<_>>().join(";")}</p>
                            }).collect_view()}</td></tr> }
                        })}
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

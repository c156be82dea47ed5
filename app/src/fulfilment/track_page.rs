//! PG-36 履约跟踪 of one member: the service year (current or an earlier one), its big
//! progress, the items with 服务完成 / 撤销完成 / 保存数量, what was done (履约操作记录) and,
//! for a counted item, the 精准匹配 records with 新增. Every action answers the page as the
//! server has it now, so progress and status are the server's numbers.
use leptos::prelude::*;

use super::api::{act_on_item, add_match, load_tracking};
use super::list_page::ProgressBar;
use super::track::{ItemAction, ItemActionKind, ItemView, MatchInput, Tracking, YearView};
use super::{ItemKind, ItemStatus};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::members::enums::{LEVELS, label};
use crate::ui::{ErrorBanner, Field, Loaded, PageHeader, SuccessBanner, field_errors, fmt_opt_time, fmt_time};

#[component]
pub fn TrackingPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let year = RwSignal::new(crate::ui::query_id("year"));
    let id = crate::ui::id_param();
    let data = Resource::new(
        move || (id(), year.get(), version.get()),
        |(id, year, _)| async move {
            match id {
                Some(id) => load_tracking(id, year).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <PageHeader title=("履约跟踪", "Fulfilment tracking")>
            <a class="btn" href="/fulfilment">{move || use_i18n().t("返回履约列表", "Back to the list")}</a>
        </PageHeader>
        <Loaded data show=move |t| view! { <Track t=t year=year/> }/>
    }
}

/// The action being confirmed: the item and what is done to it.
type Pending = Option<(ItemView, ItemActionKind)>;

#[component]
fn Track(t: Tracking, year: RwSignal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let data = RwSignal::new(t);
    let pending = RwSignal::new(None::<(ItemView, ItemActionKind)>);
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    let run = Callback::new(move |a: ItemAction| {
        leptos::task::spawn_local(async move {
            match act_on_item(a).await {
                Ok(t) => {
                    data.set(t);
                    pending.set(None);
                    error.set(None);
                    done.set(Some("已保存 / Saved".into()));
                }
                Err(e) => {
                    done.set(None);
                    error.set(Some(e));
                }
            }
        });
    });
    let head = move || data.get();
    view! {
        {move || {
            let t = head();
            let level = t.member_level.clone();
            let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into());
            view! {
                <div class="card member-head">
                    <div class="member-title">
                        <h2><a href=format!("/customers/{}", t.customer_id)>{t.company_name.clone()}</a></h2>
                        <span class=format!("level level-{}", t.member_level)>{move || { let (zh, en) = label(LEVELS, &level); i18n.t(zh, en) }}</span>
                    </div>
                    <dl class="desc desc-inline">
                        <dt>{move || i18n.t("登录名", "Login")}</dt><dd>{t.login_name.clone()}</dd>
                        <dt>{move || i18n.t("组织机构", "Organisation")}</dt><dd>{t.org_name.clone()}</dd>
                        <dt>{move || i18n.t("服务开始时间", "Service start")}</dt><dd>{date(t.service_start)}</dd>
                        <dt>{move || i18n.t("服务到期时间", "Service end")}</dt><dd>{date(t.service_end)}</dd>
                    </dl>
                    {(!t.years.is_empty()).then(|| {
                        let years = t.years.clone();
                        let shown = t.year.as_ref().map(|y| y.summary.id);
                        view! {
                            <div class="form-row inline">
                                <label for="year">{move || i18n.t("服务年度", "Service year")}</label>
                                <select id="year" on:change=move |ev| year.set(event_target_value(&ev).parse().ok())>
                                    {years.into_iter().map(|y| {
                                        let text = format!("{} ~ {}{}", y.start, y.end, if y.is_current { "(当前)" } else { "" });
                                        view! { <option value=y.id.to_string() selected=shown == Some(y.id)>{text}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                        }
                    })}
                </div>
            }
        }}
        <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()))/>
        <SuccessBanner message=done/>
        {move || match head().year {
            None => view! {
                <div class="card"><p class="empty" data-testid="no-items">{move || i18n.t(
                    "该会员没有履约项目(免费会员、非会员,或服务尚未开始)。",
                    "This member owes no services (free, not a member, or the service has not started).",
                )}</p></div>
            }.into_any(),
            Some(y) => view! { <Year y=y t=head() pending=pending error=error run=run/> }.into_any(),
        }}
        {move || {
            let t = head();
            let current = t.year.as_ref().filter(|y| y.summary.is_current).cloned();
            current.filter(|y| t.may_add_match && y.items.iter().any(|i| i.kind == ItemKind::Counted)).map(|_| view! {
                <MatchForm customer=t.customer_id now=t.now.clone() on_saved=Callback::new(move |()| {
                    leptos::task::spawn_local(async move {
                        let id = data.with_untracked(|t| t.customer_id);
                        let y = data.with_untracked(|t| t.year.as_ref().map(|y| y.summary.id));
                        if let Ok(t) = load_tracking(id, y).await { data.set(t) }
                    });
                })/>
            })
        }}
    }
}

#[component]
fn Year(
    y: YearView,
    t: Tracking,
    pending: RwSignal<Pending>,
    error: RwSignal<Option<AppError>>,
    run: Callback<ItemAction>,
) -> impl IntoView {
    let i18n = use_i18n();
    let editable = t.editable();
    let s = y.summary.clone();
    let customer = t.customer_id;
    view! {
        <div class="card">
            <div class="fulfil-head">
                <div class="fulfil-big" data-testid="track-progress">
                    <span class="muted">{move || i18n.t("服务履约进度", "Fulfilment progress")}</span>
                    <strong>{s.progress.to_string()}</strong>
                    <span class=format!("badge fstatus-{}", s.status.code())>{move || s.status.label(i18n.locale())}</span>
                </div>
                <ProgressBar progress=s.progress status=s.status/>
                {(!s.is_current).then(|| view! {
                    <p class="muted">{move || i18n.t("历史服务年度,只读", "An earlier service year (read-only)")}
                        {s.closed_reason.map(|r| format!(" · {}", r.label(i18n.locale())))}</p>
                })}
            </div>
            <PendingForm pending=pending error=error run=run/>
            <table class="data" data-testid="items">
                <thead><tr>
                    <th>{move || i18n.t("序号", "No.")}</th>
                    <th>{move || i18n.t("会员服务履约项目", "Item")}</th>
                    <th>{move || i18n.t("履约比重", "Weight")}</th>
                    <th>{move || i18n.t("进度", "Progress")}</th>
                    <th>{move || i18n.t("状态", "Status")}</th>
                    <th>{move || i18n.t("完成时间", "Done at")}</th>
                    <th>{move || i18n.t("完成人", "By")}</th>
                    <th>{move || i18n.t("操作", "Actions")}</th>
                </tr></thead>
                <tbody>
                    {y.items.into_iter().enumerate().map(|(n, item)| {
                        view! { <ItemRow n=n + 1 item=item customer=customer editable=editable t=t.clone() pending=pending run=run/> }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <div class="card">
            <h3>{move || i18n.t("履约操作记录", "What was done")}</h3>
            {if y.events.is_empty() {
                view! { <p class="empty">{move || i18n.t("暂无记录", "Nothing yet")}</p> }.into_any()
            } else {
                view! {
                    <table class="data" data-testid="events">
                        <thead><tr>
                            <th>{move || i18n.t("时间", "When")}</th><th>{move || i18n.t("操作", "Action")}</th>
                            <th>{move || i18n.t("项目", "Item")}</th><th>{move || i18n.t("变更", "Change")}</th>
                            <th>{move || i18n.t("原因/备注", "Reason")}</th><th>{move || i18n.t("操作人", "By")}</th>
                        </tr></thead>
                        <tbody>{y.events.into_iter().map(|e| view! {
                            <tr>
                                <td>{fmt_time(&e.at)}</td>
                                <td>{move || e.action.label(i18n.locale())}</td>
                                <td>{e.item.clone()}</td>
                                <td>{if e.old.is_empty() && e.new.is_empty() { String::new() } else { format!("{} → {}", status_text(&e.old), status_text(&e.new)) }}</td>
                                <td>{e.reason.clone()}</td>
                                <td>{e.actor.clone()}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </div>
        {(!y.matches.is_empty()).then(|| view! {
            <div class="card">
                <h3>{move || i18n.t("精准匹配记录", "Precise-match records")}</h3>
                <table class="data" data-testid="match-records">
                    <thead><tr>
                        <th>"#"</th><th>{move || i18n.t("匹配信息标题", "Title")}</th><th>{move || i18n.t("匹配企业", "Counterpart")}</th>
                        <th>{move || i18n.t("联系方式", "Contact")}</th><th>{move || i18n.t("提供时间", "Provided")}</th><th>{move || i18n.t("提供人", "By")}</th>
                    </tr></thead>
                    <tbody>{y.matches.into_iter().map(|m| view! {
                        <tr><td>{m.seq_no}</td><td>{m.title}</td><td>{m.counterpart_company}</td><td>{m.counterpart_contact}</td>
                            <td>{fmt_time(&m.provided_at)}</td><td>{m.provided_by}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            </div>
        })}
    }
}

/// An item status code as the log shows it (numbers stay numbers).
fn status_text(v: &str) -> String {
    ItemStatus::parse(v).map(|s| s.label(crate::i18n::Locale::Zh).to_string()).unwrap_or_else(|| v.to_string())
}

#[component]
fn ItemRow(
    n: usize,
    item: ItemView,
    customer: i64,
    editable: bool,
    t: Tracking,
    pending: RwSignal<Pending>,
    run: Callback<ItemAction>,
) -> impl IntoView {
    let i18n = use_i18n();
    let done = item.status == ItemStatus::Done;
    let quantity = RwSignal::new(item.quantity);
    let target = item.target.unwrap_or(0);
    let (mark, undo) = (item.clone(), item.clone());
    let save_qty = {
        let item = item.clone();
        move |_| {
            run.run(ItemAction {
                item_id: item.id,
                version: item.version,
                action: ItemActionKind::SetQuantity.code().into(),
                quantity: Some(quantity.get_untracked()),
                ..Default::default()
            })
        }
    };
    let progress = match item.kind {
        ItemKind::Counted if editable && t.may_mark && !done => view! {
            <span class="qty">
                <select aria-label=move || i18n.t("已提供数量", "Quantity provided") data-testid="qty"
                    on:change=move |ev| quantity.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {(0..target.max(1)).map(|q| view! { <option value=q.to_string() selected=q == item.quantity>{q}</option> }).collect_view()}
                </select>
                " / "{target}" "{move || i18n.t("条", "")}
                <button type="button" class="btn btn-small" on:click=save_qty>{move || i18n.t("保存数量", "Save quantity")}</button>
                {item.matches.filter(|m| *m > 0).map(|m| view! { <span class="muted">{format!(" 记录 {m} 条")}</span> })}
            </span>
        }.into_any(),
        ItemKind::Counted => {
            let q = if done { target } else { item.quantity };
            view! { <span>{format!("已提供 {q} 条 / {target} 条")}</span> }.into_any()
        }
        ItemKind::PushCount => view! {
            <a href=format!("/customers/{customer}/push-logs") data-testid="pushed">
                {format!("已推送 {} 条 / {} 条", item.pushed.unwrap_or(0), target)}
            </a>
        }.into_any(),
        ItemKind::Simple => match item.mail_sent_at {
            Some(at) => view! { <span class="muted">{format!("已发送 ({})", crate::ui::fmt_time(&at))}</span> }.into_any(),
            None => view! { <span class="muted">"—"</span> }.into_any(),
        },
    };
    let remark = item.remark.clone();
    view! {
        <tr data-item=item.name.clone()>
            <td>{n}</td>
            <td>{item.name.clone()}{(!remark.is_empty()).then(|| view! { <div class="muted small">{remark.clone()}</div> })}</td>
            <td>{item.weight.to_string()}</td>
            <td>{progress}</td>
            <td><span class=if done { "badge badge-green" } else { "badge" }>{move || item.status.label(i18n.locale())}</span></td>
            <td>{fmt_opt_time(&item.completed_at)}</td>
            <td>{item.completed_by.clone()}</td>
            <td class="actions">
                {(editable && t.may_mark && !done).then(|| view! {
                    <button type="button" class="btn btn-small btn-primary" data-testid="mark-done"
                        on:click=move |_| pending.set(Some((mark.clone(), ItemActionKind::MarkDone)))>
                        {move || i18n.t("服务完成", "Mark done")}
                    </button>
                })}
                {(editable && t.may_undo && done).then(|| view! {
                    <button type="button" class="btn btn-small" data-testid="undo"
                        on:click=move |_| pending.set(Some((undo.clone(), ItemActionKind::Undo)))>
                        {move || i18n.t("撤销完成", "Undo")}
                    </button>
                })}
            </td>
        </tr>
    }
}

/// The confirmation of 服务完成 (with a remark; an override reason for a push-count item short
/// of its target) or 撤销完成 (with its reason).
#[component]
fn PendingForm(
    pending: RwSignal<Pending>,
    error: RwSignal<Option<AppError>>,
    run: Callback<ItemAction>,
) -> impl IntoView {
    let i18n = use_i18n();
    let remark = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    move || {
        pending.get().map(|(item, kind)| {
            let needs_reason = kind == ItemActionKind::Undo || item.needs_override();
            let title = format!("{}「{}」", kind.label(i18n.locale()), item.name);
            let submit = {
                let item = item.clone();
                move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let a = ItemAction {
                        item_id: item.id,
                        version: item.version,
                        action: kind.code().into(),
                        quantity: None,
                        remark: remark.get_untracked(),
                        reason: reason.get_untracked(),
                    };
                    match a.validate() {
                        Err(e) => error.set(Some(e)),
                        Ok(_) => run.run(a),
                    }
                }
            };
            view! {
                <form class="form pending-action" novalidate on:submit=submit data-testid="confirm-form">
                    <h3>{title}</h3>
                    {item.needs_override().then(|| view! {
                        <p class="warn">{format!("已推送 {} 条,不足 {} 条:仅主管/经理可填写原因后确认完成。", item.pushed.unwrap_or(0), item.target.unwrap_or(0))}</p>
                    })}
                    {(kind == ItemActionKind::MarkDone).then(|| view! {
                        <Field label=("备注", "Remark") id="remark" errors hint=("如快递单号", "e.g. a courier number")>
                            <input id="remark" type="text" maxlength="255" prop:value=move || remark.get()
                                on:input=move |ev| remark.set(event_target_value(&ev))/>
                        </Field>
                    })}
                    {needs_reason.then(|| view! {
                        <Field label=("原因", "Reason") id="reason" required=true errors>
                            <input id="reason" type="text" maxlength="255" prop:value=move || reason.get()
                                on:input=move |ev| reason.set(event_target_value(&ev))/>
                        </Field>
                    })}
                    <div class="form-buttons">
                        <button type="submit" class="btn btn-primary" data-testid="confirm">{move || i18n.t("确认", "Confirm")}</button>
                        <button type="button" class="btn" on:click=move |_| { pending.set(None); error.set(None); }>{move || i18n.t("取消", "Cancel")}</button>
                    </div>
                </form>
            }
        })
    }
}

/// 新增匹配记录 of the member's current year.
#[component]
pub fn MatchForm(customer: i64, now: String, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(MatchInput { customer_id: customer, provided_at: now.clone(), ..Default::default() });
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(None::<String>);
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = form.get_untracked();
        if let Err(e) = input.validate(None) {
            error.set(Some(e));
            return;
        }
        let now = now.clone();
        leptos::task::spawn_local(async move {
            match add_match(input).await {
                Ok(m) => {
                    error.set(None);
                    saved.set(Some(format!("已保存第 {} 条 / Saved", m.records.len())));
                    form.set(MatchInput { customer_id: customer, provided_at: now, ..Default::default() });
                    on_saved.run(());
                }
                Err(e) => {
                    saved.set(None);
                    error.set(Some(e));
                }
            }
        });
    };
    let text = move |get: fn(&MatchInput) -> String| move || form.with(get);
    view! {
        <div class="card">
            <h3>{move || i18n.t("新增精准匹配记录", "Add a precise-match record")}</h3>
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()))/>
            <SuccessBanner message=saved/>
            <form class="form form-2col" novalidate on:submit=submit data-testid="match-form">
                <Field label=("匹配信息标题", "Title") id="title" required=true errors>
                    <input id="title" type="text" maxlength="200" prop:value=text(|f| f.title.clone())
                        on:input=move |ev| form.update(|f| f.title = event_target_value(&ev))/>
                </Field>
                <Field label=("提供时间", "Provided at") id="provided_at" required=true errors>
                    <input id="provided_at" type="datetime-local" prop:value=text(|f| f.provided_at.clone())
                        on:input=move |ev| form.update(|f| f.provided_at = event_target_value(&ev))/>
                </Field>
                <Field label=("匹配企业", "Counterpart") id="counterpart_company" errors>
                    <input id="counterpart_company" type="text" maxlength="200" prop:value=text(|f| f.counterpart_company.clone())
                        on:input=move |ev| form.update(|f| f.counterpart_company = event_target_value(&ev))/>
                </Field>
                <Field label=("联系方式", "Contact") id="counterpart_contact" errors>
                    <input id="counterpart_contact" type="text" maxlength="200" prop:value=text(|f| f.counterpart_contact.clone())
                        on:input=move |ev| form.update(|f| f.counterpart_contact = event_target_value(&ev))/>
                </Field>
                <Field label=("内容", "Content") id="content" errors>
                    <textarea id="content" rows="3" maxlength="5000" prop:value=text(|f| f.content.clone())
                        on:input=move |ev| form.update(|f| f.content = event_target_value(&ev))></textarea>
                </Field>
                <div class="form-buttons form-wide">
                    <button type="submit" class="btn btn-primary" data-testid="match-save">{move || i18n.t("保存", "Save")}</button>
                </div>
            </form>
        </div>
    }
}

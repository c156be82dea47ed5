//! 会员邮件服务 (PG-26): step 1 chooses the members with the member filters (kept in the URL)
//! and unticks rows; members without 注册邮箱 are greyed and counted, and for 信息推送 those
//! who turned pushes off are left out unless included. Step 2 composes from a template with
//! placeholders in a rich-text editor, with attachments; 预览 shows the first recipient's
//! message, 发送 asks for confirmation with the count, 存为草稿 keeps it for later.
use leptos::prelude::*;

use super::api::{ComposeOptions, list_recipients, load_compose_options, load_draft, preview_email, save_email};
use super::rich_text::{RichText, insert_text};
use super::{
    AttachmentView, BatchSaved, ComposeInput, EmailKind, MAX_ATTACHMENTS, PLACEHOLDERS, Preview, RecipientPage,
    RecipientRow, Recipients,
};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::members::MemberFilter;
use crate::members::api::load_query_choices;
use crate::members::enums::{self, label};
use crate::members::filter_panel::{MemberFilterPanel, has_advanced};
use crate::ui::list::ListState;
use crate::ui::{ChoiceSelect, ErrorBanner, Field, PageHeader, Pager, confirm, field_errors};

const COLUMNS: &[(&str, &str)] = &[
    ("企业名称", "Company"),
    ("登录名", "Login"),
    ("注册邮箱", "E-mail"),
    ("会员级别", "Level"),
    ("组织机构", "Organisation"),
    ("服务到期时间", "Service end"),
    ("是否设置推送", "Pushes"),
    ("本服务年度已推送", "Pushed this year"),
];

#[component]
pub fn ComposePage() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<MemberFilter>::new(|f| f.view = "members".into());
    let expanded = RwSignal::new(has_advanced(&list.draft.get_untracked()));
    let choices = Resource::new(|| (), |_| load_query_choices());
    let options = Resource::new(|| (), |_| load_compose_options());
    let form = RwSignal::new(ComposeInput { kind: EmailKind::InfoPush.code().into(), ..ComposeInput::default() });
    let files = RwSignal::new(Vec::<AttachmentView>::new());
    // A draft named in the URL: its filters go to the URL, the rest to the form.
    let draft_id = crate::ui::query_id("draft");
    Effect::new(move |_| {
        if let Some(id) = draft_id {
            leptos::task::spawn_local(async move {
                if let Ok(d) = load_draft(id).await {
                    list.go(d.input.recipients.filter.clone());
                    form.set(d.input);
                    files.set(d.attachments);
                }
            });
        }
    });
    let kind = Signal::derive(move || form.with(|f| f.kind.clone()));
    let include = Signal::derive(move || form.with(|f| f.recipients.include_unpushed));
    let excluded = Signal::derive(move || form.with(|f| f.recipients.excluded.clone()));
    let only = Signal::derive(move || form.with(|f| f.recipients.only.clone()));
    let rows = Resource::new(
        move || (list.filter.get(), list.version.get(), kind.get(), include.get(), excluded.get(), only.get()),
        move |(filter, _, kind, include_unpushed, excluded, only)| {
            list_recipients(Recipients { filter, include_unpushed, excluded, only }, kind)
        },
    );
    view! {
        <PageHeader title=("会员邮件服务", "Member e-mail")>
            <a class="btn" href="/emails/batches">{move || i18n.t("邮件发送记录", "Sent batches")}</a>
        </PageHeader>
        <Transition fallback=|| ()>
            {move || options.get().and_then(Result::ok).filter(|o| !o.smtp_configured).map(|_| view! {
                <div class="alert alert-warning" role="status" data-testid="smtp-missing">
                    {move || i18n.t(
                        "未配置发信服务器:发送的邮件会排队等待,配置后自动发出。请联系经理在“参数设置”中配置 SMTP。",
                        "No mail server is set: e-mails wait in the queue and leave once one is. Ask a manager to set SMTP in Settings.",
                    )}
                </div>
            })}
        </Transition>
        <h2 class="step">{move || i18n.t("第一步:选择收件会员", "Step 1: choose the members")}</h2>
        <MemberFilterPanel list choices expanded on_search=Callback::new(move |()| form.update(|f| {
            f.recipients.excluded.clear();
            f.recipients.only = None;
        }))/>
        <Recipients rows list form/>
        <h2 class="step">{move || i18n.t("第二步:编写邮件", "Step 2: write the e-mail")}</h2>
        <Transition fallback=|| view! { <p class="muted">"…"</p> }>
            {move || options.get().map(|o| match o {
                Ok(o) => view! { <Compose options=o form files rows/> }.into_any(),
                Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
            })}
        </Transition>
    }
}

/// Whether a send of `kind` reaches this row (an address, and pushes on for 信息推送).
fn reachable(r: &RecipientRow, kind: &str, include_unpushed: bool) -> bool {
    r.email.is_some() && (kind != EmailKind::InfoPush.code() || r.push_enabled || include_unpushed)
}

#[component]
fn Recipients(
    rows: Resource<Result<RecipientPage, AppError>>,
    list: ListState<MemberFilter>,
    form: RwSignal<ComposeInput>,
) -> impl IntoView {
    let i18n = use_i18n();
    // 仅勾选: the ticked rows are the recipients; else every matching member but the unticked.
    let ticking = Signal::derive(move || form.with(|f| f.recipients.only.is_some()));
    let tick = move |id: i64, on: bool| {
        form.update(|f| {
            let r = &mut f.recipients;
            r.excluded.retain(|x| *x != id);
            if let Some(only) = r.only.as_mut() {
                only.retain(|x| *x != id);
                if on {
                    only.push(id);
                }
            } else if !on {
                r.excluded.push(id);
            }
        })
    };
    let chosen = move |id: i64| {
        form.with(|f| match &f.recipients.only {
            Some(only) => only.contains(&id),
            None => !f.recipients.excluded.contains(&id),
        })
    };
    let set_mode = move |only: bool| {
        form.update(|f| {
            f.recipients.excluded.clear();
            f.recipients.only = only.then(Vec::new);
        });
    };
    let modes = view! {
        <div class="recipient-mode" role="radiogroup" aria-label=move || i18n.t("发送对象", "Send to")>
            <label class="checkbox-row">
                <input type="radio" name="mode" prop:checked=move || !ticking.get() on:change=move |_| set_mode(false)/>
                {move || i18n.t("全部符合条件的会员(可取消勾选)", "Every matching member (untick to leave out)")}
            </label>
            <label class="checkbox-row">
                <input type="radio" name="mode" data-testid="mode-ticked" prop:checked=move || ticking.get() on:change=move |_| set_mode(true)/>
                {move || i18n.t("仅勾选的会员", "Only the members ticked")}
            </label>
            {move || (form.with(|f| f.kind == EmailKind::InfoPush.code())).then(|| view! {
                <label class="checkbox-row">
                    <input type="checkbox" prop:checked=move || form.with(|f| f.recipients.include_unpushed)
                        on:change=move |ev| form.update(|f| f.recipients.include_unpushed = event_target_checked(&ev))/>
                    {i18n.t("包含未设置推送会员", "Include members with pushes off")}
                </label>
            })}
        </div>
    };
    let body = move || {
        rows.get().map(|r| match r {
            Err(AppError::Validation(_)) => view! {
                <div class="empty"><p>{move || i18n.t("请修正标红的查询条件", "Correct the marked filters")}</p></div>
            }
            .into_any(),
            Err(e) => view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> }.into_any(),
            Ok(p) => {
                let summary = view! {
                    <p class="recipient-summary" data-testid="recipient-summary">
                        {move || i18n.t("符合条件 ", "Matching: ")}<strong>{p.matching}</strong>{move || i18n.t(" 家;将发送 ", "; to send: ")}
                        <strong data-testid="selected-count">{p.selected}</strong>{move || i18n.t(" 家", "")}
                        {(p.without_email > 0).then(|| view! { <span class="muted">{move || i18n.t(";无邮箱 ", "; no e-mail: ")}{p.without_email}{move || i18n.t(" 家(不发送)", "")}</span> })}
                        {move || (form.with(|f| f.kind == EmailKind::InfoPush.code() && !f.recipients.include_unpushed) && p.unpushed > 0).then(|| view! {
                            <span class="muted">{move || i18n.t(";未设置推送 ", "; pushes off: ")}{p.unpushed}{move || i18n.t(" 家(不发送)", "")}</span>
                        })}
                        {(p.selected > p.batch_max).then(|| view! {
                            <span class="alert-inline">{move || i18n.t(";超过单批上限 ", "; over the batch limit of ")}{p.batch_max}{move || i18n.t(" 家,请缩小范围", ", narrow the filters")}</span>
                        })}
                    </p>
                };
                if p.page.items.is_empty() {
                    return view! {
                        {summary}
                        <div class="empty"><p>{move || i18n.t("没有符合条件的会员,请调整筛选条件", "No members match; change the filters")}</p></div>
                    }
                    .into_any();
                }
                // The page's rows a send can reach (the header box ticks those).
                let usable_ids: Vec<i64> = form.with_untracked(|f| {
                    p.page.items.iter().filter(|r| reachable(r, &f.kind, f.recipients.include_unpushed)).map(|r| r.customer_id).collect()
                });
                let ids = StoredValue::new(usable_ids);
                let all_on = move || ids.with_value(|ids| !ids.is_empty() && ids.iter().all(|id| chosen(*id)));
                view! {
                    {summary}
                    <table class="data member-grid" data-testid="recipients">
                        <thead><tr>
                            <th><input type="checkbox" aria-label=move || i18n.t("本页全选", "Select the page")
                                prop:checked=all_on
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    ids.with_value(|ids| for id in ids { tick(*id, on) })
                                }/></th>
                            {COLUMNS.iter().map(|(zh, en)| view! { <th>{move || i18n.t(zh, en)}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {p.page.items.into_iter().map(|r| {
                                let id = r.customer_id;
                                let lv = r.member_level.clone();
                                let row = r.clone();
                                let row = StoredValue::new(row);
                                let usable = move || form.with(|f| row.with_value(|r| reachable(r, &f.kind, f.recipients.include_unpushed)));
                                view! {
                                    <tr class:row-disabled=move || !usable()>
                                        <td><input type="checkbox" aria-label=format!("选择 {}", r.company_name)
                                            disabled=move || !usable()
                                            prop:checked=move || usable() && chosen(id)
                                            on:change=move |ev| tick(id, event_target_checked(&ev))/></td>
                                        <td><a href=format!("/customers/{id}")>{r.company_name.clone()}</a></td>
                                        <td>{r.login_name.clone()}</td>
                                        <td>{r.email.clone().unwrap_or_else(|| "—".into())}</td>
                                        <td><span class=format!("level level-{}", r.member_level)>{move || { let (zh, en) = label(enums::LEVELS, &lv); i18n.t(zh, en) }}</span></td>
                                        <td>{r.org_name.clone()}</td>
                                        <td>{r.service_end.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()}</td>
                                        <td>{move || if r.push_enabled { i18n.t("是", "Yes") } else { i18n.t("否", "No") }}</td>
                                        <td>{r.pushed}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <Pager total=p.page.total page=p.page.page per_page=p.page.per_page on_change=list.on_page()/>
                }
                .into_any()
            }
        })
    };
    view! {
        {modes}
        <div class="table-wrap">
            <Transition fallback=move || view! { <div class="empty"><p>{move || i18n.t("查询中…", "Loading…")}</p></div> }>
                {body}
            </Transition>
        </div>
    }
}

#[component]
fn Compose(
    options: ComposeOptions,
    form: RwSignal<ComposeInput>,
    files: RwSignal<Vec<AttachmentView>>,
    rows: Resource<Result<RecipientPage, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let templates = StoredValue::new(options.templates.clone());
    let error = RwSignal::new(None::<AppError>);
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let preview = RwSignal::new(None::<Preview>);
    let saved = RwSignal::new(None::<BatchSaved>);
    let busy = RwSignal::new(false);
    // The editor's content as the user left it (set into the editor when a template or draft
    // fills the form).
    let body_version = RwSignal::new(0u32);
    let selected = move || rows.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(|p| p.selected).unwrap_or(0));

    let pick_template = move |v: String| {
        let id = v.parse::<i64>().ok();
        form.update(|f| f.template_id = id);
        if let Some(t) = id.and_then(|id| templates.with_value(|ts| ts.iter().find(|t| t.id == id).cloned())) {
            form.update(|f| {
                f.kind = t.kind.code().into();
                f.subject = t.subject.clone();
                f.body_html = t.body_html.clone();
            });
            body_version.update(|v| *v += 1);
        }
    };
    let input = move || {
        let mut i = form.get_untracked();
        i.attachment_ids = files.with_untracked(|f| f.iter().map(|a| a.id).collect());
        i
    };
    let do_preview = move |_| {
        let i = input();
        if let Err(e) = i.validate() {
            error.set(Some(e));
            return;
        }
        leptos::task::spawn_local(async move {
            match preview_email(i).await {
                Ok(p) => {
                    error.set(None);
                    preview.set(Some(p));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let submit = move |send: bool| {
        let i = input();
        if let Err(e) = i.validate() {
            error.set(Some(e));
            return;
        }
        if send && !confirm(&format!("将向 {} 家会员发送邮件,确定发送?", selected())) {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match save_email(i, send).await {
                Ok(s) => {
                    error.set(None);
                    if s.status == super::BatchStatus::Draft {
                        form.update(|f| f.draft_id = Some(s.id));
                    } else {
                        form.update(|f| {
                            f.draft_id = None;
                            f.recipients.excluded.clear();
                            f.recipients.only = f.recipients.only.as_ref().map(|_| vec![]);
                        });
                        files.set(vec![]);
                    }
                    saved.set(Some(s));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let upload = move |_| {
        if files.with_untracked(Vec::len) >= MAX_ATTACHMENTS {
            error.set(Some(AppError::field("attachments", "最多 5 个附件", "At most 5 attachments")));
            return;
        }
        leptos::task::spawn_local(async move {
            match crate::jobs::api::upload::<AttachmentView>("/upload/email-attachment", "attachment-file").await {
                Ok(a) => {
                    error.set(None);
                    files.update(|f| f.push(a));
                }
                Err(e) => error.set(Some(AppError::field(
                    "attachments",
                    &e.message(crate::i18n::Locale::Zh),
                    &e.message(crate::i18n::Locale::En),
                ))),
            }
        });
    };
    let dept = options.service_dept;
    view! {
        <div class="card">
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()))/>
            {move || saved.get().map(|s| view! {
                <div class="alert alert-success" role="status" data-testid="email-saved">
                    {if s.status == super::BatchStatus::Draft {
                        format!("已存为草稿({}),可在邮件发送记录中继续编辑", s.batch_no)
                    } else {
                        format!("批次 {} 已提交,共 {} 家会员,正在后台发送", s.batch_no, s.recipient_count)
                    }}
                    " "<a href=format!("/emails/batches/{}", s.id)>{move || i18n.t("查看批次", "Open the batch")}</a>
                </div>
            })}
            <form class="form form-2col" novalidate on:submit=move |ev| { ev.prevent_default(); submit(true) }>
                <Field label=("邮件类型", "Kind") id="kind" required=true errors>
                    <ChoiceSelect id="kind" form=true choices=EmailKind::CHOICES
                        value=Signal::derive(move || form.with(|f| f.kind.clone()))
                        on_change=Callback::new(move |v| form.update(|f| f.kind = v))/>
                </Field>
                <Field label=("邮件模板", "Template") id="template" errors hint=("选择后填入主题和正文", "Fills the subject and message")>
                    <select id="template" on:change=move |ev| pick_template(event_target_value(&ev))>
                        <option value="">{move || i18n.t("不使用模板", "No template")}</option>
                        {move || templates.with_value(|ts| ts.iter().filter(|t| form.with(|f| f.kind == t.kind.code())).map(|t| {
                            let id = t.id;
                            view! { <option value=id.to_string() selected=move || form.with(|f| f.template_id == Some(id))>{t.name.clone()}</option> }
                        }).collect_view())}
                    </select>
                </Field>
                <Field label=("主题", "Subject") id="subject" required=true errors>
                    <input id="subject" type="text" maxlength="200" prop:value=move || form.with(|f| f.subject.clone())
                        on:input=move |ev| form.update(|f| f.subject = event_target_value(&ev))/>
                </Field>
                <Field label=("服务方式/部门", "Mode / department") id="dept" errors>
                    <input id="dept" type="text" readonly
                        prop:value=move || format!("{} / {}", i18n.t("主动服务", "Proactive"), dept.label(i18n.locale()))/>
                </Field>
                <div class="form-row form-wide" class:has-error=move || errors.with(|e| e.get("body_html").is_some())>
                    <label for="body_html"><span class="req" aria-hidden="true">"*"</span>{move || i18n.t("正文", "Message")}</label>
                    <div class="form-control">
                        <RichText value=Signal::derive(move || form.with(|f| f.body_html.clone())) on_input=Callback::new(move |v| form.update(|f| f.body_html = v)) version=body_version/>
                        <div class="hint placeholders">
                            {move || i18n.t("插入占位符:", "Insert: ")}
                            {PLACEHOLDERS.iter().map(|p| view! {
                                <button type="button" class="btn btn-small" on:click=move |_| insert_text(p)>{*p}</button>
                            }).collect_view()}
                        </div>
                        <div class="field-error" id="body_html-error" role="alert">
                            {move || errors.with(|e| e.get("body_html").map(|t| t.get(i18n.locale()).to_string()))}
                        </div>
                    </div>
                </div>
                <div class="form-row form-wide">
                    <label for="attachment-file">{move || i18n.t("附件", "Attachments")}</label>
                    <div class="form-control">
                        <div class="upload-row">
                            <input id="attachment-file" type="file"/>
                            <button type="button" class="btn" on:click=upload>{move || i18n.t("上传", "Upload")}</button>
                        </div>
                        <ul class="attachments" data-testid="attachments">
                            {move || files.get().into_iter().map(|a| {
                                let id = a.id;
                                view! {
                                    <li>{a.file_name.clone()}" ("{format_size(a.size_bytes)}") "
                                        <button type="button" class="link danger" on:click=move |_| files.update(|f| f.retain(|x| x.id != id))>
                                            {move || i18n.t("移除", "Remove")}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <div class="hint">{move || i18n.t("最多 5 个,合计不超过 10 MB", "Up to 5 files, 10 MB in all")}</div>
                        <div class="field-error" id="attachments-error" role="alert">
                            {move || errors.with(|e| e.get("attachments").map(|t| t.get(i18n.locale()).to_string()))}
                        </div>
                    </div>
                </div>
                <div class="form-buttons form-wide">
                    <button type="submit" class="btn btn-primary" data-testid="email-send" disabled=move || busy.get()>
                        {move || format!("{}({})", i18n.t("发送", "Send"), selected())}
                    </button>
                    <button type="button" class="btn" data-testid="email-preview" on:click=do_preview>{move || i18n.t("预览", "Preview")}</button>
                    <button type="button" class="btn" data-testid="email-draft" disabled=move || busy.get() on:click=move |_| submit(false)>
                        {move || i18n.t("存为草稿", "Save draft")}
                    </button>
                </div>
            </form>
        </div>
        {move || preview.get().map(|p| view! {
            <div class="card email-preview" data-testid="preview">
                <h2>{move || i18n.t("预览(第一位收件人)", "Preview (first recipient)")}</h2>
                <p><strong>{move || i18n.t("收件人:", "To: ")}</strong>{p.company.clone()}" <"{p.to.clone()}">"</p>
                <p><strong>{move || i18n.t("主题:", "Subject: ")}</strong>{p.subject.clone()}</p>
                <div class="email-body" inner_html=p.body_html.clone()></div>
            </div>
        })}
    }
}

fn format_size(n: u64) -> String {
    if n >= 1 << 20 { format!("{:.1} MB", n as f64 / f64::from(1 << 20)) } else { format!("{} KB", n.div_ceil(1024)) }
}

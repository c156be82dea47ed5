//! 邮件模板 (PG-92): the templates by kind, an editor with the placeholders at hand, and a
//! preview with example values (the body as it will be stored, sanitised).
use leptos::prelude::*;

use super::api::{delete_template, list_templates, preview_template, save_template};
use super::rich_text::{RichText, insert_text};
use super::{EmailKind, PLACEHOLDERS, Preview, TemplateInput, TemplateView};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::{ChoiceSelect, ErrorBanner, Field, Loaded, PageHeader, SuccessBanner, confirm, field_errors, fmt_time};

fn new_template() -> TemplateInput {
    TemplateInput { kind: EmailKind::InfoPush.code().into(), is_active: true, ..TemplateInput::default() }
}

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| list_templates());
    let reload = Callback::new(move |_| version.update(|v| *v += 1));
    view! {
        <PageHeader title=("邮件模板", "E-mail templates")/>
        <Loaded data show=move |list| view! { <Templates list=list reload=reload/> }/>
    }
}

#[component]
fn Templates(list: Vec<TemplateView>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(new_template());
    let body_version = RwSignal::new(0u32);
    let error = RwSignal::new(None::<AppError>);
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let saved = RwSignal::new(None::<String>);
    let preview = RwSignal::new(None::<Preview>);
    let edit = move |t: TemplateInput| {
        form.set(t);
        body_version.update(|v| *v += 1);
        error.set(None);
        preview.set(None);
        crate::ui::focus_later("name");
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = form.get_untracked();
        if let Err(e) = input.validate() {
            error.set(Some(e));
            return;
        }
        leptos::task::spawn_local(async move {
            match save_template(input).await {
                Ok(t) => {
                    error.set(None);
                    saved.set(Some(format!("已保存模板「{}」/ Saved", t.name)));
                    edit(new_template());
                    reload.run(());
                }
                Err(e) => {
                    saved.set(None);
                    error.set(Some(e));
                }
            }
        });
    };
    let show_preview = move |_| {
        let input = form.get_untracked();
        leptos::task::spawn_local(async move {
            match preview_template(input).await {
                Ok(p) => {
                    error.set(None);
                    preview.set(Some(p));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let remove = move |t: TemplateView| {
        if !confirm(&format!("删除模板「{}」?已发送的邮件不受影响。", t.name)) {
            return;
        }
        leptos::task::spawn_local(async move {
            match delete_template(t.id, t.version).await {
                Ok(()) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="card">
            {if list.is_empty() {
                view! { <p class="empty">{move || i18n.t("尚无模板,请在下方新增。", "No templates yet; add one below.")}</p> }.into_any()
            } else {
                view! {
                    <table class="data" data-testid="templates">
                        <thead><tr>
                            <th>{move || i18n.t("模板名称", "Name")}</th>
                            <th>{move || i18n.t("邮件类型", "Kind")}</th>
                            <th>{move || i18n.t("主题", "Subject")}</th>
                            <th>{move || i18n.t("状态", "State")}</th>
                            <th>{move || i18n.t("更新时间", "Updated")}</th>
                            <th>{move || i18n.t("操作", "Actions")}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|t| {
                                let (e, d) = (t.input(), t.clone());
                                view! {
                                    <tr>
                                        <td>{t.name.clone()}</td>
                                        <td>{move || t.kind.label(i18n.locale())}</td>
                                        <td>{t.subject.clone()}</td>
                                        <td>{move || if t.is_active { i18n.t("启用", "On") } else { i18n.t("停用", "Off") }}</td>
                                        <td>{fmt_time(&t.updated_at)}</td>
                                        <td class="actions">
                                            <button type="button" class="link" on:click=move |_| edit(e.clone())>{move || i18n.t("编辑", "Edit")}</button>
                                            <button type="button" class="link danger" on:click=move |_| remove(d.clone())>{move || i18n.t("删除", "Delete")}</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </div>
        <div class="card">
            <h2>{move || if form.with(|f| f.id.is_some()) { i18n.t("编辑模板", "Edit template") } else { i18n.t("新增模板", "New template") }}</h2>
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()))/>
            <SuccessBanner message=saved/>
            <form class="form form-2col" novalidate on:submit=submit>
                <Field label=("模板名称", "Name") id="name" required=true errors>
                    <input id="name" type="text" maxlength="100" prop:value=move || form.with(|f| f.name.clone())
                        on:input=move |ev| form.update(|f| f.name = event_target_value(&ev))/>
                </Field>
                <Field label=("邮件类型", "Kind") id="kind" required=true errors>
                    <ChoiceSelect id="kind" form=true choices=EmailKind::CHOICES
                        value=Signal::derive(move || form.with(|f| f.kind.clone()))
                        on_change=Callback::new(move |v| form.update(|f| f.kind = v))/>
                </Field>
                <Field label=("主题", "Subject") id="subject" required=true errors>
                    <input id="subject" type="text" maxlength="200" prop:value=move || form.with(|f| f.subject.clone())
                        on:input=move |ev| form.update(|f| f.subject = event_target_value(&ev))/>
                </Field>
                <Field label=("启用", "Active") id="is_active" errors>
                    <label class="checkbox-row">
                        <input id="is_active" type="checkbox" prop:checked=move || form.with(|f| f.is_active)
                            on:change=move |ev| form.update(|f| f.is_active = event_target_checked(&ev))/>
                        {move || i18n.t("发送邮件时可选", "Offered when composing")}
                    </label>
                </Field>
                <div class="form-row form-wide" class:has-error=move || errors.with(|e| e.get("body_html").is_some())>
                    <label for="body_html"><span class="req" aria-hidden="true">"*"</span>{move || i18n.t("正文", "Message")}</label>
                    <div class="form-control">
                        <RichText value=Signal::derive(move || form.with(|f| f.body_html.clone()))
                            on_input=Callback::new(move |v| form.update(|f| f.body_html = v)) version=body_version/>
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
                <div class="form-buttons form-wide">
                    <button type="submit" class="btn btn-primary" data-testid="template-save">{move || i18n.t("保存", "Save")}</button>
                    <button type="button" class="btn" on:click=show_preview>{move || i18n.t("预览", "Preview")}</button>
                    {move || form.with(|f| f.id.is_some()).then(|| view! {
                        <button type="button" class="btn" on:click=move |_| edit(new_template())>{i18n.t("取消编辑", "Cancel")}</button>
                    })}
                </div>
            </form>
        </div>
        {move || preview.get().map(|p| view! {
            <div class="card email-preview" data-testid="preview">
                <h2>{move || i18n.t("预览(示例会员)", "Preview (example member)")}</h2>
                <p><strong>{move || i18n.t("主题:", "Subject: ")}</strong>{p.subject.clone()}</p>
                <div class="email-body" inner_html=p.body_html.clone()></div>
            </div>
        })}
    }
}

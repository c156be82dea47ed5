//! The article editor of 知识库维护 (PG-62): 新增知识点 (`?cat=ID` preselects the category) and
//! 编辑知识点, one form — 类别, 标题, 内容 (rich text), 关键词, 适用会员级别, 状态, 修改说明,
//! 附件 — whose server errors show at their fields; below it on the edit page the revision
//! history with each revision's diff and 恢复此版本.
use leptos::prelude::*;

use super::Notice;
use super::api::{kb_edit, kb_save};
use super::revisions_view::Revisions;
use super::{ArticleEdit, ArticleInput, ArticleSaved, ArticleStatus};
use crate::emails::AttachmentView;
use crate::emails::rich_text::RichText;
use crate::error::AppError;
use crate::i18n::{Locale, use_i18n};
use crate::members::enums::MemberLevel;
use crate::ui::{ErrorBanner, Field, Loaded, PageHeader, field_errors, query_id, record_of};

/// The attachment file input.
const ATTACHMENT_INPUT: &str = "kb-attachment-file";
/// The picture file input (pictures go into the content too).
const IMAGE_INPUT: &str = "kb-image-file";

fn saved_notice(version: i32) -> (String, String) {
    (format!("已保存 v{version}"), format!("Saved as v{version}"))
}

#[component]
fn NoticeBanner(notice: Notice, article: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        notice.get().map(|(zh, en)| {
            view! {
                <div class="alert alert-success" role="status" data-testid="kb-saved">
                    {i18n.pick(&zh, &en)}
                    {article.map(|id| view! {
                        " "<a class="link" href=format!("/kb/articles/{id}")>{move || i18n.t("查看知识点", "View the article")}</a>
                    })}
                </div>
            }
        })
    }
}

#[component]
pub fn KbArticleNewPage() -> impl IntoView {
    let i18n = use_i18n();
    let category = query_id("cat");
    let data = Resource::new(|| (), move |_| kb_edit(None, category));
    // Saved: on to its edit page (which says so), where the history starts.
    let saved = RwSignal::new(None::<ArticleSaved>);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(s) = saved.get() {
            navigate(&format!("/kb/manage/articles/{}?saved={}", s.id, s.version), Default::default());
        }
    });
    let on_saved = Callback::new(move |s: ArticleSaved| saved.set(Some(s)));
    view! {
        <PageHeader title=("新增知识点", "New article")>
            <a class="btn" href="/kb/manage">{move || i18n.t("返回知识库维护", "Back to maintenance")}</a>
        </PageHeader>
        <Loaded data show=move |d: ArticleEdit| view! { <ArticleForm edit=d on_saved/> }/>
    }
}

#[component]
pub fn KbArticleEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let data = record_of(version, |id| kb_edit(Some(id), None));
    let id = crate::ui::id_param();
    // Arriving from 新增知识点 (`?saved=N`): say it was saved.
    let notice: Notice = RwSignal::new(query_id("saved").map(|v| saved_notice(v as i32)));
    let reload = Callback::new(move |_| version.update(|v| *v += 1));
    let on_saved = Callback::new(move |s: ArticleSaved| {
        notice.set(Some(saved_notice(s.version)));
        reload.run(());
    });
    view! {
        <PageHeader title=("编辑知识点", "Edit article")>
            {move || id().map(|id| view! {
                <a class="btn" href=format!("/kb/articles/{id}")>{move || i18n.t("查看知识点", "View the article")}</a>
            })}
            <a class="btn" href="/kb/manage">{move || i18n.t("返回知识库维护", "Back to maintenance")}</a>
        </PageHeader>
        {move || view! { <NoticeBanner notice article=id()/> }}
        <Loaded data show=move |d: ArticleEdit| {
            let (article, current) = (d.input.id.unwrap_or_default(), d.input.version);
            let revisions = d.revisions.clone();
            view! {
                <ArticleForm edit=d on_saved notice/>
                <Revisions id=article current revisions notice reload/>
            }
        }/>
    }
}

#[component]
fn ArticleForm(
    edit: ArticleEdit,
    on_saved: Callback<ArticleSaved>,
    /// The page's message of the last save, cleared when the form is submitted again.
    #[prop(optional)]
    notice: Option<Notice>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ArticleEdit { input, categories, attachments, .. } = edit;
    let existing = input.id.is_some();
    let location = leptos_router::hooks::use_location();
    let initial = ArticleInput { status: input.status.or(Some(ArticleStatus::Draft)), ..input };
    let form = RwSignal::new(initial);
    let files = RwSignal::new(attachments);
    let body_version = RwSignal::new(0u32);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let uploading = RwSignal::new(false);
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    let stale = Signal::derive(move || existing && matches!(error.get(), Some(AppError::Rejected(_))));
    let field_error =
        move |key: &'static str| move || errors.with(|e| e.get(key).map(|t| t.get(i18n.locale()).to_string()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(n) = notice {
            n.set(None);
        }
        let mut input = form.get_untracked();
        input.attachment_ids = files.with_untracked(|f| f.iter().map(|a| a.id).collect());
        if let Err(e) = input.validate(&crate::emails::rich_text::plain_text(&input.content_html)) {
            error.set(Some(e));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = kb_save(input).await;
            busy.set(false);
            match result {
                Ok(s) => {
                    error.set(None);
                    on_saved.run(s);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    // An attachment, or a picture that also goes into the content where the caret is.
    let upload = move |input: &'static str, picture: bool| {
        uploading.set(true);
        leptos::task::spawn_local(async move {
            let result = crate::jobs::api::upload::<AttachmentView>("/upload/kb-attachment", input).await;
            uploading.set(false);
            match result {
                Ok(a) => {
                    error.set(None);
                    if picture {
                        insert_image(&format!("/files/kb/{}", a.id), &a.file_name);
                    }
                    files.update(|f| f.push(a));
                    clear_file_input(input);
                }
                Err(e) => {
                    let (zh, en) = match e.field_errors().and_then(|f| f.0.first()) {
                        Some(fe) => (fe.message.zh.clone(), fe.message.en.clone()),
                        None => (e.message(Locale::Zh), e.message(Locale::En)),
                    };
                    let key = if picture { "content_html" } else { "attachment_ids" };
                    error.set(Some(AppError::field(key, &zh, &en)));
                }
            }
        });
    };
    let text = move |get: fn(&ArticleInput) -> &String| move || form.with(|f| get(f).clone());
    view! {
        <div class="card kb-editor">
            <ErrorBanner error=general/>
            {move || stale.get().then(|| view! {
                <p class="kb-stale">
                    <button type="button" class="link" data-testid="kb-reload"
                        on:click=move |_| crate::ui::hard_navigate(&location.pathname.get_untracked())>
                        {move || i18n.t("重新加载最新版本(未保存的修改会丢失)", "Load the latest version (unsaved changes are lost)")}
                    </button>
                </p>
            })}
            <form class="form kb-form" novalidate on:submit=submit>
                <Field label=("类别", "Category") id="category_id" required=true errors>
                    <select id="category_id" name="category_id" aria-describedby="category_id-error"
                        on:change=move |ev| form.update(|f| f.category_id = event_target_value(&ev).parse().ok())>
                        <option value="">{move || i18n.t("请选择", "Select…")}</option>
                        {categories.into_iter().map(|(cid, path)| view! {
                            <option value=cid.to_string() selected=move || form.with(|f| f.category_id == Some(cid))>{path}</option>
                        }).collect_view()}
                    </select>
                </Field>
                <Field label=("标题", "Title") id="title" required=true errors>
                    <input id="title" name="title" type="text" maxlength="200" aria-describedby="title-error"
                        prop:value=text(|f| &f.title) on:input=move |ev| form.update(|f| f.title = event_target_value(&ev))/>
                </Field>
                <div class="form-row form-wide" class:has-error=move || field_error("content_html")().is_some()>
                    <label for="body_html"><span class="req" aria-hidden="true">"*"</span>{move || i18n.t("内容", "Content")}</label>
                    <div class="form-control" id="content_html">
                        <RichText value=Signal::derive(move || form.with(|f| f.content_html.clone()))
                            on_input=Callback::new(move |v| form.update(|f| f.content_html = v)) version=body_version/>
                        <div class="upload-row kb-image-row">
                            <label for=IMAGE_INPUT>{move || i18n.t("插入图片", "Insert a picture")}</label>
                            <input id=IMAGE_INPUT type="file" accept=".png,.jpg,.jpeg,.gif,image/png,image/jpeg,image/gif"/>
                            <button type="button" class="btn btn-small" data-testid="kb-image-insert" disabled=move || uploading.get()
                                on:click=move |_| upload(IMAGE_INPUT, true)>
                                {move || i18n.t("上传并插入", "Upload and insert")}
                            </button>
                        </div>
                        <div class="hint">{move || i18n.t(
                            "图片(png、jpg、gif)插入到光标处,同时列为附件;保存时会去除脚本等不安全内容。",
                            "Pictures (png, jpg, gif) go in at the caret and are listed as attachments; scripts and other unsafe markup are removed on save.",
                        )}</div>
                        <div class="field-error" id="content_html-error" role="alert">{field_error("content_html")}</div>
                    </div>
                </div>
                <Field label=("关键词", "Keywords") id="keywords" errors
                    hint=("多个关键词用逗号、顿号或空格分隔", "Separate keywords with commas or spaces")>
                    <input id="keywords" name="keywords" type="text" maxlength="500" aria-describedby="keywords-error"
                        prop:value=text(|f| &f.keywords) on:input=move |ev| form.update(|f| f.keywords = event_target_value(&ev))/>
                </Field>
                <Field label=("适用会员级别", "Member levels") id="levels" errors
                    hint=("不选表示适用全部级别", "None ticked: every level")>
                    <div class="checkbox-group" id="levels" role="group" aria-label=move || i18n.t("适用会员级别", "Member levels")>
                        {MemberLevel::ALL.iter().copied().map(|level| view! {
                            <label class="checkbox-row">
                                <input type="checkbox" name="levels" value=level.code()
                                    prop:checked=move || form.with(|f| f.levels.contains(&level))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        form.update(|f| {
                                            f.levels.retain(|l| *l != level);
                                            if on {
                                                f.levels.push(level);
                                                f.levels.sort_by_key(|l| MemberLevel::ALL.iter().position(|x| x == l));
                                            }
                                        })
                                    }/>
                                {move || level.label(i18n.locale())}
                            </label>
                        }).collect_view()}
                    </div>
                </Field>
                <Field label=("状态", "Status") id="status" required=true errors>
                    <div class="checkbox-group" id="status" role="radiogroup" aria-label=move || i18n.t("状态", "Status")>
                        {ArticleStatus::ALL.iter().copied().map(|s| view! {
                            <label class="checkbox-row">
                                <input type="radio" name="status" value=s.code()
                                    prop:checked=move || form.with(|f| f.status == Some(s))
                                    on:change=move |_| form.update(|f| f.status = Some(s))/>
                                {move || s.label(i18n.locale())}
                            </label>
                        }).collect_view()}
                    </div>
                </Field>
                <Field label=("修改说明", "Change note") id="change_note" errors
                    hint=("记入修订历史,例如“更新续费流程”", "Kept in the revision history, e.g. “renewal steps updated”")>
                    <input id="change_note" name="change_note" type="text" maxlength="255" aria-describedby="change_note-error"
                        prop:value=text(|f| &f.change_note) on:input=move |ev| form.update(|f| f.change_note = event_target_value(&ev))/>
                </Field>
                <div class="form-row form-wide" class:has-error=move || field_error("attachment_ids")().is_some()>
                    <label for=ATTACHMENT_INPUT>{move || i18n.t("附件", "Attachments")}</label>
                    <div class="form-control" id="attachment_ids">
                        <div class="upload-row">
                            <input id=ATTACHMENT_INPUT type="file" aria-describedby="attachment_ids-hint attachment_ids-error"
                                accept=".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt,.png,.jpg,.jpeg,.gif"/>
                            <button type="button" class="btn" data-testid="kb-attachment-upload" disabled=move || uploading.get()
                                on:click=move |_| upload(ATTACHMENT_INPUT, false)>
                                {move || if uploading.get() { i18n.t("上传中…", "Uploading…") } else { i18n.t("上传", "Upload") }}
                            </button>
                        </div>
                        <ul class="attachments" data-testid="kb-attachments">
                            {move || files.get().into_iter().map(|a| {
                                let aid = a.id;
                                let name = a.file_name.clone();
                                view! {
                                    <li>
                                        <span class="kb-file-name">{a.file_name.clone()}</span>
                                        <span class="muted small">" ("{format_size(a.size_bytes)}") "</span>
                                        <button type="button" class="link danger"
                                            aria-label=move || format!("{} {name}", i18n.t("移除", "Remove"))
                                            on:click=move |_| files.update(|f| f.retain(|x| x.id != aid))>
                                            {move || i18n.t("移除", "Remove")}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <div class="hint" id="attachment_ids-hint">
                            {move || match i18n.locale() {
                                Locale::Zh => format!("支持 {},每个不超过 20 MB;移除后保存才生效", super::ATTACHMENT_TYPES),
                                Locale::En => format!("{}; up to 20 MB each; a removal takes effect on save", super::ATTACHMENT_TYPES),
                            }}
                        </div>
                        <div class="field-error" id="attachment_ids-error" role="alert">{field_error("attachment_ids")}</div>
                    </div>
                </div>
                <div class="form-buttons">
                    <button type="submit" class="btn btn-primary" data-testid="kb-save" disabled=move || busy.get()>
                        {move || if busy.get() { i18n.t("保存中…", "Saving…") } else { i18n.t("保存", "Save") }}
                    </button>
                    <a class="btn" href="/kb/manage">{move || i18n.t("取消", "Cancel")}</a>
                    {move || form.with(|f| f.id.map(|_| f.version)).map(|v| view! {
                        <span class="muted small">{move || match i18n.locale() {
                            Locale::Zh => format!("当前版本 v{v}"),
                            Locale::En => format!("Current version v{v}"),
                        }}</span>
                    })}
                </div>
            </form>
        </div>
    }
}

/// Puts a picture at the caret of the content editor (its `input` event updates the form).
fn insert_image(src: &str, alt: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(editor) =
            document().get_element_by_id("body_html").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        let _ = editor.focus();
        if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
            let alt = alt.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;");
            let html = format!("<img src=\"{src}\" alt=\"{alt}\">");
            let _ = doc.exec_command_with_show_ui_and_value("insertHTML", false, &html);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (src, alt);
}

/// Empties a file input once its file is uploaded.
fn clear_file_input(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(input) =
            document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.set_value("");
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

fn format_size(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 1024 {
        format!("{:.0} KB", (n as f64 / 1024.0).ceil())
    } else {
        format!("{n} B")
    }
}

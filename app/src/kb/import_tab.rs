//! 知识库维护 › 导入 (a .zip bundle of Markdown/HTML files, previewed, then imported) and
//! 无结果搜索 (the queries that found nothing, §8.3.10).
use leptos::prelude::*;

use super::api::{kb_import, kb_zero_results};
use super::{ArticleStatus, ImportOutcome, ImportPreview, ImportRun};
use crate::error::AppError;
use crate::i18n::{Locale, use_i18n};
use crate::ui::{ErrorBanner, fmt_time};

#[component]
pub(super) fn ImportTab() -> impl IntoView {
    let i18n = use_i18n();
    let preview = RwSignal::new(None::<ImportPreview>);
    let status = RwSignal::new(ArticleStatus::Draft);
    let outcome = RwSignal::new(None::<ImportOutcome>);
    let error = RwSignal::new(None::<AppError>);
    let upload_error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let upload = move |_| {
        busy.set(true);
        upload_error.set(None);
        error.set(None);
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let result = crate::jobs::api::upload::<ImportPreview>("/upload/kb-import", "kb-import-file").await;
            busy.set(false);
            match result {
                Ok(p) => preview.set(Some(p)),
                Err(e) => {
                    preview.set(None);
                    upload_error.set(Some(e));
                }
            }
        });
    };
    let run = move |_| {
        let Some(p) = preview.get_untracked() else { return };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = kb_import(ImportRun { key: p.key.clone(), status: status.get_untracked() }).await;
            busy.set(false);
            match result {
                Ok(o) => {
                    preview.set(None);
                    outcome.set(Some(o));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let upload_message = move || {
        upload_error.get().map(|e| match e.field_errors() {
            Some(f) => f.0.iter().map(|fe| fe.message.get(i18n.locale()).to_string()).collect::<Vec<_>>().join(";"),
            None => e.message(i18n.locale()),
        })
    };
    view! {
        <div class="card kb-import" data-testid="kb-import">
            <h2>{move || i18n.t("导入知识点", "Import articles")}</h2>
            <p class="hint kb-import-help">
                {move || i18n.t(
                    "上传 .zip 压缩包:其中每个 .md(Markdown)或 .html 文件导入为一个知识点,标题取文件中的第一个标题(没有时取文件名);文件所在的文件夹即类别路径,如 “产品知识/EC数据宝2.0/续费说明.md”,不存在的类别将自动新建。",
                    "Upload a .zip bundle: every .md (Markdown) or .html file becomes one article, titled by its first heading (or its file name); the folders it sits in are its category path, e.g. “产品知识/EC数据宝2.0/renewal.md”, and missing categories are created.",
                )}
            </p>
            <div class="form-row" class:has-error=move || upload_error.with(Option::is_some)>
                <div class="upload-row">
                    <label for="kb-import-file">{move || i18n.t("压缩包", "Bundle")}</label>
                    <input id="kb-import-file" type="file" accept=".zip,application/zip" aria-describedby="kb-import-file-error"/>
                    <button type="button" class="btn" data-testid="kb-import-upload" disabled=move || busy.get() on:click=upload>
                        {move || i18n.t("上传并预览", "Upload and preview")}
                    </button>
                </div>
                <div class="field-error" id="kb-import-file-error" role="alert">{upload_message}</div>
            </div>
            <ErrorBanner error/>
            {move || outcome.get().map(|o| view! {
                <div class="alert alert-success" role="status" data-testid="kb-import-done">
                    {move || match i18n.locale() {
                        Locale::Zh => format!("导入完成:{} 个知识点,新建 {} 个类别。", o.articles, o.categories),
                        Locale::En => format!("Imported {} articles and created {} categories.", o.articles, o.categories),
                    }}
                    " "<a class="link" href="/kb/manage">{move || i18n.t("查看知识点列表", "See the articles")}</a>
                </div>
            })}
            {move || preview.get().map(|p| {
                let total = p.items.len();
                let bad = p.items.iter().filter(|i| i.error.is_some()).count();
                let good = total - bad;
                view! {
                    <div class="kb-import-preview" data-testid="kb-import-preview">
                        <p class="kb-import-summary">{move || match i18n.locale() {
                            Locale::Zh => format!("共 {total} 个文件:{good} 个可导入,{bad} 个有问题将跳过。"),
                            Locale::En => format!("{total} files: {good} can be imported, {bad} with problems will be skipped."),
                        }}</p>
                        <div class="table-wrap">
                            <table class="data">
                                <thead><tr>
                                    <th>{move || i18n.t("文件", "File")}</th>
                                    <th>{move || i18n.t("类别", "Category")}</th>
                                    <th>{move || i18n.t("标题", "Title")}</th>
                                    <th class="num">{move || i18n.t("字数", "Characters")}</th>
                                    <th>{move || i18n.t("问题", "Problem")}</th>
                                </tr></thead>
                                <tbody>
                                    {p.items.into_iter().map(|it| {
                                        let bad = it.error.is_some();
                                        view! {
                                        <tr class:kb-import-bad=bad>
                                            <td class="kb-import-path">{it.path}</td>
                                            <td>
                                                {it.category.join(" › ")}
                                                {it.new_category.then(|| view! { " "<span class="badge badge-orange">{move || i18n.t("新建", "New")}</span> })}
                                            </td>
                                            <td>{it.title}</td>
                                            <td class="num">{it.chars}</td>
                                            <td class="kb-import-error">{it.error}</td>
                                        </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <fieldset class="kb-import-status">
                            <legend>{move || i18n.t("导入后的状态", "Status after import")}</legend>
                            {[ArticleStatus::Draft, ArticleStatus::Published].into_iter().map(|s| view! {
                                <label class="checkbox-row">
                                    <input type="radio" name="kb-import-status" value=s.code()
                                        prop:checked=move || status.get() == s on:change=move |_| status.set(s)/>
                                    {move || s.label(i18n.locale())}
                                </label>
                            }).collect_view()}
                        </fieldset>
                        <div class="form-buttons">
                            <button type="button" class="btn btn-primary" data-testid="kb-import-run"
                                disabled=move || busy.get() || good == 0 on:click=run>
                                {move || i18n.t("确认导入", "Import")}
                            </button>
                            <button type="button" class="btn" on:click=move |_| preview.set(None)>
                                {move || i18n.t("取消", "Cancel")}
                            </button>
                        </div>
                    </div>
                }
            })}
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// 无结果搜索

const PERIODS: [(i64, &str, &str); 3] =
    [(7, "近 7 天", "7 days"), (30, "近 30 天", "30 days"), (90, "近 90 天", "90 days")];

#[component]
pub(super) fn ZeroResultsTab() -> impl IntoView {
    let i18n = use_i18n();
    let days = RwSignal::new(30i64);
    let rows = Resource::new(move || days.get(), kb_zero_results);
    view! {
        <div class="card kb-zero" data-testid="kb-zero">
            <div class="toolbar">
                <p class="muted small">
                    {move || i18n.t(
                        "读者搜索后没有找到任何知识点的搜索词,按次数排列:可据此补充知识点或关键词。",
                        "Searches that found no article, most frequent first: candidates for new articles or keywords.",
                    )}
                </p>
                <div class="segmented" role="group" aria-label=move || i18n.t("时间范围", "Period")>
                    {PERIODS.into_iter().map(|(n, zh, en)| view! {
                        <button type="button" class:active=move || days.get() == n aria-pressed=move || (days.get() == n).to_string()
                            data-days=n on:click=move |_| days.set(n)>{move || i18n.t(zh, en)}</button>
                    }).collect_view()}
                </div>
            </div>
            <Transition fallback=move || view! { <p class="muted">{move || i18n.t("加载中…", "Loading…")}</p> }>
                {move || rows.get().map(|r| match r {
                    Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! {
                        <div class="empty"><p>{move || i18n.t("这段时间没有无结果的搜索", "No search came back empty in this period")}</p></div>
                    }.into_any(),
                    Ok(rows) => view! {
                        <table class="data" data-testid="kb-zero-table">
                            <thead><tr>
                                <th>{move || i18n.t("搜索词", "Query")}</th>
                                <th class="num">{move || i18n.t("次数", "Times")}</th>
                                <th>{move || i18n.t("最近一次", "Last")}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td>{r.query}</td>
                                        <td class="num">{r.times}</td>
                                        <td>{fmt_time(&r.last_at)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
}

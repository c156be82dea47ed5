//! The revision history under the article editor: each save's version, who and when, its
//! note, 查看差异 (against the revision before it) and 恢复此版本.
use leptos::prelude::*;

use super::Notice;
use super::api::{kb_restore, kb_revision_diff};
use super::{DiffKind, RestoreInput, RevisionDiff, RevisionRow};
use crate::error::AppError;
use crate::i18n::{Locale, use_i18n};
use crate::ui::{ErrorBanner, confirm, fmt_time};

/// 修订历史: every saved revision, newest first, with 查看差异 and 恢复此版本.
#[component]
pub(super) fn Revisions(
    id: i64,
    current: i32,
    revisions: Vec<RevisionRow>,
    notice: Notice,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let diff = RwSignal::new(None::<Result<RevisionDiff, AppError>>);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let show_diff = move |version: i32| {
        leptos::task::spawn_local(async move {
            diff.set(Some(kb_revision_diff(id, version).await));
        });
    };
    let restore = move |version: i32| {
        let asked = match i18n.locale() {
            Locale::Zh => format!("确定恢复到 v{version}?当前内容会保留在修订历史中,恢复结果保存为新版本。"),
            Locale::En => {
                format!(
                    "Restore v{version}? The current content stays in the history; the result is saved as a new version."
                )
            }
        };
        if !confirm(&asked) {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = kb_restore(RestoreInput { id, version, current }).await;
            busy.set(false);
            match result {
                Ok(s) => {
                    error.set(None);
                    notice.set(Some((
                        format!("已恢复 v{version},保存为 v{}", s.version),
                        format!("v{version} restored as v{}", s.version),
                    )));
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="card kb-revisions" data-testid="kb-revisions">
            <h2>{move || i18n.t("修订历史", "Revision history")}</h2>
            <ErrorBanner error/>
            {if revisions.is_empty() {
                view! { <p class="muted">{move || i18n.t("尚无修订记录", "No revisions yet")}</p> }.into_any()
            } else {
                view! {
                    <table class="data">
                        <thead><tr>
                            <th class="num">{move || i18n.t("版本", "Version")}</th>
                            <th>{move || i18n.t("标题", "Title")}</th>
                            <th>{move || i18n.t("状态", "Status")}</th>
                            <th>{move || i18n.t("修改人", "Edited by")}</th>
                            <th>{move || i18n.t("时间", "Time")}</th>
                            <th>{move || i18n.t("说明", "Note")}</th>
                            <th>{move || i18n.t("操作", "Actions")}</th>
                        </tr></thead>
                        <tbody>
                            {revisions.into_iter().map(|r| {
                                let v = r.version;
                                let status = r.status;
                                view! {
                                    <tr data-version=v.to_string() class:kb-current=v == current>
                                        <td class="num">
                                            {format!("v{v}")}
                                            {(v == current).then(|| view! { " "<span class="badge badge-blue">{move || i18n.t("当前", "Current")}</span> })}
                                        </td>
                                        <td>{r.title.clone()}</td>
                                        <td><span class=status.badge()>{move || status.label(i18n.locale())}</span></td>
                                        <td>{r.edited_by.clone()}</td>
                                        <td class="nowrap">{fmt_time(&r.edited_at)}</td>
                                        <td>{if r.change_note.is_empty() { "—".to_string() } else { r.change_note.clone() }}</td>
                                        <td class="row-actions">
                                            <button type="button" class="link" data-action="diff" on:click=move |_| show_diff(v)>
                                                {move || i18n.t("查看差异", "Show changes")}
                                            </button>
                                            {(v != current).then(|| view! {
                                                <button type="button" class="link" data-action="restore" disabled=move || busy.get()
                                                    on:click=move |_| restore(v)>
                                                    {move || i18n.t("恢复此版本", "Restore")}
                                                </button>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {move || diff.get().map(|d| match d {
                Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(d) => view! { <DiffView d diff/> }.into_any(),
            })}
        </div>
    }
}

#[component]
fn DiffView(d: RevisionDiff, diff: RwSignal<Option<Result<RevisionDiff, AppError>>>) -> impl IntoView {
    let i18n = use_i18n();
    let (version, previous) = (d.version, d.previous);
    let unchanged = d.lines.iter().all(|l| l.kind == DiffKind::Same);
    view! {
        <section class="kb-diff" data-testid="kb-diff" aria-labelledby="kb-diff-title">
            <div class="kb-diff-head">
                <h3 id="kb-diff-title">{move || match (i18n.locale(), previous) {
                    (Locale::Zh, Some(p)) => format!("v{version} 相对 v{p} 的修改"),
                    (Locale::En, Some(p)) => format!("Changes in v{version} against v{p}"),
                    (Locale::Zh, None) => format!("v{version}(第一个版本)"),
                    (Locale::En, None) => format!("v{version} (the first version)"),
                }}</h3>
                <span class="kb-diff-legend muted small">
                    <span class="kb-diff-key added">"+ "{move || i18n.t("新增", "added")}</span>
                    <span class="kb-diff-key removed">"− "{move || i18n.t("删除", "removed")}</span>
                </span>
                <button type="button" class="link" on:click=move |_| diff.set(None)>{move || i18n.t("关闭", "Close")}</button>
            </div>
            {unchanged.then(|| view! { <p class="muted">{move || i18n.t("与上一版本相比内容未变(可能只改了状态或附件)", "No change in the text (perhaps the status or attachments)")}</p> })}
            <div class="kb-diff-lines" role="list">
                {d.lines.into_iter().map(|l| {
                    let (class, sign, label) = match l.kind {
                        DiffKind::Added => ("kb-diff-line added", "+", ("新增", "Added")),
                        DiffKind::Removed => ("kb-diff-line removed", "−", ("删除", "Removed")),
                        DiffKind::Same => ("kb-diff-line same", " ", ("未变", "Unchanged")),
                    };
                    view! {
                        <div class=class role="listitem" data-kind=l.kind.code()>
                            <span class="kb-diff-sign" aria-hidden="true">{sign}</span>
                            <span class="sr-only">{move || i18n.t(label.0, label.1)}": "</span>
                            <span class="kb-diff-text">{l.text}</span>
                        </div>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}

//! PG-94 数据同步 (CM): upload a CM export file of one kind, watch it being applied, and the
//! history of sync runs with each run's error report.
use leptos::prelude::*;

use super::api::list_sync_runs;
use super::sync_kind::{SyncKind, SyncStatus};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::jobs::api::{upload, watch};
use crate::jobs::{JobState, JobStatus};
use crate::ui::{PageHeader, Pager, fmt_opt_time, fmt_time};

#[component]
pub fn SyncPage() -> impl IntoView {
    view! {
        <PageHeader title=("数据同步 (CM)", "CM data sync")/>
        <Sync/>
    }
}

#[component]
fn Sync() -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(SyncKind::Members);
    let page = RwSignal::new(1u64);
    let version = RwSignal::new(0u32);
    let runs = Resource::new(move || (page.get(), version.get()), |(p, _)| list_sync_runs(p));
    let status = RwSignal::new(None::<JobStatus>);
    let error = RwSignal::new(None::<AppError>);
    let busy = move || status.with(|s| s.as_ref().is_some_and(|s| s.state == JobState::Running));
    let start = move |_| {
        error.set(None);
        status.set(None);
        let url = format!("/upload/cm-sync?kind={}", kind.get_untracked().code());
        leptos::task::spawn_local(async move {
            match upload::<crate::jobs::JobStatus>(&url, "sync-file").await {
                Ok(s) => {
                    if let Err(e) = watch(s, status).await {
                        error.set(Some(e));
                    }
                }
                Err(e) => error.set(Some(e)),
            }
            page.set(1);
            version.update(|v| *v += 1);
        });
    };
    view! {
        <div class="card sync-upload">
            <p class="muted">{move || i18n.t(
                "会员资料、会员发布信息和推送邮件日志以 CM 系统后台为准:上传 CM 导出的文件(.xlsx 或 .csv),按 CM 的编号新增或更新。文件中只要有一行有误,本次同步不写入任何数据,并列出每一处错误。",
                "Members, their published info and the push log are owned by the CM back-end: upload a CM export (.xlsx or .csv); rows are inserted or updated by their CM ids. If any row is wrong nothing is written and every error is listed.",
            )}</p>
            <div class="form-inline">
                <label for="sync-kind">{move || i18n.t("同步类型", "Kind")}</label>
                <select id="sync-kind" on:change=move |ev| {
                    if let Ok(k) = SyncKind::parse(&event_target_value(&ev)) { kind.set(k) }
                }>
                    {SyncKind::ALL.into_iter().map(|k| view! {
                        <option value=k.code() selected=move || kind.get() == k>{move || i18n.t(k.label().0, k.label().1)}</option>
                    }).collect_view()}
                </select>
                <label for="sync-file">{move || i18n.t("文件", "File")}</label>
                <input id="sync-file" type="file" accept=".xlsx,.csv"/>
                <button type="button" class="btn btn-primary" disabled=busy on:click=start>
                    {move || i18n.t("上传并同步", "Upload and sync")}
                </button>
                <a class="link" href=move || format!("/templates/cm-{}.csv", kind.get().code()) download="">
                    {move || i18n.t("下载模板", "Template")}
                </a>
            </div>
            {move || status.get().map(|s| {
                let text = match s.state {
                    JobState::Running => format!("{} {} / {}", i18n.t("正在同步", "Syncing"), s.done, s.total),
                    JobState::Done => format!("{} {}", i18n.t("同步完成,共处理", "Done, rows:"), s.total),
                    _ => s.message.as_ref().map(|m| m.get(i18n.locale()).to_string()).unwrap_or_default(),
                };
                let failed = s.state == JobState::Failed;
                view! {
                    <div class="job" role="status" class:alert-error=failed>
                        <progress max="100" value=s.percent().to_string()></progress>
                        <span>{text}</span>
                    </div>
                }
            })}
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> })}
            <details class="layout">
                <summary>{move || i18n.t("文件格式说明", "File layout")}</summary>
                <table class="data compact">
                    <thead><tr>
                        <th>{move || i18n.t("列名", "Column")}</th><th>{move || i18n.t("字段", "Field")}</th>
                        <th>{move || i18n.t("必填", "Required")}</th>
                    </tr></thead>
                    <tbody>
                        {move || kind.get().layout().iter().map(|(field, zh, required)| view! {
                            <tr><td>{*zh}</td><td><code>{*field}</code></td><td>{if *required { "※" } else { "" }}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="muted">{move || i18n.t(
                    "时间按北京时间填写 YYYY-MM-DD HH:MM,日期 YYYY-MM-DD;枚举值可填中文(如 金牌)或代码(如 gold);区域代码为国家行政区划代码,行业代码为行业分类代码;组织机构代码为空时按区域归属代表处。",
                    "Times in Beijing time as YYYY-MM-DD HH:MM, dates YYYY-MM-DD; enumerations as their Chinese label or code; region codes are GB/T 2260 codes; an empty organisation code assigns the rep office covering the region.",
                )}</p>
            </details>
        </div>
        <h2 class="section-title">{move || i18n.t("同步记录", "Sync runs")}</h2>
        <div class="table-wrap">
            <Transition fallback=|| ()>
                {move || runs.get().map(|r| match r {
                    Err(e) => view! { <div class="alert alert-error">{e.message(i18n.locale())}</div> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! { <div class="empty"><p>{move || i18n.t("还没有同步记录", "No sync runs yet")}</p></div> }.into_any(),
                    Ok(p) => view! {
                        <table class="data" data-testid="sync-runs">
                            <thead><tr>
                                <th>{move || i18n.t("开始时间", "Started")}</th><th>{move || i18n.t("类型", "Kind")}</th>
                                <th>{move || i18n.t("文件", "File")}</th><th>{move || i18n.t("状态", "Status")}</th>
                                <th class="num">{move || i18n.t("读取", "Read")}</th><th class="num">{move || i18n.t("新增", "New")}</th>
                                <th class="num">{move || i18n.t("更新", "Updated")}</th><th class="num">{move || i18n.t("错误行", "Bad rows")}</th>
                                <th>{move || i18n.t("操作人", "By")}</th><th>{move || i18n.t("结束时间", "Finished")}</th>
                            </tr></thead>
                            <tbody>
                                {p.items.into_iter().map(|r| {
                                    let k = SyncKind::parse(&r.kind).map(|k| k.label()).unwrap_or(("—", "—"));
                                    let (zh, en, class) = r.status.map_or(("—", "—", "badge badge-gray"), |s| (s.zh(), s.en(), s.badge()));
                                    // A failed run lists its errors; a succeeded one the values it
                                    // could not map; an interrupted one why.
                                    let report = r.status.map_or(("错误报告", "Error report"), SyncStatus::report_title);
                                    let errors = r.errors.clone();
                                    let count = r.error_count;
                                    view! {
                                        <tr>
                                            <td>{fmt_time(&r.started_at)}</td>
                                            <td>{move || i18n.t(k.0, k.1)}</td>
                                            <td>{r.file_name.clone()}</td>
                                            <td><span class=class>{move || i18n.t(zh, en)}</span></td>
                                            <td class="num">{r.rows_read}</td><td class="num">{r.rows_inserted}</td>
                                            <td class="num">{r.rows_updated}</td><td class="num">{r.rows_failed}</td>
                                            <td>{r.triggered_by.clone()}</td>
                                            <td>{fmt_opt_time(&r.finished_at)}</td>
                                        </tr>
                                        {(!errors.is_empty()).then(|| view! {
                                            <tr class="error-report"><td colspan="10">
                                                <details>
                                                    <summary>{move || format!("{} ({count})", i18n.t(report.0, report.1))}</summary>
                                                    <ul>
                                                        {errors.into_iter().map(|(line, field, msg)| view! {
                                                            <li>{if line > 0 { format!("第 {line} 行 {field}:{msg}") } else { msg }}</li>
                                                        }).collect_view()}
                                                    </ul>
                                                </details>
                                            </td></tr>
                                        })}
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <Pager total=p.total page=p.page per_page=p.per_page on_change=Callback::new(move |(n, _): (u64, u64)| page.set(n))/>
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
}

//! 批量导入 (PG-71): ① choose the kind and download its template, ② upload, ③ preview every
//! row with its errors and suspected duplicates (error report download), ④ choose the approver
//! and commit the valid rows — or undo a committed import. The approver decides a batch here,
//! rejecting single rows if need be.
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use super::api::{
    CommitImport, decide_review, get_import_job, list_import_rows, list_recent_imports, load_entry_options, undo_import,
};
use super::{ImportJobView, ImportKind, ImportStatus, RowStatus, review_badge};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::jobs::api::{upload, watch};
use crate::jobs::{JobState, JobStatus};
use crate::ui::{ErrorBanner, Field, Loaded, PageHeader, Pager, confirm, field_errors, fmt_time};

fn job_status(s: &str) -> (&'static str, &'static str, &'static str) {
    let s = ImportStatus::parse(s).unwrap_or(ImportStatus::Failed);
    (s.zh(), s.en(), s.badge())
}

/// A running job's progress bar with its text.
#[component]
fn Progress(status: RwSignal<Option<JobStatus>>, verb: (&'static str, &'static str)) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        status.get().filter(|s| s.state == JobState::Running).map(|s| {
            view! {
                <div class="job" role="status">
                    <progress max="100" value=s.percent().to_string()></progress>
                    <span>{format!("{} {} / {}", i18n.t(verb.0, verb.1), s.done, s.total)}</span>
                </div>
            }
        })
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    view! {
        <PageHeader title=("批量导入", "Excel import")>
            <a class="btn" href="/archive/customers">{move || use_i18n().t("客户档案", "Customer archive")}</a>
        </PageHeader>
        <Import/>
    }
}

#[component]
fn Import() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let kind = RwSignal::new(ImportKind::Customers);
    let status = RwSignal::new(None::<JobStatus>);
    let error = RwSignal::new(None::<AppError>);
    let recent = Resource::new(|| (), |_| list_recent_imports());
    let busy = move || status.with(|s| s.as_ref().is_some_and(|s| s.state == JobState::Running));
    let start = move |_| {
        error.set(None);
        let url = format!("/upload/archive-import?kind={}", kind.get_untracked().code());
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match upload::<crate::jobs::JobStatus>(&url, "import-file").await {
                Ok(s) => {
                    let record = s.record;
                    match watch(s, status).await {
                        Ok(s) if s.state == JobState::Done => {
                            if let Some(id) = record {
                                navigate(&format!("/archive/import/{id}"), NavigateOptions::default());
                            }
                        }
                        Ok(s) => error.set(Some(AppError::Rejected(
                            s.message.unwrap_or_else(|| crate::error::Text::new("导入失败", "The import failed")),
                        ))),
                        Err(e) => error.set(Some(e)),
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
            <div class="card import-steps">
                <ol class="steps">
                    <li>{move || i18n.t("选择导入类型并下载模板", "Choose the kind and download its template")}</li>
                    <li>{move || i18n.t("按模板填写后上传(.xlsx 或 .csv,最多 200,000 行)", "Fill it in and upload (.xlsx or .csv, up to 200,000 rows)")}</li>
                    <li>{move || i18n.t("查看校验结果:错误行不会导入,疑似重复需确认", "Check the result: bad rows are never imported, duplicates need a decision")}</li>
                    <li>{move || i18n.t("选择审批人并提交,有效行一次性导入", "Choose the approver and commit: the valid rows are imported together")}</li>
                </ol>
                <div class="form-inline">
                    <label for="import-kind">{move || i18n.t("导入类型", "Kind")}</label>
                    <select id="import-kind" on:change=move |ev| { if let Ok(k) = ImportKind::parse(&event_target_value(&ev)) { kind.set(k) } }>
                        {ImportKind::ALL.into_iter().map(|k| view! {
                            <option value=k.code() selected=move || kind.get() == k>{move || i18n.t(k.label().0, k.label().1)}</option>
                        }).collect_view()}
                    </select>
                    <a class="link" href=move || format!("/templates/archive-{}.xlsx", kind.get().code()) download="">{move || i18n.t("下载模板", "Download template")}</a>
                    <label for="import-file">{move || i18n.t("文件", "File")}</label>
                    <input id="import-file" type="file" accept=".xlsx,.csv"/>
                    <button type="button" class="btn btn-primary" disabled=busy on:click=start>{move || i18n.t("上传并校验", "Upload and check")}</button>
                </div>
                <Progress status=status verb=("正在校验", "Checking")/>
                <ErrorBanner error=error/>
                <details class="layout">
                    <summary>{move || i18n.t("模板各列说明", "Template columns")}</summary>
                    <table class="data compact">
                        <thead><tr><th>{move || i18n.t("列名", "Column")}</th><th>{move || i18n.t("必填", "Required")}</th><th>{move || i18n.t("说明", "Notes")}</th></tr></thead>
                        <tbody>
                            {move || kind.get().columns().iter().map(|(_, zh, req, note)| view! {
                                <tr><td>{*zh}</td><td>{if *req { "※" } else { "" }}</td><td>{*note}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </details>
            </div>
            <h2 class="section-title">{move || i18n.t("我的导入", "My imports")}</h2>
            <div class="table-wrap">
                <Transition fallback=|| ()>
                    {move || recent.get().map(|r| match r {
                        Err(e) => view! { <div class="alert alert-error">{e.message(i18n.locale())}</div> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <div class="empty"><p>{move || i18n.t("还没有导入记录", "No imports yet")}</p></div> }.into_any(),
                        Ok(list) => view! {
                            <table class="data" data-testid="imports">
                                <thead><tr>
                                    <th>{move || i18n.t("上传时间", "Uploaded")}</th><th>{move || i18n.t("类型", "Kind")}</th>
                                    <th>{move || i18n.t("文件", "File")}</th><th>{move || i18n.t("状态", "Status")}</th>
                                    <th class="num">{move || i18n.t("总行数", "Rows")}</th><th class="num">{move || i18n.t("有效", "Valid")}</th>
                                    <th class="num">{move || i18n.t("错误", "Errors")}</th><th class="num">{move || i18n.t("疑似重复", "Duplicates")}</th>
                                    <th class="num">{move || i18n.t("已导入", "Imported")}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|j| {
                                        let (zh, en, class) = job_status(&j.status);
                                        let k = ImportKind::parse(&j.kind).map(|k| k.label()).unwrap_or(("—", "—"));
                                        view! {
                                            <tr>
                                                <td>{fmt_time(&j.uploaded_at)}</td>
                                                <td>{move || i18n.t(k.0, k.1)}</td>
                                                <td><a class="link" href=format!("/archive/import/{}", j.id)>{j.file_name.clone()}</a></td>
                                                <td><span class=class>{move || i18n.t(zh, en)}</span></td>
                                                <td class="num">{j.total_rows}</td><td class="num">{j.valid_rows}</td>
                                                <td class="num">{j.error_rows}</td><td class="num">{j.duplicate_rows}</td>
                                                <td class="num">{j.imported_rows}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    })}
                </Transition>
            </div>
    }
}

#[component]
pub fn ImportJobPage() -> impl IntoView {
    let id = crate::ui::id_param();
    let version = RwSignal::new(0u32);
    let job = Resource::new(
        move || (id(), version.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_import_job(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <PageHeader title=("导入明细", "Import")>
            <a class="btn" href="/archive/import">{move || use_i18n().t("返回批量导入", "Back to imports")}</a>
        </PageHeader>
        <Loaded data=job show=move |j| view! { <JobView job=j version=version/> }/>
    }
}

#[component]
fn JobView(job: ImportJobView, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let id = job.id;
    let kind = ImportKind::parse(&job.kind).unwrap_or(ImportKind::Customers);
    let (zh, en, class) = job_status(&job.status);
    let review = job.review_status.clone().map(|s| review_badge(&s));
    let filter = RwSignal::new(if job.error_rows > 0 { RowStatus::Error.code().to_string() } else { String::new() });
    let page = RwSignal::new((1u64, 50u64));
    let rows = Resource::new(
        move || (filter.get(), page.get(), version.get()),
        move |(s, (p, n), _)| list_import_rows(id, s, p, n),
    );
    let selected = RwSignal::new(Vec::<i64>::new());
    let can_review = job.can_review;
    let action_error = RwSignal::new(None::<AppError>);
    let undo = move |_| {
        if !confirm("撤销后本批导入的全部记录将被删除,确定撤销?") {
            return;
        }
        leptos::task::spawn_local(async move {
            match undo_import(id).await {
                Ok(_) => version.update(|v| *v += 1),
                Err(e) => action_error.set(Some(e)),
            }
        });
    };
    let counts = [
        ("", "全部", "All", job.total_rows),
        (RowStatus::Valid.code(), "有效", "Valid", job.valid_rows),
        (RowStatus::Error.code(), "错误", "Errors", job.error_rows),
        (RowStatus::Duplicate.code(), "疑似重复", "Duplicates", job.duplicate_rows),
    ];
    view! {
        <div class="card import-summary">
            <dl class="desc">
                <dt>{move || i18n.t("文件", "File")}</dt><dd>{job.file_name.clone()}</dd>
                <dt>{move || i18n.t("类型", "Kind")}</dt><dd>{move || i18n.t(kind.label().0, kind.label().1)}</dd>
                <dt>{move || i18n.t("上传人", "Uploaded by")}</dt><dd>{job.uploaded_by.clone()}" · "{fmt_time(&job.uploaded_at)}</dd>
                <dt>{move || i18n.t("状态", "Status")}</dt><dd><span class=class data-testid="job-status">{move || i18n.t(zh, en)}</span>
                    {(job.imported_rows > 0).then(|| format!(" {} {}", i18n.t("已导入", "imported"),job.imported_rows))}</dd>
                {review.map(|(zh, en, class)| view! {
                    <dt>{move || i18n.t("审核", "Review")}</dt><dd><span class=class data-testid="job-review">{move || i18n.t(zh, en)}</span>
                        " " {job.approver.clone().unwrap_or_else(|| "免审".into())}
                        {job.comment.clone().map(|c| view! { <span class="muted">" · "{c}</span> })}</dd>
                })}
            </dl>
            {job.message.clone().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            <div class="counts">
                {counts.into_iter().map(|(key, zh, en, n)| view! {
                    <button type="button" class="count-tab" class:active=move || filter.get() == key
                        on:click=move |_| { filter.set(key.to_string()); page.update(|p| p.0 = 1); }>
                        <strong>{n}</strong><span>{move || i18n.t(zh, en)}</span>
                    </button>
                }).collect_view()}
                {(job.error_rows + job.duplicate_rows > 0).then(|| view! {
                    <a class="link" href=format!("/files/import-errors/{id}") download="">{move || i18n.t("下载错误报告", "Download error report")}</a>
                })}
            </div>
            {job.can_commit.then(|| view! { <CommitForm job=job.clone() version=version/> })}
            {job.can_undo.then(|| view! {
                <div class="form-buttons">
                    <button type="button" class="btn btn-danger" on:click=undo>{move || i18n.t("撤销导入", "Undo import")}</button>
                </div>
            })}
            {can_review.then(|| view! { <BatchDecision review_id=job.review_id.unwrap_or_default() selected=selected version=version/> })}
            <ErrorBanner error=action_error/>
        </div>
        <div class="table-wrap">
            <Transition fallback=|| ()>
                {move || rows.get().map(|r| match r {
                    Err(e) => view! { <div class="alert alert-error">{e.message(i18n.locale())}</div> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! { <div class="empty"><p>{move || i18n.t("没有此类行", "No such rows")}</p></div> }.into_any(),
                    Ok(p) => view! {
                        <table class="data compact" data-testid="import-rows">
                            <thead><tr>
                                {can_review.then(|| view! { <th>{move || i18n.t("驳回", "Reject")}</th> })}
                                <th>{move || i18n.t("行号", "Row")}</th><th>{move || i18n.t("校验", "Check")}</th>
                                <th>{move || i18n.t("问题", "Problems")}</th>
                                {kind.columns().iter().map(|c| view! { <th>{c.1}</th> }).collect_view()}
                            </tr></thead>
                            <tbody>
                                {p.items.into_iter().map(|r| {
                                    let row_status = RowStatus::parse(&r.status).unwrap_or(RowStatus::Valid);
                                    let (zh, en, class) = (row_status.zh(), row_status.en(), row_status.badge());
                                    let record = r.record_id;
                                    let state = r.record_status.clone().map(|s| review_badge(&s));
                                    let problems: Vec<String> = r.errors.iter().map(|(f, m)| {
                                        let h = kind.columns().iter().find(|c| c.0 == f).map(|c| c.1).unwrap_or(f.as_str());
                                        format!("{h}:{m}")
                                    }).chain(r.duplicates.iter().map(|d| format!("疑似重复:{d}"))).collect();
                                    view! {
                                        <tr class:row-error=row_status == RowStatus::Error>
                                            {can_review.then(|| view! { <td>{record.map(|rid| view! {
                                                <input type="checkbox" aria-label=format!("驳回第 {} 行", r.line)
                                                    prop:checked=move || selected.with(|s| s.contains(&rid))
                                                    on:change=move |ev| selected.update(|s| if event_target_checked(&ev) { s.push(rid) } else { s.retain(|x| *x != rid) })/>
                                            })}</td> })}
                                            <td>{r.line}</td>
                                            <td><span class=class>{move || i18n.t(zh, en)}</span>
                                                {state.map(|(zh, en, class)| view! { " " <span class=class>{move || i18n.t(zh, en)}</span> })}</td>
                                            <td class="problems">{problems.into_iter().map(|p| view! { <div>{p}</div> }).collect_view()}</td>
                                            {r.cells.into_iter().map(|c| view! { <td class="cell">{c}</td> }).collect_view()}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <Pager total=p.total page=p.page per_page=p.per_page on_change=Callback::new(move |(n, per): (u64, u64)| page.set((n, per)))/>
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
}

/// ④ 提交: the approver (unless exempt), optionally the suspected duplicates with a reason.
#[component]
fn CommitForm(job: ImportJobView, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let options = Resource::new(|| (), |_| load_entry_options());
    let approver = RwSignal::new(None::<i64>);
    let with_dups = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let status = RwSignal::new(None::<JobStatus>);
    let error = RwSignal::new(None::<AppError>);
    let commit = ServerAction::<CommitImport>::new();
    let id = job.id;
    Effect::new(move |_| {
        if let Some(r) = commit.value().get() {
            match r {
                Ok(s) => {
                    error.set(None);
                    leptos::task::spawn_local(async move {
                        match watch(s, status).await {
                            Ok(s) if s.state == JobState::Failed => {
                                error.set(s.message.map(AppError::Rejected));
                            }
                            Ok(_) => version.update(|v| *v += 1),
                            Err(e) => error.set(Some(e)),
                        }
                    });
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    let running =
        move || commit.pending().get() || status.with(|s| s.as_ref().is_some_and(|s| s.state == JobState::Running));
    let importable = move || job.valid_rows + if with_dups.get() { job.duplicate_rows } else { 0 };
    view! {
        <div class="commit">
            <h2 class="section-title">{move || i18n.t("提交导入", "Commit")}</h2>
            <Transition fallback=|| ()>
                {move || options.get().and_then(Result::ok).map(|o| if o.exempt {
                    view! { <p class="muted">{move || i18n.t("您的账号免审核:导入后直接发布。", "Your account is review-exempt: rows are published at once.")}</p> }.into_any()
                } else {
                    view! {
                        <Field label=("审批人", "Approver") id="approver_id" required=true errors=errors>
                            <select id="approver_id" on:change=move |ev| approver.set(event_target_value(&ev).parse().ok())>
                                <option value="">{move || i18n.t("请选择", "Select…")}</option>
                                {o.approvers.into_iter().map(|a| view! { <option value=a.id.to_string()>{format!("{}({})", a.name, a.org)}</option> }).collect_view()}
                            </select>
                        </Field>
                    }.into_any()
                })}
            </Transition>
            {(job.duplicate_rows > 0).then(|| view! {
                <label class="check"><input type="checkbox" prop:checked=move || with_dups.get() on:change=move |ev| with_dups.set(event_target_checked(&ev))/>
                    {move || i18n.t("同时导入疑似重复的行(需说明理由)", "Also import the suspected duplicates (give a reason)")}</label>
                <Show when=move || with_dups.get()>
                    <Field label=("理由", "Reason") id="duplicate_reason" required=true errors=errors>
                        <textarea id="duplicate_reason" rows="2" maxlength="255" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    </Field>
                </Show>
            })}
            <div class="form-buttons">
                <button type="button" class="btn btn-primary" disabled=move || running() || importable() == 0
                    on:click=move |_| { commit.dispatch(CommitImport { id, approver_id: approver.get_untracked(), with_duplicates: with_dups.get_untracked(), reason: reason.get_untracked() }); }>
                    {move || format!("{}({} {})", i18n.t("提交导入", "Import"),importable(),i18n.t("行", "rows"))}
                </button>
                <span class="muted">{move || i18n.t("错误行不会导入;修正后可另行上传这些行。", "Rows with errors are not imported; fix and upload them again.")}</span>
            </div>
            <Progress status=status verb=("正在导入", "Importing")/>
            <ErrorBanner error=general/>
        </div>
    }
}

/// The approver's decision on a batch: approve all (minus the ticked rows) or reject all.
#[component]
fn BatchDecision(review_id: i64, selected: RwSignal<Vec<i64>>, version: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let decide = move |approve: bool| {
        busy.set(true);
        let rows = if approve { selected.get_untracked() } else { vec![] };
        leptos::task::spawn_local(async move {
            match decide_review(review_id, approve, comment.get_untracked(), rows).await {
                Ok(()) => {
                    error.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    view! {
        <div class="decision">
            <h2 class="section-title">{move || i18n.t("审核本批导入", "Decide this batch")}</h2>
            <p class="muted">{move || i18n.t("勾选下方需要驳回的行后点“通过”,其余行审核通过;或填写原因后驳回整批。", "Tick rows to reject and approve the rest, or reject the whole batch with a reason.")}</p>
            <Field label=("审核意见 / 驳回原因", "Comment / reason") id="comment" errors=errors>
                <textarea id="comment" rows="2" maxlength="500" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            </Field>
            <div class="form-buttons">
                <button type="button" class="btn btn-primary" disabled=move || busy.get() on:click=move |_| decide(true)>
                    {move || match selected.with(Vec::len) {
                        0 => i18n.t("全部通过", "Approve all").to_string(),
                        n => format!("{}(驳回 {n} 行)", i18n.t("通过", "Approve")),
                    }}
                </button>
                <button type="button" class="btn btn-danger" disabled=move || busy.get() on:click=move |_| decide(false)>{move || i18n.t("驳回整批", "Reject batch")}</button>
            </div>
            <ErrorBanner error=general/>
        </div>
    }
}

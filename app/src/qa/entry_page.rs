//! 质检录入 (PG-39): the request read-only as 诉求详情 shows it (content, 处理记录, the
//! departments' feedback, the result), the form — 质检结果 处理无误 / 处理有误, 备注 (required
//! for an error) — and the inspections so far. An inspected request offers the form again only
//! to accounts that may amend (修改质检结果); the save then replaces the current record.
use leptos::prelude::*;

use super::api::{get_qa_entry, save_qa};
use super::{MAX_REMARK, QaEntry, QaInput, QaRecordView, QaResult};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::requests::detail_page::{Feedbacks, RequestCard, Timeline};
use crate::ui::{ErrorBanner, Loaded, PageHeader, SuccessBanner, field_errors, fmt_time};

#[component]
pub fn QaEntryPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let data = crate::ui::record_of(version, get_qa_entry);
    let saved = RwSignal::new(None::<String>);
    view! {
        <PageHeader title=("质检录入", "QA entry")>
            <a class="btn" href="/qa">{move || i18n.t("返回质检列表", "Back to the QA list")}</a>
        </PageHeader>
        <SuccessBanner message=saved/>
        <Loaded data show=move |e| view! {
            <Entry e=e saved reload=Callback::new(move |_| version.update(|v| *v += 1))/>
        }/>
    }
}

#[component]
fn Entry(e: QaEntry, saved: RwSignal<Option<String>>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let d = e.detail.clone();
    let note = match (e.may_save, e.completed) {
        (true, _) => None,
        (false, true) => Some((
            "该诉求已质检;修改质检结果需要“修改质检结果”权限(主管、经理)。",
            "Already inspected; amending the result is for supervisors and managers.",
        )),
        (false, false) => {
            Some(("该诉求尚未处理完成,不能质检。", "The request is not completed yet and cannot be inspected."))
        }
    };
    view! {
        <RequestCard d=d.clone()/>
        <Feedbacks feedbacks=d.feedbacks.clone()/>
        <Timeline steps=d.steps.clone()/>
        {match note {
            Some((zh, en)) => view! { <div class="card muted" data-testid="qa-closed">{move || i18n.t(zh, en)}</div> }.into_any(),
            None => view! { <QaForm request_id=d.row.id current_id=e.current_id saved reload/> }.into_any(),
        }}
        <Records records=e.records/>
    }
}

#[component]
fn QaForm(
    request_id: i64,
    current_id: Option<i64>,
    saved: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let result = RwSignal::new(None::<QaResult>);
    let remark = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    let err = move |k: &'static str| errors.with(|e| e.get(k).map(|t| t.get(i18n.locale()).to_string()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = QaInput { request_id, result: result.get_untracked(), remark: remark.get_untracked(), current_id };
        if let Err(e) = input.validate() {
            error.set(Some(e));
            return;
        }
        busy.set(true);
        saved.set(None);
        leptos::task::spawn_local(async move {
            let r = save_qa(input).await;
            busy.set(false);
            match r {
                Ok(s) => {
                    error.set(None);
                    saved.set(Some(
                        if s.amended {
                            i18n.t("质检结果已修改", "The QA result was amended")
                        } else {
                            i18n.t("质检结果已保存", "The QA result was saved")
                        }
                        .to_string(),
                    ));
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let required = move || result.get() == Some(QaResult::Incorrect);
    view! {
        <form class="card form qa-form" on:submit=submit novalidate data-testid="qa-form">
            <h2>{move || if current_id.is_some() { i18n.t("修改质检结果", "Amend the QA result") } else { i18n.t("质检", "Inspect") }}</h2>
            <ErrorBanner error=general/>
            <fieldset class="form-row" class:has-error=move || err("result").is_some()
                aria-describedby="result-error">
                <legend class="label"><span class="req" aria-hidden="true">"*"</span>{move || i18n.t("质检结果", "QA result")}</legend>
                <div class="form-control radios">
                    {QaResult::ALL.iter().copied().map(|r| view! {
                        <label><input type="radio" name="qa_result" value=r.code() data-testid=format!("qa-{}", r.code())
                            prop:checked=move || result.get() == Some(r) on:change=move |_| result.set(Some(r))/>
                            {move || r.label(i18n.locale())}</label>
                    }).collect_view()}
                    <div class="field-error" id="result-error" role="alert">{move || err("result")}</div>
                </div>
            </fieldset>
            <div class="form-row" class:has-error=move || err("remark").is_some()>
                <label for="qa-remark">
                    {move || required().then(|| view! { <span class="req" aria-hidden="true">"*"</span> })}
                    {move || i18n.t("备注", "Remark")}
                </label>
                <div class="form-control">
                    <textarea id="qa-remark" rows="4" maxlength=MAX_REMARK.to_string() aria-required=move || required().to_string()
                        aria-describedby="qa-remark-error" prop:value=move || remark.get()
                        on:input=move |ev| remark.set(event_target_value(&ev))></textarea>
                    <div class="hint">
                        {move || if required() { i18n.t("处理有误时必填:写明差错原因。", "Required for an error: state what was wrong.") } else { i18n.t("选填。", "Optional.") }}
                        " "{move || format!("{}/{MAX_REMARK}", remark.with(|r| r.chars().count()))}
                    </div>
                    <div class="field-error" id="qa-remark-error" role="alert">{move || err("remark")}</div>
                </div>
            </div>
            <div class="form-buttons">
                <button type="submit" class="btn btn-primary" data-testid="qa-save" disabled=move || busy.get()>{move || i18n.t("保存", "Save")}</button>
            </div>
        </form>
    }
}

/// The inspections of the request, newest first (amended ones marked).
#[component]
fn Records(records: Vec<QaRecordView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card">
            <h2>{move || i18n.t("质检记录", "QA records")}</h2>
            {if records.is_empty() {
                view! { <p class="muted">{move || i18n.t("尚未质检。", "Not inspected yet.")}</p> }.into_any()
            } else {
                view! {
                    <table class="data" data-testid="qa-records">
                        <thead><tr>
                            <th>{move || i18n.t("质检时间", "Inspected")}</th>
                            <th>{move || i18n.t("质检结果", "Result")}</th>
                            <th>{move || i18n.t("备注", "Remark")}</th>
                            <th>{move || i18n.t("质检人", "Inspector")}</th>
                            <th>{move || i18n.t("被检客服", "Agent")}</th>
                            <th>{move || i18n.t("状态", "Status")}</th>
                        </tr></thead>
                        <tbody>
                            {records.into_iter().map(|r| {
                                let (result, current) = (r.result, r.is_current);
                                view! {
                                    <tr>
                                        <td>{fmt_time(&r.at)}</td>
                                        <td><span class=if result == QaResult::Incorrect { "badge badge-red" } else { "badge badge-blue" }>
                                            {move || result.label(i18n.locale())}</span></td>
                                        <td class="pre">{r.remark.clone()}</td>
                                        <td>{r.inspector.clone()}</td>
                                        <td>{r.inspected_agent.clone()}</td>
                                        <td>{move || if current { i18n.t("当前", "Current") } else { i18n.t("已被修改", "Amended") }}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </div>
    }
}

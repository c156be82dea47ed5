//! 邮件发送记录 (PG-27): the batches (filters kept in the URL) and a batch's detail with its
//! recipients, their outcome and 重发失败邮件. A batch still sending refreshes itself.
use leptos::prelude::*;

use super::api::{list_batches, load_batch, resend_failed};
use super::{BatchDetail, BatchFilter, BatchRow, BatchStatus, EmailKind, SendStatus};
use crate::bind_filter;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::filters::{DateRange, SelectFilter, TextFilter};
use crate::ui::list::{FilterButtons, FilterForm, ListState, ListTable};
use crate::ui::{ErrorBanner, Loaded, PageHeader, Pager, SuccessBanner, confirm, fmt_opt_time, record_of};

const COLUMNS: &[(&str, &str)] = &[
    ("批次号", "Batch"),
    ("邮件类型", "Kind"),
    ("主题", "Subject"),
    ("发送人", "Sender"),
    ("组织机构", "Organisation"),
    ("邮件发送时间", "Sent"),
    ("收件数", "Recipients"),
    ("成功数", "Sent"),
    ("失败数", "Failed"),
    ("状态", "Status"),
];

fn status_badge(s: BatchStatus) -> &'static str {
    match s {
        BatchStatus::Draft => "badge",
        BatchStatus::Sending => "badge badge-blue",
        BatchStatus::Sent => "badge badge-green",
        BatchStatus::PartiallyFailed => "badge badge-red",
    }
}

#[component]
pub fn BatchesPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<BatchFilter>::new(|_| {});
    let draft = list.draft;
    let errors = Signal::derive(move || list.filter.with(|f| crate::ui::field_errors(f.validate().err().as_ref())));
    let rows = list.load(list_batches);
    view! {
        <PageHeader title=("邮件发送记录", "Sent e-mail batches")>
            <a class="btn btn-primary" href="/emails/compose">{move || i18n.t("发送邮件", "New e-mail")}</a>
        </PageHeader>
        <FilterForm list>
            <DateRange label=("邮件发送时间", "Sent") id="from" from=bind_filter!(draft, from) to=bind_filter!(draft, to) errors=errors/>
            <SelectFilter label=("邮件类型", "Kind") id="kind" choices=EmailKind::CHOICES value=bind_filter!(draft, kind) errors=errors/>
            <SelectFilter label=("状态", "Status") id="status" choices=BatchStatus::CHOICES value=bind_filter!(draft, status) errors=errors/>
            <TextFilter label=("发送人", "Sender") id="sender" value=bind_filter!(draft, sender)/>
            <FilterButtons list/>
        </FilterForm>
        <ListTable rows columns=COLUMNS on_page=list.on_page() testid="batches"
            row=move |r| view! { <Row r=r/> }
            empty=move || view! {
                <p>{move || i18n.t("没有邮件批次", "No batches")}</p>
                <p class="muted">{move || i18n.t("在“会员邮件服务”中选择会员并发送邮件。", "Choose members and send from Member e-mail.")}</p>
            }/>
    }
}

#[component]
fn Row(r: BatchRow) -> impl IntoView {
    let i18n = use_i18n();
    let href = if r.status == BatchStatus::Draft {
        format!("/emails/compose?draft={}", r.id)
    } else {
        format!("/emails/batches/{}", r.id)
    };
    view! {
        <tr>
            <td><a href=href>{r.batch_no.clone()}</a></td>
            <td>{move || r.kind.label(i18n.locale())}</td>
            <td>{r.subject.clone()}</td>
            <td>{r.sender.clone()}</td>
            <td>{r.org_name.clone()}</td>
            <td>{fmt_opt_time(&r.sent_at)}</td>
            <td>{r.recipient_count}</td>
            <td>{r.sent_count}</td>
            <td>{r.failed_count}</td>
            <td><span class=status_badge(r.status)>{move || r.status.label(i18n.locale())}</span></td>
        </tr>
    }
}

#[component]
pub fn BatchDetailPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let status = RwSignal::new(String::new());
    let page = RwSignal::new(1u64);
    let data = record_of(version, move |id| load_batch(id, status.get_untracked(), page.get_untracked()));
    // While it sends, the page follows it.
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || {
                let sending =
                    data.with_untracked(|d| matches!(d, Some(Ok(b)) if b.batch.status == BatchStatus::Sending));
                if sending {
                    version.update(|v| *v += 1);
                }
            },
            std::time::Duration::from_secs(3),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    }
    view! {
        <PageHeader title=("邮件批次详情", "E-mail batch")>
            <a class="btn" href="/emails/batches">{move || use_i18n().t("返回列表", "Back to the list")}</a>
        </PageHeader>
        <Loaded data show=move |d: BatchDetail| view! { <Detail d=d version status page/> }/>
    }
}

#[component]
fn Detail(d: BatchDetail, version: RwSignal<u32>, status: RwSignal<String>, page: RwSignal<u64>) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    let b = d.batch.clone();
    let id = b.id;
    let resend = move |_| {
        if !confirm("重新发送本批次中发送失败的邮件?") {
            return;
        }
        leptos::task::spawn_local(async move {
            match resend_failed(id).await {
                Ok(n) => {
                    error.set(None);
                    done.set(Some(format!("已将 {n} 封失败邮件重新加入发送队列")));
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let filter = move |s: &'static str| {
        status.set(s.into());
        page.set(1);
        version.update(|v| *v += 1);
    };
    view! {
        {d.smtp_missing.then(|| view! {
            <div class="alert alert-warning" role="status" data-testid="smtp-missing">
                {move || i18n.t("未配置发信服务器:本批次的邮件正在排队,配置 SMTP 后自动发出。", "No mail server is set: this batch waits in the queue until one is.")}
            </div>
        })}
        <ErrorBanner error/>
        <SuccessBanner message=done/>
        <div class="card">
            <dl class="desc" data-testid="batch-summary">
                <dt>{move || i18n.t("批次号", "Batch")}</dt><dd>{b.batch_no.clone()}</dd>
                <dt>{move || i18n.t("状态", "Status")}</dt>
                <dd><span class=status_badge(b.status) data-testid="batch-status">{move || b.status.label(i18n.locale())}</span></dd>
                <dt>{move || i18n.t("邮件类型", "Kind")}</dt><dd>{move || b.kind.label(i18n.locale())}</dd>
                <dt>{move || i18n.t("主题", "Subject")}</dt><dd>{b.subject.clone()}</dd>
                <dt>{move || i18n.t("发送人", "Sender")}</dt><dd>{b.sender.clone()}" · "{b.org_name.clone()}</dd>
                <dt>{move || i18n.t("邮件发送时间", "Sent")}</dt><dd>{fmt_opt_time(&b.sent_at)}</dd>
                <dt>{move || i18n.t("收件 / 成功 / 失败", "Recipients / sent / failed")}</dt>
                <dd data-testid="batch-counts">{b.recipient_count}" / "{b.sent_count}" / "{b.failed_count}</dd>
                <dt>{move || i18n.t("附件", "Attachments")}</dt>
                <dd>{if d.attachments.is_empty() { "—".to_string() } else { d.attachments.iter().map(|a| a.file_name.clone()).collect::<Vec<_>>().join("、") }}</dd>
            </dl>
            {d.may_resend.then(|| view! {
                <button type="button" class="btn btn-primary" data-testid="resend-failed" on:click=resend>
                    {move || i18n.t("重发失败邮件", "Resend failed e-mails")}
                </button>
            })}
        </div>
        <div class="card">
            <h2>{move || i18n.t("收件人", "Recipients")}</h2>
            <nav class="tabs" aria-label=move || i18n.t("按状态", "By status")>
                {[("", ("全部", "All"))].into_iter().chain(SendStatus::ALL.iter().map(|s| (s.code(), (s.zh(), s.en())))).map(|(code, l)| view! {
                    <button type="button" class="tab" class:active=move || status.with(|s| s == code) on:click=move |_| filter(code)>
                        {move || i18n.t(l.0, l.1)}
                    </button>
                }).collect_view()}
            </nav>
            {if d.recipients.items.is_empty() {
                view! { <p class="empty">{move || i18n.t("没有收件人", "No recipients")}</p> }.into_any()
            } else {
                let p = d.recipients.clone();
                view! {
                    <div class="table-wrap">
                        <table class="data" data-testid="batch-recipients">
                            <thead><tr>
                                <th>{move || i18n.t("企业名称", "Company")}</th>
                                <th>{move || i18n.t("邮箱", "E-mail")}</th>
                                <th>{move || i18n.t("状态", "Status")}</th>
                                <th>{move || i18n.t("尝试次数", "Attempts")}</th>
                                <th>{move || i18n.t("发送时间", "Sent")}</th>
                                <th>{move || i18n.t("失败原因", "Reason")}</th>
                            </tr></thead>
                            <tbody>
                                {p.items.into_iter().map(|r| view! {
                                    <tr>
                                        <td><a href=format!("/customers/{}", r.customer_id)>{r.company_name.clone()}</a></td>
                                        <td>{r.email.clone()}</td>
                                        <td>{move || r.status.label(i18n.locale())}</td>
                                        <td>{r.attempts}</td>
                                        <td>{fmt_opt_time(&r.sent_at)}</td>
                                        <td>{r.error_message.clone().unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pager total=p.total page=p.page per_page=p.per_page
                        on_change=Callback::new(move |(n, _): (u64, u64)| { page.set(n); version.update(|v| *v += 1); })/>
                }.into_any()
            }}
        </div>
        <div class="card">
            <h2>{move || i18n.t("正文", "Message")}</h2>
            <div class="email-body" inner_html=d.body_html.clone()></div>
        </div>
    }
}

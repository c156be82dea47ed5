//! 导出 (SPEC §5.0) from the query pages: the page hands its URL filter to the server, which
//! writes the file in the background; the page shows the progress and downloads the file when
//! it is ready. Every export is written to the operation log with its criteria and row count.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::jobs::{JobState, JobStatus};

/// Starts exporting the rows of page `kind` for the URL query `query` as `format`
/// (`xlsx` | `csv`).
#[server(endpoint = "exports/start", input = Json)]
pub async fn start_export(kind: String, query: String, format: String) -> Result<JobStatus, AppError> {
    let ctx = crate::auth::session::Ctx::get()?;
    ctx.respond(server::start(&ctx, &kind, &query, &format).await)
}

#[cfg(feature = "ssr")]
mod server {
    use leptos_router::params::ParamsMap;
    use serde_json::json;

    use crate::auth::audit::{self, Entry};
    use crate::auth::session::Ctx;
    use crate::auth::{Perm, scope::Scope};
    use crate::error::{AppError, AppResult, Text};
    use crate::jobs::{JobKind, JobStatus, Output, temp_path};
    use crate::members::export::{self, Format};
    use crate::members::info_query::InfoKind;
    use crate::members::{InfoFilter, MemberFilter};
    use crate::requests::RequestFilter;

    enum What {
        Members(Box<MemberFilter>, export::MemberSheet),
        Info(InfoKind, Box<InfoFilter>),
        Requests(Box<RequestFilter>),
        Qa(Box<crate::qa::QaFilter>),
        QaReport(Box<crate::qa::QaReportFilter>),
        Fulfilment(Box<crate::fulfilment::FulfilmentFilter>),
        Report(Box<crate::reports::ReportFilter>),
        Stat(Box<crate::stats::StatFilter>),
    }
    use crate::url::urldecode;

    fn params(query: &str) -> ParamsMap {
        ParamsMap::from_iter(
            query.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (urldecode(k), urldecode(v))),
        )
    }

    /// Exports of more than this many rows are for 主管 and 经理 only (NFR-29).
    pub const LARGE_EXPORT_ROWS: u64 = 5_000;

    pub async fn start(ctx: &Ctx, kind: &str, query: &str, format: &str) -> AppResult<JobStatus> {
        let q = params(query);
        let report =
            (kind == "report").then(|| <crate::reports::ReportFilter as crate::ui::list::UrlFilter>::from_query(&q));
        let report_kind = report.as_ref().and_then(|f| f.kind());
        let stat = (kind == "stats").then(|| <crate::stats::StatFilter as crate::ui::list::UrlFilter>::from_query(&q));
        let stat_area = stat.as_ref().map(|f| crate::stats::Area::parse(&f.area).unwrap_or(crate::stats::Area::Query));
        let (perm, title) = match kind {
            "report" => match report_kind {
                Some(k) => (k.perm(), k.zh()),
                None => return Err(AppError::field("kind", "请选择报表类型", "Choose a report")),
            },
            "stats" => match (stat.as_ref().and_then(|f| f.item()), stat_area) {
                (Some(i), Some(area)) => (crate::stats::service::area_perm(area), i.zh()),
                _ => return Err(AppError::field("item", "请选择统计项", "Choose a statistic")),
            },
            "member_services" => (Perm::QueryMemberService, "会员资料及服务查询"),
            "published_info" => (Perm::QueryPublishedInfo, "会员发布信息查询"),
            "push_logs" => (Perm::QueryPushLog, "信息推送邮件查询"),
            "requests" => (Perm::IntakeMemberRequest, "诉求列表"),
            "callbacks" => (Perm::IntakeCallback, "电话回访关怀"),
            "qa" => (Perm::Qa, "诉求信息质检"),
            "qa_report" => (Perm::Qa, "质检报告"),
            "fulfilment" => (Perm::Fulfilment, "会员履约管理"),
            _ => return Err(AppError::NotFound),
        };
        let user = ctx.require(perm).await?;
        let format = Format::parse(format)?;
        // Reports, statistics and the QA report are workbooks (merged headers, a chart).
        if matches!(kind, "report" | "stats" | "qa_report") && format != Format::Xlsx {
            return Err(AppError::field(
                "format",
                &format!("{title}只能导出为 Excel"),
                "Reports are exported as Excel workbooks",
            ));
        }
        let what = match kind {
            "member_services" => {
                let f = <MemberFilter as crate::ui::list::UrlFilter>::from_query(&q);
                f.validate().into_result()?;
                What::Members(Box::new(f), export::MEMBER_SERVICES)
            }
            "callbacks" => {
                let f =
                    crate::callbacks::call_list_filter(<MemberFilter as crate::ui::list::UrlFilter>::from_query(&q));
                f.validate().into_result()?;
                What::Members(Box::new(f), export::CALL_LIST)
            }
            "requests" => {
                let f = <RequestFilter as crate::ui::list::UrlFilter>::from_query(&q);
                f.validate()?;
                What::Requests(Box::new(f))
            }
            "fulfilment" => {
                let f = <crate::fulfilment::FulfilmentFilter as crate::ui::list::UrlFilter>::from_query(&q);
                f.validate()?;
                What::Fulfilment(Box::new(f))
            }
            "qa" => {
                let f = <crate::qa::QaFilter as crate::ui::list::UrlFilter>::from_query(&q);
                f.validate()?;
                What::Qa(Box::new(f))
            }
            "report" => {
                let f = report.unwrap_or_default();
                f.validate(crate::cst::today())?;
                What::Report(Box::new(f))
            }
            "stats" => {
                let f = stat.unwrap_or_default();
                f.validate(crate::cst::today())?;
                let area = stat_area.unwrap_or(crate::stats::Area::Query);
                if !f.item().is_some_and(|i| crate::stats::service::offered(&user, i, area)) {
                    return Err(AppError::Forbidden);
                }
                What::Stat(Box::new(f))
            }
            "qa_report" => {
                let f = <crate::qa::QaReportFilter as crate::ui::list::UrlFilter>::from_query(&q);
                f.validate()?;
                What::QaReport(Box::new(f))
            }
            _ => {
                let f = <InfoFilter as crate::ui::list::UrlFilter>::from_query(&q);
                f.validate().into_result()?;
                if let Some(id) = f.customer {
                    crate::members::service::visible_customer(&ctx.state.db, &user, id).await?;
                }
                What::Info(if kind == "published_info" { InfoKind::Published } else { InfoKind::Pushes }, Box::new(f))
            }
        };
        if !user.may_export_large() {
            let (db, cap) = (&ctx.state.db, LARGE_EXPORT_ROWS + 1);
            let n = match &what {
                What::Members(f, _) => crate::members::query::count_upto(db, f, &user.scope, cap).await?,
                What::Info(kind, f) => crate::members::info_query::count_upto(db, *kind, f, &user.scope, cap).await?,
                What::Requests(f) => crate::requests::lists::count_upto(db, &user, f, cap).await?,
                What::Qa(f) => crate::qa::export::count_upto(db, &user, f, cap).await?,
                // (One summary and the errors, whatever the number of inspections.)
                What::QaReport(_) | What::Report(_) | What::Stat(_) => 0,
                What::Fulfilment(f) => crate::fulfilment::list::count_upto(db, &user, f, cap).await?,
            };
            if n > LARGE_EXPORT_ROWS {
                return Err(AppError::rejected(
                    &format!("一次导出超过 {LARGE_EXPORT_ROWS} 行需由主管或经理操作,请缩小查询范围后再导出"),
                    &format!(
                        "Exports of more than {LARGE_EXPORT_ROWS} rows are for supervisors and managers; narrow the query"
                    ),
                ));
            }
        }
        let job = ctx.state.jobs.start(user.account.id, JobKind::Export).await?;
        let status = job.status();
        let db = ctx.state.db.clone();
        let stamp = crate::cst::local(&chrono::Utc::now()).format("%Y%m%d%H%M%S");
        let name = format!("{title}_{stamp}.{}", format.ext());
        let scope: Scope = user.scope.clone();
        tokio::spawn(async move {
            let run = async {
                let path = temp_path(format.ext()).map_err(AppError::internal)?;
                let progress_job = job.clone();
                let progress = move |n| progress_job.progress(n);
                let (rows, criteria) = match &what {
                    What::Members(f, sheet) => {
                        let total = crate::members::query::count_exact(&db, f, &scope).await?;
                        job.set_total(total).await?;
                        (
                            export::member_services(&db, f, &scope, *sheet, format, &path, progress).await?,
                            crate::ui::list::UrlFilter::to_query(f.as_ref()),
                        )
                    }
                    What::Info(kind, f) => (
                        export::info(&db, *kind, f, &scope, format, &path, progress).await?,
                        crate::ui::list::UrlFilter::to_query(f.as_ref()),
                    ),
                    What::Requests(f) => {
                        let total = crate::requests::lists::count_upto(&db, &user, f, u64::MAX >> 1).await?;
                        job.set_total(total).await?;
                        (
                            crate::requests::export::requests(&db, &user, f, format, &path, progress).await?,
                            crate::ui::list::UrlFilter::to_query(f.as_ref()),
                        )
                    }
                    What::Qa(f) => {
                        let total = crate::qa::export::count_upto(&db, &user, f, u64::MAX >> 1).await?;
                        job.set_total(total).await?;
                        (
                            crate::qa::export::requests(&db, &user, f, format, &path, progress).await?,
                            crate::ui::list::UrlFilter::to_query(f.as_ref()),
                        )
                    }
                    What::QaReport(f) => (
                        crate::qa::report::workbook(&db, &user, f, &path).await?,
                        crate::ui::list::UrlFilter::to_query(f.as_ref()),
                    ),
                    What::Report(f) => (
                        crate::reports::export::write(&db, &user, f, &path).await?,
                        crate::ui::list::UrlFilter::to_query(f.as_ref()),
                    ),
                    What::Stat(f) => (
                        crate::stats::service::write(&db, &user, f, &path).await?,
                        crate::ui::list::UrlFilter::to_query(f.as_ref()),
                    ),
                    What::Fulfilment(f) => {
                        let total = crate::fulfilment::list::count_upto(&db, &user, f, u64::MAX >> 1).await?;
                        job.set_total(total).await?;
                        (
                            crate::fulfilment::list::export(&db, &user, f, format, &path, progress).await?,
                            crate::ui::list::UrlFilter::to_query(f.as_ref()),
                        )
                    }
                };
                job.progress(rows);
                let entry = Entry::new(perm.code(), "export", "export")
                    .detail(json!({ "criteria": criteria, "rows": rows, "format": format.ext(), "file": name }));
                audit::record(&db, &user, entry).await?;
                Ok::<_, AppError>(Output { path, name, content_type: format.content_type().into() })
            };
            let outcome = run.await.map(Some).map_err(|e| match e {
                AppError::Validation(_) | AppError::Rejected(_) => {
                    Text::new(e.message(crate::i18n::Locale::Zh), e.message(crate::i18n::Locale::En))
                }
                _ => Text::new("导出失败,请稍后重试", "The export failed; try again later"),
            });
            job.finish(outcome).await;
        });
        Ok(status)
    }
}

/// 导出 Excel / 导出 CSV with a progress bar while the file is written.
#[component]
pub fn ExportButtons(
    kind: &'static str,
    #[prop(into)] query: Signal<String>,
    /// Only 导出 Excel (a workbook of several sheets, say).
    #[prop(optional)]
    xlsx_only: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(None::<JobStatus>);
    let error = RwSignal::new(None::<AppError>);
    let running = move || status.with(|s| s.as_ref().is_some_and(|s| s.state == JobState::Running));
    let start = move |format: &'static str| {
        error.set(None);
        let q = query.get_untracked();
        leptos::task::spawn_local(async move {
            match start_export(kind.into(), q, format.into()).await {
                Ok(s) => match crate::jobs::api::watch(s, status).await {
                    Ok(s) => {
                        if let Some(href) = s.download.as_ref() {
                            crate::ui::hard_navigate(href);
                        }
                    }
                    Err(e) => error.set(Some(e)),
                },
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="export">
            <button type="button" class="btn" disabled=running on:click=move |_| start("xlsx")>{move || i18n.t("导出 Excel", "Export Excel")}</button>
            {(!xlsx_only).then(|| view! {
                <button type="button" class="btn" disabled=running on:click=move |_| start("csv")>{move || i18n.t("导出 CSV", "Export CSV")}</button>
            })}
            {move || status.get().map(|s| {
                let pct = s.percent();
                let text = match (s.state, i18n.locale()) {
                    (JobState::Running, crate::i18n::Locale::Zh) => format!("正在导出 {} / {} 条", s.done, s.total),
                    (JobState::Running, crate::i18n::Locale::En) => format!("Exporting {} / {}", s.done, s.total),
                    (JobState::Done, crate::i18n::Locale::Zh) => format!("已导出 {} 条", s.done),
                    (JobState::Done, crate::i18n::Locale::En) => format!("{} rows exported", s.done),
                    _ => s.message.as_ref().map(|m| m.get(i18n.locale()).to_string()).unwrap_or_default(),
                };
                view! {
                    <div class="job" role="status">
                        <progress max="100" value=pct.to_string()></progress>
                        <span>{text}</span>
                        {s.download.clone().map(|href| view! { <a href=href>{move || i18n.t("下载", "Download")}</a> })}
                    </div>
                }
            })}
            {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e.message(i18n.locale())}</span> })}
        </div>
    }
}

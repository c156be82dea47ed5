//! Server functions of the request pages. Each passes the one guard (`serve`), then the data
//! access applies the user's scope and the workflow's actor rules.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::calendar::{CalendarDay, CalendarView};
use super::{
    ActInput, CallerHit, CallerPanel, IntakeInput, IntakeOptions, IntakeOutcome, RequestDetail, RequestFilter,
    RequestRow, RequestState,
};
use crate::error::AppError;
use crate::ui::Page;

#[cfg(feature = "ssr")]
use crate::{
    auth::{
        Perm,
        session::{Access, serve},
    },
    requests::{calendar::service as calendar, handle, intake, lists, lookup, query},
};

/// What the intake form offers (受理部门, departments, agents).
#[server(endpoint = "requests/options", input = Json)]
pub async fn load_intake_options() -> Result<IntakeOptions, AppError> {
    serve(Perm::IntakeMemberRequest, |ctx, user| async move { intake::options(&ctx.state.db, &user).await }).await
}

/// Callers matching what the agent typed (autocomplete, from two characters).
#[server(endpoint = "requests/callers", input = Json)]
pub async fn find_callers(typed: String) -> Result<Vec<CallerHit>, AppError> {
    serve(Perm::IntakeMemberRequest, |ctx, user| async move { lookup::callers(&ctx.state.db, &user, &typed).await })
        .await
}

/// Section B of the picked caller.
#[server(endpoint = "requests/caller", input = Json)]
pub async fn load_caller_panel(id: i64) -> Result<CallerPanel, AppError> {
    serve(Perm::IntakeMemberRequest, |ctx, user| async move { lookup::panel(&ctx.state.db, &user, id).await }).await
}

/// Non-members who may be this caller again (same phone or company).
#[server(endpoint = "requests/non-members", input = Json)]
pub async fn find_non_members(mobile: String, phone: String, company: String) -> Result<Vec<CallerHit>, AppError> {
    serve(Perm::IntakeMemberRequest, |ctx, user| async move {
        lookup::non_members(&ctx.state.db, &user, &mobile, &phone, &company).await
    })
    .await
}

/// 保存 / 处理完成 / 提交至XX部 on the intake form.
#[server(endpoint = "requests/intake", input = Json)]
pub async fn take_request(input: IntakeInput) -> Result<IntakeOutcome, AppError> {
    serve(Perm::IntakeMemberRequest, |ctx, user| async move { intake::save(&ctx.state.db, &user, input).await }).await
}

/// 诉求列表.
#[server(endpoint = "requests/list", input = Json)]
pub async fn list_requests(filter: RequestFilter) -> Result<Page<RequestRow>, AppError> {
    serve(Perm::IntakeMemberRequest, |ctx, user| async move { lists::list(&ctx.state.db, &user, &filter).await }).await
}

/// 部门待办.
#[server(endpoint = "requests/inbox", input = Json)]
pub async fn dept_inbox(filter: RequestFilter) -> Result<Page<RequestRow>, AppError> {
    serve(Perm::BizDeptInbox, |ctx, user| async move { lists::inbox(&ctx.state.db, &user, &filter).await }).await
}

/// 诉求详情: CS and the departments open it, each within their scope.
#[server(endpoint = "requests/get", input = Json)]
pub async fn get_request(id: i64) -> Result<RequestDetail, AppError> {
    serve(Access::Any(&[Perm::IntakeMemberRequest, Perm::BizDeptInbox]), |ctx, user| async move {
        query::detail(&ctx.state.db, &user, id).await
    })
    .await
}

/// An action of the detail page (T4–T11).
#[server(endpoint = "requests/act", input = Json)]
pub async fn act_on_request(input: ActInput) -> Result<RequestState, AppError> {
    serve(Access::Any(&[Perm::IntakeMemberRequest, Perm::BizDeptInbox]), |ctx, user| async move {
        handle::act(&ctx.state.db, &user, input).await
    })
    .await
}

/// 工作日历: the week, the exceptions of `year` (`None`: this year) and the time limits.
#[server(endpoint = "calendar/get", input = Json)]
pub async fn load_calendar(year: Option<i32>) -> Result<CalendarView, AppError> {
    serve(Perm::SystemSettings, |ctx, _| async move {
        let year = year.unwrap_or_else(|| chrono::Datelike::year(&crate::cst::today()));
        calendar::view(&ctx.state.db, year).await
    })
    .await
}

#[server(endpoint = "calendar/week", input = Json)]
pub async fn save_work_week(week: Vec<String>) -> Result<(), AppError> {
    serve(Perm::SystemSettings, |ctx, user| async move { calendar::save_week(&ctx.state.db, &user, week).await }).await
}

#[server(endpoint = "calendar/day", input = Json)]
pub async fn save_calendar_day(day: CalendarDay) -> Result<(), AppError> {
    serve(Perm::SystemSettings, |ctx, user| async move { calendar::save_day(&ctx.state.db, &user, day).await }).await
}

#[server(endpoint = "calendar/day/delete", input = Json)]
pub async fn delete_calendar_day(day: String) -> Result<(), AppError> {
    serve(Perm::SystemSettings, |ctx, user| async move { calendar::delete_day(&ctx.state.db, &user, day).await }).await
}

//! 待办 on the home page (PG-02): how many requests wait for the signed-in account — replies to
//! give, requests it is handling, what its department must answer, what is overdue — each a
//! link to the list that shows them.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::{Perm, use_session_user};
use crate::i18n::use_i18n;

/// The counts of the panel (`None`: not for this account).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TodoCounts {
    pub awaiting_reply: Option<u64>,
    pub handling: Option<u64>,
    pub overdue: Option<u64>,
    pub inbox: Option<u64>,
    pub inbox_overdue: Option<u64>,
    /// Rep-office needs waiting for HQ CS: to take, and with the department's answer.
    pub needs_waiting: Option<u64>,
    pub needs_answered: Option<u64>,
    /// The account's open tasks (the first five, soonest due), how many, how many overdue.
    pub tasks: Option<(Vec<crate::tasks::TaskRow>, u64, u64)>,
}

#[cfg(feature = "ssr")]
pub mod service {
    use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

    use super::TodoCounts;
    use crate::auth::Perm;
    use crate::auth::session::CurrentUser;
    use crate::error::AppResult;
    use crate::requests::entity::service_request::{Column as R, Entity};
    use crate::requests::query::visible;
    use crate::requests::{RequestState, SlaState};

    async fn count(db: &impl ConnectionTrait, cond: Condition) -> AppResult<u64> {
        Ok(Entity::find().filter(cond).count(db).await?)
    }

    pub async fn counts(db: &impl ConnectionTrait, user: &CurrentUser) -> AppResult<TodoCounts> {
        let me = user.account.id;
        let open = [
            RequestState::CsProcessing,
            RequestState::DeptPending,
            RequestState::DeptProcessing,
            RequestState::FeedbackReceived,
        ]
        .map(|s| s.code());
        let held = [RequestState::DeptPending.code(), RequestState::DeptProcessing.code()];
        let mut out = TodoCounts::default();
        if user.has(Perm::IntakeMemberRequest) {
            let mine = |state: RequestState| Condition::all().add(R::AgentId.eq(me)).add(R::State.eq(state.code()));
            out.awaiting_reply = Some(count(db, mine(RequestState::FeedbackReceived)).await?);
            out.handling = Some(count(db, mine(RequestState::CsProcessing)).await?);
            let overdue = Condition::all()
                .add(visible(user))
                .add(R::State.is_in(open))
                .add(R::SlaState.eq(SlaState::Overdue.code()));
            out.overdue = Some(count(db, overdue).await?);
        }
        if user.has(Perm::BizDeptInbox) {
            let inbox = Condition::all().add(R::HandlingOrgId.eq(user.org.id)).add(R::State.is_in(held));
            out.inbox = Some(count(db, inbox.clone()).await?);
            out.inbox_overdue = Some(count(db, inbox.add(R::SlaState.eq(SlaState::Overdue.code()))).await?);
        }
        if user.has(Perm::IntakeRepNeedProcess) {
            use crate::requests::rep::RepState;
            use crate::requests::rep::entity::rep_office_request::{Column as N, Entity as Needs};
            let of = |s: RepState| Needs::find().filter(N::State.eq(s.code()));
            out.needs_waiting = Some(of(RepState::Submitted).count(db).await?);
            out.needs_answered = Some(of(RepState::FeedbackReceived).count(db).await?);
        }
        if user.has(Perm::CrmTasks) {
            out.tasks = Some(crate::tasks::service::open_of(db, user, 5).await?);
        }
        Ok(out)
    }
}

/// The 待办 counts of the signed-in account.
#[server(endpoint = "requests/todo", input = leptos::server_fn::codec::Json)]
pub async fn my_todo() -> Result<TodoCounts, crate::error::AppError> {
    use crate::auth::session::{Access, serve};
    serve(Access::Any(&[Perm::IntakeMemberRequest, Perm::BizDeptInbox, Perm::CrmTasks]), |ctx, user| async move {
        service::counts(&ctx.state.db, &user).await
    })
    .await
}

/// The panel, for accounts that take requests or answer them.
#[component]
pub fn TodoPanel() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_session_user();
    if ![Perm::IntakeMemberRequest, Perm::BizDeptInbox, Perm::CrmTasks].iter().any(|p| user.has(*p)) {
        return ().into_any();
    }
    let counts = Resource::new(|| (), |_| my_todo());
    let item = move |n: Option<u64>, href: &'static str, zh: &'static str, en: &'static str, warn: bool| {
        n.map(|n| {
            view! {
                <a class="todo-item" class:todo-warn={warn && n > 0} href=href>
                    <span class="todo-count">{n}</span>
                    <span class="todo-label">{i18n.t(zh, en)}</span>
                </a>
            }
        })
    };
    view! {
        <div class="card" data-testid="todo">
            <h2>{move || i18n.t("待办", "To do")}</h2>
            <Transition fallback=|| view! { <p class="muted">"…"</p> }>
                {move || counts.get().map(|c| match c {
                    Ok(c) => view! {
                        <div class="todo">
                            {item(c.awaiting_reply, "/requests?tab=reply", "待我回复", "Awaiting my reply", false)}
                            {item(c.handling, "/requests?tab=handling", "我处理中", "I am handling", false)}
                            {item(c.overdue, "/requests?sla=overdue", "已超时诉求", "Overdue requests", true)}
                            {item(c.inbox, "/dept/inbox", "部门待处理", "Department to handle", false)}
                            {item(c.inbox_overdue, "/dept/inbox?sla=overdue", "部门已超时", "Department overdue", true)}
                            {item(c.needs_waiting, "/rep-needs/queue", "代表处需求待受理", "Rep-office needs to take", false)}
                            {item(c.needs_answered, "/rep-needs/queue?tab=answered", "需求待反馈代表处", "Needs to answer", false)}
                            {item(c.tasks.as_ref().map(|t| t.1), "/tasks", "我的任务", "My tasks", false)}
                            {item(c.tasks.as_ref().map(|t| t.2), "/tasks", "逾期任务", "Overdue tasks", true)}
                        </div>
                        {c.tasks.map(|(rows, _, _)| (!rows.is_empty()).then(|| view! {
                            <ul class="todo-tasks" data-testid="todo-tasks">
                                {rows.into_iter().map(|t| view! {
                                    <li class:overdue=t.overdue>
                                        <a class="link" href="/tasks">{t.title.clone()}</a>
                                        <span class="muted">" · "{crate::ui::fmt_opt_time(&t.due_at)}</span>
                                        {t.overdue.then(|| view! { <span class="badge badge-red">{move || i18n.t("已逾期", "Overdue")}</span> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }))}
                    }.into_any(),
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> }.into_any(),
                })}
            </Transition>
        </div>
    }
    .into_any()
}

//! 消息中心 (PG-04) and the top bar's unread badge.
use leptos::prelude::*;

use super::api::{list_messages, mark_messages_read, unread_messages};
use super::{MessageFilter, NotificationKind, NotificationRow};
use crate::bind_filter;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::filters::SelectFilter;
use crate::ui::list::{FilterButtons, FilterForm, ListState, ListTable};
use crate::ui::{PageHeader, fmt_time};

const COLUMNS: &[(&str, &str)] = &[
    ("时间", "Time"),
    ("类型", "Kind"),
    ("标题", "Title"),
    ("内容", "Content"),
    ("状态", "Status"),
    ("操作", "Actions"),
];

const READ_STATES: &[(&str, &str, &str)] = &[("1", "未读", "Unread")];

/// How often the top bar asks for the unread count.
#[cfg(feature = "hydrate")]
const POLL_MS: u64 = 30_000;

/// The unread count shown in the top bar, refreshed every [`POLL_MS`] and after the message
/// centre marks messages read (it bumps the context's counter).
#[derive(Clone, Copy)]
pub struct UnreadRefresh(pub RwSignal<u32>);

#[component]
pub fn MessageBell() -> impl IntoView {
    let i18n = use_i18n();
    let tick = RwSignal::new(0u32);
    provide_context(UnreadRefresh(tick));
    let count = Resource::new(move || tick.get(), |_| unread_messages());
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || tick.update(|t| *t = t.wrapping_add(1)),
            std::time::Duration::from_millis(POLL_MS),
        );
        if let Ok(h) = handle {
            on_cleanup(move || h.clear());
        }
    }
    // Every read of the count is inside the Transition (a resource read outside one stalls
    // the server render of the shell).
    let bell = move |n: u64| {
        view! {
            <a class="bell" href="/messages" data-testid="bell" title=i18n.t("消息中心", "Messages")>
                {i18n.t("消息", "Messages")}
                {(n > 0).then(|| view! {
                    <span class="bell-count" data-testid="bell-count">{n.min(99)}</span>
                    <span class="sr-only">{i18n.t("条未读", " unread")}</span>
                })}
            </a>
        }
    };
    view! {
        <Transition fallback=move || bell(0)>
            {move || count.get().map(|r| bell(r.unwrap_or(0)))}
        </Transition>
    }
}

#[component]
pub fn MessagesPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<MessageFilter>::new(|_| {});
    let draft = list.draft;
    let rows = list.load(list_messages);
    let errors = Signal::derive(move || list.filter.with(|f| crate::ui::field_errors(f.validate().err().as_ref())));
    let action_error = RwSignal::new(None::<AppError>);
    let refresh = use_context::<UnreadRefresh>();
    let mark = Callback::new(move |ids: Option<Vec<i64>>| {
        leptos::task::spawn_local(async move {
            match mark_messages_read(ids).await {
                Ok(_) => {
                    action_error.set(None);
                    list.reload();
                    if let Some(r) = refresh {
                        r.0.update(|t| *t = t.wrapping_add(1));
                    }
                }
                Err(e) => action_error.set(Some(e)),
            }
        });
    });
    view! {
        <PageHeader title=("消息中心", "Messages")>
            <button type="button" class="btn" data-testid="read-all" on:click=move |_| mark.run(None)>{move || i18n.t("全部标为已读", "Mark all read")}</button>
        </PageHeader>
        <FilterForm list>
            <SelectFilter label=("消息类型", "Kind") id="kind" choices=NotificationKind::CHOICES value=bind_filter!(draft, kind) errors=errors/>
            <SelectFilter label=("状态", "Status") id="unread" choices=READ_STATES value=bind_filter!(draft, unread) errors=errors/>
            <FilterButtons list/>
        </FilterForm>
        {move || action_error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e.message(i18n.locale())}</div> })}
        <ListTable rows columns=COLUMNS on_page=list.on_page() testid="messages"
            row=move |r| view! { <Row r=r mark=mark/> }
            empty=move || view! { <p>{move || i18n.t("暂无消息", "No messages")}</p> }/>
    }
}

#[component]
fn Row(r: NotificationRow, mark: Callback<Option<Vec<i64>>>) -> impl IntoView {
    let i18n = use_i18n();
    let kind = r.kind;
    let id = r.id;
    let link = r.link_url.clone();
    view! {
        <tr class:unread=!r.read>
            <td>{fmt_time(&r.created_at)}</td>
            <td>{move || kind.label(i18n.locale())}</td>
            <td>{if link.is_empty() {
                view! { <span>{r.title.clone()}</span> }.into_any()
            } else {
                let link = link.clone();
                view! { <a class="link" href=link on:click=move |_| mark.run(Some(vec![id]))>{r.title.clone()}</a> }.into_any()
            }}</td>
            <td class="clip">{r.body.chars().take(80).collect::<String>()}</td>
            <td>{if r.read {
                view! { <span class="badge badge-gray">{move || i18n.t("已读", "Read")}</span> }.into_any()
            } else {
                view! { <span class="badge badge-blue">{move || i18n.t("未读", "Unread")}</span> }.into_any()
            }}</td>
            <td class="actions">{(!r.read).then(|| view! {
                <button type="button" class="link" on:click=move |_| mark.run(Some(vec![id]))>{move || i18n.t("标为已读", "Mark read")}</button>
            })}</td>
        </tr>
    }
}

//! PG-42 信息部 — 精准匹配: the members whose current service year has a counted item, with
//! 已提供 N/15; choosing one shows its records and the form 新增匹配记录.
use leptos::prelude::*;

use super::FulfilmentFilter;
use super::api::{list_matching, load_matches};
use super::matches::MatchingRow;
use super::track_page::MatchForm;
use crate::bind_filter;
use crate::i18n::use_i18n;
use crate::members::enums::{LEVELS, label};
use crate::ui::filters::TextFilter;
use crate::ui::list::{FilterButtons, FilterForm, ListState, ListTable};
use crate::ui::{ErrorBanner, PageHeader, fmt_time};

const COLUMNS: &[(&str, &str)] = &[
    ("企业名称", "Company"),
    ("会员级别", "Level"),
    ("组织机构", "Organisation"),
    ("服务年度", "Service year"),
    ("已提供", "Provided"),
    ("操作", "Actions"),
];

#[component]
pub fn PreciseMatchPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = ListState::<FulfilmentFilter>::new(|_| {});
    let rows = list.load(list_matching);
    let draft = list.draft;
    let chosen = RwSignal::new(None::<i64>);
    let version = RwSignal::new(0u32);
    let records = Resource::new(
        move || (chosen.get(), version.get()),
        |(c, _)| async move {
            match c {
                Some(c) => Some(load_matches(c).await),
                None => None,
            }
        },
    );
    view! {
        <PageHeader title=("精准匹配", "Precise matching")/>
        <FilterForm list keep=&[]>
            <TextFilter label=("企业名称", "Company") id="f-company" value=bind_filter!(draft, company)/>
            <TextFilter label=("登录名", "Login") id="f-login" value=bind_filter!(draft, login)/>
            <FilterButtons list/>
        </FilterForm>
        <ListTable rows columns=COLUMNS on_page=list.on_page() testid="matching-list"
            row=move |r| view! { <Row r=r chosen=chosen/> }
            empty=move || view! {
                <p>{move || i18n.t("没有当前服务年度含精准匹配项目的会员", "No member's current year has a counted item")}</p>
            }/>
        <Transition fallback=|| ()>
            {move || records.get().flatten().map(|r| match r {
                Err(e) => view! { <ErrorBanner error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                Ok(m) => {
                    let customer = m.customer_id;
                    view! {
                        <div class="card" data-testid="member-matches">
                            <h2>{m.company_name.clone()}" · "{m.item_name.clone()}" "
                                <span class="badge">{format!("已提供 {} 条 / {} 条", m.provided, m.target)}</span></h2>
                            <p class="muted">{format!("服务年度 {} ~ {}", m.year.start, m.year.end)}</p>
                            {if m.records.is_empty() {
                                view! { <p class="empty">{move || i18n.t("本服务年度尚无匹配记录", "No records this year")}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="data">
                                        <thead><tr><th>"#"</th><th>{move || i18n.t("匹配信息标题", "Title")}</th>
                                            <th>{move || i18n.t("匹配企业", "Counterpart")}</th><th>{move || i18n.t("提供时间", "Provided")}</th>
                                            <th>{move || i18n.t("提供人", "By")}</th></tr></thead>
                                        <tbody>{m.records.into_iter().map(|x| view! {
                                            <tr><td>{x.seq_no}</td><td>{x.title}</td><td>{x.counterpart_company}</td>
                                                <td>{fmt_time(&x.provided_at)}</td><td>{x.provided_by}</td></tr>
                                        }).collect_view()}</tbody>
                                    </table>
                                }.into_any()
                            }}
                        </div>
                        {(m.provided < m.target).then(|| view! {
                            <MatchForm customer=customer now=m.now.clone() on_saved=Callback::new(move |()| {
                                version.update(|v| *v += 1);
                                list.reload();
                            })/>
                        })}
                    }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn Row(r: MatchingRow, chosen: RwSignal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let level = r.row.member_level.clone();
    let id = r.row.customer_id;
    view! {
        <tr class:selected=move || chosen.get() == Some(id)>
            <td>{r.row.company_name.clone()}</td>
            <td>{move || { let (zh, en) = label(LEVELS, &level); i18n.t(zh, en) }}</td>
            <td>{r.row.org_name.clone()}</td>
            <td>{format!("{} ~ {}", r.row.period_start, r.row.period_end)}</td>
            <td>{format!("{} / {}", r.provided, r.target)}</td>
            <td class="actions">
                <button type="button" class="btn btn-small" data-testid="match-open" on:click=move |_| chosen.set(Some(id))>
                    {move || i18n.t("新增匹配记录", "Add a record")}
                </button>
            </td>
        </tr>
    }
}

//! 组织机构, the filter field of the member query panels that needs the user's scope (the
//! generic fields are the list kit's, `crate::ui::filters`).
use leptos::prelude::*;

use super::QueryChoices;
use crate::error::AppError;
use crate::i18n::use_i18n;

/// 组织机构: HQ and the rep offices in the user's scope; locked to the user's own office when
/// that is all it may see.
#[component]
pub fn OrgFilter(
    choices: Resource<Result<QueryChoices, AppError>>,
    #[prop(into)] value: Signal<Option<i64>>,
    on_change: Callback<Option<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="filter-item">
            <label for="f-org">{move || i18n.t("组织机构", "Organisation")}</label>
            <Transition fallback=|| view! { <select id="f-org" disabled=true></select> }>
                {move || choices.get().map(|c| match c {
                    Ok(c) => {
                        let locked = c.locked_org;
                        view! {
                            <select id="f-org" name="org" disabled=locked.is_some() on:change=move |ev| on_change.run(event_target_value(&ev).parse().ok())>
                                {locked.is_none().then(|| view! { <option value="">{move || i18n.t("全部", "All")}</option> })}
                                {c.orgs.into_iter().map(|o| view! {
                                    <option value=o.id.to_string() selected=move || locked == Some(o.id) || value.get() == Some(o.id)>{o.name}</option>
                                }).collect_view()}
                            </select>
                        }.into_any()
                    }
                    Err(e) => view! { <span class="field-error">{e.message(i18n.locale())}</span> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

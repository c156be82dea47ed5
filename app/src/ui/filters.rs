//! The fields of a list page's filter form (see `list`): text, enumeration and date range,
//! each with its label, its URL name and the field's error under it.
use leptos::prelude::*;

use super::ChoiceSelect;
use super::list::FilterField;
use crate::error::{AppError, FieldErrors};
use crate::i18n::use_i18n;

#[component]
pub fn TextFilter(
    label: (&'static str, &'static str),
    id: &'static str,
    value: FilterField,
    #[prop(optional)] placeholder: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="filter-item">
            <label for=id>{move || i18n.t(label.0, label.1)}</label>
            <input id=id type="search" name=value.name value=value.value prop:value=value.value
                placeholder=move || placeholder.map(|p| i18n.t(p.0, p.1)).unwrap_or_default()
                on:input=move |ev| value.set.run(event_target_value(&ev))/>
        </div>
    }
}

#[component]
pub fn SelectFilter(
    label: (&'static str, &'static str),
    id: &'static str,
    choices: &'static [(&'static str, &'static str, &'static str)],
    value: FilterField,
    errors: Signal<FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="filter-item">
            <label for=id>{move || i18n.t(label.0, label.1)}</label>
            <div>
                <ChoiceSelect id=id name=value.name choices=choices value=value.value on_change=value.set/>
                <FieldError id=id errors=errors/>
            </div>
        </div>
    }
}

#[component]
pub fn FieldError(#[prop(into)] id: String, errors: Signal<FieldErrors>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        errors
            .with(|e| e.get(&id).map(|t| t.get(i18n.locale()).to_string()))
            .map(|m| view! { <div class="field-error" role="alert">{m}</div> })
    }
}

/// 起 – 止 dates (inclusive).
#[component]
pub fn DateRange(
    label: (&'static str, &'static str),
    id: &'static str,
    from: FilterField,
    to: FilterField,
    errors: Signal<FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    let from_id = format!("{id}_from");
    let to_id = format!("{id}_to");
    view! {
        <div class="filter-item filter-range">
            <label for=from_id.clone()>{move || i18n.t(label.0, label.1)}</label>
            <div>
                <div class="range">
                    <input id=from_id type="date" name=from.name value=from.value prop:value=from.value on:input=move |ev| from.set.run(event_target_value(&ev))
                        aria-label=move || format!("{} {}", i18n.t(label.0, label.1), i18n.t("起", "from"))/>
                    <span aria-hidden="true">"–"</span>
                    <input id=to_id type="date" name=to.name value=to.value prop:value=to.value on:input=move |ev| to.set.run(event_target_value(&ev))
                        aria-label=move || format!("{} {}", i18n.t(label.0, label.1), i18n.t("止", "to"))/>
                </div>
                <FieldError id=format!("{id}_from") errors=errors/>
            </div>
        </div>
    }
}

/// A `YYYY-MM-DD` range filter: each end a date, the start not after the end (one error on
/// `field`).
pub fn check_date_range(e: &mut crate::error::FieldErrors, field: &str, from: &str, to: &str) {
    let parse = |s: &str| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d");
    let (f, t) = (from.trim(), to.trim());
    let bad = |s: &str| !s.is_empty() && parse(s).is_err();
    if bad(f) || bad(t) {
        e.add(field, "日期格式应为 YYYY-MM-DD", "Use the format YYYY-MM-DD");
    } else if let (Ok(a), Ok(b)) = (parse(f), parse(t))
        && a > b
    {
        e.add(field, "开始日期不能晚于结束日期", "The start date is after the end date");
    }
}

/// A filter on an id (an organisation, an account, a category) whose choices come with the
/// page's options: `pick` takes them out; 全部 is `None`.
#[component]
pub fn IdFilter<T>(
    label: (&'static str, &'static str),
    id: &'static str,
    options: Resource<Result<T, AppError>>,
    pick: fn(&T) -> Vec<(i64, String)>,
    #[prop(into)] value: Signal<Option<i64>>,
    on_change: Callback<Option<i64>>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    view! {
        <div class="filter-item">
            <label for=id>{move || i18n.t(label.0, label.1)}</label>
            <Transition fallback=move || view! { <select id=id disabled=true></select> }>
                {move || options.get().map(|o| {
                    let choices = o.as_ref().map(pick).unwrap_or_default();
                    view! {
                        <select id=id name=id on:change=move |ev| on_change.run(event_target_value(&ev).parse().ok())>
                            <option value="">{move || i18n.t("全部", "All")}</option>
                            {choices.into_iter().map(|(k, name)| view! {
                                <option value=k.to_string() selected=move || value.get() == Some(k)>{name}</option>
                            }).collect_view()}
                        </select>
                    }
                })}
            </Transition>
        </div>
    }
}

/// Several values of one field, as chips to tick: comma-separated in the draft, one
/// `name=value` per ticked box in a form submitted before hydration (the URL filter joins
/// them again). `choices` are (code, 中文, English).
#[component]
pub fn ChecksFilter(
    label: (&'static str, &'static str),
    id: &'static str,
    #[prop(into)] choices: Signal<Vec<(String, String, String)>>,
    value: FilterField,
    errors: Signal<FieldErrors>,
    /// Shown, not editable (a rep office's own organisation).
    #[prop(optional, into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let has = move |code: &str| value.value.with(|v| v.split(',').any(|x| x == code));
    let toggle = move |code: String| {
        let mut picked: Vec<String> =
            value.value.get_untracked().split(',').filter(|s| !s.is_empty()).map(String::from).collect();
        if let Some(i) = picked.iter().position(|x| *x == code) {
            picked.remove(i);
        } else {
            picked.push(code);
        }
        value.set.run(picked.join(","));
    };
    view! {
        <div class="filter-item filter-checks">
            <span class="label" id=format!("{id}-label")>{move || i18n.t(label.0, label.1)}</span>
            <div>
                <div class="chips" role="group" aria-labelledby=format!("{id}-label")>
                    {move || choices.get().into_iter().map(|(code, zh, en)| {
                        let (c1, c2, c3) = (code.clone(), code.clone(), code.clone());
                        view! {
                            <label class="chip" class:on=move || has(&c1)>
                                <input type="checkbox" name=value.name value=code.clone() disabled=disabled
                                    checked=move || has(&c2) prop:checked=move || has(&c3)
                                    on:change=move |_| toggle(code.clone())/>
                                {move || if i18n.locale() == crate::i18n::Locale::Zh { zh.clone() } else { en.clone() }}
                            </label>
                        }
                    }).collect_view()}
                </div>
                <FieldError id=id errors=errors/>
            </div>
        </div>
    }
}

//! Three cascading selects over a tree dictionary: 区域 (省/市/区) or 行业分类 (一级/二级/三级).
//! Choosing a higher level alone is allowed (a filter then matches all descendants).
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::members::TreeNode;

/// Children of a region or industry node (`kind` = `region` | `industry`; top level for
/// `None`), active nodes only.
#[server(endpoint = "dict/tree", input = Json)]
pub async fn tree_children(kind: String, parent: Option<i64>) -> Result<Vec<TreeNode>, AppError> {
    crate::auth::session::serve(crate::auth::session::Access::Login, |ctx, _| async move {
        crate::members::service::tree_children(&ctx.state.db, &kind, parent).await
    })
    .await
}

/// The level labels of the two trees.
pub const REGION_LEVELS: [(&str, &str); 3] = [("省", "Province"), ("市", "City"), ("区/县", "District")];
pub const INDUSTRY_LEVELS: [(&str, &str); 3] =
    [("一级行业", "Level 1"), ("二级行业", "Level 2"), ("三级行业", "Level 3")];

/// `value` holds the chosen ids from the top level down; a change of one level clears the
/// levels below it.
#[component]
pub fn TreeSelect(
    kind: &'static str,
    id: &'static str,
    levels: [(&'static str, &'static str); 3],
    #[prop(into)] value: Signal<[Option<i64>; 3]>,
    on_change: Callback<[Option<i64>; 3]>,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// Form field names of the three levels (filters: their URL parameters).
    #[prop(default = None)]
    names: Option<[&'static str; 3]>,
) -> impl IntoView {
    let i18n = use_i18n();
    let load = move |parent: Option<i64>, enabled: bool| async move {
        if enabled { tree_children(kind.to_string(), parent).await } else { Ok(vec![]) }
    };
    let l1 = Resource::new(|| (), move |_| load(None, true));
    let l2 = Resource::new(move || value.with(|v| v[0]), move |p| load(p, p.is_some()));
    let l3 = Resource::new(move || value.with(|v| v[1]), move |p| load(p, p.is_some()));
    let options = move |list: Option<Result<Vec<TreeNode>, AppError>>, level: usize| {
        list.and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|n| {
                let selected = move || value.with(|v| v[level] == Some(n.id));
                view! { <option value=n.id.to_string() selected=selected>{n.name}</option> }
            })
            .collect_view()
    };
    let set = move |level: usize, raw: String| {
        let mut v = value.get_untracked();
        v[level] = raw.parse().ok();
        for lower in v.iter_mut().skip(level + 1) {
            *lower = None;
        }
        on_change.run(v);
    };
    let ids = [id.to_string(), format!("{id}-2"), format!("{id}-3")];
    let resources = [l1, l2, l3];
    view! {
        <div class="cascade">
            {(0..3)
                .map(|level| {
                    let res = resources[level];
                    let off = move || disabled.get() || (level > 0 && value.with(|v| v[level - 1].is_none()));
                    view! {
                        <select
                            id=ids[level].clone()
                            name=names.map(|n| n[level])
                            aria-label=move || i18n.t(levels[level].0, levels[level].1)
                            disabled=off
                            on:change=move |ev| set(level, event_target_value(&ev))
                        >
                            <option value="">{move || i18n.t(levels[level].0, levels[level].1)}</option>
                            <Transition fallback=|| ()>{move || options(res.get(), level)}</Transition>
                        </select>
                    }
                })
                .collect_view()}
        </div>
    }
}

//! 流失风险 高/中/低 beside a member: the 360° page and the intake panel read the level the
//! churn evaluation caches on the member.
use leptos::prelude::*;

use super::enums::RiskLevel;
use crate::i18n::use_i18n;

/// 流失风险 高/中/低 beside a member (the 360° page, the intake panel), linking to the warning.
#[component]
pub fn ChurnBadge(level: String, company: String) -> impl IntoView {
    let i18n = use_i18n();
    RiskLevel::parse(&level).map(|l| {
        let href = format!("/churn?company={}", crate::url::urlencode(&company));
        view! {
            <a class=format!("{} churn-badge", l.badge()) href=href data-testid="churn-badge"
                title=move || i18n.t("该会员有未处理的流失预警", "This member has an open churn warning")>
                {move || format!("{} {}", i18n.t("流失风险", "Churn risk"), l.label(i18n.locale()))}
            </a>
        }
    })
}

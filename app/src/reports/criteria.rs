//! A report's criteria as its header states them, in both languages.
use std::collections::HashMap;

use chrono::NaiveDate;

use super::{Field, PushSource, ReportFilter, ReportKind, ResultFilter, level_text, list};
use crate::error::Text;
use crate::members::enums::INFO_TYPES;

/// The criteria of a report: (label, value) in both languages.
pub fn criteria(
    f: &ReportFilter,
    kind: ReportKind,
    from: NaiveDate,
    to: NaiveDate,
    orgs: &HashMap<i64, String>,
) -> Vec<(Text, Text)> {
    let t = |zh: &str, en: &str| Text::new(zh, en);
    let (tz, te) = kind.time_label();
    let preset = f.preset();
    let mut out = vec![
        (t("报表类型", "Report"), t(kind.zh(), kind.en())),
        (t(tz, te), Text::new(format!("{} {from} 至 {to}", preset.zh()), format!("{} {from} – {to}", preset.en()))),
        (t("统计粒度", "Grain"), t(f.grain().zh(), f.grain().en())),
    ];
    let labels = |codes: &str, label: &dyn Fn(&str) -> Option<Text>| -> Option<Text> {
        let picked: Vec<Text> = list(codes).into_iter().filter_map(label).collect();
        (!picked.is_empty()).then(|| {
            Text::new(
                picked.iter().map(|x| x.zh.as_str()).collect::<Vec<_>>().join("、"),
                picked.iter().map(|x| x.en.as_str()).collect::<Vec<_>>().join(", "),
            )
        })
    };
    let all = || t("全部", "All");
    for field in kind.fields() {
        let (label, value) = match field {
            Field::Orgs => (
                t("组织结构", "Organisation"),
                labels(&f.orgs, &|id| id.parse().ok().and_then(|id: i64| orgs.get(&id)).map(|n| Text::new(n, n))),
            ),
            Field::Levels => (t("会员级别", "Member level"), labels(&f.levels, &|c| Some(level_text(c)))),
            Field::HandlingStatus => (
                t("解决状态", "Status"),
                labels(&f.handling_status, &|c| crate::requests::HandlingStatus::parse(c).map(|s| t(s.zh(), s.en()))),
            ),
            Field::RequestType => (
                t("诉求类别", "Category"),
                labels(&f.request_type, &|c| crate::requests::RequestType::parse(c).map(|s| t(s.zh(), s.en()))),
            ),
            Field::ServiceResult => {
                (t("服务结果", "Result"), labels(&f.result, &|c| ResultFilter::parse(c).map(|s| t(s.zh(), s.en()))))
            }
            Field::Satisfaction => (
                t("满意程度", "Satisfaction"),
                labels(&f.satisfaction, &|c| {
                    crate::callbacks::Satisfaction::parse(c)
                        .map(|s| t(s.zh(), s.en()))
                        .or_else(|| (c == super::NONE).then(|| t("未评价", "Not rated")))
                }),
            ),
            Field::InfoTypes => (
                t("信息发布类别", "Information type"),
                labels(&f.info_types, &|c| INFO_TYPES.iter().find(|x| x.0 == c).map(|x| t(x.1, x.2))),
            ),
            Field::Metric => {
                let m = f.metric();
                (t("统计指标", "Metric"), Some(t(m.zh(), m.en())))
            }
            Field::Source => {
                (t("来源", "Source"), labels(&f.source, &|c| PushSource::parse(c).map(|s| t(s.zh(), s.en()))))
            }
            Field::ByLevel => {
                (t("按会员级别分行", "Rows by level"), Some(if f.by_level() { t("是", "Yes") } else { t("否", "No") }))
            }
        };
        out.push((label, value.unwrap_or_else(all)));
    }
    out
}

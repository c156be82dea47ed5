//! PG-37's rules for a scheme (SPEC §6.7), shared by the grid (the live 合计 and the errors
//! shown before a round trip) and the server (which decides).
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{ApplyTo, ItemInput, ItemKind, LevelItems, Pct, SchemeInput, item_key};
use crate::error::{AppError, FieldErrors};
use crate::members::enums::MemberLevel;

/// 项目名称 at most this many characters.
pub const NAME_MAX: usize = 100;
/// 单位 at most this many characters.
pub const UNIT_MAX: usize = 10;
/// A counted item's target at most this (a year of daily deliveries).
pub const TARGET_MAX: i32 = 366;

/// An item that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidItem {
    pub name: String,
    pub weight: Pct,
    pub kind: ItemKind,
    pub target: Option<i32>,
    pub unit: Option<String>,
    pub linked_email_kind: Option<String>,
    pub description: Option<String>,
}

/// A scheme that passed the checks: each level's items in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidScheme {
    pub levels: Vec<(MemberLevel, Vec<ValidItem>)>,
    pub effective_from: NaiveDate,
    pub apply_to: ApplyTo,
    pub note: Option<String>,
}

/// The level's name as the messages say it: "金牌会员".
pub fn level_name(level: MemberLevel) -> (String, String) {
    let (zh, en) = (level.label(crate::i18n::Locale::Zh), level.label(crate::i18n::Locale::En));
    (format!("{zh}会员"), format!("{en} members"))
}

/// A trimmed text, `None` when empty.
fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// 合计 of the weights typed so far (rows whose weight is not a number count as 0).
pub fn total(items: &[ItemInput]) -> Pct {
    Pct(items.iter().filter_map(|i| Pct::parse(&i.weight)).map(|p| p.0).sum())
}

/// §6.7 rule 3: a counted item whose weight ÷ target is not a whole or half percent (a
/// warning, not an error). Answers the step when it is odd.
pub fn odd_step(item: &ItemInput) -> Option<Decimal> {
    let kind = ItemKind::parse(&item.kind)?;
    if kind != ItemKind::Counted {
        return None;
    }
    let w = Pct::parse(&item.weight)?;
    let t: i32 = item.target.trim().parse().ok().filter(|t| *t >= 1)?;
    let step = w.decimal() / Decimal::from(t);
    let halves = step * Decimal::from(2);
    (halves.fract() != Decimal::ZERO).then(|| step.round_dp(4))
}

fn check_item(e: &mut FieldErrors, level: &str, row: usize, i: &ItemInput) -> Option<ValidItem> {
    let key = |f: &str| item_key(level, row, f);
    let name = i.name.trim();
    let n = name.chars().count();
    if n == 0 {
        e.add(&key("name"), "请填写项目名称", "Enter the item's name");
    } else if n > NAME_MAX {
        e.add(&key("name"), &format!("最多 {NAME_MAX} 个字(现 {n} 个)"), &format!("At most {NAME_MAX} characters"));
    }
    let weight = Pct::parse(&i.weight);
    match weight {
        None if i.weight.trim().is_empty() => e.add(&key("weight"), "请填写履约比重", "Enter the weight"),
        None => e.add(&key("weight"), "履约比重须为数字,最多两位小数", "A number with at most two decimals"),
        Some(w) if w <= Pct::ZERO || w > Pct::FULL => {
            e.add(&key("weight"), "履约比重须大于 0 且不超过 100", "Above 0 and at most 100")
        }
        Some(_) => {}
    }
    let kind = ItemKind::parse(&i.kind);
    if kind.is_none() {
        e.add(&key("kind"), "请选择项目类型", "Choose the item's kind");
    }
    let target = match kind {
        Some(k) if k.has_target() => {
            let t = i.target.trim().parse::<i32>().ok().filter(|t| (1..=TARGET_MAX).contains(t));
            if t.is_none() {
                e.add(
                    &key("target"),
                    &format!("计数类项目须填写 1 到 {TARGET_MAX} 的整数目标数量"),
                    &format!("Counted items need a whole target from 1 to {TARGET_MAX}"),
                );
            }
            t
        }
        _ => {
            if !i.target.trim().is_empty() {
                e.add(&key("target"), "普通项目不填目标数量", "Simple items take no target");
            }
            None
        }
    };
    let unit = i.unit.trim();
    if unit.chars().count() > UNIT_MAX {
        e.add(&key("unit"), &format!("单位最多 {UNIT_MAX} 个字"), &format!("At most {UNIT_MAX} characters"));
    }
    let mail = i.linked_email_kind.trim();
    if !mail.is_empty() && crate::emails::EmailKind::parse(mail).is_none() {
        e.add(&key("linked_email_kind"), "请从列表中选择邮件类型", "Choose an e-mail kind from the list");
    }
    Some(ValidItem {
        name: name.to_string(),
        weight: weight?,
        kind: kind?,
        target,
        unit: (!unit.is_empty()).then(|| unit.to_string()),
        linked_email_kind: (!mail.is_empty()).then(|| mail.to_string()),
        description: opt(&i.description),
    })
}

impl SchemeInput {
    /// SPEC §6.7 rules 1, 2 and 4 (with the date and the scope of 保存): every row's fields,
    /// names unique within a level, Σ 履约比重 = 100.00 exactly per level with items, and at
    /// least one item for every paid level. All errors at once, each on its field.
    pub fn validate(&self, today: NaiveDate) -> Result<ValidScheme, AppError> {
        let mut e = FieldErrors::default();
        let mut levels = vec![];
        for level in MemberLevel::ALL.iter().copied() {
            let code = level.code();
            let rows: &[ItemInput] =
                self.levels.iter().find(|l| l.level == code).map(|l| l.items.as_slice()).unwrap_or(&[]);
            let (zh, en) = level_name(level);
            if rows.is_empty() {
                if level.is_paid() {
                    e.add(code, &format!("【{zh}】至少需要一个履约项目"), &format!("[{en}] needs at least one item"));
                }
                levels.push((level, vec![]));
                continue;
            }
            let mut items = vec![];
            let mut seen = std::collections::HashSet::new();
            for (row, input) in rows.iter().enumerate() {
                if !input.name.trim().is_empty() && !seen.insert(input.name.trim().to_string()) {
                    e.add(
                        &item_key(code, row, "name"),
                        "同一级别内项目名称不能重复",
                        "Names must differ within a level",
                    );
                }
                if let Some(v) = check_item(&mut e, code, row, input) {
                    items.push(v);
                }
            }
            let sum = total(rows);
            if sum != Pct::FULL {
                e.add(
                    code,
                    &format!("【{zh}】履约比重合计须为100%,当前为 {sum}"),
                    &format!("[{en}] weights must total 100%, now {sum}"),
                );
            }
            levels.push((level, items));
        }
        if self.levels.iter().any(|l| MemberLevel::parse(&l.level).is_none()) {
            e.add("levels", "含有未知的会员级别", "Unknown member level");
        }
        let effective_from = NaiveDate::parse_from_str(self.effective_from.trim(), "%Y-%m-%d").ok();
        match effective_from {
            None => e.add("effective_from", "请选择生效日期", "Choose the date it takes effect"),
            Some(d) if d < today => {
                e.add("effective_from", "生效日期不能早于今天", "It cannot take effect in the past")
            }
            Some(_) => {}
        }
        let apply_to = ApplyTo::parse(&self.apply_to);
        if apply_to.is_none() {
            e.add("apply_to", "请选择应用范围", "Choose what the scheme applies to");
        }
        if self.note.trim().chars().count() > 255 {
            e.add("note", "说明最多 255 个字", "At most 255 characters");
        }
        e.into_result()?;
        Ok(ValidScheme {
            levels,
            effective_from: effective_from.unwrap_or(today),
            apply_to: apply_to.unwrap_or(ApplyTo::NewYears),
            note: opt(&self.note),
        })
    }
}

impl LevelItems {
    /// The rows of `level` in a list of levels (empty when absent).
    pub fn of(levels: &[LevelItems], level: MemberLevel) -> Vec<ItemInput> {
        levels.iter().find(|l| l.level == level.code()).map(|l| l.items.clone()).unwrap_or_default()
    }
}

/// What changed from `old` to `new`, a line per change ("【金牌会员】「首页推荐」履约比重 20% →
/// 25%"): the operation log's diff and the version history's.
pub fn diff(old: &[LevelItems], new: &[LevelItems]) -> Vec<String> {
    let mut lines = vec![];
    for level in MemberLevel::ALL.iter().copied() {
        let (zh, _) = level_name(level);
        let (a, b) = (LevelItems::of(old, level), LevelItems::of(new, level));
        for o in &a {
            match b.iter().find(|n| n.name.trim() == o.name.trim()) {
                None => lines.push(format!("【{zh}】删除「{}」", o.name.trim())),
                Some(n) => {
                    let (wo, wn) = (Pct::parse(&o.weight), Pct::parse(&n.weight));
                    if wo != wn {
                        let show = |w: Option<Pct>| w.map(|w| w.to_string()).unwrap_or_default();
                        lines.push(format!("【{zh}】「{}」履约比重 {} → {}", o.name.trim(), show(wo), show(wn)));
                    }
                    if o.kind != n.kind || o.target.trim() != n.target.trim() {
                        let kind = |k: &str, t: &str| {
                            let k = ItemKind::parse(k).map(|k| k.label(crate::i18n::Locale::Zh)).unwrap_or("?");
                            if t.trim().is_empty() { k.to_string() } else { format!("{k}({})", t.trim()) }
                        };
                        lines.push(format!(
                            "【{zh}】「{}」项目类型 {} → {}",
                            o.name.trim(),
                            kind(&o.kind, &o.target),
                            kind(&n.kind, &n.target)
                        ));
                    }
                }
            }
        }
        for n in b.iter().filter(|n| !a.iter().any(|o| o.name.trim() == n.name.trim())) {
            let w = Pct::parse(&n.weight).map(|w| w.to_string()).unwrap_or_default();
            lines.push(format!("【{zh}】新增「{}」{w}", n.name.trim()));
        }
        let order = |l: &[ItemInput]| l.iter().map(|i| i.name.trim().to_string()).collect::<Vec<_>>();
        let (oa, ob) = (order(&a), order(&b));
        let kept: Vec<_> = ob.iter().filter(|n| oa.contains(n)).collect();
        let before: Vec<_> = oa.iter().filter(|n| ob.contains(n)).collect();
        if kept != before {
            lines.push(format!("【{zh}】项目顺序调整"));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(name: &str, weight: &str, kind: ItemKind, target: &str) -> ItemInput {
        ItemInput {
            name: name.into(),
            weight: weight.into(),
            kind: kind.code().into(),
            target: target.into(),
            ..Default::default()
        }
    }

    fn scheme(gold: Vec<ItemInput>) -> SchemeInput {
        let one = |l: MemberLevel| LevelItems {
            level: l.code().into(),
            items: vec![item("首页推荐", "100", ItemKind::Simple, "")],
        };
        let mut levels: Vec<LevelItems> = MemberLevel::ALL.iter().copied().filter(|l| l.is_paid()).map(one).collect();
        levels.retain(|l| l.level != MemberLevel::Gold.code());
        levels.push(LevelItems { level: MemberLevel::Gold.code().into(), items: gold });
        SchemeInput {
            base_version: 1,
            levels,
            effective_from: "2026-12-07".into(),
            apply_to: ApplyTo::NewYears.code().into(),
            note: String::new(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    fn error(s: &SchemeInput, key: &str) -> Option<String> {
        match s.validate(today()) {
            Err(e) => e.field_errors().and_then(|f| f.get(key)).map(|t| t.get(crate::i18n::Locale::Zh).to_string()),
            Ok(_) => None,
        }
    }

    #[test]
    fn weights_must_total_exactly_one_hundred() {
        let two =
            |a: &str, b: &str| scheme(vec![item("甲", a, ItemKind::Simple, ""), item("乙", b, ItemKind::Simple, "")]);
        assert!(two("50", "50").validate(today()).is_ok());
        assert!(two("33.33", "66.67").validate(today()).is_ok());
        assert_eq!(
            error(&two("50", "49.99"), "gold").as_deref(),
            Some("【金牌会员】履约比重合计须为100%,当前为 99.99%")
        );
        assert_eq!(
            error(&two("50", "50.01"), "gold").as_deref(),
            Some("【金牌会员】履约比重合计须为100%,当前为 100.01%")
        );
        assert_eq!(error(&two("45", "56"), "gold").as_deref(), Some("【金牌会员】履约比重合计须为100%,当前为 101%"));
    }

    #[test]
    fn a_weight_is_positive_with_two_decimals_at_most() {
        let one = |w: &str| scheme(vec![item("甲", w, ItemKind::Simple, ""), item("乙", "50", ItemKind::Simple, "")]);
        assert!(error(&one("0"), "gold.0.weight").is_some());
        assert!(error(&one("-50"), "gold.0.weight").is_some());
        assert!(error(&one("50.001"), "gold.0.weight").is_some());
        assert!(error(&one("abc"), "gold.0.weight").is_some());
        assert!(error(&one("1e2"), "gold.0.weight").is_some());
        assert!(error(&one("50.000"), "gold.0.weight").is_none());
        assert!(error(&one("50%"), "gold.0.weight").is_none());
    }

    #[test]
    fn counted_items_need_a_target_and_names_differ() {
        let s = scheme(vec![item("甲", "50", ItemKind::Counted, ""), item("甲", "50", ItemKind::Simple, "3")]);
        assert!(error(&s, "gold.0.target").is_some());
        assert!(error(&s, "gold.1.target").is_some());
        assert!(error(&s, "gold.1.name").is_some());
        let empty = SchemeInput { levels: vec![], ..scheme(vec![]) };
        assert!(error(&empty, "ordinary").is_some());
        assert!(error(&empty, "free").is_none());
    }

    #[test]
    fn an_odd_step_warns() {
        assert_eq!(odd_step(&item("精准贸易匹配", "15", ItemKind::Counted, "15")), None);
        assert_eq!(odd_step(&item("x", "15", ItemKind::Counted, "30")), None);
        assert!(odd_step(&item("x", "10", ItemKind::Counted, "15")).is_some());
        assert_eq!(odd_step(&item("x", "10", ItemKind::Simple, "")), None);
    }

    #[test]
    fn the_diff_names_each_change() {
        let old = vec![LevelItems {
            level: "gold".into(),
            items: vec![item("甲", "50", ItemKind::Simple, ""), item("乙", "50", ItemKind::Simple, "")],
        }];
        let new = vec![LevelItems {
            level: "gold".into(),
            items: vec![item("甲", "45", ItemKind::Simple, ""), item("丙", "55", ItemKind::Counted, "5")],
        }];
        assert_eq!(
            diff(&old, &new),
            ["【金牌会员】「甲」履约比重 50% → 45%", "【金牌会员】删除「乙」", "【金牌会员】新增「丙」55%"]
        );
        assert!(diff(&old, &old).is_empty());
    }
}

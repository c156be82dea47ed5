//! The filter of 会员资料及服务查询, kept in the URL so a view can be bookmarked: every field
//! maps to one query parameter; empty fields are left out.

use super::enums::{self, Choice};
use crate::error::FieldErrors;

use crate::ui::list::url_filter;

url_filter! {
    /// Every filter of PG-10 会员资料及服务查询 (SPEC §5.2).
    MemberFilter;
    text {
        company = "company", email = "email", login = "login", phone_fixed = "tel", phone_mobile = "mobile",
        registered_from = "reg_from", registered_to = "reg_to", start_from = "start_from", start_to = "start_to",
        end_from = "end_from", end_to = "end_to", service_from = "svc_from", service_to = "svc_to",
        customer_type = "type", enterprise_status = "status", category = "category", level = "level",
        expiry = "expiry", push = "push", service_mode = "mode", service_dept = "dept", service_type = "svc_type",
        service_result = "result", fulfilment = "fulfil", info_source = "source", qa_status = "qa", qa_result = "qa_result",
        view = "view", sort = "sort", has_email = "has_email", avatar = "avatar", reg_source = "reg_source",
        callback_from = "cb_from", callback_to = "cb_to", idle_days = "idle", callback_content = "cb_content",
        record_callback = "cbr", record_content = "cbr_content", record_reach = "cbr_reach", record_rating = "cbr_sat",
    }
    id {
        province = "prov", city = "city", district = "district", org = "org",
        industry1 = "ind1", industry2 = "ind2", industry3 = "ind3", service_org = "svc_org",
    }
}

url_filter! {
    /// The filters of 会员发布信息查询 (PG-13/14) and 信息推送邮件查询 (PG-17/18): the member's
    /// (company, login, e-mail, level, region, organisation, …) and the item's own.
    InfoFilter;
    text {
        company = "company", login = "login", email = "email", title = "title", info_type = "info_type",
        info_status = "status", level = "level", has_email = "has_email", reg_source = "reg_source", avatar = "avatar",
        from = "from", to = "to", expires_from = "exp_from", expires_to = "exp_to", push_status = "push_status",
    }
    id {
        province = "prov", city = "city", district = "district", org = "org",
        industry1 = "ind1", industry2 = "ind2", industry3 = "ind3", customer = "customer",
    }
}

impl InfoFilter {
    /// The member side of the filter, as the member query reads it.
    pub fn member(&self) -> MemberFilter {
        MemberFilter {
            company: self.company.clone(),
            login: self.login.clone(),
            email: self.email.clone(),
            level: self.level.clone(),
            has_email: self.has_email.clone(),
            avatar: self.avatar.clone(),
            reg_source: self.reg_source.clone(),
            province: self.province,
            city: self.city,
            district: self.district,
            org: self.org,
            ..MemberFilter::default()
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut e = self.member().validate();
        let codes: [(&str, &str, &[Choice]); 3] = [
            ("info_type", &self.info_type, enums::INFO_TYPES),
            ("status", &self.info_status, enums::INFO_STATUSES),
            ("push_status", &self.push_status, enums::PUSH_STATUSES),
        ];
        for (field, v, list) in codes {
            if !v.is_empty() && !enums::valid(list, v) {
                e.add(field, "请从列表中选择", "Pick a value from the list");
            }
        }
        for (field, from, to) in [("from", &self.from, &self.to), ("exp_from", &self.expires_from, &self.expires_to)] {
            crate::ui::filters::check_date_range(&mut e, field, from, to);
        }
        text_length_errors(&mut e, &[("title", &self.title)]);
        e
    }
}

/// Longest text a filter takes: no stored name, title or address is longer, so a longer query
/// could only find nothing (and would cost an index lookup per character).
pub const MAX_FILTER_TEXT: usize = 300;

fn text_length_errors(e: &mut FieldErrors, fields: &[(&str, &str)]) {
    for (field, v) in fields {
        if v.chars().count() > MAX_FILTER_TEXT {
            e.add(
                field,
                &format!("查询内容过长(最多 {MAX_FILTER_TEXT} 个字符)"),
                &format!("Too long to search (at most {MAX_FILTER_TEXT} characters)"),
            );
        }
    }
}

/// Sortable columns: URL value, and whether it needs the service record.
pub const SORTS: [&str; 9] =
    ["service_at", "company", "level", "registered", "start", "end", "points", "org", "callback"];

/// The longest 未回访天数 a filter takes (ten years).
pub const MAX_IDLE_DAYS: i64 = 3650;

impl MemberFilter {
    /// 按会员 (one row per member) instead of 服务明细.
    pub fn by_member(&self) -> bool {
        self.view == "members"
    }

    /// The sort column and direction: `sort` is `column` or `-column` (descending); the
    /// default is service time, newest first.
    pub fn sort_key(&self) -> (&str, bool) {
        match self.sort.strip_prefix('-') {
            Some(c) if SORTS.contains(&c) => (c, true),
            None if SORTS.contains(&self.sort.as_str()) => (self.sort.as_str(), false),
            _ => ("service_at", true),
        }
    }

    /// The member levels asked for (会员级别 allows several, comma-separated).
    pub fn levels(&self) -> Vec<&str> {
        self.level.split(',').map(str::trim).filter(|s| !s.is_empty()).collect()
    }

    /// Whether any filter on the customer is set (besides the data scope).
    pub fn has_customer_filter(&self) -> bool {
        self.has_text_filter() || self.has_attribute_filter()
    }

    /// Whether a text filter (企业名称, 邮箱, 登录名, 电话) is set.
    pub fn has_text_filter(&self) -> bool {
        [&self.company, &self.email, &self.login, &self.phone_fixed, &self.phone_mobile]
            .iter()
            .any(|s| !s.trim().is_empty())
    }

    /// Whether a customer filter other than the text filters is set.
    pub fn has_attribute_filter(&self) -> bool {
        [&self.registered_from, &self.registered_to, &self.start_from, &self.start_to, &self.end_from]
            .into_iter()
            .chain([&self.end_to, &self.customer_type, &self.enterprise_status, &self.category, &self.level])
            .chain([&self.expiry, &self.push, &self.fulfilment, &self.info_source, &self.has_email, &self.avatar])
            .chain([&self.reg_source, &self.callback_from, &self.callback_to, &self.idle_days, &self.callback_content])
            .any(|s| !s.trim().is_empty())
            || [self.province, self.city, self.district, self.org, self.industry1, self.industry2, self.industry3]
                .iter()
                .any(Option::is_some)
    }

    /// 未回访天数 ≥ N: the members not called back in the last N days (`None`: not asked, or
    /// not a whole number of days from 1 to [`MAX_IDLE_DAYS`]).
    pub fn idle(&self) -> Option<i64> {
        self.idle_days.trim().parse::<i64>().ok().filter(|d| (1..=MAX_IDLE_DAYS).contains(d))
    }

    /// Whether any filter on the service record is set (服务明细 then only shows members
    /// with matching records).
    pub fn has_record_filter(&self) -> bool {
        [&self.service_from, &self.service_to, &self.service_mode, &self.service_dept, &self.service_type]
            .into_iter()
            .chain([&self.service_result, &self.qa_status, &self.qa_result])
            .chain([&self.record_callback, &self.record_content, &self.record_reach, &self.record_rating])
            .any(|s| !s.trim().is_empty())
            || self.service_org.is_some()
    }

    /// Checks every code and date; an error names the field.
    pub fn validate(&self) -> FieldErrors {
        let mut e = FieldErrors::default();
        let codes: [(&str, &str, &[Choice]); 18] = [
            ("has_email", &self.has_email, enums::YES_NO),
            ("avatar", &self.avatar, enums::YES_NO),
            ("reg_source", &self.reg_source, enums::REGISTRATION_SOURCES),
            ("type", &self.customer_type, enums::CUSTOMER_TYPES),
            ("status", &self.enterprise_status, enums::ENTERPRISE_STATUSES),
            ("category", &self.category, enums::CATEGORIES),
            ("expiry", &self.expiry, enums::EXPIRY),
            ("push", &self.push, enums::YES_NO),
            ("mode", &self.service_mode, enums::SERVICE_MODES),
            ("dept", &self.service_dept, enums::SERVICE_DEPTS),
            ("svc_type", &self.service_type, enums::SERVICE_TYPES),
            ("result", &self.service_result, enums::SERVICE_RESULTS),
            ("fulfil", &self.fulfilment, enums::FULFILMENT_STATUSES),
            ("source", &self.info_source, enums::INFO_SOURCES),
            ("qa", &self.qa_status, enums::QA_STATUSES),
            ("qa_result", &self.qa_result, enums::QA_RESULTS),
            ("view", &self.view, &[("members", "", ""), ("records", "", "")]),
            ("level", "", enums::LEVELS),
        ];
        for (field, v, list) in codes {
            if !v.is_empty() && !enums::valid(list, v) {
                e.add(field, "请从列表中选择", "Pick a value from the list");
            }
        }
        if !self.callback_content.is_empty()
            && !enums::valid(crate::callbacks::CallbackContent::CHOICES, &self.callback_content)
        {
            e.add("cb_content", "请从列表中选择", "Pick a value from the list");
        }
        // A callback's own 回访内容 / 接通情况 / 满意程度 (未评价: `none`), as the reports link them.
        use crate::callbacks::{CallbackContent, Reach, Satisfaction};
        for (field, v, ok) in [
            ("cbr", &self.record_callback, self.record_callback == "1"),
            ("cbr_content", &self.record_content, CallbackContent::parse(&self.record_content).is_some()),
            ("cbr_reach", &self.record_reach, Reach::parse(&self.record_reach).is_some()),
            (
                "cbr_sat",
                &self.record_rating,
                Satisfaction::parse(&self.record_rating).is_some() || self.record_rating == "none",
            ),
        ] {
            if !v.is_empty() && !ok {
                e.add(field, "请从列表中选择", "Pick a value from the list");
            }
        }
        if !self.idle_days.trim().is_empty() && self.idle().is_none() {
            e.add(
                "idle",
                &format!("请输入 1 到 {MAX_IDLE_DAYS} 之间的天数"),
                &format!("Enter a number of days from 1 to {MAX_IDLE_DAYS}"),
            );
        }
        if self.levels().iter().any(|l| !enums::valid(enums::LEVELS, l)) {
            e.add("level", "请从列表中选择会员级别", "Pick member levels from the list");
        }
        let ranges = [
            ("reg", &self.registered_from, &self.registered_to),
            ("start", &self.start_from, &self.start_to),
            ("end", &self.end_from, &self.end_to),
            ("svc", &self.service_from, &self.service_to),
            ("cb", &self.callback_from, &self.callback_to),
        ];
        for (field, from, to) in ranges {
            crate::ui::filters::check_date_range(&mut e, &format!("{field}_from"), from, to);
        }
        text_length_errors(
            &mut e,
            &[
                ("company", &self.company),
                ("email", &self.email),
                ("login", &self.login),
                ("tel", &self.phone_fixed),
                ("mobile", &self.phone_mobile),
            ],
        );
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::list::UrlFilter;

    #[test]
    fn url_round_trip_keeps_every_field() {
        let f = MemberFilter {
            company: "云帆 科技".into(),
            level: "gold,shang_yi_tong".into(),
            province: Some(11),
            industry3: Some(4),
            exact: true,
            page: 3,
            per_page: 50,
            sort: "-company".into(),
            ..Default::default()
        };
        let q = f.to_query();
        let map = leptos_router::params::ParamsMap::from_iter(q.split('&').map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), crate::url::urldecode(v))
        }));
        assert_eq!(MemberFilter::from_query(&map), f);
        assert_eq!(f.sort_key(), ("company", true));
        assert_eq!(f.levels(), ["gold", "shang_yi_tong"]);
    }

    #[test]
    fn form_fields_are_named_after_their_url_parameters() {
        assert_eq!(MemberFilter::key("company"), "company");
        assert_eq!(MemberFilter::key("phone_fixed"), "tel");
        assert_eq!(MemberFilter::key("province"), "prov");
        assert_eq!(MemberFilter::key("exact"), "exact");
        assert_eq!(MemberFilter::key("no_such_field"), "");
        // The 会员级别 checkboxes of a form sent before hydration: one parameter per box.
        let mut q = leptos_router::params::ParamsMap::new();
        for (k, v) in [("level", "gold"), ("level", ""), ("level", "shang_yi_tong"), ("company", "电子")] {
            q.insert(k, v.to_string());
        }
        let f = MemberFilter::from_query(&q);
        assert_eq!(f.level, "gold,shang_yi_tong");
        assert_eq!(f.company, "电子");
    }

    #[test]
    fn validation_names_the_field() {
        let f = MemberFilter { level: "gold,platinum".into(), start_from: "2026-13-01".into(), ..Default::default() };
        let e = f.validate();
        assert!(e.get("level").is_some());
        assert!(e.get("start_from").is_some());
        let f = MemberFilter { end_from: "2026-05-01".into(), end_to: "2026-04-01".into(), ..Default::default() };
        assert!(f.validate().get("end_from").is_some());
        assert!(MemberFilter::default().validate().is_empty());
    }
}

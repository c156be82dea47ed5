//! 统计查询 (PG-79) and 分析 (PG-80): a catalogue of statistics — the signed-in user's own
//! work, the team's by agent or organisation, the members' composition and trends, the staff
//! and their workload — each a table with its charts, drawn in the report centre's table model
//! (`reports::Report`), exported as the reports are.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};
use crate::reports::{Preset, range_of};
use crate::ui::list::url_filter;

pub mod api;
#[cfg(feature = "ssr")]
pub mod customers;
#[cfg(feature = "ssr")]
pub mod engine;
pub mod page;
#[cfg(feature = "ssr")]
pub mod quality;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod staff;
#[cfg(feature = "ssr")]
pub mod work;
#[cfg(feature = "ssr")]
pub mod workload;

code_enum! {
    /// Where a statistic is offered: 统计查询, or one of the four areas of 分析.
    pub enum Area {
        Query = ("query", "统计查询", "Statistics"),
        Customers = ("customers", "客户基础数据分析", "Customer base"),
        Service = ("service", "客户服务数据分析", "Customer service"),
        Staff = ("staff", "服务人员数据分析", "Service staff"),
        Workload = ("workload", "服务人员工作数据分析", "Staff workload"),
    }
}

impl Area {
    /// The areas of the 分析 page (PG-80).
    pub const ANALYSIS: [Area; 4] = [Area::Customers, Area::Service, Area::Staff, Area::Workload];
}

code_enum! {
    /// 统计项 / 分析项 (SPEC PG-79's catalogue and PG-80's four areas).
    pub enum StatItem {
        MyRequests = ("my_requests", "我的诉求受理量", "My accepted requests"),
        MyCallbacks = ("my_callbacks", "我的回访量", "My callbacks"),
        MyEmails = ("my_emails", "我的邮件发送量", "My e-mails"),
        MyFulfilment = ("my_fulfilment", "我的履约确认量", "My fulfilment confirmations"),
        DeptRequests = ("dept_requests", "部门收到/已反馈诉求量", "Requests routed to departments"),
        Requests = ("requests", "诉求量统计", "Requests"),
        Callbacks = ("callbacks", "回访量统计", "Callbacks"),
        Qa = ("qa", "质检量与差错率", "Inspections and error rate"),
        MemberTrend = ("member_trend", "会员新增/到期/流失统计", "New, expiring and lost members"),
        Composition = ("composition", "客户构成分布", "Customer composition"),
        Lifecycle = ("lifecycle", "客户生命周期阶段分布", "Lifecycle stages"),
        Churn = ("churn", "客户流失统计", "Churn"),
        Contacts = ("contacts", "联系人统计", "Contacts"),
        ComplaintRate = ("complaint_rate", "投诉率(每千会员)", "Complaints per 1,000 members"),
        HandlingTime = ("handling_time", "诉求处理时长", "Handling time"),
        Repeat = ("repeat", "重复诉求会员", "Repeat requesters"),
        Satisfaction = ("satisfaction", "满意度分布", "Satisfaction"),
        Unserved = ("unserved", "长期无服务会员", "Members without service"),
        Accounts = ("accounts", "账号分布", "Accounts"),
        Logins = ("logins", "活跃用户(登录)", "Active users"),
        AgentWork = ("agent_work", "客服人员工作量", "Workload per agent"),
        DeptWork = ("dept_work", "处理部门工作量", "Workload per department"),
    }
}

code_enum! {
    /// 统计维度: what a statistic's rows are.
    pub enum By {
        Agent = ("agent", "按客服人员", "By agent"),
        Org = ("org", "按组织机构", "By organisation"),
        Dept = ("dept", "按处理部门", "By department"),
        Channel = ("channel", "按受理渠道", "By channel"),
        Level = ("level", "按会员级别", "By member level"),
        Category = ("category", "按企业类别", "By company category"),
        Status = ("status", "按企业状态", "By company status"),
        Region = ("region", "按区域(省份)", "By province"),
        Industry = ("industry", "按行业(一级)", "By industry"),
        Source = ("source", "按信息来源", "By source"),
        Month = ("month", "按月", "By month"),
    }
}

impl StatItem {
    /// The areas the statistic is offered in.
    pub fn areas(self) -> &'static [Area] {
        use Area::*;
        match self {
            Self::MyRequests | Self::MyCallbacks | Self::MyEmails | Self::MyFulfilment | Self::DeptRequests => &[Query],
            Self::Callbacks | Self::Qa | Self::Contacts => &[Query],
            Self::Requests => &[Query, Service],
            Self::MemberTrend | Self::Composition | Self::Churn => &[Query, Customers],
            Self::Lifecycle => &[Customers],
            Self::ComplaintRate | Self::HandlingTime | Self::Repeat | Self::Satisfaction | Self::Unserved => &[Service],
            Self::Accounts | Self::Logins => &[Staff],
            Self::AgentWork | Self::DeptWork => &[Workload],
        }
    }

    /// The dimensions the statistic can be broken down by (the first is the default; none:
    /// its rows are fixed).
    pub fn dims(self) -> &'static [By] {
        use By::*;
        match self {
            Self::Requests => &[Org, Agent, Dept, Channel, Level],
            Self::Callbacks | Self::Qa => &[Org, Agent],
            Self::Composition => &[Level, Region, Industry, Category, Status, Org, Source],
            Self::Churn => &[Org, Month],
            _ => &[],
        }
    }

    /// Whether 时间 applies (the others count what is true now).
    pub fn timed(self) -> bool {
        !matches!(self, Self::Composition | Self::Lifecycle | Self::Contacts | Self::Accounts | Self::Unserved)
    }

    /// Whether 组织机构 / 客服人员 narrow it.
    pub fn takes_org(self) -> bool {
        !matches!(
            self,
            Self::MyRequests
                | Self::MyCallbacks
                | Self::MyEmails
                | Self::MyFulfilment
                | Self::DeptRequests
                | Self::DeptWork
        )
    }
    pub fn takes_agent(self) -> bool {
        matches!(self, Self::Requests | Self::Callbacks | Self::Qa | Self::AgentWork)
    }

    /// What 时间 filters on.
    pub fn time_label(self) -> (&'static str, &'static str) {
        match self {
            Self::MyRequests | Self::Requests | Self::ComplaintRate | Self::HandlingTime | Self::Repeat => {
                ("诉求受理时间", "Accepted")
            }
            Self::DeptRequests | Self::DeptWork => ("转派时间", "Routed"),
            Self::MyCallbacks | Self::Callbacks | Self::Satisfaction => ("回访时间", "Called"),
            Self::MyEmails => ("发送时间", "Sent"),
            Self::MyFulfilment => ("确认时间", "Confirmed"),
            Self::Qa => ("质检时间", "Inspected"),
            Self::Logins => ("登录时间", "Signed in"),
            _ => ("统计时间", "Period"),
        }
    }
}

url_filter! {
    /// The criteria of a statistic, kept in the URL.
    StatFilter;
    text { area = "area", item = "item", by = "by", preset = "preset", from = "from", to = "to" }
    id { org = "org", agent = "agent" }
}

impl StatFilter {
    pub fn item(&self) -> Option<StatItem> {
        StatItem::parse(&self.item)
    }
    /// The dimension in force: the chosen one if the statistic has it, else its default.
    pub fn by(&self) -> Option<By> {
        let dims = self.item()?.dims();
        By::parse(&self.by).filter(|b| dims.contains(b)).or(dims.first().copied())
    }
    pub fn preset(&self) -> Preset {
        Preset::parse(&self.preset).unwrap_or(if self.from.is_empty() && self.to.is_empty() {
            match self.item() {
                Some(StatItem::MemberTrend | StatItem::Churn) => Preset::Last12,
                _ => Preset::ThisMonth,
            }
        } else {
            Preset::Custom
        })
    }

    /// The checks the page and the server share: the item, the dimension, the dates.
    pub fn validate(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), AppError> {
        let mut e = FieldErrors::default();
        let item = self.item();
        if item.is_none() {
            e.add("item", "请选择统计项", "Choose a statistic");
        }
        if !self.by.is_empty() && item.is_some_and(|i| !i.dims().iter().any(|b| b.code() == self.by)) {
            e.add("by", "该统计项不能按此维度统计", "This statistic has no such breakdown");
        }
        if !self.area.is_empty() && Area::parse(&self.area).is_none() {
            e.add("area", "请选择列表中的值", "Choose a value from the list");
        }
        if !self.preset.is_empty() && Preset::parse(&self.preset).is_none() {
            e.add("preset", "请选择列表中的值", "Choose a value from the list");
        }
        for (key, id) in [("org", self.org), ("agent", self.agent)] {
            if id.is_some_and(|v| v <= 0) {
                e.add(key, "请选择列表中的值", "Choose a value from the list");
            }
        }
        let range = range_of(self.preset(), &self.from, &self.to, today);
        if let Err(ref t) = range {
            e.add("from", &t.zh, &t.en);
        }
        if let (Ok((from, to)), Some(StatItem::MemberTrend)) = (&range, item)
            && crate::reports::periods(crate::reports::Grain::Month, *from, *to).len() > crate::reports::MAX_MONTHS
        {
            e.add("from", "按月统计最多 36 个月,请缩短时间范围", "At most 36 months: shorten the range");
        }
        e.into_result()?;
        range.map_err(|t| AppError::field("from", &t.zh, &t.en))
    }
}

/// The choices of the statistics pages for the signed-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatOptions {
    /// The statistics the user may run, in catalogue order.
    pub items: Vec<StatItem>,
    /// HQ and the rep offices of the user's scope.
    pub orgs: Vec<(i64, String)>,
    /// The agents of the user's scope (for the team statistics).
    pub agents: Vec<(i64, String)>,
    /// A rep-office user's own office: the only one its statistics cover.
    pub locked_org: Option<i64>,
}

//! The page registry: every page of the signed-in app is ONE line below (path, component,
//! the permissions that open it, its menu entry). The routes, the lazily loaded WASM chunks,
//! the left menu and the page guard all derive from it, so a page cannot be reachable without
//! its guard or listed in the menu for accounts that may not open it.
//!
//! Each page's code is split into a WASM chunk of its own (`cargo xtask site` runs the
//! splitter), so the first page load carries only the shell, login and home page; the server
//! renders every page as usual. The server functions a page calls check the same permissions
//! again (`session::serve`): the guard only spares the user a page of refusals.
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route};
use leptos_router::{Lazy, LazyRoute, SsrMode, lazy_route, path};

use crate::auth::{Perm, SessionUser};

/// The groups of the left menu, in the order of the permission tree (SPEC §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuGroup {
    Query,
    Intake,
    CsAdmin,
    Business,
    Reports,
    Kb,
    Archive,
    Crm,
    Stats,
    System,
}

impl MenuGroup {
    pub const ALL: [MenuGroup; 10] = [
        Self::Query,
        Self::Intake,
        Self::CsAdmin,
        Self::Business,
        Self::Reports,
        Self::Kb,
        Self::Archive,
        Self::Crm,
        Self::Stats,
        Self::System,
    ];

    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Query => ("信息查询", "Information query"),
            Self::Intake => ("客服受理", "CS intake"),
            Self::CsAdmin => ("客服管理", "CS management"),
            Self::Business => ("相关业务功能", "Business departments"),
            Self::Reports => ("报表", "Reports"),
            Self::Kb => ("知识库", "Knowledge base"),
            Self::Archive => ("档案管理", "Archives"),
            Self::Crm => ("客户跟进", "Customer follow-up"),
            Self::Stats => ("统计分析", "Statistics & analysis"),
            Self::System => ("系统设置", "System settings"),
        }
    }
}

/// A page's entry in the left menu.
#[derive(Debug, Clone, Copy)]
pub struct MenuEntry {
    pub group: MenuGroup,
    pub zh: &'static str,
    pub en: &'static str,
}

/// One page of the signed-in app.
#[derive(Debug, Clone, Copy)]
pub struct PageDef {
    /// The route pattern (`:name` is a parameter segment).
    pub path: &'static str,
    /// Holding any one of these opens the page; empty: every signed-in account.
    pub perms: &'static [Perm],
    pub menu: Option<MenuEntry>,
}

impl PageDef {
    pub fn allows(&self, user: &SessionUser) -> bool {
        self.perms.is_empty() || self.perms.iter().any(|p| user.has(*p))
    }

    /// Whether `path` (no query string) is this page's route.
    pub fn matches(&self, path: &str) -> bool {
        let mut want = self.path.split('/').filter(|s| !s.is_empty());
        let mut got = path.split('/').filter(|s| !s.is_empty());
        loop {
            match (want.next(), got.next()) {
                (None, None) => return true,
                (Some(w), Some(g)) if w.starts_with(':') || w == g => {}
                _ => return false,
            }
        }
    }
}

/// The registered page whose route `path` is (`None`: the home page, login or no page).
pub fn page_for(path: &str) -> Option<&'static PageDef> {
    PAGES.iter().find(|p| p.matches(path))
}

/// The menu of `user`: the groups with the pages they may open, in registry order.
pub fn menu_for(user: &SessionUser) -> Vec<(MenuGroup, Vec<(&'static str, MenuEntry)>)> {
    MenuGroup::ALL
        .into_iter()
        .filter_map(|g| {
            let items: Vec<_> = PAGES
                .iter()
                .filter(|p| p.allows(user))
                .filter_map(|p| p.menu.filter(|m| m.group == g).map(|m| (p.path, m)))
                .collect();
            (!items.is_empty()).then_some((g, items))
        })
        .collect()
}

macro_rules! pages {
    ($(
        $route:ident $path:tt => $page:path, perms [$($perm:ident),*] $(, menu($group:ident, $zh:literal, $en:literal))?;
    )*) => {
        $(
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                fn view(_this: Self) -> AnyView {
                    view! { <$page/> }.into_any()
                }
            }
        )*

        /// Every page of the signed-in app (see the module).
        pub const PAGES: &[PageDef] = &[$(
            PageDef {
                path: $path,
                perms: &[$(Perm::$perm),*],
                menu: pages!(@menu $($group, $zh, $en)?),
            },
        )*];

        /// The routes of the signed-in app, inside `shell` (the layout, which reads this
        /// registry for its menu and guard): the home page and every page of [`PAGES`], each
        /// loaded lazily.
        #[component(transparent)]
        pub fn ShellRoutes(shell: fn() -> AnyView) -> impl leptos_router::MatchNestedRoutes + Clone {
            view! {
                <ParentRoute path=path!("") view=shell ssr=SsrMode::Async>
                    <Route path=path!("") view=crate::home::HomePage/>
                    $(<Route path=path!($path) view={Lazy::<$route>::new()}/>)*
                </ParentRoute>
            }
            .into_inner()
        }
    };
    (@menu) => { None };
    (@menu $group:ident, $zh:literal, $en:literal) => {
        Some(MenuEntry { group: MenuGroup::$group, zh: $zh, en: $en })
    };
}

// Menu entries appear in this order within their group.
pages! {
    MemberServices "/query/member-services" => crate::members::query_page::MemberServicesPage,
        perms [QueryMemberService], menu(Query, "会员资料及服务查询", "Members & services");
    PublishedInfo "/query/published-info" => crate::members::info_page::PublishedInfoPage,
        perms [QueryPublishedInfo], menu(Query, "会员发布信息查询", "Published info");
    PushLogs "/query/push-logs" => crate::members::info_page::PushLogPage,
        perms [QueryPushLog], menu(Query, "信息推送邮件查询", "Push e-mails");
    MemberDetail "/customers/:id" => crate::member360::page::MemberDetailPage,
        perms [QueryMemberService];
    MemberPublished "/customers/:id/published-info" => crate::members::info_page::MemberPublishedPage,
        perms [QueryPublishedInfo];
    MemberPushLogs "/customers/:id/push-logs" => crate::members::info_page::MemberPushLogPage,
        perms [QueryPushLog];
    ServiceRecord "/service-records/:id" => crate::member360::page::ServiceRecordPage,
        perms [QueryMemberService];

    RequestIntake "/requests/new" => crate::requests::intake_page::IntakePage,
        perms [IntakeMemberRequest], menu(Intake, "会员诉求受理", "Take a request");
    RequestList "/requests" => crate::requests::list_page::RequestListPage,
        perms [IntakeMemberRequest], menu(Intake, "诉求列表", "Requests");
    // Also the departments' (their server functions check the request's scope and actor).
    RequestDetail "/requests/:id" => crate::requests::detail_page::RequestDetailPage,
        perms [IntakeMemberRequest, BizDeptInbox];
    Callbacks "/callbacks" => crate::callbacks::list_page::CallbackListPage,
        perms [IntakeCallback], menu(Intake, "电话回访关怀", "Callbacks");
    CallbackNew "/callbacks/new" => crate::callbacks::page::CallbackPage,
        perms [IntakeCallback];
    EmailCompose "/emails/compose" => crate::emails::compose_page::ComposePage,
        perms [IntakeMemberEmail], menu(Intake, "会员邮件服务", "Member e-mail");
    EmailBatches "/emails/batches" => crate::emails::batches_page::BatchesPage,
        perms [IntakeMemberEmail], menu(Intake, "邮件发送记录", "Sent e-mail");
    EmailBatch "/emails/batches/:id" => crate::emails::batches_page::BatchDetailPage,
        perms [IntakeMemberEmail];
    RepNeeds "/rep-needs" => crate::requests::rep::pages::RepNeedsPage,
        perms [IntakeRepNeedSubmit], menu(Intake, "代表处服务需求", "Rep-office needs");
    RepQueue "/rep-needs/queue" => crate::requests::rep::pages::RepQueuePage,
        perms [IntakeRepNeedProcess], menu(Intake, "代表处需求处理", "Rep-office needs (HQ)");
    RepNeedDetail "/rep-needs/:id" => crate::requests::rep::detail_page::RepNeedDetailPage,
        perms [IntakeRepNeedSubmit, IntakeRepNeedProcess, BizDeptInbox];
    DeptInbox "/dept/inbox" => crate::requests::inbox_page::InboxPage,
        perms [BizDeptInbox], menu(Business, "部门待办", "Department inbox");
    PreciseMatch "/biz/precise-match" => crate::fulfilment::matches_page::PreciseMatchPage,
        perms [BizInfo, FulfilmentMark], menu(Business, "精准匹配", "Precise matching");
    Messages "/messages" => crate::notify::page::MessagesPage,
        perms [];

    Reports "/reports" => crate::reports::page::ReportsPage,
        perms [ReportMemberCount, ReportRequestVolume, ReportRequestType, ReportCallback, ReportPublishedInfo,
            ReportEmailPush, ReportRepNeedByType], menu(Reports, "报表中心", "Report centre");

    KbHome "/kb" => crate::kb::browse_page::KbPage,
        perms [Kb], menu(Kb, "知识库", "Knowledge base");
    KbArticle "/kb/articles/:id" => crate::kb::article_page::KbArticlePage,
        perms [Kb];
    KbManage "/kb/manage" => crate::kb::manage_page::KbManagePage,
        perms [KbEdit], menu(Kb, "知识库维护", "KB maintenance");
    // (Before `/kb/manage/articles/:id`: the first matching page answers.)
    KbArticleNew "/kb/manage/articles/new" => crate::kb::editor_page::KbArticleNewPage,
        perms [KbEdit];
    KbArticleEdit "/kb/manage/articles/:id" => crate::kb::editor_page::KbArticleEditPage,
        perms [KbEdit];

    AccountCreate "/admin/accounts/new" => crate::admin::accounts::AccountCreatePage,
        perms [AddAdmin], menu(CsAdmin, "添加管理员", "Add account");
    AccountList "/admin/accounts" => crate::admin::accounts::AccountListPage,
        perms [AdminMgmt, AddAdmin], menu(CsAdmin, "管理员管理", "Accounts");
    AccountEdit "/admin/accounts/:id/edit" => crate::admin::accounts::AccountEditPage,
        perms [AddAdmin];
    AccountLogs "/admin/accounts/:id/logs" => crate::admin::logs::AccountLogsPage,
        perms [AdminMgmt];
    AccountPermissions "/admin/accounts/:id/permissions" => crate::admin::roles::AccountPermissionsPage,
        perms [RoleMgmt];
    Roles "/admin/roles" => crate::admin::roles::RolesPage,
        perms [RoleMgmt], menu(CsAdmin, "角色管理", "Roles & permissions");
    ChangePassword "/account/password" => crate::auth::pages::ChangePasswordPage,
        perms [], menu(CsAdmin, "修改密码", "Change password");
    Fulfilment "/fulfilment" => crate::fulfilment::list_page::FulfilmentListPage,
        perms [Fulfilment], menu(CsAdmin, "会员履约管理", "Member fulfilment");
    FulfilmentTrack "/fulfilment/members/:id" => crate::fulfilment::track_page::TrackingPage,
        perms [Fulfilment];
    FulfilmentConfig "/fulfilment/config" => crate::fulfilment::config_page::SchemeConfigPage,
        perms [FulfilmentConfig], menu(CsAdmin, "履约项目配置", "Fulfilment items");
    QaList "/qa" => crate::qa::list_page::QaListPage,
        perms [Qa], menu(CsAdmin, "诉求信息质检管理", "Request QA");
    QaRecords "/qa/records" => crate::qa::report_page::QaReportPage,
        perms [Qa], menu(CsAdmin, "质检报告", "QA report");
    // (After `/qa/records`: the first matching page answers.)
    QaEntry "/qa/:id" => crate::qa::entry_page::QaEntryPage,
        perms [Qa];

    Archive "/archive/customers" => crate::archive::archive_page::ArchivePage,
        perms [ArchiveCustomer], menu(Archive, "客户档案信息管理", "Customer archive");
    EntryNew "/archive/customers/new" => crate::archive::entry_page::EntryNewPage,
        perms [ArchiveCustomer];
    EntryEdit "/archive/customers/:id/edit" => crate::archive::entry_page::EntryEditPage,
        perms [ArchiveCustomer];
    Import "/archive/import" => crate::archive::import_page::ImportPage,
        perms [ArchiveImport], menu(Archive, "批量导入", "Excel import");
    // Also the approver's, who may hold no archive right (its server functions check who).
    ImportJob "/archive/import/:id" => crate::archive::import_page::ImportJobPage,
        perms [];
    Reviews "/reviews" => crate::archive::review_page::ReviewsPage,
        perms [], menu(Archive, "审核中心", "Review centre");

    Churn "/churn" => crate::churn::page::ChurnPage,
        perms [CrmChurn], menu(Crm, "流失预警", "Churn warnings");
    Tasks "/tasks" => crate::tasks::page::TasksPage,
        perms [CrmTasks], menu(Crm, "任务提醒", "Tasks");
    TaskNew "/tasks/new" => crate::tasks::page::TaskNewPage,
        perms [CrmTasks];

    Stats "/stats" => crate::stats::page::StatsPage,
        perms [StatsQuery], menu(Stats, "统计查询", "Statistics");
    Analysis "/analysis" => crate::stats::page::AnalysisPage,
        perms [StatsAnalysis], menu(Stats, "分析", "Analysis");

    Orgs "/admin/orgs" => crate::admin::orgs::OrgsPage,
        perms [SystemOrgs], menu(System, "组织机构", "Organisations");
    Sync "/admin/sync" => crate::members::sync_page::SyncPage,
        perms [SystemSync], menu(System, "数据同步", "CM data sync");
    Calendar "/admin/calendar" => crate::requests::calendar_page::CalendarPage,
        perms [SystemSettings], menu(System, "工作日历", "Working calendar");
    EmailTemplates "/admin/email-templates" => crate::emails::templates_page::TemplatesPage,
        perms [SystemEmailTemplates], menu(System, "邮件模板", "E-mail templates");
    Settings "/admin/settings" => crate::emails::settings_page::SettingsPage,
        perms [SystemSettings], menu(System, "参数设置", "Settings");
    CareRules "/admin/care-rules" => crate::callbacks::care_page::CareRulesPage,
        perms [SystemSettings], menu(System, "关怀规则", "Care rules");
    Logs "/admin/logs" => crate::admin::logs::LogsPage,
        perms [SystemLogs, AdminMgmt], menu(System, "系统日志", "Operation logs");
}

#[cfg(test)]
mod tests {
    use super::{PAGES, page_for};

    #[test]
    fn every_path_finds_its_own_page_and_only_it() {
        for p in PAGES {
            let concrete = p.path.replace(":id", "42");
            assert_eq!(page_for(&concrete).map(|f| f.path), Some(p.path), "{concrete}");
        }
        assert!(page_for("/").is_none());
        assert!(page_for("/login").is_none());
        assert!(page_for("/admin/accounts/42/edit/more").is_none());
        assert_eq!(page_for("/archive/customers/").map(|p| p.path), Some("/archive/customers"));
        assert_eq!(page_for("/requests/new").map(|p| p.path), Some("/requests/new"));
        assert_eq!(page_for("/qa/records").map(|p| p.path), Some("/qa/records"));
        assert_eq!(page_for("/qa/7").map(|p| p.path), Some("/qa/:id"));
    }

    #[test]
    fn paths_are_unique() {
        let mut paths: Vec<_> = PAGES.iter().map(|p| p.path).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), PAGES.len());
    }
}

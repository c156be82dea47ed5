//! Pages loaded on demand. Each route's code is split into a WASM chunk of its own (`cargo
//! xtask site` runs the splitter), so the first page load carries only the shell, login and
//! home page; the server renders every page as usual.
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

macro_rules! lazy_pages {
    ($($route:ident => $page:path),* $(,)?) => {$(
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
    )*};
}

lazy_pages! {
    ChangePassword => crate::auth::pages::ChangePasswordPage,
    AccountList => crate::admin::accounts::AccountListPage,
    AccountCreate => crate::admin::accounts::AccountCreatePage,
    AccountEdit => crate::admin::accounts::AccountEditPage,
    AccountLogs => crate::admin::logs::AccountLogsPage,
    AccountPermissions => crate::admin::roles::AccountPermissionsPage,
    Roles => crate::admin::roles::RolesPage,
    Orgs => crate::admin::orgs::OrgsPage,
    Logs => crate::admin::logs::LogsPage,
    MemberServices => crate::members::query_page::MemberServicesPage,
    MemberDetail => crate::members::detail::MemberDetailPage,
    ServiceRecord => crate::members::detail::ServiceRecordPage,
    Sync => crate::members::sync_page::SyncPage,
    PublishedInfo => crate::members::info_page::PublishedInfoPage,
    MemberPublished => crate::members::info_page::MemberPublishedPage,
    PushLogs => crate::members::info_page::PushLogPage,
    MemberPushLogs => crate::members::info_page::MemberPushLogPage,
    Archive => crate::archive::archive_page::ArchivePage,
    EntryNew => crate::archive::entry_page::EntryNewPage,
    EntryEdit => crate::archive::entry_page::EntryEditPage,
    Import => crate::archive::import_page::ImportPage,
    ImportJob => crate::archive::import_page::ImportJobPage,
    Reviews => crate::archive::review_page::ReviewsPage,
}

//! Foundation: organisations, dictionaries (region, industry), accounts, roles, the permission
//! tree, sessions, captcha challenges, login and operation logs. Loads the reference data.
use sea_orm_migration::{prelude::*, schema::*};

use crate::reference;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id_col<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).big_integer().not_null().auto_increment().primary_key().take()
}

fn ts<T: IntoIden>(c: T) -> ColumnDef {
    timestamp_with_time_zone(c)
}

fn ts_null<T: IntoIden>(c: T) -> ColumnDef {
    timestamp_with_time_zone_null(c)
}

fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).take()
}

fn idx(table: impl IntoIden, name: &str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut s = Index::create();
    s.name(name).table(table);
    for c in cols {
        s.col(Alias::new(*c));
    }
    s.take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Region::Table)
                .col(id_col(Region::Id))
                .col(string_len_uniq(Region::Code, 12))
                .col(string_len(Region::Name, 50))
                .col(small_integer(Region::Level))
                .col(big_integer_null(Region::ParentId))
                .col(string_len(Region::FullName, 150))
                .col(integer(Region::SortOrder).default(0))
                .col(boolean(Region::IsActive).default(true))
                .foreign_key(&mut fk((Region::Table, Region::ParentId), (Region::Table, Region::Id)))
                .take(),
        )
        .await?;
        m.create_index(idx(Region::Table, "ix_region_parent", &["parent_id", "sort_order"])).await?;

        m.create_table(
            Table::create()
                .table(Industry::Table)
                .col(id_col(Industry::Id))
                .col(string_len_uniq(Industry::Code, 32))
                .col(string_len(Industry::Name, 100))
                .col(small_integer(Industry::Level))
                .col(big_integer_null(Industry::ParentId))
                .col(string_len_null(Industry::CmCode, 64).unique_key())
                .col(string_len(Industry::FullName, 300))
                .col(integer(Industry::SortOrder).default(0))
                .col(boolean(Industry::IsActive).default(true))
                .foreign_key(&mut fk((Industry::Table, Industry::ParentId), (Industry::Table, Industry::Id)))
                .take(),
        )
        .await?;
        m.create_index(idx(Industry::Table, "ix_industry_parent", &["parent_id", "sort_order"])).await?;

        m.create_table(
            Table::create()
                .table(Organization::Table)
                .col(id_col(Organization::Id))
                .col(string_len_uniq(Organization::Code, 32))
                .col(string_len(Organization::Name, 100))
                .col(string_len(Organization::OrgType, 16))
                .col(string_len_null(Organization::DepartmentKind, 16))
                .col(big_integer_null(Organization::ParentId))
                .col(string_len_null(Organization::CmOrgCode, 64).unique_key())
                .col(big_integer_null(Organization::RegionId))
                .col(string_len_null(Organization::Address, 255))
                .col(string_len_null(Organization::Phone, 50))
                .col(string_len_null(Organization::ContactPerson, 50))
                .col(string_len_null(Organization::Email, 100))
                .col(string_len_null(Organization::PlatformUrl, 255))
                .col(integer(Organization::SortOrder).default(0))
                .col(boolean(Organization::IsActive).default(true))
                .col(ts(Organization::CreatedAt))
                .col(big_integer_null(Organization::CreatedBy))
                .col(ts(Organization::UpdatedAt))
                .col(big_integer_null(Organization::UpdatedBy))
                .col(integer(Organization::Version).default(1))
                .foreign_key(&mut fk(
                    (Organization::Table, Organization::ParentId),
                    (Organization::Table, Organization::Id),
                ))
                .foreign_key(&mut fk((Organization::Table, Organization::RegionId), (Region::Table, Region::Id)))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OrganizationRegion::Table)
                .col(big_integer(OrganizationRegion::OrganizationId))
                .col(big_integer_uniq(OrganizationRegion::RegionId))
                .primary_key(Index::create().col(OrganizationRegion::OrganizationId).col(OrganizationRegion::RegionId))
                .foreign_key(&mut fk(
                    (OrganizationRegion::Table, OrganizationRegion::OrganizationId),
                    (Organization::Table, Organization::Id),
                ))
                .foreign_key(&mut fk(
                    (OrganizationRegion::Table, OrganizationRegion::RegionId),
                    (Region::Table, Region::Id),
                ))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Permission::Table)
                .col(string_len(Permission::Code, 64).primary_key())
                .col(string_len_null(Permission::ParentCode, 64))
                .col(string_len(Permission::NameZh, 50))
                .col(string_len(Permission::NameEn, 100))
                .col(string_len(Permission::NodeType, 8))
                .col(boolean(Permission::CompanyCsOnly).default(false))
                .col(boolean(Permission::Inferred).default(false))
                .col(integer(Permission::SortOrder).default(0))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Role::Table)
                .col(id_col(Role::Id))
                .col(string_len_uniq(Role::Code, 32))
                .col(string_len_uniq(Role::Name, 50))
                .col(string_len(Role::NameEn, 100))
                .col(string_len(Role::RoleCategory, 32))
                .col(string_len(Role::DataScope, 16))
                .col(boolean(Role::IsBuiltin).default(false))
                .col(string_len_null(Role::Description, 255))
                .col(integer(Role::SortOrder).default(0))
                .col(ts(Role::CreatedAt))
                .col(ts(Role::UpdatedAt))
                .col(integer(Role::Version).default(1))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RolePermission::Table)
                .col(big_integer(RolePermission::RoleId))
                .col(string_len(RolePermission::PermissionCode, 64))
                .primary_key(Index::create().col(RolePermission::RoleId).col(RolePermission::PermissionCode))
                .foreign_key(&mut fk((RolePermission::Table, RolePermission::RoleId), (Role::Table, Role::Id)))
                .foreign_key(&mut fk(
                    (RolePermission::Table, RolePermission::PermissionCode),
                    (Permission::Table, Permission::Code),
                ))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Account::Table)
                .col(id_col(Account::Id))
                .col(string_len(Account::AdminId, 32))
                .col(string_len_uniq(Account::AdminIdKey, 32))
                .col(string_len(Account::Name, 50))
                .col(string_len(Account::PasswordHash, 255))
                .col(string_len(Account::Email, 100))
                .col(string_len_uniq(Account::EmailKey, 100))
                .col(string_len_null(Account::Phone, 30))
                .col(string_len(Account::Status, 16))
                .col(string_len(Account::RoleCategory, 32))
                .col(big_integer(Account::RoleId))
                .col(big_integer(Account::OrganizationId))
                .col(string_len(Account::PermissionMode, 8).default("inherit"))
                .col(ts(Account::OpenedAt))
                .col(big_integer_null(Account::OpenedBy))
                .col(boolean(Account::ReviewExempt).default(false))
                .col(boolean(Account::CanReview).default(false))
                .col(boolean(Account::MustChangePassword).default(true))
                .col(integer(Account::FailedLoginCount).default(0))
                .col(ts_null(Account::LockedUntil))
                .col(ts_null(Account::LastLoginAt))
                .col(string_len_null(Account::LastLoginIp, 45))
                .col(string_len(Account::Locale, 8).default("zh"))
                .col(ts(Account::CreatedAt))
                .col(ts(Account::UpdatedAt))
                .col(big_integer_null(Account::UpdatedBy))
                .col(integer(Account::Version).default(1))
                .foreign_key(&mut fk((Account::Table, Account::RoleId), (Role::Table, Role::Id)))
                .foreign_key(&mut fk(
                    (Account::Table, Account::OrganizationId),
                    (Organization::Table, Organization::Id),
                ))
                .take(),
        )
        .await?;
        m.create_index(idx(Account::Table, "ix_account_org", &["organization_id"])).await?;

        m.create_table(
            Table::create()
                .table(AccountPermission::Table)
                .col(big_integer(AccountPermission::AccountId))
                .col(string_len(AccountPermission::PermissionCode, 64))
                .col(big_integer(AccountPermission::GrantedBy))
                .col(ts(AccountPermission::GrantedAt))
                .primary_key(Index::create().col(AccountPermission::AccountId).col(AccountPermission::PermissionCode))
                .foreign_key(&mut fk(
                    (AccountPermission::Table, AccountPermission::AccountId),
                    (Account::Table, Account::Id),
                ))
                .foreign_key(&mut fk(
                    (AccountPermission::Table, AccountPermission::PermissionCode),
                    (Permission::Table, Permission::Code),
                ))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(UserSession::Table)
                .col(string_len(UserSession::Id, 64).primary_key())
                .col(big_integer(UserSession::AccountId))
                .col(ts(UserSession::CreatedAt))
                .col(ts(UserSession::LastSeenAt))
                .col(ts(UserSession::ExpiresAt))
                .col(string_len_null(UserSession::Ip, 45))
                .col(string_len_null(UserSession::UserAgent, 255))
                .col(ts_null(UserSession::RevokedAt))
                .foreign_key(&mut fk((UserSession::Table, UserSession::AccountId), (Account::Table, Account::Id)))
                .take(),
        )
        .await?;
        m.create_index(idx(UserSession::Table, "ix_session_account", &["account_id"])).await?;

        m.create_table(
            Table::create()
                .table(CaptchaChallenge::Table)
                .col(string_len(CaptchaChallenge::Id, 64).primary_key())
                .col(string_len(CaptchaChallenge::AnswerHash, 64))
                .col(ts(CaptchaChallenge::ExpiresAt))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LoginLog::Table)
                .col(id_col(LoginLog::Id))
                .col(string_len(LoginLog::AdminIdAttempted, 64))
                .col(big_integer_null(LoginLog::AccountId))
                .col(ts(LoginLog::At))
                .col(string_len(LoginLog::Ip, 45))
                .col(string_len_null(LoginLog::UserAgent, 255))
                .col(string_len(LoginLog::Result, 16))
                .take(),
        )
        .await?;
        m.create_index(idx(LoginLog::Table, "ix_login_log_ip_at", &["ip", "at"])).await?;
        m.create_index(idx(LoginLog::Table, "ix_login_log_account_at", &["account_id", "at"])).await?;

        m.create_table(
            Table::create()
                .table(OperationLog::Table)
                .col(id_col(OperationLog::Id))
                .col(big_integer(OperationLog::AccountId))
                .col(big_integer(OperationLog::AccountOrgId))
                .col(ts(OperationLog::At))
                .col(string_len(OperationLog::Module, 64))
                .col(string_len(OperationLog::Action, 16))
                .col(string_len_null(OperationLog::TargetType, 32))
                .col(big_integer_null(OperationLog::TargetId))
                .col(string_len_null(OperationLog::TargetLabel, 200))
                .col(text_null(OperationLog::Detail))
                .col(string_len_null(OperationLog::Ip, 45))
                .col(string_len_null(OperationLog::UserAgent, 255))
                .col(boolean(OperationLog::Success).default(true))
                .foreign_key(&mut fk((OperationLog::Table, OperationLog::AccountId), (Account::Table, Account::Id)))
                .take(),
        )
        .await?;
        m.create_index(idx(OperationLog::Table, "ix_oplog_at", &["at"])).await?;
        m.create_index(idx(OperationLog::Table, "ix_oplog_account_at", &["account_id", "at"])).await?;
        m.create_index(idx(OperationLog::Table, "ix_oplog_target", &["target_type", "target_id"])).await?;

        reference::load(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "operation_log",
            "login_log",
            "captcha_challenge",
            "user_session",
            "account_permission",
            "account",
            "role_permission",
            "role",
            "permission",
            "organization_region",
            "organization",
            "industry",
            "region",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum Region {
    Table,
    Id,
    Code,
    Name,
    Level,
    ParentId,
    FullName,
    SortOrder,
    IsActive,
}
#[derive(DeriveIden)]
pub enum Industry {
    Table,
    Id,
    Code,
    Name,
    Level,
    ParentId,
    CmCode,
    FullName,
    SortOrder,
    IsActive,
}
#[derive(DeriveIden)]
pub enum Organization {
    Table,
    Id,
    Code,
    Name,
    OrgType,
    DepartmentKind,
    ParentId,
    CmOrgCode,
    RegionId,
    Address,
    Phone,
    ContactPerson,
    Email,
    PlatformUrl,
    SortOrder,
    IsActive,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
    UpdatedBy,
    Version,
}
#[derive(DeriveIden)]
pub enum OrganizationRegion {
    Table,
    OrganizationId,
    RegionId,
}
#[derive(DeriveIden)]
pub enum Permission {
    Table,
    Code,
    ParentCode,
    NameZh,
    NameEn,
    NodeType,
    CompanyCsOnly,
    Inferred,
    SortOrder,
}
/// Column names mirror the table, so one starts with the table's own name.
#[allow(clippy::enum_variant_names)]
#[derive(DeriveIden)]
pub enum Role {
    Table,
    Id,
    Code,
    Name,
    NameEn,
    RoleCategory,
    DataScope,
    IsBuiltin,
    Description,
    SortOrder,
    CreatedAt,
    UpdatedAt,
    Version,
}
#[derive(DeriveIden)]
pub enum RolePermission {
    Table,
    RoleId,
    PermissionCode,
}
#[derive(DeriveIden)]
pub enum Account {
    Table,
    Id,
    AdminId,
    AdminIdKey,
    Name,
    PasswordHash,
    Email,
    EmailKey,
    Phone,
    Status,
    RoleCategory,
    RoleId,
    OrganizationId,
    PermissionMode,
    OpenedAt,
    OpenedBy,
    ReviewExempt,
    CanReview,
    MustChangePassword,
    FailedLoginCount,
    LockedUntil,
    LastLoginAt,
    LastLoginIp,
    Locale,
    CreatedAt,
    UpdatedAt,
    UpdatedBy,
    Version,
}
#[derive(DeriveIden)]
pub enum AccountPermission {
    Table,
    AccountId,
    PermissionCode,
    GrantedBy,
    GrantedAt,
}
#[derive(DeriveIden)]
pub enum UserSession {
    Table,
    Id,
    AccountId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    Ip,
    UserAgent,
    RevokedAt,
}
#[derive(DeriveIden)]
pub enum CaptchaChallenge {
    Table,
    Id,
    AnswerHash,
    ExpiresAt,
}
#[derive(DeriveIden)]
pub enum LoginLog {
    Table,
    Id,
    AdminIdAttempted,
    AccountId,
    At,
    Ip,
    UserAgent,
    Result,
}
#[derive(DeriveIden)]
pub enum OperationLog {
    Table,
    Id,
    AccountId,
    AccountOrgId,
    At,
    Module,
    Action,
    TargetType,
    TargetId,
    TargetLabel,
    Detail,
    Ip,
    UserAgent,
    Success,
}

//! First-run data. Demo mode adds four rep offices with their regions and one account per role
//! category and CS level (password `Demo@2026`, documented in the README, demo only). Without
//! demo mode the first start creates a single 公司客服经理 `admin` with a random one-time
//! password that must be changed at first login (SPEC Appendix B item 3).
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

use crate::auth::entity::{account, organization, organization_region, region, role};
use crate::auth::{password, token};
use crate::error::{AppError, AppResult};

pub const DEMO_PASSWORD: &str = "Demo@2026";

/// Members of the demo data set (with about five service records each).
pub const DEMO_MEMBERS: u64 = 3000;

/// A demo rep office: its seat (a city) and the provinces it covers, by GB/T 2260 code.
struct RepOffice {
    code: &'static str,
    name: &'static str,
    seat: &'static str,
    covers: &'static [&'static str],
    address: &'static str,
    phone: &'static str,
}

const REP_OFFICES: [RepOffice; 4] = [
    RepOffice {
        code: "GZ",
        name: "广州代表处",
        seat: "440100",
        covers: &["440000", "450000", "460000"],
        address: "广州市天河区体育西路 103 号",
        phone: "020-38880001",
    },
    RepOffice {
        code: "SH",
        name: "上海代表处",
        seat: "310100",
        covers: &["310000", "320000"],
        address: "上海市浦东新区世纪大道 88 号",
        phone: "021-58880002",
    },
    RepOffice {
        code: "BJ",
        name: "北京代表处",
        seat: "110100",
        covers: &["110000", "120000", "130000"],
        address: "北京市朝阳区建国路 93 号",
        phone: "010-65880003",
    },
    RepOffice {
        code: "CD",
        name: "成都代表处",
        seat: "510100",
        covers: &["510000", "500000"],
        address: "成都市高新区天府大道 1700 号",
        phone: "028-85880004",
    },
];

/// Demo accounts: login, name, role code, organisation code. Their review flags follow
/// their role and department ([`crate::admin::review_defaults`]).
pub const DEMO_ACCOUNTS: [(&str, &str, &str, &str); 8] = [
    ("manager", "王经理", "cs_manager", "CS"),
    ("supervisor", "李主管", "cs_supervisor", "CS"),
    ("agent", "张坐席", "cs_agent", "CS"),
    ("qa", "赵质检", "cs_qa", "CS"),
    ("gz_rep", "陈广州", "rep_office_cs", "GZ"),
    ("sh_rep", "周上海", "rep_office_cs", "SH"),
    ("biz_tech", "孙技术", "business_dept", "TECH"),
    ("biz_buyer", "吴买家", "business_dept", "BUYER"),
];

async fn org(db: &impl ConnectionTrait, code: &str) -> AppResult<organization::Model> {
    organization::Entity::find()
        .filter(organization::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(format!("organisation {code} missing")))
}

async fn org_id(db: &impl ConnectionTrait, code: &str) -> AppResult<i64> {
    Ok(org(db, code).await?.id)
}

async fn region_id(db: &impl ConnectionTrait, code: &str) -> AppResult<Option<i64>> {
    Ok(region::Entity::find().filter(region::Column::Code.eq(code)).one(db).await?.map(|r| r.id))
}

/// Seeds on an empty account table; returns the initial admin password when one was generated.
pub async fn first_run(db: &sea_orm::DatabaseConnection, demo: bool) -> AppResult<Option<String>> {
    if account::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    let txn = crate::db::write_txn(db).await?;
    let generated = if demo {
        seed_rep_offices(&txn).await?;
        let hash = password::hash(DEMO_PASSWORD.into()).await?;
        for (login, name, role_code, org) in DEMO_ACCOUNTS {
            let r = role::Entity::find()
                .filter(role::Column::Code.eq(role_code))
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            insert_account(&txn, login, name, &r, &self::org(&txn, org).await?, &hash, false).await?;
        }
        None
    } else {
        let pw = format!("Crm{}", token::random_id(6));
        let hash = password::hash(pw.clone()).await?;
        let r = role::Entity::find()
            .filter(role::Column::Code.eq(crate::auth::RoleCode::CsManager.code()))
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        insert_account(&txn, "admin", "系统管理员", &r, &org(&txn, "CS").await?, &hash, true).await?;
        Some(pw)
    };
    txn.commit().await?;
    Ok(generated)
}

/// The demo knowledge base (articles over the catalogue), once.
pub async fn demo_kb(db: &sea_orm::DatabaseConnection) -> AppResult<()> {
    crate::kb::demo::demo(db).await
}

/// The demo members (with contacts, service records, the requests behind them, published
/// info and push logs), once, when there are none yet.
pub async fn demo_members(db: &sea_orm::DatabaseConnection) -> AppResult<()> {
    use crate::members::{demo, entity::customer};
    if customer::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let scale = demo::Scale { members: DEMO_MEMBERS, records_per_member: 5, extras: true };
    demo::generate(db, scale, 2026, |_| {}).await?;
    crate::requests::demo::from_records(db, 2026, |_| {}).await?;
    crate::qa::demo::records(db).await?;
    crate::archive::demo::generate(db).await
}

async fn seed_rep_offices(db: &impl ConnectionTrait) -> AppResult<()> {
    let hq = org_id(db, "HQ").await?;
    let now = Utc::now();
    for (i, r) in REP_OFFICES.iter().enumerate() {
        let o = organization::ActiveModel {
            code: Set(r.code.into()),
            name: Set(r.name.into()),
            org_type: Set(crate::auth::OrgType::RepOffice.code().into()),
            parent_id: Set(Some(hq)),
            region_id: Set(region_id(db, r.seat).await?),
            address: Set(Some(r.address.into())),
            phone: Set(Some(r.phone.into())),
            sort_order: Set(100 + i as i32),
            is_active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?;
        for c in r.covers {
            if let Some(region) = region_id(db, c).await? {
                organization_region::ActiveModel { organization_id: Set(o.id), region_id: Set(region) }
                    .insert(db)
                    .await?;
            }
        }
    }
    Ok(())
}

async fn insert_account(
    db: &impl ConnectionTrait,
    login: &str,
    name: &str,
    r: &role::Model,
    org: &organization::Model,
    hash: &str,
    must_change: bool,
) -> AppResult<()> {
    let now = Utc::now();
    let (can_review, review_exempt) = crate::admin::review_defaults(&r.code, org.department_kind());
    account::ActiveModel {
        admin_id: Set(login.into()),
        admin_id_key: Set(login.to_lowercase()),
        name: Set(name.into()),
        password_hash: Set(hash.into()),
        email: Set(format!("{login}@chengshang.example")),
        email_key: Set(format!("{login}@chengshang.example")),
        status: Set(crate::auth::AccountStatus::Active.code().into()),
        role_category: Set(r.role_category.clone()),
        role_id: Set(r.id),
        organization_id: Set(org.id),
        permission_mode: Set(crate::auth::PermissionMode::Inherit.code().into()),
        opened_at: Set(now),
        review_exempt: Set(review_exempt),
        can_review: Set(can_review),
        must_change_password: Set(must_change),
        failed_login_count: Set(0),
        locale: Set("zh".into()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

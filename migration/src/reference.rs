//! Reference data shipped with the schema (SPEC Appendix B): the permission tree, the built-in
//! roles with their default grants, the HQ organisation with its departments, and the region
//! (GB/T 2260) and industry (GB/T 4754) dictionaries. Everything is read from the CSV files in
//! `data/`, never typed into code.
use std::collections::HashMap;

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

const PERMISSIONS: &str = include_str!("../../data/permissions.csv");
const ROLES: &str = include_str!("../../data/roles.csv");
const ROLE_PERMISSIONS: &str = include_str!("../../data/role_permissions.csv");
const REGIONS: &str = include_str!("../../data/regions.csv");
const INDUSTRIES: &str = include_str!("../../data/industries.csv");

/// HQ and its departments (SPEC §1.4): code, name, department kind.
const DEPARTMENTS: [(&str, &str, &str); 6] = [
    ("CS", "客服部", "cs_dept"),
    ("TECH", "技术部", "tech_dept"),
    ("INFO", "信息部", "info_dept"),
    ("MKT", "营销部", "marketing_dept"),
    ("BUYER", "买家部", "buyer_dept"),
    ("OTHER", "其他部门", "other_dept"),
];

fn records(text: &str) -> Result<Vec<csv::StringRecord>, DbErr> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .map_err(|e| DbErr::Custom(format!("reference data: {e}")))
}

fn now() -> Expr {
    Expr::current_timestamp()
}

async fn exec(m: &SchemaManager<'_>, stmt: &InsertStatement) -> Result<(), DbErr> {
    m.get_connection().execute(stmt).await.map(|_| ())
}

async fn ids_by_code(m: &SchemaManager<'_>, table: &str) -> Result<HashMap<String, i64>, DbErr> {
    let db = m.get_connection();
    let sql = format!("SELECT id, code FROM {table}");
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
    rows.iter().map(|r| Ok((r.try_get::<String>("", "code")?, r.try_get::<i64>("", "id")?))).collect()
}

pub async fn load(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    load_permissions(m).await?;
    load_roles(m).await?;
    load_organizations(m).await?;
    load_tree(m, "region", REGIONS).await?;
    load_tree(m, "industry", INDUSTRIES).await
}

async fn load_permissions(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut ins = Query::insert();
    ins.into_table(Alias::new("permission")).columns(
        ["code", "parent_code", "name_zh", "name_en", "node_type", "company_cs_only", "inferred", "sort_order"]
            .map(Alias::new),
    );
    for (i, r) in records(PERMISSIONS)?.iter().enumerate() {
        let parent = (!r[1].is_empty()).then(|| r[1].to_string());
        ins.values_panic([
            r[0].into(),
            parent.into(),
            r[2].into(),
            r[3].into(),
            r[4].into(),
            (&r[5] == "true").into(),
            (&r[6] == "true").into(),
            (i as i32).into(),
        ]);
    }
    exec(m, &ins).await
}

async fn load_roles(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut ins = Query::insert();
    ins.into_table(Alias::new("role")).columns(
        [
            "code",
            "name",
            "name_en",
            "role_category",
            "data_scope",
            "is_builtin",
            "sort_order",
            "created_at",
            "updated_at",
        ]
        .map(Alias::new),
    );
    for (i, r) in records(ROLES)?.iter().enumerate() {
        ins.values_panic([
            r[0].into(),
            r[1].into(),
            r[2].into(),
            r[3].into(),
            r[4].into(),
            true.into(),
            (i as i32).into(),
            now(),
            now(),
        ]);
    }
    exec(m, &ins).await?;
    let roles = ids_by_code(m, "role").await?;
    let mut ins = Query::insert();
    ins.into_table(Alias::new("role_permission")).columns(["role_id", "permission_code"].map(Alias::new));
    for r in records(ROLE_PERMISSIONS)? {
        let role = *roles.get(&r[0]).ok_or_else(|| DbErr::Custom(format!("unknown role {}", &r[0])))?;
        for code in r[1].split_whitespace() {
            ins.values_panic([role.into(), code.into()]);
        }
    }
    exec(m, &ins).await
}

async fn load_organizations(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let cols = ["code", "name", "org_type", "department_kind", "parent_id", "sort_order", "created_at", "updated_at"]
        .map(Alias::new);
    let mut hq = Query::insert();
    hq.into_table(Alias::new("organization")).columns(cols.clone()).values_panic([
        "HQ".into(),
        "总部".into(),
        "hq".into(),
        Option::<String>::None.into(),
        Option::<i64>::None.into(),
        0.into(),
        now(),
        now(),
    ]);
    exec(m, &hq).await?;
    let hq_id = ids_by_code(m, "organization").await?["HQ"];
    let mut ins = Query::insert();
    ins.into_table(Alias::new("organization")).columns(cols);
    for (i, (code, name, kind)) in DEPARTMENTS.iter().enumerate() {
        ins.values_panic([
            (*code).into(),
            (*name).into(),
            "department".into(),
            (*kind).into(),
            hq_id.into(),
            (i as i32 + 1).into(),
            now(),
            now(),
        ]);
    }
    exec(m, &ins).await
}

/// Loads a 3-level code tree (`code,name,level,parent_code`) level by level so that every row
/// can point at its parent's generated id; `full_name` is the `/`-joined path.
async fn load_tree(m: &SchemaManager<'_>, table: &str, text: &str) -> Result<(), DbErr> {
    let rows = records(text)?;
    let mut full: HashMap<String, String> = HashMap::new();
    for level in 1..=3u8 {
        let ids = ids_by_code(m, table).await?;
        let level_rows: Vec<_> = rows.iter().filter(|r| r[2].parse::<u8>().ok() == Some(level)).collect();
        for chunk in level_rows.chunks(400) {
            let mut ins = Query::insert();
            ins.into_table(Alias::new(table))
                .columns(["code", "name", "level", "parent_id", "full_name", "sort_order"].map(Alias::new));
            for (i, r) in chunk.iter().enumerate() {
                let (code, name, parent) = (&r[0], &r[1], &r[3]);
                let parent_id = if parent.is_empty() {
                    None
                } else {
                    Some(*ids.get(parent).ok_or_else(|| DbErr::Custom(format!("{table} {code}: no parent {parent}")))?)
                };
                let path = match full.get(parent) {
                    Some(p) => format!("{p}/{name}"),
                    None => name.to_string(),
                };
                full.insert(code.to_string(), path.clone());
                ins.values_panic([
                    code.into(),
                    name.into(),
                    (level as i16).into(),
                    parent_id.into(),
                    path.into(),
                    (i as i32).into(),
                ]);
            }
            exec(m, &ins).await?;
        }
    }
    Ok(())
}

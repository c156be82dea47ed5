//! Small builders the migrations share (the schema each migration creates stays in its file).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

pub fn a(s: &str) -> Alias {
    Alias::new(s)
}

/// `id BIGINT` auto-increment primary key.
pub fn id() -> ColumnDef {
    ColumnDef::new(a("id")).big_integer().not_null().auto_increment().primary_key().take()
}

pub fn fk(table: &str, col: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(a(table), a(col)).to(a(to), a("id")).take()
}

pub fn idx(table: &str, name: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut s = Index::create();
    s.name(name).table(a(table));
    for c in cols {
        s.col(a(c));
    }
    s.take()
}

/// Rows per statement of [`backfill_derived`]: a few values each, well under both databases'
/// parameter limits.
const BATCH: u64 = 5_000;

/// How a derived column is made from its source text.
pub type Derive = fn(&str) -> String;

/// Fills columns derived in Rust from `source` (a normalised text, its search grams: NFKC has no
/// SQL equivalent on SQLite) on every row of `table`, in batches by id, one UPDATE per batch.
/// Rows whose derived values are all empty are left at their column default.
pub async fn backfill_derived(
    db: &impl ConnectionTrait,
    table: &str,
    source: &str,
    derived: &[(&str, Derive)],
) -> Result<(), DbErr> {
    backfill_from(db, table, &[source], derived).await
}

/// [`backfill_derived`] from several source columns, given to each derivation one per line.
pub async fn backfill_from(
    db: &impl ConnectionTrait,
    table: &str,
    sources: &[&str],
    derived: &[(&str, Derive)],
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let width = derived.len() + 1;
    let mut last = 0i64;
    loop {
        let mut q = Query::select();
        q.column(a("id"))
            .columns(sources.iter().map(|c| a(c)))
            .from(a(table))
            .and_where(Expr::col(a("id")).gt(last))
            .order_by(a("id"), Order::Asc)
            .limit(BATCH);
        let rows = db.query_all(&q).await?;
        let Some(end) = rows.last() else { return Ok(()) };
        last = end.try_get::<i64>("", "id")?;
        let mut values: Vec<Value> = Vec::with_capacity(rows.len() * width);
        for row in &rows {
            let text = sources
                .iter()
                .map(|c| row.try_get::<Option<String>>("", c).map(Option::unwrap_or_default))
                .collect::<Result<Vec<_>, _>>()?
                .join("\n");
            let made: Vec<String> = derived.iter().map(|(_, f)| f(&text)).collect();
            if made.iter().any(|v| !v.is_empty()) {
                values.push(row.try_get::<i64>("", "id")?.into());
                values.extend(made.into_iter().map(Value::from));
            }
        }
        if values.is_empty() {
            continue;
        }
        let tuples: Vec<String> = (0..values.len() / width)
            .map(|i| {
                let marks: Vec<String> = (1..=width)
                    .map(|k| match backend {
                        DbBackend::Postgres => format!("${}", i * width + k),
                        _ => "?".to_string(),
                    })
                    .collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let sets: Vec<String> =
            derived.iter().enumerate().map(|(k, (col, _))| format!("{col} = v.column{}", k + 2)).collect();
        let sql = format!(
            "UPDATE {table} SET {} FROM (VALUES {}) AS v WHERE {table}.id = v.column1",
            sets.join(", "),
            tuples.join(", ")
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    }
}

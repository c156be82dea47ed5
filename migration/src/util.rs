//! Small builders the migrations share (the schema each migration creates stays in its file).
use sea_orm_migration::prelude::*;

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

//! Integration tests through the HTTP routes the browser uses, on SQLite (default) or
//! PostgreSQL (`TEST_DATABASE=postgres TEST_POSTGRES_URL=…`).
mod admin;
mod archive;
mod archive_import;
mod auth;
mod common;
mod info;
mod matrix;
mod members;
mod sync;
mod uploads;

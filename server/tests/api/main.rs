//! Integration tests through the HTTP routes the browser uses, on SQLite (default) or
//! PostgreSQL (`TEST_DATABASE=postgres TEST_POSTGRES_URL=…`).
mod admin;
mod archive;
mod archive_import;
mod auth;
mod auth_races;
mod callbacks;
mod care;
mod common;
mod emails;
mod emails_restart;
mod hardening;
mod info;
mod initial_password;
mod jobs;
mod matrix;
mod members;
mod rep_needs;
mod requests;
mod requests_listing;
mod requests_sla;
mod search;
mod sync;
mod tasks;
mod uploads;

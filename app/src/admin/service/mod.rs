//! Server-side logic of the admin pages: every function takes the checked `CurrentUser`,
//! applies its scope and writes the audit entry in the same transaction as the change.
pub mod accounts;
pub mod logs;
pub mod orgs;
pub mod roles;

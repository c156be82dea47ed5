//! The member's 360° page (PG-11) and a service record's page (PG-12): everything the CRM
//! knows of a member in one place — its CM record, contacts, service records, requests,
//! published info, pushes, fulfilment and history. It sits above the features whose records it
//! shows (members, requests …), which never depend on it or on each other through it.
pub mod api;
pub mod page;

use serde::{Deserialize, Serialize};

use crate::members::MemberDetail;
use crate::requests::RequestBrief;

/// What the 360° page shows: the member's own data and its requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member360 {
    #[serde(flatten)]
    pub detail: MemberDetail,
    /// Its member requests the user may see (诉求 tab), newest first.
    pub requests: Vec<RequestBrief>,
}

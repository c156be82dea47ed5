//! Validation of the admin DTOs (shared by the forms and the server).
use super::*;

fn valid() -> AccountInput {
    AccountInput {
        admin_id: "li.na".into(),
        name: "李娜".into(),
        email: "li.na@example.com".into(),
        role_id: Some(1),
        organization_id: Some(2),
        password: "Passw0rd".into(),
        password_confirm: "Passw0rd".into(),
        ..Default::default()
    }
}

#[test]
fn account_input_errors_name_their_fields() {
    assert!(valid().validate(true).is_ok());
    let mut i = valid();
    i.admin_id = "x".into();
    i.email = "not-an-email".into();
    i.password_confirm = "other".into();
    let e = i.validate(true).unwrap_err();
    let f = e.field_errors().unwrap();
    assert!(f.get("admin_id").is_some());
    assert!(f.get("email").is_some());
    assert!(f.get("password_confirm").is_some());
    assert!(f.get("name").is_none());
}

#[test]
fn editing_without_password_keeps_it() {
    let mut i = valid();
    i.password.clear();
    i.password_confirm.clear();
    assert!(i.validate(false).is_ok());
    assert!(i.validate(true).is_err());
}

#[test]
fn org_must_fit_role_category() {
    let cs = OrgOption {
        id: 1,
        name: "客服部".into(),
        org_type: Some(OrgType::Department),
        department_kind: Some(DepartmentKind::CsDept),
        is_active: true,
    };
    let rep = OrgOption {
        id: 2,
        name: "广州代表处".into(),
        org_type: Some(OrgType::RepOffice),
        department_kind: None,
        is_active: true,
    };
    assert!(cs.fits(RoleCategory::CompanyCsAdmin));
    assert!(!cs.fits(RoleCategory::BusinessDeptAdmin));
    assert!(rep.fits(RoleCategory::RepOfficeCsAdmin));
    assert!(!rep.fits(RoleCategory::CompanyCsAdmin));
}

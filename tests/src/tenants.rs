//! Tenants for a test: each with a unique slug and host (tests share nothing), made the way
//! the operator makes them, and known to the web service before the test goes on.

use std::time::{Duration, Instant};

use common::infra::provisioning::{self, NewTenant};
use common::infra::tenancy::{Color, HostName, Tenant, TenantSlug};
use uuid::Uuid;

use crate::TestPlatform;

impl TestPlatform {
    /// A tenant with a unique slug and host, and the given name and primary colour.
    pub async fn create_tenant(&self, name: &str, primary_color: &str) -> Tenant {
        self.create_tenant_with_support_email(name, primary_color, None)
            .await
    }

    /// A tenant as [`Self::create_tenant`] makes it, with `support_email` in its branding.
    pub async fn create_tenant_with_support_email(
        &self,
        name: &str,
        primary_color: &str,
        support_email: Option<&str>,
    ) -> Tenant {
        let slug = format!("t{}", &Uuid::new_v4().simple().to_string()[..10]);
        let new = NewTenant {
            slug: TenantSlug::parse(&slug).expect("slug"),
            display_name: name.to_owned(),
            hosts: vec![HostName::parse(&format!("{slug}.test.localhost")).expect("host")],
            primary_color: Some(Color::parse(primary_color).expect("colour")),
            accent_color: None,
            welcome_text: None,
            support_phone: Some("0800-0123".to_owned()),
            support_email: support_email.map(str::to_owned),
        };
        let tenant = provisioning::create_tenant(&self.db, &new)
            .await
            .expect("create tenant");
        self.wait_until_web_knows(&tenant).await;
        tenant
    }

    /// The web service learns of new tenants by NOTIFY; wait until it has.
    async fn wait_until_web_knows(&self, tenant: &Tenant) {
        if self.web_addr.is_none() {
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(response) = self.get(&tenant.hosts[0], "/theme.css").await {
                if response.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("web never learned of tenant {}", tenant.slug);
    }
}

/// What a test's tenant work returns to make `in_tenant` roll back on purpose, for a test that
/// needs a transaction that never commits; or the query error that stopped the work early.
#[derive(Debug)]
pub enum RollBack {
    /// On purpose: the work is done and must not commit.
    Deliberate,
    /// A query failed before the work was done.
    Query(sqlx::Error),
}

impl From<sqlx::Error> for RollBack {
    fn from(error: sqlx::Error) -> Self {
        Self::Query(error)
    }
}

/// Sets the organisation's phone number through its branding page, as its admin.
pub async fn set_support_phone(admin: &mut crate::visitor::Visitor, name: &str, phone: &str) {
    admin.get("/beheer/huisstijl").await;
    let saved = admin
        .post(
            "/beheer/huisstijl",
            &[
                ("display_name", name),
                ("primary_color", "#1d4f91"),
                ("accent_color", "#f2a900"),
                ("support_phone", phone),
                ("support_email", ""),
                ("support_url", ""),
                ("welcome_text", ""),
            ],
        )
        .await;
    assert_eq!(
        saved.status,
        reqwest::StatusCode::SEE_OTHER,
        "{}",
        saved.body
    );
}

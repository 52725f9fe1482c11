//! Steps that staff tests share: an employee of a tenant who signs in on the staff side.

use common::accounts::{AccountId, EmailAddress, PersonName};
use common::care::page::ClientRecordId;
use common::infra::clock::Clock;
use common::infra::tenancy::{in_tenant, Tenant};
use common::organisation::employees::{self, EmployeeFields, EmployeeId};
use common::staff::{assignments, sign_in};
use uuid::Uuid;

use crate::accounts::{account_id, signed_in};
use crate::visitor::Visitor;
use crate::TestPlatform;

/// A new employee `who` of `tenant` (made by the domain) whose account, signed in, signs in on
/// the staff side (the invitation made and accepted by the domain): the visitor, the address,
/// the account and the employee.
pub async fn staff_member(
    platform: &TestPlatform,
    tenant: &Tenant,
    who: &str,
) -> (Visitor, String, AccountId, EmployeeId) {
    let (visitor, email) = signed_in(platform, tenant, who).await;
    let account = account_id(platform, &email).await;
    let now = platform.clock.now();
    let admin = AccountId(Uuid::new_v4());
    let fields = EmployeeFields {
        name: PersonName::parse(&format!("Medewerker {who}")).unwrap(),
        role: "Persoonlijk begeleider".to_owned(),
    };
    let address = EmailAddress::parse(&email).unwrap();
    let employee = in_tenant(&platform.db, &tenant.slug, async |tx| {
        let employee = employees::create(tx, admin, &fields, now).await?;
        sign_in::invite(tx, admin, employee, &address, "http://portaal", now).await?;
        // The invitation's token went out by e-mail (the staff tests accept one through the
        // pages); here the account is set as accepting it would.
        sqlx::query("UPDATE employees SET account_id = $2 WHERE id = $1")
            .bind(employee.0)
            .bind(account.0)
            .execute(tx.conn())
            .await?;
        Ok::<_, sqlx::Error>(employee)
    })
    .await
    .unwrap();
    (visitor, email, account, employee)
}

/// Makes `employee` a begeleider of the client record `client`.
pub async fn assign(platform: &TestPlatform, tenant: &Tenant, employee: EmployeeId, client: Uuid) {
    let now = platform.clock.now();
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        assignments::assign(
            tx,
            AccountId(Uuid::new_v4()),
            employee,
            ClientRecordId(client),
            now,
        )
        .await
    })
    .await
    .unwrap();
}

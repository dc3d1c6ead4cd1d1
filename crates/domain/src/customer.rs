//! Customers, their addresses and customer groups.
//!
//! Customer data is stored in plain columns for now; encrypting personal data at rest
//! (DESIGN.md "Security by construction") is decided with customer search in the Magento
//! customer issue, because it changes which fields searchCriteria can filter in SQL.

use crate::{StorageResult, clock, ids};
use storegate_db::{DbError, Exec, insert_rows, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// Magento's default customer groups: 0 NOT LOGGED IN, 1 General, 2 Wholesale, 3 Retailer,
/// all with the "Retail Customer" tax class (3).
pub async fn seed_groups(ex: &mut impl Exec, tenant: TenantId) -> Result<(), ApiError> {
    for (id, code) in [(0, "NOT LOGGED IN"), (1, "General"), (2, "Wholesale"), (3, "Retailer")] {
        ex.execute(sql!(
            "INSERT INTO customer_groups (tenant_id, id, code, tax_class_id) VALUES ($1, $2, $3, 3)",
            tenant.0,
            id,
            code
        ))
        .await
        .storage()?;
    }
    ids::ensure_above(ex, tenant, "customer_group", 3).await.storage()
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAddress {
    pub firstname: String,
    pub lastname: String,
    pub company: Option<String>,
    pub street: Vec<String>,
    pub city: String,
    pub region: Option<String>,
    pub region_id: Option<i64>,
    pub region_code: Option<String>,
    pub postcode: Option<String>,
    pub country_id: String,
    pub telephone: Option<String>,
    pub default_billing: bool,
    pub default_shipping: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewCustomer {
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    pub group_id: i64,
    pub website_id: i64,
    pub store_id: i64,
    pub dob: Option<String>,
    pub gender: Option<i64>,
    /// An argon2id hash, or `None` for an account without a password yet.
    pub password_hash: Option<String>,
    pub addresses: Vec<NewAddress>,
}

/// Inserts a batch of customers with their addresses; answers their ids.
pub async fn insert_batch(ex: &mut impl Exec, tenant: TenantId, batch: Vec<NewCustomer>) -> Result<Vec<i64>, ApiError> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let address_count: usize = batch.iter().map(|c| c.addresses.len()).sum();
    let first = ids::reserve(ex, tenant, "customer", batch.len() as i64).await.storage()?;
    let mut next_address = ids::reserve(ex, tenant, "customer_address", address_count as i64).await.storage()?;
    let now = clock::now_text();
    let t = tenant.0;
    let mut customers = Vec::with_capacity(batch.len());
    let mut addresses = Vec::with_capacity(address_count);
    let mut ids = Vec::with_capacity(batch.len());
    for (i, c) in batch.into_iter().enumerate() {
        let id = first + i as i64;
        ids.push(id);
        let mut default_billing = None;
        let mut default_shipping = None;
        for a in c.addresses {
            let address_id = next_address;
            next_address += 1;
            if a.default_billing {
                default_billing = Some(address_id);
            }
            if a.default_shipping {
                default_shipping = Some(address_id);
            }
            let street = serde_json::to_string(&a.street).map_err(|e| ApiError::internal(e.to_string()))?;
            addresses.push(vec![
                t.into(),
                address_id.into(),
                id.into(),
                a.firstname.into(),
                a.lastname.into(),
                a.company.into(),
                street.into(),
                a.city.into(),
                a.region.into(),
                a.region_id.into(),
                a.region_code.into(),
                a.postcode.into(),
                a.country_id.into(),
                a.telephone.into(),
                now.clone().into(),
                now.clone().into(),
            ]);
        }
        customers.push(vec![
            t.into(),
            id.into(),
            c.website_id.into(),
            c.store_id.into(),
            c.group_id.into(),
            c.email.into(),
            c.firstname.into(),
            c.lastname.into(),
            c.dob.into(),
            c.gender.into(),
            c.password_hash.into(),
            default_billing.into(),
            default_shipping.into(),
            "Default Store View".into(),
            now.clone().into(),
            now.clone().into(),
        ]);
    }
    let inserted = insert_rows(
        ex,
        "customers",
        &[
            "tenant_id",
            "id",
            "website_id",
            "store_id",
            "group_id",
            "email",
            "firstname",
            "lastname",
            "dob",
            "gender",
            "password_hash",
            "default_billing",
            "default_shipping",
            "created_in",
            "created_at",
            "updated_at",
        ],
        customers,
    )
    .await;
    match inserted {
        Ok(_) => {}
        Err(DbError::UniqueViolation(m)) => {
            return Err(ApiError::positional(ErrorCode::AlreadyExists, ["A customer with the same email address"])
                .with_internal(m));
        }
        Err(e) => return Err(crate::storage(e)),
    }
    insert_rows(
        ex,
        "customer_addresses",
        &[
            "tenant_id",
            "id",
            "customer_id",
            "firstname",
            "lastname",
            "company",
            "street",
            "city",
            "region",
            "region_id",
            "region_code",
            "postcode",
            "country_id",
            "telephone",
            "created_at",
            "updated_at",
        ],
        addresses,
    )
    .await
    .storage()?;
    Ok(ids)
}

pub async fn count(ex: &mut impl Exec, tenant: TenantId) -> Result<i64, ApiError> {
    ex.fetch_scalar(sql!("SELECT COUNT(*) FROM customers WHERE tenant_id = $1", tenant.0)).await.storage()
}

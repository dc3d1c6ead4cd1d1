//! Customers, their addresses and customer groups.
//!
//! Personal data at rest: a customer's email, first name and last name stay in plain
//! columns, because clients filter customers by them with searchCriteria in SQL. Everything
//! else personal is encrypted with [`Crypto`] before it is stored and decrypted on read: the
//! customer's date of birth and tax/VAT number, and the address's street (its JSON array
//! text), city, postcode, telephone, fax, company and VAT id. Region and country ids and
//! names stay plain. Encrypted fields cannot be searched, so the search whitelist leaves
//! them out.
//!
//! Emails are stored lower-cased (Magento compares them case-insensitively) and are unique
//! per website.

pub mod account;
pub mod groups;
pub mod reset;

use crate::crypto::Crypto;
use crate::search::{Field, FieldKind, FieldMap, SearchCriteria};
use crate::{StorageResult, clock, ids};
use storegate_db::{DbError, Exec, Query, Row, Value, insert_rows, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

pub use account::{AddressInput, CustomerInput};
pub use groups::{Group, seed_groups};

/// A stored customer as the API shows it, personal fields decrypted.
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub id: i64,
    pub group_id: i64,
    pub default_billing: Option<i64>,
    pub default_shipping: Option<i64>,
    pub confirmation: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub created_in: Option<String>,
    pub dob: Option<String>,
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    pub middlename: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub gender: Option<i64>,
    pub store_id: i64,
    pub taxvat: Option<String>,
    pub website_id: i64,
    pub addresses: Vec<Address>,
    pub disable_auto_group_change: i64,
    pub is_subscribed: bool,
    pub is_active: bool,
}

/// A customer address, personal fields decrypted.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Address {
    pub id: i64,
    pub customer_id: i64,
    pub firstname: String,
    pub lastname: String,
    pub middlename: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub company: Option<String>,
    pub street: Vec<String>,
    pub city: String,
    pub region: Option<String>,
    pub region_id: Option<i64>,
    pub region_code: Option<String>,
    pub postcode: Option<String>,
    pub country_id: String,
    pub telephone: Option<String>,
    pub fax: Option<String>,
    pub vat_id: Option<String>,
    pub default_billing: bool,
    pub default_shipping: bool,
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

impl NewAddress {
    fn into_address(self, id: i64, customer_id: i64) -> Address {
        Address {
            id,
            customer_id,
            firstname: self.firstname,
            lastname: self.lastname,
            company: self.company,
            street: self.street,
            city: self.city,
            region: self.region,
            region_id: self.region_id,
            region_code: self.region_code,
            postcode: self.postcode,
            country_id: self.country_id,
            telephone: self.telephone,
            default_billing: self.default_billing,
            default_shipping: self.default_shipping,
            ..Address::default()
        }
    }
}

const ADDRESS_COLUMNS: &[&str] = &[
    "tenant_id",
    "id",
    "customer_id",
    "firstname",
    "lastname",
    "middlename",
    "prefix",
    "suffix",
    "company",
    "street",
    "city",
    "region",
    "region_id",
    "region_code",
    "postcode",
    "country_id",
    "telephone",
    "fax",
    "vat_id",
    "created_at",
    "updated_at",
];

/// The values of [`ADDRESS_COLUMNS`] for one address, personal fields encrypted.
fn address_values(crypto: &Crypto, tenant: TenantId, a: &Address, now: &str) -> Result<Vec<Value>, ApiError> {
    let street = serde_json::to_string(&a.street).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(vec![
        tenant.0.into(),
        a.id.into(),
        a.customer_id.into(),
        a.firstname.clone().into(),
        a.lastname.clone().into(),
        a.middlename.clone().into(),
        a.prefix.clone().into(),
        a.suffix.clone().into(),
        crypto.encrypt_opt(a.company.as_deref()).into(),
        crypto.encrypt(&street).into(),
        crypto.encrypt(&a.city).into(),
        a.region.clone().into(),
        a.region_id.into(),
        a.region_code.clone().into(),
        crypto.encrypt_opt(a.postcode.as_deref()).into(),
        a.country_id.clone().into(),
        crypto.encrypt_opt(a.telephone.as_deref()).into(),
        crypto.encrypt_opt(a.fax.as_deref()).into(),
        crypto.encrypt_opt(a.vat_id.as_deref()).into(),
        now.into(),
        now.into(),
    ])
}

const CUSTOMER_COLUMNS: &[&str] = &[
    "tenant_id",
    "id",
    "website_id",
    "store_id",
    "group_id",
    "email",
    "firstname",
    "lastname",
    "middlename",
    "prefix",
    "suffix",
    "dob",
    "gender",
    "taxvat",
    "password_hash",
    "default_billing",
    "default_shipping",
    "created_in",
    "is_active",
    "is_subscribed",
    "disable_auto_group_change",
    "created_at",
    "updated_at",
];

/// A complete customer row about to be inserted (`email` already normalised).
pub(crate) struct CustomerRow {
    pub id: i64,
    pub website_id: i64,
    pub store_id: i64,
    pub group_id: i64,
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    pub middlename: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub dob: Option<String>,
    pub gender: Option<i64>,
    pub taxvat: Option<String>,
    pub password_hash: Option<String>,
    pub default_billing: Option<i64>,
    pub default_shipping: Option<i64>,
    pub created_in: Option<String>,
    pub is_subscribed: bool,
    pub disable_auto_group_change: i64,
}

fn customer_values(crypto: &Crypto, tenant: TenantId, c: CustomerRow, now: &str) -> Vec<Value> {
    vec![
        tenant.0.into(),
        c.id.into(),
        c.website_id.into(),
        c.store_id.into(),
        c.group_id.into(),
        c.email.into(),
        c.firstname.into(),
        c.lastname.into(),
        c.middlename.into(),
        c.prefix.into(),
        c.suffix.into(),
        crypto.encrypt_opt(c.dob.as_deref()).into(),
        c.gender.into(),
        crypto.encrypt_opt(c.taxvat.as_deref()).into(),
        c.password_hash.into(),
        c.default_billing.into(),
        c.default_shipping.into(),
        c.created_in.into(),
        true.into(),
        c.is_subscribed.into(),
        c.disable_auto_group_change.into(),
        now.into(),
        now.into(),
    ]
}

/// The error for a second account with the same email in one website.
pub(crate) fn email_taken() -> ApiError {
    ApiError::new(ErrorCode::CustomerEmailExists)
}

/// Inserts customers (already validated) with their addresses.
pub(crate) async fn insert_rows_with_addresses(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    customers: Vec<CustomerRow>,
    addresses: &[Address],
) -> Result<(), ApiError> {
    let now = clock::now_text();
    let rows = customers.into_iter().map(|c| customer_values(crypto, tenant, c, &now)).collect();
    match insert_rows(ex, "customers", CUSTOMER_COLUMNS, rows).await {
        Ok(_) => {}
        Err(DbError::UniqueViolation(m)) => return Err(email_taken().with_internal(m)),
        Err(e) => return Err(crate::storage(e)),
    }
    let rows = addresses.iter().map(|a| address_values(crypto, tenant, a, &now)).collect::<Result<Vec<_>, _>>()?;
    insert_rows(ex, "customer_addresses", ADDRESS_COLUMNS, rows).await.storage()?;
    Ok(())
}

/// Inserts a batch of customers with their addresses (the demo generator's path); answers
/// their ids. Emails are stored lower-cased; personal fields are encrypted with `crypto`.
pub async fn insert_batch(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    batch: Vec<NewCustomer>,
) -> Result<Vec<i64>, ApiError> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let address_count: usize = batch.iter().map(|c| c.addresses.len()).sum();
    let first = ids::reserve(ex, tenant, "customer", batch.len() as i64).await.storage()?;
    let mut next_address = ids::reserve(ex, tenant, "customer_address", address_count as i64).await.storage()?;
    let mut customers = Vec::with_capacity(batch.len());
    let mut addresses = Vec::with_capacity(address_count);
    let mut ids = Vec::with_capacity(batch.len());
    for (i, c) in batch.into_iter().enumerate() {
        let id = first + i as i64;
        ids.push(id);
        let mut default_billing = None;
        let mut default_shipping = None;
        for a in c.addresses {
            let address = a.into_address(next_address, id);
            next_address += 1;
            if address.default_billing {
                default_billing = Some(address.id);
            }
            if address.default_shipping {
                default_shipping = Some(address.id);
            }
            addresses.push(address);
        }
        customers.push(CustomerRow {
            id,
            website_id: c.website_id,
            store_id: c.store_id,
            group_id: c.group_id,
            email: c.email.trim().to_lowercase(),
            firstname: c.firstname,
            lastname: c.lastname,
            middlename: None,
            prefix: None,
            suffix: None,
            dob: c.dob,
            gender: c.gender,
            taxvat: None,
            password_hash: c.password_hash,
            default_billing,
            default_shipping,
            created_in: Some("Default Store View".into()),
            is_subscribed: false,
            disable_auto_group_change: 0,
        });
    }
    insert_rows_with_addresses(ex, tenant, crypto, customers, &addresses).await?;
    Ok(ids)
}

pub async fn count(ex: &mut impl Exec, tenant: TenantId) -> Result<i64, ApiError> {
    ex.fetch_scalar(sql!("SELECT COUNT(*) FROM customers WHERE tenant_id = $1", tenant.0)).await.storage()
}

// Reading -----------------------------------------------------------------------------------

const CUSTOMER_SELECT: &str = "SELECT c.id, c.group_id, c.default_billing, c.default_shipping, c.confirmation, \
     c.created_at, c.updated_at, c.created_in, c.dob, c.email, c.firstname, c.lastname, c.middlename, c.prefix, \
     c.suffix, c.gender, c.store_id, c.taxvat, c.website_id, c.disable_auto_group_change, c.is_subscribed, \
     c.is_active FROM customers c";

const ADDRESS_SELECT: &str = "SELECT id, customer_id, firstname, lastname, middlename, prefix, suffix, company, \
     street, city, region, region_id, region_code, postcode, country_id, telephone, fax, vat_id \
     FROM customer_addresses";

fn customer_from_row(r: &Row, crypto: &Crypto) -> Result<Customer, ApiError> {
    let text = |name: &str| r.get::<Option<String>>(name).storage();
    Ok(Customer {
        id: r.get("id").storage()?,
        group_id: r.get("group_id").storage()?,
        default_billing: r.get("default_billing").storage()?,
        default_shipping: r.get("default_shipping").storage()?,
        confirmation: text("confirmation")?,
        created_at: r.get("created_at").storage()?,
        updated_at: r.get("updated_at").storage()?,
        created_in: text("created_in")?,
        dob: crypto.decrypt_opt(text("dob")?.as_deref())?,
        email: r.get("email").storage()?,
        firstname: r.get("firstname").storage()?,
        lastname: r.get("lastname").storage()?,
        middlename: text("middlename")?,
        prefix: text("prefix")?,
        suffix: text("suffix")?,
        gender: r.get("gender").storage()?,
        store_id: r.get("store_id").storage()?,
        taxvat: crypto.decrypt_opt(text("taxvat")?.as_deref())?,
        website_id: r.get("website_id").storage()?,
        addresses: Vec::new(),
        disable_auto_group_change: r.get("disable_auto_group_change").storage()?,
        is_subscribed: r.get("is_subscribed").storage()?,
        is_active: r.get("is_active").storage()?,
    })
}

fn address_from_row(r: &Row, crypto: &Crypto) -> Result<Address, ApiError> {
    let text = |name: &str| r.get::<Option<String>>(name).storage();
    let secret = |name: &str| -> Result<Option<String>, ApiError> { crypto.decrypt_opt(text(name)?.as_deref()) };
    let street_json = crypto.decrypt(&r.get::<String>("street").storage()?)?;
    let street: Vec<String> =
        serde_json::from_str(&street_json).map_err(|e| ApiError::internal(format!("stored street: {e}")))?;
    Ok(Address {
        id: r.get("id").storage()?,
        customer_id: r.get("customer_id").storage()?,
        firstname: r.get("firstname").storage()?,
        lastname: r.get("lastname").storage()?,
        middlename: text("middlename")?,
        prefix: text("prefix")?,
        suffix: text("suffix")?,
        company: secret("company")?,
        street,
        city: crypto.decrypt(&r.get::<String>("city").storage()?)?,
        region: text("region")?,
        region_id: r.get("region_id").storage()?,
        region_code: text("region_code")?,
        postcode: secret("postcode")?,
        country_id: r.get("country_id").storage()?,
        telephone: secret("telephone")?,
        fax: secret("fax")?,
        vat_id: secret("vat_id")?,
        default_billing: false,
        default_shipping: false,
    })
}

/// The addresses of `customers`, in id order, with their default flags set.
async fn attach_addresses(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    customers: &mut [Customer],
) -> Result<(), ApiError> {
    if customers.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (0..customers.len()).map(|i| format!("${}", i + 2)).collect();
    let mut q = Query::new(format!(
        "{ADDRESS_SELECT} WHERE tenant_id = $1 AND customer_id IN ({}) ORDER BY id",
        placeholders.join(", ")
    ))
    .bind(tenant.0);
    for c in customers.iter() {
        q = q.bind(c.id);
    }
    let rows = ex.fetch_all(q).await.storage()?;
    for r in &rows {
        let mut a = address_from_row(r, crypto)?;
        if let Some(c) = customers.iter_mut().find(|c| c.id == a.customer_id) {
            a.default_billing = c.default_billing == Some(a.id);
            a.default_shipping = c.default_shipping == Some(a.id);
            c.addresses.push(a);
        }
    }
    Ok(())
}

/// One customer with its addresses, or `None`.
pub async fn get(ex: &mut impl Exec, tenant: TenantId, crypto: &Crypto, id: i64) -> Result<Option<Customer>, ApiError> {
    let row = ex
        .fetch_optional(sql!(format!("{CUSTOMER_SELECT} WHERE c.tenant_id = $1 AND c.id = $2"), tenant.0, id))
        .await
        .storage()?;
    let Some(row) = row else { return Ok(None) };
    let mut customers = [customer_from_row(&row, crypto)?];
    attach_addresses(ex, tenant, crypto, &mut customers).await?;
    let [c] = customers;
    Ok(Some(c))
}

/// Magento's 404 for an unknown customer id.
pub fn not_found(id: i64) -> ApiError {
    ApiError::no_such_entity("customerId", id)
}

/// Like [`get`], but an unknown id is Magento's 404.
pub async fn require(ex: &mut impl Exec, tenant: TenantId, crypto: &Crypto, id: i64) -> Result<Customer, ApiError> {
    get(ex, tenant, crypto, id).await?.ok_or_else(|| not_found(id))
}

/// The fields customer searches may filter and sort by. Encrypted fields (dob, taxvat,
/// every address field) are deliberately absent: they cannot be compared in SQL.
pub const SEARCH_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "entity_id", sql: "c.id", kind: FieldKind::Int },
        Field { name: "id", sql: "c.id", kind: FieldKind::Int },
        Field { name: "email", sql: "c.email", kind: FieldKind::Text },
        Field { name: "firstname", sql: "c.firstname", kind: FieldKind::Text },
        Field { name: "lastname", sql: "c.lastname", kind: FieldKind::Text },
        Field { name: "middlename", sql: "c.middlename", kind: FieldKind::Text },
        Field { name: "prefix", sql: "c.prefix", kind: FieldKind::Text },
        Field { name: "suffix", sql: "c.suffix", kind: FieldKind::Text },
        Field { name: "group_id", sql: "c.group_id", kind: FieldKind::Int },
        Field { name: "website_id", sql: "c.website_id", kind: FieldKind::Int },
        Field { name: "store_id", sql: "c.store_id", kind: FieldKind::Int },
        Field { name: "gender", sql: "c.gender", kind: FieldKind::Int },
        Field { name: "created_in", sql: "c.created_in", kind: FieldKind::Text },
        Field { name: "created_at", sql: "c.created_at", kind: FieldKind::DateTime },
        Field { name: "updated_at", sql: "c.updated_at", kind: FieldKind::DateTime },
        Field { name: "is_active", sql: "c.is_active", kind: FieldKind::Bool },
        Field { name: "confirmation", sql: "c.confirmation", kind: FieldKind::Text },
        Field { name: "default_billing", sql: "c.default_billing", kind: FieldKind::Int },
        Field { name: "default_shipping", sql: "c.default_shipping", kind: FieldKind::Int },
        Field { name: "disable_auto_group_change", sql: "c.disable_auto_group_change", kind: FieldKind::Int },
    ],
    eav: None,
    tiebreak: "c.id",
};

/// Customers matching `criteria`, one page, with the total count.
pub async fn search(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<Customer>, i64), ApiError> {
    // Emails are stored lower-cased, so the values compared with them are too.
    let mut criteria = criteria.clone();
    for f in criteria.filter_groups.iter_mut().flat_map(|g| g.filters.iter_mut()) {
        if f.field == "email" {
            f.value = f.value.to_lowercase();
        }
    }
    let none = |_: &str| None;
    let compiled = crate::search::compile(&criteria, &SEARCH_FIELDS, &none, 2, max_page_size, ex.backend())?;
    let total: i64 = ex
        .fetch_scalar(compiled.bind(sql!(
            format!("SELECT COUNT(*) FROM customers c WHERE c.tenant_id = $1 AND ({})", compiled.condition),
            tenant.0
        )))
        .await
        .storage()?;
    let rows = ex
        .fetch_all(compiled.bind_page(sql!(
            format!("{CUSTOMER_SELECT} WHERE c.tenant_id = $1 AND ({}) {}", compiled.condition, compiled.page_clause()),
            tenant.0
        )))
        .await
        .storage()?;
    let mut customers = rows.iter().map(|r| customer_from_row(r, crypto)).collect::<Result<Vec<_>, _>>()?;
    attach_addresses(ex, tenant, crypto, &mut customers).await?;
    Ok((customers, total))
}

/// One address by id, or Magento's 404 (`addressId`).
pub async fn address(ex: &mut impl Exec, tenant: TenantId, crypto: &Crypto, id: i64) -> Result<Address, ApiError> {
    let row = ex
        .fetch_optional(sql!(format!("{ADDRESS_SELECT} WHERE tenant_id = $1 AND id = $2"), tenant.0, id))
        .await
        .storage()?;
    let row = row.ok_or_else(|| ApiError::no_such_entity("addressId", id))?;
    let mut a = address_from_row(&row, crypto)?;
    let defaults = ex
        .fetch_optional(sql!(
            "SELECT default_billing, default_shipping FROM customers WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            a.customer_id
        ))
        .await
        .storage()?;
    if let Some(d) = defaults {
        a.default_billing = d.get::<Option<i64>>("default_billing").storage()? == Some(a.id);
        a.default_shipping = d.get::<Option<i64>>("default_shipping").storage()? == Some(a.id);
    }
    Ok(a)
}

/// Which default address of a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultAddress {
    Billing,
    Shipping,
}

/// The customer's default billing or shipping address; `None` when none is set. An
/// unknown customer is Magento's 404.
pub async fn default_address(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    customer_id: i64,
    which: DefaultAddress,
) -> Result<Option<Address>, ApiError> {
    let c = require(ex, tenant, crypto, customer_id).await?;
    let id = match which {
        DefaultAddress::Billing => c.default_billing,
        DefaultAddress::Shipping => c.default_shipping,
    };
    Ok(id.and_then(|id| c.addresses.into_iter().find(|a| a.id == id)))
}

//! Addresses of carts and orders: one shape for both, with the personal fields (company,
//! street, city, postcode, telephone, fax, vat id) encrypted at rest as customer addresses are.

use crate::StorageResult;
use crate::crypto::Crypto;
use crate::customer;
use storegate_db::{Row, Value};
use storegate_types::ApiError;

/// A billing or shipping address of a cart or an order, decrypted.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Address {
    pub id: i64,
    /// `billing` or `shipping`.
    pub address_type: String,
    pub customer_id: Option<i64>,
    pub customer_address_id: Option<i64>,
    pub email: Option<String>,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub middlename: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub company: Option<String>,
    pub street: Vec<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub region_id: Option<i64>,
    pub region_code: Option<String>,
    pub postcode: Option<String>,
    pub country_id: Option<String>,
    pub telephone: Option<String>,
    pub fax: Option<String>,
    pub vat_id: Option<String>,
    pub same_as_billing: i64,
    pub save_in_address_book: i64,
}

/// The columns shared by `quote_addresses` and `sales_order_addresses` after the key.
pub(crate) const COLUMNS: &[&str] = &[
    "address_type",
    "customer_address_id",
    "email",
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
];

impl Address {
    /// From a customer's address-book entry.
    pub fn from_customer(a: &customer::Address, address_type: &str, email: Option<String>) -> Address {
        Address {
            id: 0,
            address_type: address_type.to_owned(),
            customer_id: Some(a.customer_id),
            customer_address_id: Some(a.id),
            email,
            firstname: Some(a.firstname.clone()),
            lastname: Some(a.lastname.clone()),
            middlename: a.middlename.clone(),
            prefix: a.prefix.clone(),
            suffix: a.suffix.clone(),
            company: a.company.clone(),
            street: a.street.clone(),
            city: Some(a.city.clone()),
            region: a.region.clone(),
            region_id: a.region_id,
            region_code: a.region_code.clone(),
            postcode: a.postcode.clone(),
            country_id: Some(a.country_id.clone()),
            telephone: a.telephone.clone(),
            fax: a.fax.clone(),
            vat_id: a.vat_id.clone(),
            same_as_billing: 0,
            save_in_address_book: 0,
        }
    }

    /// The first required field that is missing, Magento's address validation order.
    pub fn missing_field(&self) -> Option<&'static str> {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        if blank(&self.firstname) {
            return Some("firstname");
        }
        if blank(&self.lastname) {
            return Some("lastname");
        }
        if self.street.iter().all(|s| s.trim().is_empty()) {
            return Some("street");
        }
        if blank(&self.city) {
            return Some("city");
        }
        if blank(&self.telephone) {
            return Some("telephone");
        }
        if blank(&self.country_id) {
            return Some("country_id");
        }
        if blank(&self.postcode) {
            return Some("postcode");
        }
        None
    }

    /// Values for [`COLUMNS`], personal fields encrypted.
    pub(crate) fn values(&self, crypto: &Crypto) -> Result<Vec<Value>, ApiError> {
        let enc = |v: &Option<String>| -> Value { crypto.encrypt_opt(v.as_deref()).into() };
        let street = serde_json::to_string(&self.street).map_err(|e| ApiError::internal(e.to_string()))?;
        Ok(vec![
            self.address_type.clone().into(),
            self.customer_address_id.into(),
            self.email.clone().into(),
            self.firstname.clone().into(),
            self.lastname.clone().into(),
            self.middlename.clone().into(),
            self.prefix.clone().into(),
            self.suffix.clone().into(),
            enc(&self.company),
            crypto.encrypt(&street).into(),
            enc(&self.city),
            self.region.clone().into(),
            self.region_id.into(),
            self.region_code.clone().into(),
            enc(&self.postcode),
            self.country_id.clone().into(),
            enc(&self.telephone),
            enc(&self.fax),
            enc(&self.vat_id),
        ])
    }

    /// Reads a row selected with `id`, `customer_id` (or NULL), then [`COLUMNS`].
    pub(crate) fn from_row(r: &Row, crypto: &Crypto) -> Result<Address, ApiError> {
        let text = |c: &str| r.get::<Option<String>>(c).storage();
        let secret = |c: &str| -> Result<Option<String>, ApiError> { crypto.decrypt_opt(text(c)?.as_deref()) };
        let street = match secret("street")? {
            Some(s) => serde_json::from_str(&s).map_err(|e| ApiError::internal(format!("stored street: {e}")))?,
            None => Vec::new(),
        };
        Ok(Address {
            id: r.get("id").storage()?,
            address_type: r.get("address_type").storage()?,
            customer_id: r.get("customer_id").storage()?,
            customer_address_id: r.get("customer_address_id").storage()?,
            email: text("email")?,
            firstname: text("firstname")?,
            lastname: text("lastname")?,
            middlename: text("middlename")?,
            prefix: text("prefix")?,
            suffix: text("suffix")?,
            company: secret("company")?,
            street,
            city: secret("city")?,
            region: text("region")?,
            region_id: r.get("region_id").storage()?,
            region_code: text("region_code")?,
            postcode: secret("postcode")?,
            country_id: text("country_id")?,
            telephone: secret("telephone")?,
            fax: secret("fax")?,
            vat_id: secret("vat_id")?,
            same_as_billing: 0,
            save_in_address_book: 0,
        })
    }
}

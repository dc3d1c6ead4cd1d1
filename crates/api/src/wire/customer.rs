//! Customer, address and customer group shapes (contract §5.3), in Magento's getter order.
//!
//! Input is lenient as Magento's is: integers may arrive as text (`"websiteId": "1"`),
//! booleans as `0`/`1`, `street` as one string or a list, and unknown keys are ignored.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use storegate_domain::customer::{Address, AddressInput, Customer, CustomerInput, Group};

// Output ------------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RegionOut {
    pub region_code: Option<String>,
    pub region: Option<String>,
    pub region_id: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AddressOut {
    pub id: i64,
    pub customer_id: i64,
    pub region: RegionOut,
    pub region_id: i64,
    pub country_id: String,
    pub street: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    pub city: String,
    pub firstname: String,
    pub lastname: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middlename: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
    pub default_shipping: bool,
    pub default_billing: bool,
}

impl From<Address> for AddressOut {
    fn from(a: Address) -> Self {
        let region_id = a.region_id.unwrap_or(0);
        AddressOut {
            id: a.id,
            customer_id: a.customer_id,
            region: RegionOut { region_code: a.region_code, region: a.region, region_id },
            region_id,
            country_id: a.country_id,
            street: a.street,
            company: a.company,
            telephone: a.telephone,
            fax: a.fax,
            postcode: a.postcode,
            city: a.city,
            firstname: a.firstname,
            lastname: a.lastname,
            middlename: a.middlename,
            prefix: a.prefix,
            suffix: a.suffix,
            vat_id: a.vat_id,
            default_shipping: a.default_shipping,
            default_billing: a.default_billing,
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CustomerExtensionOut {
    pub is_subscribed: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CustomerOut {
    pub id: i64,
    pub group_id: i64,
    /// The default billing address's id, as a string (Magento's type).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_billing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_shipping: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_in: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dob: Option<String>,
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middlename: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<i64>,
    pub store_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taxvat: Option<String>,
    pub website_id: i64,
    pub addresses: Vec<AddressOut>,
    pub disable_auto_group_change: i64,
    pub extension_attributes: CustomerExtensionOut,
}

impl From<Customer> for CustomerOut {
    fn from(c: Customer) -> Self {
        CustomerOut {
            id: c.id,
            group_id: c.group_id,
            default_billing: c.default_billing.map(|id| id.to_string()),
            default_shipping: c.default_shipping.map(|id| id.to_string()),
            confirmation: c.confirmation,
            created_at: c.created_at,
            updated_at: c.updated_at,
            created_in: c.created_in,
            dob: c.dob,
            email: c.email,
            firstname: c.firstname,
            lastname: c.lastname,
            middlename: c.middlename,
            prefix: c.prefix,
            suffix: c.suffix,
            gender: c.gender,
            store_id: c.store_id,
            taxvat: c.taxvat,
            website_id: c.website_id,
            addresses: c.addresses.into_iter().map(AddressOut::from).collect(),
            disable_auto_group_change: c.disable_auto_group_change,
            extension_attributes: CustomerExtensionOut { is_subscribed: c.is_subscribed },
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct GroupOut {
    pub id: i64,
    pub code: String,
    pub tax_class_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_class_name: Option<String>,
}

impl From<Group> for GroupOut {
    fn from(g: Group) -> Self {
        let tax_class_name = g.tax_class_name().map(str::to_owned);
        GroupOut { id: g.id, code: g.code, tax_class_id: g.tax_class_id, tax_class_name }
    }
}

/// `PUT /V1/customers/validate`'s answer.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ValidationOut {
    pub valid: bool,
    pub messages: Vec<String>,
}

// Input -------------------------------------------------------------------------------------

/// An integer that may arrive as text; `null` and `""` mean absent.
pub mod opt_int {
    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        use serde::de::Error;
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .map(Some)
                .ok_or_else(|| D::Error::custom(format!("\"{n}\" is not an integer"))),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => {
                s.trim().parse().map(Some).map_err(|_| D::Error::custom(format!("\"{s}\" is not an integer")))
            }
            Some(Value::Bool(b)) => Ok(Some(b as i64)),
            Some(other) => Err(D::Error::custom(format!("{other} is not an integer"))),
        }
    }
}

/// A boolean that may arrive as `0`/`1` or text; `null` means absent.
pub mod opt_bool {
    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        use serde::de::Error;
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(Value::Number(n)) => Ok(Some(n.as_f64().unwrap_or(0.0) != 0.0)),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "1" | "true" => Ok(Some(true)),
                "0" | "false" => Ok(Some(false)),
                _ => Err(D::Error::custom(format!("\"{s}\" is not a boolean"))),
            },
            Some(other) => Err(D::Error::custom(format!("{other} is not a boolean"))),
        }
    }
}

/// Text that may arrive as a number (`"telephone": 5550100`).
pub mod opt_text {
    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        use serde::de::Error;
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(D::Error::custom(format!("{other} is not text"))),
        }
    }
}

/// `street` as a list of lines, or one string (split on new lines). Either way at most
/// `limits::STREET_LINES` lines: the schema bounds the list and the string's length, but
/// only splitting counts a string's lines.
pub mod street {
    use super::*;
    use crate::limits::{STREET_LINES, too_many_items_message};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        use serde::de::Error;
        let lines = lines(Option::<Value>::deserialize(d)?).map_err(D::Error::custom)?;
        if lines.len() > STREET_LINES as usize {
            return Err(D::Error::custom(too_many_items_message(STREET_LINES)));
        }
        Ok(lines)
    }

    fn lines(value: Option<Value>) -> Result<Vec<String>, String> {
        match value {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(s.lines().map(str::to_owned).collect()),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    Value::Number(n) => Ok(n.to_string()),
                    other => Err(format!("{other} is not a street line")),
                })
                .collect(),
            Some(other) => Err(format!("{other} is not a street")),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct RegionIn {
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub region_code: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub region: Option<String>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub region_id: Option<i64>,
}

/// `region` is an object in Magento's shape; a plain string is taken as its name.
fn region<'de, D: Deserializer<'de>>(d: D) -> Result<Option<RegionIn>, D::Error> {
    use serde::de::Error;
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(RegionIn { region: Some(s), ..RegionIn::default() })),
        Some(v @ Value::Object(_)) => RegionIn::deserialize(v).map(Some).map_err(D::Error::custom),
        Some(other) => Err(D::Error::custom(format!("{other} is not a region"))),
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct AddressIn {
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "region")]
    pub region: Option<RegionIn>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub region_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub country_id: Option<String>,
    #[serde(default, deserialize_with = "street::deserialize")]
    #[schemars(schema_with = "crate::limits::street")]
    pub street: Vec<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub company: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub telephone: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub fax: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub postcode: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub firstname: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub lastname: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub middlename: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub prefix: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub suffix: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub vat_id: Option<String>,
    #[serde(default, deserialize_with = "opt_bool::deserialize")]
    #[schemars(with = "Option<bool>")]
    pub default_shipping: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool::deserialize")]
    #[schemars(with = "Option<bool>")]
    pub default_billing: Option<bool>,
}

impl AddressIn {
    pub fn into_input(self) -> AddressInput {
        let region = self.region.unwrap_or_default();
        AddressInput {
            id: self.id,
            firstname: self.firstname,
            lastname: self.lastname,
            middlename: self.middlename,
            prefix: self.prefix,
            suffix: self.suffix,
            company: self.company,
            street: self.street,
            city: self.city,
            region: region.region,
            region_id: self.region_id.filter(|r| *r > 0).or(region.region_id),
            region_code: region.region_code,
            postcode: self.postcode,
            country_id: self.country_id,
            telephone: self.telephone,
            fax: self.fax,
            vat_id: self.vat_id,
            default_billing: self.default_billing.unwrap_or(false),
            default_shipping: self.default_shipping.unwrap_or(false),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct CustomerExtensionIn {
    #[serde(default, deserialize_with = "opt_bool::deserialize")]
    #[schemars(with = "Option<bool>")]
    pub is_subscribed: Option<bool>,
}

/// A customer in a request body. `id`, `created_at`, `updated_at`, `created_in`,
/// `confirmation` and `custom_attributes` are accepted and ignored: the path and the server
/// decide them.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct CustomerIn {
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub group_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub default_billing: Option<i64>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub default_shipping: Option<i64>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::DATE))]
    pub dob: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub firstname: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub lastname: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub middlename: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub prefix: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub suffix: Option<String>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub gender: Option<i64>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub store_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub taxvat: Option<String>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub website_id: Option<i64>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::ADDRESSES))]
    pub addresses: Option<Vec<AddressIn>>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub disable_auto_group_change: Option<i64>,
    #[serde(default)]
    pub extension_attributes: Option<CustomerExtensionIn>,
}

impl CustomerIn {
    pub fn into_input(self) -> CustomerInput {
        CustomerInput {
            email: self.email,
            firstname: self.firstname,
            lastname: self.lastname,
            middlename: self.middlename,
            prefix: self.prefix,
            suffix: self.suffix,
            dob: self.dob,
            gender: self.gender,
            taxvat: self.taxvat,
            group_id: self.group_id,
            website_id: self.website_id,
            store_id: self.store_id,
            default_billing: self.default_billing,
            default_shipping: self.default_shipping,
            disable_auto_group_change: self.disable_auto_group_change,
            is_subscribed: self.extension_attributes.and_then(|e| e.is_subscribed),
            addresses: self.addresses.map(|list| list.into_iter().map(AddressIn::into_input).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lenient_input_reads_what_magento_clients_send() {
        let c: CustomerIn = serde_json::from_value(json!({
            "website_id": "1", "email": "a@b.co", "gender": 0, "store_id": 0, "middlename": "",
            "extension_attributes": {"is_subscribed": "1"},
            "addresses": [{"street": "1 Main St\nApt 2", "region": {"region_id": 12, "region_code": "CA"},
                           "telephone": 5550100, "default_billing": 1}]
        }))
        .unwrap();
        let input = c.into_input();
        assert_eq!(input.website_id, Some(1));
        assert_eq!(input.is_subscribed, Some(true));
        let a = &input.addresses.as_ref().unwrap()[0];
        assert_eq!(a.street, ["1 Main St", "Apt 2"]);
        assert_eq!(a.region_id, Some(12));
        assert_eq!(a.telephone.as_deref(), Some("5550100"));
        assert!(a.default_billing && !a.default_shipping);
    }

    #[test]
    fn output_uses_magentos_types() {
        let out = CustomerOut::from(Customer {
            id: 7,
            group_id: 1,
            default_billing: Some(3),
            default_shipping: None,
            confirmation: None,
            created_at: "2026-01-01 00:00:00".into(),
            updated_at: "2026-01-01 00:00:00".into(),
            created_in: Some("Default Store View".into()),
            dob: None,
            email: "a@b.co".into(),
            firstname: "A".into(),
            lastname: "B".into(),
            middlename: None,
            prefix: None,
            suffix: None,
            gender: Some(0),
            store_id: 1,
            taxvat: None,
            website_id: 1,
            addresses: vec![Address { id: 3, customer_id: 7, default_billing: true, ..Address::default() }],
            disable_auto_group_change: 0,
            is_subscribed: true,
            is_active: true,
        });
        let v = serde_json::to_value(&out).unwrap();
        assert_eq!(v["default_billing"], "3");
        assert!(v.get("default_shipping").is_none());
        assert_eq!(v["addresses"][0]["region"], json!({"region_code": null, "region": null, "region_id": 0}));
        assert_eq!(v["addresses"][0]["default_billing"], true);
        assert_eq!(v["extension_attributes"], json!({"is_subscribed": true}));
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys.first().map(|k| k.as_str()), Some("id"));
    }
}

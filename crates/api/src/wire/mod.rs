//! Wire shapes of the Magento surface. Internal domain types are not serialised directly:
//! these types are the contract, converted from domain types at the edge.

pub mod attribute;
pub mod bulk;
pub mod cart;
pub mod category;
pub mod cms;
pub mod customer;
pub mod directory;
pub mod inventory;
pub mod order;
pub mod pricing;
pub mod product;
pub mod sales_documents;
pub mod stock;
pub mod store;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serializer;
use serde_json::{Number, Value};

/// Magento's search result: exactly `items`, `search_criteria`, `total_count`, in that
/// order (clients recognise a search result by those three keys).
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct SearchResult<T> {
    pub items: Vec<T>,
    /// The criteria as received, snake_case keys (see `storegate_domain::search`).
    pub search_criteria: Value,
    pub total_count: i64,
}

/// Magento writes floats as JSON numbers without a needless fraction: `34`, `19.99`.
pub fn number(d: &Decimal) -> Value {
    let d = d.normalize();
    if d.scale() == 0
        && let Some(i) = d.to_i64()
    {
        return Value::Number(i.into());
    }
    d.to_f64().and_then(Number::from_f64).map(Value::Number).unwrap_or(Value::Null)
}

pub fn serialize_decimal<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&number(d), s)
}

pub fn serialize_opt_decimal<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => serialize_decimal(d, s),
        None => s.serialize_none(),
    }
}

/// Path parameters arrive as text; ids accept `"42"` as well as `42`.
pub mod lenient_int {
    use serde::{Deserialize, Deserializer, de::Error};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum IntOrText {
            Int(i64),
            Text(String),
        }
        match IntOrText::deserialize(d)? {
            IntOrText::Int(i) => Ok(i),
            IntOrText::Text(s) => s.trim().parse().map_err(|_| D::Error::custom(format!("\"{s}\" is not an integer"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::number;
    use rust_decimal::Decimal;
    use serde_json::json;
    use std::str::FromStr;

    #[test]
    fn decimals_render_like_magento() {
        assert_eq!(number(&Decimal::from_str("34.000000").unwrap()), json!(34));
        assert_eq!(number(&Decimal::from_str("19.99").unwrap()), json!(19.99));
        assert_eq!(number(&Decimal::from_str("0.5").unwrap()), json!(0.5));
    }
}

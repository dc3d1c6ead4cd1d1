//! The values that cross the storage boundary, shared by both backends.
//!
//! Decimals (money, quantities) are stored as integers in millionths (`micros`) on both
//! databases: exact, comparable and summable in SQL, and the same bytes on SQLite and
//! PostgreSQL. Times are stored as `YYYY-MM-DD HH:MM:SS` UTC text, Magento's wire format.

use crate::DbError;
use rust_decimal::Decimal;
use std::sync::Arc;

/// The scale of stored decimals: 6 places, as Magento's `decimal(20,6)` catalog columns.
pub const DECIMAL_SCALE: u32 = 6;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
    Bool(bool),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Converts a decimal to stored micros, rounding half away from zero beyond 6 places.
pub fn decimal_to_micros(d: Decimal) -> Result<i64, DbError> {
    let out_of_range = || DbError::Encode(format!("decimal {d} is out of range"));
    // Checked: a caller's 28-digit number must be an error, not an overflow panic.
    let scaled = d
        .round_dp_with_strategy(DECIMAL_SCALE, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .checked_mul(Decimal::from(1_000_000))
        .ok_or_else(out_of_range)?;
    i64::try_from(scaled.trunc()).map_err(|_| out_of_range())
}

pub fn micros_to_decimal(micros: i64) -> Decimal {
    Decimal::new(micros, DECIMAL_SCALE).normalize()
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::Int(v as i64) }
        }
    )*};
}
from_int!(i64, i32, i16, u32, u16, u8);

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Blob(v)
    }
}
impl From<Decimal> for Value {
    /// Panics only for decimals beyond ±9.2 × 10¹²; validate input ranges before storing.
    fn from(v: Decimal) -> Self {
        Value::Int(decimal_to_micros(v).expect("decimal within the storable range"))
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Reads a typed value out of a stored one.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Result<Self, DbError>;
}

fn mismatch(want: &str, got: &Value) -> DbError {
    DbError::Decode(format!("expected {want}, found {got:?}"))
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Result<Self, DbError> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(*b as i64),
            other => Err(mismatch("integer", other)),
        }
    }
}
impl FromValue for i32 {
    fn from_value(v: &Value) -> Result<Self, DbError> {
        i64::from_value(v)?.try_into().map_err(|_| mismatch("32-bit integer", v))
    }
}
impl FromValue for u32 {
    fn from_value(v: &Value) -> Result<Self, DbError> {
        i64::from_value(v)?.try_into().map_err(|_| mismatch("unsigned integer", v))
    }
}
impl FromValue for bool {
    fn from_value(v: &Value) -> Result<Self, DbError> {
        match v {
            Value::Bool(b) => Ok(*b),
            Value::Int(i) => Ok(*i != 0),
            other => Err(mismatch("boolean", other)),
        }
    }
}
impl FromValue for f64 {
    fn from_value(v: &Value) -> Result<Self, DbError> {
        match v {
            Value::Real(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            other => Err(mismatch("real", other)),
        }
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> Result<Self, DbError> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            other => Err(mismatch("text", other)),
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Result<Self, DbError> {
        match v {
            Value::Blob(b) => Ok(b.clone()),
            other => Err(mismatch("blob", other)),
        }
    }
}
impl FromValue for Decimal {
    fn from_value(v: &Value) -> Result<Self, DbError> {
        Ok(micros_to_decimal(i64::from_value(v)?))
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Result<Self, DbError> {
        match v {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// One result row: values by position, with the column names shared by all rows of a result.
#[derive(Debug, Clone)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    pub(crate) fn new(columns: Arc<[String]>, values: Vec<Value>) -> Self {
        Row { columns, values }
    }

    /// The value at `index`, converted.
    pub fn at<T: FromValue>(&self, index: usize) -> Result<T, DbError> {
        let v = self.values.get(index).ok_or_else(|| DbError::Decode(format!("no column {index}")))?;
        T::from_value(v).map_err(|e| e.in_column(&self.columns[index]))
    }

    /// The value of the column named `name`, converted.
    pub fn get<T: FromValue>(&self, name: &str) -> Result<T, DbError> {
        let index = self
            .columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| DbError::Decode(format!("no column named {name}")))?;
        self.at(index)
    }

    pub fn values(&self) -> &[Value] {
        &self.values
    }

    pub fn columns(&self) -> &[String] {
        &self.columns
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn decimals_too_large_for_micros_are_errors() {
        assert!(decimal_to_micros(Decimal::MAX).is_err());
        assert!(decimal_to_micros(Decimal::MIN).is_err());
        assert!(decimal_to_micros(Decimal::from(i64::MAX)).is_err());
    }

    #[test]
    fn decimals_round_trip_through_micros() {
        for s in ["0", "34", "34.5", "19.99", "0.000001", "-12.25", "999999999.999999"] {
            let d = Decimal::from_str(s).unwrap();
            let back = Decimal::from_value(&Value::from(d)).unwrap();
            assert_eq!(back, d.normalize(), "{s}");
        }
        assert_eq!(decimal_to_micros(Decimal::from_str("1.0000005").unwrap()).unwrap(), 1_000_001);
        assert!(decimal_to_micros(Decimal::from_str("99999999999999").unwrap()).is_err());
    }

    #[test]
    fn booleans_read_from_either_backend() {
        assert!(bool::from_value(&Value::Int(1)).unwrap());
        assert!(!bool::from_value(&Value::Bool(false)).unwrap());
        assert_eq!(Option::<i64>::from_value(&Value::Null).unwrap(), None);
    }
}

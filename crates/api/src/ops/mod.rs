//! Operations, one module per area. Each is a unit struct implementing
//! [`Operation`](crate::operation::Operation); `crate::registry` lists them all.

pub mod attributes;
pub mod auth;
pub mod bulk;
pub mod carts;
pub mod catalog;
pub mod categories;
pub mod cms;
pub mod creditmemos;
pub mod customers;
pub mod directory;
pub mod inventory;
pub mod invoices;
pub mod oauth;
pub mod order_actions;
pub mod orders;
pub mod platform;
pub mod pricing;
pub mod shipments;
pub mod stock;
pub mod store;
pub mod system;

use schemars::JsonSchema;
use serde::Deserialize;

/// Input of operations that take nothing (unknown query parameters are ignored).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NoInput {}

//! The integration suite: every test drives a real server over real HTTP. Run against
//! PostgreSQL by setting STOREGATE_TEST_DATABASE_URL; SQLite otherwise.

#![allow(dead_code)]

mod account_security;
mod acl;
mod audit;
mod audit_failures;
mod audit_secrets;
mod backend;
mod bad_input;
mod bulk;
mod bulk_privacy;
mod bulk_quota;
mod caches;
mod carts;
mod catalog;
mod categories;
mod checkout;
mod cli;
mod clients;
mod cms;
mod crash;
mod customers;
mod demo;
mod directory;
mod disk;
mod errors;
mod file_modes;
mod fuzz_bodies;
mod fuzz_paths;
mod hashing;
mod helpers;
mod hostile;
mod hostile_load;
mod import;
mod integrations;
mod inventory;
mod limits;
mod lockout;
mod observability;
mod order_lifecycle;
mod outage;
mod platform_api;
mod platform_cli;
mod pricing;
mod process;
mod products;
mod schemathesis;
mod search;
mod security;
mod shutdown;
mod slow_clients;
mod stores;
mod tenancy;
mod throttle;
mod tokens;

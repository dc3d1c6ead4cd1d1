//! The integration suite: every test drives a real server over real HTTP. Run against
//! PostgreSQL by setting STOREGATE_TEST_DATABASE_URL; SQLite otherwise.

#![allow(dead_code)]

mod acl;
mod audit;
mod backend;
mod bulk;
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
mod fuzz_bodies;
mod fuzz_paths;
mod helpers;
mod hostile;
mod import;
mod integrations;
mod inventory;
mod limits;
mod observability;
mod order_lifecycle;
mod outage;
mod pricing;
mod process;
mod products;
mod search;
mod security;
mod shutdown;
mod slow_clients;
mod stores;
mod tenancy;
mod tokens;

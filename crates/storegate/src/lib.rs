//! The storegate binary's library: configuration, start-up, telemetry and the command
//! line. `main.rs` only parses arguments and calls [`cli::run`]; tests build the same
//! [`startup::Application`].

pub mod cli;
pub mod config;
pub mod data;
pub mod integration_cli;
pub mod platform_cli;
pub mod startup;
pub mod telemetry;

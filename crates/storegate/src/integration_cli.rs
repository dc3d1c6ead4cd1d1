//! `storegate integration …`: create, update, list, activate, reauthorize and delete
//! integrations.
//! Activation follows Magento: without an endpoint the store issues the access token and
//! shows the four credentials; with one it posts the consumer credentials and a verifier
//! to the endpoint, and the integration then runs the OAuth 1.0a token exchange
//! (`/oauth/token/request`, `/oauth/token/access`) within the handshake window.

use crate::cli::{announce_generated_password, audit_cli, fail};
use crate::config::Config;
use crate::startup;
use anyhow::Context;
use clap::Subcommand;
use std::time::Duration;
use storegate_db::Db;
use storegate_domain::StorageResult;
use storegate_domain::crypto::Crypto;
use storegate_domain::integration::{self, Credentials, Integration, IntegrationChanges, NewIntegration};
use storegate_outbound::{OutboundClient, OutboundError, Policy};
use storegate_types::TenantId;

#[derive(Debug, Subcommand)]
pub enum IntegrationCommand {
    /// Create an integration with the ACL resources it may use.
    Create {
        #[arg(long)]
        name: String,
        /// A Magento ACL resource, e.g. Magento_Catalog::products (repeatable).
        #[arg(long = "resource", required_unless_present = "all", conflicts_with = "all")]
        resources: Vec<String>,
        /// Every resource, present and future (Magento_Backend::all).
        #[arg(long)]
        all: bool,
        /// Callback URL: activation posts the consumer credentials here.
        #[arg(long)]
        endpoint: Option<String>,
        /// Identity link URL (kept for the integration's own sign-in page).
        #[arg(long)]
        identity_link: Option<String>,
    },
    /// Change an integration's resources, endpoint or identity link; new resources apply
    /// to its token at once.
    Update {
        name: String,
        /// A Magento ACL resource (repeatable); replaces the current ones.
        #[arg(long = "resource", conflicts_with = "all")]
        resources: Vec<String>,
        /// Every resource, present and future (Magento_Backend::all).
        #[arg(long)]
        all: bool,
        #[arg(long)]
        endpoint: Option<String>,
        #[arg(long)]
        identity_link: Option<String>,
    },
    /// List integrations, their status and resources.
    List,
    /// Activate an integration: print its four credentials, or post them to its endpoint.
    Activate(ActivateArgs),
    /// Revoke an active integration's tokens and activate it again.
    Reauthorize(ActivateArgs),
    /// Delete an integration (its tokens stop working at once).
    Delete { name: String },
}

#[derive(Debug, clap::Args)]
pub struct ActivateArgs {
    pub name: String,
    /// Print one JSON object instead of lines.
    #[arg(long)]
    pub json: bool,
    /// Allow endpoints on loopback or private addresses (tests, closed networks).
    #[arg(long, env = "STOREGATE_ALLOW_PRIVATE_ENDPOINTS", num_args = 0..=1, default_missing_value = "true")]
    pub allow_private_endpoints: Option<bool>,
    /// The store's public URL sent as `store_base_url`. [default: the configured base URL]
    #[arg(long, env = "STOREGATE_BASE_URL")]
    pub base_url: Option<String>,
    /// How long to wait for the endpoint, e.g. `5s` (Magento's oauth/consumer/post_timeout).
    #[arg(long, default_value = "5s", value_parser = crate::config::parse_duration)]
    pub timeout: Duration,
}

/// What every activation needs besides the integration.
struct Store<'a> {
    config: &'a Config,
    db: Db,
    tenant: TenantId,
    crypto: Crypto,
}

pub async fn run(config: &Config, cmd: IntegrationCommand) -> anyhow::Result<()> {
    let startup::Prepared { db, boot, crypto, .. } = startup::prepare(config).await?;
    announce_generated_password(&boot);
    let tenant = boot.tenant;
    let store = Store { config, db: db.clone(), tenant, crypto: crypto.clone() };
    match cmd {
        IntegrationCommand::Create { name, resources, all, endpoint, identity_link } => {
            let new = NewIntegration { name, resources, all, endpoint, identity_link };
            let mut tx = db.begin().await.storage().map_err(fail)?;
            let created = integration::create(&mut tx, tenant, &crypto, &new).await.map_err(fail)?;
            tx.commit().await.storage().map_err(fail)?;
            let list = created.resources.join(", ");
            let sentence = format!("the command line created integration {} with {list}", created.name);
            audit_cli(&db, tenant, "cli.integration.create", &created.name, sentence).await?;
            println!("Created integration '{}' (id {}) with {list}.", created.name, created.id);
        }
        IntegrationCommand::Update { name, resources, all, endpoint, identity_link } => {
            let resources = (!resources.is_empty()).then_some(resources);
            let changes = IntegrationChanges { resources, all, endpoint, identity_link };
            let mut tx = db.begin().await.storage().map_err(fail)?;
            let updated = integration::update(&mut tx, tenant, &name, &changes).await.map_err(fail)?;
            tx.commit().await.storage().map_err(fail)?;
            let list = updated.resources.join(", ");
            let sentence = format!("the command line updated integration {name}: {list}");
            audit_cli(&db, tenant, "cli.integration.update", &name, sentence).await?;
            println!("Updated integration '{name}': {list}.");
        }
        IntegrationCommand::List => {
            println!("{:<4} {:<24} {:<9} {:<40} RESOURCES", "ID", "NAME", "STATUS", "ENDPOINT");
            for i in integration::list(&mut db.clone(), tenant).await.map_err(fail)? {
                let endpoint = i.endpoint.as_deref().unwrap_or("-");
                println!("{:<4} {:<24} {:<9} {:<40} {}", i.id, i.name, i.status, endpoint, i.resources.join(", "));
            }
        }
        IntegrationCommand::Activate(args) => {
            let mut tx = db.begin().await.storage().map_err(fail)?;
            let found = integration::for_activation(&mut tx, tenant, &args.name).await.map_err(fail)?;
            activate(&store, tx, found, &args, "activated").await?;
        }
        IntegrationCommand::Reauthorize(args) => {
            let mut tx = db.begin().await.storage().map_err(fail)?;
            let found = integration::reauthorize(&mut tx, tenant, &args.name).await.map_err(fail)?;
            activate(&store, tx, found, &args, "reauthorized").await?;
        }
        IntegrationCommand::Delete { name } => {
            let mut tx = db.begin().await.storage().map_err(fail)?;
            integration::delete(&mut tx, tenant, &name).await.map_err(fail)?;
            tx.commit().await.storage().map_err(fail)?;
            let sentence = format!("the command line deleted integration {name}");
            audit_cli(&db, tenant, "cli.integration.delete", &name, sentence).await?;
            println!("Deleted integration '{name}'; its tokens no longer work.");
        }
    }
    Ok(())
}

/// Finishes `activate` or `reauthorize` inside `tx`: locally for an integration without an
/// endpoint, by the endpoint handshake otherwise. The transaction commits before the POST,
/// as the endpoint may start the token exchange before it answers.
async fn activate(
    store: &Store<'_>,
    mut tx: storegate_db::Tx,
    found: Integration,
    args: &ActivateArgs,
    verb: &str,
) -> anyhow::Result<()> {
    let Store { config, db, tenant, crypto } = store;
    let tenant = *tenant;
    let name = found.name.clone();
    let operation = format!("cli.integration.{}", if verb == "activated" { "activate" } else { "reauthorize" });
    if found.endpoint.is_none() {
        let credentials = integration::activate_locally(&mut tx, tenant, crypto, &found).await.map_err(fail)?;
        tx.commit().await.storage().map_err(fail)?;
        let sentence = format!("the command line {verb} integration {name} and issued its access token");
        audit_cli(db, tenant, &operation, &name, sentence).await?;
        print_credentials(&credentials, args.json);
        return Ok(());
    }
    let handshake = integration::open_handshake(&mut tx, tenant, crypto, &found).await.map_err(fail)?;
    tx.commit().await.storage().map_err(fail)?;
    let base_url = args.base_url.as_deref().unwrap_or(&config.base_url);
    let store_base_url = format!("{}/", base_url.trim_end_matches('/'));
    let fields = [
        ("oauth_consumer_key", handshake.consumer_key.as_str()),
        ("oauth_consumer_secret", handshake.consumer_secret.as_str()),
        ("store_base_url", store_base_url.as_str()),
        ("oauth_verifier", handshake.verifier.as_str()),
    ];
    let policy = Policy { allow_private: args.allow_private_endpoints.unwrap_or(false) };
    let posted = OutboundClient::new(policy)?.post_form(&handshake.endpoint, &fields, args.timeout).await;
    // The endpoint's own reply body stays out of the audit log: it is third-party text.
    let outcome = match &posted {
        Ok(answer) => format!("the endpoint answered HTTP {}", answer.status),
        Err(OutboundError::Status { status, .. }) => format!("the endpoint answered HTTP {status}"),
        Err(e) => format!("posting to the endpoint failed: {e}"),
    };
    let sentence = format!("the command line {verb} integration {name} by its endpoint; {outcome}");
    audit_cli(db, tenant, &operation, &name, sentence).await?;
    let answer = posted.with_context(|| format!("activating integration '{name}': POST {}", handshake.endpoint))?;
    let window = storegate_domain::oauth::HANDSHAKE_WINDOW;
    if args.json {
        let out = serde_json::json!({"name": name, "endpoint": handshake.endpoint, "endpoint_status": answer.status,
            "consumer_key": handshake.consumer_key, "handshake_seconds": window});
        println!("{out}");
    } else {
        println!(
            "Posted the consumer credentials of '{name}' to {} (HTTP {}); it has {window} seconds to exchange them at \
             /oauth/token/request and /oauth/token/access.",
            handshake.endpoint, answer.status
        );
    }
    Ok(())
}

fn print_credentials(c: &Credentials, json: bool) {
    if json {
        let out = serde_json::json!({"consumer_key": c.consumer_key, "consumer_secret": c.consumer_secret,
            "access_token": c.access_token, "access_token_secret": c.access_token_secret});
        println!("{out}");
    } else {
        println!("consumer_key: {}", c.consumer_key);
        println!("consumer_secret: {}", c.consumer_secret);
        println!("access_token: {}", c.access_token);
        println!("access_token_secret: {}", c.access_token_secret);
    }
}

//! `storegate account|store|token …`: the platform API's accounts, stores and personal
//! access tokens from the command line. Writes are audited as the other CLI commands' are;
//! `token check` is offline (format and checksum only) and opens no database.

use crate::cli::{PasswordArg, announce_generated_password, audit_cli, fail};
use crate::config::Config;
use crate::startup;
use anyhow::{Context, bail};
use clap::Subcommand;
use std::io::Read;
use std::time::Duration;
use storegate_db::Db;
use storegate_domain::StorageResult;
use storegate_platform::accounts::{self, NewAccount};
use storegate_platform::pats::{self, NewPat};
use storegate_platform::stores::{self, Upstream};
use storegate_platform::{Grants, Mode, tokens};

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create a platform account (for /api/v1 and personal access tokens).
    Create {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        password: PasswordArg,
        /// Display name. [default: the email's local part]
        #[arg(long)]
        name: Option<String>,
    },
    /// List platform accounts.
    List,
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Create a platform store: embedded (a new engine tenant), or a gateway to a remote
    /// Magento with --upstream-url.
    Create {
        /// a-z 0-9 _ -, starting with a letter.
        #[arg(long)]
        code: String,
        /// [default: the code]
        #[arg(long)]
        name: Option<String>,
        /// A sandbox store, reached by sg_pat_test_ tokens only.
        #[arg(long)]
        test: bool,
        /// The remote Magento's base URL (http or https).
        #[arg(long, requires_all = ["upstream_store_code", "upstream_token_stdin"])]
        upstream_url: Option<String>,
        /// The remote store view code.
        #[arg(long, requires = "upstream_url")]
        upstream_store_code: Option<String>,
        /// Read the remote integration token from the first line of standard input.
        #[arg(long, requires = "upstream_url")]
        upstream_token_stdin: bool,
        /// Email of the account that will own the store.
        #[arg(long)]
        owner: String,
    },
    /// List platform stores.
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a personal access token; prints it once as `token: sg_pat_…`.
    Create {
        /// Email of the account the token acts for.
        #[arg(long)]
        account: String,
        #[arg(long)]
        name: String,
        /// A store code (repeatable).
        #[arg(long = "store", required = true)]
        stores: Vec<String>,
        /// RESOURCE:read or RESOURCE:write (repeatable), e.g. orders:read.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// Lifetime, e.g. 30d or 12h. [default: no expiry]
        #[arg(long, value_parser = crate::config::parse_duration)]
        expires_in: Option<Duration>,
        /// An allowed client address or CIDR, IPv4 or IPv6 (repeatable). [default: any]
        #[arg(long = "allow-ip")]
        allow_ips: Vec<String>,
        /// A sandbox token (sg_pat_test_), for test stores.
        #[arg(long)]
        test: bool,
    },
    /// List an account's tokens (metadata only).
    List {
        #[arg(long)]
        account: String,
    },
    /// Revoke a token by id.
    Revoke { id: i64 },
    /// Check a token's format and checksum offline; exit status 0 when well-formed.
    Check { token: String },
}

fn now() -> time::OffsetDateTime {
    storegate_domain::clock::now()
}

async fn account_id(db: &Db, email: &str) -> anyhow::Result<accounts::Account> {
    accounts::by_email(&mut db.clone(), email)
        .await
        .map_err(fail)?
        .with_context(|| format!("no platform account has the email {email}"))
}

fn first_stdin_line(what: &str) -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).with_context(|| format!("cannot read {what} from standard input"))?;
    Ok(text.lines().next().unwrap_or("").trim().to_owned())
}

pub async fn account(config: &Config, cmd: AccountCommand) -> anyhow::Result<()> {
    let startup::Prepared { db, boot, .. } = startup::prepare(config).await?;
    announce_generated_password(&boot);
    match cmd {
        AccountCommand::Create { email, password, name } => {
            let password = password.read()?;
            let mut tx = db.begin().await.storage().map_err(fail)?;
            let new = NewAccount { email: &email, password: &password, name: name.as_deref() };
            let created = accounts::create(&mut tx, &new, now()).await.map_err(fail)?;
            tx.commit().await.storage().map_err(fail)?;
            let sentence = format!("the command line created platform account {}", created.email);
            audit_cli(&db, boot.tenant, "cli.account.create", &created.email, sentence).await?;
            println!("Created platform account '{}' (id {}).", created.email, created.id);
        }
        AccountCommand::List => {
            println!("{:<6} {:<36} {:<24} {:<20} DISABLED", "ID", "EMAIL", "NAME", "CREATED");
            for a in accounts::list(&mut db.clone()).await.map_err(fail)? {
                let disabled = if a.disabled { "yes" } else { "no" };
                println!("{:<6} {:<36} {:<24} {:<20} {disabled}", a.id, a.email, a.name, a.created_at);
            }
        }
    }
    Ok(())
}

pub async fn store(config: &Config, cmd: StoreCommand) -> anyhow::Result<()> {
    let startup::Prepared { db, boot, crypto } = startup::prepare(config).await?;
    announce_generated_password(&boot);
    match cmd {
        StoreCommand::Create { code, name, test, upstream_url, upstream_store_code, upstream_token_stdin, owner } => {
            let owner = account_id(&db, &owner).await?;
            let name = name.unwrap_or_else(|| code.clone());
            let mode = if test { Mode::Test } else { Mode::Live };
            let new = stores::NewStore { code: &code, name: &name, mode };
            let created = match upstream_url {
                Some(url) => {
                    if !upstream_token_stdin {
                        bail!("a gateway store needs --upstream-token-stdin");
                    }
                    let token = first_stdin_line("the upstream token")?;
                    let store_code = upstream_store_code.unwrap_or_default();
                    let upstream = Upstream { url: &url, store_code: &store_code, token: &token };
                    let mut tx = db.begin().await.storage().map_err(fail)?;
                    let created = stores::create_gateway(&mut tx, &crypto, owner.id, &new, &upstream, now())
                        .await
                        .map_err(fail)?;
                    tx.commit().await.storage().map_err(fail)?;
                    created
                }
                None => stores::create_embedded(&db, owner.id, &new, &config.base_url, now()).await.map_err(fail)?,
            };
            let kind = created.kind.as_str();
            let sentence = format!(
                "the command line created {} {kind} store {} owned by {}",
                created.mode, created.code, owner.email
            );
            audit_cli(&db, boot.tenant, "cli.store.create", &created.code, sentence).await?;
            println!(
                "Created {} {kind} store '{}' (id {}) owned by {}.",
                created.mode, created.code, created.id, owner.email
            );
        }
        StoreCommand::List => {
            println!("{:<6} {:<20} {:<24} {:<5} {:<9} UPSTREAM", "ID", "CODE", "NAME", "MODE", "KIND");
            for s in stores::list_all(&mut db.clone()).await.map_err(fail)? {
                let upstream = s.upstream_url.as_deref().unwrap_or("-");
                println!("{:<6} {:<20} {:<24} {:<5} {:<9} {upstream}", s.id, s.code, s.name, s.mode, s.kind.as_str());
            }
        }
    }
    Ok(())
}

pub async fn token(config: &Config, cmd: TokenCommand) -> anyhow::Result<()> {
    if let TokenCommand::Check { token } = &cmd {
        return match tokens::check_format(token.trim()) {
            Ok(mode) => {
                println!("well-formed {mode} token (prefix, length and checksum check out)");
                Ok(())
            }
            Err(e) => bail!("not a valid storegate token: {e}"),
        };
    }
    let startup::Prepared { db, boot, .. } = startup::prepare(config).await?;
    announce_generated_password(&boot);
    match cmd {
        TokenCommand::Create { account, name, stores: codes, scopes, expires_in, allow_ips, test } => {
            let owner = account_id(&db, &account).await?;
            let scopes = Grants::parse(scopes.iter().map(String::as_str))
                .map_err(|bad| anyhow::anyhow!("\"{bad}\" is not a scope like orders:read or design:write"))?;
            let mut store_ids = Vec::with_capacity(codes.len());
            for code in &codes {
                store_ids.push(stores::by_code(&mut db.clone(), code).await.map_err(fail)?.id);
            }
            let allowed_ips =
                allow_ips.iter().map(|ip| pats::parse_cidr(ip)).collect::<Result<Vec<_>, _>>().map_err(fail)?;
            let now = now();
            let expires_at = match expires_in {
                Some(d) => Some(now + time::Duration::try_from(d).context("--expires-in is too long")?),
                None => None,
            };
            let new = NewPat {
                name,
                mode: if test { Mode::Test } else { Mode::Live },
                stores: store_ids,
                scopes,
                expires_at,
                allowed_ips,
            };
            let mut tx = db.begin().await.storage().map_err(fail)?;
            let created = pats::create(&mut tx, owner.id, &new, now).await.map_err(fail)?;
            tx.commit().await.storage().map_err(fail)?;
            let pat = &created.pat;
            let store_list = codes.join(", ");
            let sentence = format!(
                "the command line created personal access token {} ({}, id {}) for {} on {store_list} with {}",
                pat.name,
                pat.display(),
                pat.id,
                owner.email,
                pat.scopes
            );
            audit_cli(&db, boot.tenant, "cli.token.create", &pat.id.to_string(), sentence).await?;
            let expiry = pat.expires_at.as_deref().unwrap_or("never");
            println!(
                "Created {} token '{}' (id {}) for {} on {store_list} with {}; expires: {expiry}.",
                pat.mode, pat.name, pat.id, owner.email, pat.scopes
            );
            println!("token: {}", created.token.expose());
            println!("(shown once: store it now; storegate keeps only its hash)");
        }
        TokenCommand::List { account } => {
            let owner = account_id(&db, &account).await?;
            let now = now();
            println!(
                "{:<6} {:<20} {:<22} {:<8} {:<20} {:<20} {:<20} {:<24} SCOPES",
                "ID", "NAME", "TOKEN", "STATUS", "CREATED", "EXPIRES", "LAST USED", "STORES"
            );
            for p in pats::list(&mut db.clone(), owner.id).await.map_err(fail)? {
                let status = if p.revoked_at.is_some() {
                    "revoked"
                } else if p.is_active(now) {
                    if p.grace_until.is_some() { "grace" } else { "active" }
                } else {
                    "expired"
                };
                let stores: Vec<&str> = p.stores.iter().map(|s| s.code.as_str()).collect();
                println!(
                    "{:<6} {:<20} {:<22} {:<8} {:<20} {:<20} {:<20} {:<24} {}",
                    p.id,
                    p.name,
                    p.display(),
                    status,
                    p.created_at,
                    p.expires_at.as_deref().unwrap_or("never"),
                    p.last_used_at.as_deref().unwrap_or("never"),
                    stores.join(","),
                    p.scopes
                );
            }
        }
        TokenCommand::Revoke { id } => {
            let mut tx = db.begin().await.storage().map_err(fail)?;
            pats::revoke_by_id(&mut tx, id, now()).await.map_err(fail)?;
            tx.commit().await.storage().map_err(fail)?;
            let sentence = format!("the command line revoked personal access token {id}");
            audit_cli(&db, boot.tenant, "cli.token.revoke", &id.to_string(), sentence).await?;
            println!("Revoked token {id}; it no longer works.");
        }
        TokenCommand::Check { .. } => unreachable!("answered above"),
    }
    Ok(())
}

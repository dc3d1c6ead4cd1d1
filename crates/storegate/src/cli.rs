//! The command line: `serve`, `migrate`, `demo`, `import`, and the admin commands. Every
//! subcommand takes the same storage options as `serve` and works beside a running server
//! on the same database; the server sees the change on its next request.

use crate::config::{Config, ServeArgs, StorageArgs};
use crate::startup::{self, Application};
use crate::{data, telemetry};
use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use std::io::Read;
use storegate_db::Db;
use storegate_domain::audit::{self, AuditEntry};
use storegate_domain::tenancy::Bootstrapped;
use storegate_domain::{StorageResult, admin};
use storegate_types::TenantId;
use storegate_types::principal::PrincipalRef;

#[derive(Debug, Parser)]
#[command(
    name = "storegate",
    version,
    about = "A governed, Magento 2 compatible commerce API platform in one binary.",
    after_help = "Environment only:\n  STOREGATE_ADMIN_USER      admin created on first start [default: admin]\n  \
                  STOREGATE_ADMIN_PASSWORD  its password; when unset a strong one is generated and printed once\n  \
                  STOREGATE_OWNER_EMAIL     platform owner account created at start, owning the store `default`\n  \
                  STOREGATE_OWNER_PASSWORD  its password (`demo` generates both and prints them once when unset)\n\n\
                  Options are read from flags, then STOREGATE_* variables, then the --config TOML file.\n\
                  `storegate <command> --help` lists each command's options."
)]
pub struct Cli {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the APIs (migrating and setting up the database first if needed).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Generate a realistic demo store (first run only) and serve it.
    Demo(data::DemoArgs),
    /// Import data from files.
    #[command(subcommand)]
    Import(data::ImportCommand),
    /// Manage admin users.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Manage admin roles and their ACL resources.
    #[command(subcommand)]
    Role(RoleCommand),
    /// Manage integrations: third-party systems with OAuth 1.0a access tokens.
    #[command(subcommand)]
    Integration(crate::integration_cli::IntegrationCommand),
    /// Manage platform accounts (the /api/v1 users who own stores and tokens).
    #[command(subcommand)]
    Account(crate::platform_cli::AccountCommand),
    /// Manage platform stores (embedded tenants or gateways to a remote Magento).
    #[command(subcommand)]
    Store(crate::platform_cli::StoreCommand),
    /// Manage personal access tokens (sg_pat_…), or check one offline.
    #[command(subcommand)]
    Token(crate::platform_cli::TokenCommand),
    /// Read the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Print the OpenAPI 3.1 document derived from the operation registry.
    Openapi,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an admin user.
    Create {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        password: PasswordArg,
        #[arg(long)]
        email: Option<String>,
        /// Role name. [default: Administrators]
        #[arg(long, default_value = admin::ADMINISTRATORS)]
        role: String,
    },
    /// List admin users.
    List,
    /// Set a new password (and end the user's sessions).
    ResetPassword {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        password: PasswordArg,
    },
    /// Lift the sign-in lock of an admin user (for every client address).
    Unlock {
        #[arg(long)]
        username: String,
    },
    /// Delete an admin user (and end their sessions).
    Delete {
        #[arg(long)]
        username: String,
    },
}

/// `--password P`, or `--password-stdin` to keep it out of the process list and history.
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub struct PasswordArg {
    #[arg(long)]
    password: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
}

impl PasswordArg {
    pub(crate) fn read(&self) -> anyhow::Result<String> {
        match &self.password {
            Some(p) => Ok(p.clone()),
            None => {
                let mut line = String::new();
                std::io::stdin().read_to_string(&mut line).context("cannot read the password from standard input")?;
                Ok(line.lines().next().unwrap_or("").to_owned())
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Create a role holding the given ACL resources.
    Create {
        name: String,
        /// A Magento ACL resource, e.g. Magento_Catalog::products (repeatable).
        #[arg(long = "resource", required = true)]
        resources: Vec<String>,
    },
    /// List roles and their resources.
    List,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Print the most recent entries, oldest first.
    Tail {
        /// How many entries.
        #[arg(short = 'n', long, default_value_t = 20)]
        lines: i64,
        /// Keep printing new entries as they arrive.
        #[arg(short, long)]
        follow: bool,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let serve_args = match &cli.command {
        Command::Serve(a) => a.clone(),
        Command::Demo(d) => d.serve.clone(),
        _ => ServeArgs::default(),
    };
    let config = Config::resolve(&cli.storage, &serve_args)?;
    telemetry::init(config.log_format, &config.log);
    match cli.command {
        Command::Serve(_) => serve(&config).await,
        Command::Demo(args) => {
            startup::generate_owner_on_first_start();
            data::demo(&config, &args).await
        }
        Command::Import(cmd) => data::import(&config, cmd).await,
        Command::Migrate => migrate(&config).await,
        Command::Admin(cmd) => admin_command(&config, cmd).await,
        Command::Role(cmd) => role_command(&config, cmd).await,
        Command::Integration(cmd) => crate::integration_cli::run(&config, cmd).await,
        Command::Account(cmd) => crate::platform_cli::account(&config, cmd).await,
        Command::Store(cmd) => crate::platform_cli::store(&config, cmd).await,
        Command::Token(cmd) => crate::platform_cli::token(&config, cmd).await,
        Command::Audit(cmd) => audit_command(&config, cmd).await,
        Command::Openapi => {
            let doc = storegate_api::openapi::document(storegate_api::operations(), env!("CARGO_PKG_VERSION"));
            println!("{}", serde_json::to_string_pretty(&doc)?);
            Ok(())
        }
    }
}

async fn serve(config: &Config) -> anyhow::Result<()> {
    let application = Application::build(config).await?;
    announce_generated_password(&application.bootstrapped);
    tracing::info!(address = %application.local_addr(), database = %config.database_description(), "storegate is serving");
    application.run_until(startup::shutdown_signal()).await
}

/// Prints a generated admin password, the only time it is ever shown.
pub fn announce_generated_password(boot: &Bootstrapped) {
    if let Some(password) = &boot.generated_password {
        println!(
            "Created admin user '{}' with the generated password: {password}\n\
             (shown once; set STOREGATE_ADMIN_PASSWORD to choose one on first start)",
            boot.admin_username
        );
    }
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    startup::make_data_dir_private(config);
    let db = Db::connect(&config.connect_options())
        .await
        .with_context(|| format!("cannot open {}", config.database_description()))?;
    let report = storegate_db::migrate::run(&db).await?;
    if report.applied.is_empty() {
        println!("{}: schema is up to date (version {})", config.database_description(), report.current);
    } else {
        println!(
            "{}: applied migrations {:?}; now at version {}",
            config.database_description(),
            report.applied,
            report.current
        );
    }
    Ok(())
}

/// Records a change made from the command line in the audit log.
pub(crate) async fn audit_cli(
    db: &Db,
    tenant: TenantId,
    operation: &str,
    target: &str,
    sentence: String,
) -> anyhow::Result<()> {
    let operator = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let entry = AuditEntry {
        tenant: Some(tenant),
        request_id: format!("cli-{}", std::process::id()),
        channel: "cli",
        principal: PrincipalRef { kind: "system", id: None, name: format!("the command line (user {operator})") },
        operation_id: operation.to_owned(),
        store_code: None,
        target: Some(target.to_owned()),
        allowed: true,
        reason: None,
        status: 0,
        sentence,
    };
    audit::append(&mut db.clone(), &entry).await.map_err(|e| anyhow::anyhow!("{e}"))
}

pub(crate) fn fail(e: storegate_types::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

async fn admin_command(config: &Config, cmd: AdminCommand) -> anyhow::Result<()> {
    let startup::Prepared { db, boot, .. } = startup::prepare(config).await?;
    announce_generated_password(&boot);
    let tenant = boot.tenant;
    match cmd {
        AdminCommand::Create { username, password, email, role } => {
            let password = password.read()?;
            let mut tx = db.begin().await.storage().map_err(fail)?;
            let user = admin::create_user(
                &mut tx,
                tenant,
                admin::NewAdmin { username: &username, password: &password, email: email.as_deref(), role: &role },
            )
            .await
            .map_err(fail)?;
            tx.commit().await.storage().map_err(fail)?;
            audit_cli(
                &db,
                tenant,
                "cli.admin.create",
                &username,
                format!("the command line created admin user {username} with role {role}"),
            )
            .await?;
            println!("Created admin user '{}' (id {}) with role '{role}'.", user.username, user.id);
        }
        AdminCommand::List => {
            let users = admin::list_users(&mut db.clone(), tenant).await.map_err(fail)?;
            println!("{:<6} {:<24} {:<28} {:<20} ACTIVE", "ID", "USERNAME", "EMAIL", "ROLE");
            for u in users {
                println!(
                    "{:<6} {:<24} {:<28} {:<20} {}",
                    u.id,
                    u.username,
                    u.email.unwrap_or_default(),
                    u.role_name.unwrap_or_default(),
                    if u.is_active { "yes" } else { "no" }
                );
            }
        }
        AdminCommand::ResetPassword { username, password } => {
            let password = password.read()?;
            let mut tx = db.begin().await.storage().map_err(fail)?;
            admin::reset_password(&mut tx, tenant, &username, &password).await.map_err(fail)?;
            tx.commit().await.storage().map_err(fail)?;
            audit_cli(
                &db,
                tenant,
                "cli.admin.reset_password",
                &username,
                format!("the command line reset the password of admin user {username}"),
            )
            .await?;
            println!(
                "Password of '{username}' changed; their existing tokens are revoked and any sign-in lock is lifted."
            );
        }
        AdminCommand::Unlock { username } => {
            let mut tx = db.begin().await.storage().map_err(fail)?;
            let was_locked = admin::unlock(&mut tx, tenant, &username).await.map_err(fail)?;
            tx.commit().await.storage().map_err(fail)?;
            audit_cli(
                &db,
                tenant,
                "cli.admin.unlock",
                &username,
                format!("the command line lifted the sign-in lock of admin user {username}"),
            )
            .await?;
            if was_locked {
                println!("Sign-in lock of '{username}' lifted.");
            } else {
                println!("'{username}' had no failed sign-ins to clear.");
            }
        }
        AdminCommand::Delete { username } => {
            let mut tx = db.begin().await.storage().map_err(fail)?;
            admin::delete_user(&mut tx, tenant, &username).await.map_err(fail)?;
            tx.commit().await.storage().map_err(fail)?;
            audit_cli(
                &db,
                tenant,
                "cli.admin.delete",
                &username,
                format!("the command line deleted admin user {username}"),
            )
            .await?;
            println!("Deleted admin user '{username}'.");
        }
    }
    Ok(())
}

async fn role_command(config: &Config, cmd: RoleCommand) -> anyhow::Result<()> {
    let startup::Prepared { db, boot, .. } = startup::prepare(config).await?;
    announce_generated_password(&boot);
    let tenant = boot.tenant;
    match cmd {
        RoleCommand::Create { name, resources } => {
            let mut tx = db.begin().await.storage().map_err(fail)?;
            let role = admin::create_role(&mut tx, tenant, &name, &resources).await.map_err(fail)?;
            tx.commit().await.storage().map_err(fail)?;
            let list = role.resources.join(", ");
            audit_cli(
                &db,
                tenant,
                "cli.role.create",
                &name,
                format!("the command line created role {name} with {list}"),
            )
            .await?;
            println!("Created role '{}' (id {}) with {list}.", role.name, role.id);
        }
        RoleCommand::List => {
            for role in admin::list_roles(&mut db.clone(), tenant).await.map_err(fail)? {
                println!("{:<4} {:<24} {}", role.id, role.name, role.resources.join(", "));
            }
        }
    }
    Ok(())
}

async fn audit_command(config: &Config, cmd: AuditCommand) -> anyhow::Result<()> {
    let startup::Prepared { db, boot, .. } = startup::prepare(config).await?;
    let AuditCommand::Tail { lines, follow } = cmd;
    if !(1..=10_000).contains(&lines) {
        bail!("--lines must be between 1 and 10000");
    }
    let mut last = 0;
    let mut first = true;
    loop {
        let limit = if first { lines } else { 1000 };
        let records = audit::tail(&mut db.clone(), Some(boot.tenant), limit, last).await.map_err(fail)?;
        for r in &records {
            let e = &r.entry;
            let decision = if e.allowed { "" } else { " [DENIED]" };
            println!("{} {} {:<28} {}{decision}", r.at, e.request_id, e.operation_id, e.sentence);
            last = r.id;
        }
        first = false;
        if !follow {
            return Ok(());
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_millis(500)) => {}
            _ = startup::shutdown_signal() => return Ok(()),
        }
    }
}

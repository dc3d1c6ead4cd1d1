//! `storegate demo` and `storegate import`: the commands that fill a store with data.

use crate::cli::announce_generated_password;
use crate::config::{Config, ServeArgs};
use crate::startup::{self, Application};
use anyhow::Context;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::sync::Mutex;
use storegate_db::{Db, Statistics, sql};
use storegate_domain::catalog::products;
use storegate_domain::import::{self, ImportOptions};
use storegate_domain::progress::Progress;
use storegate_domain::seed::{self, DemoSpec};
use storegate_types::TenantId;

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Products to generate, configurable parents and their variants included.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=5_000_000))]
    pub products: u64,
    /// Customers to generate.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    pub customers: u64,
    /// Seed of the generator; the same seed gives the same store.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import products from a Magento product CSV (the native import format, or the
    /// sample-data installer format).
    Products {
        file: PathBuf,
        /// Import the valid rows and report the others, instead of importing nothing.
        #[arg(long)]
        skip_errors: bool,
    },
}

/// An indicatif progress bar per phase, on stderr.
struct Bar(Mutex<Option<ProgressBar>>);

impl Bar {
    fn new() -> Self {
        Bar(Mutex::new(None))
    }
}

impl Progress for Bar {
    fn start(&self, phase: &str, total: u64) {
        let bar = ProgressBar::new(total).with_message(phase.to_owned());
        bar.set_style(
            ProgressStyle::with_template("{msg:<22} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        if let Ok(mut slot) = self.0.lock()
            && let Some(old) = slot.replace(bar)
        {
            old.finish();
        }
    }

    fn advance(&self, steps: u64) {
        if let Ok(slot) = self.0.lock()
            && let Some(bar) = slot.as_ref()
        {
            bar.inc(steps);
        }
    }

    fn finish(&self) {
        if let Ok(mut slot) = self.0.lock()
            && let Some(bar) = slot.take()
        {
            bar.finish();
        }
    }
}

fn fail(e: storegate_types::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Generates the demo store on first run, then serves it and prints how to try it.
pub async fn demo(config: &Config, args: &DemoArgs) -> anyhow::Result<()> {
    let startup::Prepared { db, boot, crypto } = startup::prepare(config).await?;
    announce_generated_password(&boot);
    let existing = products::count(&mut db.clone(), boot.tenant).await.map_err(fail)?;
    if existing == 0 {
        let spec = DemoSpec { products: args.products as usize, customers: args.customers as usize, seed: args.seed };
        let started = std::time::Instant::now();
        let report = seed::generate(&db, boot.tenant, &crypto, &spec, &Bar::new()).await.map_err(fail)?;
        db.refresh_statistics(Statistics::Full).await?;
        eprintln!(
            "Generated {} products ({} configurable), {} categories, {} customers, {} orders, {} CMS pages and {} blocks in {:.1} s.",
            report.products,
            report.configurable,
            report.categories,
            report.customers,
            report.orders,
            report.pages,
            report.blocks,
            started.elapsed().as_secs_f64()
        );
    } else {
        eprintln!("The data directory already holds {existing} products; serving them as they are.");
    }
    let application = Application::build(config).await?;
    let sku = sample_sku(&db, boot.tenant).await.unwrap_or_else(|| "SKU".into());
    print_welcome(config, application.local_addr(), &boot, &sku);
    application.run_until(startup::shutdown_signal()).await
}

async fn sample_sku(db: &Db, tenant: TenantId) -> Option<String> {
    let row = db
        .fetch_optional(sql!(
            "SELECT sku FROM products WHERE tenant_id = $1 ORDER BY CASE WHEN type_id = 'configurable' THEN 0 ELSE 1 END, id LIMIT 1",
            tenant.0
        ))
        .await
        .ok()??;
    row.at(0).ok()
}

fn print_welcome(
    config: &Config,
    addr: std::net::SocketAddr,
    boot: &storegate_domain::tenancy::Bootstrapped,
    sku: &str,
) {
    let base = format!("http://{addr}");
    // Only a password this run generated is printed: one that came from the environment or
    // the configuration is the operator's secret, and stdout often ends up in a log.
    let password = match &boot.generated_password {
        Some(p) => p.clone(),
        None if config.admin_password.is_some() => "<the configured STOREGATE_ADMIN_PASSWORD>".to_owned(),
        None => "<the password printed on first start>".to_owned(),
    };
    let sku_path: String = sku
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    println!(
        "\nstoregate demo store is ready at {base}\n\
         Admin user: {user}   password: {password}\n\
         Demo customers sign in with the password {customer_password}\n\n\
         Try it:\n\
         TOKEN=$(curl -s -X POST {base}/rest/V1/integration/admin/token -H 'Content-Type: application/json' \\\n  \
         -d '{{\"username\":\"{user}\",\"password\":\"{password}\"}}' | tr -d '\"')\n\
         curl -s {base}/rest/V1/products/{sku_path} -H \"Authorization: Bearer $TOKEN\"\n\n\
         Press Ctrl-C to stop.",
        user = boot.admin_username,
        customer_password = seed::DEMO_CUSTOMER_PASSWORD,
    );
}

pub async fn import(config: &Config, cmd: ImportCommand) -> anyhow::Result<()> {
    let startup::Prepared { db, boot, .. } = startup::prepare(config).await?;
    announce_generated_password(&boot);
    let ImportCommand::Products { file, skip_errors } = cmd;
    let started = std::time::Instant::now();
    let report = import::import_products(&db, boot.tenant, &file, &ImportOptions { skip_errors }, &Bar::new())
        .await
        .with_context(|| format!("importing {}", file.display()))?;
    db.refresh_statistics(Statistics::Full).await?;
    let types: Vec<String> = report.by_type.iter().map(|(t, n)| format!("{n} {t}")).collect();
    println!(
        "Imported {} products ({}) and {} new categories from {} rows ({} format) in {:.1} s.",
        report.products_created,
        types.join(", "),
        report.categories_created,
        report.rows,
        report.format,
        started.elapsed().as_secs_f64()
    );
    if !report.skipped.is_empty() {
        println!("Skipped {} rows:", report.skipped.len());
        for e in &report.skipped {
            println!("  {e}");
        }
    }
    Ok(())
}

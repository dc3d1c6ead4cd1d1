//! The deterministic demo store generator behind `storegate demo`: a Luma-like activewear
//! catalog (category tree, attribute sets, configurable apparel with color × size
//! children, simple gear), US customers with addresses, 500 orders in every state with
//! their invoices, shipments and credit memos, and the usual CMS pages and blocks.
//!
//! Everything comes from this module's own word lists and a ChaCha8 generator seeded from
//! [`DemoSpec::seed`], so the same spec gives the same SKUs, names, prices, categories and
//! customers on every machine and backend (only timestamps and password salts differ).
//! Products and customers draw from separate streams, so changing one count never changes
//! the other part. Products are inserted in chunks of about 2,000 rows, one transaction
//! each, which keeps memory flat and SQLite's single writer free between chunks.
//!
//! Meant for a freshly bootstrapped tenant: running it twice fails at the first product
//! chunk (its SKUs exist), before anything that is not idempotent has been written.

mod catalog;
mod content;
mod customers;
mod families;
mod orders;
mod products;
mod random;
mod text;
mod words;

use crate::crypto::Crypto;
use crate::progress::Progress;
use storegate_db::Db;
use storegate_types::{ApiError, TenantId};

/// The password every demo customer signs in with, so a demo can log in as anyone.
pub const DEMO_CUSTOMER_PASSWORD: &str = "Demo-Customer-123";

/// How big a store to generate, and from which seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSpec {
    /// Product rows in total: configurable parents, their children and standalone simple
    /// products together. Generated exactly.
    pub products: usize,
    pub customers: usize,
    pub seed: u64,
}

impl Default for DemoSpec {
    fn default() -> Self {
        DemoSpec { products: 2000, customers: 200, seed: 42 }
    }
}

/// What was created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub products: usize,
    pub configurable: usize,
    /// Simple products: configurable children and standalone gear.
    pub simple: usize,
    pub categories: usize,
    pub customers: usize,
    pub addresses: usize,
    pub pages: usize,
    pub blocks: usize,
    pub orders: usize,
}

/// Fills `tenant` with the demo store described by `spec`, reporting progress per phase.
pub async fn generate(
    db: &Db,
    tenant: TenantId,
    crypto: &Crypto,
    spec: &DemoSpec,
    progress: &dyn Progress,
) -> Result<DemoReport, ApiError> {
    let plan = catalog::prepare(db, tenant).await?;
    let counts = products::generate(db, tenant, &plan, spec.seed, spec.products, progress).await?;
    let (customers, addresses) = customers::generate(db, tenant, crypto, spec.seed, spec.customers, progress).await?;
    let orders = orders::generate(db, tenant, crypto, spec.seed, progress).await?;
    let (pages, blocks) = content::create(db, tenant).await?;
    Ok(DemoReport {
        products: counts.configurable + counts.simple,
        configurable: counts.configurable,
        simple: counts.simple,
        categories: plan.categories,
        customers,
        addresses,
        pages,
        blocks,
        orders,
    })
}

//! Importing Magento product CSV files (see ../shared/data/README.md for both formats).
//!
//! Two formats are understood, told apart by the header row:
//! * **native**: Magento's own `catalog_product` import/export CSV (`product_type`,
//!   `additional_attributes`, `configurable_variations`, full category name paths);
//! * **legacy**: the sample-data installer CSV (newline-separated category names and
//!   multi-values, one column per EAV attribute, `bundle_options`, `associated_sku`, and
//!   one-row-per-parent configurable files whose `size` × `color` lists make the children).
//!
//! An import runs in three steps so that a bad file never leaves half a catalog behind:
//! the rows are parsed into format-neutral [`draft::Draft`]s (pure, every problem collected
//! as a [`RowError`]), then checked against the catalog inside the import's one transaction
//! (existing SKUs, referenced children, root categories, attribute types), and only then
//! written in batches. Any error without [`ImportOptions::skip_errors`] drops the
//! transaction, which rolls back.

mod check;
mod draft;
mod legacy;
mod native;
mod table;
mod write;

use crate::progress::Progress;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use storegate_db::Db;
use storegate_types::{ApiError, TenantId};

/// How strict an import is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Import the valid rows and report the invalid ones in [`ImportReport::skipped`]
    /// instead of rejecting the whole file.
    pub skip_errors: bool,
}

/// One problem with one row. Rows count the header as row 1, as spreadsheets show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    /// The CSV column at fault; `*` when the whole row (or the header) is.
    pub column: String,
    pub reason: String,
}

impl RowError {
    pub(crate) fn new(row: usize, column: impl Into<String>, reason: impl Into<String>) -> Self {
        RowError { row, column: column.into(), reason: reason.into() }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}, column {}: {}", self.row, self.column, self.reason)
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// `"native"` or `"legacy"`.
    pub format: &'static str,
    /// Data rows in the file (the header not counted).
    pub rows: usize,
    /// Products written, generated configurable children included.
    pub products_created: usize,
    /// Products written per `type_id`.
    pub by_type: BTreeMap<String, usize>,
    pub categories_created: usize,
    /// Rows left out under `skip_errors`, with why.
    pub skipped: Vec<RowError>,
}

#[derive(Debug)]
pub enum ImportError {
    /// The file has invalid rows (or an unusable header); nothing was written.
    Invalid(Vec<RowError>),
    /// The file could not be read.
    Io(String),
    /// The database failed; nothing was written.
    Storage(ApiError),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Invalid(errors) => {
                write!(f, "the file has {} error(s); nothing was imported", errors.len())?;
                for e in errors {
                    write!(f, "\n{e}")?;
                }
                Ok(())
            }
            ImportError::Io(m) => write!(f, "cannot read the file: {m}"),
            ImportError::Storage(e) => write!(f, "storage failed: {e}"),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<ApiError> for ImportError {
    fn from(e: ApiError) -> Self {
        ImportError::Storage(e)
    }
}

/// Advisory lock key (plus the tenant id) that serialises one tenant's imports.
const IMPORT_LOCK: i64 = 0x494d_504f_5254_0000;

/// The two CSV layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Native,
    Legacy,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Native => "native",
            Format::Legacy => "legacy",
        }
    }

    /// `product_type` only exists in Magento's own import format; the installer format
    /// always names its products with `sku` and `name` and has no type column.
    fn detect(header: &[String]) -> Result<Format, ImportError> {
        let has = |c: &str| header.iter().any(|h| h == c);
        if has("product_type") || has("additional_attributes") {
            Ok(Format::Native)
        } else if has("sku") && has("name") {
            Ok(Format::Legacy)
        } else {
            Err(ImportError::Invalid(vec![RowError::new(
                1,
                "*",
                "unrecognised header: expected Magento's product import columns (sku, product_type, name, ...) \
                 or the sample-data installer columns (sku, name, category, ...)",
            )]))
        }
    }
}

/// Imports the products of the CSV file at `path` into `tenant`'s catalog, in one
/// transaction. See the module documentation for the formats and the steps.
pub async fn import_products(
    db: &Db,
    tenant: TenantId,
    path: &Path,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    let table = table::Table::read(path).await?;
    let format = Format::detect(&table.header)?;
    let mut parsed = match format {
        Format::Native => native::parse(&table),
        Format::Legacy => legacy::parse(&table),
    };
    if let Some(fatal) = parsed.fatal.take() {
        return Err(ImportError::Invalid(fatal));
    }
    let mut tx = db.begin().await.map_err(crate::storage)?;
    // Imports look up and then create attributes, options and categories; two at once on
    // PostgreSQL would race on those. (SQLite's one write connection serialises already.)
    tx.lock(IMPORT_LOCK.wrapping_add(tenant.0)).await.map_err(crate::storage)?;
    let plan = check::against_catalog(&mut tx, tenant, &parsed.drafts, &mut parsed.errors).await?;
    sort_errors(&mut parsed.errors);
    if !parsed.errors.is_empty() && !options.skip_errors {
        // Dropping the transaction rolls it back; nothing has been written anyway.
        return Err(ImportError::Invalid(parsed.errors));
    }
    let drafts = check::drop_invalid(parsed.drafts, &plan, &mut parsed.errors);
    sort_errors(&mut parsed.errors);
    let written = write::run(&mut tx, tenant, drafts, &plan, progress).await?;
    tx.commit().await.map_err(crate::storage)?;
    Ok(ImportReport {
        format: format.name(),
        rows: table.records.len() + table.unreadable,
        products_created: written.products,
        by_type: written.by_type,
        categories_created: written.categories_created,
        skipped: parsed.errors,
    })
}

/// Row order, then the order the checks found them in (the sort is stable).
fn sort_errors(errors: &mut [RowError]) {
    errors.sort_by_key(|e| e.row);
}

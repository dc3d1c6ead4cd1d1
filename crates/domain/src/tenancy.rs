//! Platform stores (tenants) and what a fresh one starts with.

use crate::{StorageResult, admin, catalog, clock, ids, password, store};
use storegate_db::{Db, Exec, Tx, sql};
use storegate_types::{ApiError, TenantId};

#[derive(Debug, Clone, PartialEq)]
pub struct Tenant {
    pub id: TenantId,
    pub code: String,
    pub name: String,
}

pub async fn default_tenant(ex: &mut impl Exec) -> Result<Option<Tenant>, ApiError> {
    let row = ex
        .fetch_optional(sql!("SELECT id, code, name FROM tenants WHERE is_default = $1 ORDER BY id LIMIT 1", true))
        .await
        .storage()?;
    row.map(|r| Ok(Tenant { id: TenantId(r.get("id")?), code: r.get("code")?, name: r.get("name")? }))
        .transpose()
        .storage()
}

pub async fn by_code(ex: &mut impl Exec, code: &str) -> Result<Option<Tenant>, ApiError> {
    let row = ex
        .fetch_optional(sql!("SELECT id, code, name FROM tenants WHERE code = $1", code.to_owned()))
        .await
        .storage()?;
    row.map(|r| Ok(Tenant { id: TenantId(r.get("id")?), code: r.get("code")?, name: r.get("name")? }))
        .transpose()
        .storage()
}

/// What first start needs to know.
pub struct BootstrapOptions {
    pub admin_username: String,
    /// `None` generates a strong password, reported once in [`Bootstrapped`].
    pub admin_password: Option<String>,
    pub base_url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bootstrapped {
    pub tenant: TenantId,
    pub created: bool,
    pub admin_username: String,
    /// Set only when the password was generated, so it can be printed once.
    pub generated_password: Option<String>,
}

const BOOTSTRAP_LOCK: i64 = 0x424f_4f54;

/// On an empty database, creates the default tenant with Magento's default structure and an
/// admin user. On any other database it changes nothing. Safe to run from several processes
/// at once: the first one creates, the others see the result.
pub async fn bootstrap(db: &Db, options: &BootstrapOptions) -> Result<Bootstrapped, ApiError> {
    if let Some(password) = &options.admin_password {
        password::check_admin_password(password)
            .map_err(|why| ApiError::invalid_value("STOREGATE_ADMIN_PASSWORD", "***").with_internal(why))?;
    }
    admin::check_username(&options.admin_username)?;
    let (password, generated) = match &options.admin_password {
        Some(p) => (p.clone(), None),
        None => {
            let p = password::generate();
            (p.clone(), Some(p))
        }
    };
    // Hash before taking the write lock: argon2 takes tens of milliseconds.
    let hash = password::hash(password).await?;

    let mut tx = db.begin().await.storage()?;
    tx.lock(BOOTSTRAP_LOCK).await.storage()?;
    if let Some(existing) = default_tenant(&mut tx).await? {
        tx.rollback().await.storage()?;
        return Ok(Bootstrapped {
            tenant: existing.id,
            created: false,
            admin_username: options.admin_username.clone(),
            generated_password: None,
        });
    }
    let tenant = create_tenant(&mut tx, "default", "Default Store", true).await?;
    seed_structure(&mut tx, tenant, &options.base_url).await?;
    catalog::seed_defaults(&mut tx, tenant).await?;
    crate::customer::seed_groups(&mut tx, tenant).await?;
    crate::pricing::seed_defaults(&mut tx, tenant).await?;
    crate::inventory::seed_defaults(&mut tx, tenant).await?;
    let role = admin::create_role(&mut tx, tenant, admin::ADMINISTRATORS, &["Magento_Backend::all".to_owned()]).await?;
    insert_admin_with_hash(&mut tx, tenant, &options.admin_username, &hash, role.id.0).await?;
    tx.commit().await.storage()?;
    Ok(Bootstrapped {
        tenant,
        created: true,
        admin_username: options.admin_username.clone(),
        generated_password: generated,
    })
}

async fn create_tenant(tx: &mut Tx, code: &str, name: &str, is_default: bool) -> Result<TenantId, ApiError> {
    let id: i64 = tx.fetch_scalar(sql!("SELECT COALESCE(MAX(id), 0) + 1 FROM tenants")).await.storage()?;
    tx.execute(sql!(
        "INSERT INTO tenants (id, code, name, is_default, created_at) VALUES ($1, $2, $3, $4, $5)",
        id,
        code.to_owned(),
        name.to_owned(),
        is_default,
        clock::now_text()
    ))
    .await
    .storage()?;
    Ok(TenantId(id))
}

/// Magento's default structure: the admin website, group and view (id 0), the `base`
/// website, `main_website_store` group and `default` view (id 1), root category 1 and
/// default category 2, and the basic configuration.
async fn seed_structure(tx: &mut Tx, tenant: TenantId, base_url: &str) -> Result<(), ApiError> {
    let t = tenant.0;
    let statements = [
        sql!(
            "INSERT INTO websites (tenant_id, id, code, name, default_group_id, sort_order, is_default) VALUES ($1, 0, 'admin', 'Admin', 0, 0, $2)",
            t,
            false
        ),
        sql!(
            "INSERT INTO websites (tenant_id, id, code, name, default_group_id, sort_order, is_default) VALUES ($1, 1, 'base', 'Main Website', 1, 0, $2)",
            t,
            true
        ),
        sql!(
            "INSERT INTO categories (tenant_id, id, parent_id, path, level, position, name, is_active, include_in_menu, is_anchor, created_at, updated_at) \
              VALUES ($1, 1, NULL, '1', 0, 0, 'Root Catalog', $2, $2, $2, $3, $3)",
            t,
            true,
            clock::now_text()
        ),
        sql!(
            "INSERT INTO categories (tenant_id, id, parent_id, path, level, position, name, is_active, include_in_menu, is_anchor, url_key, created_at, updated_at) \
              VALUES ($1, 2, 1, '1/2', 1, 1, 'Default Category', $2, $2, $2, 'default-category', $3, $3)",
            t,
            true,
            clock::now_text()
        ),
        sql!(
            "INSERT INTO store_groups (tenant_id, id, website_id, code, name, root_category_id, default_store_id) VALUES ($1, 0, 0, 'default', 'Default', 0, 0)",
            t
        ),
        sql!(
            "INSERT INTO store_groups (tenant_id, id, website_id, code, name, root_category_id, default_store_id) VALUES ($1, 1, 1, 'main_website_store', 'Main Website Store', 2, 1)",
            t
        ),
        sql!(
            "INSERT INTO store_views (tenant_id, id, code, name, website_id, group_id, sort_order, is_active) VALUES ($1, 0, 'admin', 'Admin', 0, 0, 0, $2)",
            t,
            true
        ),
        sql!(
            "INSERT INTO store_views (tenant_id, id, code, name, website_id, group_id, sort_order, is_active) VALUES ($1, 1, 'default', 'Default Store View', 1, 1, 0, $2)",
            t,
            true
        ),
    ];
    for q in statements {
        tx.execute(q).await.storage()?;
    }
    for (entity, used) in [("website", 1), ("store_group", 1), ("store_view", 1), ("category", 2)] {
        ids::ensure_above(tx, tenant, entity, used).await.storage()?;
    }
    let base_url = format!("{}/", base_url.trim_end_matches('/'));
    let config = [
        ("general/locale/code", "en_US"),
        ("general/locale/timezone", "UTC"),
        ("general/locale/weight_unit", "lbs"),
        ("currency/options/base", "USD"),
        ("currency/options/default", "USD"),
        ("currency/options/allow", "USD"),
        ("web/unsecure/base_url", base_url.as_str()),
        ("web/secure/base_url", base_url.as_str()),
        ("oauth/access_token_lifetime/admin", "4"),
        ("oauth/access_token_lifetime/customer", "1"),
    ];
    for (path, value) in config {
        store::set_config(tx, tenant, "default", 0, path, value).await?;
    }
    Ok(())
}

async fn insert_admin_with_hash(
    tx: &mut Tx,
    tenant: TenantId,
    username: &str,
    hash: &str,
    role: i64,
) -> Result<(), ApiError> {
    let id = ids::next(tx, tenant, "admin_user").await.storage()?;
    let now = clock::now_text();
    tx.execute(sql!(
        "INSERT INTO admin_users (tenant_id, id, username, password_hash, role_id, is_active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        tenant.0,
        id,
        username.to_owned(),
        hash.to_owned(),
        role,
        true,
        now
    ))
    .await
    .storage()
    .map(|_| ())
}

/// Creates another tenant with the default structure (no admin user). Used by the tenancy
/// isolation tests now and by the platform API later.
pub async fn create(db: &Db, code: &str, name: &str, base_url: &str) -> Result<TenantId, ApiError> {
    let mut tx = db.begin().await.storage()?;
    tx.lock(BOOTSTRAP_LOCK).await.storage()?;
    let tenant = create_tenant(&mut tx, code, name, false).await?;
    seed_structure(&mut tx, tenant, base_url).await?;
    catalog::seed_defaults(&mut tx, tenant).await?;
    crate::customer::seed_groups(&mut tx, tenant).await?;
    crate::pricing::seed_defaults(&mut tx, tenant).await?;
    crate::inventory::seed_defaults(&mut tx, tenant).await?;
    tx.commit().await.storage()?;
    Ok(tenant)
}

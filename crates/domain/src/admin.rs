//! Admin users and roles. A role holds Magento ACL resources; `Magento_Backend::all`
//! grants everything. Nothing here is cached: a change made by the CLI while a server runs
//! applies to the server's next request.

use crate::{StorageResult, clock, ids, password};
use storegate_db::{DbError, Exec, Row, sql};
use storegate_types::acl::AclResource;
use storegate_types::principal::Grants;
use storegate_types::{AdminUserId, ApiError, ErrorCode, RoleId, TenantId};

#[derive(Debug, Clone, PartialEq)]
pub struct AdminUser {
    pub id: AdminUserId,
    pub username: String,
    pub email: Option<String>,
    pub role_id: Option<RoleId>,
    pub role_name: Option<String>,
    pub is_active: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub id: RoleId,
    pub name: String,
    pub resources: Vec<String>,
}

/// The role every bootstrap admin gets.
pub const ADMINISTRATORS: &str = "Administrators";

fn user_from_row(r: &Row) -> Result<AdminUser, DbError> {
    Ok(AdminUser {
        id: AdminUserId(r.get("id")?),
        username: r.get("username")?,
        email: r.get("email")?,
        role_id: r.get::<Option<i64>>("role_id")?.map(RoleId),
        role_name: r.get("role_name")?,
        is_active: r.get("is_active")?,
        created_at: r.get("created_at")?,
    })
}

const USER_COLUMNS: &str = "SELECT u.id, u.username, u.email, u.role_id, r.name AS role_name, u.is_active, u.created_at \
     FROM admin_users u LEFT JOIN admin_roles r ON r.tenant_id = u.tenant_id AND r.id = u.role_id";

pub async fn list_users(ex: &mut impl Exec, tenant: TenantId) -> Result<Vec<AdminUser>, ApiError> {
    let rows =
        ex.fetch_all(sql!(format!("{USER_COLUMNS} WHERE u.tenant_id = $1 ORDER BY u.id"), tenant.0)).await.storage()?;
    rows.iter().map(user_from_row).collect::<Result<_, _>>().storage()
}

pub async fn find_active_user(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<Option<AdminUser>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            format!("{USER_COLUMNS} WHERE u.tenant_id = $1 AND u.id = $2 AND u.is_active = $3"),
            tenant.0,
            id,
            true
        ))
        .await
        .storage()?;
    row.as_ref().map(user_from_row).transpose().storage()
}

/// The user and stored password hash for a sign-in attempt.
pub async fn credentials(
    ex: &mut impl Exec,
    tenant: TenantId,
    username: &str,
) -> Result<Option<(AdminUser, String)>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT u.id, u.username, u.email, u.role_id, r.name AS role_name, u.is_active, u.created_at, u.password_hash \
             FROM admin_users u LEFT JOIN admin_roles r ON r.tenant_id = u.tenant_id AND r.id = u.role_id \
             WHERE u.tenant_id = $1 AND u.username = $2",
            tenant.0,
            username.to_owned()
        ))
        .await
        .storage()?;
    match row {
        Some(r) => Ok(Some((user_from_row(&r).storage()?, r.get("password_hash").storage()?))),
        None => Ok(None),
    }
}

pub async fn grants(ex: &mut impl Exec, tenant: TenantId, role: Option<RoleId>) -> Result<Grants, ApiError> {
    let Some(role) = role else { return Ok(Grants::default()) };
    let ids: Vec<String> = role_resources(ex, tenant, role).await?;
    Ok(Grants::from_resources(ids.iter().filter_map(|id| AclResource::from_id(id))))
}

pub struct NewAdmin<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub email: Option<&'a str>,
    pub role: &'a str,
}

fn invalid(field: &str, value: &str, why: impl Into<String>) -> ApiError {
    ApiError::invalid_value(field, value.to_owned()).with_internal(why.into())
}

pub fn check_username(username: &str) -> Result<(), ApiError> {
    let ok = !username.is_empty()
        && username.chars().count() <= 40
        && username.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c));
    if ok { Ok(()) } else { Err(invalid("username", username, "1-40 letters, digits or . _ - @")) }
}

pub async fn create_user(ex: &mut impl Exec, tenant: TenantId, new: NewAdmin<'_>) -> Result<AdminUser, ApiError> {
    check_username(new.username)?;
    password::check_admin_password(new.password).map_err(|why| invalid("password", "***", why))?;
    let role =
        find_role(ex, tenant, new.role).await?.ok_or_else(|| ApiError::no_such_entity("role", new.role.to_owned()))?;
    let hash = password::hash(new.password.to_owned()).await?;
    let id = ids::next(ex, tenant, "admin_user").await.storage()?;
    let now = clock::now_text();
    let inserted = ex
        .execute(sql!(
            "INSERT INTO admin_users (tenant_id, id, username, email, password_hash, role_id, is_active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            tenant.0,
            id,
            new.username.to_owned(),
            new.email.map(str::to_owned),
            hash,
            role.id.0,
            true,
            now
        ))
        .await;
    match inserted {
        Ok(_) => {}
        Err(DbError::UniqueViolation(_)) => {
            return Err(ApiError::positional(
                ErrorCode::AlreadyExists,
                [format!("An admin user named \"{}\"", new.username)],
            ));
        }
        Err(e) => return Err(crate::storage(e)),
    }
    find_active_user(ex, tenant, id).await?.ok_or_else(|| ApiError::internal("admin user vanished after insert"))
}

pub async fn reset_password(
    ex: &mut impl Exec,
    tenant: TenantId,
    username: &str,
    new_password: &str,
) -> Result<(), ApiError> {
    password::check_admin_password(new_password).map_err(|why| invalid("password", "***", why))?;
    let hash = password::hash(new_password.to_owned()).await?;
    let changed = ex
        .execute(sql!(
            "UPDATE admin_users SET password_hash = $1, updated_at = $2 WHERE tenant_id = $3 AND username = $4",
            hash,
            clock::now_text(),
            tenant.0,
            username.to_owned()
        ))
        .await
        .storage()?;
    if changed == 0 {
        return Err(ApiError::no_such_entity("username", username.to_owned()));
    }
    // A new password ends every session opened with the old one, and lifts the sign-in
    // lock: whoever set it can sign in with the new password at once.
    if let Some((user, _)) = credentials(ex, tenant, username).await? {
        crate::tokens::revoke_all(ex, tenant, crate::tokens::TokenKind::Admin, user.id.0).await?;
        crate::tokens::unlock(ex, tenant, crate::tokens::TokenKind::Admin, user.id.0).await?;
    }
    Ok(())
}

pub async fn delete_user(ex: &mut impl Exec, tenant: TenantId, username: &str) -> Result<(), ApiError> {
    let (user, _) = credentials(ex, tenant, username)
        .await?
        .ok_or_else(|| ApiError::no_such_entity("username", username.to_owned()))?;
    crate::tokens::revoke_all(ex, tenant, crate::tokens::TokenKind::Admin, user.id.0).await?;
    ex.execute(sql!("DELETE FROM admin_users WHERE tenant_id = $1 AND id = $2", tenant.0, user.id.0))
        .await
        .storage()?;
    Ok(())
}

pub async fn find_role(ex: &mut impl Exec, tenant: TenantId, name: &str) -> Result<Option<Role>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT id, name FROM admin_roles WHERE tenant_id = $1 AND name = $2",
            tenant.0,
            name.to_owned()
        ))
        .await
        .storage()?;
    let Some(row) = row else { return Ok(None) };
    let id = RoleId(row.get("id").storage()?);
    Ok(Some(Role { id, name: row.get("name").storage()?, resources: role_resources(ex, tenant, id).await? }))
}

async fn role_resources(ex: &mut impl Exec, tenant: TenantId, role: RoleId) -> Result<Vec<String>, ApiError> {
    ex.fetch_column(sql!(
        "SELECT resource FROM admin_role_resources WHERE tenant_id = $1 AND role_id = $2 ORDER BY resource",
        tenant.0,
        role.0
    ))
    .await
    .storage()
}

pub async fn list_roles(ex: &mut impl Exec, tenant: TenantId) -> Result<Vec<Role>, ApiError> {
    let rows = ex
        .fetch_all(sql!("SELECT id, name FROM admin_roles WHERE tenant_id = $1 ORDER BY id", tenant.0))
        .await
        .storage()?;
    let mut roles = Vec::with_capacity(rows.len());
    for r in rows {
        let id = RoleId(r.get("id").storage()?);
        roles.push(Role { id, name: r.get("name").storage()?, resources: role_resources(ex, tenant, id).await? });
    }
    Ok(roles)
}

/// Creates a role holding `resources`, each of which must be a Magento ACL resource id.
pub async fn create_role(
    ex: &mut impl Exec,
    tenant: TenantId,
    name: &str,
    resources: &[String],
) -> Result<Role, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(invalid("name", name, "1-100 characters"));
    }
    if resources.is_empty() {
        return Err(ApiError::required("resource"));
    }
    let mut checked = Vec::with_capacity(resources.len());
    for r in resources {
        checked.push(AclResource::from_id(r).ok_or_else(|| invalid("resource", r, "not a known ACL resource"))?);
    }
    let id = ids::next(ex, tenant, "admin_role").await.storage()?;
    match ex
        .execute(sql!(
            "INSERT INTO admin_roles (tenant_id, id, name, created_at) VALUES ($1, $2, $3, $4)",
            tenant.0,
            id,
            name.to_owned(),
            clock::now_text()
        ))
        .await
    {
        Ok(_) => {}
        Err(DbError::UniqueViolation(_)) => {
            return Err(ApiError::positional(ErrorCode::AlreadyExists, [format!("A role named \"{name}\"")]));
        }
        Err(e) => return Err(crate::storage(e)),
    }
    checked.sort();
    checked.dedup();
    for r in &checked {
        ex.execute(sql!(
            "INSERT INTO admin_role_resources (tenant_id, role_id, resource) VALUES ($1, $2, $3)",
            tenant.0,
            id,
            r.id()
        ))
        .await
        .storage()?;
    }
    Ok(Role { id: RoleId(id), name: name.to_owned(), resources: checked.iter().map(|r| r.id().to_owned()).collect() })
}

/// Magento's admin sign-in for `POST /V1/integration/admin/token`. The password is verified
/// on every path (unknown name, locked account, wrong password) so that no refusal can be
/// told from another by its timing; all refusals read the same. Failures count against an
/// existing account only (see [`crate::tokens::Throttle`]); success clears the count.
pub async fn sign_in(
    db: &storegate_db::Db,
    tenant: TenantId,
    username: &str,
    password: &str,
    lockout: &crate::tokens::Lockout<'_>,
    lifetime: time::Duration,
) -> Result<String, ApiError> {
    use crate::tokens::{self, TokenKind};
    let refused = || ApiError::new(ErrorCode::InvalidCredentials);
    let mut reader = db.reader().await.storage()?;
    let found = credentials(&mut reader, tenant, username).await?;
    let attempt = found.as_ref().map(|(user, _)| lockout.attempt(TokenKind::Admin, user.id.0));
    let locked = match &attempt {
        Some(a) => lockout.throttle.is_locked(&mut reader, tenant, a).await?,
        None => false,
    };
    drop(reader);
    let (user, hash) = found.map_or((None, None), |(user, hash)| (Some(user), Some(hash)));
    let valid = password::verify(password.to_owned(), hash).await?;
    let (Some(user), Some(attempt)) = (user, attempt) else {
        return Err(refused().with_internal("unknown admin user name"));
    };
    if locked {
        return Err(refused().with_internal("account locked after repeated failures"));
    }
    let mut tx = db.begin().await.storage()?;
    if valid && user.is_active {
        lockout.throttle.reset(&mut tx, tenant, &attempt).await?;
        let token = tokens::issue(&mut tx, tenant, TokenKind::Admin, user.id.0, lifetime).await?;
        tx.commit().await.storage()?;
        Ok(token)
    } else {
        lockout.throttle.record_failure(&mut tx, tenant, &attempt).await?;
        tx.commit().await.storage()?;
        Err(refused().with_internal("wrong password, or inactive user"))
    }
}

/// `storegate admin unlock`: lifts the sign-in lock of one admin user, for every address.
/// Answers whether there was anything to lift.
pub async fn unlock(ex: &mut impl Exec, tenant: TenantId, username: &str) -> Result<bool, ApiError> {
    let (user, _) = credentials(ex, tenant, username)
        .await?
        .ok_or_else(|| ApiError::no_such_entity("username", username.to_owned()))?;
    Ok(crate::tokens::unlock(ex, tenant, crate::tokens::TokenKind::Admin, user.id.0).await? > 0)
}

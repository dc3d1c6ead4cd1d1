//! Customer accounts: registration, admin and self-service updates, deletion, addresses,
//! email availability, validation, the customer sign-in behind customer tokens, and
//! password changes. Rules follow Magento 2.4's `AccountManagement` and
//! `CustomerRepository`; deviations are noted where they are made.

use super::{Address, Customer, CustomerRow, email_taken, groups, not_found};
use crate::crypto::Crypto;
use crate::store::{self, StoreView};
use crate::tokens::{self, Lockout, TokenKind};
use crate::{StorageResult, clock, ids, password};
use storegate_db::{Db, DbError, Exec, Query, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};
use time::macros::format_description;

/// Magento's `customer/password/minimum_password_length` default.
pub const MIN_PASSWORD_LENGTH: usize = 8;
/// Magento's `customer/password/required_character_classes_number` default.
pub const REQUIRED_CHARACTER_CLASSES: usize = 3;
/// Magento's upper bound on a password's length (it also bounds the argon2 work).
pub const MAX_PASSWORD_LENGTH: usize = 256;

/// A customer as a request describes it. Every field is optional: on create, absent fields
/// take their defaults; on update they keep their stored value, and an empty string clears
/// an optional text field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerInput {
    pub email: Option<String>,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub middlename: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub dob: Option<String>,
    pub gender: Option<i64>,
    pub taxvat: Option<String>,
    pub group_id: Option<i64>,
    pub website_id: Option<i64>,
    pub store_id: Option<i64>,
    pub default_billing: Option<i64>,
    pub default_shipping: Option<i64>,
    pub disable_auto_group_change: Option<i64>,
    pub is_subscribed: Option<bool>,
    /// `None` keeps the stored addresses; `Some` replaces the whole set (addresses with a
    /// known `id` are updated, others created, the rest deleted).
    pub addresses: Option<Vec<AddressInput>>,
}

/// An address as a request describes it; it replaces the stored one as a whole.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddressInput {
    pub id: Option<i64>,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub middlename: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub company: Option<String>,
    pub street: Vec<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub region_id: Option<i64>,
    pub region_code: Option<String>,
    pub postcode: Option<String>,
    pub country_id: Option<String>,
    pub telephone: Option<String>,
    pub fax: Option<String>,
    pub vat_id: Option<String>,
    pub default_billing: bool,
    pub default_shipping: bool,
}

/// Who is changing an account: an admin may move it between groups, websites and stores;
/// the customer (`PUT /V1/customers/me`) may not, whatever the body says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Editor {
    Admin,
    SelfService,
}

// Field rules -----------------------------------------------------------------------------

/// Lower-cases and checks an email address; `None` when it is not one.
pub fn normalize_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (local, domain) = email.rsplit_once('@')?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    (local_ok && domain_ok).then_some(email)
}

fn invalid_email() -> ApiError {
    // Magento's EAV validator names the attribute's label, not the value.
    ApiError::positional(ErrorCode::InvalidEmail, ["Email"])
}

/// Magento's `checkPasswordStrength` with its default configuration, plus its rule that a
/// password may not be the account's email.
pub fn check_password(password: &str, email: &str) -> Result<(), ApiError> {
    let length = password.chars().count();
    if length > MAX_PASSWORD_LENGTH {
        return Err(ApiError::positional(ErrorCode::PasswordTooLong, [MAX_PASSWORD_LENGTH]));
    }
    if length < MIN_PASSWORD_LENGTH {
        return Err(ApiError::positional(ErrorCode::PasswordTooShort, [MIN_PASSWORD_LENGTH]));
    }
    if password.trim().chars().count() != length {
        return Err(ApiError::new(ErrorCode::PasswordEdgeSpaces));
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|c| **c).count() < REQUIRED_CHARACTER_CLASSES {
        return Err(ApiError::positional(ErrorCode::PasswordCharacterClasses, [REQUIRED_CHARACTER_CLASSES]));
    }
    if !email.is_empty() && password.to_lowercase() == email.trim().to_lowercase() {
        return Err(ApiError::new(ErrorCode::PasswordSameAsEmail));
    }
    Ok(())
}

/// `YYYY-MM-DD` (a time part, as some clients send, is dropped).
fn normalize_dob(raw: &str) -> Option<String> {
    let date = raw.trim().get(..10)?;
    let format = format_description!("[year]-[month]-[day]");
    time::Date::parse(date, format).ok()?;
    Some(date.to_owned())
}

/// A text field of a request: trimmed, and empty means "none".
fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// An optional text field on update: absent keeps, empty clears, anything else replaces.
fn merged(given: Option<String>, stored: Option<String>) -> Option<String> {
    match given {
        None => stored,
        Some(s) => clean(Some(s)),
    }
}

/// The customer's values after applying a request, before they are checked and written.
struct Draft {
    email: String,
    firstname: String,
    lastname: String,
    middlename: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
    dob: Option<String>,
    gender: Option<i64>,
    taxvat: Option<String>,
    group_id: i64,
    website_id: Option<i64>,
    store_id: Option<i64>,
    default_billing: Option<i64>,
    default_shipping: Option<i64>,
    disable_auto_group_change: i64,
    is_subscribed: bool,
    addresses: Option<Vec<AddressInput>>,
}

impl Draft {
    fn new(input: CustomerInput, group_id: i64) -> Draft {
        Draft {
            email: input.email.unwrap_or_default(),
            firstname: clean(input.firstname).unwrap_or_default(),
            lastname: clean(input.lastname).unwrap_or_default(),
            middlename: clean(input.middlename),
            prefix: clean(input.prefix),
            suffix: clean(input.suffix),
            dob: clean(input.dob),
            gender: input.gender,
            taxvat: clean(input.taxvat),
            group_id,
            website_id: input.website_id,
            store_id: input.store_id,
            default_billing: None,
            default_shipping: None,
            disable_auto_group_change: input.disable_auto_group_change.unwrap_or(0),
            is_subscribed: input.is_subscribed.unwrap_or(false),
            addresses: input.addresses,
        }
    }

    fn merge(input: CustomerInput, stored: &Customer, editor: Editor) -> Draft {
        let admin = editor == Editor::Admin;
        Draft {
            email: input.email.unwrap_or_else(|| stored.email.clone()),
            firstname: merged(input.firstname, Some(stored.firstname.clone())).unwrap_or_default(),
            lastname: merged(input.lastname, Some(stored.lastname.clone())).unwrap_or_default(),
            middlename: merged(input.middlename, stored.middlename.clone()),
            prefix: merged(input.prefix, stored.prefix.clone()),
            suffix: merged(input.suffix, stored.suffix.clone()),
            dob: merged(input.dob, stored.dob.clone()),
            gender: input.gender.or(stored.gender),
            taxvat: merged(input.taxvat, stored.taxvat.clone()),
            group_id: input.group_id.filter(|_| admin).unwrap_or(stored.group_id),
            website_id: Some(input.website_id.filter(|w| admin && *w != 0).unwrap_or(stored.website_id)),
            store_id: Some(input.store_id.filter(|s| admin && *s != 0).unwrap_or(stored.store_id)),
            default_billing: input.default_billing.or(stored.default_billing),
            default_shipping: input.default_shipping.or(stored.default_shipping),
            disable_auto_group_change: input
                .disable_auto_group_change
                .filter(|_| admin)
                .unwrap_or(stored.disable_auto_group_change),
            is_subscribed: input.is_subscribed.unwrap_or(stored.is_subscribed),
            addresses: input.addresses,
        }
    }

    /// Checks every field, normalising email and date of birth; answers all problems.
    fn check(&mut self) -> Vec<ApiError> {
        let mut errors = Vec::new();
        if self.email.trim().is_empty() {
            errors.push(ApiError::required("email"));
        } else {
            match normalize_email(&self.email) {
                Some(e) => self.email = e,
                None => errors.push(invalid_email()),
            }
        }
        for (name, value) in [("firstname", &self.firstname), ("lastname", &self.lastname)] {
            if value.is_empty() {
                errors.push(ApiError::required(name));
            } else if value.chars().count() > 255 {
                errors.push(ApiError::invalid_value(name, value.chars().take(20).collect::<String>() + "…"));
            }
        }
        if let Some(dob) = &self.dob {
            match normalize_dob(dob) {
                Some(d) => self.dob = Some(d),
                None => errors.push(ApiError::invalid_value("dob", dob.clone())),
            }
        }
        if let Some(g) = self.gender
            && !(0..=3).contains(&g)
        {
            errors.push(ApiError::invalid_value("gender", g));
        }
        for a in self.addresses.iter().flatten() {
            errors.extend(check_address(a));
        }
        errors
    }
}

/// Magento's address rules (`Address\Validator\General` with default configuration).
fn check_address(a: &AddressInput) -> Vec<ApiError> {
    let mut errors = Vec::new();
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if blank(&a.firstname) {
        errors.push(ApiError::required("firstname"));
    }
    if blank(&a.lastname) {
        errors.push(ApiError::required("lastname"));
    }
    if a.street.iter().all(|s| s.trim().is_empty()) {
        errors.push(ApiError::required("street"));
    }
    if blank(&a.city) {
        errors.push(ApiError::required("city"));
    }
    if blank(&a.telephone) {
        errors.push(ApiError::required("telephone"));
    }
    match a.country_id.as_deref().map(str::trim) {
        None | Some("") => errors.push(ApiError::required("countryId")),
        Some(c) if c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_alphabetic()) => {
            errors.push(ApiError::invalid_value("countryId", c.to_owned()));
        }
        Some(_) => {}
    }
    errors
}

fn to_address(a: &AddressInput, id: i64, customer_id: i64) -> Address {
    Address {
        id,
        customer_id,
        firstname: clean(a.firstname.clone()).unwrap_or_default(),
        lastname: clean(a.lastname.clone()).unwrap_or_default(),
        middlename: clean(a.middlename.clone()),
        prefix: clean(a.prefix.clone()),
        suffix: clean(a.suffix.clone()),
        company: clean(a.company.clone()),
        street: {
            let mut lines: Vec<String> = a.street.iter().map(|s| s.trim().to_owned()).collect();
            while lines.last().is_some_and(String::is_empty) {
                lines.pop();
            }
            lines
        },
        city: clean(a.city.clone()).unwrap_or_default(),
        region: clean(a.region.clone()),
        region_id: a.region_id.filter(|r| *r > 0),
        region_code: clean(a.region_code.clone()),
        postcode: clean(a.postcode.clone()),
        country_id: a.country_id.as_deref().unwrap_or_default().trim().to_ascii_uppercase(),
        telephone: clean(a.telephone.clone()),
        fax: clean(a.fax.clone()),
        vat_id: clean(a.vat_id.clone()),
        default_billing: a.default_billing,
        default_shipping: a.default_shipping,
    }
}

fn fail_with(errors: Vec<ApiError>) -> Result<(), ApiError> {
    match ApiError::aggregate(errors) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// `PUT /V1/customers/validate`: every problem with `input`, as Magento's messages.
pub fn validate(input: CustomerInput) -> Vec<String> {
    let mut draft = Draft::new(input, groups::DEFAULT_GROUP_ID);
    draft.check().iter().map(ApiError::message).collect()
}

// Scope -------------------------------------------------------------------------------------

/// The website a request's store view belongs to (the default website for the admin view).
pub async fn website_of(ex: &mut impl Exec, tenant: TenantId, view: &StoreView) -> Result<i64, ApiError> {
    if view.website_id != 0 {
        return Ok(view.website_id);
    }
    Ok(store::default_view(ex, tenant).await?.website_id)
}

struct Scope {
    website_id: i64,
    store_id: i64,
    store_name: String,
}

/// The account's website and store view: as given, else the request's website and that
/// website's default store view. A store view must belong to the website.
async fn resolve_scope(
    ex: &mut impl Exec,
    tenant: TenantId,
    view: &StoreView,
    website_id: Option<i64>,
    store_id: Option<i64>,
) -> Result<Scope, ApiError> {
    let website_id = match website_id.filter(|w| *w != 0) {
        Some(w) => w,
        None => website_of(ex, tenant, view).await?,
    };
    let default_group: Option<i64> = ex
        .fetch_optional_scalar(sql!(
            "SELECT default_group_id FROM websites WHERE tenant_id = $1 AND id = $2 AND id <> 0",
            tenant.0,
            website_id
        ))
        .await
        .storage()?;
    let Some(default_group) = default_group else {
        return Err(ApiError::invalid_value("website_id", website_id));
    };
    let row = match store_id.filter(|s| *s != 0) {
        Some(s) => {
            let row = ex
                .fetch_optional(sql!(
                    "SELECT id, name, website_id FROM store_views WHERE tenant_id = $1 AND id = $2",
                    tenant.0,
                    s
                ))
                .await
                .storage()?;
            match row {
                Some(r) if r.get::<i64>("website_id").storage()? == website_id => r,
                _ => return Err(ApiError::new(ErrorCode::StoreNotInWebsite)),
            }
        }
        None => ex
            .fetch_optional(sql!(
                "SELECT v.id, v.name FROM store_groups g \
                 JOIN store_views v ON v.tenant_id = g.tenant_id AND v.id = g.default_store_id \
                 WHERE g.tenant_id = $1 AND g.id = $2",
                tenant.0,
                default_group
            ))
            .await
            .storage()?
            .ok_or_else(|| ApiError::internal(format!("website {website_id} has no default store view")))?,
    };
    Ok(Scope { website_id, store_id: row.get("id").storage()?, store_name: row.get("name").storage()? })
}

async fn email_in_use(
    ex: &mut impl Exec,
    tenant: TenantId,
    website_id: i64,
    email: &str,
    except: Option<i64>,
) -> Result<bool, ApiError> {
    let found: Option<i64> = ex
        .fetch_optional_scalar(sql!(
            "SELECT id FROM customers WHERE tenant_id = $1 AND website_id = $2 AND email = $3 AND id <> $4",
            tenant.0,
            website_id,
            email.to_owned(),
            except.unwrap_or(0)
        ))
        .await
        .storage()?;
    Ok(found.is_some())
}

/// `POST /V1/customers/isEmailAvailable`: whether no account of `website_id` uses `email`.
pub async fn is_email_available(
    ex: &mut impl Exec,
    tenant: TenantId,
    website_id: i64,
    email: &str,
) -> Result<bool, ApiError> {
    Ok(!email_in_use(ex, tenant, website_id, &email.trim().to_lowercase(), None).await?)
}

async fn check_group(ex: &mut impl Exec, tenant: TenantId, group_id: i64) -> Result<(), ApiError> {
    match groups::get(ex, tenant, group_id).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::new(ErrorCode::CustomerGroupMissing)),
    }
}

// Writes ------------------------------------------------------------------------------------

/// `POST /V1/customers` (Magento's `createAccount`). The account joins the store's default
/// group whatever the request says: the route is anonymous, so a caller must not choose its
/// own group (admins move customers with `PUT /V1/customers/{id}`).
pub async fn create_account(
    db: &Db,
    tenant: TenantId,
    crypto: &Crypto,
    view: &StoreView,
    input: CustomerInput,
    password: Option<String>,
) -> Result<Customer, ApiError> {
    let mut draft = Draft::new(input, groups::DEFAULT_GROUP_ID);
    if let Some(p) = &password {
        check_password(p, &draft.email)?;
    }
    fail_with(draft.check())?;
    let hash = match password {
        Some(p) => Some(password::hash(p).await?),
        None => None,
    };
    let mut tx = db.begin().await.storage()?;
    draft.group_id = groups::default_for(&mut tx, tenant, view).await?.id;
    // Forced like the group: with it set, a caller could pin the group against later
    // automatic assignment (VAT-based group changes) from an anonymous route.
    draft.disable_auto_group_change = 0;
    let scope = resolve_scope(&mut tx, tenant, view, draft.website_id, draft.store_id).await?;
    if email_in_use(&mut tx, tenant, scope.website_id, &draft.email, None).await? {
        return Err(email_taken());
    }
    let id = ids::next(&mut tx, tenant, "customer").await.storage()?;
    let inputs = draft.addresses.take().unwrap_or_default();
    let mut next = ids::reserve(&mut tx, tenant, "customer_address", inputs.len() as i64).await.storage()?;
    let mut addresses = Vec::with_capacity(inputs.len());
    for a in &inputs {
        addresses.push(to_address(a, next, id));
        next += 1;
    }
    let default_billing = addresses.iter().rev().find(|a| a.default_billing).map(|a| a.id);
    let default_shipping = addresses.iter().rev().find(|a| a.default_shipping).map(|a| a.id);
    let row = CustomerRow {
        id,
        website_id: scope.website_id,
        store_id: scope.store_id,
        group_id: draft.group_id,
        email: draft.email,
        firstname: draft.firstname,
        lastname: draft.lastname,
        middlename: draft.middlename,
        prefix: draft.prefix,
        suffix: draft.suffix,
        dob: draft.dob,
        gender: draft.gender,
        taxvat: draft.taxvat,
        password_hash: hash,
        default_billing,
        default_shipping,
        created_in: Some(scope.store_name),
        is_subscribed: draft.is_subscribed,
        disable_auto_group_change: draft.disable_auto_group_change,
    };
    super::insert_rows_with_addresses(&mut tx, tenant, crypto, vec![row], &addresses).await?;
    let customer = super::require(&mut tx, tenant, crypto, id).await?;
    tx.commit().await.storage()?;
    Ok(customer)
}

/// Replaces the customer's address set; answers the ids it now has.
async fn replace_addresses(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    customer: &Customer,
    inputs: &[AddressInput],
) -> Result<Vec<Address>, ApiError> {
    let stored: Vec<i64> = customer.addresses.iter().map(|a| a.id).collect();
    for a in inputs {
        if let Some(id) = a.id.filter(|id| *id != 0)
            && !stored.contains(&id)
        {
            return Err(ApiError::no_such_entity("addressId", id));
        }
    }
    let new_count = inputs.iter().filter(|a| a.id.is_none_or(|id| id == 0)).count();
    let mut next = ids::reserve(ex, tenant, "customer_address", new_count as i64).await.storage()?;
    let now = clock::now_text();
    let mut kept = Vec::with_capacity(inputs.len());
    let mut created = Vec::new();
    for a in inputs {
        match a.id.filter(|id| *id != 0) {
            Some(id) => kept.push(to_address(a, id, customer.id)),
            None => {
                created.push(to_address(a, next, customer.id));
                next += 1;
            }
        }
    }
    for id in stored.iter().filter(|id| !kept.iter().any(|a| a.id == **id)) {
        ex.execute(sql!("DELETE FROM customer_addresses WHERE tenant_id = $1 AND id = $2", tenant.0, *id))
            .await
            .storage()?;
    }
    // Columns 3.. of the insert list are the address's own fields, followed by the times.
    let fields = &super::ADDRESS_COLUMNS[3..super::ADDRESS_COLUMNS.len() - 2];
    let assignments: Vec<String> = fields.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 3)).collect();
    let update = format!(
        "UPDATE customer_addresses SET {}, updated_at = ${} WHERE tenant_id = $1 AND id = $2",
        assignments.join(", "),
        fields.len() + 3
    );
    for a in &kept {
        let values = super::address_values(crypto, tenant, a, &now)?;
        let mut q = Query::new(update.clone()).bind(tenant.0).bind(a.id);
        for v in values.into_iter().skip(3).take(fields.len()) {
            q = q.bind(v);
        }
        ex.execute(q.bind(now.clone())).await.storage()?;
    }
    let rows = created.iter().map(|a| super::address_values(crypto, tenant, a, &now)).collect::<Result<_, _>>()?;
    storegate_db::insert_rows(ex, "customer_addresses", super::ADDRESS_COLUMNS, rows).await.storage()?;
    let mut all: Vec<Address> = kept.into_iter().chain(created).collect();
    // Keep the request's order for the default flags (the last flagged address wins).
    let order: Vec<Option<i64>> = inputs.iter().map(|a| a.id.filter(|id| *id != 0)).collect();
    all.sort_by_key(|a| order.iter().position(|o| *o == Some(a.id)).unwrap_or(usize::MAX));
    Ok(all)
}

/// `PUT /V1/customers/{customerId}` (admin). Absent fields keep their values; `addresses`,
/// when given, replaces the address set.
pub async fn update(
    db: &Db,
    tenant: TenantId,
    crypto: &Crypto,
    id: i64,
    input: CustomerInput,
) -> Result<Customer, ApiError> {
    save(db, tenant, crypto, id, input, Editor::Admin).await
}

/// `PUT /V1/customers/me`: the customer's own edit. Changing the email needs the current
/// password (`current_password` beside `customer`, as Magento's account edit asks for it;
/// a wrong one counts towards the sign-in lock), and ends every session of the account:
/// all of its tokens are revoked, the one in use included, as Magento does on a password
/// change.
pub async fn update_own(
    db: &Db,
    tenant: TenantId,
    crypto: &Crypto,
    id: i64,
    input: CustomerInput,
    current_password: Option<&str>,
    lockout: &Lockout<'_>,
) -> Result<Customer, ApiError> {
    let stored: Option<String> = db
        .reader()
        .await
        .storage()?
        .fetch_optional_scalar(sql!("SELECT email FROM customers WHERE tenant_id = $1 AND id = $2", tenant.0, id))
        .await
        .storage()?;
    let changes_email = match (&input.email, &stored) {
        (Some(new), Some(old)) => new.trim().to_lowercase() != *old,
        _ => false,
    };
    if changes_email {
        let current =
            current_password.filter(|p| !p.is_empty()).ok_or_else(|| ApiError::required("current_password"))?;
        prove_password(db, tenant, id, current, lockout, ErrorCode::PasswordMismatch).await?;
    }
    save(db, tenant, crypto, id, input, Editor::SelfService).await
}

async fn save(
    db: &Db,
    tenant: TenantId,
    crypto: &Crypto,
    id: i64,
    input: CustomerInput,
    editor: Editor,
) -> Result<Customer, ApiError> {
    let mut tx = db.begin().await.storage()?;
    let stored = super::require(&mut tx, tenant, crypto, id).await?;
    let mut draft = Draft::merge(input, &stored, editor);
    fail_with(draft.check())?;
    if draft.group_id != stored.group_id {
        check_group(&mut tx, tenant, draft.group_id).await?;
    }
    let (website_id, store_id, store_moved) =
        if draft.website_id != Some(stored.website_id) || draft.store_id != Some(stored.store_id) {
            // A move to another website lands on its default store unless one is named.
            let store = if draft.website_id != Some(stored.website_id) && draft.store_id == Some(stored.store_id) {
                None
            } else {
                draft.store_id
            };
            let view = store::default_view(&mut tx, tenant).await?;
            let scope = resolve_scope(&mut tx, tenant, &view, draft.website_id, store).await?;
            (scope.website_id, scope.store_id, true)
        } else {
            (stored.website_id, stored.store_id, false)
        };
    let email_changed = draft.email != stored.email;
    if (email_changed || store_moved) && email_in_use(&mut tx, tenant, website_id, &draft.email, Some(id)).await? {
        return Err(email_taken());
    }
    let (default_billing, default_shipping) = match draft.addresses.take() {
        Some(inputs) => {
            let addresses = replace_addresses(&mut tx, tenant, crypto, &stored, &inputs).await?;
            let exists = |d: Option<i64>| d.filter(|d| addresses.iter().any(|a| a.id == *d));
            let billing = addresses.iter().rev().find(|a| a.default_billing).map(|a| a.id);
            let shipping = addresses.iter().rev().find(|a| a.default_shipping).map(|a| a.id);
            (billing.or(exists(draft.default_billing)), shipping.or(exists(draft.default_shipping)))
        }
        None => {
            let exists = |d: Option<i64>| d.filter(|d| stored.addresses.iter().any(|a| a.id == *d));
            (
                exists(draft.default_billing).or(stored.default_billing),
                exists(draft.default_shipping).or(stored.default_shipping),
            )
        }
    };
    let updated = tx
        .execute(sql!(
            "UPDATE customers SET website_id = $3, store_id = $4, group_id = $5, email = $6, firstname = $7, \
             lastname = $8, middlename = $9, prefix = $10, suffix = $11, dob = $12, gender = $13, taxvat = $14, \
             default_billing = $15, default_shipping = $16, disable_auto_group_change = $17, is_subscribed = $18, \
             updated_at = $19 WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            id,
            website_id,
            store_id,
            draft.group_id,
            draft.email,
            draft.firstname,
            draft.lastname,
            draft.middlename,
            draft.prefix,
            draft.suffix,
            crypto.encrypt_opt(draft.dob.as_deref()),
            draft.gender,
            crypto.encrypt_opt(draft.taxvat.as_deref()),
            default_billing,
            default_shipping,
            draft.disable_auto_group_change,
            draft.is_subscribed,
            clock::now_text()
        ))
        .await;
    match updated {
        Ok(_) => {}
        Err(DbError::UniqueViolation(m)) => return Err(email_taken().with_internal(m)),
        Err(e) => return Err(crate::storage(e)),
    }
    if email_changed {
        // A reset link sent to the old address must not open the account any more.
        super::reset::forget(&mut tx, tenant, id).await?;
        // The customer proved the password for this change: whoever else holds a session
        // of the account (a stolen token) loses it with the old address.
        if editor == Editor::SelfService {
            tokens::revoke_all(&mut tx, tenant, TokenKind::Customer, id).await?;
        }
    }
    let customer = super::require(&mut tx, tenant, crypto, id).await?;
    tx.commit().await.storage()?;
    Ok(customer)
}

/// `DELETE /V1/customers/{customerId}`: the account, its addresses, its pending reset and
/// its tokens.
pub async fn delete(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<(), ApiError> {
    let exists: Option<i64> = ex
        .fetch_optional_scalar(sql!("SELECT id FROM customers WHERE tenant_id = $1 AND id = $2", tenant.0, id))
        .await
        .storage()?;
    if exists.is_none() {
        return Err(not_found(id));
    }
    tokens::revoke_all(ex, tenant, TokenKind::Customer, id).await?;
    super::reset::forget(ex, tenant, id).await?;
    ex.execute(sql!("DELETE FROM customer_addresses WHERE tenant_id = $1 AND customer_id = $2", tenant.0, id))
        .await
        .storage()?;
    ex.execute(sql!("DELETE FROM customers WHERE tenant_id = $1 AND id = $2", tenant.0, id)).await.storage()?;
    Ok(())
}

/// `DELETE /V1/addresses/{addressId}`; a default address stops being the default.
pub async fn delete_address(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<(), ApiError> {
    let customer: Option<i64> = ex
        .fetch_optional_scalar(sql!(
            "SELECT customer_id FROM customer_addresses WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            id
        ))
        .await
        .storage()?;
    let Some(customer) = customer else { return Err(ApiError::no_such_entity("addressId", id)) };
    ex.execute(sql!("DELETE FROM customer_addresses WHERE tenant_id = $1 AND id = $2", tenant.0, id))
        .await
        .storage()?;
    for column in ["default_billing", "default_shipping"] {
        ex.execute(sql!(
            format!("UPDATE customers SET {column} = NULL WHERE tenant_id = $1 AND id = $2 AND {column} = $3"),
            tenant.0,
            customer,
            id
        ))
        .await
        .storage()?;
    }
    ex.execute(sql!(
        "UPDATE customers SET updated_at = $3 WHERE tenant_id = $1 AND id = $2",
        tenant.0,
        customer,
        clock::now_text()
    ))
    .await
    .storage()?;
    Ok(())
}

// Signing in and passwords ------------------------------------------------------------------

/// `POST /V1/integration/customer/token`. As for admins (`admin::sign_in`), the password is
/// verified on every path so that refusals cannot be told apart by timing, and failures
/// count against an existing account only.
pub async fn sign_in(
    db: &Db,
    tenant: TenantId,
    website_id: i64,
    username: &str,
    password: &str,
    lockout: &Lockout<'_>,
    lifetime: time::Duration,
) -> Result<String, ApiError> {
    let refused = || ApiError::new(ErrorCode::InvalidCredentials);
    let email = username.trim().to_lowercase();
    let mut reader = db.reader().await.storage()?;
    let row = reader
        .fetch_optional(sql!(
            "SELECT id, password_hash, is_active, confirmation FROM customers \
             WHERE tenant_id = $1 AND website_id = $2 AND email = $3",
            tenant.0,
            website_id,
            email.clone()
        ))
        .await
        .storage()?;
    let (account, hash) = match row {
        Some(r) => {
            let usable =
                r.get::<bool>("is_active").storage()? && r.get::<Option<String>>("confirmation").storage()?.is_none();
            (Some((r.get::<i64>("id").storage()?, usable)), r.get::<Option<String>>("password_hash").storage()?)
        }
        None => (None, None),
    };
    let attempt = account.map(|(id, _)| lockout.attempt(TokenKind::Customer, id));
    let locked = match &attempt {
        Some(a) => lockout.throttle.is_locked(&mut reader, tenant, a).await?,
        None => false,
    };
    drop(reader);
    let valid = password::verify(password.to_owned(), hash).await?;
    let (Some((id, usable)), Some(attempt)) = (account, attempt) else {
        return Err(refused().with_internal("unknown email"));
    };
    if locked {
        return Err(refused().with_internal("account locked after repeated failures"));
    }
    let mut tx = db.begin().await.storage()?;
    if valid && usable {
        lockout.throttle.reset(&mut tx, tenant, &attempt).await?;
        let token = tokens::issue(&mut tx, tenant, TokenKind::Customer, id, lifetime).await?;
        tx.commit().await.storage()?;
        Ok(token)
    } else {
        lockout.throttle.record_failure(&mut tx, tenant, &attempt).await?;
        tx.commit().await.storage()?;
        Err(refused().with_internal("wrong password, or inactive/unconfirmed account"))
    }
}

/// Checks the calling customer's current password, as sign-in does: a wrong one counts
/// towards the account's lock, and a locked account is refused after the same verification.
/// Answers the account's email.
pub(crate) async fn prove_password(
    db: &Db,
    tenant: TenantId,
    customer_id: i64,
    current: &str,
    lockout: &Lockout<'_>,
    refusal: ErrorCode,
) -> Result<String, ApiError> {
    let refused = || ApiError::new(refusal);
    let mut reader = db.reader().await.storage()?;
    let row = reader
        .fetch_optional(sql!(
            "SELECT email, password_hash FROM customers WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            customer_id
        ))
        .await
        .storage()?;
    let Some(row) = row else { return Err(refused()) };
    let email: String = row.get("email").storage()?;
    let hash: Option<String> = row.get("password_hash").storage()?;
    let attempt = lockout.attempt(TokenKind::Customer, customer_id);
    let locked = lockout.throttle.is_locked(&mut reader, tenant, &attempt).await?;
    drop(reader);
    let valid = password::verify(current.to_owned(), hash).await?;
    if locked {
        return Err(refused().with_internal("account locked after repeated failures"));
    }
    if !valid {
        let mut tx = db.begin().await.storage()?;
        lockout.throttle.record_failure(&mut tx, tenant, &attempt).await?;
        tx.commit().await.storage()?;
        return Err(refused());
    }
    Ok(email)
}

/// `PUT /V1/customers/me/password`. A wrong current password counts towards the sign-in
/// lock of the account. A new password ends every session: all of the customer's tokens
/// are revoked (Magento does the same), any pending reset link is dropped, and the lock is
/// lifted.
pub async fn change_password(
    db: &Db,
    tenant: TenantId,
    customer_id: i64,
    current: &str,
    new: &str,
    lockout: &Lockout<'_>,
) -> Result<(), ApiError> {
    let email = prove_password(db, tenant, customer_id, current, lockout, ErrorCode::PasswordMismatch).await?;
    check_password(new, &email)?;
    let hash = password::hash(new.to_owned()).await?;
    let mut tx = db.begin().await.storage()?;
    set_password(&mut tx, tenant, customer_id, hash).await?;
    tx.commit().await.storage()
}

/// Stores a new password hash and ends everything the old password opened.
pub(super) async fn set_password(
    ex: &mut impl Exec,
    tenant: TenantId,
    customer_id: i64,
    hash: String,
) -> Result<(), ApiError> {
    ex.execute(sql!(
        "UPDATE customers SET password_hash = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2",
        tenant.0,
        customer_id,
        hash,
        clock::now_text()
    ))
    .await
    .storage()?;
    super::reset::forget(ex, tenant, customer_id).await?;
    tokens::revoke_all(ex, tenant, TokenKind::Customer, customer_id).await?;
    tokens::unlock(ex, tenant, TokenKind::Customer, customer_id).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(normalize_email(" John.Doe@Example.COM ").as_deref(), Some("john.doe@example.com"));
        assert_eq!(normalize_email("a+tag@sub.example.co.uk").as_deref(), Some("a+tag@sub.example.co.uk"));
        for bad in ["", "plain", "a@b", "@example.com", "a@.com", "a b@example.com", "a..b@example.com", "a@b@c.com"] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn password_rules_follow_magento() {
        assert!(check_password("SecurePass123!", "newcustomer@example.com").is_ok());
        assert_eq!(check_password("Ab1!", "").unwrap_err().code, ErrorCode::PasswordTooShort);
        assert_eq!(check_password("alllowercase", "").unwrap_err().code, ErrorCode::PasswordCharacterClasses);
        assert!(check_password("lowercase123", "").is_err(), "two classes");
        assert!(check_password("lowercase123!", "").is_ok(), "three classes");
        assert_eq!(check_password(" Secure123 ", "").unwrap_err().code, ErrorCode::PasswordEdgeSpaces);
        assert_eq!(check_password("A@b.com1x", "a@b.com1x").unwrap_err().code, ErrorCode::PasswordSameAsEmail);
        assert_eq!(check_password(&"Aa1!".repeat(100), "").unwrap_err().code, ErrorCode::PasswordTooLong);
        let e = check_password("short", "").unwrap_err();
        assert_eq!(e.message(), "The password needs at least 8 characters. Create a new password and try again.");
    }

    #[test]
    fn dates_of_birth_normalise_to_dates() {
        assert_eq!(normalize_dob("1990-02-03").as_deref(), Some("1990-02-03"));
        assert_eq!(normalize_dob("1990-02-03 00:00:00").as_deref(), Some("1990-02-03"));
        assert_eq!(normalize_dob("1990-02-30"), None);
        assert_eq!(normalize_dob("03/02/1990"), None);
    }

    #[test]
    fn validation_collects_every_problem() {
        let messages = validate(CustomerInput {
            email: Some("nope".into()),
            addresses: Some(vec![AddressInput { country_id: Some("USA".into()), ..Default::default() }]),
            ..Default::default()
        });
        assert!(messages.contains(&"\"Email\" is not a valid email address.".to_owned()), "{messages:?}");
        assert!(messages.contains(&"\"firstname\" is required. Enter and try again.".to_owned()));
        assert!(messages.contains(&"Invalid value of \"USA\" provided for the countryId field.".to_owned()));
        assert!(
            validate(CustomerInput {
                email: Some("a@example.com".into()),
                firstname: Some("A".into()),
                lastname: Some("B".into()),
                ..Default::default()
            })
            .is_empty()
        );
    }
}

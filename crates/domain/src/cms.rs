//! CMS pages and blocks with their store view assignments (store 0: every view).

use crate::search::{self, Condition, Field, FieldKind, FieldMap, SearchCriteria};
use crate::{StorageResult, clock, ids};
use serde_json::Value as Json;
use storegate_db::{Exec, Tx, Value, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

#[derive(Debug, Clone, PartialEq)]
pub struct NewPage {
    pub identifier: String,
    pub title: String,
    pub content_heading: Option<String>,
    pub content: String,
    pub page_layout: String,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub is_active: bool,
    pub store_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewBlock {
    pub identifier: String,
    pub title: String,
    pub content: String,
    pub is_active: bool,
    pub store_ids: Vec<i64>,
}

pub async fn create_page(ex: &mut impl Exec, tenant: TenantId, page: &NewPage) -> Result<i64, ApiError> {
    let id = ids::next(ex, tenant, "cms_page").await.storage()?;
    let now = clock::now_text();
    ex.execute(sql!(
        "INSERT INTO cms_pages (tenant_id, id, identifier, title, page_layout, meta_title, meta_description, \
         content_heading, content, is_active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        tenant.0,
        id,
        page.identifier.clone(),
        page.title.clone(),
        page.page_layout.clone(),
        page.meta_title.clone(),
        page.meta_description.clone(),
        page.content_heading.clone(),
        page.content.clone(),
        page.is_active,
        now
    ))
    .await
    .storage()?;
    for store in &page.store_ids {
        ex.execute(sql!(
            "INSERT INTO cms_page_stores (tenant_id, page_id, store_id) VALUES ($1, $2, $3)",
            tenant.0,
            id,
            *store
        ))
        .await
        .storage()?;
    }
    Ok(id)
}

pub async fn create_block(ex: &mut impl Exec, tenant: TenantId, block: &NewBlock) -> Result<i64, ApiError> {
    let id = ids::next(ex, tenant, "cms_block").await.storage()?;
    let now = clock::now_text();
    ex.execute(sql!(
        "INSERT INTO cms_blocks (tenant_id, id, identifier, title, content, is_active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        tenant.0,
        id,
        block.identifier.clone(),
        block.title.clone(),
        block.content.clone(),
        block.is_active,
        now
    ))
    .await
    .storage()?;
    for store in &block.store_ids {
        ex.execute(sql!(
            "INSERT INTO cms_block_stores (tenant_id, block_id, store_id) VALUES ($1, $2, $3)",
            tenant.0,
            id,
            *store
        ))
        .await
        .storage()?;
    }
    Ok(id)
}

pub async fn counts(ex: &mut impl Exec, tenant: TenantId) -> Result<(i64, i64), ApiError> {
    let pages =
        ex.fetch_scalar(sql!("SELECT COUNT(*) FROM cms_pages WHERE tenant_id = $1", tenant.0)).await.storage()?;
    let blocks =
        ex.fetch_scalar(sql!("SELECT COUNT(*) FROM cms_blocks WHERE tenant_id = $1", tenant.0)).await.storage()?;
    Ok((pages, blocks))
}

/// Which CMS entity an operation is about; pages and blocks share their rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Page,
    Block,
}

/// Page and block content larger than this is refused: content is HTML stored as given,
/// and a megabyte is far beyond any real page.
pub const MAX_CONTENT_BYTES: usize = 1 << 20;
/// Every other text field (titles, meta fields, layout XML) is held to MySQL's TEXT.
pub const MAX_TEXT_BYTES: usize = 65_535;
/// Magento's `identifier` column is a varchar(255) (and 100 for pages' URL keys in the UI).
pub const MAX_IDENTIFIER_CHARS: usize = 255;

/// Serialises CMS saves per tenant on PostgreSQL, so two concurrent saves can never both
/// pass the identifier check; SQLite has one writer anyway.
const CMS_LOCK: i64 = 0x0063_6d73_0000_0000;

/// The text columns of pages, in Magento's field order.
pub const PAGE_TEXT: &[&str] = &[
    "title",
    "page_layout",
    "meta_title",
    "meta_keywords",
    "meta_description",
    "content_heading",
    "content",
    "sort_order",
    "layout_update_xml",
    "custom_theme",
    "custom_root_template",
    "custom_layout_update_xml",
    "custom_theme_from",
    "custom_theme_to",
];

/// The text columns of blocks.
pub const BLOCK_TEXT: &[&str] = &["title", "content"];

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Page => "cms_pages",
            Kind::Block => "cms_blocks",
        }
    }

    fn store_table(self) -> &'static str {
        match self {
            Kind::Page => "cms_page_stores",
            Kind::Block => "cms_block_stores",
        }
    }

    fn link_column(self) -> &'static str {
        match self {
            Kind::Page => "page_id",
            Kind::Block => "block_id",
        }
    }

    fn sequence(self) -> &'static str {
        match self {
            Kind::Page => "cms_page",
            Kind::Block => "cms_block",
        }
    }

    /// The text columns besides `identifier`.
    pub fn text_columns(self) -> &'static [&'static str] {
        match self {
            Kind::Page => PAGE_TEXT,
            Kind::Block => BLOCK_TEXT,
        }
    }

    /// `The CMS page with the "%1" ID doesn't exist.` and its block twin.
    pub fn not_found(self, id: impl ToString) -> ApiError {
        let code = match self {
            Kind::Page => ErrorCode::CmsPageNotFound,
            Kind::Block => ErrorCode::CmsBlockNotFound,
        };
        ApiError::positional(code, [id.to_string()])
    }

    fn duplicate(self) -> ApiError {
        ApiError::new(match self {
            Kind::Page => ErrorCode::CmsPageIdentifierTaken,
            Kind::Block => ErrorCode::CmsBlockIdentifierTaken,
        })
    }

    pub fn search_fields(self) -> &'static FieldMap {
        match self {
            Kind::Page => &PAGE_SEARCH_FIELDS,
            Kind::Block => &BLOCK_SEARCH_FIELDS,
        }
    }
}

/// A page or block as stored, with its store views (0: all of them).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub identifier: String,
    /// Every text column of the kind, in order, `None` where unset.
    pub text: Vec<(&'static str, Option<String>)>,
    pub is_active: bool,
    pub created_at: String,
    pub updated_at: String,
    pub store_ids: Vec<i64>,
}

impl Entry {
    pub fn text(&self, column: &str) -> Option<String> {
        self.text.iter().find(|(c, _)| *c == column).and_then(|(_, v)| v.clone())
    }
}

/// What a save sets; anything absent keeps its value (a new entry starts empty and active).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub identifier: Option<String>,
    /// `(column, value)`; columns must be among the kind's [`Kind::text_columns`].
    pub text: Vec<(&'static str, String)>,
    pub is_active: Option<bool>,
    pub store_ids: Option<Vec<i64>>,
}

pub async fn get(ex: &mut impl Exec, tenant: TenantId, kind: Kind, id: i64) -> Result<Option<Entry>, ApiError> {
    let columns = kind.text_columns().join(", ");
    let row = ex
        .fetch_optional(sql!(
            format!(
                "SELECT id, identifier, is_active, created_at, updated_at, {columns} FROM {} \
                 WHERE tenant_id = $1 AND id = $2",
                kind.table()
            ),
            tenant.0,
            id
        ))
        .await
        .storage()?;
    let Some(row) = row else { return Ok(None) };
    let mut text = Vec::with_capacity(kind.text_columns().len());
    for (i, column) in kind.text_columns().iter().enumerate() {
        text.push((*column, row.at::<Option<String>>(5 + i).storage()?));
    }
    let store_ids = ex
        .fetch_column(sql!(
            format!(
                "SELECT store_id FROM {} WHERE tenant_id = $1 AND {} = $2 ORDER BY store_id",
                kind.store_table(),
                kind.link_column()
            ),
            tenant.0,
            id
        ))
        .await
        .storage()?;
    Ok(Some(Entry {
        id: row.at(0).storage()?,
        identifier: row.at(1).storage()?,
        is_active: row.at(2).storage()?,
        created_at: row.at(3).storage()?,
        updated_at: row.at(4).storage()?,
        text,
        store_ids,
    }))
}

/// Like [`get`], but an unknown id is the kind's not-found error.
pub async fn require(ex: &mut impl Exec, tenant: TenantId, kind: Kind, id: i64) -> Result<Entry, ApiError> {
    get(ex, tenant, kind, id).await?.ok_or_else(|| kind.not_found(id))
}

/// Creates (`id` None) or updates a page or block. A new entry without store views gets
/// `default_store` (the store view the request runs in, as Magento's repository does).
/// Identifiers are unique per store view: another entry of the kind with the same
/// identifier in an overlapping set of store views (0 overlaps every view) is refused.
pub async fn save(
    tx: &mut Tx,
    tenant: TenantId,
    kind: Kind,
    id: Option<i64>,
    changes: &Changes,
    default_store: i64,
) -> Result<i64, ApiError> {
    tx.lock(CMS_LOCK + tenant.0).await.storage()?;
    let existing = match id {
        Some(id) => Some(require(tx, tenant, kind, id).await?),
        None => None,
    };
    let identifier = match (&changes.identifier, &existing) {
        (Some(i), _) => i.trim().to_owned(),
        (None, Some(e)) => e.identifier.clone(),
        (None, None) => return Err(ApiError::required("identifier")),
    };
    validate(kind, &identifier, changes)?;
    let mut store_ids = match (&changes.store_ids, &existing) {
        (Some(s), _) => s.clone(),
        (None, Some(e)) => e.store_ids.clone(),
        (None, None) => vec![default_store],
    };
    store_ids.sort_unstable();
    store_ids.dedup();
    if store_ids.is_empty() {
        store_ids.push(default_store);
    }
    if changes.store_ids.is_some() {
        for s in &store_ids {
            if *s < 0 || !crate::store::view_exists(tx, tenant, *s).await? {
                return Err(ApiError::invalid_value("store_id", *s));
            }
        }
    }
    if identifier_taken(tx, tenant, kind, &identifier, &store_ids, id).await? {
        return Err(kind.duplicate());
    }
    let t = tenant.0;
    let now = clock::now_text();
    let id = match id {
        Some(id) => {
            let mut sets: Vec<(&str, Value)> = vec![("identifier", identifier.into()), ("updated_at", now.into())];
            if let Some(a) = changes.is_active {
                sets.push(("is_active", a.into()));
            }
            for (column, value) in &changes.text {
                sets.push((column, value.clone().into()));
            }
            let assignments: Vec<String> =
                sets.iter().enumerate().map(|(i, (c, _))| format!("{c} = ${}", i + 3)).collect();
            let mut q = sql!(
                format!("UPDATE {} SET {} WHERE tenant_id = $1 AND id = $2", kind.table(), assignments.join(", ")),
                t,
                id
            );
            for (_, v) in sets {
                q = q.bind(v);
            }
            tx.execute(q).await.storage()?;
            id
        }
        None => {
            let id = ids::next(tx, tenant, kind.sequence()).await.storage()?;
            let mut columns = vec!["tenant_id", "id", "identifier", "is_active", "created_at", "updated_at"];
            let mut values: Vec<Value> = vec![
                t.into(),
                id.into(),
                identifier.into(),
                changes.is_active.unwrap_or(true).into(),
                now.clone().into(),
                now.into(),
            ];
            for (column, value) in &changes.text {
                columns.push(column);
                values.push(value.clone().into());
            }
            storegate_db::insert_rows(tx, kind.table(), &columns, vec![values]).await.storage()?;
            id
        }
    };
    if changes.store_ids.is_some() || existing.is_none() {
        tx.execute(sql!(
            format!("DELETE FROM {} WHERE tenant_id = $1 AND {} = $2", kind.store_table(), kind.link_column()),
            t,
            id
        ))
        .await
        .storage()?;
        let rows = store_ids.iter().map(|s| vec![t.into(), id.into(), (*s).into()]).collect();
        storegate_db::insert_rows(tx, kind.store_table(), &["tenant_id", kind.link_column(), "store_id"], rows)
            .await
            .storage()?;
    }
    Ok(id)
}

fn validate(kind: Kind, identifier: &str, changes: &Changes) -> Result<(), ApiError> {
    if identifier.is_empty() {
        return Err(ApiError::required("identifier"));
    }
    if identifier.chars().count() > MAX_IDENTIFIER_CHARS {
        return Err(ApiError::invalid_value(
            "identifier",
            format!("{}…", identifier.chars().take(20).collect::<String>()),
        ));
    }
    if kind == Kind::Page {
        if !valid_page_identifier(identifier) {
            return Err(ApiError::new(ErrorCode::CmsPageIdentifierInvalid));
        }
        if identifier.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::new(ErrorCode::CmsPageIdentifierNumeric));
        }
    }
    for (column, value) in &changes.text {
        if !kind.text_columns().contains(column) {
            return Err(ApiError::internal(format!("{column} is not a column of {}", kind.table())));
        }
        let limit = if *column == "content" { MAX_CONTENT_BYTES } else { MAX_TEXT_BYTES };
        if value.len() > limit {
            return Err(ApiError::positional(ErrorCode::CmsFieldTooLong, [Json::from(*column), Json::from(limit)]));
        }
    }
    Ok(())
}

/// Magento's rule for page URL keys: `^[a-z0-9][a-z0-9_\/-]+(\.[a-z0-9_-]+)?$`.
pub fn valid_page_identifier(identifier: &str) -> bool {
    let (stem, extension) = match identifier.rsplit_once('.') {
        Some((stem, ext)) => (stem, Some(ext)),
        None => (identifier, None),
    };
    let stem_ok = stem.len() >= 2
        && stem.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && stem.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'/' | b'-'));
    let ext_ok = extension.is_none_or(|e| {
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-'))
    });
    stem_ok && ext_ok
}

async fn identifier_taken(
    ex: &mut impl Exec,
    tenant: TenantId,
    kind: Kind,
    identifier: &str,
    store_ids: &[i64],
    except: Option<i64>,
) -> Result<bool, ApiError> {
    let mut q = sql!(
        format!(
            "SELECT e.id FROM {table} e JOIN {stores} s ON s.tenant_id = e.tenant_id AND s.{link} = e.id \
             WHERE e.tenant_id = $1 AND e.identifier = $2 AND e.id <> $3{overlap} LIMIT 1",
            table = kind.table(),
            stores = kind.store_table(),
            link = kind.link_column(),
            overlap = if store_ids.contains(&0) {
                String::new()
            } else {
                let list: Vec<String> = (0..store_ids.len()).map(|i| format!("${}", i + 4)).collect();
                format!(" AND (s.store_id = 0 OR s.store_id IN ({}))", list.join(", "))
            }
        ),
        tenant.0,
        identifier.to_owned(),
        except.unwrap_or(0)
    );
    if !store_ids.contains(&0) {
        for s in store_ids {
            q = q.bind(*s);
        }
    }
    Ok(ex.fetch_optional_scalar::<i64>(q).await.storage()?.is_some())
}

/// Deletes a page or block (its store assignments cascade); `false` when there was none.
pub async fn delete(ex: &mut impl Exec, tenant: TenantId, kind: Kind, id: i64) -> Result<bool, ApiError> {
    let deleted = ex
        .execute(sql!(format!("DELETE FROM {} WHERE tenant_id = $1 AND id = $2", kind.table()), tenant.0, id))
        .await
        .storage()?;
    Ok(deleted > 0)
}

const PAGE_SEARCH_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "id", sql: "e.id", kind: FieldKind::Int },
        Field { name: "page_id", sql: "e.id", kind: FieldKind::Int },
        Field { name: "identifier", sql: "e.identifier", kind: FieldKind::Text },
        Field { name: "title", sql: "e.title", kind: FieldKind::Text },
        Field { name: "is_active", sql: "e.is_active", kind: FieldKind::Bool },
        Field { name: "active", sql: "e.is_active", kind: FieldKind::Bool },
        Field { name: "creation_time", sql: "e.created_at", kind: FieldKind::DateTime },
        Field { name: "update_time", sql: "e.updated_at", kind: FieldKind::DateTime },
        Field { name: "page_layout", sql: "e.page_layout", kind: FieldKind::Text },
        Field { name: "meta_title", sql: "e.meta_title", kind: FieldKind::Text },
        Field { name: "meta_keywords", sql: "e.meta_keywords", kind: FieldKind::Text },
        Field { name: "meta_description", sql: "e.meta_description", kind: FieldKind::Text },
        Field { name: "content_heading", sql: "e.content_heading", kind: FieldKind::Text },
        Field { name: "content", sql: "e.content", kind: FieldKind::Text },
        Field { name: "sort_order", sql: "e.sort_order", kind: FieldKind::Text },
        Field { name: "custom_theme", sql: "e.custom_theme", kind: FieldKind::Text },
        Field { name: "custom_root_template", sql: "e.custom_root_template", kind: FieldKind::Text },
        Field { name: "custom_theme_from", sql: "e.custom_theme_from", kind: FieldKind::DateTime },
        Field { name: "custom_theme_to", sql: "e.custom_theme_to", kind: FieldKind::DateTime },
    ],
    eav: None,
    tiebreak: "e.id",
};

const BLOCK_SEARCH_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "id", sql: "e.id", kind: FieldKind::Int },
        Field { name: "block_id", sql: "e.id", kind: FieldKind::Int },
        Field { name: "identifier", sql: "e.identifier", kind: FieldKind::Text },
        Field { name: "title", sql: "e.title", kind: FieldKind::Text },
        Field { name: "is_active", sql: "e.is_active", kind: FieldKind::Bool },
        Field { name: "active", sql: "e.is_active", kind: FieldKind::Bool },
        Field { name: "creation_time", sql: "e.created_at", kind: FieldKind::DateTime },
        Field { name: "update_time", sql: "e.updated_at", kind: FieldKind::DateTime },
        Field { name: "content", sql: "e.content", kind: FieldKind::Text },
    ],
    eav: None,
    tiebreak: "e.id",
};

/// One page of a page or block search, and the total. Besides the fields of the kind, a
/// filter group made only of `store_id` filters (`eq`, `in`, or no condition) selects the
/// entries shown in those store views, which includes entries for all views (store 0),
/// as Magento's store filter does.
pub async fn search(
    ex: &mut impl Exec,
    tenant: TenantId,
    kind: Kind,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<Entry>, i64), ApiError> {
    let mut criteria = criteria.clone();
    let mut store_groups: Vec<Vec<i64>> = Vec::new();
    let mut kept = Vec::with_capacity(criteria.filter_groups.len());
    for group in criteria.filter_groups {
        let only_stores = !group.filters.is_empty() && group.filters.iter().all(|f| f.field == "store_id");
        if !only_stores {
            kept.push(group);
            continue;
        }
        let mut ids = vec![0];
        for f in &group.filters {
            if !matches!(f.condition, Condition::Eq | Condition::In) {
                return Err(ApiError::positional(
                    ErrorCode::InvalidConditionType,
                    [f.condition_type.clone().unwrap_or_default()],
                ));
            }
            for v in f.value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                ids.push(v.parse().map_err(|_| ApiError::invalid_value("store_id", v.to_owned()))?);
            }
        }
        store_groups.push(ids);
    }
    criteria.filter_groups = kept;
    let first_param = 2 + store_groups.iter().map(Vec::len).sum::<usize>();
    let compiled =
        search::compile(&criteria, kind.search_fields(), &|_| None, first_param, max_page_size, ex.backend())?;
    let mut next = 2;
    let mut store_conditions = String::new();
    for ids in &store_groups {
        let list: Vec<String> = ids
            .iter()
            .map(|_| {
                next += 1;
                format!("${}", next - 1)
            })
            .collect();
        store_conditions.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM {} s WHERE s.tenant_id = e.tenant_id AND s.{} = e.id AND s.store_id IN ({}))",
            kind.store_table(),
            kind.link_column(),
            list.join(", ")
        ));
    }
    let bind = |q: storegate_db::Query| {
        let mut q = q;
        for id in store_groups.iter().flatten() {
            q = q.bind(*id);
        }
        compiled.bind(q)
    };
    let from = format!("FROM {} e WHERE e.tenant_id = $1{store_conditions} AND ({})", kind.table(), compiled.condition);
    let total: i64 = ex.fetch_scalar(bind(sql!(format!("SELECT COUNT(*) {from}"), tenant.0))).await.storage()?;
    let ids: Vec<i64> = ex
        .fetch_column(
            bind(sql!(format!("SELECT e.id {from} {}", compiled.page_clause()), tenant.0))
                .bind(compiled.limit)
                .bind(compiled.offset),
        )
        .await
        .storage()?;
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(e) = get(ex, tenant, kind, id).await? {
            items.push(e);
        }
    }
    Ok((items, total))
}

#[cfg(test)]
mod tests {
    use super::valid_page_identifier;

    #[test]
    fn page_identifiers_follow_magentos_rule() {
        for ok in ["home", "no-route", "about-us", "help/faq", "customer_service", "page.html", "a1"] {
            assert!(valid_page_identifier(ok), "{ok}");
        }
        for bad in ["", "a", "Home", "-home", "über", "with space", "page.", "a.b.c!", "x?y"] {
            assert!(!valid_page_identifier(bad), "{bad}");
        }
    }
}

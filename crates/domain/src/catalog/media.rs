//! The product media gallery: image entries in `product_media`, and their files under the
//! media directory laid out as Magento lays them out (`catalog/product/m/b/mb01.jpg`,
//! stored as `/m/b/mb01.jpg`).
//!
//! Uploads arrive as base64 with a declared MIME type and a file name. The data must decode,
//! be an image of the declared type (checked by its magic bytes) and stay under
//! [`MAX_IMAGE_BYTES`]. The name is only a suggestion: it is refused if it holds path
//! characters, reduced to `[a-z0-9_-]`, and made unique in its directory, so no part of a
//! request becomes a path as-is. Files are removed once no entry uses them; since a
//! transaction may still roll back, removals happen after commit ([`remove_unused_files`]).

use crate::StorageResult;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::path::{Component, Path, PathBuf};
use storegate_db::{DbError, Exec, Row, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// The largest image accepted, decoded.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;

/// The image roles an entry can hold; each is held by at most one entry of a product and
/// mirrored into the product attribute of the same code.
pub const ROLES: &[&str] = &["image", "small_image", "thumbnail", "swatch_image"];

/// Where product images live, relative to the media directory.
pub const PRODUCT_MEDIA_PATH: &str = "catalog/product";

#[derive(Debug, Clone, PartialEq)]
pub struct MediaEntry {
    pub id: i64,
    pub media_type: String,
    pub file: String,
    pub label: Option<String>,
    pub position: i64,
    pub disabled: bool,
    pub types: Vec<String>,
}

/// An uploaded image: `content` of a gallery entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageContent {
    pub base64_encoded_data: String,
    /// The declared MIME type, e.g. `image/png`.
    pub mime_type: String,
    pub name: String,
}

/// An entry to create or update; absent fields keep their value (or take the default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MediaInput {
    pub id: Option<i64>,
    pub media_type: Option<String>,
    pub label: Option<String>,
    pub position: Option<i64>,
    pub disabled: Option<bool>,
    pub types: Option<Vec<String>>,
    pub content: Option<ImageContent>,
}

fn entry_from_row(r: &Row) -> Result<MediaEntry, DbError> {
    let types: String = r.at(6)?;
    Ok(MediaEntry {
        id: r.at(0)?,
        media_type: r.at(1)?,
        file: r.at(2)?,
        label: r.at(3)?,
        position: r.at(4)?,
        disabled: r.at(5)?,
        types: split_types(&types),
    })
}

pub(crate) fn split_types(types: &str) -> Vec<String> {
    types.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

const SELECT: &str = "SELECT id, media_type, file, label, position, disabled, types FROM product_media";

/// A product's entries, by position.
pub async fn list(ex: &mut impl Exec, tenant: TenantId, product_id: i64) -> Result<Vec<MediaEntry>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            format!("{SELECT} WHERE tenant_id = $1 AND product_id = $2 ORDER BY position, id"),
            tenant.0,
            product_id
        ))
        .await
        .storage()?;
    rows.iter().map(entry_from_row).collect::<Result<_, DbError>>().storage()
}

pub async fn get(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    entry_id: i64,
) -> Result<Option<MediaEntry>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            format!("{SELECT} WHERE tenant_id = $1 AND product_id = $2 AND id = $3"),
            tenant.0,
            product_id,
            entry_id
        ))
        .await
        .storage()?;
    row.as_ref().map(entry_from_row).transpose().storage()
}

fn check_entry(input: &MediaInput) -> Result<(), ApiError> {
    if let Some(t) = &input.media_type
        && t != "image"
    {
        return Err(ApiError::invalid_value("media_type", t.clone()));
    }
    for t in input.types.iter().flatten() {
        if !ROLES.contains(&t.as_str()) {
            return Err(ApiError::invalid_value("types", t.clone()));
        }
    }
    Ok(())
}

/// Creates an entry with its uploaded file; answers the entry id. The file is removed again
/// if the row cannot be written.
pub async fn create(
    ex: &mut impl Exec,
    tenant: TenantId,
    media_dir: &Path,
    product_id: i64,
    input: &MediaInput,
) -> Result<i64, ApiError> {
    check_entry(input)?;
    let content = input.content.as_ref().ok_or_else(|| ApiError::required("content"))?;
    let image = decode(content)?;
    let file = write_file(media_dir, &content.name, &image).await?;
    match insert_entry(ex, tenant, product_id, input, &file).await {
        Ok(id) => Ok(id),
        Err(e) => {
            let _ = tokio::fs::remove_file(absolute(media_dir, &file)).await;
            Err(e)
        }
    }
}

async fn insert_entry(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    input: &MediaInput,
    file: &str,
) -> Result<i64, ApiError> {
    let id = crate::ids::next(ex, tenant, "product_media").await.storage()?;
    let position = match input.position {
        Some(p) => p,
        None => super::next_position(
            ex.fetch_scalar(sql!(
                "SELECT COALESCE(MAX(position), 0) FROM product_media WHERE tenant_id = $1 AND product_id = $2",
                tenant.0,
                product_id
            ))
            .await
            .storage()?,
        ),
    };
    let types = input.types.clone().unwrap_or_default();
    ex.execute(sql!(
        "INSERT INTO product_media (tenant_id, id, product_id, media_type, file, label, position, disabled, types) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        tenant.0,
        id,
        product_id,
        input.media_type.clone().unwrap_or_else(|| "image".into()),
        file.to_owned(),
        input.label.clone(),
        position,
        input.disabled.unwrap_or(false),
        types.join(",")
    ))
    .await
    .storage()?;
    claim_roles(ex, tenant, product_id, id, &types).await?;
    Ok(id)
}

/// Updates an entry; new content replaces its file. Answers the files that may now be
/// unused (remove them after commit), or `None` when the entry does not exist.
pub async fn update(
    ex: &mut impl Exec,
    tenant: TenantId,
    media_dir: &Path,
    product_id: i64,
    entry_id: i64,
    input: &MediaInput,
) -> Result<Option<Vec<String>>, ApiError> {
    check_entry(input)?;
    let Some(current) = get(ex, tenant, product_id, entry_id).await? else {
        return Ok(None);
    };
    let mut replaced = Vec::new();
    let mut file = current.file.clone();
    if let Some(content) = &input.content {
        let image = decode(content)?;
        file = write_file(media_dir, &content.name, &image).await?;
        replaced.push(current.file.clone());
    }
    let types = input.types.clone().unwrap_or(current.types);
    let written = ex
        .execute(sql!(
            "UPDATE product_media SET file = $4, label = $5, position = $6, disabled = $7, types = $8 \
             WHERE tenant_id = $1 AND product_id = $2 AND id = $3",
            tenant.0,
            product_id,
            entry_id,
            file.clone(),
            input.label.clone().or(current.label),
            input.position.unwrap_or(current.position),
            input.disabled.unwrap_or(current.disabled),
            types.join(",")
        ))
        .await
        .storage();
    if let Err(e) = written {
        if file != current.file {
            let _ = tokio::fs::remove_file(absolute(media_dir, &file)).await;
        }
        return Err(e);
    }
    claim_roles(ex, tenant, product_id, entry_id, &types).await?;
    sync_roles(ex, tenant, product_id, &replaced).await?;
    Ok(Some(replaced))
}

/// Removes an entry; answers its file (remove it after commit if unused), or `None` when
/// the entry does not exist.
pub async fn remove(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    entry_id: i64,
) -> Result<Option<String>, ApiError> {
    let Some(entry) = get(ex, tenant, product_id, entry_id).await? else {
        return Ok(None);
    };
    ex.execute(sql!(
        "DELETE FROM product_media WHERE tenant_id = $1 AND product_id = $2 AND id = $3",
        tenant.0,
        product_id,
        entry_id
    ))
    .await
    .storage()?;
    sync_roles(ex, tenant, product_id, std::slice::from_ref(&entry.file)).await?;
    Ok(Some(entry.file))
}

/// Replaces a product's gallery with `inputs` (a product save carrying
/// `media_gallery_entries`): entries with a known id are updated, entries with content are
/// created, the others are removed. Answers the files that may now be unused.
pub async fn replace_all(
    ex: &mut impl Exec,
    tenant: TenantId,
    media_dir: &Path,
    product_id: i64,
    inputs: &[MediaInput],
) -> Result<Vec<String>, ApiError> {
    for input in inputs {
        check_entry(input)?;
    }
    let existing = list(ex, tenant, product_id).await?;
    let kept: Vec<i64> = inputs.iter().filter_map(|i| i.id).collect();
    let mut unused = Vec::new();
    for e in &existing {
        if !kept.contains(&e.id) {
            remove(ex, tenant, product_id, e.id).await?;
            unused.push(e.file.clone());
        }
    }
    for input in inputs {
        match input.id {
            Some(id) if existing.iter().any(|e| e.id == id) => {
                if let Some(files) = update(ex, tenant, media_dir, product_id, id, input).await? {
                    unused.extend(files);
                }
            }
            _ if input.content.is_some() => {
                create(ex, tenant, media_dir, product_id, input).await?;
            }
            // An entry that is neither known nor uploaded names a file we do not have.
            _ => return Err(ApiError::required("content")),
        }
    }
    sync_roles(ex, tenant, product_id, &unused).await?;
    Ok(unused)
}

/// Takes `roles` away from the product's other entries: a role has one holder.
async fn claim_roles(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    entry_id: i64,
    roles: &[String],
) -> Result<(), ApiError> {
    if roles.is_empty() {
        return sync_roles(ex, tenant, product_id, &[]).await;
    }
    for other in list(ex, tenant, product_id).await? {
        if other.id == entry_id || !other.types.iter().any(|t| roles.contains(t)) {
            continue;
        }
        let left: Vec<String> = other.types.into_iter().filter(|t| !roles.contains(t)).collect();
        ex.execute(sql!(
            "UPDATE product_media SET types = $4 WHERE tenant_id = $1 AND product_id = $2 AND id = $3",
            tenant.0,
            product_id,
            other.id,
            left.join(",")
        ))
        .await
        .storage()?;
    }
    sync_roles(ex, tenant, product_id, &[]).await
}

/// Mirrors the roles into the product's `image`, `small_image`, `thumbnail` and
/// `swatch_image` values (default scope). A role nobody holds is cleared only where it
/// pointed at a gallery file (a current entry's or one of `removed_files`), so values
/// imported without gallery rows survive.
async fn sync_roles(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    removed_files: &[String],
) -> Result<(), ApiError> {
    let entries = list(ex, tenant, product_id).await?;
    for role in ROLES {
        match entries.iter().find(|e| e.types.iter().any(|t| t == role)) {
            Some(holder) => {
                ex.execute(sql!(
                    "INSERT INTO product_attribute_values (tenant_id, product_id, attribute_code, store_id, value) \
                     VALUES ($1, $2, $3, 0, $4) ON CONFLICT (tenant_id, product_id, attribute_code, store_id) \
                     DO UPDATE SET value = excluded.value",
                    tenant.0,
                    product_id,
                    *role,
                    holder.file.clone()
                ))
                .await
                .storage()?;
            }
            None => {
                let gallery_files = entries.iter().map(|e| &e.file).chain(removed_files);
                for file in gallery_files {
                    ex.execute(sql!(
                        "DELETE FROM product_attribute_values WHERE tenant_id = $1 AND product_id = $2 \
                         AND attribute_code = $3 AND value = $4",
                        tenant.0,
                        product_id,
                        *role,
                        file.clone()
                    ))
                    .await
                    .storage()?;
                }
            }
        }
    }
    Ok(())
}

/// The files of a product's entries (before deleting the product).
pub async fn files_of(ex: &mut impl Exec, tenant: TenantId, product_id: i64) -> Result<Vec<String>, ApiError> {
    ex.fetch_column(sql!(
        "SELECT file FROM product_media WHERE tenant_id = $1 AND product_id = $2",
        tenant.0,
        product_id
    ))
    .await
    .storage()
}

/// Deletes those of `files` that no entry uses any more. Run after the transaction that
/// stopped using them has committed; a file that cannot be removed is only logged.
pub async fn remove_unused_files(
    ex: &mut impl Exec,
    tenant: TenantId,
    media_dir: &Path,
    files: &[String],
) -> Result<(), ApiError> {
    for file in files {
        let used: Option<i64> = ex
            .fetch_optional_scalar(sql!(
                "SELECT id FROM product_media WHERE tenant_id = $1 AND file = $2 LIMIT 1",
                tenant.0,
                file.clone()
            ))
            .await
            .storage()?;
        if used.is_some() {
            continue;
        }
        let Some(path) = resolve(media_dir, file) else { continue };
        if let Err(e) = tokio::fs::remove_file(&path).await
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(file = %path.display(), error = %e, "cannot remove an unused media file");
        }
    }
    Ok(())
}

/// A decoded, checked upload.
#[derive(Debug)]
pub struct Image {
    pub bytes: Vec<u8>,
    pub extension: &'static str,
}

/// The image formats accepted: declared MIME type, detected format, file extension.
fn format_of_mime(mime: &str) -> Option<&'static str> {
    match mime.trim().to_ascii_lowercase().as_str() {
        "image/jpeg" | "image/jpg" | "image/pjpeg" => Some("jpg"),
        "image/png" => Some("png"),
        "image/gif" => Some("gif"),
        "image/webp" => Some("webp"),
        _ => None,
    }
}

/// The format the bytes actually are, by their magic numbers.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

/// Checks an upload as Magento's image content validator does, plus a size limit.
pub fn decode(content: &ImageContent) -> Result<Image, ApiError> {
    if content
        .name
        .chars()
        .any(|c| matches!(c, '/' | '\\' | '?' | '*' | ':' | '"' | ';' | '<' | '>' | '(' | ')' | '|' | '{' | '}' | '\0'))
        || content.name.contains("..")
    {
        return Err(ApiError::new(ErrorCode::ImageNameForbidden));
    }
    let declared = format_of_mime(&content.mime_type).ok_or_else(|| ApiError::new(ErrorCode::ImageMimeInvalid))?;
    let data: String = content.base64_encoded_data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if data.len() / 4 * 3 > MAX_IMAGE_BYTES + 3 {
        return Err(ApiError::positional(ErrorCode::ImageTooLarge, [MAX_IMAGE_BYTES]));
    }
    let bytes = STANDARD.decode(data.as_bytes()).map_err(|_| ApiError::new(ErrorCode::ImageContentInvalid))?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ApiError::positional(ErrorCode::ImageTooLarge, [MAX_IMAGE_BYTES]));
    }
    match sniff(&bytes) {
        None => Err(ApiError::new(ErrorCode::ImageContentInvalid)),
        Some(actual) if actual != declared => Err(ApiError::new(ErrorCode::ImageMimeInvalid)),
        Some(extension) => Ok(Image { bytes, extension }),
    }
}

/// `My Photo (1).PNG` → `my_photo_1`: lower case ASCII letters, digits, `-` and `_`.
pub fn sanitize_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = match base.rfind('.') {
        Some(i) if i > 0 => &base[..i],
        _ => base,
    };
    let mut out = String::with_capacity(stem.len());
    for c in stem.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed: String = out.trim_matches(|c| c == '_' || c == '-').chars().take(90).collect();
    if trimmed.is_empty() { "image".to_owned() } else { trimmed }
}

/// Magento's dispersion path: the first two characters of the name, `/m/y`.
fn dispersion(name: &str) -> String {
    let mut chars = name.chars();
    let first = chars.next().unwrap_or('_');
    let second = chars.next().unwrap_or('_');
    format!("/{first}/{second}")
}

fn product_root(media_dir: &Path) -> PathBuf {
    media_dir.join(PRODUCT_MEDIA_PATH)
}

fn absolute(media_dir: &Path, file: &str) -> PathBuf {
    product_root(media_dir).join(file.trim_start_matches('/'))
}

/// Writes an image under a unique name; answers the stored file (`/m/y/my_photo.png`).
pub async fn write_file(media_dir: &Path, name: &str, image: &Image) -> Result<String, ApiError> {
    let stem = sanitize_name(name);
    let dir_part = dispersion(&stem);
    let dir = product_root(media_dir).join(dir_part.trim_start_matches('/'));
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| ApiError::internal(format!("cannot create {}: {e}", dir.display())))?;
    for n in 0..1000 {
        let file_name =
            if n == 0 { format!("{stem}.{}", image.extension) } else { format!("{stem}_{n}.{}", image.extension) };
        let path = dir.join(&file_name);
        match tokio::fs::OpenOptions::new().write(true).create_new(true).open(&path).await {
            Ok(mut f) => {
                use tokio::io::AsyncWriteExt;
                let written = async {
                    f.write_all(&image.bytes).await?;
                    f.flush().await
                }
                .await;
                if let Err(e) = written {
                    let _ = tokio::fs::remove_file(&path).await;
                    return Err(ApiError::internal(format!("cannot write {}: {e}", path.display())));
                }
                return Ok(format!("{dir_part}/{file_name}"));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(ApiError::internal(format!("cannot create {}: {e}", path.display()))),
        }
    }
    Err(ApiError::internal(format!("no free file name for {stem} in {}", dir.display())))
}

/// The path of a stored file below the product media directory, or `None` when `file` is
/// not a plain relative path (`..`, absolute, backslashes, control characters).
pub fn resolve(media_dir: &Path, file: &str) -> Option<PathBuf> {
    let rel = file.trim_start_matches('/');
    if rel.is_empty() || rel.contains('\\') || rel.chars().any(char::is_control) {
        return None;
    }
    let rel_path = Path::new(rel);
    if !rel_path.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    if rel.split('/').any(|s| s.is_empty() || s.starts_with('.')) {
        return None;
    }
    Some(product_root(media_dir).join(rel_path))
}

/// The content type a served file is answered with: what its bytes are, whatever its name
/// says (a file named `.jpg` holding HTML must not be served as something a browser renders).
pub fn content_type(bytes: &[u8]) -> &'static str {
    match sniff(bytes) {
        Some("jpg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => "application/octet-stream",
    }
}

/// Reads a served file (`file` relative to `catalog/product`): its bytes and content type,
/// or `None` when it is absent, not a regular file, or outside the media directory.
pub async fn read(media_dir: &Path, file: &str) -> Result<Option<(Vec<u8>, &'static str)>, ApiError> {
    let Some(path) = resolve(media_dir, file) else { return Ok(None) };
    // Symbolic links must not lead out of the media directory.
    let (Ok(real), Ok(root)) =
        (tokio::fs::canonicalize(&path).await, tokio::fs::canonicalize(product_root(media_dir)).await)
    else {
        return Ok(None);
    };
    if !real.starts_with(&root) {
        return Ok(None);
    }
    match tokio::fs::metadata(&real).await {
        Ok(m) if m.is_file() => {}
        _ => return Ok(None),
    }
    match tokio::fs::read(&real).await {
        Ok(bytes) => {
            let content_type = content_type(&bytes);
            Ok(Some((bytes, content_type)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ApiError::internal(format!("cannot read {}: {e}", real.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_reduced_to_safe_characters() {
        assert_eq!(sanitize_name("My Photo (1).PNG"), "my_photo_1");
        assert_eq!(sanitize_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_name("ünïcode.jpg"), "n_code");
        assert_eq!(sanitize_name(".png"), "png");
        assert_eq!(sanitize_name(""), "image");
        assert_eq!(dispersion("mb01"), "/m/b");
        assert_eq!(dispersion("a"), "/a/_");
    }

    #[test]
    fn only_plain_relative_paths_resolve() {
        let root = Path::new("/srv/media");
        assert_eq!(resolve(root, "/m/b/mb01.jpg"), Some(PathBuf::from("/srv/media/catalog/product/m/b/mb01.jpg")));
        for bad in ["../x", "/m/../../x", "m/b/..", "", "/", "m//x", "m\\x", "m/.hidden", "m/b/\u{0}x"] {
            assert_eq!(resolve(root, bad), None, "{bad}");
        }
    }

    #[test]
    fn uploads_are_checked() {
        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        let content = |data: &str, mime: &str, name: &str| ImageContent {
            base64_encoded_data: data.into(),
            mime_type: mime.into(),
            name: name.into(),
        };
        assert_eq!(decode(&content(png, "image/png", "a.png")).unwrap().extension, "png");
        let code = |c: ImageContent| decode(&c).unwrap_err().code;
        assert_eq!(code(content(png, "image/jpeg", "a.jpg")), ErrorCode::ImageMimeInvalid);
        assert_eq!(code(content(png, "text/plain", "a.txt")), ErrorCode::ImageMimeInvalid);
        assert_eq!(code(content("not base64!", "image/png", "a.png")), ErrorCode::ImageContentInvalid);
        assert_eq!(code(content("aGVsbG8=", "image/png", "a.png")), ErrorCode::ImageContentInvalid);
        assert_eq!(code(content(png, "image/png", "../a.png")), ErrorCode::ImageNameForbidden);
    }
}

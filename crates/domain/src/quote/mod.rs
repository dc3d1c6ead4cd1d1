//! Carts (Magento's quotes): customer carts found by customer, guest carts by a masked id,
//! admin access by quote id; items priced from the catalog (tier prices by quantity and
//! customer group), configurable items resolved to their child, quantities checked against
//! the stock item's sale limits and the stock's salable quantity.
//!
//! Quote ids and item ids are numbered per tenant. A cart answers Magento's 404 once it has
//! been converted to an order (it is no longer active).

pub mod address;
pub mod config;
pub mod payment;
pub mod shipping;
pub mod totals;

pub use address::Address;

use crate::catalog::products::{self, Product, STATUS_ENABLED};
use crate::catalog::tier_prices::ALL_GROUPS;
use crate::crypto::Crypto;
use crate::store::StoreView;
use crate::{StorageResult, clock, ids, inventory};
use rust_decimal::Decimal;
use storegate_db::{Exec, Row, Value, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// Magento's NOT LOGGED IN customer group, which guests price with.
pub const GUEST_GROUP: i64 = 0;

/// How a request names its cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartRef {
    /// The customer's active cart (`/V1/carts/mine`).
    Customer(i64),
    /// A guest cart's masked id (`/V1/guest-carts/{cartId}`).
    Masked(String),
    /// A quote id (admin `/V1/carts/{cartId}`).
    Id(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub id: i64,
    pub store_id: i64,
    pub masked_id: Option<String>,
    pub customer_id: Option<i64>,
    pub customer_group_id: i64,
    pub customer_email: Option<String>,
    pub customer_firstname: Option<String>,
    pub customer_lastname: Option<String>,
    pub customer_note: Option<String>,
    pub is_active: bool,
    pub coupon_code: Option<String>,
    pub shipping_carrier_code: Option<String>,
    pub shipping_method_code: Option<String>,
    pub payment_method: Option<String>,
    pub payment_po_number: Option<String>,
    pub reserved_order_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub converted_at: Option<String>,
    pub items: Vec<Item>,
    pub billing: Option<Address>,
    pub shipping: Option<Address>,
}

impl Quote {
    pub fn is_guest(&self) -> bool {
        self.customer_id.is_none()
    }

    pub fn items_qty(&self) -> Decimal {
        self.items.iter().map(|i| i.qty).sum()
    }

    /// A cart with only virtual items needs no shipping.
    pub fn is_virtual(&self) -> bool {
        !self.items.is_empty()
            && self.items.iter().all(|i| matches!(i.product_type.as_str(), "virtual" | "downloadable"))
    }

    /// `flatrate_flatrate` style, when a method is chosen.
    pub fn shipping_method(&self) -> Option<String> {
        match (&self.shipping_carrier_code, &self.shipping_method_code) {
            (Some(c), Some(m)) => Some(format!("{c}_{m}")),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub quote_id: i64,
    /// The product priced and stocked (a configurable's chosen child).
    pub product_id: i64,
    /// The configurable the child was chosen through.
    pub parent_product_id: Option<i64>,
    pub sku: String,
    pub name: String,
    pub product_type: String,
    pub qty: Decimal,
    pub price: Decimal,
    pub tax_class_id: i64,
    pub weight: Option<Decimal>,
    /// Selected configurable options: (attribute id, option value).
    pub options: Vec<(i64, String)>,
}

impl Item {
    pub fn row_total(&self) -> Decimal {
        self.price * self.qty
    }
}

/// What an add-to-cart or update asks for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemInput {
    pub sku: Option<String>,
    pub qty: Decimal,
    /// `product_option.extension_attributes.configurable_item_options`.
    pub options: Vec<(i64, String)>,
}

pub fn not_found_cart(cart: &CartRef) -> ApiError {
    match cart {
        CartRef::Customer(id) => ApiError::no_such_entity("customerId", *id),
        CartRef::Masked(m) => ApiError::no_such_entity("cartId", m.clone()),
        CartRef::Id(id) => ApiError::no_such_entity("cartId", *id),
    }
}

fn masked_id() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..32).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// The store view a quote belongs to.
pub async fn view_of(ex: &mut impl Exec, tenant: TenantId, store_id: i64) -> Result<StoreView, ApiError> {
    let views = crate::store::views(ex, tenant).await?;
    match views.iter().find(|v| v.id == store_id) {
        Some(v) => Ok(v.clone()),
        None => crate::store::default_view(ex, tenant).await,
    }
}

/// The store view carts are created in: the request's, or the default one for the admin view.
async fn cart_view(ex: &mut impl Exec, tenant: TenantId, view: &StoreView) -> Result<StoreView, ApiError> {
    if view.id == 0 { crate::store::default_view(ex, tenant).await } else { Ok(view.clone()) }
}

async fn insert_quote(
    ex: &mut impl Exec,
    tenant: TenantId,
    store_id: i64,
    masked: Option<String>,
    customer: Option<&CustomerRow>,
) -> Result<i64, ApiError> {
    let id = ids::next_detached(ex, tenant, "quotes").await.storage()?;
    let now = clock::now_text();
    ex.execute(sql!(
        "INSERT INTO quotes (tenant_id, id, store_id, masked_id, customer_id, customer_group_id, customer_email, \
         customer_firstname, customer_lastname, is_active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        tenant.0,
        id,
        store_id,
        masked,
        customer.map(|c| c.id),
        customer.map(|c| c.group_id).unwrap_or(GUEST_GROUP),
        customer.map(|c| c.email.clone()),
        customer.map(|c| c.firstname.clone()),
        customer.map(|c| c.lastname.clone()),
        true,
        now
    ))
    .await
    .storage()?;
    Ok(id)
}

/// `POST /V1/guest-carts`: a new guest cart; answers its masked id.
pub async fn create_guest(ex: &mut impl Exec, tenant: TenantId, view: &StoreView) -> Result<String, ApiError> {
    let view = cart_view(ex, tenant, view).await?;
    let masked = masked_id();
    insert_quote(ex, tenant, view.id, Some(masked.clone()), None).await?;
    Ok(masked)
}

/// `POST /V1/carts/`: an empty cart without customer (admin).
pub async fn create_empty(ex: &mut impl Exec, tenant: TenantId, view: &StoreView) -> Result<i64, ApiError> {
    let view = cart_view(ex, tenant, view).await?;
    insert_quote(ex, tenant, view.id, None, None).await
}

struct CustomerRow {
    id: i64,
    group_id: i64,
    email: String,
    firstname: String,
    lastname: String,
}

async fn customer_row(ex: &mut impl Exec, tenant: TenantId, customer_id: i64) -> Result<CustomerRow, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT id, group_id, email, firstname, lastname FROM customers WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            customer_id
        ))
        .await
        .storage()?
        .ok_or_else(|| ApiError::no_such_entity("customerId", customer_id))?;
    Ok(CustomerRow {
        id: row.get("id").storage()?,
        group_id: row.get("group_id").storage()?,
        email: row.get("email").storage()?,
        firstname: row.get("firstname").storage()?,
        lastname: row.get("lastname").storage()?,
    })
}

async fn active_of_customer(ex: &mut impl Exec, tenant: TenantId, customer_id: i64) -> Result<Option<i64>, ApiError> {
    ex.fetch_optional_scalar(sql!(
        "SELECT id FROM quotes WHERE tenant_id = $1 AND customer_id = $2 AND is_active = $3 ORDER BY id DESC LIMIT 1",
        tenant.0,
        customer_id,
        true
    ))
    .await
    .storage()
}

/// `POST /V1/carts/mine` and `POST /V1/customers/{customerId}/carts`: the customer's active
/// cart, created when there is none.
pub async fn create_for_customer(
    ex: &mut impl Exec,
    tenant: TenantId,
    view: &StoreView,
    customer_id: i64,
) -> Result<i64, ApiError> {
    let customer = customer_row(ex, tenant, customer_id).await?;
    if let Some(id) = active_of_customer(ex, tenant, customer_id).await? {
        return Ok(id);
    }
    let view = cart_view(ex, tenant, view).await?;
    insert_quote(ex, tenant, view.id, None, Some(&customer)).await
}

/// The active quote id a reference names, or Magento's 404.
pub async fn resolve(ex: &mut impl Exec, tenant: TenantId, cart: &CartRef) -> Result<i64, ApiError> {
    let found: Option<i64> = match cart {
        CartRef::Customer(customer_id) => active_of_customer(ex, tenant, *customer_id).await?,
        CartRef::Masked(masked) => ex
            .fetch_optional_scalar(sql!(
                "SELECT id FROM quotes WHERE tenant_id = $1 AND masked_id = $2 AND is_active = $3",
                tenant.0,
                masked.clone(),
                true
            ))
            .await
            .storage()?,
        CartRef::Id(id) => ex
            .fetch_optional_scalar(sql!(
                "SELECT id FROM quotes WHERE tenant_id = $1 AND id = $2 AND is_active = $3",
                tenant.0,
                *id,
                true
            ))
            .await
            .storage()?,
    };
    found.ok_or_else(|| not_found_cart(cart))
}

const QUOTE_SELECT: &str = "SELECT id, store_id, masked_id, customer_id, customer_group_id, customer_email, \
     customer_firstname, customer_lastname, customer_note, is_active, coupon_code, shipping_carrier_code, \
     shipping_method_code, payment_method, payment_po_number, reserved_order_id, created_at, updated_at, converted_at \
     FROM quotes";

fn quote_from_row(r: &Row) -> Result<Quote, storegate_db::DbError> {
    Ok(Quote {
        id: r.get("id")?,
        store_id: r.get("store_id")?,
        masked_id: r.get("masked_id")?,
        customer_id: r.get("customer_id")?,
        customer_group_id: r.get("customer_group_id")?,
        customer_email: r.get("customer_email")?,
        customer_firstname: r.get("customer_firstname")?,
        customer_lastname: r.get("customer_lastname")?,
        customer_note: r.get("customer_note")?,
        is_active: r.get("is_active")?,
        coupon_code: r.get("coupon_code")?,
        shipping_carrier_code: r.get("shipping_carrier_code")?,
        shipping_method_code: r.get("shipping_method_code")?,
        payment_method: r.get("payment_method")?,
        payment_po_number: r.get("payment_po_number")?,
        reserved_order_id: r.get("reserved_order_id")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        converted_at: r.get("converted_at")?,
        items: Vec::new(),
        billing: None,
        shipping: None,
    })
}

fn item_from_row(r: &Row) -> Result<Item, ApiError> {
    let options: Option<String> = r.get("options").storage()?;
    let options: Vec<(i64, String)> = match options {
        Some(text) => serde_json::from_str(&text).map_err(|e| ApiError::internal(format!("stored options: {e}")))?,
        None => Vec::new(),
    };
    Ok(Item {
        id: r.get("id").storage()?,
        quote_id: r.get("quote_id").storage()?,
        product_id: r.get("product_id").storage()?,
        parent_product_id: r.get("parent_product_id").storage()?,
        sku: r.get("sku").storage()?,
        name: r.get("name").storage()?,
        product_type: r.get("product_type").storage()?,
        qty: r.get("qty").storage()?,
        price: r.get("price").storage()?,
        tax_class_id: r.get("tax_class_id").storage()?,
        weight: r.get("weight").storage()?,
        options,
    })
}

/// A quote with its items and addresses (active or not).
pub async fn load(ex: &mut impl Exec, tenant: TenantId, crypto: &Crypto, id: i64) -> Result<Quote, ApiError> {
    let row = ex
        .fetch_optional(sql!(format!("{QUOTE_SELECT} WHERE tenant_id = $1 AND id = $2"), tenant.0, id))
        .await
        .storage()?
        .ok_or_else(|| ApiError::no_such_entity("cartId", id))?;
    let mut quote = quote_from_row(&row).storage()?;
    let rows = ex
        .fetch_all(sql!(
            "SELECT id, quote_id, product_id, parent_product_id, sku, name, product_type, qty, price, tax_class_id, \
             weight, options FROM quote_items WHERE tenant_id = $1 AND quote_id = $2 ORDER BY id",
            tenant.0,
            id
        ))
        .await
        .storage()?;
    quote.items = rows.iter().map(item_from_row).collect::<Result<_, _>>()?;
    let rows = ex
        .fetch_all(sql!(
            format!(
                "SELECT id, CAST(NULL AS BIGINT) AS customer_id, same_as_billing, save_in_address_book, {} \
                 FROM quote_addresses WHERE tenant_id = $1 AND quote_id = $2",
                address::COLUMNS.join(", ")
            ),
            tenant.0,
            id
        ))
        .await
        .storage()?;
    for r in &rows {
        let mut a = Address::from_row(r, crypto)?;
        a.customer_id = quote.customer_id;
        a.same_as_billing = r.get("same_as_billing").storage()?;
        a.save_in_address_book = r.get("save_in_address_book").storage()?;
        if a.address_type == "billing" {
            quote.billing = Some(a);
        } else {
            quote.shipping = Some(a);
        }
    }
    Ok(quote)
}

/// The active cart a reference names, loaded.
pub async fn get(ex: &mut impl Exec, tenant: TenantId, crypto: &Crypto, cart: &CartRef) -> Result<Quote, ApiError> {
    let id = resolve(ex, tenant, cart).await?;
    load(ex, tenant, crypto, id).await
}

async fn touch(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<(), ApiError> {
    ex.execute(sql!(
        "UPDATE quotes SET updated_at = $3 WHERE tenant_id = $1 AND id = $2",
        tenant.0,
        id,
        clock::now_text()
    ))
    .await
    .storage()
    .map(|_| ())
}

// Items -----------------------------------------------------------------------------------

fn not_available() -> ApiError {
    ApiError::new(ErrorCode::ProductNotAvailable)
}

fn attr<'a>(p: &'a Product, code: &str) -> Option<&'a str> {
    p.attributes.iter().find(|(c, _)| c == code).map(|(_, v)| v.as_str())
}

/// Magento's default product tax class is Taxable Goods (2).
fn tax_class(p: &Product) -> i64 {
    attr(p, "tax_class_id").and_then(|v| v.parse().ok()).unwrap_or(2)
}

/// The unit price for `qty` in `group`: the catalog price, lowered by the best tier price
/// whose quantity is reached (the group's own or the all-groups one, this website's or
/// every website's).
pub fn unit_price(p: &Product, qty: Decimal, group: i64, website_id: i64) -> Decimal {
    let base = p.price.unwrap_or_default();
    let mut best = base;
    for t in &p.tier_prices {
        if (t.customer_group_id != group && t.customer_group_id != ALL_GROUPS)
            || (t.website_id != 0 && t.website_id != website_id)
            || t.qty > qty
        {
            continue;
        }
        let value = match t.percentage_value {
            Some(pct) => (base * (Decimal::ONE_HUNDRED - pct) / Decimal::ONE_HUNDRED).round_dp(2),
            None => t.value,
        };
        if value < best {
            best = value;
        }
    }
    best
}

/// The product an item prices and stocks, with the configurable it came through.
struct Resolved {
    parent: Option<Product>,
    product: Product,
    options: Vec<(i64, String)>,
}

async fn resolve_product(
    ex: &mut impl Exec,
    tenant: TenantId,
    view: &StoreView,
    sku: &str,
    options: &[(i64, String)],
) -> Result<Resolved, ApiError> {
    let product = products::get_by_sku(ex, tenant, sku, view.id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::ProductNotFound))?;
    if product.type_id != "configurable" {
        return Ok(Resolved { parent: None, product, options: Vec::new() });
    }
    if options.is_empty() {
        return Err(ApiError::new(ErrorCode::ChooseProductOptions));
    }
    let wanted: Vec<(String, String)> = options
        .iter()
        .map(|(attribute_id, value)| {
            product
                .configurable_options
                .iter()
                .find(|o| o.attribute_id == *attribute_id)
                .map(|o| (o.attribute_code.clone(), value.clone()))
                .ok_or_else(|| ApiError::new(ErrorCode::ChooseProductOptions))
        })
        .collect::<Result<_, _>>()?;
    if wanted.len() < product.configurable_options.len() {
        return Err(ApiError::new(ErrorCode::ChooseProductOptions));
    }
    let children = products::get_many(ex, tenant, &product.children, view.id).await?;
    let child = children
        .into_iter()
        .find(|c| wanted.iter().all(|(code, value)| attr(c, code) == Some(value.as_str())))
        .ok_or_else(|| ApiError::new(ErrorCode::ChooseProductOptions))?;
    let mut options = options.to_vec();
    options.sort();
    Ok(Resolved { parent: Some(product), product: child, options })
}

/// Checks that `qty` of a product may be sold in `view`: enabled, in the view's website,
/// within the stock item's sale limits, in stock and salable on the website's stock.
async fn check_salable(
    ex: &mut impl Exec,
    tenant: TenantId,
    view: &StoreView,
    r: &Resolved,
    qty: Decimal,
) -> Result<(), ApiError> {
    let shown = r.parent.as_ref().unwrap_or(&r.product);
    for p in [Some(&r.product), r.parent.as_ref()].into_iter().flatten() {
        if p.status != STATUS_ENABLED {
            return Err(not_available());
        }
    }
    if !shown.website_ids.contains(&view.website_id) {
        return Err(not_available());
    }
    if qty <= Decimal::ZERO {
        return Err(ApiError::invalid_value("qty", qty.to_string()));
    }
    let stock = r.product.stock.clone().unwrap_or_default();
    if !stock.is_in_stock && stock.manage_stock {
        return Err(not_available());
    }
    if qty < stock.min_sale_qty {
        return Err(ApiError::positional(ErrorCode::MinSaleQtyNotMet, [stock.min_sale_qty.normalize().to_string()]));
    }
    if qty > stock.max_sale_qty {
        return Err(ApiError::new(ErrorCode::MaxSaleQtyExceeded));
    }
    if !crate::catalog::stock::counts_qty(&r.product.type_id) {
        return Ok(());
    }
    let stock_id = inventory::stock_for_website(ex, tenant, view.website_id).await?;
    let errors = inventory::salability_errors(ex, tenant, stock_id, &r.product.sku, qty).await?;
    match errors.first() {
        None => Ok(()),
        Some(e) if e.code.starts_with("is_any_source_item_in_stock") => Err(not_available()),
        Some(_) => Err(ApiError::new(ErrorCode::RequestedQtyNotAvailable)),
    }
}

async fn write_item(
    ex: &mut impl Exec,
    tenant: TenantId,
    quote: &Quote,
    view: &StoreView,
    existing: Option<&Item>,
    r: &Resolved,
    qty: Decimal,
) -> Result<i64, ApiError> {
    let shown = r.parent.as_ref().unwrap_or(&r.product);
    let price = unit_price(&r.product, qty, quote.customer_group_id, view.website_id);
    let options = if r.options.is_empty() {
        None
    } else {
        Some(serde_json::to_string(&r.options).map_err(|e| ApiError::internal(e.to_string()))?)
    };
    let now = clock::now_text();
    let id = match existing {
        Some(item) => {
            ex.execute(sql!(
                "UPDATE quote_items SET qty = $3, price = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2",
                tenant.0,
                item.id,
                qty,
                price,
                now
            ))
            .await
            .storage()?;
            item.id
        }
        None => {
            let id = ids::next_detached(ex, tenant, "quote_items").await.storage()?;
            ex.execute(sql!(
                "INSERT INTO quote_items (tenant_id, id, quote_id, product_id, parent_product_id, sku, name, product_type, \
                 qty, price, tax_class_id, weight, options, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
                tenant.0,
                id,
                quote.id,
                r.product.id,
                r.parent.as_ref().map(|p| p.id),
                r.product.sku.clone(),
                shown.name.clone(),
                shown.type_id.clone(),
                qty,
                price,
                tax_class(&r.product),
                r.product.weight,
                options,
                now
            ))
            .await
            .storage()?;
            id
        }
    };
    touch(ex, tenant, quote.id).await?;
    Ok(id)
}

/// Adds a product to the cart (merging with an item of the same product and options) and
/// answers the item as saved.
pub async fn add_item(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    cart: &CartRef,
    input: &ItemInput,
) -> Result<Item, ApiError> {
    let quote = get(ex, tenant, crypto, cart).await?;
    let sku = input.sku.as_deref().filter(|s| !s.trim().is_empty()).ok_or_else(|| ApiError::required("sku"))?;
    let view = view_of(ex, tenant, quote.store_id).await?;
    let r = resolve_product(ex, tenant, &view, sku, &input.options).await?;
    let existing = quote.items.iter().find(|i| i.product_id == r.product.id && i.options == r.options);
    let qty = input.qty + existing.map(|i| i.qty).unwrap_or_default();
    check_salable(ex, tenant, &view, &r, qty).await?;
    let id = write_item(ex, tenant, &quote, &view, existing, &r, qty).await?;
    item(ex, tenant, quote.id, id).await
}

fn item_missing(quote_id: i64, item_id: i64) -> ApiError {
    ApiError::positional(ErrorCode::CartItemNotFound, [quote_id, item_id])
}

async fn item(ex: &mut impl Exec, tenant: TenantId, quote_id: i64, id: i64) -> Result<Item, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT id, quote_id, product_id, parent_product_id, sku, name, product_type, qty, price, tax_class_id, \
             weight, options FROM quote_items WHERE tenant_id = $1 AND quote_id = $2 AND id = $3",
            tenant.0,
            quote_id,
            id
        ))
        .await
        .storage()?
        .ok_or_else(|| item_missing(quote_id, id))?;
    item_from_row(&row)
}

/// Changes an item's quantity (`PUT …/items/{itemId}`).
pub async fn update_item(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    cart: &CartRef,
    item_id: i64,
    input: &ItemInput,
) -> Result<Item, ApiError> {
    let quote = get(ex, tenant, crypto, cart).await?;
    let existing = quote.items.iter().find(|i| i.id == item_id).ok_or_else(|| item_missing(quote.id, item_id))?;
    let view = view_of(ex, tenant, quote.store_id).await?;
    let product = products::get_by_id(ex, tenant, existing.product_id, view.id).await?.ok_or_else(not_available)?;
    let parent = match existing.parent_product_id {
        Some(id) => Some(products::get_by_id(ex, tenant, id, view.id).await?.ok_or_else(not_available)?),
        None => None,
    };
    let r = Resolved { parent, product, options: existing.options.clone() };
    check_salable(ex, tenant, &view, &r, input.qty).await?;
    write_item(ex, tenant, &quote, &view, Some(existing), &r, input.qty).await?;
    item(ex, tenant, quote.id, item_id).await
}

/// Removes an item (`DELETE …/items/{itemId}`).
pub async fn remove_item(ex: &mut impl Exec, tenant: TenantId, cart: &CartRef, item_id: i64) -> Result<(), ApiError> {
    let quote_id = resolve(ex, tenant, cart).await?;
    let n = ex
        .execute(sql!(
            "DELETE FROM quote_items WHERE tenant_id = $1 AND quote_id = $2 AND id = $3",
            tenant.0,
            quote_id,
            item_id
        ))
        .await
        .storage()?;
    if n == 0 {
        return Err(item_missing(quote_id, item_id));
    }
    touch(ex, tenant, quote_id).await
}

// Addresses, methods, coupon ---------------------------------------------------------------

/// Replaces the cart's billing or shipping address.
pub async fn set_address(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    quote_id: i64,
    address: &Address,
) -> Result<(), ApiError> {
    ex.execute(sql!(
        "DELETE FROM quote_addresses WHERE tenant_id = $1 AND quote_id = $2 AND address_type = $3",
        tenant.0,
        quote_id,
        address.address_type.clone()
    ))
    .await
    .storage()?;
    let id = ids::next_detached(ex, tenant, "quote_addresses").await.storage()?;
    let mut values: Vec<Value> = vec![tenant.0.into(), id.into(), quote_id.into()];
    values.extend(address.values(crypto)?);
    values.push(address.same_as_billing.into());
    values.push(address.save_in_address_book.into());
    let mut columns = vec!["tenant_id", "id", "quote_id"];
    columns.extend_from_slice(address::COLUMNS);
    columns.push("same_as_billing");
    columns.push("save_in_address_book");
    storegate_db::insert_rows(ex, "quote_addresses", &columns, vec![values]).await.storage()?;
    touch(ex, tenant, quote_id).await
}

pub async fn set_shipping_method(
    ex: &mut impl Exec,
    tenant: TenantId,
    quote_id: i64,
    carrier: Option<&str>,
    method: Option<&str>,
) -> Result<(), ApiError> {
    ex.execute(sql!(
        "UPDATE quotes SET shipping_carrier_code = $3, shipping_method_code = $4, updated_at = $5 \
         WHERE tenant_id = $1 AND id = $2",
        tenant.0,
        quote_id,
        carrier.map(str::to_owned),
        method.map(str::to_owned),
        clock::now_text()
    ))
    .await
    .storage()
    .map(|_| ())
}

pub async fn set_payment(
    ex: &mut impl Exec,
    tenant: TenantId,
    quote_id: i64,
    method: &str,
    po_number: Option<&str>,
) -> Result<(), ApiError> {
    ex.execute(sql!(
        "UPDATE quotes SET payment_method = $3, payment_po_number = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2",
        tenant.0,
        quote_id,
        method.to_owned(),
        po_number.map(str::to_owned),
        clock::now_text()
    ))
    .await
    .storage()
    .map(|_| ())
}

/// Sets the guest e-mail (guest payment-information).
pub async fn set_email(ex: &mut impl Exec, tenant: TenantId, quote_id: i64, email: &str) -> Result<(), ApiError> {
    ex.execute(sql!(
        "UPDATE quotes SET customer_email = $3 WHERE tenant_id = $1 AND id = $2",
        tenant.0,
        quote_id,
        email.trim().to_lowercase()
    ))
    .await
    .storage()
    .map(|_| ())
}

pub async fn set_coupon(
    ex: &mut impl Exec,
    tenant: TenantId,
    quote_id: i64,
    code: Option<&str>,
) -> Result<(), ApiError> {
    ex.execute(sql!(
        "UPDATE quotes SET coupon_code = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2",
        tenant.0,
        quote_id,
        code.map(str::to_owned),
        clock::now_text()
    ))
    .await
    .storage()
    .map(|_| ())
}

/// Marks the cart converted to order `increment_id`.
pub async fn deactivate(
    ex: &mut impl Exec,
    tenant: TenantId,
    quote_id: i64,
    increment_id: &str,
) -> Result<(), ApiError> {
    let now = clock::now_text();
    ex.execute(sql!(
        "UPDATE quotes SET is_active = $3, reserved_order_id = $4, converted_at = $5, updated_at = $5 \
         WHERE tenant_id = $1 AND id = $2",
        tenant.0,
        quote_id,
        false,
        increment_id.to_owned(),
        now
    ))
    .await
    .storage()
    .map(|_| ())
}

/// Assigns a guest cart to a customer (`PUT /V1/guest-carts/{cartId}` after signing in, or an
/// admin's `PUT /V1/carts/{cartId}`). As Magento 2.4 does, the customer's active cart, if any,
/// is merged into it and deactivated. The cart loses its masked id, so guest routes no longer
/// reach it.
pub async fn assign_customer(
    ex: &mut impl Exec,
    tenant: TenantId,
    cart: &CartRef,
    customer_id: i64,
) -> Result<(), ApiError> {
    let quote_id = resolve(ex, tenant, cart).await?;
    let owner: Option<i64> = ex
        .fetch_optional_scalar(sql!(
            "SELECT customer_id FROM quotes WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            quote_id
        ))
        .await
        .storage()?
        .flatten();
    if owner.is_some_and(|o| o != customer_id) {
        return Err(ApiError::new(ErrorCode::CartOfAnotherCustomer));
    }
    let customer = customer_row(ex, tenant, customer_id).await?;
    if let Some(previous) = active_of_customer(ex, tenant, customer_id).await?.filter(|p| *p != quote_id) {
        ex.execute(sql!(
            "UPDATE quote_items SET quote_id = $3 WHERE tenant_id = $1 AND quote_id = $2",
            tenant.0,
            previous,
            quote_id
        ))
        .await
        .storage()?;
        ex.execute(sql!(
            "UPDATE quotes SET is_active = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            previous,
            false,
            clock::now_text()
        ))
        .await
        .storage()?;
    }
    ex.execute(sql!(
        "UPDATE quotes SET customer_id = $3, customer_group_id = $4, customer_email = $5, customer_firstname = $6, \
         customer_lastname = $7, masked_id = NULL, updated_at = $8 WHERE tenant_id = $1 AND id = $2",
        tenant.0,
        quote_id,
        customer.id,
        customer.group_id,
        customer.email,
        customer.firstname,
        customer.lastname,
        clock::now_text()
    ))
    .await
    .storage()?;
    Ok(())
}

//! Carts and checkout (contract §1.7): the same operations on three surfaces.
//!
//! - `/V1/carts/mine…` (`self`): the cart is the calling customer's active cart; the
//!   customer id is forced from the token, so a body or path can never name another cart.
//! - `/V1/guest-carts/{cartId}…` (anonymous): `cartId` is the 32-character masked id of a
//!   guest cart; customer carts have none, so they cannot be reached this way.
//! - `/V1/carts/{cartId}…` (`Magento_Cart::manage`): any cart by its numeric id.
//!
//! Each handler below serves all three; the `cart_op!` declarations bind it to a route.

use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Forced, Limit, Method, OpSpec, Surface};
use crate::wire::cart::{
    CartItemIn, CartItemOut, CartOut, PaymentDetailsOut, PaymentMethodIn, PaymentMethodOut, QuoteAddressIn,
    QuoteAddressOut, SelectedPaymentOut, ShippingInformationIn, ShippingMethodOut, TotalsOut,
};
use crate::wire::customer::{opt_int, opt_text};
use schemars::JsonSchema;
use serde::Deserialize;
use storegate_db::Exec;
use storegate_domain::StorageResult;
use storegate_domain::quote::totals::{self, CartTotals};
use storegate_domain::quote::{self, Address, CartRef, Quote, payment};
use storegate_domain::sales::{self, PlaceInput};
use storegate_domain::store::StoreView;
use storegate_domain::{customer, pricing};
use storegate_types::acl::AclResource;
use storegate_types::{ApiError, ErrorCode};

const SELF: &[Forced] = &[Forced::CustomerId("customer_id")];

/// Which surface an operation serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Mine,
    Guest,
    Admin,
}

impl Scope {
    pub const fn acl(self) -> Acl {
        match self {
            Scope::Mine => Acl::SelfCustomer,
            Scope::Guest => Acl::Anonymous,
            Scope::Admin => Acl::Resources(&[AclResource::CartManage]),
        }
    }

    /// Applying a coupon is limited per address and per cart: codes are short, and one
    /// client could otherwise try a list of them in seconds (issue 12). The cart is the
    /// forced customer id (mine), the masked id (guest) or the cart id (admin).
    pub const fn limits(self, id: &str) -> &'static [Limit] {
        if !const_ends_with(id.as_bytes(), b".coupons.set") {
            return &[];
        }
        match self {
            Scope::Mine => crate::spec::COUPON_LIMITS_BY_CUSTOMER,
            Scope::Guest | Scope::Admin => crate::spec::COUPON_LIMITS_BY_CART,
        }
    }

    pub const fn forced(self) -> &'static [Forced] {
        match self {
            Scope::Mine => SELF,
            _ => &[],
        }
    }
}

/// `text.ends_with(suffix)`, usable in a declaration.
const fn const_ends_with(text: &[u8], suffix: &[u8]) -> bool {
    if suffix.len() > text.len() {
        return false;
    }
    let start = text.len() - suffix.len();
    let mut i = 0;
    while i < suffix.len() {
        if text[start + i] != suffix[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// How the request names its cart: the forced customer id (mine), the masked id (guest) or
/// the quote id (admin; `{quoteId}` on the add-item route).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct CartIn {
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub customer_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub cart_id: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub quote_id: Option<String>,
}

impl CartIn {
    fn cart(&self, scope: Scope) -> Result<CartRef, ApiError> {
        match scope {
            Scope::Mine => self.customer_id.map(CartRef::Customer).ok_or_else(|| ApiError::required("customerId")),
            Scope::Guest => self
                .cart_id
                .clone()
                .filter(|c| !c.trim().is_empty())
                .map(CartRef::Masked)
                .ok_or_else(|| ApiError::required("cartId")),
            Scope::Admin => {
                let raw = self
                    .cart_id
                    .clone()
                    .or_else(|| self.quote_id.clone())
                    .ok_or_else(|| ApiError::required("cartId"))?;
                raw.trim().parse().map(CartRef::Id).map_err(|_| ApiError::no_such_entity("cartId", raw.clone()))
            }
        }
    }
}

/// The quote id as the cart item's `quote_id` shows it: the masked id for guests.
fn quote_id_text(scope: Scope, cart: &CartRef, q: &Quote) -> String {
    match (scope, cart) {
        (Scope::Guest, CartRef::Masked(m)) => m.clone(),
        _ => q.id.to_string(),
    }
}

async fn currency(ex: &mut impl Exec, cx: &Ctx, view: &StoreView) -> Result<String, ApiError> {
    Ok(storegate_domain::store::config_value(ex, cx.tenant, view, "currency/options/base")
        .await?
        .unwrap_or_else(|| "USD".into()))
}

/// The cart with its store view, totals and currency.
async fn collected(
    ex: &mut impl Exec,
    cx: &Ctx,
    cart: &CartRef,
) -> Result<(Quote, StoreView, CartTotals, String), ApiError> {
    let q = quote::get(ex, cx.tenant, &cx.settings.crypto, cart).await?;
    let view = quote::view_of(ex, cx.tenant, q.store_id).await?;
    let t = totals::collect(ex, cx.tenant, &view, &q).await?;
    let c = currency(ex, cx, &view).await?;
    Ok((q, view, t, c))
}

async fn payment_details(ex: &mut impl Exec, cx: &Ctx, cart: &CartRef) -> Result<PaymentDetailsOut, ApiError> {
    let (q, view, t, c) = collected(ex, cx, cart).await?;
    let methods = payment::available(ex, cx.tenant, &view, t.totals.grand_total).await?;
    Ok(PaymentDetailsOut {
        payment_methods: methods.into_iter().map(Into::into).collect(),
        totals: TotalsOut::new(&q, &t, &c),
    })
}

/// A customer's address-book entry as a cart address (only the customer's own).
async fn book_address(
    ex: &mut impl Exec,
    cx: &Ctx,
    customer_id: Option<i64>,
    address_id: i64,
    address_type: &str,
) -> Result<Address, ApiError> {
    let a = customer::address(ex, cx.tenant, &cx.settings.crypto, address_id).await?;
    if Some(a.customer_id) != customer_id {
        return Err(ApiError::no_such_entity("addressId", address_id));
    }
    Ok(Address::from_customer(&a, address_type, None))
}

/// A cart address from input: an address-book reference is expanded for customers.
async fn address_from(
    ex: &mut impl Exec,
    cx: &Ctx,
    q: &Quote,
    input: QuoteAddressIn,
    address_type: &str,
) -> Result<Address, ApiError> {
    let mut a = input.into_address(address_type);
    if let (Some(book_id), true) = (a.customer_address_id, a.firstname.is_none()) {
        let mut from_book = book_address(ex, cx, q.customer_id, book_id, address_type).await?;
        from_book.email = a.email.clone();
        from_book.same_as_billing = a.same_as_billing;
        a = from_book;
    }
    if a.email.is_none() {
        a.email = q.customer_email.clone();
    }
    Ok(a)
}

fn check_address(a: &Address) -> Result<(), ApiError> {
    match a.missing_field() {
        Some(field) => Err(ApiError::required(field)),
        None => Ok(()),
    }
}

// Inputs ------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CartOnly {
    #[serde(flatten)]
    pub cart: CartIn,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ItemSave {
    #[serde(flatten)]
    pub cart: CartIn,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub item_id: Option<String>,
    pub cart_item: CartItemIn,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ItemById {
    #[serde(flatten)]
    pub cart: CartIn,
    #[serde(deserialize_with = "crate::wire::lenient_int::deserialize")]
    #[schemars(with = "String")]
    #[schemars(length(max = crate::limits::NUMBER_TEXT))]
    pub item_id: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct EstimateIn {
    #[serde(flatten)]
    pub cart: CartIn,
    pub address: QuoteAddressIn,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct EstimateByIdIn {
    #[serde(flatten)]
    pub cart: CartIn,
    #[serde(deserialize_with = "crate::wire::lenient_int::deserialize")]
    #[schemars(with = "i64")]
    pub address_id: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ShippingInfoIn {
    #[serde(flatten)]
    pub cart: CartIn,
    pub address_information: ShippingInformationIn,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct BillingIn {
    #[serde(flatten)]
    pub cart: CartIn,
    pub address: QuoteAddressIn,
    #[serde(default)]
    pub use_for_shipping: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SelectPaymentIn {
    #[serde(flatten)]
    pub cart: CartIn,
    pub method: PaymentMethodIn,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct PaymentInfoIn {
    #[serde(flatten)]
    pub cart: CartIn,
    pub payment_method: PaymentMethodIn,
    #[serde(default)]
    pub billing_address: Option<QuoteAddressIn>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct PlaceIn {
    #[serde(flatten)]
    pub cart: CartIn,
    #[serde(default)]
    pub payment_method: Option<PaymentMethodIn>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CouponIn {
    #[serde(flatten)]
    pub cart: CartIn,
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub coupon_code: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CustomerCartIn {
    #[serde(deserialize_with = "crate::wire::lenient_int::deserialize")]
    #[schemars(with = "String")]
    #[schemars(length(max = crate::limits::NUMBER_TEXT))]
    pub customer_id: i64,
}

// Handlers ----------------------------------------------------------------------------------

async fn get_cart(cx: &Ctx, scope: Scope, input: CartOnly) -> Result<CartOut, ApiError> {
    let cart = input.cart.cart(scope)?;
    let mut r = cx.db.reader().await.storage()?;
    let q = quote::get(&mut r, cx.tenant, &cx.settings.crypto, &cart).await?;
    let view = quote::view_of(&mut r, cx.tenant, q.store_id).await?;
    let c = currency(&mut r, cx, &view).await?;
    Ok(CartOut::new(&q, &c, &quote_id_text(scope, &cart, &q)))
}

async fn list_items(cx: &Ctx, scope: Scope, input: CartOnly) -> Result<Vec<CartItemOut>, ApiError> {
    let cart = input.cart.cart(scope)?;
    let mut r = cx.db.reader().await.storage()?;
    let q = quote::get(&mut r, cx.tenant, &cx.settings.crypto, &cart).await?;
    let id = quote_id_text(scope, &cart, &q);
    Ok(q.items.iter().map(|i| CartItemOut::new(i, &id)).collect())
}

async fn save_item(cx: &Ctx, scope: Scope, input: ItemSave) -> Result<CartItemOut, ApiError> {
    let cart = input.cart.cart(scope)?;
    let item_id = match input.item_id.as_deref() {
        Some(raw) => Some(raw.trim().parse::<i64>().map_err(|_| ApiError::invalid_value("itemId", raw.to_owned()))?),
        None => None,
    };
    let data = input.cart_item.into_input();
    let mut tx = cx.db.begin().await.storage()?;
    let item = match item_id {
        Some(id) => quote::update_item(&mut tx, cx.tenant, &cx.settings.crypto, &cart, id, &data).await?,
        None => quote::add_item(&mut tx, cx.tenant, &cx.settings.crypto, &cart, &data).await?,
    };
    let q = quote::load(&mut tx, cx.tenant, &cx.settings.crypto, item.quote_id).await?;
    tx.commit().await.storage()?;
    Ok(CartItemOut::new(&item, &quote_id_text(scope, &cart, &q)))
}

async fn delete_item(cx: &Ctx, scope: Scope, input: ItemById) -> Result<bool, ApiError> {
    let cart = input.cart.cart(scope)?;
    let mut tx = cx.db.begin().await.storage()?;
    quote::remove_item(&mut tx, cx.tenant, &cart, input.item_id).await?;
    tx.commit().await.storage()?;
    Ok(true)
}

async fn get_totals(cx: &Ctx, scope: Scope, input: CartOnly) -> Result<TotalsOut, ApiError> {
    let cart = input.cart.cart(scope)?;
    let mut r = cx.db.reader().await.storage()?;
    let (q, _, t, c) = collected(&mut r, cx, &cart).await?;
    Ok(TotalsOut::new(&q, &t, &c))
}

async fn estimate(cx: &Ctx, scope: Scope, input: EstimateIn) -> Result<Vec<ShippingMethodOut>, ApiError> {
    let cart = input.cart.cart(scope)?;
    let mut r = cx.db.reader().await.storage()?;
    let q = quote::get(&mut r, cx.tenant, &cx.settings.crypto, &cart).await?;
    let view = quote::view_of(&mut r, cx.tenant, q.store_id).await?;
    let dest = input.address.into_address("shipping");
    let rates = totals::estimate(&mut r, cx.tenant, &view, &q, &dest).await?;
    Ok(rates.into_iter().map(Into::into).collect())
}

async fn estimate_by_id(cx: &Ctx, scope: Scope, input: EstimateByIdIn) -> Result<Vec<ShippingMethodOut>, ApiError> {
    let cart = input.cart.cart(scope)?;
    let mut r = cx.db.reader().await.storage()?;
    let q = quote::get(&mut r, cx.tenant, &cx.settings.crypto, &cart).await?;
    let view = quote::view_of(&mut r, cx.tenant, q.store_id).await?;
    let dest = book_address(&mut r, cx, q.customer_id, input.address_id, "shipping").await?;
    let rates = totals::estimate(&mut r, cx.tenant, &view, &q, &dest).await?;
    Ok(rates.into_iter().map(Into::into).collect())
}

async fn shipping_methods(cx: &Ctx, scope: Scope, input: CartOnly) -> Result<Vec<ShippingMethodOut>, ApiError> {
    let cart = input.cart.cart(scope)?;
    let mut r = cx.db.reader().await.storage()?;
    let q = quote::get(&mut r, cx.tenant, &cx.settings.crypto, &cart).await?;
    let Some(dest) = q.shipping.clone() else { return Err(ApiError::new(ErrorCode::ShippingAddressMissing)) };
    let view = quote::view_of(&mut r, cx.tenant, q.store_id).await?;
    let rates = totals::estimate(&mut r, cx.tenant, &view, &q, &dest).await?;
    Ok(rates.into_iter().map(Into::into).collect())
}

async fn shipping_information(cx: &Ctx, scope: Scope, input: ShippingInfoIn) -> Result<PaymentDetailsOut, ApiError> {
    let cart = input.cart.cart(scope)?;
    let info = input.address_information;
    let crypto = &cx.settings.crypto;
    let mut tx = cx.db.begin().await.storage()?;
    let q = quote::get(&mut tx, cx.tenant, crypto, &cart).await?;
    if q.items.is_empty() {
        return Err(ApiError::new(ErrorCode::CartEmptyForShipping));
    }
    let carrier = info.shipping_carrier_code.clone().ok_or_else(|| ApiError::required("shipping_carrier_code"))?;
    let method = info.shipping_method_code.clone().ok_or_else(|| ApiError::required("shipping_method_code"))?;
    let shipping = address_from(&mut tx, cx, &q, info.shipping_address, "shipping").await?;
    if shipping.country_id.is_none() {
        return Err(ApiError::new(ErrorCode::ShippingAddressMissing));
    }
    check_address(&shipping)?;
    let billing = match info.billing_address {
        Some(b) => Some(address_from(&mut tx, cx, &q, b, "billing").await?),
        None if shipping.same_as_billing == 1 => Some(Address { address_type: "billing".into(), ..shipping.clone() }),
        None => None,
    };
    if let Some(b) = &billing {
        check_address(b)?;
    }
    let view = quote::view_of(&mut tx, cx.tenant, q.store_id).await?;
    let rates = totals::estimate(&mut tx, cx.tenant, &view, &q, &shipping).await?;
    if !rates.iter().any(|r| r.carrier_code == carrier && r.method_code == method) {
        return Err(ApiError::positional(ErrorCode::CarrierMethodNotFound, [carrier, method]));
    }
    quote::set_address(&mut tx, cx.tenant, crypto, q.id, &shipping).await?;
    if let Some(b) = &billing {
        quote::set_address(&mut tx, cx.tenant, crypto, q.id, b).await?;
    }
    quote::set_shipping_method(&mut tx, cx.tenant, q.id, Some(&carrier), Some(&method)).await?;
    let details = payment_details(&mut tx, cx, &CartRef::Id(q.id)).await?;
    tx.commit().await.storage()?;
    Ok(details)
}

async fn get_billing(cx: &Ctx, scope: Scope, input: CartOnly) -> Result<Option<QuoteAddressOut>, ApiError> {
    let cart = input.cart.cart(scope)?;
    let mut r = cx.db.reader().await.storage()?;
    let q = quote::get(&mut r, cx.tenant, &cx.settings.crypto, &cart).await?;
    Ok(q.billing.as_ref().map(QuoteAddressOut::from))
}

async fn set_billing(cx: &Ctx, scope: Scope, input: BillingIn) -> Result<i64, ApiError> {
    let cart = input.cart.cart(scope)?;
    let crypto = &cx.settings.crypto;
    let mut tx = cx.db.begin().await.storage()?;
    let q = quote::get(&mut tx, cx.tenant, crypto, &cart).await?;
    let billing = address_from(&mut tx, cx, &q, input.address, "billing").await?;
    check_address(&billing)?;
    quote::set_address(&mut tx, cx.tenant, crypto, q.id, &billing).await?;
    if input.use_for_shipping == Some(true) {
        let shipping = Address { address_type: "shipping".into(), same_as_billing: 1, ..billing };
        quote::set_address(&mut tx, cx.tenant, crypto, q.id, &shipping).await?;
    }
    let q = quote::load(&mut tx, cx.tenant, crypto, q.id).await?;
    tx.commit().await.storage()?;
    Ok(q.billing.map(|b| b.id).unwrap_or_default())
}

async fn payment_methods(cx: &Ctx, scope: Scope, input: CartOnly) -> Result<Vec<PaymentMethodOut>, ApiError> {
    let cart = input.cart.cart(scope)?;
    let mut r = cx.db.reader().await.storage()?;
    let (_, view, t, _) = collected(&mut r, cx, &cart).await?;
    let methods = payment::available(&mut r, cx.tenant, &view, t.totals.grand_total).await?;
    Ok(methods.into_iter().map(Into::into).collect())
}

async fn get_selected_payment(cx: &Ctx, scope: Scope, input: CartOnly) -> Result<SelectedPaymentOut, ApiError> {
    let cart = input.cart.cart(scope)?;
    let mut r = cx.db.reader().await.storage()?;
    let q = quote::get(&mut r, cx.tenant, &cx.settings.crypto, &cart).await?;
    Ok(SelectedPaymentOut { po_number: q.payment_po_number, method: q.payment_method })
}

fn payment_of(p: &PaymentMethodIn) -> Result<(String, Option<String>), ApiError> {
    let method = p
        .method
        .clone()
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| ApiError::new(ErrorCode::PaymentMethodMissing))?;
    Ok((method, p.po_number.clone()))
}

async fn set_selected_payment(cx: &Ctx, scope: Scope, input: SelectPaymentIn) -> Result<i64, ApiError> {
    let cart = input.cart.cart(scope)?;
    let place = PlaceInput { payment: Some(payment_of(&input.method)?), ..PlaceInput::default() };
    let mut tx = cx.db.begin().await.storage()?;
    let id = sales::place::save_payment(&mut tx, cx.tenant, &cx.settings.crypto, &cart, &place).await?;
    tx.commit().await.storage()?;
    Ok(id)
}

async fn get_payment_information(cx: &Ctx, scope: Scope, input: CartOnly) -> Result<PaymentDetailsOut, ApiError> {
    let cart = input.cart.cart(scope)?;
    let mut r = cx.db.reader().await.storage()?;
    payment_details(&mut r, cx, &cart).await
}

async fn place_with(cx: &Ctx, cart: &CartRef, place: PlaceInput) -> Result<i64, ApiError> {
    let mut tx = cx.db.begin().await.storage()?;
    let id = sales::place(&mut tx, cx.tenant, &cx.settings.crypto, cart, &place).await?;
    tx.commit().await.storage()?;
    Ok(id)
}

async fn payment_information(cx: &Ctx, scope: Scope, input: PaymentInfoIn) -> Result<i64, ApiError> {
    let cart = input.cart.cart(scope)?;
    let email = match scope {
        Scope::Guest => {
            Some(input.email.clone().filter(|e| !e.trim().is_empty()).ok_or_else(|| ApiError::required("email"))?)
        }
        _ => None,
    };
    let billing = input.billing_address.map(|b| {
        let mut a = b.into_address("billing");
        if a.email.is_none() {
            a.email = email.clone();
        }
        a
    });
    if let Some(b) = &billing {
        check_address(b)?;
    }
    let place = PlaceInput { payment: Some(payment_of(&input.payment_method)?), billing, email };
    place_with(cx, &cart, place).await
}

async fn place_order(cx: &Ctx, scope: Scope, input: PlaceIn) -> Result<i64, ApiError> {
    let cart = input.cart.cart(scope)?;
    let payment = match &input.payment_method {
        Some(p) if p.method.is_some() => Some(payment_of(p)?),
        _ => None,
    };
    place_with(cx, &cart, PlaceInput { payment, ..PlaceInput::default() }).await
}

async fn get_coupon(cx: &Ctx, scope: Scope, input: CartOnly) -> Result<Option<String>, ApiError> {
    let cart = input.cart.cart(scope)?;
    let mut r = cx.db.reader().await.storage()?;
    let q = quote::get(&mut r, cx.tenant, &cx.settings.crypto, &cart).await?;
    Ok(q.coupon_code)
}

fn cart_label(cart: &CartRef, q: &Quote) -> serde_json::Value {
    match cart {
        CartRef::Masked(m) => m.clone().into(),
        _ => q.id.into(),
    }
}

async fn set_coupon(cx: &Ctx, scope: Scope, input: CouponIn) -> Result<bool, ApiError> {
    let cart = input.cart.cart(scope)?;
    let code = input.coupon_code.trim().to_owned();
    let mut tx = cx.db.begin().await.storage()?;
    let q = quote::get(&mut tx, cx.tenant, &cx.settings.crypto, &cart).await?;
    if q.items.is_empty() {
        return Err(ApiError::positional(ErrorCode::CartEmptyForCoupon, [cart_label(&cart, &q)]));
    }
    let view = quote::view_of(&mut tx, cx.tenant, q.store_id).await?;
    let context = totals::context(&q, &view, totals::destination_address(&q), rust_decimal::Decimal::ZERO);
    pricing::check_coupon(&mut tx, cx.tenant, &context, &totals::lines(&q), &code).await?;
    quote::set_coupon(&mut tx, cx.tenant, q.id, Some(&code)).await?;
    tx.commit().await.storage()?;
    Ok(true)
}

async fn delete_coupon(cx: &Ctx, scope: Scope, input: CartOnly) -> Result<bool, ApiError> {
    let cart = input.cart.cart(scope)?;
    let mut tx = cx.db.begin().await.storage()?;
    let q = quote::get(&mut tx, cx.tenant, &cx.settings.crypto, &cart).await?;
    if q.items.is_empty() {
        return Err(ApiError::positional(ErrorCode::CartEmptyForCoupon, [cart_label(&cart, &q)]));
    }
    quote::set_coupon(&mut tx, cx.tenant, q.id, None).await?;
    tx.commit().await.storage()?;
    Ok(true)
}

// Declarations ------------------------------------------------------------------------------

macro_rules! cart_op {
    ($name:ident, $scope:ident, $id:expr, $method:ident, $path:expr, $effect:ident, $input:ty => $output:ty, $handler:ident, $summary:literal, $audit:literal) => {
        pub struct $name;

        impl Operation for $name {
            const SPEC: OpSpec = OpSpec {
                id: $id,
                surface: Surface::Magento,
                method: Method::$method,
                path: $path,
                acl: Scope::$scope.acl(),
                group: CapabilityGroup::Carts,
                limits: Scope::$scope.limits($id),
                cache: crate::spec::Cache::Never,
                effect: Effect::$effect,
                forced: Scope::$scope.forced(),
                summary: $summary,
                audit: $audit,
                target: None,
            };
            type Input = $input;
            type Output = $output;

            async fn call(cx: &Ctx, input: $input) -> Result<$output, ApiError> {
                $handler(cx, Scope::$scope, input).await
            }
        }
    };
}

/// Declares one operation per surface: `/V1/carts/mine…`, `/V1/guest-carts/{cartId}…`
/// and `/V1/carts/{cartId}…`.
macro_rules! three {
    ($mine:ident, $guest:ident, $admin:ident, $key:literal, $method:ident, $suffix:literal, $effect:ident, $input:ty => $output:ty, $handler:ident, $summary:literal, $audit:literal) => {
        cart_op!($mine, Mine, concat!("carts.mine.", $key), $method, concat!("/V1/carts/mine", $suffix), $effect, $input => $output, $handler, $summary, $audit);
        cart_op!($guest, Guest, concat!("carts.guest.", $key), $method, concat!("/V1/guest-carts/{cartId}", $suffix), $effect, $input => $output, $handler, $summary, $audit);
        cart_op!($admin, Admin, concat!("carts.admin.", $key), $method, concat!("/V1/carts/{cartId}", $suffix), $effect, $input => $output, $handler, $summary, $audit);
    };
}

three!(GetMine, GetGuest, GetAdmin, "get", Get, "", Read, CartOnly => CartOut, get_cart,
    "Get the cart.", "{principal} read a cart in {store}");
three!(ItemsMine, ItemsGuest, ItemsAdmin, "items.list", Get, "/items", Read, CartOnly => Vec<CartItemOut>, list_items,
    "List the cart's items.", "{principal} listed a cart's items in {store}");
cart_op!(AddItemMine, Mine, "carts.mine.items.add", Post, "/V1/carts/mine/items", Write, ItemSave => CartItemOut, save_item,
    "Add a product to the cart (configurable products by parent SKU with options, or by child SKU).",
    "{principal} added {cart_item.sku} to their cart in {store}");
cart_op!(AddItemGuest, Guest, "carts.guest.items.add", Post, "/V1/guest-carts/{cartId}/items", Write, ItemSave => CartItemOut, save_item,
    "Add a product to a guest cart.", "{principal} added {cart_item.sku} to a guest cart in {store}");
cart_op!(AddItemAdmin, Admin, "carts.admin.items.add", Post, "/V1/carts/{quoteId}/items", Write, ItemSave => CartItemOut, save_item,
    "Add a product to a cart.", "{principal} added {cart_item.sku} to cart {quote_id} in {store}");
three!(UpdateItemMine, UpdateItemGuest, UpdateItemAdmin, "items.update", Put, "/items/{itemId}", Write, ItemSave => CartItemOut, save_item,
    "Change a cart item's quantity.", "{principal} set the quantity of cart item {item_id} in {store}");
three!(DeleteItemMine, DeleteItemGuest, DeleteItemAdmin, "items.delete", Delete, "/items/{itemId}", Destructive, ItemById => bool, delete_item,
    "Remove an item from the cart.", "{principal} removed cart item {item_id} in {store}");
three!(TotalsMine, TotalsGuest, TotalsAdmin, "totals", Get, "/totals", Read, CartOnly => TotalsOut, get_totals,
    "Get the cart's totals.", "{principal} read a cart's totals in {store}");
three!(EstimateMine, EstimateGuest, EstimateAdmin, "estimate", Post, "/estimate-shipping-methods", Read, EstimateIn => Vec<ShippingMethodOut>, estimate,
    "Estimate shipping methods for an address.", "{principal} estimated shipping in {store}");
cart_op!(EstimateByIdMine, Mine, "carts.mine.estimate_by_address_id", Post, "/V1/carts/mine/estimate-shipping-methods-by-address-id", Read, EstimateByIdIn => Vec<ShippingMethodOut>, estimate_by_id,
    "Estimate shipping methods for one of the customer's addresses.", "{principal} estimated shipping to their address {address_id} in {store}");
three!(ShippingMethodsMine, ShippingMethodsGuest, ShippingMethodsAdmin, "shipping_methods", Get, "/shipping-methods", Read, CartOnly => Vec<ShippingMethodOut>, shipping_methods,
    "List the shipping methods for the cart's shipping address.", "{principal} listed shipping methods in {store}");
three!(ShippingInfoMine, ShippingInfoGuest, ShippingInfoAdmin, "shipping_information", Post, "/shipping-information", Write, ShippingInfoIn => PaymentDetailsOut, shipping_information,
    "Set the shipping address and method; answers the payment methods and totals.",
    "{principal} set the shipping method {address_information.shipping_carrier_code}_{address_information.shipping_method_code} of a cart in {store}");
three!(GetBillingMine, GetBillingGuest, GetBillingAdmin, "billing_address.get", Get, "/billing-address", Read, CartOnly => Option<QuoteAddressOut>, get_billing,
    "Get the cart's billing address.", "{principal} read a cart's billing address in {store}");
three!(SetBillingMine, SetBillingGuest, SetBillingAdmin, "billing_address.set", Post, "/billing-address", Write, BillingIn => i64, set_billing,
    "Set the cart's billing address; answers its id.", "{principal} set a cart's billing address in {store}");
three!(PaymentMethodsMine, PaymentMethodsGuest, PaymentMethodsAdmin, "payment_methods", Get, "/payment-methods", Read, CartOnly => Vec<PaymentMethodOut>, payment_methods,
    "List the payment methods available to the cart.", "{principal} listed payment methods in {store}");
three!(GetPaymentMine, GetPaymentGuest, GetPaymentAdmin, "selected_payment.get", Get, "/selected-payment-method", Read, CartOnly => SelectedPaymentOut, get_selected_payment,
    "Get the cart's selected payment method.", "{principal} read a cart's payment method in {store}");
three!(SetPaymentMine, SetPaymentGuest, SetPaymentAdmin, "selected_payment.set", Put, "/selected-payment-method", Write, SelectPaymentIn => i64, set_selected_payment,
    "Select the cart's payment method.", "{principal} selected payment method {method.method} for a cart in {store}");
cart_op!(GetPaymentInfoMine, Mine, "carts.mine.payment_information.get", Get, "/V1/carts/mine/payment-information", Read, CartOnly => PaymentDetailsOut, get_payment_information,
    "Get the payment methods and totals of the cart.", "{principal} read their cart's payment information in {store}");
cart_op!(GetPaymentInfoGuest, Guest, "carts.guest.payment_information.get", Get, "/V1/guest-carts/{cartId}/payment-information", Read, CartOnly => PaymentDetailsOut, get_payment_information,
    "Get the payment methods and totals of a guest cart.", "{principal} read a guest cart's payment information in {store}");
cart_op!(PaymentInfoMine, Mine, "carts.mine.payment_information.place", Post, "/V1/carts/mine/payment-information", Write, PaymentInfoIn => i64, payment_information,
    "Set the payment method (and billing address) and place the order; answers the order id.",
    "{principal} placed an order from their cart with {payment_method.method} in {store}");
cart_op!(PaymentInfoGuest, Guest, "carts.guest.payment_information.place", Post, "/V1/guest-carts/{cartId}/payment-information", Write, PaymentInfoIn => i64, payment_information,
    "Set the e-mail, payment method (and billing address) of a guest cart and place the order; answers the order id.",
    "{principal} placed a guest order with {payment_method.method} in {store}");
three!(PlaceMine, PlaceGuest, PlaceAdmin, "order", Put, "/order", Write, PlaceIn => i64, place_order,
    "Place the cart's order; answers the order id.", "{principal} placed a cart's order in {store}");
three!(GetCouponMine, GetCouponGuest, GetCouponAdmin, "coupons.get", Get, "/coupons", Read, CartOnly => Option<String>, get_coupon,
    "Get the cart's coupon code.", "{principal} read a cart's coupon in {store}");
three!(SetCouponMine, SetCouponGuest, SetCouponAdmin, "coupons.set", Put, "/coupons/{couponCode}", Write, CouponIn => bool, set_coupon,
    "Apply a coupon code to the cart.", "{principal} applied a coupon to a cart in {store}");
three!(DeleteCouponMine, DeleteCouponGuest, DeleteCouponAdmin, "coupons.delete", Delete, "/coupons", Destructive, CartOnly => bool, delete_coupon,
    "Remove the cart's coupon code.", "{principal} removed the coupon of a cart in {store}");

// Creating carts ----------------------------------------------------------------------------

pub struct CreateMine;

impl Operation for CreateMine {
    const SPEC: OpSpec = OpSpec {
        id: "carts.mine.create",
        surface: Surface::Magento,
        method: Method::Post,
        path: "/V1/carts/mine",
        acl: Acl::SelfCustomer,
        group: CapabilityGroup::Carts,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect: Effect::Write,
        forced: SELF,
        summary: "Create the calling customer's cart, or answer the id of their active cart.",
        audit: "{principal} opened a cart in {store}",
        target: None,
    };
    type Input = CartOnly;
    type Output = i64;

    async fn call(cx: &Ctx, input: CartOnly) -> Result<i64, ApiError> {
        let customer_id = input.cart.customer_id.ok_or_else(|| ApiError::required("customerId"))?;
        let mut tx = cx.db.begin().await.storage()?;
        let id = quote::create_for_customer(&mut tx, cx.tenant, &cx.store, customer_id).await?;
        tx.commit().await.storage()?;
        Ok(id)
    }
}

pub struct CreateGuest;

impl Operation for CreateGuest {
    const SPEC: OpSpec = OpSpec {
        id: "carts.guest.create",
        surface: Surface::Magento,
        method: Method::Post,
        path: "/V1/guest-carts",
        acl: Acl::Anonymous,
        group: CapabilityGroup::Carts,
        limits: crate::spec::GUEST_CART_LIMITS,
        cache: crate::spec::Cache::Never,
        effect: Effect::Write,
        forced: &[],
        summary: "Create a guest cart; answers its 32-character masked id.",
        audit: "{principal} opened a guest cart in {store}",
        target: None,
    };
    type Input = crate::ops::NoInput;
    type Output = String;

    async fn call(cx: &Ctx, _: crate::ops::NoInput) -> Result<String, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        let id = quote::create_guest(&mut tx, cx.tenant, &cx.store).await?;
        tx.commit().await.storage()?;
        Ok(id)
    }
}

pub struct CreateAdmin;

impl Operation for CreateAdmin {
    const SPEC: OpSpec = OpSpec {
        id: "carts.admin.create",
        surface: Surface::Magento,
        method: Method::Post,
        path: "/V1/carts",
        acl: Scope::Admin.acl(),
        group: CapabilityGroup::Carts,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect: Effect::Write,
        forced: &[],
        summary: "Create an empty cart without customer; answers its id.",
        audit: "{principal} opened a cart in {store}",
        target: None,
    };
    type Input = crate::ops::NoInput;
    type Output = i64;

    async fn call(cx: &Ctx, _: crate::ops::NoInput) -> Result<i64, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        let id = quote::create_empty(&mut tx, cx.tenant, &cx.store).await?;
        tx.commit().await.storage()?;
        Ok(id)
    }
}

pub struct CreateForCustomer;

impl Operation for CreateForCustomer {
    const SPEC: OpSpec = OpSpec {
        id: "carts.admin.create_for_customer",
        surface: Surface::Magento,
        method: Method::Post,
        path: "/V1/customers/{customerId}/carts",
        acl: Scope::Admin.acl(),
        group: CapabilityGroup::Carts,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect: Effect::Write,
        forced: &[],
        summary: "Create a cart for a customer, or answer the id of their active cart.",
        audit: "{principal} opened a cart for customer {customer_id} in {store}",
        target: Some("customer_id"),
    };
    type Input = CustomerCartIn;
    type Output = i64;

    async fn call(cx: &Ctx, input: CustomerCartIn) -> Result<i64, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        let id = quote::create_for_customer(&mut tx, cx.tenant, &cx.store, input.customer_id).await?;
        tx.commit().await.storage()?;
        Ok(id)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AssignIn {
    /// The masked id (guest route) or the quote id (admin route).
    #[serde(deserialize_with = "opt_text::deserialize")]
    #[schemars(with = "String")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub cart_id: Option<String>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub customer_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub store_id: Option<i64>,
}

async fn assign(cx: &Ctx, scope: Scope, input: AssignIn) -> Result<bool, ApiError> {
    let cart = CartIn { cart_id: input.cart_id, ..CartIn::default() }.cart(scope)?;
    let customer_id = input.customer_id.ok_or_else(|| ApiError::required("customerId"))?;
    let mut tx = cx.db.begin().await.storage()?;
    quote::assign_customer(&mut tx, cx.tenant, &cart, customer_id).await?;
    tx.commit().await.storage()?;
    Ok(true)
}

pub struct AssignGuest;

impl Operation for AssignGuest {
    const SPEC: OpSpec = OpSpec {
        id: "carts.guest.assign",
        surface: Surface::Magento,
        method: Method::Put,
        path: "/V1/guest-carts/{cartId}",
        acl: Acl::SelfCustomer,
        group: CapabilityGroup::Carts,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect: Effect::Write,
        forced: SELF,
        summary: "Take over a guest cart as the calling customer (their active cart is merged into it).",
        audit: "{principal} took over a guest cart in {store}",
        target: None,
    };
    type Input = AssignIn;
    type Output = bool;

    async fn call(cx: &Ctx, input: AssignIn) -> Result<bool, ApiError> {
        assign(cx, Scope::Guest, input).await
    }
}

pub struct AssignAdmin;

impl Operation for AssignAdmin {
    const SPEC: OpSpec = OpSpec {
        id: "carts.admin.assign",
        surface: Surface::Magento,
        method: Method::Put,
        path: "/V1/carts/{cartId}",
        acl: Scope::Admin.acl(),
        group: CapabilityGroup::Carts,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect: Effect::Write,
        forced: &[],
        summary: "Assign a guest cart to a customer (their active cart is merged into it).",
        audit: "{principal} assigned cart {cart_id} to customer {customer_id} in {store}",
        target: Some("cart_id"),
    };
    type Input = AssignIn;
    type Output = bool;

    async fn call(cx: &Ctx, input: AssignIn) -> Result<bool, ApiError> {
        assign(cx, Scope::Admin, input).await
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![
    AssignGuest,
    AssignAdmin,
    CreateMine,
    CreateGuest,
    CreateAdmin,
    CreateForCustomer,
    GetMine,
    GetGuest,
    GetAdmin,
    ItemsMine,
    ItemsGuest,
    ItemsAdmin,
    AddItemMine,
    AddItemGuest,
    AddItemAdmin,
    UpdateItemMine,
    UpdateItemGuest,
    UpdateItemAdmin,
    DeleteItemMine,
    DeleteItemGuest,
    DeleteItemAdmin,
    TotalsMine,
    TotalsGuest,
    TotalsAdmin,
    EstimateMine,
    EstimateGuest,
    EstimateAdmin,
    EstimateByIdMine,
    ShippingMethodsMine,
    ShippingMethodsGuest,
    ShippingMethodsAdmin,
    ShippingInfoMine,
    ShippingInfoGuest,
    ShippingInfoAdmin,
    GetBillingMine,
    GetBillingGuest,
    GetBillingAdmin,
    SetBillingMine,
    SetBillingGuest,
    SetBillingAdmin,
    PaymentMethodsMine,
    PaymentMethodsGuest,
    PaymentMethodsAdmin,
    GetPaymentMine,
    GetPaymentGuest,
    GetPaymentAdmin,
    SetPaymentMine,
    SetPaymentGuest,
    SetPaymentAdmin,
    GetPaymentInfoMine,
    GetPaymentInfoGuest,
    PaymentInfoMine,
    PaymentInfoGuest,
    PlaceMine,
    PlaceGuest,
    PlaceAdmin,
    GetCouponMine,
    GetCouponGuest,
    GetCouponAdmin,
    SetCouponMine,
    SetCouponGuest,
    SetCouponAdmin,
    DeleteCouponMine,
    DeleteCouponGuest,
    DeleteCouponAdmin,
];

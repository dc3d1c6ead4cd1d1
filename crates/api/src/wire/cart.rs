//! Cart, cart item, quote address, totals, shipping and payment method shapes (contract
//! §5.4), in Magento's getter order. Input is lenient as Magento's is (numbers as text,
//! `street` as a string or a list, `region` as a name or an object).

use super::customer::{RegionIn, opt_int, opt_text, street};
use super::product::lenient;
use super::{number, serialize_decimal};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use storegate_domain::pricing::Totals;
use storegate_domain::quote::payment::Method;
use storegate_domain::quote::shipping::Rate;
use storegate_domain::quote::totals::CartTotals;
use storegate_domain::quote::{Address, Item, ItemInput, Quote};

// Input -------------------------------------------------------------------------------------

fn region_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<RegionIn>, D::Error> {
    use serde::de::Error;
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(RegionIn { region: Some(s), ..RegionIn::default() })),
        Some(v @ Value::Object(_)) => RegionIn::deserialize(v).map(Some).map_err(D::Error::custom),
        Some(other) => Err(D::Error::custom(format!("{other} is not a region"))),
    }
}

/// A cart (quote) address as clients send it.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct QuoteAddressIn {
    #[serde(default, deserialize_with = "region_name")]
    pub region: Option<RegionIn>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub region_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub region_code: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub country_id: Option<String>,
    #[serde(default, deserialize_with = "street::deserialize")]
    #[schemars(schema_with = "crate::limits::street")]
    pub street: Vec<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub company: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub telephone: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub fax: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub postcode: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub firstname: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub lastname: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub middlename: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub prefix: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub suffix: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub vat_id: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub customer_address_id: Option<i64>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub same_as_billing: Option<i64>,
    #[serde(default, deserialize_with = "opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub save_in_address_book: Option<i64>,
}

impl QuoteAddressIn {
    pub fn into_address(self, address_type: &str) -> Address {
        let region = self.region.unwrap_or_default();
        Address {
            address_type: address_type.to_owned(),
            customer_address_id: self.customer_address_id,
            email: self.email.map(|e| e.trim().to_lowercase()),
            firstname: self.firstname,
            lastname: self.lastname,
            middlename: self.middlename,
            prefix: self.prefix,
            suffix: self.suffix,
            company: self.company,
            street: self.street,
            city: self.city,
            region: region.region,
            region_id: self.region_id.or(region.region_id).filter(|r| *r != 0),
            region_code: self.region_code.or(region.region_code),
            postcode: self.postcode,
            country_id: self.country_id.map(|c| c.trim().to_uppercase()),
            telephone: self.telephone,
            fax: self.fax,
            vat_id: self.vat_id,
            same_as_billing: self.same_as_billing.unwrap_or(0),
            save_in_address_book: self.save_in_address_book.unwrap_or(0),
            ..Address::default()
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ConfigurableOptionIn {
    #[serde(deserialize_with = "super::lenient_int::deserialize")]
    #[schemars(with = "i64")]
    pub option_id: i64,
    #[serde(deserialize_with = "opt_text::deserialize")]
    #[schemars(with = "String")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub option_value: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ProductOptionExtensionIn {
    #[serde(default)]
    #[schemars(length(max = crate::limits::OPTIONS))]
    pub configurable_item_options: Vec<ConfigurableOptionIn>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ProductOptionIn {
    #[serde(default)]
    pub extension_attributes: Option<ProductOptionExtensionIn>,
}

/// `cartItem`: `quote_id` is taken from the path (or the token), never from here.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct CartItemIn {
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::SKU))]
    pub sku: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub qty: Option<Decimal>,
    #[serde(default)]
    pub product_option: Option<ProductOptionIn>,
}

impl CartItemIn {
    pub fn into_input(self) -> ItemInput {
        let options = self
            .product_option
            .and_then(|p| p.extension_attributes)
            .map(|e| {
                e.configurable_item_options
                    .into_iter()
                    .map(|o| (o.option_id, o.option_value.unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        ItemInput { sku: self.sku, qty: self.qty.unwrap_or(Decimal::ONE), options }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct PaymentMethodIn {
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub method: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub po_number: Option<String>,
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub additional_data: Option<Value>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ShippingInformationIn {
    pub shipping_address: QuoteAddressIn,
    #[serde(default)]
    pub billing_address: Option<QuoteAddressIn>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub shipping_method_code: Option<String>,
    #[serde(default, deserialize_with = "opt_text::deserialize")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub shipping_carrier_code: Option<String>,
}

// Output ------------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct QuoteAddressOut {
    pub id: i64,
    pub region: Option<String>,
    pub region_id: Option<i64>,
    pub region_code: Option<String>,
    pub country_id: Option<String>,
    pub street: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    pub telephone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middlename: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<i64>,
    pub email: Option<String>,
    pub same_as_billing: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_address_id: Option<i64>,
    pub save_in_address_book: i64,
}

impl From<&Address> for QuoteAddressOut {
    fn from(a: &Address) -> Self {
        QuoteAddressOut {
            id: a.id,
            region: a.region.clone(),
            region_id: a.region_id,
            region_code: a.region_code.clone(),
            country_id: a.country_id.clone(),
            street: a.street.clone(),
            company: a.company.clone(),
            telephone: a.telephone.clone(),
            fax: a.fax.clone(),
            postcode: a.postcode.clone(),
            city: a.city.clone(),
            firstname: a.firstname.clone(),
            lastname: a.lastname.clone(),
            middlename: a.middlename.clone(),
            prefix: a.prefix.clone(),
            suffix: a.suffix.clone(),
            vat_id: a.vat_id.clone(),
            customer_id: a.customer_id,
            email: a.email.clone(),
            same_as_billing: a.same_as_billing,
            customer_address_id: a.customer_address_id,
            save_in_address_book: a.save_in_address_book,
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ConfigurableOptionOut {
    pub option_id: String,
    pub option_value: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProductOptionExtensionOut {
    pub configurable_item_options: Vec<ConfigurableOptionOut>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProductOptionOut {
    pub extension_attributes: ProductOptionExtensionOut,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CartItemOut {
    pub item_id: i64,
    pub sku: String,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub qty: Decimal,
    pub name: String,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub price: Decimal,
    pub product_type: String,
    /// The numeric quote id as text, or the masked id on guest routes.
    pub quote_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_option: Option<ProductOptionOut>,
}

impl CartItemOut {
    pub fn new(i: &Item, quote_id: &str) -> CartItemOut {
        CartItemOut {
            item_id: i.id,
            sku: i.sku.clone(),
            qty: i.qty,
            name: i.name.clone(),
            price: i.price,
            product_type: i.product_type.clone(),
            quote_id: quote_id.to_owned(),
            product_option: if i.options.is_empty() {
                None
            } else {
                Some(ProductOptionOut {
                    extension_attributes: ProductOptionExtensionOut {
                        configurable_item_options: i
                            .options
                            .iter()
                            .map(|(id, v)| ConfigurableOptionOut {
                                option_id: id.to_string(),
                                option_value: v.parse().unwrap_or(0),
                            })
                            .collect(),
                    },
                })
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CartCustomerOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<i64>,
    pub email: Option<String>,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CurrencyOut {
    pub global_currency_code: String,
    pub base_currency_code: String,
    pub store_currency_code: String,
    pub quote_currency_code: String,
    pub store_to_base_rate: i64,
    pub store_to_quote_rate: i64,
    pub base_to_global_rate: i64,
    pub base_to_quote_rate: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CartOut {
    pub id: i64,
    pub created_at: String,
    pub updated_at: String,
    pub is_active: bool,
    pub is_virtual: bool,
    pub items: Vec<CartItemOut>,
    pub items_count: i64,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub items_qty: Decimal,
    pub customer: CartCustomerOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<QuoteAddressOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved_order_id: Option<String>,
    pub orig_order_id: i64,
    pub currency: CurrencyOut,
    pub customer_is_guest: bool,
    pub customer_note_notify: bool,
    pub customer_tax_class_id: i64,
    pub store_id: i64,
    pub extension_attributes: Value,
}

impl CartOut {
    pub fn new(q: &Quote, currency: &str, quote_id_text: &str) -> CartOut {
        let shipping_assignments = match &q.shipping {
            Some(s) => serde_json::json!([{
                "shipping": {
                    "address": QuoteAddressOut::from(s),
                    "method": q.shipping_method(),
                },
                "items": q.items.iter().map(|i| CartItemOut::new(i, quote_id_text)).collect::<Vec<_>>(),
            }]),
            None => serde_json::json!([]),
        };
        let mut ext = serde_json::json!({ "shipping_assignments": shipping_assignments });
        if let Some(code) = &q.coupon_code {
            ext["coupon_codes"] = serde_json::json!([code]);
        }
        CartOut {
            id: q.id,
            created_at: q.created_at.clone(),
            updated_at: q.updated_at.clone(),
            is_active: q.is_active,
            is_virtual: q.is_virtual(),
            items: q.items.iter().map(|i| CartItemOut::new(i, quote_id_text)).collect(),
            items_count: q.items.len() as i64,
            items_qty: q.items_qty(),
            customer: CartCustomerOut {
                id: q.customer_id,
                group_id: q.customer_id.map(|_| q.customer_group_id),
                email: q.customer_email.clone(),
                firstname: q.customer_firstname.clone(),
                lastname: q.customer_lastname.clone(),
            },
            billing_address: q.billing.as_ref().map(QuoteAddressOut::from),
            reserved_order_id: q.reserved_order_id.clone(),
            orig_order_id: 0,
            currency: CurrencyOut {
                global_currency_code: currency.to_owned(),
                base_currency_code: currency.to_owned(),
                store_currency_code: currency.to_owned(),
                quote_currency_code: currency.to_owned(),
                store_to_base_rate: 0,
                store_to_quote_rate: 0,
                base_to_global_rate: 1,
                base_to_quote_rate: 1,
            },
            customer_is_guest: q.is_guest(),
            customer_note_notify: true,
            customer_tax_class_id: 3,
            store_id: q.store_id,
            extension_attributes: ext,
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TotalsItemOut {
    pub item_id: i64,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub price: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_price: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub qty: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub row_total: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_row_total: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub row_total_with_discount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub tax_amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_tax_amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub tax_percent: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub discount_amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_discount_amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub discount_percent: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub price_incl_tax: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_price_incl_tax: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub row_total_incl_tax: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_row_total_incl_tax: Decimal,
    pub options: String,
    pub weee_tax_applied_amount: Option<f64>,
    pub weee_tax_applied: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TotalSegmentOut {
    pub code: String,
    pub title: String,
    pub value: Value,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TotalsOut {
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub grand_total: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_grand_total: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub subtotal: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_subtotal: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub discount_amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_discount_amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub subtotal_with_discount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_subtotal_with_discount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub shipping_amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_shipping_amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub shipping_discount_amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_shipping_discount_amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub tax_amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_tax_amount: Decimal,
    pub weee_tax_applied_amount: Option<f64>,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub shipping_tax_amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_shipping_tax_amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub subtotal_incl_tax: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub shipping_incl_tax: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_shipping_incl_tax: Decimal,
    pub base_currency_code: String,
    pub quote_currency_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coupon_code: Option<String>,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub items_qty: Decimal,
    pub items: Vec<TotalsItemOut>,
    pub total_segments: Vec<TotalSegmentOut>,
}

impl TotalsOut {
    pub fn new(q: &Quote, c: &CartTotals, currency: &str) -> TotalsOut {
        let t: &Totals = &c.totals;
        let items = q
            .items
            .iter()
            .map(|i| {
                let line = t.lines.iter().find(|l| l.item_id == i.id);
                let row_total = line.map(|l| l.row_total).unwrap_or_else(|| i.row_total());
                let discount = line.map(|l| l.discount_amount).unwrap_or_default();
                let tax = line.map(|l| l.tax_amount).unwrap_or_default();
                let incl = line.map(|l| l.row_total_incl_tax).unwrap_or(row_total);
                let price_incl = if i.qty.is_zero() { i.price } else { (incl / i.qty).round_dp(2) };
                TotalsItemOut {
                    item_id: i.id,
                    price: i.price,
                    base_price: i.price,
                    qty: i.qty,
                    row_total,
                    base_row_total: row_total,
                    row_total_with_discount: Decimal::ZERO,
                    tax_amount: tax,
                    base_tax_amount: tax,
                    tax_percent: line.map(|l| l.tax_percent).unwrap_or_default(),
                    discount_amount: discount,
                    base_discount_amount: discount,
                    discount_percent: line.map(|l| l.discount_percent).unwrap_or_default(),
                    price_incl_tax: price_incl,
                    base_price_incl_tax: price_incl,
                    row_total_incl_tax: incl,
                    base_row_total_incl_tax: incl,
                    options: "[]".into(),
                    weee_tax_applied_amount: None,
                    weee_tax_applied: None,
                    name: i.name.clone(),
                }
            })
            .collect();
        let item_tax: Decimal = t.lines.iter().map(|l| l.tax_amount).sum();
        let subtotal_incl = t.subtotal + item_tax;
        let shipping_incl = t.shipping_amount + t.shipping_tax_amount;
        let mut segments =
            vec![TotalSegmentOut { code: "subtotal".into(), title: "Subtotal".into(), value: number(&t.subtotal) }];
        if let Some(rate) = &c.shipping {
            segments.push(TotalSegmentOut {
                code: "shipping".into(),
                title: format!("Shipping & Handling ({} - {})", rate.carrier_title, rate.method_title),
                value: number(&t.shipping_amount),
            });
        }
        if !t.discount_amount.is_zero() {
            segments.push(TotalSegmentOut {
                code: "discount".into(),
                title: format!("Discount ({})", t.discount_description.clone().unwrap_or_default()),
                value: number(&t.discount_amount),
            });
        }
        segments.push(TotalSegmentOut { code: "tax".into(), title: "Tax".into(), value: number(&t.tax_amount) });
        segments.push(TotalSegmentOut {
            code: "grand_total".into(),
            title: "Grand Total".into(),
            value: number(&t.grand_total),
        });
        let with_discount = t.subtotal + t.discount_amount + t.shipping_discount_amount;
        TotalsOut {
            grand_total: t.grand_total,
            base_grand_total: t.grand_total,
            subtotal: t.subtotal,
            base_subtotal: t.subtotal,
            discount_amount: t.discount_amount,
            base_discount_amount: t.discount_amount,
            subtotal_with_discount: with_discount,
            base_subtotal_with_discount: with_discount,
            shipping_amount: t.shipping_amount,
            base_shipping_amount: t.shipping_amount,
            shipping_discount_amount: t.shipping_discount_amount,
            base_shipping_discount_amount: t.shipping_discount_amount,
            tax_amount: t.tax_amount,
            base_tax_amount: t.tax_amount,
            weee_tax_applied_amount: None,
            shipping_tax_amount: t.shipping_tax_amount,
            base_shipping_tax_amount: t.shipping_tax_amount,
            subtotal_incl_tax: subtotal_incl,
            shipping_incl_tax: shipping_incl,
            base_shipping_incl_tax: shipping_incl,
            base_currency_code: currency.to_owned(),
            quote_currency_code: currency.to_owned(),
            coupon_code: t.coupon_code.clone(),
            items_qty: q.items_qty(),
            items,
            total_segments: segments,
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ShippingMethodOut {
    pub carrier_code: String,
    pub method_code: String,
    pub carrier_title: String,
    pub method_title: String,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub amount: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub base_amount: Decimal,
    pub available: bool,
    pub error_message: String,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub price_excl_tax: Decimal,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub price_incl_tax: Decimal,
}

impl From<Rate> for ShippingMethodOut {
    fn from(r: Rate) -> Self {
        ShippingMethodOut {
            carrier_code: r.carrier_code,
            method_code: r.method_code,
            carrier_title: r.carrier_title,
            method_title: r.method_title,
            amount: r.amount,
            base_amount: r.amount,
            available: true,
            error_message: String::new(),
            price_excl_tax: r.amount,
            price_incl_tax: r.amount,
        }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PaymentMethodOut {
    pub code: String,
    pub title: String,
}

impl From<Method> for PaymentMethodOut {
    fn from(m: Method) -> Self {
        PaymentMethodOut { code: m.code, title: m.title }
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PaymentDetailsOut {
    pub payment_methods: Vec<PaymentMethodOut>,
    pub totals: TotalsOut,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SelectedPaymentOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub po_number: Option<String>,
    pub method: Option<String>,
}

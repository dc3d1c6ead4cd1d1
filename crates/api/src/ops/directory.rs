//! Countries and currency (`/V1/directory/…`): anonymous reads of built-in data and the
//! store's currency configuration.

use super::NoInput;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::directory::{CountryOut, CurrencyOut, ExchangeRateOut};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Deserialize;
use storegate_domain::directory::{self, Country};
use storegate_domain::{StorageResult, store};
use storegate_types::ApiError;

const fn read(id: &'static str, path: &'static str, summary: &'static str, audit: &'static str) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method: Method::Get,
        path,
        acl: Acl::Anonymous,
        group: CapabilityGroup::Stores,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect: Effect::Read,
        forced: &[],
        summary,
        audit,
        target: None,
    }
}

/// The countries the store allows (`general/country/allow`, every country when unset).
async fn allowed(cx: &Ctx) -> Result<Vec<&'static Country>, ApiError> {
    let mut r = cx.db.reader().await.storage()?;
    let allow = store::config_value(&mut r, cx.tenant, &cx.store, "general/country/allow").await?;
    let codes: Option<Vec<String>> = allow
        .map(|a| a.split(',').map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty()).collect::<Vec<_>>())
        .filter(|c| !c.is_empty());
    Ok(directory::countries()
        .iter()
        .filter(|c| codes.as_ref().is_none_or(|codes| codes.iter().any(|x| x == c.id)))
        .collect())
}

pub struct ListCountries;

impl Operation for ListCountries {
    const SPEC: OpSpec = read(
        "directory.countries.list",
        "/V1/directory/countries",
        "List the store's countries with their regions.",
        "{principal} listed countries in {store}",
    );
    type Input = NoInput;
    type Output = Vec<CountryOut>;

    async fn call(cx: &Ctx, _: NoInput) -> Result<Self::Output, ApiError> {
        Ok(allowed(cx).await?.into_iter().map(CountryOut::new).collect())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByCountryId {
    /// ISO 3166-1 alpha-2 code, e.g. `US`.
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub country_id: String,
}

pub struct GetCountry;

impl Operation for GetCountry {
    const SPEC: OpSpec = OpSpec {
        target: Some("country_id"),
        ..read(
            "directory.countries.get",
            "/V1/directory/countries/{countryId}",
            "Get one country with its regions.",
            "{principal} read country {country_id} in {store}",
        )
    };
    type Input = ByCountryId;
    type Output = CountryOut;

    async fn call(cx: &Ctx, input: ByCountryId) -> Result<CountryOut, ApiError> {
        allowed(cx)
            .await?
            .into_iter()
            .find(|c| c.id.eq_ignore_ascii_case(input.country_id.trim()))
            .map(CountryOut::new)
            .ok_or_else(|| ApiError::no_such_entity("countryId", input.country_id))
    }
}

pub struct GetCurrency;

impl Operation for GetCurrency {
    const SPEC: OpSpec = read(
        "directory.currency.get",
        "/V1/directory/currency",
        "Base, display and available currencies of the store view, with exchange rates.",
        "{principal} read the currencies of {store}",
    );
    type Input = NoInput;
    type Output = CurrencyOut;

    async fn call(cx: &Ctx, _: NoInput) -> Result<CurrencyOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        let mut get = async |path: &str| -> Result<Option<String>, ApiError> {
            Ok(store::config_value(&mut r, cx.tenant, &cx.store, path).await?.filter(|v| !v.trim().is_empty()))
        };
        let base = get("currency/options/base").await?.unwrap_or_else(|| "USD".to_owned());
        let display = get("currency/options/default").await?.unwrap_or_else(|| base.clone());
        let mut available: Vec<String> = get("currency/options/allow")
            .await?
            .map(|a| a.split(',').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect())
            .unwrap_or_default();
        // Magento leaves out a base currency that is not allowed; with nothing configured
        // the base currency is the one available.
        if available.is_empty() {
            available.push(base.clone());
        }
        let exchange_rates = available
            .iter()
            .map(|to| ExchangeRateOut {
                currency_to: to.clone(),
                rate: directory::default_rate(&base, to).unwrap_or(Decimal::ZERO),
            })
            .collect();
        Ok(CurrencyOut {
            base_currency_symbol: directory::currency_symbol(&base),
            base_currency_code: base,
            default_display_currency_symbol: directory::currency_symbol(&display),
            default_display_currency_code: display,
            available_currency_codes: available,
            exchange_rates,
        })
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![ListCountries, GetCountry, GetCurrency];

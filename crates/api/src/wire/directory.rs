//! Country, region and currency shapes (contract §5.10).

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Serialize;
use storegate_domain::directory::{self, Country, Region};

#[derive(Debug, Serialize, JsonSchema)]
pub struct CountryOut {
    pub id: String,
    pub two_letter_abbreviation: String,
    pub three_letter_abbreviation: String,
    pub full_name_locale: String,
    pub full_name_english: String,
    /// Omitted for countries without a region list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_regions: Option<Vec<RegionOut>>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RegionOut {
    pub id: String,
    pub code: String,
    pub name: String,
}

impl From<Region> for RegionOut {
    fn from(r: Region) -> Self {
        // Magento's region information declares the id a string.
        RegionOut { id: r.id.to_string(), code: r.code.to_owned(), name: r.name.to_owned() }
    }
}

impl CountryOut {
    /// `locale_name` is the name in the store's locale; only English names are carried, so
    /// every locale gets those.
    pub fn new(c: &Country) -> CountryOut {
        let regions = directory::regions(c.id);
        CountryOut {
            id: c.id.to_owned(),
            two_letter_abbreviation: c.id.to_owned(),
            three_letter_abbreviation: c.iso3.to_owned(),
            full_name_locale: c.name.to_owned(),
            full_name_english: c.name.to_owned(),
            available_regions: (!regions.is_empty()).then(|| regions.into_iter().map(Into::into).collect()),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CurrencyOut {
    pub base_currency_code: String,
    pub base_currency_symbol: String,
    pub default_display_currency_code: String,
    pub default_display_currency_symbol: String,
    pub available_currency_codes: Vec<String>,
    pub exchange_rates: Vec<ExchangeRateOut>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ExchangeRateOut {
    pub currency_to: String,
    #[serde(serialize_with = "super::serialize_decimal")]
    #[schemars(with = "f64")]
    pub rate: Decimal,
}

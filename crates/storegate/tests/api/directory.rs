//! Countries, regions and currency over real HTTP, without a token.

use crate::helpers::{TestServer, status_json};
use serde_json::{Value, json};
use storegate_domain::store;

fn region<'a>(country: &'a Value, code: &str) -> &'a Value {
    country["available_regions"].as_array().unwrap().iter().find(|r| r["code"] == code).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn countries_are_anonymous_with_magentos_region_ids() {
    let server = TestServer::start().await;
    for path in ["/rest/V1/directory/countries", "/rest/default/V1/directory/countries/"] {
        let (status, countries) = status_json(server.get(path, None).await).await;
        assert_eq!(status, 200, "{path}");
        let list = countries.as_array().unwrap();
        assert!(list.len() >= 249, "{}", list.len());
        let us = list.iter().find(|c| c["id"] == "US").unwrap();
        assert_eq!(us["two_letter_abbreviation"], "US");
        assert_eq!(us["three_letter_abbreviation"], "USA");
        assert_eq!(us["full_name_english"], "United States");
        assert_eq!(us["full_name_locale"], "United States");
        assert_eq!(us["available_regions"].as_array().unwrap().len(), 65);
        assert_eq!(region(us, "TX"), &json!({"id": "57", "code": "TX", "name": "Texas"}));
        assert_eq!(region(us, "AL")["id"], "1");
        assert_eq!(region(us, "MI")["id"], "33");
        let gb = list.iter().find(|c| c["id"] == "GB").unwrap();
        assert!(gb.get("available_regions").is_none(), "no region list, no key");
        let keys: Vec<&String> = us.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "id",
                "two_letter_abbreviation",
                "three_letter_abbreviation",
                "full_name_locale",
                "full_name_english",
                "available_regions"
            ]
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn one_country_and_the_unknown_ones() {
    let server = TestServer::start().await;
    let (status, ca) = status_json(server.get("/rest/V1/directory/countries/CA", None).await).await;
    assert_eq!(status, 200);
    assert_eq!(ca["three_letter_abbreviation"], "CAN");
    assert_eq!(region(&ca, "ON")["id"], "74");
    let (_, de) = status_json(server.get("/rest/V1/directory/countries/DE", None).await).await;
    assert_eq!(region(&de, "BER")["name"], "Berlin");
    let (_, au) = status_json(server.get("/rest/V1/directory/countries/AU", None).await).await;
    assert_eq!(region(&au, "NSW")["id"], "570");
    let (_, fr) = status_json(server.get("/rest/V1/directory/countries/FR", None).await).await;
    assert_eq!(fr["available_regions"].as_array().unwrap().len(), 96);

    let (status, body) = status_json(server.get("/rest/V1/directory/countries/ZZ", None).await).await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "countryId", "fieldValue": "ZZ"}})
    );
    // A token is not needed, and one does no harm.
    let token = server.admin_token().await;
    assert_eq!(server.get("/rest/V1/directory/countries/US", Some(&token)).await.status(), 200);

    // Only the store's allowed countries are offered.
    let mut tx = server.db.begin().await.unwrap();
    store::set_config(&mut tx, server.tenant, "default", 0, "general/country/allow", "US,CA").await.unwrap();
    tx.commit().await.unwrap();
    let (_, allowed) = status_json(server.get("/rest/V1/directory/countries", None).await).await;
    let ids: Vec<&str> = allowed.as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["CA", "US"]);
    assert_eq!(server.get("/rest/V1/directory/countries/DE", None).await.status(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn currency_comes_from_the_store_configuration() {
    let server = TestServer::start().await;
    let (status, currency) = status_json(server.get("/rest/V1/directory/currency", None).await).await;
    assert_eq!(status, 200);
    assert_eq!(
        currency,
        json!({
            "base_currency_code": "USD",
            "base_currency_symbol": "$",
            "default_display_currency_code": "USD",
            "default_display_currency_symbol": "$",
            "available_currency_codes": ["USD"],
            "exchange_rates": [{"currency_to": "USD", "rate": 1}]
        })
    );

    let mut tx = server.db.begin().await.unwrap();
    store::set_config(&mut tx, server.tenant, "default", 0, "currency/options/allow", "USD,EUR").await.unwrap();
    store::set_config(&mut tx, server.tenant, "stores", 1, "currency/options/default", "EUR").await.unwrap();
    tx.commit().await.unwrap();
    let (_, currency) = status_json(server.get("/rest/default/V1/directory/currency", None).await).await;
    assert_eq!(currency["default_display_currency_code"], "EUR");
    assert_eq!(currency["default_display_currency_symbol"], "€");
    assert_eq!(currency["available_currency_codes"], json!(["USD", "EUR"]));
    assert_eq!(
        currency["exchange_rates"],
        json!([{"currency_to": "USD", "rate": 1}, {"currency_to": "EUR", "rate": 0.7067}])
    );
}

//! Demo customers: US shoppers with one or two addresses, all signing in with
//! [`DEMO_CUSTOMER_PASSWORD`](super::DEMO_CUSTOMER_PASSWORD). The password is hashed once
//! and the hash shared, since argon2 deliberately costs tens of milliseconds per hash.

use super::random::{Stream, chance, pick, rng};
use super::words::{self, City};
use crate::StorageResult;
use crate::crypto::Crypto;
use crate::customer::{self, NewAddress, NewCustomer};
use crate::progress::Progress;
use rand::Rng;
use storegate_db::Db;
use storegate_types::{ApiError, TenantId};

/// Customers per `insert_batch` call and transaction.
const CHUNK: usize = 500;

/// Magento's gender option ids.
const MALE: i64 = 1;
const FEMALE: i64 = 2;

/// Inserts `total` customers; answers (customers, addresses).
pub(super) async fn generate(
    db: &Db,
    tenant: TenantId,
    crypto: &Crypto,
    seed: u64,
    total: usize,
    progress: &dyn Progress,
) -> Result<(usize, usize), ApiError> {
    if total == 0 {
        return Ok((0, 0));
    }
    let hash = crate::password::hash(super::DEMO_CUSTOMER_PASSWORD.to_owned()).await?;
    let mut rng = rng(seed, Stream::Customers);
    progress.start("Generating customers", total as u64);
    let mut addresses = 0;
    for start in (0..total).step_by(CHUNK) {
        let end = (start + CHUNK).min(total);
        let batch: Vec<NewCustomer> = (start..end).map(|i| new_customer(&mut rng, i + 1, &hash)).collect();
        addresses += batch.iter().map(|c| c.addresses.len()).sum::<usize>();
        let mut tx = db.begin().await.storage()?;
        customer::insert_batch(&mut tx, tenant, crypto, batch).await?;
        tx.commit().await.storage()?;
        progress.advance((end - start) as u64);
    }
    progress.finish();
    Ok((total, addresses))
}

/// Customer number `n` (1-based); `n` in the email keeps every address unique.
pub(super) fn new_customer(rng: &mut impl Rng, n: usize, password_hash: &str) -> NewCustomer {
    let female = rng.random_bool(0.5);
    let firstname = *pick(rng, if female { words::FEMALE_NAMES } else { words::MALE_NAMES });
    let lastname = *pick(rng, words::LAST_NAMES);
    let gender = chance(rng, 70).then_some(if female { FEMALE } else { MALE });
    let dob = chance(rng, 60).then(|| date_of_birth(rng));
    let mut addresses = vec![address(rng, firstname, lastname)];
    if chance(rng, 35) {
        addresses.push(address(rng, firstname, lastname));
    }
    set_defaults(rng, &mut addresses);
    NewCustomer {
        email: format!("{}.{}{n}@example.com", firstname.to_lowercase(), lastname.to_lowercase()),
        firstname: firstname.to_owned(),
        lastname: lastname.to_owned(),
        group_id: 1,
        website_id: 1,
        store_id: 1,
        dob,
        gender,
        password_hash: Some(password_hash.to_owned()),
        addresses,
    }
}

/// The first address bills; with a second one, it ships there half the time.
fn set_defaults(rng: &mut impl Rng, addresses: &mut [NewAddress]) {
    let shipping = if addresses.len() > 1 && rng.random_bool(0.5) { 1 } else { 0 };
    for (i, a) in addresses.iter_mut().enumerate() {
        a.default_billing = i == 0;
        a.default_shipping = i == shipping;
    }
}

/// `YYYY-MM-DD` between 1955 and 2005 (day ≤ 28, so every month is valid).
fn date_of_birth(rng: &mut impl Rng) -> String {
    format!("{}-{:02}-{:02}", rng.random_range(1955..=2005), rng.random_range(1..=12), rng.random_range(1..=28))
}

fn address(rng: &mut impl Rng, firstname: &str, lastname: &str) -> NewAddress {
    let city: &City = pick(rng, words::CITIES);
    let region = words::us_region(city.region_code);
    let mut street = vec![format!(
        "{} {} {}",
        rng.random_range(10..=9899),
        pick(rng, words::STREET_NAMES),
        pick(rng, words::STREET_SUFFIXES)
    )];
    if chance(rng, 20) {
        let unit = if rng.random_bool(0.5) { "Apt" } else { "Suite" };
        street.push(format!("{unit} {}", rng.random_range(1..=450)));
    }
    NewAddress {
        firstname: firstname.to_owned(),
        lastname: lastname.to_owned(),
        company: chance(rng, 25).then(|| pick(rng, words::COMPANIES).to_string()),
        street,
        city: city.name.to_owned(),
        region: region.map(|r| r.name.to_owned()),
        region_id: region.map(|r| r.id),
        region_code: region.map(|r| r.code.to_owned()),
        postcode: Some(format!("{}{:02}", city.zip3, rng.random_range(1..=99))),
        country_id: "US".to_owned(),
        // 555-0100 to 555-0199 are the numbers reserved for fiction.
        telephone: Some(format!("{}-555-01{:02}", city.area_code, rng.random_range(0..=99))),
        default_billing: false,
        default_shipping: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn customers_are_complete_and_unique() {
        let mut r = rng(42, Stream::Customers);
        let customers: Vec<_> = (1..=500).map(|n| new_customer(&mut r, n, "hash")).collect();
        let emails: HashSet<_> = customers.iter().map(|c| c.email.clone()).collect();
        assert_eq!(emails.len(), customers.len());
        for c in &customers {
            assert!((1..=2).contains(&c.addresses.len()));
            assert_eq!(c.addresses.iter().filter(|a| a.default_billing).count(), 1);
            assert_eq!(c.addresses.iter().filter(|a| a.default_shipping).count(), 1);
            for a in &c.addresses {
                assert!(a.region_id.is_some() && a.region_code.is_some());
                assert_eq!(a.postcode.as_deref().map(str::len), Some(5));
            }
        }
        assert!(customers.iter().any(|c| c.gender.is_some()) && customers.iter().any(|c| c.gender.is_none()));
        assert!(customers.iter().any(|c| c.dob.is_some()) && customers.iter().any(|c| c.dob.is_none()));
    }
}

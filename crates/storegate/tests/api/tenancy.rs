//! One platform store's credentials never reach another's rows.

use crate::helpers::{TestServer, status_json};
use rust_decimal::Decimal;
use storegate_domain::catalog::products::{self, NewProduct};
use storegate_domain::tokens::{self, TokenKind};
use storegate_domain::{admin, tenancy};

#[tokio::test(flavor = "multi_thread")]
async fn another_tenants_token_and_rows_stay_out_of_reach() {
    let server = TestServer::start().await;
    let other = tenancy::create(&server.db, "other", "Other Store", "http://other").await.unwrap();
    assert_ne!(other, server.tenant);

    let mut tx = server.db.begin().await.unwrap();
    products::insert_batch(&mut tx, server.tenant, vec![NewProduct::simple("SHARED", "Ours", Decimal::from(10))])
        .await
        .unwrap();
    products::insert_batch(&mut tx, other, vec![NewProduct::simple("SHARED", "Theirs", Decimal::from(99))])
        .await
        .unwrap();
    products::insert_batch(&mut tx, other, vec![NewProduct::simple("ONLY-THEIRS", "Theirs too", Decimal::from(5))])
        .await
        .unwrap();
    // An all-powerful admin of the other tenant, with a live token.
    admin::create_role(&mut tx, other, "Root", &["Magento_Backend::all".to_owned()]).await.unwrap();
    admin::create_user(
        &mut tx,
        other,
        admin::NewAdmin { username: "admin", password: "other123", email: None, role: "Root" },
    )
    .await
    .unwrap();
    let their_token = tokens::issue(&mut tx, other, TokenKind::Admin, 1, time::Duration::hours(1)).await.unwrap();
    tx.commit().await.unwrap();

    // Their token means nothing here, even though a user with that id exists here too.
    assert_eq!(server.get("/rest/V1/products/SHARED", Some(&their_token)).await.status(), 401);
    // Their password does not sign in here, although the user name is the same.
    assert_eq!(server.token_for("admin", "other123").await.status(), 401);

    let ours = server.admin_token().await;
    let (_, p) = status_json(server.get("/rest/V1/products/SHARED", Some(&ours)).await).await;
    assert_eq!(p["name"], "Ours");
    assert_eq!(server.get("/rest/V1/products/ONLY-THEIRS", Some(&ours)).await.status(), 404);
    assert_eq!(server.send(reqwest::Method::DELETE, "/rest/V1/products/SHARED", Some(&ours), None).await.status(), 200);

    let mut r = server.db.reader().await.unwrap();
    let theirs =
        products::get_by_sku(&mut r, other, "SHARED", 1).await.unwrap().expect("their product survives our delete");
    assert_eq!(theirs.name, "Theirs");
    assert_eq!(theirs.id, 1, "ids are numbered per tenant");
}

//! Categories over real HTTP: the tree, search, reads and saves, moves, deletes, product
//! assignments, store-scoped names, permissions and audit.

use crate::acl::user_with;
use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use storegate_db::sql;
use storegate_domain::catalog::products::{NewProduct, insert_batch};

async fn create(server: &TestServer, token: &str, category: Value) -> Value {
    let (status, body) = status_json(
        server.send(Method::POST, "/rest/V1/categories", Some(token), Some(json!({ "category": category }))).await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn get(server: &TestServer, token: &str, path: &str) -> (u16, Value) {
    status_json(server.get(path, Some(token)).await).await
}

fn attr<'a>(category: &'a Value, code: &str) -> Option<&'a Value> {
    category["custom_attributes"].as_array().unwrap().iter().find(|a| a["attribute_code"] == code).map(|a| &a["value"])
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

/// Gear (Bags (Backpacks), Watches) and Men under the default category.
async fn small_tree(server: &TestServer, token: &str) -> (i64, i64, i64, i64, i64) {
    let gear = id(&create(server, token, json!({"name": "Gear"})).await);
    let bags = id(&create(server, token, json!({"name": "Bags", "parent_id": gear})).await);
    let backpacks = id(&create(server, token, json!({"name": "Backpacks", "parentId": bags})).await);
    let watches = id(&create(server, token, json!({"name": "Watches", "parent_id": gear.to_string()})).await);
    let men = id(&create(server, token, json!({"name": "Men"})).await);
    (gear, bags, backpacks, watches, men)
}

/// A second store view, `fr`, in the main website.
async fn french_view(server: &TestServer) {
    server
        .db
        .execute(sql!(
            "INSERT INTO store_views (tenant_id, id, code, name, website_id, group_id, sort_order, is_active) \
             VALUES ($1, 2, 'fr', 'French', 1, 1, 1, $2)",
            server.tenant.0,
            true
        ))
        .await
        .unwrap();
}

async fn products(server: &TestServer, skus: &[&str]) {
    let mut tx = server.db.begin().await.unwrap();
    let batch = skus.iter().map(|s| NewProduct::simple(*s, *s, Decimal::from(10))).collect();
    insert_batch(&mut tx, server.tenant, batch).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn created_categories_read_back_in_magentos_shape() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let (gear, bags, backpacks, watches, _) = small_tree(&server, &token).await;

    let (status, c) = get(&server, &token, &format!("/rest/V1/categories/{gear}")).await;
    assert_eq!(status, 200, "{c}");
    let keys: Vec<&String> = c.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id",
            "parent_id",
            "name",
            "is_active",
            "position",
            "level",
            "children",
            "created_at",
            "updated_at",
            "path",
            "available_sort_by",
            "include_in_menu",
            "custom_attributes"
        ]
    );
    assert_eq!(c["parent_id"], 2);
    assert_eq!(c["name"], "Gear");
    assert_eq!(c["is_active"], true);
    assert_eq!(c["include_in_menu"], true);
    assert_eq!(c["level"], 2);
    assert_eq!(c["path"], format!("1/2/{gear}"));
    assert_eq!(c["children"], format!("{bags},{watches}"));
    assert_eq!(c["available_sort_by"], json!([]));
    assert_eq!(attr(&c, "url_key"), Some(&json!("gear")));
    assert_eq!(attr(&c, "url_path"), Some(&json!("gear")));
    assert_eq!(attr(&c, "is_anchor"), Some(&json!("1")));
    assert_eq!(attr(&c, "children_count"), Some(&json!("3")));
    assert_eq!(attr(&c, "path"), Some(&json!(format!("1/2/{gear}"))));

    let (_, b) = get(&server, &token, &format!("/rest/V1/categories/{backpacks}")).await;
    assert_eq!(b["level"], 4);
    assert_eq!(b["path"], format!("1/2/{gear}/{bags}/{backpacks}"));
    assert_eq!(attr(&b, "url_path"), Some(&json!("gear/bags/backpacks")));
    assert_eq!(b["children"], "");

    // Unknown ids: Magento's single-field miss.
    let (status, body) = get(&server, &token, "/rest/V1/categories/9999").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "id", "fieldValue": 9999}})
    );
    let (status, _) = get(&server, &token, "/rest/V1/categories/nope").await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tree_has_depth_positions_and_a_trailing_slash() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let (gear, bags, backpacks, watches, men) = small_tree(&server, &token).await;

    for path in ["/rest/V1/categories", "/rest/V1/categories/", "/rest/default/V1/categories?rootCategoryId=2"] {
        let (status, tree) = get(&server, &token, path).await;
        assert_eq!(status, 200, "{path}: {tree}");
        assert_eq!(tree["id"], 2, "{path}");
        assert_eq!(tree["parent_id"], 1);
        assert_eq!(tree["name"], "Default Category");
        assert_eq!(tree["level"], 1);
        let keys: Vec<&String> = tree.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["id", "parent_id", "name", "is_active", "position", "level", "product_count", "children_data"]
        );
        let top: Vec<i64> = tree["children_data"].as_array().unwrap().iter().map(id).collect();
        assert_eq!(top, [gear, men], "{path}");
        let gear_node = &tree["children_data"][0];
        assert_eq!(gear_node["position"], 1);
        let under_gear: Vec<i64> = gear_node["children_data"].as_array().unwrap().iter().map(id).collect();
        assert_eq!(under_gear, [bags, watches]);
        assert_eq!(gear_node["children_data"][0]["children_data"][0]["id"], backpacks);
        assert_eq!(gear_node["children_data"][0]["children_data"][0]["children_data"], json!([]));
    }

    let (_, shallow) = get(&server, &token, "/rest/V1/categories?depth=1").await;
    assert_eq!(shallow["children_data"].as_array().unwrap().len(), 2);
    assert_eq!(shallow["children_data"][0]["children_data"], json!([]));
    let (_, none) = get(&server, &token, "/rest/V1/categories?depth=0").await;
    assert_eq!(none["children_data"], json!([]));

    let (_, sub) = get(&server, &token, &format!("/rest/V1/categories?rootCategoryId={gear}&depth=1")).await;
    assert_eq!(sub["id"], gear);
    assert_eq!(sub["children_data"].as_array().unwrap().len(), 2);
    assert_eq!(sub["children_data"][0]["children_data"], json!([]));

    let (_, whole) = get(&server, &token, "/rest/V1/categories?root_category_id=1").await;
    assert_eq!(whole["id"], 1);
    assert_eq!(whole["parent_id"], 0);
    assert_eq!(whole["children_data"][0]["id"], 2);

    let (status, body) = get(&server, &token, "/rest/V1/categories?rootCategoryId=4242").await;
    assert_eq!((status, &body["parameters"]["fieldValue"]), (404, &json!(4242)));
}

#[tokio::test(flavor = "multi_thread")]
async fn categories_are_searched_with_search_criteria() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let (gear, bags, backpacks, watches, _) = small_tree(&server, &token).await;

    let (status, all) = get(&server, &token, "/rest/V1/categories/list").await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["total_count"], 7, "root, default and five");
    let keys: Vec<&String> = all.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["items", "search_criteria", "total_count"]);

    let q = format!(
        "/rest/V1/categories/list?searchCriteria[filterGroups][0][filters][0][field]=parent_id\
         &searchCriteria[filterGroups][0][filters][0][value]={gear}\
         &searchCriteria[sortOrders][0][field]=name&searchCriteria[sortOrders][0][direction]=DESC"
    );
    let (_, children) = get(&server, &token, &q).await;
    let ids: Vec<i64> = children["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, [watches, bags]);
    assert_eq!(children["items"][0]["path"], format!("1/2/{gear}/{watches}"));
    assert_eq!(children["search_criteria"]["sort_orders"][0]["direction"], "DESC");

    let q = "/rest/V1/categories/list?searchCriteria[filter_groups][0][filters][0][field]=name\
             &searchCriteria[filter_groups][0][filters][0][value]=back%25&searchCriteria[filter_groups][0][filters][0][condition_type]=like";
    let (_, found) = get(&server, &token, q).await;
    assert_eq!(found["total_count"], 1);
    assert_eq!(found["items"][0]["id"], backpacks);

    let q = "/rest/V1/categories/list?searchCriteria[filter_groups][0][filters][0][field]=level\
             &searchCriteria[filter_groups][0][filters][0][value]=3&searchCriteria[filter_groups][0][filters][0][condition_type]=gteq\
             &searchCriteria[pageSize]=1&searchCriteria[currentPage]=2";
    let (_, paged) = get(&server, &token, q).await;
    assert_eq!(paged["total_count"], 3);
    assert_eq!(paged["items"].as_array().unwrap().len(), 1);

    let q = "/rest/V1/categories/list?searchCriteria[filter_groups][0][filters][0][field]=secret_column\
             &searchCriteria[filter_groups][0][filters][0][value]=1";
    let (status, body) = get(&server, &token, q).await;
    assert_eq!(status, 400);
    assert_eq!(body, json!({"message": "Invalid attribute name: %1", "parameters": ["secret_column"]}));
}

#[tokio::test(flavor = "multi_thread")]
async fn saves_merge_and_keep_custom_attributes() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let created = create(
        &server,
        &token,
        json!({
            "name": "Sale",
            "is_active": "0",
            "include_in_menu": false,
            "available_sort_by": ["price", "name"],
            "custom_attributes": [
                {"attribute_code": "url_key", "value": "on-sale"},
                {"attribute_code": "description", "value": "<p>Everything must go</p>"},
                {"attribute_code": "meta_title", "value": "Sale!"},
                {"attribute_code": "is_anchor", "value": "0"},
                {"attribute_code": "display_mode", "value": "PAGE"},
                {"attribute_code": "children_count", "value": "99"}
            ]
        }),
    )
    .await;
    let sale = id(&created);
    assert_eq!(created["is_active"], false);
    assert_eq!(created["include_in_menu"], false);
    assert_eq!(created["available_sort_by"], json!(["price", "name"]));
    assert_eq!(attr(&created, "url_key"), Some(&json!("on-sale")));
    assert_eq!(attr(&created, "description"), Some(&json!("<p>Everything must go</p>")));
    assert_eq!(attr(&created, "meta_title"), Some(&json!("Sale!")));
    assert_eq!(attr(&created, "is_anchor"), Some(&json!("0")));
    assert_eq!(attr(&created, "display_mode"), Some(&json!("PAGE")));
    assert_eq!(attr(&created, "children_count"), Some(&json!("0")));

    // Only what is sent changes; the map spelling of custom_attributes works too.
    let (status, updated) = status_json(
        server
            .send(
                Method::PUT,
                &format!("/rest/V1/categories/{sale}"),
                Some(&token),
                Some(json!({"category": {"name": "Big Sale", "customAttributes": {"meta_title": "Now", "meta_keywords": "cheap"}}})),
            )
            .await,
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["name"], "Big Sale");
    assert_eq!(updated["is_active"], false);
    assert_eq!(updated["available_sort_by"], json!(["price", "name"]));
    assert_eq!(attr(&updated, "meta_title"), Some(&json!("Now")));
    assert_eq!(attr(&updated, "meta_keywords"), Some(&json!("cheap")));
    assert_eq!(attr(&updated, "description"), Some(&json!("<p>Everything must go</p>")));
    assert_eq!(attr(&updated, "url_key"), Some(&json!("on-sale")));
    // A parent in a PUT body does not move the category.
    let (_, moved) = status_json(
        server
            .send(
                Method::PUT,
                &format!("/rest/V1/categories/{sale}"),
                Some(&token),
                Some(json!({"category": {"parent_id": 1}})),
            )
            .await,
    )
    .await;
    assert_eq!(moved["parent_id"], 2);

    // Refusals.
    let (status, body) = status_json(
        server
            .send(Method::POST, "/rest/V1/categories", Some(&token), Some(json!({"category": {"is_active": true}})))
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "Could not save category: %1");
    assert_eq!(body["parameters"], json!(["The \"Name\" attribute is required. Enter and try again."]));
    let (status, body) = status_json(
        server
            .send(
                Method::POST,
                "/rest/V1/categories",
                Some(&token),
                Some(json!({"category": {"name": "X", "parent_id": 777}})),
            )
            .await,
    )
    .await;
    assert_eq!((status, &body["parameters"]), (404, &json!({"fieldName": "id", "fieldValue": 777})));
    let (status, body) =
        status_json(server.send(Method::POST, "/rest/V1/categories", Some(&token), Some(json!({"name": "X"}))).await)
            .await;
    assert_eq!((status, &body["parameters"]["fieldName"]), (400, &json!("category")));
    let (status, body) = status_json(
        server
            .send(Method::POST, "/rest/V1/categories", Some(&token), Some(json!({"category": {"name": "On Sale"}})))
            .await,
    )
    .await;
    assert_eq!(status, 400, "a sibling has the URL key on-sale");
    assert_eq!(body["parameters"], json!(["URL key for specified store already exists."]));
    let (status, _) = status_json(
        server
            .send(Method::PUT, "/rest/V1/categories/5555", Some(&token), Some(json!({"category": {"name": "Ghost"}})))
            .await,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn names_saved_through_a_store_view_are_read_there() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    french_view(&server).await;
    let (_, bags, _, _, _) = small_tree(&server, &token).await;

    let (status, fr) = status_json(
        server
            .send(
                Method::PUT,
                &format!("/rest/fr/V1/categories/{bags}"),
                Some(&token),
                Some(json!({"category": {"name": "Sacs", "custom_attributes": [{"attribute_code": "meta_title", "value": "Sacs"}]}})),
            )
            .await,
    )
    .await;
    assert_eq!(status, 200, "{fr}");
    assert_eq!(fr["name"], "Sacs");
    let (_, default) = get(&server, &token, &format!("/rest/V1/categories/{bags}")).await;
    assert_eq!(default["name"], "Bags");
    assert_eq!(attr(&default, "meta_title"), None);
    let (_, by_param) = get(&server, &token, &format!("/rest/V1/categories/{bags}?storeId=2")).await;
    assert_eq!(by_param["name"], "Sacs");
    let (_, tree) = get(&server, &token, "/rest/fr/V1/categories").await;
    assert_eq!(tree["children_data"][0]["children_data"][0]["name"], "Sacs");
    let (_, tree) = get(&server, &token, "/rest/V1/categories").await;
    assert_eq!(tree["children_data"][0]["children_data"][0]["name"], "Bags");
    // Through the default store view the default scope changes.
    status_json(
        server
            .send(
                Method::PUT,
                &format!("/rest/default/V1/categories/{bags}"),
                Some(&token),
                Some(json!({"category": {"name": "Totes"}})),
            )
            .await,
    )
    .await;
    let (_, all) = get(&server, &token, &format!("/rest/V1/categories/{bags}")).await;
    assert_eq!(all["name"], "Totes");
    let (_, still) = get(&server, &token, &format!("/rest/fr/V1/categories/{bags}")).await;
    assert_eq!(still["name"], "Sacs");
}

#[tokio::test(flavor = "multi_thread")]
async fn moves_rewrite_the_subtree_and_refuse_cycles() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let (gear, bags, backpacks, watches, men) = small_tree(&server, &token).await;
    let shirts = id(&create(&server, &token, json!({"name": "Shirts", "parent_id": men})).await);

    let r = server
        .send(
            Method::PUT,
            &format!("/rest/V1/categories/{bags}/move"),
            Some(&token),
            Some(json!({"parentId": men, "afterId": 0})),
        )
        .await;
    let request_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let (status, body) = status_json(r).await;
    assert_eq!((status, body), (200, json!(true)));

    let (_, b) = get(&server, &token, &format!("/rest/V1/categories/{bags}")).await;
    assert_eq!(b["parent_id"], men);
    assert_eq!(b["path"], format!("1/2/{men}/{bags}"));
    assert_eq!(b["level"], 3);
    assert_eq!(b["position"], 1, "afterId 0 puts it first");
    assert_eq!(attr(&b, "url_path"), Some(&json!("men/bags")));
    let (_, p) = get(&server, &token, &format!("/rest/V1/categories/{backpacks}")).await;
    assert_eq!(p["path"], format!("1/2/{men}/{bags}/{backpacks}"));
    assert_eq!(p["level"], 4);
    assert_eq!(attr(&p, "url_path"), Some(&json!("men/bags/backpacks")));
    let (_, s) = get(&server, &token, &format!("/rest/V1/categories/{shirts}")).await;
    assert_eq!(s["position"], 2);
    let (_, g) = get(&server, &token, &format!("/rest/V1/categories/{gear}")).await;
    assert_eq!(g["children"], watches.to_string());
    assert_eq!(attr(&g, "children_count"), Some(&json!("1")));

    // After a sibling, and to the end when afterId is absent.
    status_json(
        server
            .send(
                Method::PUT,
                &format!("/rest/V1/categories/{watches}/move"),
                Some(&token),
                Some(json!({"parentId": men, "afterId": bags})),
            )
            .await,
    )
    .await;
    let (_, tree) = get(&server, &token, &format!("/rest/V1/categories?rootCategoryId={men}&depth=1")).await;
    let order: Vec<i64> = tree["children_data"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(order, [bags, watches, shirts]);
    let positions: Vec<i64> =
        tree["children_data"].as_array().unwrap().iter().map(|n| n["position"].as_i64().unwrap()).collect();
    assert_eq!(positions, [1, 2, 3]);
    status_json(
        server
            .send(
                Method::PUT,
                &format!("/rest/V1/categories/{bags}/move"),
                Some(&token),
                Some(json!({"parent_id": men})),
            )
            .await,
    )
    .await;
    let (_, tree) = get(&server, &token, &format!("/rest/V1/categories?rootCategoryId={men}&depth=1")).await;
    let order: Vec<i64> = tree["children_data"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(order, [watches, shirts, bags]);

    // Under its own descendant, or itself: refused, nothing changed.
    for target in [backpacks, bags] {
        let (status, body) = status_json(
            server
                .send(
                    Method::PUT,
                    &format!("/rest/V1/categories/{bags}/move"),
                    Some(&token),
                    Some(json!({"parentId": target})),
                )
                .await,
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["message"], "Operation do not allow to move a parent category to any of children category");
    }
    let (status, _) = status_json(
        server.send(Method::PUT, "/rest/V1/categories/1/move", Some(&token), Some(json!({"parentId": 2}))).await,
    )
    .await;
    assert_eq!(status, 400);
    let (_, p) = get(&server, &token, &format!("/rest/V1/categories/{backpacks}")).await;
    assert_eq!(p["path"], format!("1/2/{men}/{bags}/{backpacks}"));
    // Unknown category or parent.
    for (category, parent) in [(9999, men), (bags, 9999)] {
        let (status, body) = status_json(
            server
                .send(
                    Method::PUT,
                    &format!("/rest/V1/categories/{category}/move"),
                    Some(&token),
                    Some(json!({"parentId": parent})),
                )
                .await,
        )
        .await;
        assert_eq!((status, &body["parameters"]["fieldValue"]), (404, &json!(9999)));
    }
    // A sibling there with the same URL key would share its URL.
    let other_shirts = id(&create(&server, &token, json!({"name": "Shirts", "parent_id": gear})).await);
    let (status, body) = status_json(
        server
            .send(
                Method::PUT,
                &format!("/rest/V1/categories/{other_shirts}/move"),
                Some(&token),
                Some(json!({"parentId": men})),
            )
            .await,
    )
    .await;
    assert_eq!((status, body), (400, json!({"message": "Could not move category"})));
    // A missing parentId names the field.
    let (status, body) = status_json(
        server.send(Method::PUT, &format!("/rest/V1/categories/{bags}/move"), Some(&token), Some(json!({}))).await,
    )
    .await;
    assert_eq!((status, &body["parameters"]["fieldName"]), (400, &json!("parent_id")));

    let row = server
        .db
        .fetch_optional(sql!("SELECT sentence, target FROM audit_log WHERE request_id = $1", request_id))
        .await
        .unwrap()
        .expect("the move is audited");
    assert_eq!(
        row.get::<String>("sentence").unwrap(),
        format!("admin admin moved category {bags} under {men} in default")
    );
    assert_eq!(row.get::<String>("target").unwrap(), bags.to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_takes_the_subtree_and_spares_roots() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let (gear, bags, backpacks, watches, men) = small_tree(&server, &token).await;
    products(&server, &["P1"]).await;
    let link = json!({"productLink": {"sku": "P1", "position": 1}});
    let (status, _) = status_json(
        server.send(Method::POST, &format!("/rest/V1/categories/{backpacks}/products"), Some(&token), Some(link)).await,
    )
    .await;
    assert_eq!(status, 200);

    let (status, body) =
        status_json(server.send(Method::DELETE, &format!("/rest/V1/categories/{gear}"), Some(&token), None).await)
            .await;
    assert_eq!((status, body), (200, json!(true)));
    for gone in [gear, bags, backpacks, watches] {
        let (status, _) = get(&server, &token, &format!("/rest/V1/categories/{gone}")).await;
        assert_eq!(status, 404, "{gone}");
    }
    let (status, _) = get(&server, &token, &format!("/rest/V1/categories/{men}")).await;
    assert_eq!(status, 200);
    let links: i64 = server
        .db
        .fetch_optional(sql!("SELECT COUNT(*) AS n FROM category_products WHERE tenant_id = $1", server.tenant.0))
        .await
        .unwrap()
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(links, 0);
    // The product itself stays.
    assert_eq!(server.get("/rest/V1/products/P1", Some(&token)).await.status(), 200);

    for root in [1, 2] {
        let (status, body) =
            status_json(server.send(Method::DELETE, &format!("/rest/V1/categories/{root}"), Some(&token), None).await)
                .await;
        assert_eq!(status, 400);
        assert_eq!(body, json!({"message": "Cannot delete category with id %1", "parameters": [root.to_string()]}));
    }
    let (status, body) =
        status_json(server.send(Method::DELETE, &format!("/rest/V1/categories/{gear}"), Some(&token), None).await)
            .await;
    assert_eq!((status, &body["parameters"]["fieldValue"]), (404, &json!(gear)));
}

#[tokio::test(flavor = "multi_thread")]
async fn products_are_assigned_listed_counted_and_removed() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let (gear, bags, backpacks, watches, _) = small_tree(&server, &token).await;
    products(&server, &["BAG-1", "BAG 2/ü", "WATCH-1"]).await;
    let assign = |method: Method, category: i64, link: Value| {
        let server = &server;
        let token = &token;
        async move {
            status_json(
                server
                    .send(
                        method,
                        &format!("/rest/V1/categories/{category}/products"),
                        Some(token),
                        Some(json!({"productLink": link})),
                    )
                    .await,
            )
            .await
        }
    };
    assert_eq!(assign(Method::POST, bags, json!({"sku": "BAG-1", "position": 2})).await, (200, json!(true)));
    assert_eq!(
        assign(Method::POST, bags, json!({"sku": "BAG 2/ü", "position": 1, "category_id": bags.to_string()})).await,
        (200, json!(true))
    );
    assert_eq!(assign(Method::POST, backpacks, json!({"sku": "BAG-1"})).await, (200, json!(true)));
    assert_eq!(assign(Method::PUT, watches, json!({"sku": "WATCH-1", "position": 5})).await, (200, json!(true)));

    let (status, links) = get(&server, &token, &format!("/rest/V1/categories/{bags}/products")).await;
    assert_eq!(status, 200);
    assert_eq!(
        links,
        json!([
            {"sku": "BAG 2/ü", "position": 1, "category_id": bags.to_string()},
            {"sku": "BAG-1", "position": 2, "category_id": bags.to_string()}
        ])
    );
    // PUT changes the position.
    assert_eq!(assign(Method::PUT, bags, json!({"sku": "BAG-1", "position": 0})).await, (200, json!(true)));
    let (_, links) = get(&server, &token, &format!("/rest/V1/categories/{bags}/products")).await;
    assert_eq!(links[0]["sku"], "BAG-1");

    // Anchor categories count their descendants' products once each.
    let (_, tree) = get(&server, &token, &format!("/rest/V1/categories?rootCategoryId={gear}")).await;
    assert_eq!(tree["product_count"], 3);
    assert_eq!(tree["children_data"][0]["product_count"], 2, "Bags: BAG-1 counted once");
    assert_eq!(tree["children_data"][0]["children_data"][0]["product_count"], 1);
    assert_eq!(tree["children_data"][1]["product_count"], 1);
    // A category that is not an anchor counts its own products only.
    status_json(
        server
            .send(
                Method::PUT,
                &format!("/rest/V1/categories/{gear}"),
                Some(&token),
                Some(json!({"category": {"custom_attributes": [{"attribute_code": "is_anchor", "value": false}]}})),
            )
            .await,
    )
    .await;
    let (_, tree) = get(&server, &token, &format!("/rest/V1/categories?rootCategoryId={gear}")).await;
    assert_eq!(tree["product_count"], 0);

    // Removal, by URL-encoded SKU.
    let (status, body) = status_json(
        server
            .send(Method::DELETE, &format!("/rest/V1/categories/{bags}/products/BAG%202%2F%C3%BC"), Some(&token), None)
            .await,
    )
    .await;
    assert_eq!((status, body), (200, json!(true)));
    let (_, links) = get(&server, &token, &format!("/rest/V1/categories/{bags}/products")).await;
    assert_eq!(links.as_array().unwrap().len(), 1);
    let (status, body) = status_json(
        server.send(Method::DELETE, &format!("/rest/V1/categories/{bags}/products/WATCH-1"), Some(&token), None).await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "The category doesn't contain the specified product.");

    // Unknown products and categories, and a body naming another category.
    let (status, body) = assign(Method::POST, bags, json!({"sku": "NOPE"})).await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "The product that was requested doesn't exist. Verify the product and try again.");
    let (status, _) = status_json(
        server.send(Method::DELETE, &format!("/rest/V1/categories/{bags}/products/NOPE"), Some(&token), None).await,
    )
    .await;
    assert_eq!(status, 404);
    let (status, body) = assign(Method::POST, 9999, json!({"sku": "BAG-1"})).await;
    assert_eq!((status, &body["parameters"]["fieldName"]), (404, &json!("id")));
    let (status, _) = get(&server, &token, "/rest/V1/categories/9999/products").await;
    assert_eq!(status, 404);
    let (status, _) = assign(Method::POST, bags, json!({"sku": "BAG-1", "category_id": watches})).await;
    assert_eq!(status, 400);
    let (status, body) = assign(Method::POST, bags, json!({"position": 1})).await;
    assert_eq!((status, &body["parameters"]["fieldName"]), (400, &json!("product_link.sku")));
}

#[tokio::test(flavor = "multi_thread")]
async fn categories_need_their_resource() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let (gear, ..) = small_tree(&server, &admin).await;
    let products_only = user_with(&server, "Products", &["Magento_Catalog::products"]).await;
    for path in
        ["/rest/V1/categories".to_owned(), format!("/rest/V1/categories/{gear}"), "/rest/V1/categories/list".to_owned()]
    {
        let (status, body) = get(&server, &products_only, &path).await;
        assert_eq!(status, 403, "{path}");
        assert_eq!(body["parameters"]["resources"], "Magento_Catalog::categories");
    }
    let (status, _) = status_json(
        server.send(Method::DELETE, &format!("/rest/V1/categories/{gear}"), Some(&products_only), None).await,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(server.get("/rest/V1/categories", None).await.status(), 401);

    let categories = user_with(&server, "Cats", &["Magento_Catalog::categories"]).await;
    let (status, _) = get(&server, &categories, "/rest/V1/categories").await;
    assert_eq!(status, 200);
    let (status, created) = status_json(
        server
            .send(Method::POST, "/rest/V1/categories", Some(&categories), Some(json!({"category": {"name": "Outlet"}})))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let sentence: String = server
        .db
        .fetch_optional(sql!(
            "SELECT sentence FROM audit_log WHERE operation_id = 'catalog.categories.create' AND principal_name = 'admin cats-user'"
        ))
        .await
        .unwrap()
        .expect("the create is audited")
        .get("sentence")
        .unwrap();
    assert_eq!(sentence, format!("admin cats-user created category {} \"Outlet\" under 2 in default", created["id"]));
}

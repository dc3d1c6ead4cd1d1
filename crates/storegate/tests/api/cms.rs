//! CMS pages and blocks over real HTTP: saves, merges, identifiers unique per store view,
//! search, deletes, content kept byte for byte, permissions and audit.

use crate::acl::user_with;
use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use serde_json::{Value, json};
use storegate_db::sql;

async fn send(server: &TestServer, token: &str, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    status_json(server.send(method, path, Some(token), body).await).await
}

async fn page(server: &TestServer, token: &str, page: Value) -> (u16, Value) {
    send(server, token, Method::POST, "/rest/V1/cmsPage", Some(json!({ "page": page }))).await
}

async fn block(server: &TestServer, token: &str, block: Value) -> (u16, Value) {
    send(server, token, Method::POST, "/rest/V1/cmsBlock", Some(json!({ "block": block }))).await
}

async fn store_ids(server: &TestServer, table: &str, column: &str, id: i64) -> Vec<i64> {
    let rows = server
        .db
        .fetch_all(sql!(
            format!("SELECT store_id FROM {table} WHERE tenant_id = $1 AND {column} = $2 ORDER BY store_id"),
            server.tenant.0,
            id
        ))
        .await
        .unwrap();
    rows.iter().map(|r| r.get::<i64>("store_id").unwrap()).collect()
}

/// Store views 2 (`fr`) and 3 (`de`) besides `default`.
async fn more_views(server: &TestServer) {
    for (id, code) in [(2, "fr"), (3, "de")] {
        server
            .db
            .execute(sql!(
                "INSERT INTO store_views (tenant_id, id, code, name, website_id, group_id, sort_order, is_active) \
                 VALUES ($1, $2, $3, $3, 1, 1, $2, $4)",
                server.tenant.0,
                id,
                code,
                true
            ))
            .await
            .unwrap();
    }
}

const CONTENT: &str = "<div class=\"x\" data-a='1'>Caf\u{e9} &amp; <b>bold</b> \u{1F600}\n<script>alert('kept as data')</script>{{widget type=\"x\"}}</div>";

#[tokio::test(flavor = "multi_thread")]
async fn pages_are_created_read_merged_and_deleted() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let (status, created) = page(
        &server,
        &token,
        json!({
            "identifier": "about-us",
            "title": "About us",
            "content": CONTENT,
            "content_heading": "Who we are",
            "page_layout": "1column",
            "meta_description": "About",
            "sort_order": 3,
            "active": true,
            "store_id": [0]
        }),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["identifier"], "about-us");
    assert_eq!(created["content"], CONTENT, "content is kept byte for byte");
    assert_eq!(created["sort_order"], "3");
    assert_eq!(created["active"], true);
    assert!(created["creation_time"].as_str().unwrap().len() == 19);
    assert!(created.get("meta_keywords").is_none(), "unset fields are omitted");
    assert!(created.get("store_id").is_none());
    let keys: Vec<&String> = created.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id",
            "identifier",
            "title",
            "page_layout",
            "meta_description",
            "content_heading",
            "content",
            "creation_time",
            "update_time",
            "sort_order",
            "active"
        ]
    );
    assert_eq!(store_ids(&server, "cms_page_stores", "page_id", id).await, [0]);

    let (status, read) = send(&server, &token, Method::GET, &format!("/rest/V1/cmsPage/{id}"), None).await;
    assert_eq!((status, &read), (200, &created));

    // Only what is sent changes.
    let (status, updated) = send(
        &server,
        &token,
        Method::PUT,
        &format!("/rest/V1/cmsPage/{id}"),
        Some(json!({"page": {"title": "About", "is_active": "0", "meta_keywords": "us"}})),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["title"], "About");
    assert_eq!(updated["active"], false);
    assert_eq!(updated["meta_keywords"], "us");
    assert_eq!(updated["content"], CONTENT);
    assert_eq!(updated["identifier"], "about-us");
    assert_eq!(updated["creation_time"], created["creation_time"]);
    assert_eq!(store_ids(&server, "cms_page_stores", "page_id", id).await, [0]);

    let r = server.send(Method::DELETE, &format!("/rest/V1/cmsPage/{id}"), Some(&token), None).await;
    let request_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(status_json(r).await, (200, json!(true)));
    for path in [format!("/rest/V1/cmsPage/{id}"), "/rest/V1/cmsPage/abc".to_owned()] {
        let (status, body) = send(&server, &token, Method::GET, &path, None).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["message"], "The CMS page with the \"%1\" ID doesn't exist.");
    }
    let (status, body) = send(&server, &token, Method::DELETE, &format!("/rest/V1/cmsPage/{id}"), None).await;
    assert_eq!(
        (status, body),
        (404, json!({"message": "The CMS page with the \"%1\" ID doesn't exist.", "parameters": [id.to_string()]}))
    );
    let (status, _) =
        send(&server, &token, Method::PUT, "/rest/V1/cmsPage/777", Some(json!({"page": {"title": "x"}}))).await;
    assert_eq!(status, 404);

    let sentence: String = server
        .db
        .fetch_optional(sql!("SELECT sentence FROM audit_log WHERE request_id = $1", request_id))
        .await
        .unwrap()
        .expect("the delete is audited")
        .get("sentence")
        .unwrap();
    assert_eq!(sentence, format!("admin admin deleted CMS page {id} from default"));
}

#[tokio::test(flavor = "multi_thread")]
async fn page_identifiers_are_unique_per_store_view() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    more_views(&server).await;
    let taken = json!({"message": "A page URL key for specified store already exists."});

    let (status, fr) = page(&server, &token, json!({"identifier": "shipping", "title": "FR", "store_id": [2]})).await;
    assert_eq!(status, 200, "{fr}");
    // Disjoint store views may share an identifier.
    let (status, de) = page(&server, &token, json!({"identifier": "shipping", "title": "DE", "store_id": 3})).await;
    assert_eq!(status, 200, "{de}");
    // Overlapping ones may not; store 0 overlaps every view.
    assert_eq!(
        page(&server, &token, json!({"identifier": "shipping", "store_id": [1, 2]})).await,
        (400, taken.clone())
    );
    assert_eq!(page(&server, &token, json!({"identifier": "shipping", "store_id": [0]})).await, (400, taken.clone()));
    let (status, all) = page(&server, &token, json!({"identifier": "returns", "store_id": [0]})).await;
    assert_eq!(status, 200);
    assert_eq!(page(&server, &token, json!({"identifier": "returns", "store_id": [3]})).await, (400, taken.clone()));
    // An update that would collide is refused too, and changes nothing.
    let de_id = de["id"].as_i64().unwrap();
    let (status, body) = send(
        &server,
        &token,
        Method::PUT,
        &format!("/rest/V1/cmsPage/{de_id}"),
        Some(json!({"page": {"storeId": [2, 3]}})),
    )
    .await;
    assert_eq!((status, body), (400, taken.clone()));
    assert_eq!(store_ids(&server, "cms_page_stores", "page_id", de_id).await, [3]);
    let (status, _) = send(
        &server,
        &token,
        Method::PUT,
        &format!("/rest/V1/cmsPage/{de_id}"),
        Some(json!({"page": {"title": "DE 2"}})),
    )
    .await;
    assert_eq!(status, 200, "saving a page keeps its own identifier");

    // Without store_id a new page belongs to the view the request runs in.
    let (_, here) = page(&server, &token, json!({"identifier": "faq"})).await;
    assert_eq!(store_ids(&server, "cms_page_stores", "page_id", here["id"].as_i64().unwrap()).await, [1]);
    let (status, everywhere) =
        send(&server, &token, Method::POST, "/rest/all/V1/cmsPage", Some(json!({"page": {"identifier": "terms"}})))
            .await;
    assert_eq!(status, 200, "{everywhere}");
    assert_eq!(store_ids(&server, "cms_page_stores", "page_id", everywhere["id"].as_i64().unwrap()).await, [0]);
    let _ = all;

    // Identifier rules.
    let (status, body) = page(&server, &token, json!({"title": "No identifier"})).await;
    assert_eq!((status, &body["parameters"]["fieldName"]), (400, &json!("identifier")));
    let (status, body) = page(&server, &token, json!({"identifier": "About Us"})).await;
    assert_eq!(
        (status, &body["message"]),
        (400, &json!("The page URL key contains capital letters or disallowed symbols."))
    );
    let (status, body) = page(&server, &token, json!({"identifier": "2024"})).await;
    assert_eq!((status, &body["message"]), (400, &json!("The page URL key cannot be made of only numbers.")));
    let (status, body) = page(&server, &token, json!({"identifier": "ghost-store", "store_id": [42]})).await;
    assert_eq!((status, &body["parameters"]["fieldName"]), (400, &json!("store_id")));
    let (status, body) =
        send(&server, &token, Method::POST, "/rest/V1/cmsPage", Some(json!({"identifier": "x"}))).await;
    assert_eq!((status, &body["parameters"]["fieldName"]), (400, &json!("page")));
}

#[tokio::test(flavor = "multi_thread")]
async fn blocks_follow_the_same_rules() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    more_views(&server).await;
    let taken = json!({"message": "A block identifier with the same properties already exists in the selected store."});

    let (status, footer) = block(
        &server,
        &token,
        json!({"identifier": "Footer_Links", "title": "Footer", "content": CONTENT, "store_id": [2]}),
    )
    .await;
    assert_eq!(status, 200, "{footer}");
    let id = footer["id"].as_i64().unwrap();
    let keys: Vec<&String> = footer.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "identifier", "title", "content", "creation_time", "update_time", "active"]);
    assert_eq!(footer["content"], CONTENT);
    assert_eq!(footer["identifier"], "Footer_Links", "block identifiers are free-form");

    assert_eq!(block(&server, &token, json!({"identifier": "Footer_Links", "store_id": [3]})).await.0, 200);
    assert_eq!(
        block(&server, &token, json!({"identifier": "Footer_Links", "store_id": [0]})).await,
        (400, taken.clone())
    );
    assert_eq!(
        block(&server, &token, json!({"identifier": "Footer_Links", "store_id": "1,2"})).await,
        (400, taken.clone())
    );

    let (status, read) = send(&server, &token, Method::GET, &format!("/rest/V1/cmsBlock/{id}"), None).await;
    assert_eq!((status, &read), (200, &footer));
    let (status, updated) = send(
        &server,
        &token,
        Method::PUT,
        &format!("/rest/V1/cmsBlock/{id}"),
        Some(json!({"block": {"active": false}})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(updated["active"], false);
    assert_eq!(updated["title"], "Footer");

    let (status, body) = send(&server, &token, Method::DELETE, &format!("/rest/V1/cmsBlock/{id}"), None).await;
    assert_eq!((status, body), (200, json!(true)));
    let (status, body) = send(&server, &token, Method::GET, &format!("/rest/V1/cmsBlock/{id}"), None).await;
    assert_eq!(
        (status, body),
        (404, json!({"message": "The CMS block with the \"%1\" ID doesn't exist.", "parameters": [id.to_string()]}))
    );
    // The twin in store view 3 still holds the identifier there.
    assert_eq!(block(&server, &token, json!({"identifier": "Footer_Links", "store_id": [0]})).await, (400, taken));
    let (status, _) = block(&server, &token, json!({"identifier": "Footer_Links", "store_id": [1]})).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_and_blocks_are_searched() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    more_views(&server).await;
    for (identifier, active, stores) in [
        ("home", true, json!([0])),
        ("about", true, json!([1])),
        ("old-sale", false, json!([2])),
        ("fr-home", true, json!([2])),
    ] {
        let (status, body) = page(
            &server,
            &token,
            json!({"identifier": identifier, "title": identifier, "active": active, "store_id": stores}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let ids = |body: &Value| -> Vec<String> {
        body["items"].as_array().unwrap().iter().map(|p| p["identifier"].as_str().unwrap().to_owned()).collect()
    };

    let (status, all) = send(&server, &token, Method::GET, "/rest/V1/cmsPage/search", None).await;
    assert_eq!(status, 200);
    assert_eq!(all["total_count"], 4);
    let keys: Vec<&String> = all.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["items", "search_criteria", "total_count"]);

    let q = "/rest/V1/cmsPage/search?searchCriteria[filterGroups][0][filters][0][field]=identifier\
             &searchCriteria[filterGroups][0][filters][0][value]=%25home&searchCriteria[filterGroups][0][filters][0][conditionType]=like\
             &searchCriteria[sortOrders][0][field]=page_id&searchCriteria[sortOrders][0][direction]=DESC";
    let (_, homes) = send(&server, &token, Method::GET, q, None).await;
    assert_eq!(ids(&homes), ["fr-home", "home"]);

    let q = "/rest/V1/cmsPage/search?searchCriteria[filter_groups][0][filters][0][field]=is_active\
             &searchCriteria[filter_groups][0][filters][0][value]=0";
    let (_, inactive) = send(&server, &token, Method::GET, q, None).await;
    assert_eq!(ids(&inactive), ["old-sale"]);

    // store_id selects what a store view shows: its own pages and those for all views.
    let q = "/rest/V1/cmsPage/search?searchCriteria[filter_groups][0][filters][0][field]=store_id\
             &searchCriteria[filter_groups][0][filters][0][value]=2\
             &searchCriteria[filter_groups][1][filters][0][field]=active&searchCriteria[filter_groups][1][filters][0][value]=1";
    let (status, fr) = send(&server, &token, Method::GET, q, None).await;
    assert_eq!(status, 200, "{fr}");
    assert_eq!(ids(&fr), ["home", "fr-home"]);
    assert_eq!(fr["search_criteria"]["filter_groups"][0]["filters"][0]["field"], "store_id");

    let q = "/rest/V1/cmsPage/search?searchCriteria[filter_groups][0][filters][0][field]=creation_time\
             &searchCriteria[filter_groups][0][filters][0][value]=2000-01-01 00:00:00\
             &searchCriteria[filter_groups][0][filters][0][condition_type]=gt&searchCriteria[pageSize]=2";
    let (_, paged) = send(&server, &token, Method::GET, q, None).await;
    assert_eq!(paged["total_count"], 4);
    assert_eq!(paged["items"].as_array().unwrap().len(), 2);

    let q = "/rest/V1/cmsPage/search?searchCriteria[filter_groups][0][filters][0][field]=password\
             &searchCriteria[filter_groups][0][filters][0][value]=x";
    let (status, body) = send(&server, &token, Method::GET, q, None).await;
    assert_eq!((status, body), (400, json!({"message": "Invalid attribute name: %1", "parameters": ["password"]})));

    block(&server, &token, json!({"identifier": "promo", "content": "<p>Promo</p>", "store_id": [0]})).await;
    block(&server, &token, json!({"identifier": "footer", "content": "<p>Links</p>", "store_id": [0]})).await;
    let q = "/rest/V1/cmsBlock/search?searchCriteria[filter_groups][0][filters][0][field]=content\
             &searchCriteria[filter_groups][0][filters][0][value]=%25Promo%25&searchCriteria[filter_groups][0][filters][0][condition_type]=like";
    let (status, promo) = send(&server, &token, Method::GET, q, None).await;
    assert_eq!(status, 200);
    assert_eq!(ids(&promo), ["promo"]);
    let (_, blocks) = send(&server, &token, Method::GET, "/rest/V1/cmsBlock/search/", None).await;
    assert_eq!(blocks["total_count"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn content_has_a_size_limit() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let big = "x".repeat(storegate_domain::cms::MAX_CONTENT_BYTES + 1);
    let (status, body) = page(&server, &token, json!({"identifier": "huge", "content": big})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["message"], "The %1 field is longer than the limit of %2 bytes.");
    assert_eq!(body["parameters"][0], "content");
    let (status, _) = page(&server, &token, json!({"identifier": "fits", "content": "x".repeat(100_000)})).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_and_blocks_have_their_own_resources() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let (_, home) = page(&server, &admin, json!({"identifier": "home", "store_id": [0]})).await;
    let (_, footer) = block(&server, &admin, json!({"identifier": "footer", "store_id": [0]})).await;
    let pages_only = user_with(&server, "Pages", &["Magento_Cms::page"]).await;

    let (status, _) = send(&server, &pages_only, Method::GET, &format!("/rest/V1/cmsPage/{}", home["id"]), None).await;
    assert_eq!(status, 200);
    let (status, body) =
        send(&server, &pages_only, Method::GET, &format!("/rest/V1/cmsBlock/{}", footer["id"]), None).await;
    assert_eq!(status, 403);
    assert_eq!(body["parameters"]["resources"], "Magento_Cms::block");
    let (status, _) = block(&server, &pages_only, json!({"identifier": "sneaky"})).await;
    assert_eq!(status, 403);
    let (status, _) = send(&server, &pages_only, Method::GET, "/rest/V1/cmsBlock/search", None).await;
    assert_eq!(status, 403);
    assert_eq!(server.get(&format!("/rest/V1/cmsPage/{}", home["id"]), None).await.status(), 401);

    let (status, created) = page(&server, &pages_only, json!({"identifier": "contact", "store_id": [0]})).await;
    assert_eq!(status, 200);
    let sentence: String = server
        .db
        .fetch_optional(sql!("SELECT sentence FROM audit_log WHERE operation_id = 'cms.pages.create' AND principal_name = 'admin pages-user'"))
        .await
        .unwrap()
        .expect("the create is audited")
        .get("sentence")
        .unwrap();
    assert_eq!(sentence, format!("admin pages-user created CMS page {} (contact) in default", created["id"]));
}

//! Bulk status shows a queued operation's inputs and results only to its sender, or to a
//! principal that may call the queued operation itself (issue 12, item 9); a role holding
//! only the bulk resource sees status and ids.

use crate::acl::user_with;
use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const BULK: &str = "Magento_AsynchronousOperations::system_magento_logging_bulk_operations";

async fn send(server: &TestServer, token: &str, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    status_json(server.send(method, path, Some(token), body).await).await
}

/// Queues `body` at `/rest/async{path}` and waits until its operation has run.
async fn queue_and_settle(server: &TestServer, token: &str, method: Method, path: &str, body: Value) -> String {
    let (status, accepted) = send(server, token, method, &format!("/rest/async{path}"), Some(body)).await;
    assert_eq!(status, 202, "{accepted}");
    let uuid = accepted["bulk_uuid"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = send(server, token, Method::GET, &format!("/rest/V1/bulk/{uuid}/status"), None).await;
        assert_eq!(status, 200, "{body}");
        if body["operations_list"].as_array().unwrap().iter().all(|o| o["status"] != 4) {
            assert_eq!(body["operations_list"][0]["status"], 1, "{body}");
            return uuid;
        }
        assert!(Instant::now() < deadline, "bulk {uuid} did not settle: {body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn detailed(server: &TestServer, token: &str, uuid: &str) -> Value {
    let (status, body) = send(server, token, Method::GET, &format!("/rest/V1/bulk/{uuid}/detailed-status"), None).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn searched(server: &TestServer, token: &str, uuid: &str) -> Value {
    let path = format!(
        "/rest/V1/bulk?searchCriteria[filterGroups][0][filters][0][field]=bulk_uuid\
         &searchCriteria[filterGroups][0][filters][0][value]={uuid}"
    );
    let (status, body) = send(server, token, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn shows(body: &Value, secret: &str) -> bool {
    body.to_string().contains(secret)
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_status_shows_data_only_to_the_sender_or_to_holders_of_the_operations_resource() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let registration = json!({"customer": {
        "email": "private.person@example.com", "firstname": "Pri", "lastname": "Vate",
        "addresses": [{"firstname": "Pri", "lastname": "Vate", "street": ["221B Hidden Street"], "city": "Austin",
                       "region_id": 57, "postcode": "78701", "country_id": "US", "telephone": "512-555-0199"}]
    }, "password": "Secret-Pass-123"});
    let registered = queue_and_settle(&server, &admin, Method::POST, "/V1/customers", registration).await;
    let (_, found) = send(
        &server,
        &admin,
        Method::GET,
        "/rest/V1/customers/search?searchCriteria[filterGroups][0][filters][0][field]=email\
         &searchCriteria[filterGroups][0][filters][0][value]=private.person@example.com",
        None,
    )
    .await;
    let id = found["items"][0]["id"].as_i64().expect("registered");
    let update = json!({"customer": {"email": "private.person@example.com", "firstname": "Pri", "lastname": "Vate",
                                     "taxvat": "DE999888777"}});
    let updated = queue_and_settle(&server, &admin, Method::PUT, &format!("/V1/customers/{id}"), update).await;

    // The sender (and any holder of the update's resource) sees its data. A registration
    // is an anonymous operation, queued as a guest: no resource guards it and its sender
    // cannot read bulk status, so nobody sees its data, not even a full administrator.
    assert!(shows(&detailed(&server, &admin, &updated).await, "DE999888777"));
    let hidden = detailed(&server, &admin, &registered).await;
    assert!(!shows(&hidden, "221B Hidden Street"), "{hidden}");
    assert_eq!(hidden["operations_list"][0]["serialized_data"], "null");

    // A role with only the bulk resource: status and ids, nothing of the data.
    let bulk_only = user_with(&server, "BulkOnly", &[BULK]).await;
    for uuid in [&registered, &updated] {
        for body in [detailed(&server, &bulk_only, uuid).await, searched(&server, &bulk_only, uuid).await] {
            for secret in ["private.person@example.com", "221B Hidden Street", "512-555-0199", "DE999888777", "Vate"] {
                assert!(!shows(&body, secret), "{secret} leaked: {body}");
            }
            let op = body.get("operations_list").or_else(|| body.get("items")).unwrap()[0].clone();
            assert_eq!((op["status"].as_i64(), op["id"].as_i64()), (Some(1), Some(0)), "{op}");
            assert_eq!(op["bulk_uuid"], json!(uuid));
        }
    }

    // A role that may also update customers sees the customer update it could have sent,
    // but not the registration, which no resource guards (only its sender sees it).
    let customers = user_with(&server, "BulkAndCustomers", &[BULK, "Magento_Customer::manage"]).await;
    assert!(shows(&detailed(&server, &customers, &updated).await, "DE999888777"));
    assert!(shows(&searched(&server, &customers, &updated).await, "DE999888777"));
    assert!(!shows(&detailed(&server, &customers, &registered).await, "221B Hidden Street"));
}

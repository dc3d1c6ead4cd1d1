//! Bulk status shapes (`Magento\AsynchronousOperations\Api\Data\…`).

use schemars::JsonSchema;
use serde::Serialize;
use storegate_domain::bulk::{Bulk, Operation};

/// `BulkOperationsStatusInterface` / `DetailedBulkOperationsStatusInterface`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BulkStatus<T> {
    pub operations_list: Vec<T>,
    /// 1 integration, 2 admin, 3 customer, 4 guest.
    pub user_type: i64,
    pub bulk_id: String,
    pub description: String,
    pub start_time: String,
    pub user_id: Option<i64>,
    pub operation_count: i64,
}

impl<T> BulkStatus<T> {
    pub fn new(bulk: Bulk, operations_list: Vec<T>) -> Self {
        BulkStatus {
            operations_list,
            user_type: bulk.user_type,
            bulk_id: bulk.uuid,
            description: bulk.description,
            start_time: bulk.created_at,
            user_id: bulk.user_id,
            operation_count: bulk.operation_count,
        }
    }
}

/// `SummaryOperationStatusInterface`: `id` is the operation's index in its request (the
/// `id` of its request item). Status: 1 complete, 2 failed but retriable, 3 failed, 4 open,
/// 5 rejected.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OperationSummary {
    pub id: i64,
    pub status: i64,
    pub result_message: Option<String>,
    pub error_code: Option<i64>,
}

impl From<Operation> for OperationSummary {
    fn from(o: Operation) -> Self {
        OperationSummary {
            id: o.position,
            status: o.status,
            result_message: o.result_message,
            error_code: o.error_code,
        }
    }
}

/// `OperationInterface`: `serialized_data` is the operation's input as JSON text with
/// secrets masked; `result_serialized_data` its result as JSON text.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OperationDetail {
    pub id: i64,
    pub bulk_uuid: String,
    pub topic_name: String,
    pub serialized_data: String,
    pub result_serialized_data: Option<String>,
    pub status: i64,
    pub result_message: Option<String>,
    pub error_code: Option<i64>,
}

impl From<Operation> for OperationDetail {
    fn from(o: Operation) -> Self {
        let mut input: serde_json::Value = serde_json::from_str(&o.input).unwrap_or(serde_json::Value::Null);
        crate::audit::redact_secrets(&mut input);
        let result = o.result.map(|r| match serde_json::from_str::<serde_json::Value>(&r) {
            Ok(mut v) => {
                crate::audit::redact_secrets(&mut v);
                v.to_string()
            }
            Err(_) => r,
        });
        OperationDetail {
            id: o.position,
            bulk_uuid: o.bulk_uuid,
            topic_name: o.topic_name,
            serialized_data: input.to_string(),
            result_serialized_data: result,
            status: o.status,
            result_message: o.result_message,
            error_code: o.error_code,
        }
    }
}

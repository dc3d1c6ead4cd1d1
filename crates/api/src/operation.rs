//! The `Operation` trait every endpoint implements, and its type-erased form that the
//! dispatcher, the OpenAPI generator and the tests iterate over.

use crate::ctx::Ctx;
use crate::spec::OpSpec;
use futures::future::BoxFuture;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::future::Future;
use std::marker::PhantomData;
use storegate_types::ApiError;

/// A response body as an operation produces it.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Json(Value),
    /// JSON already serialised: reads skip the intermediate `Value` (only audited writes
    /// need it, for their sentences).
    JsonBytes(Vec<u8>),
    Text {
        body: String,
        content_type: &'static str,
    },
    /// Raw bytes (media files).
    Binary {
        body: Vec<u8>,
        content_type: String,
    },
}

impl Reply {
    pub fn json<T: Serialize>(value: &T) -> Result<Reply, ApiError> {
        serde_json::to_value(value)
            .map(Reply::Json)
            .map_err(|e| ApiError::internal(format!("cannot serialise output: {e}")))
    }

    /// The reply as a JSON value, if it is JSON (serialised bytes are parsed back).
    pub fn to_json(&self) -> Option<Value> {
        match self {
            Reply::Json(v) => Some(v.clone()),
            Reply::JsonBytes(bytes) => serde_json::from_slice(bytes).ok(),
            Reply::Text { .. } | Reply::Binary { .. } => None,
        }
    }

    /// The JSON the audit sentence may draw on (text replies offer none).
    pub fn as_json(&self) -> Option<&Value> {
        match self {
            Reply::Json(v) => Some(v),
            Reply::JsonBytes(_) | Reply::Text { .. } | Reply::Binary { .. } => None,
        }
    }
}

/// One endpoint: its declaration, its input and output types, and its handler.
///
/// The input is deserialised from one JSON object holding the path parameters, the query
/// parameters (for GET) and the body's top-level keys, matched by name as Magento's
/// `InputParamsResolver` does. Handlers never authorise: the dispatcher has done it.
pub trait Operation: Send + Sync + 'static {
    const SPEC: OpSpec;
    type Input: DeserializeOwned + JsonSchema + Send;
    type Output: Serialize + JsonSchema + Send;

    fn call(cx: &Ctx, input: Self::Input) -> impl Future<Output = Result<Self::Output, ApiError>> + Send;

    fn reply(output: Self::Output) -> Result<Reply, ApiError> {
        if Self::SPEC.audits_success() {
            Reply::json(&output)
        } else {
            serde_json::to_vec(&output)
                .map(Reply::JsonBytes)
                .map_err(|e| ApiError::internal(format!("cannot serialise output: {e}")))
        }
    }
}

/// An operation with its types erased, so that all of them fit in one list.
pub trait ErasedOp: Send + Sync {
    fn spec(&self) -> &'static OpSpec;
    fn invoke<'a>(&'a self, cx: &'a Ctx, input: Value) -> BoxFuture<'a, Result<Reply, ApiError>>;
    /// Whether `input` parses as this operation's input (the async API checks each
    /// operation when it accepts it, and rejects the ones that would fail to parse).
    fn check_input(&self, input: Value) -> Result<(), ApiError>;
    fn input_schema(&self, generator: &mut SchemaGenerator) -> Schema;
    fn output_schema(&self, generator: &mut SchemaGenerator) -> Schema;
}

pub struct Erased<O>(pub PhantomData<O>);

impl<O: Operation> ErasedOp for Erased<O> {
    fn spec(&self) -> &'static OpSpec {
        // A const item's reference is promoted to 'static.
        const { &O::SPEC }
    }

    fn invoke<'a>(&'a self, cx: &'a Ctx, input: Value) -> BoxFuture<'a, Result<Reply, ApiError>> {
        Box::pin(async move {
            crate::limits::check::<O::Input>(O::SPEC.id, &input)?;
            let input: O::Input = parse_input(input)?;
            let output = O::call(cx, input).await?;
            O::reply(output)
        })
    }

    fn check_input(&self, input: Value) -> Result<(), ApiError> {
        crate::limits::check::<O::Input>(O::SPEC.id, &input)?;
        parse_input::<O::Input>(input).map(|_| ())
    }

    fn input_schema(&self, generator: &mut SchemaGenerator) -> Schema {
        generator.subschema_for::<O::Input>()
    }

    fn output_schema(&self, generator: &mut SchemaGenerator) -> Schema {
        generator.subschema_for::<O::Output>()
    }
}

/// Deserialises an operation's input, turning serde's complaints into Magento's errors:
/// a missing field is `"%fieldName" is required`, a wrong type names the field.
pub fn parse_input<T: DeserializeOwned>(input: Value) -> Result<T, ApiError> {
    // The plain path first; the path-tracking one only to explain a failure.
    if let Ok(parsed) = T::deserialize(&input) {
        return Ok(parsed);
    }
    serde_path_to_error::deserialize(input).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if let Some(limit) = crate::limits::from_serde(&path, &inner) {
            return limit;
        }
        if let Some(rest) = inner.strip_prefix("missing field `") {
            let field = rest.split('`').next().unwrap_or_default();
            let full = if path == "." || path.is_empty() { field.to_owned() } else { format!("{path}.{field}") };
            return ApiError::required(&full);
        }
        let field = if path == "." || path.is_empty() { "input".to_owned() } else { path };
        ApiError::invalid_value(&field, Value::String(short(&inner))).with_internal(inner)
    })
}

fn short(detail: &str) -> String {
    detail.split(" at line ").next().unwrap_or(detail).chars().take(200).collect()
}

/// Builds the one list of operations: `register![ops::system::Health, …]`.
#[macro_export]
macro_rules! register {
    ($($op:ty),* $(,)?) => {
        &[$(&$crate::operation::Erased::<$op>(::std::marker::PhantomData) as &dyn $crate::operation::ErasedOp),*]
    };
}

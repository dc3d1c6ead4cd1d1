//! Product attributes and attribute sets (`/V1/products/attributes…`,
//! `/V1/products/attribute-sets…`).

use super::catalog::Search;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::SearchResult;
use crate::wire::attribute::{AttributeOptionOut, AttributeOut, AttributeSetOut, OptionIn, options_of};
use schemars::JsonSchema;
use serde::Deserialize;
use storegate_domain::StorageResult;
use storegate_domain::catalog::attributes;
use storegate_types::ApiError;
use storegate_types::acl::AclResource;

const ATTRIBUTES: Acl = Acl::Resources(&[AclResource::CatalogAttributes]);
const SETS: Acl = Acl::Resources(&[AclResource::CatalogSets]);

const fn attribute_op(id: &'static str, method: Method, path: &'static str, effect: Effect) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method,
        path,
        acl: ATTRIBUTES,
        group: CapabilityGroup::Products,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect,
        forced: &[],
        summary: "",
        audit: "",
        target: None,
    }
}

pub struct ListAttributes;

impl Operation for ListAttributes {
    const SPEC: OpSpec = OpSpec {
        summary: "Search product attributes with searchCriteria (attribute_code, frontend_input, is_required, …).",
        audit: "{principal} searched product attributes",
        ..attribute_op("catalog.attribute.list", Method::Get, "/V1/products/attributes", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<AttributeOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total) = attributes::search(&mut r, cx.tenant, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.iter().map(AttributeOut::from).collect(),
            search_criteria: criteria.echo(),
            total_count: total,
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByCode {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub attribute_code: String,
}

pub struct GetAttribute;

impl Operation for GetAttribute {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a product attribute with its options.",
        audit: "{principal} read product attribute {attribute_code}",
        target: Some("attribute_code"),
        ..attribute_op("catalog.attribute.get", Method::Get, "/V1/products/attributes/{attributeCode}", Effect::Read)
    };
    type Input = ByCode;
    type Output = AttributeOut;

    async fn call(cx: &Ctx, input: ByCode) -> Result<AttributeOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        Ok(AttributeOut::from(&attributes::require(&mut r, cx.tenant, &input.attribute_code).await?))
    }
}

pub struct ListOptions;

impl Operation for ListOptions {
    const SPEC: OpSpec = OpSpec {
        summary: "List a product attribute's options (a select's start with Magento's blank option).",
        audit: "{principal} read the options of product attribute {attribute_code}",
        target: Some("attribute_code"),
        ..attribute_op(
            "catalog.attribute.options.list",
            Method::Get,
            "/V1/products/attributes/{attributeCode}/options",
            Effect::Read,
        )
    };
    type Input = ByCode;
    type Output = Vec<AttributeOptionOut>;

    async fn call(cx: &Ctx, input: ByCode) -> Result<Vec<AttributeOptionOut>, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        Ok(options_of(&attributes::require(&mut r, cx.tenant, &input.attribute_code).await?))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AddOptionInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub attribute_code: String,
    /// `{label, sort_order, is_default, store_labels}`.
    pub option: OptionIn,
}

pub struct AddOption;

impl Operation for AddOption {
    const SPEC: OpSpec = OpSpec {
        summary: "Add an option to a select or multiselect product attribute; answers its id (as text).",
        audit: "{principal} added option {option.label} to product attribute {attribute_code}",
        target: Some("attribute_code"),
        ..attribute_op(
            "catalog.attribute.options.add",
            Method::Post,
            "/V1/products/attributes/{attributeCode}/options",
            Effect::Write,
        )
    };
    type Input = AddOptionInput;
    type Output = String;

    async fn call(cx: &Ctx, input: AddOptionInput) -> Result<String, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        let id = attributes::add_option(&mut tx, cx.tenant, &input.attribute_code, &input.option.input()).await?;
        tx.commit().await.storage()?;
        Ok(id.to_string())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateOptionInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub attribute_code: String,
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub option_id: i64,
    pub option: OptionIn,
}

pub struct UpdateOption;

impl Operation for UpdateOption {
    const SPEC: OpSpec = OpSpec {
        summary: "Change an option's label or sort order.",
        audit: "{principal} updated option {option_id} of product attribute {attribute_code}",
        target: Some("attribute_code"),
        ..attribute_op(
            "catalog.attribute.options.update",
            Method::Put,
            "/V1/products/attributes/{attributeCode}/options/{optionId}",
            Effect::Write,
        )
    };
    type Input = UpdateOptionInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: UpdateOptionInput) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        attributes::update_option(&mut tx, cx.tenant, &input.attribute_code, input.option_id, &input.option.input())
            .await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct OptionRef {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub attribute_code: String,
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub option_id: i64,
}

pub struct DeleteOption;

impl Operation for DeleteOption {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete an option of a product attribute (products lose that value).",
        audit: "{principal} deleted option {option_id} of product attribute {attribute_code}",
        target: Some("attribute_code"),
        ..attribute_op(
            "catalog.attribute.options.delete",
            Method::Delete,
            "/V1/products/attributes/{attributeCode}/options/{optionId}",
            Effect::Destructive,
        )
    };
    type Input = OptionRef;
    type Output = bool;

    async fn call(cx: &Ctx, input: OptionRef) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        attributes::delete_option(&mut tx, cx.tenant, &input.attribute_code, input.option_id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub struct ListSets;

impl Operation for ListSets {
    const SPEC: OpSpec = OpSpec {
        acl: SETS,
        summary: "Search product attribute sets with searchCriteria.",
        audit: "{principal} searched product attribute sets",
        ..attribute_op("catalog.attribute_set.list", Method::Get, "/V1/products/attribute-sets/sets/list", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<AttributeSetOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total) = attributes::search_sets(&mut r, cx.tenant, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.iter().map(AttributeSetOut::from).collect(),
            search_criteria: criteria.echo(),
            total_count: total,
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct BySetId {
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub attribute_set_id: i64,
}

pub struct GetSet;

impl Operation for GetSet {
    const SPEC: OpSpec = OpSpec {
        acl: SETS,
        summary: "Get a product attribute set.",
        audit: "{principal} read product attribute set {attribute_set_id}",
        target: Some("attribute_set_id"),
        ..attribute_op(
            "catalog.attribute_set.get",
            Method::Get,
            "/V1/products/attribute-sets/{attributeSetId}",
            Effect::Read,
        )
    };
    type Input = BySetId;
    type Output = AttributeSetOut;

    async fn call(cx: &Ctx, input: BySetId) -> Result<AttributeSetOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        attributes::get_set(&mut r, cx.tenant, input.attribute_set_id)
            .await?
            .map(|s| AttributeSetOut::from(&s))
            .ok_or_else(|| ApiError::no_such_entity("id", input.attribute_set_id))
    }
}

pub struct SetAttributes;

impl Operation for SetAttributes {
    const SPEC: OpSpec = OpSpec {
        acl: SETS,
        summary: "List the attributes of a product attribute set.",
        audit: "{principal} read the attributes of product attribute set {attribute_set_id}",
        target: Some("attribute_set_id"),
        ..attribute_op(
            "catalog.attribute_set.attributes",
            Method::Get,
            "/V1/products/attribute-sets/{attributeSetId}/attributes",
            Effect::Read,
        )
    };
    type Input = BySetId;
    type Output = Vec<AttributeOut>;

    async fn call(cx: &Ctx, input: BySetId) -> Result<Vec<AttributeOut>, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        if attributes::get_set(&mut r, cx.tenant, input.attribute_set_id).await?.is_none() {
            return Err(ApiError::no_such_entity("attributeSetId", input.attribute_set_id));
        }
        let attrs = attributes::set_attributes(&mut r, cx.tenant, input.attribute_set_id).await?;
        Ok(attrs.iter().map(AttributeOut::from).collect())
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![
    ListAttributes,
    GetAttribute,
    ListOptions,
    AddOption,
    UpdateOption,
    DeleteOption,
    ListSets,
    GetSet,
    SetAttributes,
];

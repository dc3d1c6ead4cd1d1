//! `/V1/store/*`: the store structure Magento clients read to find their way.

use super::NoInput;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::store::{StoreConfigOut, StoreGroupOut, StoreViewOut, WebsiteOut};
use schemars::JsonSchema;
use serde::Deserialize;
use storegate_domain::{StorageResult, store};
use storegate_types::ApiError;
use storegate_types::acl::AclResource;

const STORE_ACL: Acl = Acl::Resources(&[AclResource::BackendStore]);

const fn read(id: &'static str, path: &'static str, summary: &'static str) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method: Method::Get,
        path,
        acl: STORE_ACL,
        group: CapabilityGroup::Stores,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect: Effect::Read,
        forced: &[],
        summary,
        audit: "{principal} listed the store structure of {store}",
        target: None,
    }
}

pub struct ListStoreViews;

impl Operation for ListStoreViews {
    const SPEC: OpSpec = read("store.views.list", "/V1/store/storeViews", "List store views, the admin view included.");
    type Input = NoInput;
    type Output = Vec<StoreViewOut>;

    async fn call(cx: &Ctx, _: NoInput) -> Result<Self::Output, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        Ok(store::views(&mut r, cx.tenant).await?.into_iter().map(Into::into).collect())
    }
}

pub struct ListWebsites;

impl Operation for ListWebsites {
    const SPEC: OpSpec =
        read("store.websites.list", "/V1/store/websites", "List websites, the admin website included.");
    type Input = NoInput;
    type Output = Vec<WebsiteOut>;

    async fn call(cx: &Ctx, _: NoInput) -> Result<Self::Output, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        Ok(store::websites(&mut r, cx.tenant).await?.into_iter().map(Into::into).collect())
    }
}

pub struct ListStoreGroups;

impl Operation for ListStoreGroups {
    const SPEC: OpSpec = read("store.groups.list", "/V1/store/storeGroups", "List store groups.");
    type Input = NoInput;
    type Output = Vec<StoreGroupOut>;

    async fn call(cx: &Ctx, _: NoInput) -> Result<Self::Output, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        Ok(store::groups(&mut r, cx.tenant).await?.into_iter().map(Into::into).collect())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct StoreConfigsInput {
    /// Store view codes (`storeCodes[]=default`); all views when absent.
    #[serde(default)]
    #[schemars(length(max = crate::limits::ASSIGNMENTS), inner(length(max = crate::limits::VARCHAR)))]
    pub store_codes: Option<Vec<String>>,
}

pub struct ListStoreConfigs;

impl Operation for ListStoreConfigs {
    const SPEC: OpSpec =
        read("store.configs.list", "/V1/store/storeConfigs", "Locale, currency and URLs of store views.");
    type Input = StoreConfigsInput;
    type Output = Vec<StoreConfigOut>;

    async fn call(cx: &Ctx, input: StoreConfigsInput) -> Result<Self::Output, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        let views = store::views(&mut r, cx.tenant).await?;
        let mut out = Vec::new();
        for view in views.into_iter().filter(|v| v.id != 0) {
            if input.store_codes.as_ref().is_some_and(|codes| !codes.contains(&view.code)) {
                continue;
            }
            let mut get = async |path: &str, fallback: &str| -> Result<String, ApiError> {
                Ok(store::config_value(&mut r, cx.tenant, &view, path).await?.unwrap_or_else(|| fallback.to_owned()))
            };
            let base_url = get("web/unsecure/base_url", &format!("{}/", cx.settings.base_url)).await?;
            let secure_url = get("web/secure/base_url", &base_url).await?;
            out.push(StoreConfigOut {
                id: view.id,
                code: view.code.clone(),
                website_id: view.website_id,
                locale: get("general/locale/code", "en_US").await?,
                base_currency_code: get("currency/options/base", "USD").await?,
                default_display_currency_code: get("currency/options/default", "USD").await?,
                timezone: get("general/locale/timezone", "UTC").await?,
                weight_unit: get("general/locale/weight_unit", "lbs").await?,
                base_link_url: base_url.clone(),
                base_static_url: format!("{base_url}static/"),
                base_media_url: format!("{base_url}media/"),
                base_url,
                secure_base_link_url: secure_url.clone(),
                secure_base_static_url: format!("{secure_url}static/"),
                secure_base_media_url: format!("{secure_url}media/"),
                secure_base_url: secure_url,
            });
        }
        Ok(out)
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] =
    crate::register![ListStoreViews, ListWebsites, ListStoreGroups, ListStoreConfigs];

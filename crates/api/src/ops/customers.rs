//! Customers, addresses and customer groups (`/V1/customers…`, `/V1/addresses…`,
//! `/V1/customerGroups…`).
//!
//! `self` routes (`/V1/customers/me…`) bind the calling customer with
//! `Forced::CustomerId`, so a body can never name another account; admin routes take the
//! id from the path. Audit sentences name customers by id only: emails and names are
//! personal data.

use super::catalog::Search;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Forced, Method, OpSpec, Surface};
use crate::wire::SearchResult;
use crate::wire::customer::{AddressOut, CustomerIn, CustomerOut, GroupOut, ValidationOut};
use schemars::JsonSchema;
use serde::Deserialize;
use storegate_domain::StorageResult;
use storegate_domain::customer::account;
use storegate_domain::customer::reset::{self, ResetMail};
use storegate_domain::customer::{self, DefaultAddress, groups};
use storegate_types::ApiError;
use storegate_types::acl::AclResource;

const CUSTOMER: Acl = Acl::Resources(&[AclResource::CustomerCustomer]);
const MANAGE: Acl = Acl::Resources(&[AclResource::CustomerManage]);
const DELETE: Acl = Acl::Resources(&[AclResource::CustomerDelete]);
const GROUP: Acl = Acl::Resources(&[AclResource::CustomerGroup]);
const SELF: &[Forced] = &[Forced::CustomerId("customer_id")];

const fn customer_op(id: &'static str, method: Method, path: &'static str, acl: Acl, effect: Effect) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method,
        path,
        acl,
        group: CapabilityGroup::Customers,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect,
        forced: if matches!(acl, Acl::SelfCustomer) { SELF } else { &[] },
        summary: "",
        audit: "",
        target: None,
    }
}

/// The website the request's store view belongs to (customers are unique per website).
pub(crate) async fn request_website(cx: &Ctx) -> Result<i64, ApiError> {
    if cx.store.website_id != 0 {
        return Ok(cx.store.website_id);
    }
    let mut r = cx.db.reader().await.storage()?;
    account::website_of(&mut r, cx.tenant, &cx.store).await
}

/// A website id from a request, or the request's own website.
async fn website_or_request(cx: &Ctx, given: Option<i64>) -> Result<i64, ApiError> {
    match given.filter(|w| *w != 0) {
        Some(w) => Ok(w),
        None => request_website(cx).await,
    }
}

// Inputs ------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByCustomerId {
    #[serde(deserialize_with = "crate::wire::lenient_int::deserialize")]
    #[schemars(with = "i64")]
    pub customer_id: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByAddressId {
    #[serde(deserialize_with = "crate::wire::lenient_int::deserialize")]
    #[schemars(with = "i64")]
    pub address_id: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ById {
    #[serde(deserialize_with = "crate::wire::lenient_int::deserialize")]
    #[schemars(with = "i64")]
    pub id: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateAccountInput {
    pub customer: CustomerIn,
    /// Optional: without one the account cannot sign in until a password reset.
    #[serde(default)]
    #[schemars(length(max = crate::limits::PASSWORD))]
    pub password: Option<String>,
    /// Accepted for compatibility; storegate sends no confirmation mail.
    #[serde(default)]
    #[schemars(length(max = crate::limits::URL))]
    pub redirect_url: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SaveCustomerInput {
    #[serde(deserialize_with = "crate::wire::lenient_int::deserialize")]
    #[schemars(with = "i64")]
    pub customer_id: i64,
    pub customer: CustomerIn,
    /// `PUT /V1/customers/me` only: the current password, required to change the email
    /// (Magento's account edit form calls it `current_password`; `currentPassword` works too).
    #[serde(default)]
    #[schemars(length(max = crate::limits::PASSWORD))]
    pub current_password: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ValidateInput {
    pub customer: CustomerIn,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ChangePasswordInput {
    #[serde(deserialize_with = "crate::wire::lenient_int::deserialize")]
    #[schemars(with = "i64")]
    pub customer_id: i64,
    #[schemars(length(max = crate::limits::PASSWORD))]
    pub current_password: String,
    #[schemars(length(max = crate::limits::PASSWORD))]
    pub new_password: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct EmailAvailabilityInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub customer_email: String,
    #[serde(default, deserialize_with = "crate::wire::customer::opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub website_id: Option<i64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct InitiateResetInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub email: String,
    /// `email_reset` or `email_reminder`.
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub template: String,
    #[serde(default, deserialize_with = "crate::wire::customer::opt_int::deserialize")]
    #[schemars(with = "Option<i64>")]
    pub website_id: Option<i64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ResetLinkInput {
    #[serde(deserialize_with = "crate::wire::lenient_int::deserialize")]
    #[schemars(with = "i64")]
    pub customer_id: i64,
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub reset_password_link_token: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ResetPasswordInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub email: String,
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub reset_token: String,
    #[schemars(length(max = crate::limits::PASSWORD))]
    pub new_password: String,
}

// Customers (admin) -------------------------------------------------------------------------

pub struct SearchCustomers;

impl Operation for SearchCustomers {
    const SPEC: OpSpec = OpSpec {
        summary: "Search customers with searchCriteria (encrypted fields such as dob, taxvat and addresses cannot be filtered).",
        audit: "{principal} searched customers in {store}",
        ..customer_op("customers.customer.list", Method::Get, "/V1/customers/search", CUSTOMER, Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<CustomerOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total) =
            customer::search(&mut r, cx.tenant, &cx.settings.crypto, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.into_iter().map(CustomerOut::from).collect(),
            search_criteria: criteria.echo(),
            total_count: total,
        })
    }
}

pub struct GetCustomer;

impl Operation for GetCustomer {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a customer by id, with addresses.",
        audit: "{principal} read customer #{customer_id} in {store}",
        target: Some("customer_id"),
        ..customer_op("customers.customer.get", Method::Get, "/V1/customers/{customerId}", CUSTOMER, Effect::Read)
    };
    type Input = ByCustomerId;
    type Output = CustomerOut;

    async fn call(cx: &Ctx, input: ByCustomerId) -> Result<CustomerOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        customer::require(&mut r, cx.tenant, &cx.settings.crypto, input.customer_id).await.map(CustomerOut::from)
    }
}

pub struct CreateAccount;

impl Operation for CreateAccount {
    const SPEC: OpSpec = OpSpec {
        summary: "Register a customer account (anonymous; the account joins the default group whatever the body says).",
        audit: "{principal} created customer account #{id} in {store}",
        target: Some("id"),
        limits: crate::spec::REGISTRATION_LIMITS,
        cache: crate::spec::Cache::Never,
        ..customer_op("customers.account.create", Method::Post, "/V1/customers", Acl::Anonymous, Effect::Write)
    };
    type Input = CreateAccountInput;
    type Output = CustomerOut;

    async fn call(cx: &Ctx, input: CreateAccountInput) -> Result<CustomerOut, ApiError> {
        let data = input.customer.into_input();
        account::create_account(&cx.db, cx.tenant, &cx.settings.crypto, &cx.store, data, input.password)
            .await
            .map(CustomerOut::from)
    }
}

pub struct UpdateCustomer;

impl Operation for UpdateCustomer {
    const SPEC: OpSpec = OpSpec {
        summary: "Update a customer; an addresses array replaces the address set.",
        audit: "{principal} updated customer #{customer_id} in {store}",
        target: Some("customer_id"),
        ..customer_op("customers.customer.update", Method::Put, "/V1/customers/{customerId}", MANAGE, Effect::Write)
    };
    type Input = SaveCustomerInput;
    type Output = CustomerOut;

    async fn call(cx: &Ctx, input: SaveCustomerInput) -> Result<CustomerOut, ApiError> {
        let data = input.customer.into_input();
        account::update(&cx.db, cx.tenant, &cx.settings.crypto, input.customer_id, data).await.map(CustomerOut::from)
    }
}

pub struct DeleteCustomer;

impl Operation for DeleteCustomer {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete a customer with its addresses, and revoke its tokens.",
        audit: "{principal} deleted customer #{customer_id} from {store}",
        target: Some("customer_id"),
        ..customer_op(
            "customers.customer.delete",
            Method::Delete,
            "/V1/customers/{customerId}",
            DELETE,
            Effect::Destructive,
        )
    };
    type Input = ByCustomerId;
    type Output = bool;

    async fn call(cx: &Ctx, input: ByCustomerId) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        account::delete(&mut tx, cx.tenant, input.customer_id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub struct ValidateCustomer;

impl Operation for ValidateCustomer {
    const SPEC: OpSpec = OpSpec {
        summary: "Check customer data without saving it.",
        audit: "{principal} validated customer data in {store}",
        ..customer_op("customers.customer.validate", Method::Put, "/V1/customers/validate", MANAGE, Effect::Read)
    };
    type Input = ValidateInput;
    type Output = ValidationOut;

    async fn call(_: &Ctx, input: ValidateInput) -> Result<ValidationOut, ApiError> {
        let messages = account::validate(input.customer.into_input());
        Ok(ValidationOut { valid: messages.is_empty(), messages })
    }
}

// Addresses (admin) -------------------------------------------------------------------------

async fn default_address(cx: &Ctx, customer_id: i64, which: DefaultAddress) -> Result<Option<AddressOut>, ApiError> {
    let mut r = cx.db.reader().await.storage()?;
    let found = customer::default_address(&mut r, cx.tenant, &cx.settings.crypto, customer_id, which).await?;
    Ok(found.map(AddressOut::from))
}

pub struct CustomerBillingAddress;

impl Operation for CustomerBillingAddress {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a customer's default billing address (null when none is set).",
        audit: "{principal} read the billing address of customer #{customer_id} in {store}",
        target: Some("customer_id"),
        ..customer_op(
            "customers.customer.billing_address",
            Method::Get,
            "/V1/customers/{customerId}/billingAddress",
            MANAGE,
            Effect::Read,
        )
    };
    type Input = ByCustomerId;
    type Output = Option<AddressOut>;

    async fn call(cx: &Ctx, input: ByCustomerId) -> Result<Option<AddressOut>, ApiError> {
        default_address(cx, input.customer_id, DefaultAddress::Billing).await
    }
}

pub struct CustomerShippingAddress;

impl Operation for CustomerShippingAddress {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a customer's default shipping address (null when none is set).",
        audit: "{principal} read the shipping address of customer #{customer_id} in {store}",
        target: Some("customer_id"),
        ..customer_op(
            "customers.customer.shipping_address",
            Method::Get,
            "/V1/customers/{customerId}/shippingAddress",
            MANAGE,
            Effect::Read,
        )
    };
    type Input = ByCustomerId;
    type Output = Option<AddressOut>;

    async fn call(cx: &Ctx, input: ByCustomerId) -> Result<Option<AddressOut>, ApiError> {
        default_address(cx, input.customer_id, DefaultAddress::Shipping).await
    }
}

pub struct GetAddress;

impl Operation for GetAddress {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a customer address by id.",
        audit: "{principal} read customer address #{address_id} in {store}",
        target: Some("address_id"),
        ..customer_op("customers.address.get", Method::Get, "/V1/customers/addresses/{addressId}", MANAGE, Effect::Read)
    };
    type Input = ByAddressId;
    type Output = AddressOut;

    async fn call(cx: &Ctx, input: ByAddressId) -> Result<AddressOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        customer::address(&mut r, cx.tenant, &cx.settings.crypto, input.address_id).await.map(AddressOut::from)
    }
}

pub struct DeleteAddress;

impl Operation for DeleteAddress {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete a customer address; it stops being a default address.",
        audit: "{principal} deleted customer address #{address_id} from {store}",
        target: Some("address_id"),
        ..customer_op(
            "customers.address.delete",
            Method::Delete,
            "/V1/addresses/{addressId}",
            MANAGE,
            Effect::Destructive,
        )
    };
    type Input = ByAddressId;
    type Output = bool;

    async fn call(cx: &Ctx, input: ByAddressId) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        account::delete_address(&mut tx, cx.tenant, input.address_id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

// The calling customer (self) ---------------------------------------------------------------

pub struct GetMe;

impl Operation for GetMe {
    const SPEC: OpSpec = OpSpec {
        summary: "Get the calling customer's account.",
        audit: "{principal} read their own account in {store}",
        ..customer_op("customers.me.get", Method::Get, "/V1/customers/me", Acl::SelfCustomer, Effect::Read)
    };
    type Input = ByCustomerId;
    type Output = CustomerOut;

    async fn call(cx: &Ctx, input: ByCustomerId) -> Result<CustomerOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        customer::require(&mut r, cx.tenant, &cx.settings.crypto, input.customer_id).await.map(CustomerOut::from)
    }
}

pub struct UpdateMe;

impl Operation for UpdateMe {
    const SPEC: OpSpec = OpSpec {
        summary: "Update the calling customer's account (id, group, website and store cannot be changed here).",
        audit: "{principal} updated their own account in {store}",
        target: Some("customer_id"),
        ..customer_op("customers.me.update", Method::Put, "/V1/customers/me", Acl::SelfCustomer, Effect::Write)
    };
    type Input = SaveCustomerInput;
    type Output = CustomerOut;

    async fn call(cx: &Ctx, input: SaveCustomerInput) -> Result<CustomerOut, ApiError> {
        let data = input.customer.into_input();
        account::update_own(
            &cx.db,
            cx.tenant,
            &cx.settings.crypto,
            input.customer_id,
            data,
            input.current_password.as_deref(),
            &super::auth::lockout(cx),
        )
        .await
        .map(CustomerOut::from)
    }
}

pub struct ChangeMyPassword;

impl Operation for ChangeMyPassword {
    const SPEC: OpSpec = OpSpec {
        summary: "Change the calling customer's password; every token of the customer is revoked.",
        audit: "{principal} changed their own password in {store}",
        target: Some("customer_id"),
        ..customer_op(
            "customers.me.password",
            Method::Put,
            "/V1/customers/me/password",
            Acl::SelfCustomer,
            Effect::Write,
        )
    };
    type Input = ChangePasswordInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: ChangePasswordInput) -> Result<bool, ApiError> {
        account::change_password(
            &cx.db,
            cx.tenant,
            input.customer_id,
            &input.current_password,
            &input.new_password,
            &super::auth::lockout(cx),
        )
        .await?;
        Ok(true)
    }
}

pub struct MyBillingAddress;

impl Operation for MyBillingAddress {
    const SPEC: OpSpec = OpSpec {
        summary: "Get the calling customer's default billing address (null when none is set).",
        audit: "{principal} read their billing address in {store}",
        ..customer_op(
            "customers.me.billing_address",
            Method::Get,
            "/V1/customers/me/billingAddress",
            Acl::SelfCustomer,
            Effect::Read,
        )
    };
    type Input = ByCustomerId;
    type Output = Option<AddressOut>;

    async fn call(cx: &Ctx, input: ByCustomerId) -> Result<Option<AddressOut>, ApiError> {
        default_address(cx, input.customer_id, DefaultAddress::Billing).await
    }
}

pub struct MyShippingAddress;

impl Operation for MyShippingAddress {
    const SPEC: OpSpec = OpSpec {
        summary: "Get the calling customer's default shipping address (null when none is set).",
        audit: "{principal} read their shipping address in {store}",
        ..customer_op(
            "customers.me.shipping_address",
            Method::Get,
            "/V1/customers/me/shippingAddress",
            Acl::SelfCustomer,
            Effect::Read,
        )
    };
    type Input = ByCustomerId;
    type Output = Option<AddressOut>;

    async fn call(cx: &Ctx, input: ByCustomerId) -> Result<Option<AddressOut>, ApiError> {
        default_address(cx, input.customer_id, DefaultAddress::Shipping).await
    }
}

// Anonymous account services ----------------------------------------------------------------

pub struct IsEmailAvailable;

impl Operation for IsEmailAvailable {
    const SPEC: OpSpec = OpSpec {
        summary: "Whether no account of the website (the store's by default) uses this email.",
        audit: "{principal} checked whether an email is available in {store}",
        ..customer_op(
            "customers.email.available",
            Method::Post,
            "/V1/customers/isEmailAvailable",
            Acl::Anonymous,
            Effect::Read,
        )
    };
    type Input = EmailAvailabilityInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: EmailAvailabilityInput) -> Result<bool, ApiError> {
        let website = website_or_request(cx, input.website_id).await?;
        let mut r = cx.db.reader().await.storage()?;
        account::is_email_available(&mut r, cx.tenant, website, &input.customer_email).await
    }
}

pub struct InitiatePasswordReset;

impl Operation for InitiatePasswordReset {
    const SPEC: OpSpec = OpSpec {
        summary: "Mail a password reset link (2 hours) to a customer; answers true whether or not the email is known.",
        audit: "{principal} asked for a customer password reset in {store}",
        limits: crate::spec::PASSWORD_RESET_LIMITS,
        cache: crate::spec::Cache::Never,
        ..customer_op(
            "customers.password.reset_request",
            Method::Put,
            "/V1/customers/password",
            Acl::Anonymous,
            Effect::Write,
        )
    };
    type Input = InitiateResetInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: InitiateResetInput) -> Result<bool, ApiError> {
        let mail = ResetMail::parse(&input.template)?;
        let website = website_or_request(cx, input.website_id).await?;
        let mut tx = cx.db.begin().await.storage()?;
        reset::initiate(&mut tx, cx.tenant, &cx.settings.crypto, website, &input.email, mail, &cx.settings.base_url)
            .await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub struct ValidateResetLink;

impl Operation for ValidateResetLink {
    const SPEC: OpSpec = OpSpec {
        summary: "Check a password reset link's token.",
        audit: "{principal} checked a customer password reset link in {store}",
        ..customer_op(
            "customers.password.reset_link",
            Method::Get,
            "/V1/customers/{customerId}/password/resetLinkToken/{resetPasswordLinkToken}",
            Acl::Anonymous,
            Effect::Read,
        )
    };
    type Input = ResetLinkInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: ResetLinkInput) -> Result<bool, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        reset::validate_link(&mut r, cx.tenant, input.customer_id, &input.reset_password_link_token).await?;
        Ok(true)
    }
}

pub struct ResetPassword;

impl Operation for ResetPassword {
    const SPEC: OpSpec = OpSpec {
        summary: "Set a new password with a reset token (used once); revokes the customer's tokens.",
        audit: "{principal} reset a customer password with a reset link in {store}",
        limits: crate::spec::PASSWORD_RESET_LIMITS,
        cache: crate::spec::Cache::Never,
        ..customer_op(
            "customers.password.reset",
            Method::Post,
            "/V1/customers/resetPassword",
            Acl::Anonymous,
            Effect::Write,
        )
    };
    type Input = ResetPasswordInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: ResetPasswordInput) -> Result<bool, ApiError> {
        let website = request_website(cx).await?;
        reset::reset(&cx.db, cx.tenant, website, &input.email, &input.reset_token, &input.new_password).await?;
        Ok(true)
    }
}

// Customer groups ---------------------------------------------------------------------------

pub struct GetGroup;

impl Operation for GetGroup {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a customer group by id.",
        audit: "{principal} read customer group {id} in {store}",
        target: Some("id"),
        ..customer_op("customers.group.get", Method::Get, "/V1/customerGroups/{id}", GROUP, Effect::Read)
    };
    type Input = ById;
    type Output = GroupOut;

    async fn call(cx: &Ctx, input: ById) -> Result<GroupOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        groups::require(&mut r, cx.tenant, input.id).await.map(GroupOut::from)
    }
}

pub struct SearchGroups;

impl Operation for SearchGroups {
    const SPEC: OpSpec = OpSpec {
        summary: "Search customer groups with searchCriteria.",
        audit: "{principal} searched customer groups in {store}",
        ..customer_op("customers.group.list", Method::Get, "/V1/customerGroups/search", GROUP, Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<GroupOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total) = groups::search(&mut r, cx.tenant, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.into_iter().map(GroupOut::from).collect(),
            search_criteria: criteria.echo(),
            total_count: total,
        })
    }
}

pub struct DefaultGroup;

impl Operation for DefaultGroup {
    const SPEC: OpSpec = OpSpec {
        summary: "Get the group new accounts of this store join (General, id 1, unless configured).",
        audit: "{principal} read the default customer group in {store}",
        ..customer_op("customers.group.default", Method::Get, "/V1/customerGroups/default", GROUP, Effect::Read)
    };
    type Input = super::NoInput;
    type Output = GroupOut;

    async fn call(cx: &Ctx, _: super::NoInput) -> Result<GroupOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        groups::default_for(&mut r, cx.tenant, &cx.store).await.map(GroupOut::from)
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![
    SearchCustomers,
    GetMe,
    UpdateMe,
    ChangeMyPassword,
    MyBillingAddress,
    MyShippingAddress,
    GetCustomer,
    CreateAccount,
    UpdateCustomer,
    DeleteCustomer,
    ValidateCustomer,
    CustomerBillingAddress,
    CustomerShippingAddress,
    GetAddress,
    DeleteAddress,
    IsEmailAvailable,
    InitiatePasswordReset,
    ValidateResetLink,
    ResetPassword,
    GetGroup,
    SearchGroups,
    DefaultGroup,
];

//! One table of error codes for every surface, in the style of meilisearch's
//! `make_error_codes!`: each row is a code, its kind, its HTTP status and its message
//! template in Magento's wording (`%1` positional, `%name` named placeholders).
//! Surfaces render the same error their own way (Magento JSON, problem+json, …).

use serde_json::{Map, Value, json};

/// The broad class of an error, for surfaces whose format names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidRequest,
    Authentication,
    Authorization,
    NotFound,
    Conflict,
    Unavailable,
    Internal,
}

macro_rules! error_codes {
    ($($code:ident, $kind:ident, $status:literal, $template:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($code),* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$code),*];

            pub fn kind(self) -> ErrorKind {
                match self { $(ErrorCode::$code => ErrorKind::$kind),* }
            }

            /// The HTTP status this error is answered with.
            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$code => $status),* }
            }

            /// The message with its placeholders left in, as Magento sends it.
            pub fn template(self) -> &'static str {
                match self { $(ErrorCode::$code => $template),* }
            }

            /// The stable name of the code (its variant name), for surfaces that expose one.
            pub fn name(self) -> &'static str {
                match self { $(ErrorCode::$code => stringify!($code)),* }
            }
        }
    };
}

error_codes! {
    RouteNotFound, NotFound, 404, "Request does not match any route.";
    MethodNotAllowed, NotFound, 405, "Request does not match any route.";
    Unauthenticated, Authentication, 401, "The consumer isn't authorized to access %resources.";
    Forbidden, Authorization, 403, "The consumer isn't authorized to access %resources.";
    InvalidCredentials, Authentication, 401, "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.";
    RequiredField, InvalidRequest, 400, "\"%fieldName\" is required. Enter and try again.";
    InvalidFieldValue, InvalidRequest, 400, "Invalid value of \"%value\" provided for the %fieldName field.";
    InputErrors, InvalidRequest, 400, "One or more input exceptions have occurred.";
    DecodingError, InvalidRequest, 400, "Decoding error.";
    ContentTypeMissing, InvalidRequest, 400, "Content-Type header is empty.";
    ContentTypeUnsupported, InvalidRequest, 400, "Server cannot understand Content-Type HTTP header media type %1";
    BodyTooLarge, InvalidRequest, 413, "The request body is larger than the limit of %1 bytes.";
    BodyTimeout, InvalidRequest, 408, "The request body did not arrive in time.";
    GetWithAllStore, InvalidRequest, 400, "Cannot perform GET operation with store code 'all'";
    ProductNotFound, NotFound, 404, "The product that was requested doesn't exist. Verify the product and try again.";
    NoSuchEntity, NotFound, 404, "No such entity with %fieldName = %fieldValue";
    AlreadyExists, Conflict, 400, "%1 already exists.";
    Overloaded, Unavailable, 503, "The server is busy. Try again later.";
    TooManyRequests, Unavailable, 429, "Too many requests. Try again in %seconds seconds.";
    PasswordHashingBusy, Unavailable, 503, "Too many sign-ins are being checked right now. Try again in %seconds seconds.";
    BulkAnonymousDisabled, Authorization, 403, "Queued operations need a signed-in caller on this store.";
    StorageUnavailable, Unavailable, 503, "The database is unavailable. Try again later.";
    StorageNotWritable, Unavailable, 503, "The store cannot save changes now: its disk is full or read-only. Reading still works.";
    Timeout, Unavailable, 503, "The request took too long and was stopped. Try again later.";
    InvalidSearchField, InvalidRequest, 400, "Invalid attribute name: %1";
    InvalidConditionType, InvalidRequest, 400, "The \"%1\" condition type is not supported.";
    InvalidSortDirection, InvalidRequest, 400, "The sort order has to be specified as %1 for ascending order or %2 for descending order.";
    PageSizeTooLarge, InvalidRequest, 400, "Maximum SearchCriteria pageSize is %1";
    SkuTooLong, InvalidRequest, 400, "SKU length should be %1 characters maximum.";
    TextTooLong, InvalidRequest, 400, "The \"%1\" value is longer than %2 characters.";
    ValueTooLong, InvalidRequest, 400, "The \"%fieldName\" value is too long: at most %max characters are allowed.";
    TooManyItems, InvalidRequest, 400, "\"%fieldName\" has too many items: at most %max are allowed.";
    NestedTooDeep, InvalidRequest, 400, "\"%fieldName\" is nested too deeply: at most %max levels are allowed.";
    CustomAttributeEmpty, InvalidRequest, 400, "An empty custom attribute is specified. Enter the attribute and try again.";
    CustomAttributeNoCode, InvalidRequest, 400, "A custom attribute is specified with a missing attribute code. Verify the code and try again.";
    CustomAttributeNoValue, InvalidRequest, 400, "The \"%1\" attribute code doesn't have a value set. Enter the value and try again.";
    CategoryLinkNotSaved, InvalidRequest, 400, "Could not save product \"%1\" with position %2 to category %3";
    ProductWebsiteNotSaved, InvalidRequest, 400, "Could not assign product \"%1\" to websites %2";
    ImageContentInvalid, InvalidRequest, 400, "The image content must be valid base64 encoded data.";
    ImageMimeInvalid, InvalidRequest, 400, "The image MIME type is not valid or not supported.";
    ImageNameForbidden, InvalidRequest, 400, "Provided image name contains forbidden characters.";
    ImageTooLarge, InvalidRequest, 400, "The image is larger than the limit of %1 bytes.";
    MediaEntryNotFound, NotFound, 404, "The image doesn't exist. Verify and try again.";
    MediaEntryIdNotFound, NotFound, 404, "No image with the provided ID was found. Verify the ID and try again.";
    MediaFileNotFound, NotFound, 404, "The requested file was not found.";
    LinkTypeUnknown, NotFound, 404, "The \"%1\" link type is unknown. Verify the type and try again.";
    LinkTypeNotFound, NotFound, 404, "The \"%1\" link type wasn't found. Verify the type and try again.";
    LinkedProductsInvalid, InvalidRequest, 400, "The linked products data is invalid. Verify the data and try again.";
    LinkNotFound, NotFound, 404, "Product %1 doesn't have linked %2 as %3";
    AttributeNotFound, NotFound, 404, "The attribute with a \"%1\" attributeCode doesn't exist. Verify the attribute and try again.";
    AttributeWithoutOptions, InvalidRequest, 400, "The \"%1\" attribute doesn't work with options.";
    AttributeOptionNotFound, NotFound, 404, "The \"%1\" attribute doesn't include an option with \"%2\" ID.";
    AttributeOptionLabelEmpty, InvalidRequest, 400, "The attribute option label is empty. Enter the value and try again.";
    AttributeOptionExists, InvalidRequest, 400, "Admin store attribute option label \"%1\" is already exists.";
    InvalidEmail, InvalidRequest, 400, "\"%1\" is not a valid email address.";
    CustomerEmailExists, Conflict, 400, "A customer with the same email address already exists in an associated website.";
    CustomerGroupMissing, InvalidRequest, 400, "The specified customer group id does not exist.";
    StoreNotInWebsite, InvalidRequest, 400, "The store view is not in the associated website.";
    ProductNotAvailable, InvalidRequest, 400, "Product that you are trying to add is not available.";
    ChooseProductOptions, InvalidRequest, 400, "You need to choose options for your item.";
    MaxSaleQtyExceeded, InvalidRequest, 400, "The requested qty exceeds the maximum qty allowed in shopping cart";
    MinSaleQtyNotMet, InvalidRequest, 400, "The fewest you may purchase is %1";
    CartItemNotFound, NotFound, 404, "The %1 Cart doesn't contain the %2 item.";
    CartEmptyForShipping, InvalidRequest, 400, "The shipping method can't be set for an empty cart. Add an item to cart and try again.";
    CartEmptyForCoupon, NotFound, 404, "The \"%1\" Cart doesn't contain products.";
    CarrierMethodNotFound, NotFound, 404, "Carrier with such method not found: %1, %2";
    ShippingAddressMissing, InvalidRequest, 400, "The shipping address is missing. Set the address and try again.";
    ShippingAddressInvalid, InvalidRequest, 400, "Please check the shipping address information. %1";
    BillingAddressInvalid, InvalidRequest, 400, "Please check the billing address information. %1";
    ShippingMethodMissing, InvalidRequest, 400, "The shipping method is missing. Select the shipping method and try again.";
    PaymentMethodMissing, InvalidRequest, 400, "Enter a valid payment method and try again.";
    PaymentMethodUnavailable, InvalidRequest, 400, "The requested Payment Method is not available.";
    PurchaseOrderNumberMissing, InvalidRequest, 400, "Purchase order number is a required field.";
    OrderNotPlaced, InvalidRequest, 400, "A server error stopped your order from being placed. Please try to place your order again.";
    SalesEntityNotFound, NotFound, 404, "The entity that was requested doesn't exist. Verify the entity and try again.";
    CartOfAnotherCustomer, InvalidRequest, 400, "The customer can't be assigned to the cart. The cart belongs to a different customer.";
    PasswordTooShort, InvalidRequest, 400, "The password needs at least %1 characters. Create a new password and try again.";
    PasswordTooLong, InvalidRequest, 400, "Please enter a password with at most %1 characters.";
    PasswordEdgeSpaces, InvalidRequest, 400, "The password can't begin or end with a space. Verify the password and try again.";
    PasswordCharacterClasses, InvalidRequest, 400, "Minimum of different classes of characters in password is %1. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.";
    PasswordSameAsEmail, InvalidRequest, 400, "The password can't be the same as the email address. Create a new password and try again.";
    PasswordMismatch, Authentication, 401, "The password doesn't match this account. Verify the password and try again.";
    ResetTokenMismatch, InvalidRequest, 400, "The password token is mismatched. Reset and try again.";
    ResetTokenExpired, InvalidRequest, 400, "The password token is expired. Reset and try again.";
    InvalidResetTemplate, InvalidRequest, 400, "Invalid value of \"%value\" provided for the %fieldName field. Possible values: %template1 or %template2.";
    CategoryNotSaved, InvalidRequest, 400, "Could not save category: %1";
    CategoryNotDeleted, InvalidRequest, 400, "Cannot delete category with id %1";
    CategoryMoveIntoChild, InvalidRequest, 400, "Operation do not allow to move a parent category to any of children category";
    CategoryProductNotAssigned, InvalidRequest, 400, "The category doesn't contain the specified product.";
    CmsPageNotFound, NotFound, 404, "The CMS page with the \"%1\" ID doesn't exist.";
    CmsBlockNotFound, NotFound, 404, "The CMS block with the \"%1\" ID doesn't exist.";
    CmsPageIdentifierTaken, Conflict, 400, "A page URL key for specified store already exists.";
    CmsBlockIdentifierTaken, Conflict, 400, "A block identifier with the same properties already exists in the selected store.";
    CmsPageIdentifierInvalid, InvalidRequest, 400, "The page URL key contains capital letters or disallowed symbols.";
    CmsPageIdentifierNumeric, InvalidRequest, 400, "The page URL key cannot be made of only numbers.";
    CmsFieldTooLong, InvalidRequest, 400, "The %1 field is longer than the limit of %2 bytes.";
    CategoryNotMoved, InvalidRequest, 400, "Could not move category";
    SourceNotFound, NotFound, 404, "Source with code \"%value\" does not exist.";
    StockNotFound, NotFound, 404, "Stock with id \"%value\" does not exist.";
    InventoryValidationFailed, InvalidRequest, 400, "Validation Failed";
    InventoryFieldEmpty, InvalidRequest, 400, "\"%field\" can not be empty.";
    InventoryFieldWhitespace, InvalidRequest, 400, "\"%field\" can not contain whitespaces.";
    DefaultStockNotDeletable, InvalidRequest, 400, "Default Stock could not be deleted.";
    StockHasSalesChannels, InvalidRequest, 400, "Stock has at least one sale channel and could not be deleted.";
    DefaultSourceNotDisablable, InvalidRequest, 400, "Default source can not be disabled.";
    DefaultSourceUnassign, InvalidRequest, 400, "Can not unassign default source from default stock.";
    ProductWithoutSourceItems, InvalidRequest, 400, "Can't check requested quantity for products without Source Items support.";
    RequestedQtyNotAvailable, InvalidRequest, 400, "The requested qty is not available";
    NotAllProductsAvailable, InvalidRequest, 400, "Not all of your products are available in the requested quantity.";
    SourceSelectionAlgorithmUnknown, InvalidRequest, 400, "Source selection algorithm with code \"%1\" does not exist.";
    DuplicateInRequest, InvalidRequest, 400, "The %field \"%value\" is given more than once.";
    SalesRuleConditionUnsupported, InvalidRequest, 400, "The condition type \"%1\" with attribute \"%2\" and operator \"%3\" is not supported: storegate evaluates base_subtotal (==, !=, >=, >, <=, <) in conditions and sku (==, ()) in actions.";
    CouponCodeInvalid, NotFound, 404, "The coupon code \"%1\" is not valid.";
    SalesRuleUsageExceeded, InvalidRequest, 400, "The cart price rule %1 has reached its use limit. Collect the totals and try again.";
    CouponRuleNoCoupons, InvalidRequest, 400, "Specified rule does not allow coupons";
    CouponRuleOnlyAuto, InvalidRequest, 400, "Specified rule only allows auto generated coupons";
    CouponRuleNoAuto, InvalidRequest, 400, "Specified rule does not allow auto generated coupons";
    CouponRuleNoGeneration, InvalidRequest, 400, "Specified rule does not allow automatic coupon generation";
    CouponCodeExists, Conflict, 400, "Coupon with the same code already exists.";
    CouponQtyImpossible, InvalidRequest, 400, "We cannot create the requested Coupon Qty. Please check your settings and try again.";
    CouponsInvalid, InvalidRequest, 400, "Some coupons are invalid.";
    TaxClassNameExists, Conflict, 400, "A class with the same name already exists for ClassType %1.";
    TaxClassTypeChange, InvalidRequest, 400, "Updating classType is not allowed.";
    TaxClassInRules, InvalidRequest, 400, "You cannot delete this tax class because it is used in Tax Rules. You have to remove the tax class from the rules first.";
    TaxClassInGroups, InvalidRequest, 400, "You cannot delete this tax class because it is used for %1 customer groups.";
    TaxClassInProducts, InvalidRequest, 400, "You cannot delete this tax class because it is used in existing products.";
    TaxCodeExists, Conflict, 400, "Code already exists.";
    TaxRateInRules, InvalidRequest, 400, "The tax rate cannot be removed. It exists in a tax rule.";
    TaxRuleBadReference, InvalidRequest, 400, "No such entity with %fieldName = %fieldValue";
    InvoiceOrderState, InvalidRequest, 400, "Invoice Document Validation Error(s):\nAn invoice cannot be created when an order has a status of %1";
    InvoiceNotAllowed, InvalidRequest, 400, "Invoice Document Validation Error(s):\nThe order does not allow an invoice to be created.";
    InvoiceItemNotInOrder, InvalidRequest, 400, "Invoice Document Validation Error(s):\nThe invoice contains one or more items that are not part of the original order.";
    InvoiceQtyTooLarge, InvalidRequest, 400, "Invoice Document Validation Error(s):\nThe quantity to invoice must not be greater than the uninvoiced quantity for product SKU \"%1\".";
    InvoiceWithoutProducts, InvalidRequest, 400, "Invoice Document Validation Error(s):\nYou can't create an invoice without products.";
    ShipmentOrderState, InvalidRequest, 400, "Shipment Document Validation Error(s):\nA shipment cannot be created when an order has a status of %1";
    ShipmentNotAllowed, InvalidRequest, 400, "Shipment Document Validation Error(s):\nThe order does not allow a shipment to be created.";
    ShipmentItemNotInOrder, InvalidRequest, 400, "Shipment Document Validation Error(s):\nThe shipment contains product SKU \"%1\" that is not part of the original order.";
    ShipmentQtyTooLarge, InvalidRequest, 400, "Shipment Document Validation Error(s):\nThe quantity to ship must not be greater than the unshipped quantity for product SKU \"%1\".";
    ShipmentWithoutProducts, InvalidRequest, 400, "Shipment Document Validation Error(s):\nYou can't create a shipment without products.";
    ShipmentTrackInvalid, InvalidRequest, 400, "Shipment Document Validation Error(s):\nPlease enter a tracking number.";
    CreditmemoOrderState, InvalidRequest, 400, "Creditmemo Document Validation Error(s):\nA creditmemo can not be created when an order has a status of %1";
    CreditmemoNotAllowed, InvalidRequest, 400, "Creditmemo Document Validation Error(s):\nThe order does not allow a creditmemo to be created.";
    CreditmemoItemNotInOrder, InvalidRequest, 400, "Creditmemo Document Validation Error(s):\nThe creditmemo contains product SKU \"%1\" that is not part of the original order.";
    CreditmemoQtyTooLarge, InvalidRequest, 400, "Creditmemo Document Validation Error(s):\nThe quantity to creditmemo must not be greater than the unrefunded quantity for product SKU \"%1\".";
    CreditmemoTotalNotPositive, InvalidRequest, 400, "Creditmemo Document Validation Error(s):\nThe credit memo's total must be positive.";
    RefundTooMuch, InvalidRequest, 400, "Creditmemo Document Validation Error(s):\nThe most money available to refund is %1.";
    RefundInvoiceNotPaid, InvalidRequest, 400, "Creditmemo Document Validation Error(s):\nWe can't create creditmemo for the invoice.";
    ShippingRefundTooMuch, InvalidRequest, 400, "Maximum shipping amount allowed to refund is: %1";
    HoldNotAvailable, InvalidRequest, 400, "A hold action is not available.";
    UnholdNotAvailable, InvalidRequest, 400, "You cannot remove the hold.";
    CaptureNotAvailable, InvalidRequest, 400, "The capture action is not available.";
    VoidNotAvailable, InvalidRequest, 400, "The void action is not available.";
    OperationPanicked, Internal, 500, "Internal Error. The operation failed and will not be retried; details are in the storegate log.";
    BulkNotFound, NotFound, 404, "Bulk uuid %bulkUuid not exist";
    BulkPayloadNotArray, InvalidRequest, 400, "The bulk request body must be a JSON array of the route's payloads.";
    BulkTooManyOperations, InvalidRequest, 400, "The request contains %1 operations; the limit is %2.";
    BulkEmpty, InvalidRequest, 400, "The bulk request holds no operations.";
    OauthSignatureInvalid, Authentication, 401, "The signature is invalid. Verify and try again.";
    OauthSignatureMethod, InvalidRequest, 400, "Signature method %1 is not supported";
    OauthVersionRejected, InvalidRequest, 400, "The \"%1\" Oauth version isn't supported.";
    OauthTimestampRefused, Authentication, 401, "Incorrect timestamp value in the oauth_timestamp parameter";
    OauthNonceUsed, Authentication, 401, "The nonce is already being used by the consumer with ID %1";
    OauthConsumerUnknown, Authentication, 401, "A consumer having the specified key does not exist";
    OauthConsumerExpired, Authentication, 401, "Consumer key has expired";
    OauthTokenUnknown, Authentication, 401, "Specified token does not exist";
    OauthTokenRevoked, Authentication, 401, "The access token has been revoked.";
    OauthTokenUsed, Authentication, 401, "Token is already being used";
    OauthTokenLength, InvalidRequest, 400, "The token length is invalid. Check the length and try again.";
    OauthVerifierInvalid, Authentication, 401, "Verifier is invalid";
    OauthHeaderInvalid, InvalidRequest, 400, "The OAuth Authorization header cannot be parsed.";
    PlatformTokenInvalid, Authentication, 401, "The access token is invalid, expired or revoked.";
    PlatformTokenAddressRefused, Authorization, 403, "The access token may not be used from this address.";
    PlatformScopeExceedsRole, Authorization, 403, "A token cannot grant %scope on store %store: the account's role there allows less.";
    PlatformStoreAccessDenied, Authorization, 403, "The account has no access to store %1.";
    PlatformTokenModeMismatch, InvalidRequest, 400, "A %mode token cannot reach the %storeMode store %store.";
    PlatformLastOwner, Conflict, 409, "Store %1 must keep at least one owner.";
    PlatformRotationGraceTooLong, InvalidRequest, 400, "The grace period of a rotated token may be at most %1 hours.";
    PlatformTokenNotActive, Conflict, 409, "The token %1 is revoked or already rotated.";
    IdempotencyKeyInvalid, InvalidRequest, 400, "The Idempotency-Key header must be 1 to %max visible ASCII characters.";
    IdempotencyKeyInUse, Conflict, 409, "A request with this Idempotency-Key is still being processed. Retry in %seconds seconds.";
    IdempotencyKeyReused, InvalidRequest, 422, "This Idempotency-Key was already used for a different request.";
    Internal, Internal, 500, "Internal Error. Details are available in the storegate log. Report ID: %1";
}

/// The arguments of an error message: Magento renders positional placeholders as a JSON
/// array and named ones as a JSON object.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Params {
    #[default]
    None,
    Positional(Vec<Value>),
    Named(Vec<(String, Value)>),
}

impl Params {
    pub fn to_json(&self) -> Option<Value> {
        match self {
            Params::None => None,
            Params::Positional(values) => Some(Value::Array(values.clone())),
            Params::Named(pairs) => {
                Some(Value::Object(pairs.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Map<_, _>>()))
            }
        }
    }
}

/// An error as every layer returns it. `internal` carries detail for the log only.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub params: Params,
    /// Aggregated input errors (Magento's `errors` array), when two or more were collected.
    pub errors: Vec<ApiError>,
    pub internal: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        ApiError { code, params: Params::None, errors: Vec::new(), internal: None }
    }

    pub fn positional(code: ErrorCode, values: impl IntoIterator<Item = impl Into<Value>>) -> Self {
        ApiError { params: Params::Positional(values.into_iter().map(Into::into).collect()), ..Self::new(code) }
    }

    pub fn named<'a>(code: ErrorCode, pairs: impl IntoIterator<Item = (&'a str, Value)>) -> Self {
        let pairs = pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        ApiError { params: Params::Named(pairs), ..Self::new(code) }
    }

    pub fn with_internal(mut self, detail: impl Into<String>) -> Self {
        self.internal = Some(detail.into());
        self
    }

    /// `"%fieldName" is required.`
    pub fn required(field: &str) -> Self {
        Self::named(ErrorCode::RequiredField, [("fieldName", json!(field))])
    }

    /// `Invalid value of "%value" provided for the %fieldName field.`
    pub fn invalid_value(field: &str, value: impl Into<Value>) -> Self {
        Self::named(ErrorCode::InvalidFieldValue, [("fieldName", json!(field)), ("value", value.into())])
    }

    /// `No such entity with %fieldName = %fieldValue`
    pub fn no_such_entity(field: &str, value: impl Into<Value>) -> Self {
        Self::named(ErrorCode::NoSuchEntity, [("fieldName", json!(field)), ("fieldValue", value.into())])
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal).with_internal(detail)
    }

    /// Folds collected input errors the way Magento does: one error stands alone, two or
    /// more become `One or more input exceptions have occurred.` with an `errors` list.
    pub fn aggregate(mut errors: Vec<ApiError>) -> Option<ApiError> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(ApiError { errors, ..Self::new(ErrorCode::InputErrors) }),
        }
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }

    /// The message with its placeholders substituted, for logs and surfaces that want prose.
    pub fn message(&self) -> String {
        substitute(self.code.template(), &self.params)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())?;
        if let Some(detail) = &self.internal {
            write!(f, " ({detail})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Replaces `%1`…`%9` and `%name` placeholders. Longer names are replaced first so that
/// `%fieldName` never eats the start of `%fieldNameExtra`.
pub fn substitute(template: &str, params: &Params) -> String {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out = template.to_owned();
    match params {
        Params::None => {}
        Params::Positional(values) => {
            for (i, v) in values.iter().enumerate().rev() {
                out = out.replace(&format!("%{}", i + 1), &text(v));
            }
        }
        Params::Named(pairs) => {
            let mut pairs: Vec<_> = pairs.iter().collect();
            pairs.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
            for (k, v) in pairs {
                out = out.replace(&format!("%{k}"), &text(v));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_and_positional_substitution() {
        let e = ApiError::no_such_entity("customerId", json!(5));
        assert_eq!(e.message(), "No such entity with customerId = 5");
        let e = ApiError::positional(ErrorCode::ContentTypeUnsupported, ["text/plain"]);
        assert_eq!(e.message(), "Server cannot understand Content-Type HTTP header media type text/plain");
    }

    #[test]
    fn aggregation_follows_magento() {
        assert_eq!(ApiError::aggregate(vec![]), None);
        let one = ApiError::aggregate(vec![ApiError::required("username")]).unwrap();
        assert_eq!(one.code, ErrorCode::RequiredField);
        let two = ApiError::aggregate(vec![ApiError::required("username"), ApiError::required("password")]).unwrap();
        assert_eq!(two.code, ErrorCode::InputErrors);
        assert_eq!(two.errors.len(), 2);
    }

    #[test]
    fn every_status_is_an_error_status() {
        for code in ErrorCode::ALL {
            assert!((400..600).contains(&code.status()), "{code:?}");
            assert!(!code.template().is_empty());
        }
    }
}

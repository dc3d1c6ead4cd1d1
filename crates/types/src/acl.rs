//! Magento's ACL resource tree as data: a typo in a resource id fails to compile.
//!
//! Magento stores an explicit allow or deny per resource for each role, so holding a parent
//! does not grant its children (since 2.3 a role with only `Magento_Sales::sales` cannot open
//! the order routes). The tree is kept for display and validation; `Magento_Backend::all` is
//! the one resource that grants everything.

use serde::{Serialize, Serializer};

macro_rules! acl_tree {
    ($($variant:ident = $id:literal, $title:literal, parent $parent:ident;)*) => {
        /// One node of Magento's ACL tree.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum AclResource { $($variant),* }

        impl AclResource {
            pub const ALL: &'static [AclResource] = &[$(AclResource::$variant),*];

            /// The id as Magento spells it, e.g. `Magento_Catalog::products`.
            pub fn id(self) -> &'static str {
                match self { $(AclResource::$variant => $id),* }
            }

            pub fn title(self) -> &'static str {
                match self { $(AclResource::$variant => $title),* }
            }

            /// The parent node; `None` for the root.
            pub fn parent(self) -> Option<AclResource> {
                match self { $(AclResource::$variant => acl_tree!(@parent $parent)),* }
            }
        }
    };
    (@parent Root) => { None };
    (@parent $p:ident) => { Some(AclResource::$p) };
}

acl_tree! {
    BackendAdmin = "Magento_Backend::admin", "Magento Admin", parent Root;
    BackendAll = "Magento_Backend::all", "All resources", parent Root;

    SalesSales = "Magento_Sales::sales", "Sales", parent BackendAdmin;
    SalesOperation = "Magento_Sales::sales_operation", "Operations", parent SalesSales;
    SalesOrder = "Magento_Sales::sales_order", "Orders", parent SalesOperation;
    SalesActions = "Magento_Sales::actions", "Actions", parent SalesOrder;
    SalesCreate = "Magento_Sales::create", "Create", parent SalesActions;
    SalesActionsView = "Magento_Sales::actions_view", "View", parent SalesActions;
    SalesEmail = "Magento_Sales::email", "Send Order Email", parent SalesActions;
    SalesReorder = "Magento_Sales::reorder", "Reorder", parent SalesActions;
    SalesActionsEdit = "Magento_Sales::actions_edit", "Edit", parent SalesActions;
    SalesCancel = "Magento_Sales::cancel", "Cancel", parent SalesActions;
    SalesReviewPayment = "Magento_Sales::review_payment", "Accept or Deny Payment", parent SalesActions;
    SalesCapture = "Magento_Sales::capture", "Capture", parent SalesActions;
    SalesInvoice = "Magento_Sales::invoice", "Invoice", parent SalesActions;
    SalesCreditmemo = "Magento_Sales::creditmemo", "Credit Memos", parent SalesActions;
    SalesHold = "Magento_Sales::hold", "Hold", parent SalesActions;
    SalesUnhold = "Magento_Sales::unhold", "Unhold", parent SalesActions;
    SalesShip = "Magento_Sales::ship", "Ship", parent SalesActions;
    SalesComment = "Magento_Sales::comment", "Comment", parent SalesActions;
    SalesEmails = "Magento_Sales::emails", "Send Sales Emails", parent SalesActions;
    SalesApiActions = "Magento_Sales::api_actions", "Order Save API", parent SalesActions;
    SalesInvoiceDocs = "Magento_Sales::sales_invoice", "Invoices", parent SalesOperation;
    SalesShipment = "Magento_Sales::shipment", "Shipments", parent SalesOperation;
    SalesCreditmemoDocs = "Magento_Sales::sales_creditmemo", "Credit Memos", parent SalesOperation;
    SalesTransactions = "Magento_Sales::transactions", "Transactions", parent SalesOperation;
    SalesTransactionsFetch = "Magento_Sales::transactions_fetch", "Fetch", parent SalesTransactions;
    CartCart = "Magento_Cart::cart", "Carts", parent SalesSales;
    CartManage = "Magento_Cart::manage", "Manage carts", parent CartCart;

    CatalogCatalog = "Magento_Catalog::catalog", "Catalog", parent BackendAdmin;
    CatalogInventory = "Magento_Catalog::catalog_inventory", "Inventory", parent CatalogCatalog;
    CatalogProducts = "Magento_Catalog::products", "Products", parent CatalogInventory;
    CatalogCategories = "Magento_Catalog::categories", "Categories", parent CatalogInventory;
    InventoryApiInventory = "Magento_InventoryApi::inventory", "Inventory (MSI)", parent CatalogCatalog;
    InventoryApiSource = "Magento_InventoryApi::source", "Sources", parent InventoryApiInventory;
    InventoryApiSourceEdit = "Magento_InventoryApi::source_edit", "Edit sources", parent InventoryApiSource;
    InventoryApiStock = "Magento_InventoryApi::stock", "Stocks", parent InventoryApiInventory;
    InventoryApiStockEdit = "Magento_InventoryApi::stock_edit", "Edit stocks", parent InventoryApiStock;
    InventoryApiStockDelete = "Magento_InventoryApi::stock_delete", "Delete stocks", parent InventoryApiStock;
    InventoryApiStockSourceLink = "Magento_InventoryApi::stock_source_link", "Stock-source links", parent InventoryApiStock;
    InventoryApiSourceItemAssign = "Magento_InventoryApi::stock_source_item_assign", "Assign source items", parent InventoryApiSource;
    InventorySalesApiStock = "Magento_InventorySalesApi::stock", "Salable quantity", parent InventoryApiInventory;

    CustomerCustomer = "Magento_Customer::customer", "Customers", parent BackendAdmin;
    CustomerManage = "Magento_Customer::manage", "All Customers", parent CustomerCustomer;
    CustomerDelete = "Magento_Customer::delete", "Delete Customer", parent CustomerManage;
    CustomerOnline = "Magento_Customer::online", "Now Online", parent CustomerCustomer;
    CustomerGroup = "Magento_Customer::group", "Customer Groups", parent CustomerCustomer;

    BackendContent = "Magento_Backend::content", "Content", parent BackendAdmin;
    BackendContentElements = "Magento_Backend::content_elements", "Elements", parent BackendContent;
    CmsPage = "Magento_Cms::page", "Pages", parent BackendContentElements;
    CmsBlock = "Magento_Cms::block", "Blocks", parent BackendContentElements;

    BackendStores = "Magento_Backend::stores", "Stores", parent BackendAdmin;
    BackendStoresSettings = "Magento_Backend::stores_settings", "Settings", parent BackendStores;
    BackendStore = "Magento_Backend::store", "All Stores", parent BackendStoresSettings;
    ConfigConfig = "Magento_Config::config", "Configuration", parent BackendStoresSettings;
    CatalogInventoryConfig = "Magento_CatalogInventory::cataloginventory", "Inventory Section", parent ConfigConfig;
    BackendStoresAttributes = "Magento_Backend::stores_attributes", "Attributes", parent BackendStores;
    CatalogAttributes = "Magento_Catalog::attributes_attributes", "Product", parent BackendStoresAttributes;
    CatalogUpdateAttributes = "Magento_Catalog::update_attributes", "Update Attributes", parent BackendStoresAttributes;
    CatalogSets = "Magento_Catalog::sets", "Attribute Set", parent BackendStoresAttributes;
    TaxManageTax = "Magento_Tax::manage_tax", "Tax Zones and Rates", parent BackendStores;
    SalesRuleQuote = "Magento_SalesRule::quote", "Cart Price Rules", parent BackendAdmin;

    BackendSystem = "Magento_Backend::system", "System", parent BackendAdmin;
    IntegrationIntegrations = "Magento_Integration::integrations", "Integrations", parent BackendSystem;
    AsyncBulkOperations = "Magento_AsynchronousOperations::system_magento_logging_bulk_operations", "Bulk Actions", parent BackendSystem;
    WebhooksList = "Magento_AdobeCommerceWebhooks::webhooks_list", "Webhooks", parent BackendSystem;
}

impl AclResource {
    /// Looks a resource up by its Magento id.
    pub fn from_id(id: &str) -> Option<AclResource> {
        AclResource::ALL.iter().copied().find(|r| r.id() == id)
    }

    pub fn children(self) -> impl Iterator<Item = AclResource> {
        AclResource::ALL.iter().copied().filter(move |r| r.parent() == Some(self))
    }
}

impl std::fmt::Display for AclResource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for AclResource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for r in AclResource::ALL {
            assert!(seen.insert(r.id()), "duplicate id {}", r.id());
            assert_eq!(AclResource::from_id(r.id()), Some(*r));
        }
        assert_eq!(AclResource::from_id("Magento_Catalog::nope"), None);
    }

    #[test]
    fn every_node_reaches_a_root() {
        for r in AclResource::ALL {
            let mut node = *r;
            let mut steps = 0;
            while let Some(p) = node.parent() {
                node = p;
                steps += 1;
                assert!(steps < 16, "cycle at {}", r.id());
            }
            assert!(matches!(node, AclResource::BackendAdmin | AclResource::BackendAll));
        }
        assert!(AclResource::CatalogInventory.children().any(|c| c == AclResource::CatalogProducts));
    }
}

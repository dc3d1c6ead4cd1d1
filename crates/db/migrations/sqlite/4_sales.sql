-- Magento REST part 2 (helper B): carts (quotes), offline shipping table rates, orders
-- with items, addresses, payment and status history, and the event outbox.
-- Keep in step with ../postgres/4_sales.sql. Money in millionths, times as UTC text.

-- A cart. Guest carts carry a masked id (32 random characters) that is their only handle
-- on the wire; customer carts are found by customer. One active cart per customer.
CREATE TABLE quotes (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    store_id INTEGER NOT NULL,
    masked_id TEXT,
    customer_id INTEGER,
    customer_group_id INTEGER NOT NULL DEFAULT 0,
    customer_email TEXT,
    customer_firstname TEXT,
    customer_lastname TEXT,
    customer_note TEXT,
    is_active BOOLEAN NOT NULL DEFAULT 1,
    coupon_code TEXT,
    shipping_carrier_code TEXT,
    shipping_method_code TEXT,
    payment_method TEXT,
    payment_po_number TEXT,
    reserved_order_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    converted_at TEXT,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, masked_id)
);
CREATE INDEX quotes_customer ON quotes (tenant_id, customer_id, is_active);

-- product_id is the product priced and stocked (a configurable's child); parent_product_id
-- the configurable it was chosen through. options: JSON [{option_id, option_value}].
CREATE TABLE quote_items (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    quote_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    parent_product_id INTEGER,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    product_type TEXT NOT NULL,
    qty INTEGER NOT NULL,
    price INTEGER NOT NULL DEFAULT 0,
    tax_class_id INTEGER NOT NULL DEFAULT 0,
    weight INTEGER,
    options TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, quote_id) REFERENCES quotes (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX quote_items_quote ON quote_items (tenant_id, quote_id);

-- address_type: billing | shipping. street, city, postcode, telephone, company and vat_id
-- are encrypted (personal data), as customer addresses are.
CREATE TABLE quote_addresses (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    quote_id INTEGER NOT NULL,
    address_type TEXT NOT NULL,
    customer_address_id INTEGER,
    email TEXT,
    firstname TEXT,
    lastname TEXT,
    middlename TEXT,
    prefix TEXT,
    suffix TEXT,
    company TEXT,
    street TEXT,
    city TEXT,
    region TEXT,
    region_id INTEGER,
    region_code TEXT,
    postcode TEXT,
    country_id TEXT,
    telephone TEXT,
    fax TEXT,
    vat_id TEXT,
    same_as_billing INTEGER NOT NULL DEFAULT 0,
    save_in_address_book INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, quote_id, address_type),
    FOREIGN KEY (tenant_id, quote_id) REFERENCES quotes (tenant_id, id) ON DELETE CASCADE
);

-- Magento's shipping_tablerate: dest_zip '*' and region 0 match any; condition_name is
-- package_weight | package_value_with_discount | package_qty; the greatest condition_value
-- not above the cart's wins.
CREATE TABLE shipping_tablerates (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    website_id INTEGER NOT NULL,
    dest_country_id TEXT NOT NULL DEFAULT '0',
    dest_region_id INTEGER NOT NULL DEFAULT 0,
    dest_zip TEXT NOT NULL DEFAULT '*',
    condition_name TEXT NOT NULL,
    condition_value INTEGER NOT NULL DEFAULT 0,
    price INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX shipping_tablerates_lookup ON shipping_tablerates (tenant_id, website_id, condition_name);

-- Orders ---------------------------------------------------------------------------------

-- base_* amounts equal the order amounts (one currency per store for now); they are
-- stored once and emitted twice.
CREATE TABLE sales_orders (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    increment_id TEXT NOT NULL,
    store_id INTEGER NOT NULL,
    store_name TEXT,
    quote_id INTEGER,
    state TEXT NOT NULL,
    status TEXT NOT NULL,
    hold_before_state TEXT,
    hold_before_status TEXT,
    protect_code TEXT NOT NULL,
    is_virtual BOOLEAN NOT NULL DEFAULT 0,
    email_sent BOOLEAN NOT NULL DEFAULT 0,
    customer_id INTEGER,
    customer_group_id INTEGER NOT NULL DEFAULT 0,
    customer_is_guest BOOLEAN NOT NULL DEFAULT 0,
    customer_email TEXT NOT NULL,
    customer_firstname TEXT,
    customer_lastname TEXT,
    customer_note TEXT,
    currency_code TEXT NOT NULL,
    coupon_code TEXT,
    applied_rule_ids TEXT,
    discount_description TEXT,
    shipping_method TEXT,
    shipping_description TEXT,
    weight INTEGER NOT NULL DEFAULT 0,
    total_item_count INTEGER NOT NULL DEFAULT 0,
    total_qty_ordered INTEGER NOT NULL DEFAULT 0,
    subtotal INTEGER NOT NULL DEFAULT 0,
    subtotal_incl_tax INTEGER NOT NULL DEFAULT 0,
    discount_amount INTEGER NOT NULL DEFAULT 0,
    shipping_amount INTEGER NOT NULL DEFAULT 0,
    shipping_discount_amount INTEGER NOT NULL DEFAULT 0,
    shipping_tax_amount INTEGER NOT NULL DEFAULT 0,
    shipping_incl_tax INTEGER NOT NULL DEFAULT 0,
    tax_amount INTEGER NOT NULL DEFAULT 0,
    grand_total INTEGER NOT NULL DEFAULT 0,
    total_due INTEGER NOT NULL DEFAULT 0,
    total_paid INTEGER NOT NULL DEFAULT 0,
    total_invoiced INTEGER NOT NULL DEFAULT 0,
    total_refunded INTEGER NOT NULL DEFAULT 0,
    total_offline_refunded INTEGER NOT NULL DEFAULT 0,
    total_online_refunded INTEGER NOT NULL DEFAULT 0,
    total_canceled INTEGER NOT NULL DEFAULT 0,
    subtotal_invoiced INTEGER NOT NULL DEFAULT 0,
    subtotal_refunded INTEGER NOT NULL DEFAULT 0,
    subtotal_canceled INTEGER NOT NULL DEFAULT 0,
    tax_invoiced INTEGER NOT NULL DEFAULT 0,
    tax_refunded INTEGER NOT NULL DEFAULT 0,
    tax_canceled INTEGER NOT NULL DEFAULT 0,
    shipping_invoiced INTEGER NOT NULL DEFAULT 0,
    shipping_refunded INTEGER NOT NULL DEFAULT 0,
    shipping_canceled INTEGER NOT NULL DEFAULT 0,
    discount_invoiced INTEGER NOT NULL DEFAULT 0,
    discount_refunded INTEGER NOT NULL DEFAULT 0,
    discount_canceled INTEGER NOT NULL DEFAULT 0,
    adjustment_positive INTEGER NOT NULL DEFAULT 0,
    adjustment_negative INTEGER NOT NULL DEFAULT 0,
    remote_ip TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, store_id, increment_id)
);
CREATE INDEX sales_orders_customer ON sales_orders (tenant_id, customer_id);
CREATE INDEX sales_orders_created ON sales_orders (tenant_id, created_at);

CREATE TABLE sales_order_items (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    order_id INTEGER NOT NULL,
    parent_item_id INTEGER,
    quote_item_id INTEGER,
    store_id INTEGER NOT NULL,
    product_id INTEGER,
    product_type TEXT NOT NULL,
    product_options TEXT,
    sku TEXT NOT NULL,
    name TEXT,
    weight INTEGER NOT NULL DEFAULT 0,
    row_weight INTEGER NOT NULL DEFAULT 0,
    is_virtual BOOLEAN NOT NULL DEFAULT 0,
    is_qty_decimal BOOLEAN NOT NULL DEFAULT 0,
    qty_ordered INTEGER NOT NULL DEFAULT 0,
    qty_invoiced INTEGER NOT NULL DEFAULT 0,
    qty_shipped INTEGER NOT NULL DEFAULT 0,
    qty_refunded INTEGER NOT NULL DEFAULT 0,
    qty_canceled INTEGER NOT NULL DEFAULT 0,
    qty_backordered INTEGER NOT NULL DEFAULT 0,
    qty_returned INTEGER NOT NULL DEFAULT 0,
    price INTEGER NOT NULL DEFAULT 0,
    original_price INTEGER NOT NULL DEFAULT 0,
    price_incl_tax INTEGER NOT NULL DEFAULT 0,
    row_total INTEGER NOT NULL DEFAULT 0,
    row_total_incl_tax INTEGER NOT NULL DEFAULT 0,
    row_invoiced INTEGER NOT NULL DEFAULT 0,
    tax_amount INTEGER NOT NULL DEFAULT 0,
    tax_percent INTEGER NOT NULL DEFAULT 0,
    tax_invoiced INTEGER NOT NULL DEFAULT 0,
    tax_refunded INTEGER NOT NULL DEFAULT 0,
    tax_canceled INTEGER NOT NULL DEFAULT 0,
    discount_amount INTEGER NOT NULL DEFAULT 0,
    discount_percent INTEGER NOT NULL DEFAULT 0,
    discount_invoiced INTEGER NOT NULL DEFAULT 0,
    discount_refunded INTEGER NOT NULL DEFAULT 0,
    amount_refunded INTEGER NOT NULL DEFAULT 0,
    free_shipping BOOLEAN NOT NULL DEFAULT 0,
    applied_rule_ids TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_order_items_order ON sales_order_items (tenant_id, order_id);

-- Same encrypted fields as quote_addresses.
CREATE TABLE sales_order_addresses (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    order_id INTEGER NOT NULL,
    address_type TEXT NOT NULL,
    customer_id INTEGER,
    customer_address_id INTEGER,
    email TEXT,
    firstname TEXT NOT NULL,
    lastname TEXT NOT NULL,
    middlename TEXT,
    prefix TEXT,
    suffix TEXT,
    company TEXT,
    street TEXT NOT NULL,
    city TEXT NOT NULL,
    region TEXT,
    region_id INTEGER,
    region_code TEXT,
    postcode TEXT,
    country_id TEXT NOT NULL,
    telephone TEXT,
    fax TEXT,
    vat_id TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_order_addresses_order ON sales_order_addresses (tenant_id, order_id);

CREATE TABLE sales_order_payments (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    order_id INTEGER NOT NULL,
    method TEXT NOT NULL,
    title TEXT NOT NULL,
    po_number TEXT,
    amount_ordered INTEGER NOT NULL DEFAULT 0,
    amount_paid INTEGER NOT NULL DEFAULT 0,
    amount_authorized INTEGER NOT NULL DEFAULT 0,
    amount_refunded INTEGER NOT NULL DEFAULT 0,
    amount_canceled INTEGER NOT NULL DEFAULT 0,
    shipping_amount INTEGER NOT NULL DEFAULT 0,
    shipping_captured INTEGER NOT NULL DEFAULT 0,
    shipping_refunded INTEGER NOT NULL DEFAULT 0,
    last_trans_id TEXT,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, order_id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE
);

-- entity_name: order | invoice | shipment | creditmemo.
CREATE TABLE sales_order_status_history (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    order_id INTEGER NOT NULL,
    comment TEXT,
    status TEXT,
    is_customer_notified INTEGER,
    is_visible_on_front INTEGER NOT NULL DEFAULT 0,
    entity_name TEXT NOT NULL DEFAULT 'order',
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_order_status_history_order ON sales_order_status_history (tenant_id, order_id);

-- Domain events waiting for delivery (webhooks come with a later issue).
CREATE TABLE event_outbox (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX event_outbox_pending ON event_outbox (delivered_at, created_at);

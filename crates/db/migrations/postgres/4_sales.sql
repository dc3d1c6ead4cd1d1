-- Magento REST part 2 (helper B): carts (quotes), offline shipping table rates, orders
-- with items, addresses, payment and status history, and the event outbox.
-- Keep in step with ../sqlite/4_sales.sql. Money in millionths, times as UTC text.

-- A cart. Guest carts carry a masked id (32 random characters) that is their only handle
-- on the wire; customer carts are found by customer. One active cart per customer.
CREATE TABLE quotes (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    masked_id TEXT,
    customer_id BIGINT,
    customer_group_id BIGINT NOT NULL DEFAULT 0,
    customer_email TEXT,
    customer_firstname TEXT,
    customer_lastname TEXT,
    customer_note TEXT,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
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
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    quote_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    parent_product_id BIGINT,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    product_type TEXT NOT NULL,
    qty BIGINT NOT NULL,
    price BIGINT NOT NULL DEFAULT 0,
    tax_class_id BIGINT NOT NULL DEFAULT 0,
    weight BIGINT,
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
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    quote_id BIGINT NOT NULL,
    address_type TEXT NOT NULL,
    customer_address_id BIGINT,
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
    region_id BIGINT,
    region_code TEXT,
    postcode TEXT,
    country_id TEXT,
    telephone TEXT,
    fax TEXT,
    vat_id TEXT,
    same_as_billing BIGINT NOT NULL DEFAULT 0,
    save_in_address_book BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, quote_id, address_type),
    FOREIGN KEY (tenant_id, quote_id) REFERENCES quotes (tenant_id, id) ON DELETE CASCADE
);

-- Magento's shipping_tablerate: dest_zip '*' and region 0 match any; condition_name is
-- package_weight | package_value_with_discount | package_qty; the greatest condition_value
-- not above the cart's wins.
CREATE TABLE shipping_tablerates (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id BIGINT NOT NULL,
    website_id BIGINT NOT NULL,
    dest_country_id TEXT NOT NULL DEFAULT '0',
    dest_region_id BIGINT NOT NULL DEFAULT 0,
    dest_zip TEXT NOT NULL DEFAULT '*',
    condition_name TEXT NOT NULL,
    condition_value BIGINT NOT NULL DEFAULT 0,
    price BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX shipping_tablerates_lookup ON shipping_tablerates (tenant_id, website_id, condition_name);

-- Orders ---------------------------------------------------------------------------------

-- base_* amounts equal the order amounts (one currency per store for now); they are
-- stored once and emitted twice.
CREATE TABLE sales_orders (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id BIGINT NOT NULL,
    increment_id TEXT NOT NULL,
    store_id BIGINT NOT NULL,
    store_name TEXT,
    quote_id BIGINT,
    state TEXT NOT NULL,
    status TEXT NOT NULL,
    hold_before_state TEXT,
    hold_before_status TEXT,
    protect_code TEXT NOT NULL,
    is_virtual BOOLEAN NOT NULL DEFAULT FALSE,
    email_sent BOOLEAN NOT NULL DEFAULT FALSE,
    customer_id BIGINT,
    customer_group_id BIGINT NOT NULL DEFAULT 0,
    customer_is_guest BOOLEAN NOT NULL DEFAULT FALSE,
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
    weight BIGINT NOT NULL DEFAULT 0,
    total_item_count BIGINT NOT NULL DEFAULT 0,
    total_qty_ordered BIGINT NOT NULL DEFAULT 0,
    subtotal BIGINT NOT NULL DEFAULT 0,
    subtotal_incl_tax BIGINT NOT NULL DEFAULT 0,
    discount_amount BIGINT NOT NULL DEFAULT 0,
    shipping_amount BIGINT NOT NULL DEFAULT 0,
    shipping_discount_amount BIGINT NOT NULL DEFAULT 0,
    shipping_tax_amount BIGINT NOT NULL DEFAULT 0,
    shipping_incl_tax BIGINT NOT NULL DEFAULT 0,
    tax_amount BIGINT NOT NULL DEFAULT 0,
    grand_total BIGINT NOT NULL DEFAULT 0,
    total_due BIGINT NOT NULL DEFAULT 0,
    total_paid BIGINT NOT NULL DEFAULT 0,
    total_invoiced BIGINT NOT NULL DEFAULT 0,
    total_refunded BIGINT NOT NULL DEFAULT 0,
    total_offline_refunded BIGINT NOT NULL DEFAULT 0,
    total_online_refunded BIGINT NOT NULL DEFAULT 0,
    total_canceled BIGINT NOT NULL DEFAULT 0,
    subtotal_invoiced BIGINT NOT NULL DEFAULT 0,
    subtotal_refunded BIGINT NOT NULL DEFAULT 0,
    subtotal_canceled BIGINT NOT NULL DEFAULT 0,
    tax_invoiced BIGINT NOT NULL DEFAULT 0,
    tax_refunded BIGINT NOT NULL DEFAULT 0,
    tax_canceled BIGINT NOT NULL DEFAULT 0,
    shipping_invoiced BIGINT NOT NULL DEFAULT 0,
    shipping_refunded BIGINT NOT NULL DEFAULT 0,
    shipping_canceled BIGINT NOT NULL DEFAULT 0,
    discount_invoiced BIGINT NOT NULL DEFAULT 0,
    discount_refunded BIGINT NOT NULL DEFAULT 0,
    discount_canceled BIGINT NOT NULL DEFAULT 0,
    adjustment_positive BIGINT NOT NULL DEFAULT 0,
    adjustment_negative BIGINT NOT NULL DEFAULT 0,
    remote_ip TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, store_id, increment_id)
);
CREATE INDEX sales_orders_customer ON sales_orders (tenant_id, customer_id);
CREATE INDEX sales_orders_created ON sales_orders (tenant_id, created_at);

CREATE TABLE sales_order_items (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    parent_item_id BIGINT,
    quote_item_id BIGINT,
    store_id BIGINT NOT NULL,
    product_id BIGINT,
    product_type TEXT NOT NULL,
    product_options TEXT,
    sku TEXT NOT NULL,
    name TEXT,
    weight BIGINT NOT NULL DEFAULT 0,
    row_weight BIGINT NOT NULL DEFAULT 0,
    is_virtual BOOLEAN NOT NULL DEFAULT FALSE,
    is_qty_decimal BOOLEAN NOT NULL DEFAULT FALSE,
    qty_ordered BIGINT NOT NULL DEFAULT 0,
    qty_invoiced BIGINT NOT NULL DEFAULT 0,
    qty_shipped BIGINT NOT NULL DEFAULT 0,
    qty_refunded BIGINT NOT NULL DEFAULT 0,
    qty_canceled BIGINT NOT NULL DEFAULT 0,
    qty_backordered BIGINT NOT NULL DEFAULT 0,
    qty_returned BIGINT NOT NULL DEFAULT 0,
    price BIGINT NOT NULL DEFAULT 0,
    original_price BIGINT NOT NULL DEFAULT 0,
    price_incl_tax BIGINT NOT NULL DEFAULT 0,
    row_total BIGINT NOT NULL DEFAULT 0,
    row_total_incl_tax BIGINT NOT NULL DEFAULT 0,
    row_invoiced BIGINT NOT NULL DEFAULT 0,
    tax_amount BIGINT NOT NULL DEFAULT 0,
    tax_percent BIGINT NOT NULL DEFAULT 0,
    tax_invoiced BIGINT NOT NULL DEFAULT 0,
    tax_refunded BIGINT NOT NULL DEFAULT 0,
    tax_canceled BIGINT NOT NULL DEFAULT 0,
    discount_amount BIGINT NOT NULL DEFAULT 0,
    discount_percent BIGINT NOT NULL DEFAULT 0,
    discount_invoiced BIGINT NOT NULL DEFAULT 0,
    discount_refunded BIGINT NOT NULL DEFAULT 0,
    amount_refunded BIGINT NOT NULL DEFAULT 0,
    free_shipping BOOLEAN NOT NULL DEFAULT FALSE,
    applied_rule_ids TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_order_items_order ON sales_order_items (tenant_id, order_id);

-- Same encrypted fields as quote_addresses.
CREATE TABLE sales_order_addresses (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    address_type TEXT NOT NULL,
    customer_id BIGINT,
    customer_address_id BIGINT,
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
    region_id BIGINT,
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
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    method TEXT NOT NULL,
    title TEXT NOT NULL,
    po_number TEXT,
    amount_ordered BIGINT NOT NULL DEFAULT 0,
    amount_paid BIGINT NOT NULL DEFAULT 0,
    amount_authorized BIGINT NOT NULL DEFAULT 0,
    amount_refunded BIGINT NOT NULL DEFAULT 0,
    amount_canceled BIGINT NOT NULL DEFAULT 0,
    shipping_amount BIGINT NOT NULL DEFAULT 0,
    shipping_captured BIGINT NOT NULL DEFAULT 0,
    shipping_refunded BIGINT NOT NULL DEFAULT 0,
    last_trans_id TEXT,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, order_id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE
);

-- entity_name: order | invoice | shipment | creditmemo.
CREATE TABLE sales_order_status_history (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    comment TEXT,
    status TEXT,
    is_customer_notified BIGINT,
    is_visible_on_front BIGINT NOT NULL DEFAULT 0,
    entity_name TEXT NOT NULL DEFAULT 'order',
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_order_status_history_order ON sales_order_status_history (tenant_id, order_id);

-- Domain events waiting for delivery (webhooks come with a later issue).
CREATE TABLE event_outbox (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id BIGINT NOT NULL,
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX event_outbox_pending ON event_outbox (delivered_at, created_at);

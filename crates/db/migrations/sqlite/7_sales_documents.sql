-- Magento REST part 2 (helper D): the order lifecycle's documents: invoices, shipments
-- with tracks, credit memos, and the comments of all three. Keep in step with
-- ../postgres/7_sales_documents.sql. Money and quantities in millionths, times as UTC text.
-- Increment ids come from per-store sequences (`invoice_increment_<store>`, …).

-- state: 1 open, 2 paid, 3 canceled.
CREATE TABLE sales_invoices (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    increment_id TEXT NOT NULL,
    order_id INTEGER NOT NULL,
    store_id INTEGER NOT NULL,
    state INTEGER NOT NULL,
    total_qty INTEGER NOT NULL DEFAULT 0,
    subtotal INTEGER NOT NULL DEFAULT 0,
    subtotal_incl_tax INTEGER NOT NULL DEFAULT 0,
    tax_amount INTEGER NOT NULL DEFAULT 0,
    shipping_amount INTEGER NOT NULL DEFAULT 0,
    shipping_tax_amount INTEGER NOT NULL DEFAULT 0,
    shipping_incl_tax INTEGER NOT NULL DEFAULT 0,
    discount_amount INTEGER NOT NULL DEFAULT 0,
    grand_total INTEGER NOT NULL DEFAULT 0,
    total_refunded INTEGER NOT NULL DEFAULT 0,
    can_void_flag BOOLEAN NOT NULL DEFAULT 0,
    email_sent BOOLEAN NOT NULL DEFAULT 0,
    capture_requested BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_invoices_order ON sales_invoices (tenant_id, order_id);

-- state: 1 open, 2 refunded, 3 canceled.
CREATE TABLE sales_creditmemos (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    increment_id TEXT NOT NULL,
    order_id INTEGER NOT NULL,
    invoice_id INTEGER,
    store_id INTEGER NOT NULL,
    state INTEGER NOT NULL,
    total_qty INTEGER NOT NULL DEFAULT 0,
    subtotal INTEGER NOT NULL DEFAULT 0,
    subtotal_incl_tax INTEGER NOT NULL DEFAULT 0,
    tax_amount INTEGER NOT NULL DEFAULT 0,
    shipping_amount INTEGER NOT NULL DEFAULT 0,
    shipping_tax_amount INTEGER NOT NULL DEFAULT 0,
    shipping_incl_tax INTEGER NOT NULL DEFAULT 0,
    discount_amount INTEGER NOT NULL DEFAULT 0,
    adjustment_positive INTEGER NOT NULL DEFAULT 0,
    adjustment_negative INTEGER NOT NULL DEFAULT 0,
    grand_total INTEGER NOT NULL DEFAULT 0,
    email_sent BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_creditmemos_order ON sales_creditmemos (tenant_id, order_id);

-- source_code: the MSI source the shipment was deducted from.
CREATE TABLE sales_shipments (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    increment_id TEXT NOT NULL,
    order_id INTEGER NOT NULL,
    store_id INTEGER NOT NULL,
    customer_id INTEGER,
    total_qty INTEGER NOT NULL DEFAULT 0,
    total_weight INTEGER NOT NULL DEFAULT 0,
    source_code TEXT,
    shipping_label TEXT,
    email_sent BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_shipments_order ON sales_shipments (tenant_id, order_id);

-- The lines of all three documents. doc_type: invoice | shipment | creditmemo.
-- back_to_stock: a credit memo line returned to its source.
CREATE TABLE sales_document_items (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    doc_type TEXT NOT NULL,
    parent_id INTEGER NOT NULL,
    order_item_id INTEGER NOT NULL,
    product_id INTEGER,
    sku TEXT NOT NULL,
    name TEXT,
    qty INTEGER NOT NULL DEFAULT 0,
    price INTEGER NOT NULL DEFAULT 0,
    price_incl_tax INTEGER NOT NULL DEFAULT 0,
    row_total INTEGER NOT NULL DEFAULT 0,
    row_total_incl_tax INTEGER NOT NULL DEFAULT 0,
    tax_amount INTEGER NOT NULL DEFAULT 0,
    discount_amount INTEGER NOT NULL DEFAULT 0,
    weight INTEGER NOT NULL DEFAULT 0,
    back_to_stock BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_item_id) REFERENCES sales_order_items (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_document_items_parent ON sales_document_items (tenant_id, doc_type, parent_id);

CREATE TABLE sales_shipment_tracks (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    shipment_id INTEGER NOT NULL,
    order_id INTEGER NOT NULL,
    track_number TEXT NOT NULL,
    title TEXT,
    carrier_code TEXT NOT NULL,
    qty INTEGER,
    weight INTEGER,
    description TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, shipment_id) REFERENCES sales_shipments (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_shipment_tracks_shipment ON sales_shipment_tracks (tenant_id, shipment_id);

-- The comments of invoices, shipments and credit memos (doc_type as above).
CREATE TABLE sales_document_comments (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    doc_type TEXT NOT NULL,
    parent_id INTEGER NOT NULL,
    comment TEXT NOT NULL,
    is_customer_notified INTEGER,
    is_visible_on_front INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sales_document_comments_parent ON sales_document_comments (tenant_id, doc_type, parent_id);

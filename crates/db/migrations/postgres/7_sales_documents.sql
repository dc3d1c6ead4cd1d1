-- Magento REST part 2 (helper D): the order lifecycle's documents: invoices, shipments
-- with tracks, credit memos, and the comments of all three. Keep in step with
-- ../sqlite/7_sales_documents.sql. Money and quantities in millionths, times as UTC text.
-- Increment ids come from per-store sequences (`invoice_increment_<store>`, …).

-- state: 1 open, 2 paid, 3 canceled.
CREATE TABLE sales_invoices (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    increment_id TEXT NOT NULL,
    order_id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    state BIGINT NOT NULL,
    total_qty BIGINT NOT NULL DEFAULT 0,
    subtotal BIGINT NOT NULL DEFAULT 0,
    subtotal_incl_tax BIGINT NOT NULL DEFAULT 0,
    tax_amount BIGINT NOT NULL DEFAULT 0,
    shipping_amount BIGINT NOT NULL DEFAULT 0,
    shipping_tax_amount BIGINT NOT NULL DEFAULT 0,
    shipping_incl_tax BIGINT NOT NULL DEFAULT 0,
    discount_amount BIGINT NOT NULL DEFAULT 0,
    grand_total BIGINT NOT NULL DEFAULT 0,
    total_refunded BIGINT NOT NULL DEFAULT 0,
    can_void_flag BOOLEAN NOT NULL DEFAULT FALSE,
    email_sent BOOLEAN NOT NULL DEFAULT FALSE,
    capture_requested BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_invoices_order ON sales_invoices (tenant_id, order_id);

-- state: 1 open, 2 refunded, 3 canceled.
CREATE TABLE sales_creditmemos (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    increment_id TEXT NOT NULL,
    order_id BIGINT NOT NULL,
    invoice_id BIGINT,
    store_id BIGINT NOT NULL,
    state BIGINT NOT NULL,
    total_qty BIGINT NOT NULL DEFAULT 0,
    subtotal BIGINT NOT NULL DEFAULT 0,
    subtotal_incl_tax BIGINT NOT NULL DEFAULT 0,
    tax_amount BIGINT NOT NULL DEFAULT 0,
    shipping_amount BIGINT NOT NULL DEFAULT 0,
    shipping_tax_amount BIGINT NOT NULL DEFAULT 0,
    shipping_incl_tax BIGINT NOT NULL DEFAULT 0,
    discount_amount BIGINT NOT NULL DEFAULT 0,
    adjustment_positive BIGINT NOT NULL DEFAULT 0,
    adjustment_negative BIGINT NOT NULL DEFAULT 0,
    grand_total BIGINT NOT NULL DEFAULT 0,
    email_sent BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_creditmemos_order ON sales_creditmemos (tenant_id, order_id);

-- source_code: the MSI source the shipment was deducted from.
CREATE TABLE sales_shipments (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    increment_id TEXT NOT NULL,
    order_id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    customer_id BIGINT,
    total_qty BIGINT NOT NULL DEFAULT 0,
    total_weight BIGINT NOT NULL DEFAULT 0,
    source_code TEXT,
    shipping_label TEXT,
    email_sent BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sales_orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_shipments_order ON sales_shipments (tenant_id, order_id);

-- The lines of all three documents. doc_type: invoice | shipment | creditmemo.
-- back_to_stock: a credit memo line returned to its source.
CREATE TABLE sales_document_items (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    doc_type TEXT NOT NULL,
    parent_id BIGINT NOT NULL,
    order_item_id BIGINT NOT NULL,
    product_id BIGINT,
    sku TEXT NOT NULL,
    name TEXT,
    qty BIGINT NOT NULL DEFAULT 0,
    price BIGINT NOT NULL DEFAULT 0,
    price_incl_tax BIGINT NOT NULL DEFAULT 0,
    row_total BIGINT NOT NULL DEFAULT 0,
    row_total_incl_tax BIGINT NOT NULL DEFAULT 0,
    tax_amount BIGINT NOT NULL DEFAULT 0,
    discount_amount BIGINT NOT NULL DEFAULT 0,
    weight BIGINT NOT NULL DEFAULT 0,
    back_to_stock BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_item_id) REFERENCES sales_order_items (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_document_items_parent ON sales_document_items (tenant_id, doc_type, parent_id);

CREATE TABLE sales_shipment_tracks (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    shipment_id BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    track_number TEXT NOT NULL,
    title TEXT,
    carrier_code TEXT NOT NULL,
    qty BIGINT,
    weight BIGINT,
    description TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, shipment_id) REFERENCES sales_shipments (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_shipment_tracks_shipment ON sales_shipment_tracks (tenant_id, shipment_id);

-- The comments of invoices, shipments and credit memos (doc_type as above).
CREATE TABLE sales_document_comments (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    doc_type TEXT NOT NULL,
    parent_id BIGINT NOT NULL,
    comment TEXT NOT NULL,
    is_customer_notified BIGINT,
    is_visible_on_front BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sales_document_comments_parent ON sales_document_comments (tenant_id, doc_type, parent_id);

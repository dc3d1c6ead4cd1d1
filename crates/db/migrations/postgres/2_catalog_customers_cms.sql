-- Magento REST part 1: tier prices, product links, media gallery, category attributes,
-- customer account fields and password resets, CMS page design fields.
-- Keep in step with ../sqlite/2_catalog_customers_cms.sql.

-- all_groups: the price applies to every customer group (customer_group_id 32000 on the wire).
CREATE TABLE product_tier_prices (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    all_groups BOOLEAN NOT NULL DEFAULT FALSE,
    customer_group_id BIGINT NOT NULL DEFAULT 0,
    qty BIGINT NOT NULL,
    value BIGINT NOT NULL,
    percentage_value BIGINT,
    website_id BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX product_tier_prices_product ON product_tier_prices (tenant_id, product_id);

-- link_type: related | upsell | crosssell | associated.
CREATE TABLE product_links (
    tenant_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    link_type TEXT NOT NULL,
    linked_product_id BIGINT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    qty BIGINT,
    PRIMARY KEY (tenant_id, product_id, link_type, linked_product_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, linked_product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX product_links_linked ON product_links (tenant_id, linked_product_id);

-- file is relative to the media directory, Magento style: /m/b/mb01-blue.jpg.
-- types: comma-separated roles (image, small_image, thumbnail, swatch_image).
CREATE TABLE product_media (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    media_type TEXT NOT NULL DEFAULT 'image',
    file TEXT NOT NULL,
    label TEXT,
    position BIGINT NOT NULL DEFAULT 0,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    types TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX product_media_product ON product_media (tenant_id, product_id, position);

-- Category custom attributes that are not columns (meta fields, landing page, ...).
CREATE TABLE category_attribute_values (
    tenant_id BIGINT NOT NULL,
    category_id BIGINT NOT NULL,
    attribute_code TEXT NOT NULL,
    store_id BIGINT NOT NULL DEFAULT 0,
    value TEXT,
    PRIMARY KEY (tenant_id, category_id, attribute_code, store_id),
    FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id) ON DELETE CASCADE
);

ALTER TABLE customers ADD COLUMN confirmation TEXT;
ALTER TABLE customers ADD COLUMN is_subscribed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE customers ADD COLUMN disable_auto_group_change BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customer_addresses ADD COLUMN middlename TEXT;
ALTER TABLE customer_addresses ADD COLUMN prefix TEXT;
ALTER TABLE customer_addresses ADD COLUMN suffix TEXT;
ALTER TABLE customer_addresses ADD COLUMN fax TEXT;

-- One live reset token per customer, stored as a hash.
CREATE TABLE customer_password_resets (
    tenant_id BIGINT NOT NULL,
    customer_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, customer_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);

ALTER TABLE cms_pages ADD COLUMN layout_update_xml TEXT;
ALTER TABLE cms_pages ADD COLUMN custom_theme TEXT;
ALTER TABLE cms_pages ADD COLUMN custom_root_template TEXT;
ALTER TABLE cms_pages ADD COLUMN custom_layout_update_xml TEXT;
ALTER TABLE cms_pages ADD COLUMN custom_theme_from TEXT;
ALTER TABLE cms_pages ADD COLUMN custom_theme_to TEXT;

-- Mail waiting to be sent (order confirmations, password resets). Recipients and bodies
-- are personal data and may hold secrets (reset links), so both are encrypted.
CREATE TABLE mail_outbox (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id BIGINT NOT NULL,
    template TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    created_at TEXT NOT NULL,
    sent_at TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX mail_outbox_status ON mail_outbox (status, created_at);

-- Multi-source inventory (Magento MSI): sources, stocks, their links and sales channels,
-- source items of the non-default sources and reservations.
-- Keep in step with ../postgres/3_inventory.sql.
--
-- The `default` source's items are not stored here: they are the legacy `stock_items` rows
-- (qty, is_in_stock) of products whose type counts quantity, so the legacy stock routes and
-- MSI can never disagree. Sources are keyed by their code, as in Magento.

CREATE TABLE inventory_sources (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    source_code TEXT NOT NULL,
    name TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT 1,
    description TEXT,
    latitude INTEGER,
    longitude INTEGER,
    country_id TEXT,
    region_id INTEGER,
    region TEXT,
    city TEXT,
    street TEXT,
    postcode TEXT,
    contact_name TEXT,
    email TEXT,
    phone TEXT,
    fax TEXT,
    use_default_carrier_config BOOLEAN NOT NULL DEFAULT 1,
    is_pickup_location_active BOOLEAN,
    frontend_name TEXT,
    frontend_description TEXT,
    PRIMARY KEY (tenant_id, source_code)
);

CREATE TABLE inventory_source_carrier_links (
    tenant_id INTEGER NOT NULL,
    source_code TEXT NOT NULL,
    carrier_code TEXT NOT NULL,
    position INTEGER,
    PRIMARY KEY (tenant_id, source_code, carrier_code),
    FOREIGN KEY (tenant_id, source_code) REFERENCES inventory_sources (tenant_id, source_code) ON DELETE CASCADE
);

CREATE TABLE inventory_stocks (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- type is `website`; one stock serves a website.
CREATE TABLE inventory_stock_sales_channels (
    tenant_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    code TEXT NOT NULL,
    stock_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, type, code),
    FOREIGN KEY (tenant_id, stock_id) REFERENCES inventory_stocks (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX inventory_stock_sales_channels_stock ON inventory_stock_sales_channels (tenant_id, stock_id);

CREATE TABLE inventory_source_stock_links (
    tenant_id INTEGER NOT NULL,
    stock_id INTEGER NOT NULL,
    source_code TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, stock_id, source_code),
    FOREIGN KEY (tenant_id, stock_id) REFERENCES inventory_stocks (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, source_code) REFERENCES inventory_sources (tenant_id, source_code) ON DELETE CASCADE
);
CREATE INDEX inventory_source_stock_links_source ON inventory_source_stock_links (tenant_id, source_code);

-- quantity in micros; status 1 in stock, 0 out of stock. Never holds the default source.
CREATE TABLE inventory_source_items (
    tenant_id INTEGER NOT NULL,
    source_code TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity INTEGER NOT NULL DEFAULT 0,
    status INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, source_code, sku),
    FOREIGN KEY (tenant_id, source_code) REFERENCES inventory_sources (tenant_id, source_code) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, sku) REFERENCES products (tenant_id, sku) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX inventory_source_items_sku ON inventory_source_items (tenant_id, sku);

-- Magento's inventory_reservation: quantity in micros (negative for orders, positive for
-- compensations), metadata the JSON Magento writes (event_type, object_type, object_id,
-- object_increment_id).
CREATE TABLE inventory_reservations (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    stock_id INTEGER NOT NULL,
    sku TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    metadata TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX inventory_reservations_stock_sku ON inventory_reservations (tenant_id, stock_id, sku);

-- Every existing tenant gets Magento's defaults: source `default`, stock 1 linked to it and
-- serving the base website. New tenants get them from the tenancy bootstrap.
INSERT INTO inventory_sources (tenant_id, source_code, name, enabled)
    SELECT id, 'default', 'Default Source', 1 FROM tenants;
INSERT INTO inventory_stocks (tenant_id, id, name) SELECT id, 1, 'Default Stock' FROM tenants;
INSERT INTO inventory_source_stock_links (tenant_id, stock_id, source_code, priority)
    SELECT id, 1, 'default', 1 FROM tenants;
INSERT INTO inventory_stock_sales_channels (tenant_id, type, code, stock_id)
    SELECT tenant_id, 'website', code, 1 FROM websites WHERE code = 'base';
INSERT INTO id_sequences (tenant_id, entity, next_id)
    SELECT id, 'inventory_stock', 2 FROM tenants WHERE id > 0
    ON CONFLICT (tenant_id, entity) DO NOTHING;

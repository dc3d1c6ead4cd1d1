-- storegate foundation schema (SQLite). Keep in step with ../postgres/1_foundation.sql;
-- the schema_parity test compares the two.
--
-- Conventions: every commerce row carries tenant_id (the platform store that owns it), and
-- tenant-owned tables key on (tenant_id, id) with ids numbered per tenant, so Magento's
-- well-known ids (store view 1, category 2, attribute set 4) hold in every tenant and a
-- foreign key can never point into another tenant. Decimal columns hold millionths
-- (34.5 is stored as 34500000). Times are 'YYYY-MM-DD HH:MM:SS' UTC text.

CREATE TABLE tenants (
    id INTEGER NOT NULL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    host TEXT UNIQUE,
    is_default BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE id_sequences (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    entity TEXT NOT NULL,
    next_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, entity)
);

CREATE TABLE websites (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    default_group_id INTEGER NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    is_default BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);

CREATE TABLE store_groups (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    website_id INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    root_category_id INTEGER NOT NULL,
    default_store_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, website_id) REFERENCES websites (tenant_id, id)
);

CREATE TABLE store_views (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    website_id INTEGER NOT NULL,
    group_id INTEGER NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    is_active BOOLEAN NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code),
    FOREIGN KEY (tenant_id, website_id) REFERENCES websites (tenant_id, id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES store_groups (tenant_id, id)
);

-- Magento's core_config_data: scope is 'default', 'websites' or 'stores'.
CREATE TABLE config (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    scope TEXT NOT NULL,
    scope_id INTEGER NOT NULL,
    path TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (tenant_id, scope, scope_id, path)
);

CREATE TABLE admin_roles (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE admin_role_resources (
    tenant_id INTEGER NOT NULL,
    role_id INTEGER NOT NULL,
    resource TEXT NOT NULL,
    PRIMARY KEY (tenant_id, role_id, resource),
    FOREIGN KEY (tenant_id, role_id) REFERENCES admin_roles (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE admin_users (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    username TEXT NOT NULL,
    email TEXT,
    firstname TEXT,
    lastname TEXT,
    password_hash TEXT NOT NULL,
    role_id INTEGER,
    is_active BOOLEAN NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, username),
    FOREIGN KEY (tenant_id, role_id) REFERENCES admin_roles (tenant_id, id)
);

-- Bearer tokens, stored only as SHA-256 hashes. kind: admin | customer.
CREATE TABLE access_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX access_tokens_subject ON access_tokens (tenant_id, kind, subject_id);

-- Failed sign-ins per user name and type (Magento's oauth_token_request_log), counted even
-- for names that do not exist so that probing them is throttled too.
CREATE TABLE login_failures (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    user_type TEXT NOT NULL,
    username TEXT NOT NULL,
    failures INTEGER NOT NULL,
    lock_expires_at TEXT,
    PRIMARY KEY (tenant_id, user_type, username)
);

-- Append-only: triggers refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    tenant_id INTEGER,
    request_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    principal_kind TEXT NOT NULL,
    principal_id INTEGER,
    principal_name TEXT NOT NULL,
    operation_id TEXT NOT NULL,
    store_code TEXT,
    target TEXT,
    decision TEXT NOT NULL,
    reason TEXT,
    status INTEGER NOT NULL,
    sentence TEXT NOT NULL
);
CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Catalog -------------------------------------------------------------------------------

CREATE TABLE attribute_sets (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    entity_type TEXT NOT NULL,
    name TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, entity_type, name)
);

-- EAV attribute definitions. backend_type: varchar | int | decimal | text | datetime.
CREATE TABLE attributes (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    entity_type TEXT NOT NULL,
    code TEXT NOT NULL,
    frontend_input TEXT NOT NULL,
    frontend_label TEXT,
    backend_type TEXT NOT NULL,
    is_required BOOLEAN NOT NULL DEFAULT 0,
    is_user_defined BOOLEAN NOT NULL DEFAULT 1,
    is_unique BOOLEAN NOT NULL DEFAULT 0,
    scope TEXT NOT NULL DEFAULT 'store',
    is_searchable BOOLEAN NOT NULL DEFAULT 0,
    is_filterable BOOLEAN NOT NULL DEFAULT 0,
    is_comparable BOOLEAN NOT NULL DEFAULT 0,
    is_visible_on_front BOOLEAN NOT NULL DEFAULT 0,
    used_in_product_listing BOOLEAN NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0,
    default_value TEXT,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, entity_type, code)
);

CREATE TABLE attribute_options (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    attribute_id INTEGER NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    label TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, attribute_id, label),
    FOREIGN KEY (tenant_id, attribute_id) REFERENCES attributes (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE attribute_set_attributes (
    tenant_id INTEGER NOT NULL,
    attribute_set_id INTEGER NOT NULL,
    attribute_id INTEGER NOT NULL,
    group_name TEXT NOT NULL DEFAULT 'General',
    sort_order INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, attribute_set_id, attribute_id),
    FOREIGN KEY (tenant_id, attribute_set_id) REFERENCES attribute_sets (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, attribute_id) REFERENCES attributes (tenant_id, id) ON DELETE CASCADE
);

-- path is the id path from the root, '1/2/5'; level is its depth (root = 0).
CREATE TABLE categories (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    parent_id INTEGER,
    path TEXT NOT NULL,
    level INTEGER NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    is_active BOOLEAN NOT NULL DEFAULT 1,
    include_in_menu BOOLEAN NOT NULL DEFAULT 1,
    is_anchor BOOLEAN NOT NULL DEFAULT 1,
    url_key TEXT,
    url_path TEXT,
    display_mode TEXT,
    description TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES categories (tenant_id, id)
);
CREATE INDEX categories_parent ON categories (tenant_id, parent_id, position);

-- The static product attributes live here; the rest are rows of product_attribute_values.
CREATE TABLE products (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    sku TEXT NOT NULL,
    type_id TEXT NOT NULL,
    attribute_set_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    price INTEGER,
    status INTEGER NOT NULL DEFAULT 1,
    visibility INTEGER NOT NULL DEFAULT 4,
    weight INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, sku),
    FOREIGN KEY (tenant_id, attribute_set_id) REFERENCES attribute_sets (tenant_id, id)
);
CREATE INDEX products_type ON products (tenant_id, type_id);
CREATE INDEX products_updated ON products (tenant_id, updated_at);

-- store_id 0 is the default (admin) scope. Select values hold option ids, multiselect
-- values comma-separated option ids, as Magento returns them in custom_attributes.
CREATE TABLE product_attribute_values (
    tenant_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    attribute_code TEXT NOT NULL,
    store_id INTEGER NOT NULL DEFAULT 0,
    value TEXT,
    PRIMARY KEY (tenant_id, product_id, attribute_code, store_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX product_attribute_values_lookup ON product_attribute_values (tenant_id, attribute_code, value);

CREATE TABLE product_websites (
    tenant_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    website_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, product_id, website_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, website_id) REFERENCES websites (tenant_id, id)
);

CREATE TABLE category_products (
    tenant_id INTEGER NOT NULL,
    category_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, category_id, product_id),
    FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX category_products_product ON category_products (tenant_id, product_id);

-- Configurable (and later grouped/bundle) parent → child links.
CREATE TABLE product_relations (
    tenant_id INTEGER NOT NULL,
    parent_id INTEGER NOT NULL,
    child_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, parent_id, child_id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, child_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX product_relations_child ON product_relations (tenant_id, child_id);

-- The attributes a configurable product is configured by (configurable_product_options).
CREATE TABLE product_super_attributes (
    tenant_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    attribute_id INTEGER NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    label TEXT,
    PRIMARY KEY (tenant_id, product_id, attribute_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, attribute_id) REFERENCES attributes (tenant_id, id)
);

-- Legacy single-source stock (CatalogInventory), one row per product on the default stock.
CREATE TABLE stock_items (
    tenant_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    qty INTEGER NOT NULL DEFAULT 0,
    is_in_stock BOOLEAN NOT NULL DEFAULT 1,
    manage_stock BOOLEAN NOT NULL DEFAULT 1,
    use_config_manage_stock BOOLEAN NOT NULL DEFAULT 1,
    is_qty_decimal BOOLEAN NOT NULL DEFAULT 0,
    min_qty INTEGER NOT NULL DEFAULT 0,
    min_sale_qty INTEGER NOT NULL DEFAULT 1000000,
    max_sale_qty INTEGER NOT NULL DEFAULT 10000000000,
    backorders INTEGER NOT NULL DEFAULT 0,
    notify_stock_qty INTEGER NOT NULL DEFAULT 1000000,
    low_stock_date TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, product_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);

-- Customers -----------------------------------------------------------------------------

CREATE TABLE customer_groups (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    code TEXT NOT NULL,
    tax_class_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);

CREATE TABLE customers (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    website_id INTEGER NOT NULL,
    store_id INTEGER NOT NULL,
    group_id INTEGER NOT NULL,
    email TEXT NOT NULL,
    firstname TEXT NOT NULL,
    lastname TEXT NOT NULL,
    middlename TEXT,
    prefix TEXT,
    suffix TEXT,
    dob TEXT,
    gender INTEGER,
    taxvat TEXT,
    password_hash TEXT,
    default_billing INTEGER,
    default_shipping INTEGER,
    created_in TEXT,
    is_active BOOLEAN NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, website_id, email),
    FOREIGN KEY (tenant_id, group_id) REFERENCES customer_groups (tenant_id, id)
);

CREATE TABLE customer_addresses (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    firstname TEXT NOT NULL,
    lastname TEXT NOT NULL,
    company TEXT,
    street TEXT NOT NULL,
    city TEXT NOT NULL,
    region TEXT,
    region_id INTEGER,
    region_code TEXT,
    postcode TEXT,
    country_id TEXT NOT NULL,
    telephone TEXT,
    vat_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_addresses_customer ON customer_addresses (tenant_id, customer_id);

-- CMS -----------------------------------------------------------------------------------

CREATE TABLE cms_pages (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    identifier TEXT NOT NULL,
    title TEXT,
    page_layout TEXT,
    meta_title TEXT,
    meta_keywords TEXT,
    meta_description TEXT,
    content_heading TEXT,
    content TEXT,
    sort_order TEXT,
    is_active BOOLEAN NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX cms_pages_identifier ON cms_pages (tenant_id, identifier);

CREATE TABLE cms_blocks (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    identifier TEXT NOT NULL,
    title TEXT,
    content TEXT,
    is_active BOOLEAN NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX cms_blocks_identifier ON cms_blocks (tenant_id, identifier);

-- Store assignment of pages and blocks; store 0 means all store views.
CREATE TABLE cms_page_stores (
    tenant_id INTEGER NOT NULL,
    page_id INTEGER NOT NULL,
    store_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, page_id, store_id),
    FOREIGN KEY (tenant_id, page_id) REFERENCES cms_pages (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE cms_block_stores (
    tenant_id INTEGER NOT NULL,
    block_id INTEGER NOT NULL,
    store_id INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, block_id, store_id),
    FOREIGN KEY (tenant_id, block_id) REFERENCES cms_blocks (tenant_id, id) ON DELETE CASCADE
);

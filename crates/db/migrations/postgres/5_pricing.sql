-- Pricing: tax classes, rates and rules (Magento_Tax); cart price rules, coupons and their
-- uses (Magento_SalesRule). Keep in step with ../sqlite/5_pricing.sql.

-- class_type: PRODUCT | CUSTOMER. Magento's defaults 2 (Taxable Goods) and 3 (Retail
-- Customer) are seeded with every tenant.
CREATE TABLE tax_classes (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id BIGINT NOT NULL,
    class_name TEXT NOT NULL,
    class_type TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, class_type, class_name)
);

-- tax_region_id 0 and tax_postcode '*' match any region and postcode; a postcode may end
-- in '*' (prefix), or zip_is_range with zip_from..zip_to. rate: percent, in micros.
CREATE TABLE tax_rates (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id BIGINT NOT NULL,
    code TEXT NOT NULL,
    tax_country_id TEXT NOT NULL,
    tax_region_id BIGINT NOT NULL DEFAULT 0,
    tax_postcode TEXT NOT NULL DEFAULT '*',
    zip_is_range BOOLEAN NOT NULL DEFAULT FALSE,
    zip_from BIGINT,
    zip_to BIGINT,
    rate BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);

CREATE TABLE tax_rules (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id BIGINT NOT NULL,
    code TEXT NOT NULL,
    priority BIGINT NOT NULL DEFAULT 0,
    position BIGINT NOT NULL DEFAULT 0,
    calculate_subtotal BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);

CREATE TABLE tax_rule_customer_classes (
    tenant_id BIGINT NOT NULL,
    rule_id BIGINT NOT NULL,
    class_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, rule_id, class_id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES tax_rules (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, class_id) REFERENCES tax_classes (tenant_id, id)
);

CREATE TABLE tax_rule_product_classes (
    tenant_id BIGINT NOT NULL,
    rule_id BIGINT NOT NULL,
    class_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, rule_id, class_id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES tax_rules (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, class_id) REFERENCES tax_classes (tenant_id, id)
);

CREATE TABLE tax_rule_rates (
    tenant_id BIGINT NOT NULL,
    rule_id BIGINT NOT NULL,
    rate_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, rule_id, rate_id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES tax_rules (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, rate_id) REFERENCES tax_rates (tenant_id, id)
);
CREATE INDEX tax_rule_rates_rate ON tax_rule_rates (tenant_id, rate_id);

-- Cart price rules. simple_action: by_percent | by_fixed | cart_fixed; coupon_type:
-- NO_COUPON | SPECIFIC_COUPON | AUTO; simple_free_shipping: 0 none, 1 matching items,
-- 2 whole shipment. condition / action_condition: Magento's condition tree as JSON.
-- Dates are YYYY-MM-DD. Amounts in micros.
CREATE TABLE sales_rules (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    from_date TEXT,
    to_date TEXT,
    uses_per_customer BIGINT NOT NULL DEFAULT 0,
    sort_order BIGINT NOT NULL DEFAULT 0,
    stop_rules_processing BOOLEAN NOT NULL DEFAULT FALSE,
    is_advanced BOOLEAN NOT NULL DEFAULT TRUE,
    is_rss BOOLEAN NOT NULL DEFAULT FALSE,
    simple_action TEXT NOT NULL,
    discount_amount BIGINT NOT NULL DEFAULT 0,
    discount_qty BIGINT,
    discount_step BIGINT NOT NULL DEFAULT 0,
    apply_to_shipping BOOLEAN NOT NULL DEFAULT FALSE,
    simple_free_shipping BIGINT NOT NULL DEFAULT 0,
    times_used BIGINT NOT NULL DEFAULT 0,
    coupon_type TEXT NOT NULL DEFAULT 'NO_COUPON',
    use_auto_generation BOOLEAN NOT NULL DEFAULT FALSE,
    uses_per_coupon BIGINT NOT NULL DEFAULT 0,
    condition_json TEXT,
    action_condition_json TEXT,
    store_labels_json TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE sales_rule_websites (
    tenant_id BIGINT NOT NULL,
    rule_id BIGINT NOT NULL,
    website_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, rule_id, website_id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES sales_rules (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, website_id) REFERENCES websites (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE sales_rule_customer_groups (
    tenant_id BIGINT NOT NULL,
    rule_id BIGINT NOT NULL,
    customer_group_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, rule_id, customer_group_id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES sales_rules (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_group_id) REFERENCES customer_groups (tenant_id, id) ON DELETE CASCADE
);

-- How often each customer used each rule (uses_per_customer).
CREATE TABLE sales_rule_customers (
    tenant_id BIGINT NOT NULL,
    rule_id BIGINT NOT NULL,
    customer_id BIGINT NOT NULL,
    times_used BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, rule_id, customer_id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES sales_rules (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);

-- type: 0 manual, 1 generated. Codes are unique per tenant (compared case-insensitively
-- through code_key, the code in lower case, as MySQL's collation does for Magento).
CREATE TABLE sales_coupons (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    rule_id BIGINT NOT NULL,
    code TEXT NOT NULL,
    code_key TEXT NOT NULL,
    usage_limit BIGINT,
    usage_per_customer BIGINT,
    times_used BIGINT NOT NULL DEFAULT 0,
    expiration_date TEXT,
    is_primary BOOLEAN NOT NULL DEFAULT FALSE,
    type BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code_key),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES sales_rules (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sales_coupons_rule ON sales_coupons (tenant_id, rule_id);

CREATE TABLE sales_coupon_customers (
    tenant_id BIGINT NOT NULL,
    coupon_id BIGINT NOT NULL,
    customer_id BIGINT NOT NULL,
    times_used BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, coupon_id, customer_id),
    FOREIGN KEY (tenant_id, coupon_id) REFERENCES sales_coupons (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);

-- Tenants created before this migration get Magento's default tax classes and US rates
-- (new tenants get them from the bootstrap).
INSERT INTO tax_classes (tenant_id, id, class_name, class_type) SELECT id, 2, 'Taxable Goods', 'PRODUCT' FROM tenants;
INSERT INTO tax_classes (tenant_id, id, class_name, class_type) SELECT id, 3, 'Retail Customer', 'CUSTOMER' FROM tenants;
INSERT INTO tax_rates (tenant_id, id, code, tax_country_id, tax_region_id, tax_postcode, rate)
    SELECT id, 1, 'US-CA-*-Rate 1', 'US', 12, '*', 8250000 FROM tenants;
INSERT INTO tax_rates (tenant_id, id, code, tax_country_id, tax_region_id, tax_postcode, rate)
    SELECT id, 2, 'US-NY-*-Rate 1', 'US', 43, '*', 8375000 FROM tenants;
INSERT INTO id_sequences (tenant_id, entity, next_id) SELECT id, 'tax_class', 4 FROM tenants;
INSERT INTO id_sequences (tenant_id, entity, next_id) SELECT id, 'tax_rate', 3 FROM tenants;

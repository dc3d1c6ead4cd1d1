-- A running total of each SKU's reservations per stock, so that salable quantity reads one
-- row instead of summing a log that grows with every order. The trigger keeps it exact for
-- every insert; concurrent checkouts of one SKU already serialise on its product row
-- (inventory::reserve), which they lock before inserting, so the total's row lock adds no
-- new wait and no deadlock.
CREATE TABLE inventory_reservation_totals (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    stock_id BIGINT NOT NULL,
    sku TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, stock_id, sku)
);

INSERT INTO inventory_reservation_totals (tenant_id, stock_id, sku, quantity)
    SELECT tenant_id, stock_id, sku, SUM(quantity) FROM inventory_reservations
    GROUP BY tenant_id, stock_id, sku;

CREATE FUNCTION inventory_reservations_total() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO inventory_reservation_totals (tenant_id, stock_id, sku, quantity)
        VALUES (NEW.tenant_id, NEW.stock_id, NEW.sku, NEW.quantity)
        ON CONFLICT (tenant_id, stock_id, sku)
        DO UPDATE SET quantity = inventory_reservation_totals.quantity + EXCLUDED.quantity;
    RETURN NULL;
END;
$fn$;

CREATE TRIGGER inventory_reservations_total AFTER INSERT ON inventory_reservations
    FOR EACH ROW EXECUTE FUNCTION inventory_reservations_total();

-- Reservations are an append-only log, like the audit log.
CREATE FUNCTION inventory_reservations_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION 'inventory_reservations is append-only';
END;
$fn$;
CREATE TRIGGER inventory_reservations_no_change BEFORE UPDATE OR DELETE ON inventory_reservations
    FOR EACH ROW EXECUTE FUNCTION inventory_reservations_append_only();

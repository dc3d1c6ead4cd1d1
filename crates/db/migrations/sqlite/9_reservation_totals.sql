-- A running total of each SKU's reservations per stock, so that salable quantity reads one
-- row instead of summing a log that grows with every order (Magento sums the log; at a few
-- hundred orders a second on one SKU the sum became the writer's largest statement).
-- The trigger keeps it exact for every insert, whoever writes the reservation.
CREATE TABLE inventory_reservation_totals (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    stock_id INTEGER NOT NULL,
    sku TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, stock_id, sku)
);

INSERT INTO inventory_reservation_totals (tenant_id, stock_id, sku, quantity)
    SELECT tenant_id, stock_id, sku, SUM(quantity) FROM inventory_reservations
    GROUP BY tenant_id, stock_id, sku;

CREATE TRIGGER inventory_reservations_total AFTER INSERT ON inventory_reservations
BEGIN
    INSERT INTO inventory_reservation_totals (tenant_id, stock_id, sku, quantity)
        VALUES (NEW.tenant_id, NEW.stock_id, NEW.sku, NEW.quantity)
        ON CONFLICT (tenant_id, stock_id, sku) DO UPDATE SET quantity = quantity + excluded.quantity;
END;

-- Reservations are an append-only log, like the audit log.
CREATE TRIGGER inventory_reservations_no_update BEFORE UPDATE ON inventory_reservations
BEGIN SELECT RAISE(ABORT, 'inventory_reservations is append-only'); END;
CREATE TRIGGER inventory_reservations_no_delete BEFORE DELETE ON inventory_reservations
BEGIN SELECT RAISE(ABORT, 'inventory_reservations is append-only'); END;

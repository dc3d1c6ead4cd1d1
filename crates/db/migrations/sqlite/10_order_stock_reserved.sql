-- Whether placing the order reserved its stock (orders from carts do; orders created with
-- POST /V1/orders do not), so that cancel, ship and refund know whether to compensate
-- without searching the whole reservation log.
ALTER TABLE sales_orders ADD COLUMN stock_reserved BOOLEAN NOT NULL DEFAULT 0;

UPDATE sales_orders SET stock_reserved = 1
WHERE (tenant_id, id) IN (
    SELECT tenant_id, CAST(json_extract(metadata, '$.object_id') AS INTEGER) FROM inventory_reservations
    WHERE json_valid(metadata)
      AND json_extract(metadata, '$.event_type') = 'order_placed'
      AND json_extract(metadata, '$.object_type') = 'order'
);

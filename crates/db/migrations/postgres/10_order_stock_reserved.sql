-- Whether placing the order reserved its stock (orders from carts do; orders created with
-- POST /V1/orders do not), so that cancel, ship and refund know whether to compensate
-- without searching the whole reservation log.
ALTER TABLE sales_orders ADD COLUMN stock_reserved BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE sales_orders o SET stock_reserved = TRUE
FROM (
    SELECT DISTINCT tenant_id, metadata::json ->> 'object_id' AS order_id FROM inventory_reservations
    WHERE metadata LIKE '{"event_type":"order_placed","object_type":"order",%'
) r
WHERE o.tenant_id = r.tenant_id AND o.id::text = r.order_id;

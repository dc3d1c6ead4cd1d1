"""my-magento (a third-party Magento 2 client from PyPI), unmodified: orders and invoices.

Usage: python my_magento_orders.py BASE_URL USERNAME PASSWORD ORDER_NUMBER SKU
The order ORDER_NUMBER (increment id) exists, holds SKU and has been invoiced.
Prints one line per step and "ALL OK" at the end; any failure raises.
"""
import sys

from magento import Client

base, username, password, order_number, sku = sys.argv[1:6]


def step(name):
    print(f"step: {name}", flush=True)


def as_list(result):
    if result is None:
        return []
    return result if isinstance(result, list) else [result]


api = Client(domain="127.0.0.1", username=username, password=password, local=True,
             user_agent="storegate-ci", login=False)
api.BASE_URL = f"{base}/rest/V1/"
assert api.authenticate()

step("search orders by number")
order = api.orders.by_number(order_number)
assert order is not None and not isinstance(order, list), order
assert order.number == order_number, order.number
assert order.id, order
assert any(item.sku == sku for item in order.items), [item.sku for item in order.items]

step("get the order by id")
again = api.orders.by_id(order.id)
assert again is not None and again.number == order_number, again

step("search orders by status")
processing = as_list(api.orders.add_criteria("status", "processing").execute())
assert any(o.number == order_number for o in processing), processing

step("find the order's invoice")
invoice = api.invoices.by_order_id(order.id)
assert invoice is not None and not isinstance(invoice, list), invoice
assert int(invoice.order_id) == int(order.id), invoice.order_id
assert invoice.order.number == order_number
by_number = api.invoices.by_number(invoice.increment_id)
assert by_number is not None and by_number.id == invoice.id, by_number
assert order.get_invoice().id == invoice.id

print("ALL OK", flush=True)

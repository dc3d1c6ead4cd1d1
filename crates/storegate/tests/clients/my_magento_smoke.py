"""my-magento (a third-party Magento 2 client from PyPI), unmodified, against storegate.

Usage: python my_magento_smoke.py BASE_URL USERNAME PASSWORD CUSTOMER_EMAIL
Prints one line per step and "ALL OK" at the end; any failure raises.
"""
import sys

from magento import Client

base, username, password, customer_email = sys.argv[1:5]


def step(name):
    print(f"step: {name}", flush=True)


# The client builds https://<domain>/rest/V1/ and drops ports; point it at the test
# server after construction, as its documentation allows.
api = Client(domain="127.0.0.1", username=username, password=password, local=True,
             user_agent="storegate-ci", login=False)
api.BASE_URL = f"{base}/rest/V1/"

step("login (admin token, then GET store/websites)")
assert api.authenticate()

step("store configs")
configs = api.store.configs
configs = configs if isinstance(configs, list) else [configs]
assert any(c.code == "default" for c in configs), configs
assert api.store.active.base_currency_code == "USD"

step("create a product through the client's own POST")
payload = {"product": {
    "sku": "MM 1/A", "name": "my-magento Widget", "attribute_set_id": 4, "type_id": "simple",
    "price": 19.5, "status": 1, "visibility": 4, "weight": 1,
    "extension_attributes": {"stock_item": {"qty": 5, "is_in_stock": True}},
    "custom_attributes": [{"attribute_code": "description", "value": "Made by my-magento"}],
}}
response = api.post(api.url_for("products"), payload)
assert response.ok, response.text
assert response.json()["sku"] == "MM 1/A"

step("get it by SKU (URL-encoded, with a space and a slash)")
product = api.products.by_sku("MM 1/A")
assert product is not None and product.name == "my-magento Widget", product
assert product.price == 19.5
assert product.stock == 5

step("update price, name and stock")
assert product.update_price(21.25)
assert product.price == 21.25
assert product.update_name("my-magento Widget II")
assert product.name == "my-magento Widget II"
assert product.update_stock(9)
assert product.stock == 9

step("search products")
found = api.products.add_criteria("price", 21, "gteq").add_criteria("sku", "MM%", "like").execute()
found = found if isinstance(found, list) else [found]
assert any(p.sku == "MM 1/A" for p in found), found
some = api.products.by_skulist(["MM 1/A"])
assert some is not None and some.sku == "MM 1/A", some
by_id = api.products.by_id(product.id)
assert by_id is not None and by_id.sku == "MM 1/A"

step("list categories")
root = api.categories.get_root()
assert root is not None and root.name, root
everything = api.categories.get_all()
everything = everything if isinstance(everything, list) else [everything]
assert len(everything) >= 2, everything

step("search customers")
customer = api.customers.add_criteria("email", customer_email).execute()
assert customer is not None and customer.email == customer_email, customer
again = api.customers.by_id(customer.id)
assert again is not None and again.email == customer_email

print("ALL OK", flush=True)

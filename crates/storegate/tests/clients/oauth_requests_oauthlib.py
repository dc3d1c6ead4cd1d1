"""requests-oauthlib (a third-party OAuth 1.0a client from PyPI), unmodified, against storegate.

Usage: python oauth_requests_oauthlib.py BASE_URL CONSUMER_KEY CONSUMER_SECRET TOKEN TOKEN_SECRET
Signs a GET with a query string and a POST with a JSON body, with HMAC-SHA256 and
HMAC-SHA1, in the Authorization header (and a GET with them in the query string); a wrong
secret must be refused. Prints "ALL OK".
"""
import json
import sys

import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA1, SIGNATURE_HMAC_SHA256
from requests_oauthlib import OAuth1

base, consumer_key, consumer_secret, token, token_secret = sys.argv[1:6]


def step(name):
    print(f"step: {name}", flush=True)


def auth(method, secret=token_secret):
    return OAuth1(consumer_key, client_secret=consumer_secret, resource_owner_key=token,
                  resource_owner_secret=secret, signature_method=method, signature_type="AUTH_HEADER")


for name, method in (("HMAC-SHA256", SIGNATURE_HMAC_SHA256), ("HMAC-SHA1", SIGNATURE_HMAC_SHA1)):
    sku = f"PY-{name}"
    step(f"{name}: POST a product with a JSON body")
    body = {"product": {"sku": sku, "name": f"Signed by {name}", "price": 9.5, "attribute_set_id": 4,
                        "type_id": "simple"}}
    r = requests.post(f"{base}/rest/V1/products", data=json.dumps(body),
                      headers={"Content-Type": "application/json"}, auth=auth(method))
    assert r.status_code == 200, (r.status_code, r.text)
    assert r.json()["sku"] == sku, r.text

    step(f"{name}: GET a search with a query string")
    params = {"searchCriteria[filter_groups][0][filters][0][field]": "sku",
              "searchCriteria[filter_groups][0][filters][0][value]": sku,
              "searchCriteria[pageSize]": "10"}
    r = requests.get(f"{base}/rest/V1/products", params=params, auth=auth(method))
    assert r.status_code == 200, (r.status_code, r.text)
    assert [p["sku"] for p in r.json()["items"]] == [sku], r.text

    step(f"{name}: GET with the OAuth parameters in the query string")
    query_auth = OAuth1(consumer_key, client_secret=consumer_secret, resource_owner_key=token,
                        resource_owner_secret=token_secret, signature_method=method, signature_type="QUERY")
    r = requests.get(f"{base}/rest/V1/products", params=params, auth=query_auth)
    assert r.status_code == 200, (r.status_code, r.text)
    assert [p["sku"] for p in r.json()["items"]] == [sku], r.text

    step(f"{name}: a wrong token secret is refused")
    r = requests.get(f"{base}/rest/V1/products", params=params, auth=auth(method, secret="wrong"))
    assert r.status_code == 401, (r.status_code, r.text)
    assert r.json()["message"] == "The signature is invalid. Verify and try again.", r.text

print("ALL OK")

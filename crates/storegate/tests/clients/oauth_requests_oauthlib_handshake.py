"""requests-oauthlib runs an integration's OAuth 1.0a handshake against storegate, unmodified.

Usage: python oauth_requests_oauthlib_handshake.py BASE_URL CONSUMER_KEY CONSUMER_SECRET VERIFIER
With the credentials the activation POST delivered: fetch a request token, exchange it (with
the verifier) for the access token, then sign an API call with it. Prints "ALL OK".
"""
import sys

from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from requests_oauthlib import OAuth1Session

base, consumer_key, consumer_secret, verifier = sys.argv[1:5]


def step(name):
    print(f"step: {name}", flush=True)


step("request token")
session = OAuth1Session(consumer_key, client_secret=consumer_secret, signature_method=SIGNATURE_HMAC_SHA256)
request = session.fetch_request_token(f"{base}/oauth/token/request")
assert len(request["oauth_token"]) == 32, request

step("access token")
session = OAuth1Session(consumer_key, client_secret=consumer_secret, resource_owner_key=request["oauth_token"],
                        resource_owner_secret=request["oauth_token_secret"], verifier=verifier,
                        signature_method=SIGNATURE_HMAC_SHA256)
access = session.fetch_access_token(f"{base}/oauth/token/access")
assert len(access["oauth_token"]) == 32 and access["oauth_token"] != request["oauth_token"], access

step("a signed call with the access token")
session = OAuth1Session(consumer_key, client_secret=consumer_secret, resource_owner_key=access["oauth_token"],
                        resource_owner_secret=access["oauth_token_secret"], signature_method=SIGNATURE_HMAC_SHA256)
r = session.get(f"{base}/rest/V1/products", params={"searchCriteria[pageSize]": "1"})
assert r.status_code == 200, (r.status_code, r.text)
assert "items" in r.json(), r.text

print("ALL OK")

"""Schemathesis hooks for the contract fuzzing (scripts/contract_fuzz.py): a generated product id
that fits the schema is swapped, often, for one of the products the run seeded (their ids in
CONTRACT_PRODUCT_IDS), so that orders (the tutorial's body and each line of a cart) and product reads reach real products (201, 409
`insufficient_stock`, the payment behind them) instead of ending in 404s. A value that breaks the
schema is left as it is: negative cases stay negative. Deterministic for a given seed."""

import os
import re

import schemathesis

PRODUCTS = [p for p in os.environ.get("CONTRACT_PRODUCT_IDS", "").split(",") if p]
ULID = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$")


def seeded(value):
    """A seeded product for three generated ids out of four, chosen by the id itself."""
    if not PRODUCTS or not isinstance(value, str) or not ULID.match(value):
        return value
    n = sum(value.encode())
    return PRODUCTS[n % len(PRODUCTS)] if n % 4 else value


@schemathesis.hook
def map_body(ctx, body):
    operation = ctx.operation
    if operation is not None and operation.path == "/orders" and isinstance(body, dict):
        # The tutorial's body, and each line of a cart.
        lines = body.get("lines")
        for item in [body] + (lines if isinstance(lines, list) else []):
            if isinstance(item, dict):
                for field in ("id", "product_id"):
                    if field in item:
                        item[field] = seeded(item[field])
    return body


@schemathesis.hook
def map_path_parameters(ctx, path_parameters):
    operation = ctx.operation
    # Reads, changes, adjustments and ledgers reach the seeded products; deletes do not, or the
    # orders would find none.
    reaches = (operation is not None and operation.path.startswith("/products/{id}")
               and operation.method.upper() != "DELETE")
    if reaches and isinstance(path_parameters, dict):
        path_parameters["id"] = seeded(path_parameters.get("id"))
    return path_parameters

"""Carts, shipping and customer accounts as the storefront sees them, and shipping as admins manage it."""

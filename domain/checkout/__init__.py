"""Checkout: turns a cart into an order draft and the draft into an order, once per idempotency key."""

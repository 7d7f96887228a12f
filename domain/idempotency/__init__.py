"""Idempotency keys for money-moving mutations (ARCHITECTURE.md, "Idempotency")."""

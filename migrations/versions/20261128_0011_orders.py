"""inventory ledger and reservations, orders, order numbers, idempotency keys (issue 5)

Revision ID: 0011_orders
Revises: 0010_cart
Create Date: 2026-11-28 05:00:00

The revision ids are fixed in advance so that work built in parallel chains without rewriting.
"""

from collections.abc import Sequence

revision: str = "0011_orders"
down_revision: str | None = "0010_cart"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

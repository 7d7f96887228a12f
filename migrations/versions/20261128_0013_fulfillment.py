"""courier shipments, fulfillments, tracking events and returns (issue 5)

Revision ID: 0013_fulfillment
Revises: 0012_payments
Create Date: 2026-11-28 05:00:00

The revision ids are fixed in advance so that work built in parallel chains without rewriting.
"""

from collections.abc import Sequence

revision: str = "0013_fulfillment"
down_revision: str | None = "0012_payments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

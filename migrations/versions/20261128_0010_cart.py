"""customer accounts, addresses, carts, shipping zones and methods (issue 5)

Revision ID: 0010_cart
Revises: 0006_webhooks
Create Date: 2026-11-28 05:00:00

The revision ids are fixed in advance so that work built in parallel chains without rewriting.
"""

from collections.abc import Sequence

revision: str = "0010_cart"
down_revision: str | None = "0006_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

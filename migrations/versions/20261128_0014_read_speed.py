"""storefront read speed: search function and listing indexes (issue 3)

Revision ID: 0014_read_speed
Revises: 0013_fulfillment
Create Date: 2026-11-28 05:00:00

The revision ids are fixed in advance so that work built in parallel chains without rewriting.
"""

from collections.abc import Sequence

revision: str = "0014_read_speed"
down_revision: str | None = "0013_fulfillment"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

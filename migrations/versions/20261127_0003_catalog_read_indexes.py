"""catalog read indexes: search-as-you-type on titles

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 23:55:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Suggestions match typed prefixes and near-misses on titles only (not the whole search text): a
    # trigram index answers both `title ILIKE 'q%'` and `'q' <% title`.
    op.execute("CREATE INDEX ix_summaries_title_trigram ON product_summaries USING gin (title gin_trgm_ops)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_summaries_title_trigram")

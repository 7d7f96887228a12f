"""housekeeping sweeps: the stores with expired idempotency keys, code and stock reservations

Revision ID: 0015_housekeeping
Revises: 0014_read_speed
Create Date: 2026-11-28 10:30:00

The sweeps serve every store (workers/housekeeping.py): through these definer functions they find the stores
with something past expiry, then purge in each store's own scope, batch by batch.
"""

from collections.abc import Sequence

from alembic import op

from gateway.settings import get_settings

revision: str = "0015_housekeeping"
down_revision: str | None = "0014_read_speed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTIONS = {
    "stormcom_idempotency_expired_stores": "SELECT DISTINCT store_id FROM idempotency_keys"
    " WHERE expires_at <= p_now",
    "stormcom_code_reservations_expired_stores": "SELECT DISTINCT store_id FROM discount_code_redemptions"
    " WHERE status = 'reserved' AND expires_at <= p_now",
    "stormcom_stock_reservations_expired_stores": "SELECT DISTINCT store_id FROM stock_reservations"
    " WHERE expires_at <= p_now",
}


def upgrade() -> None:
    # The purge reads a store's expired rows by expiry (the existing index leads with the variant); the
    # table stays small once swept, so the cross-store look-up may scan this index whole.
    op.create_index("ix_stock_reservations_expiry", "stock_reservations", ["store_id", "expires_at"])
    app_role = get_settings().app_db_user
    for name, body in FUNCTIONS.items():
        op.execute(
            f"CREATE FUNCTION {name}(p_now timestamptz) RETURNS SETOF uuid LANGUAGE sql STABLE"
            f" SECURITY DEFINER SET search_path = public, pg_temp AS $$ {body} $$"
        )
        op.execute(f"GRANT EXECUTE ON FUNCTION {name}(timestamptz) TO {app_role}")


def downgrade() -> None:
    for name in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {name}(timestamptz)")
    op.drop_index("ix_stock_reservations_expiry", "stock_reservations")

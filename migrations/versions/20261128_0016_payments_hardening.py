"""payments hardening: order access tokens, storefront origins, refunds of unknown outcome, re-query of
pending attempts (docs/adr/0016-payments.md)

Revision ID: 0016_payments_hardening
Revises: 0015_housekeeping
Create Date: 2026-11-28 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gateway.settings import get_settings

revision: str = "0016_payments_hardening"
down_revision: str | None = "0015_housekeeping"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # sha256 hex of the order's access token (the plaintext is only ever in checkoutComplete's answer).
    op.add_column("orders", sa.Column("access_token_hash", sa.String(64), nullable=True))
    # Origins (scheme://host[:port]) a payment's return URL may point at.
    op.add_column(
        "stores",
        sa.Column(
            "storefront_origins",
            sa.ARRAY(sa.String(300)),
            nullable=False,
            server_default=sa.text("'{}'::varchar[]"),
        ),
    )
    # The provider did not answer a refund: it may have refunded. A retry asks the provider first.
    op.execute("ALTER TYPE refund_status ADD VALUE IF NOT EXISTS 'unknown'")
    # One provider refund can settle one of our refunds only (two retries matching the same provider
    # refund cannot both succeed).
    op.create_index(
        "uq_refunds_provider_refund",
        "refunds",
        ["store_id", "attempt_id", "provider_refund_id"],
        unique=True,
        postgresql_where=sa.text("provider_refund_id IS NOT NULL AND status = 'succeeded'"),
    )
    # When the re-query sweep last asked the provider about a pending attempt (a lease between workers).
    op.add_column("payment_attempts", sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_payment_attempts_pending",
        "payment_attempts",
        ["store_id", "created_at"],
        postgresql_where=sa.text("status = 'pending' AND provider <> 'cod'"),
    )
    # The sweep serves every store: this definer function names the stores with an online attempt
    # pending since before p_before; the sweep then works in each store's own scope.
    op.execute(
        """
        CREATE FUNCTION stormcom_payments_pending_stores(p_before timestamptz)
        RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT store_id FROM payment_attempts
          WHERE status = 'pending' AND provider <> 'cod' AND created_at <= p_before;
        $$
        """
    )
    app_role = get_settings().app_db_user
    op.execute(f"GRANT EXECUTE ON FUNCTION stormcom_payments_pending_stores(timestamptz) TO {app_role}")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS stormcom_payments_pending_stores(timestamptz)")
    op.drop_index("ix_payment_attempts_pending", table_name="payment_attempts")
    op.drop_column("payment_attempts", "checked_at")
    op.drop_index("uq_refunds_provider_refund", table_name="refunds")
    # An enum value cannot be dropped: refunds of unknown outcome become pending again (same meaning).
    op.execute("UPDATE refunds SET status = 'pending' WHERE status = 'unknown'")
    op.drop_column("stores", "storefront_origins")
    op.drop_column("orders", "access_token_hash")

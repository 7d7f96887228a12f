"""payment attempts, callbacks and refunds (issue 5)

Revision ID: 0012_payments
Revises: 0011_orders
Create Date: 2026-11-28 05:00:00

The revision ids are fixed in advance so that work built in parallel chains without rewriting.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from gateway.settings import get_settings

revision: str = "0012_payments"
down_revision: str | None = "0011_orders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ["payment_accounts", "payment_attempts", "payment_callbacks", "refunds"]
PROVIDER = postgresql.ENUM(
    "cod", "bkash", "nagad", "sslcommerz", "card", name="payment_provider", create_type=False
)
STATUS = postgresql.ENUM(
    "pending",
    "authorized",
    "captured",
    "failed",
    "cancelled",
    "refunded",
    name="payment_status",
    create_type=False,
)
REFUND_STATUS = postgresql.ENUM("pending", "succeeded", "failed", name="refund_status", create_type=False)


def _now() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    bind = op.get_bind()
    for enum in (PROVIDER, STATUS, REFUND_STATUS):
        enum.create(bind, checkfirst=False)
    op.create_table(
        "payment_accounts",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("provider", PROVIDER, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("config", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        _now(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_accounts")),
        sa.UniqueConstraint("store_id", "provider", name=op.f("uq_payment_accounts_store_id")),
    )
    op.create_table(
        "payment_attempts",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("provider", PROVIDER, nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("captured_amount", sa.BigInteger(), nullable=False),
        sa.Column("refunded_amount", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("transaction_id", sa.String(length=200), nullable=True),
        sa.Column("redirect_url", sa.Text(), nullable=True),
        sa.Column("return_url", sa.Text(), nullable=True),
        sa.Column("failure_code", sa.String(length=100), nullable=True),
        sa.Column("failure_message", sa.String(length=500), nullable=True),
        _now(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_attempts")),
        # The money invariants hold in the database too: nothing refunded that was not captured.
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_attempts_amount_positive")),
        sa.CheckConstraint(
            "0 <= refunded_amount AND refunded_amount <= captured_amount AND captured_amount <= amount",
            name=op.f("ck_payment_attempts_amounts"),
        ),
    )
    op.create_index("ix_payment_attempts_order", "payment_attempts", ["store_id", "order_id", "created_at"])
    op.create_index(
        "uq_payment_attempts_reference",
        "payment_attempts",
        ["store_id", "provider", "reference"],
        unique=True,
        postgresql_where=sa.text("reference IS NOT NULL"),
    )
    op.create_table(
        "payment_callbacks",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("attempt_id", sa.UUID(), nullable=False),
        sa.Column("provider", PROVIDER, nullable=False),
        sa.Column("dedupe_key", sa.String(length=300), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["payment_attempts.id"],
            name=op.f("fk_payment_callbacks_attempt_id_payment_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_callbacks")),
        sa.UniqueConstraint("store_id", "provider", "dedupe_key", name=op.f("uq_payment_callbacks_store_id")),
    )
    op.create_index("ix_payment_callbacks_attempt", "payment_callbacks", ["attempt_id"])
    op.create_table(
        "refunds",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("attempt_id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", REFUND_STATUS, nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("provider_refund_id", sa.String(length=200), nullable=True),
        sa.Column("failure_message", sa.String(length=500), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        _now(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["payment_attempts.id"],
            name=op.f("fk_refunds_attempt_id_payment_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
        sa.UniqueConstraint("store_id", "attempt_id", "key", name=op.f("uq_refunds_store_id")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_refunds_amount_positive")),
    )
    op.create_index("ix_refunds_order", "refunds", ["store_id", "order_id", "created_at"])
    # Orders (0011) exist now: every payment and refund belongs to one.
    for table in ("payment_attempts", "refunds"):
        op.create_foreign_key(
            op.f(f"fk_{table}_order_id_orders"), table, "orders", ["order_id"], ["id"], ondelete="CASCADE"
        )
    app_role = get_settings().app_db_user
    for table in TABLES:
        op.create_index(op.f(f"ix_{table}_store_id"), table, ["store_id"])
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} USING (store_id = stormcom_current_store())"
            " WITH CHECK (store_id = stormcom_current_store())"
        )
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {app_role}")
    # Callbacks are the record of what was applied: append-only for the app.
    op.execute(f"REVOKE UPDATE, DELETE ON payment_callbacks FROM {app_role}")
    op.execute(
        "INSERT INTO permissions (code, description) VALUES"
        " ('payments:refund', 'Refund captured payments') ON CONFLICT DO NOTHING"
    )


def downgrade() -> None:
    op.execute("DELETE FROM permissions WHERE code = 'payments:refund'")
    for table in reversed(TABLES):
        op.drop_table(table)
    bind = op.get_bind()
    for enum in (REFUND_STATUS, STATUS, PROVIDER):
        enum.drop(bind, checkfirst=True)

"""courier shipments, fulfillments, tracking events and returns (issue 5)

Revision ID: 0013_fulfillment
Revises: 0012_payments
Create Date: 2026-11-28 05:00:00

The revision ids are fixed in advance so that work built in parallel chains without rewriting.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from gateway.settings import get_settings

revision: str = "0013_fulfillment"
down_revision: str | None = "0012_payments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROVIDERS = ("pathao", "steadfast", "redx")
TRACKING_STATUSES = (
    "pending",
    "pickup_requested",
    "picked_up",
    "pickup_failed",
    "in_transit",
    "out_for_delivery",
    "delivered",
    "partially_delivered",
    "delivery_failed",
    "on_hold",
    "returning",
    "returned",
    "cancelled",
    "exchanged",
    "payment_settled",
    "unknown",
)
TABLES = [
    "courier_accounts",
    "tracking_events",
    "order_line_fulfillments",
    "shipments",
    "shipment_lines",
    "return_requests",
    "return_lines",
]
RETURN_STATUSES = ("requested", "approved", "rejected", "received", "refunded")
RETURN_REASONS = ("damaged", "defective", "wrong_item", "not_as_described", "changed_mind", "other")
SHIPMENT_STATUSES = ("booking", "booking_failed", "booked", "shipped", "delivered", "returned", "cancelled")
RECONCILIATIONS = ("none", "awaiting", "matched", "mismatch")


def _one_of(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _tenant(table: str, app_role: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} USING (store_id = stormcom_current_store())"
        " WITH CHECK (store_id = stormcom_current_store())"
    )
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {app_role}")


def upgrade() -> None:
    app_role = get_settings().app_db_user
    provider = postgresql.ENUM(*PROVIDERS, name="courier_provider", create_type=False)
    status = postgresql.ENUM(*TRACKING_STATUSES, name="tracking_status", create_type=False)
    provider.create(op.get_bind(), checkfirst=False)
    status.create(op.get_bind(), checkfirst=False)

    op.create_table(
        "courier_accounts",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("provider", provider, nullable=False),
        sa.Column("base_url", sa.String(500), nullable=False),
        sa.Column("credentials", postgresql.JSONB(), nullable=False),
        sa.Column("webhook_secret", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("access_token", sa.String(4000), nullable=True),
        sa.Column("refresh_token", sa.String(4000), nullable=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courier_accounts")),
        sa.UniqueConstraint("store_id", "provider", name=op.f("uq_courier_accounts_store_id")),
    )
    op.create_index(op.f("ix_courier_accounts_store_id"), "courier_accounts", ["store_id"])

    op.create_table(
        "tracking_events",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("provider", provider, nullable=False),
        sa.Column("consignment_id", sa.String(100), nullable=False),
        sa.Column("reference", sa.String(100), nullable=True),
        sa.Column("status", status, nullable=False),
        sa.Column("raw_status", sa.String(100), nullable=False),
        sa.Column("message", sa.String(1000), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("collected_amount", sa.BigInteger(), nullable=True),
        sa.Column("delivery_fee", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("dedupe_key", sa.String(64), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("shipment_id", sa.UUID(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_events")),
        sa.UniqueConstraint("store_id", "provider", "dedupe_key", name=op.f("uq_tracking_events_store_id")),
    )
    op.create_index(op.f("ix_tracking_events_store_id"), "tracking_events", ["store_id"])
    op.create_index(op.f("ix_tracking_events_shipment_id"), "tracking_events", ["shipment_id"])
    # A consignment's reports in order (matching reports to shipments, the admin's list).
    op.create_index(
        "ix_tracking_events_consignment",
        "tracking_events",
        ["store_id", "provider", "consignment_id", "occurred_at"],
    )
    op.create_table(
        "order_line_fulfillments",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("order_line_id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("ordered", sa.Integer(), nullable=False),
        sa.Column("fulfilled", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_order_line_fulfillments_order_line_id_order_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("order_line_id", name=op.f("pk_order_line_fulfillments")),
        # The last wall behind the conditional updates: never more shipped than ordered, nor more
        # returned than shipped.
        sa.CheckConstraint("fulfilled >= 0 AND fulfilled <= ordered", name="fulfilled_within_ordered"),
        sa.CheckConstraint("returned >= 0 AND returned <= fulfilled", name="returned_within_fulfilled"),
    )
    op.create_index(op.f("ix_order_line_fulfillments_store_id"), "order_line_fulfillments", ["store_id"])
    op.create_index(op.f("ix_order_line_fulfillments_order_id"), "order_line_fulfillments", ["order_id"])

    op.create_table(
        "shipments",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("provider", provider, nullable=True),
        sa.Column("consignment_id", sa.String(100), nullable=True),
        sa.Column("tracking_code", sa.String(100), nullable=True),
        sa.Column("courier_status", status, nullable=True),
        sa.Column("courier_raw_status", sa.String(100), nullable=True),
        sa.Column("booking_error", sa.String(1000), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("cod_amount", sa.BigInteger(), nullable=False),
        sa.Column("collected_amount", sa.BigInteger(), nullable=True),
        sa.Column("delivery_fee", sa.BigInteger(), nullable=True),
        sa.Column("reconciliation", sa.String(32), nullable=False),
        sa.Column("weight_grams", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_shipments_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
        sa.CheckConstraint(_one_of("status", SHIPMENT_STATUSES), name="status"),
        sa.CheckConstraint(_one_of("reconciliation", RECONCILIATIONS), name="reconciliation"),
        sa.CheckConstraint("cod_amount >= 0", name="cod_amount"),
    )
    op.create_index(op.f("ix_shipments_store_id"), "shipments", ["store_id"])
    op.create_index(op.f("ix_shipments_order_id"), "shipments", ["order_id"])
    op.create_index("uq_shipments_reference", "shipments", ["store_id", "reference"], unique=True)
    # Tracking reports find their shipment by courier and consignment.
    op.create_index(
        "uq_shipments_consignment",
        "shipments",
        ["store_id", "provider", "consignment_id"],
        unique=True,
        postgresql_where=sa.text("consignment_id IS NOT NULL"),
    )

    op.create_table(
        "shipment_lines",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("shipment_id", sa.UUID(), nullable=False),
        sa.Column("order_line_id", sa.UUID(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_shipment_lines_shipment_id_shipments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_shipment_lines_order_line_id_order_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_lines")),
        sa.CheckConstraint("quantity > 0", name="quantity"),
    )
    op.create_index(op.f("ix_shipment_lines_store_id"), "shipment_lines", ["store_id"])
    op.create_index(op.f("ix_shipment_lines_shipment_id"), "shipment_lines", ["shipment_id"])

    op.create_table(
        "return_requests",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("note", sa.String(1000), nullable=False),
        sa.Column("decision_note", sa.String(1000), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("refund_amount", sa.BigInteger(), nullable=False),
        sa.Column("refund_id", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_return_requests_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_requests")),
        sa.CheckConstraint(_one_of("status", RETURN_STATUSES), name="status"),
        sa.CheckConstraint("refund_amount >= 0", name="refund_amount"),
    )
    op.create_index(op.f("ix_return_requests_store_id"), "return_requests", ["store_id"])
    op.create_index(op.f("ix_return_requests_order_id"), "return_requests", ["order_id"])
    op.create_index("uq_return_requests_reference", "return_requests", ["store_id", "reference"], unique=True)
    op.create_table(
        "return_lines",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("return_id", sa.UUID(), nullable=False),
        sa.Column("order_line_id", sa.UUID(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("restock", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["return_requests.id"],
            name=op.f("fk_return_lines_return_id_return_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_return_lines_order_line_id_order_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_lines")),
        sa.CheckConstraint("quantity > 0", name="quantity"),
        sa.CheckConstraint(_one_of("reason", RETURN_REASONS), name="reason"),
    )
    op.create_index(op.f("ix_return_lines_store_id"), "return_lines", ["store_id"])
    op.create_index(op.f("ix_return_lines_return_id"), "return_lines", ["return_id"])

    for table in TABLES:
        _tenant(table, app_role)
    # Tracking events are append-only for the app, except for linking a report to its shipment.
    op.execute(f"REVOKE DELETE ON tracking_events FROM {app_role}")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
    op.execute("DROP TYPE IF EXISTS tracking_status")
    op.execute("DROP TYPE IF EXISTS courier_provider")

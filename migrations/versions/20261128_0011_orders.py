"""inventory ledger and reservations, orders, order numbers, idempotency keys (issue 5)

Revision ID: 0011_orders
Revises: 0010_cart
Create Date: 2026-11-28 05:00:00

The revision ids are fixed in advance so that work built in parallel chains without rewriting.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from gateway.settings import get_settings

revision: str = "0011_orders"
down_revision: str | None = "0010_cart"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = [
    "inventory_locations",
    "inventory_items",
    "inventory_adjustments",
    "stock_reservations",
    "order_counters",
    "orders",
    "order_lines",
    "order_allocations",
    "order_events",
    "idempotency_keys",
]
# The ledger and the timeline are history: the app may add to them, never rewrite them.
APPEND_ONLY = ["inventory_adjustments", "order_events"]


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "inventory_locations",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("priority", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.PrimaryKeyConstraint("store_id", "code", name=op.f("pk_inventory_locations")),
    )
    op.create_table(
        "inventory_items",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("variant_id", sa.UUID(), nullable=False),
        sa.Column("policy", sa.String(16), nullable=False, server_default="deny"),
        sa.Column("low_stock_threshold", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["product_variants.id"],
            name=op.f("fk_inventory_items_variant_id_product_variants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("variant_id", name=op.f("pk_inventory_items")),
        sa.CheckConstraint(
            "policy IN ('deny', 'backorder', 'preorder')", name=op.f("ck_inventory_items_policy")
        ),
    )
    op.create_index(op.f("ix_inventory_items_store_id"), "inventory_items", ["store_id"])
    op.create_table(
        "inventory_adjustments",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("variant_id", sa.UUID(), nullable=False),
        sa.Column("location", sa.String(100), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column("reference_type", sa.String(32), nullable=True),
        sa.Column("reference_id", sa.UUID(), nullable=True),
        sa.Column("note", sa.String(500), nullable=False, server_default=""),
        sa.Column("actor", sa.String(200), nullable=False, server_default=""),
        sa.Column("request_id", sa.String(100), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", "created_at", name=op.f("pk_inventory_adjustments")),
        sa.CheckConstraint(
            "reason IN ('received', 'sold', 'returned', 'damaged', 'correction', 'reservation_released')",
            name=op.f("ck_inventory_adjustments_reason"),
        ),
        postgresql_partition_by="RANGE (created_at)",
    )
    op.create_index(op.f("ix_inventory_adjustments_store_id"), "inventory_adjustments", ["store_id"])
    op.create_index(
        "ix_inventory_adjustments_variant", "inventory_adjustments", ["store_id", "variant_id", "created_at"]
    )
    op.create_table(
        "stock_reservations",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("variant_id", sa.UUID(), nullable=False),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["product_variants.id"],
            name=op.f("fk_stock_reservations_variant_id_product_variants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_reservations")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_stock_reservations_quantity")),
    )
    op.create_index(op.f("ix_stock_reservations_store_id"), "stock_reservations", ["store_id"])
    op.create_index(
        "ix_stock_reservations_variant", "stock_reservations", ["store_id", "variant_id", "expires_at"]
    )
    op.create_index("ix_stock_reservations_holder", "stock_reservations", ["store_id", "holder"])
    op.create_table(
        "order_counters",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_order_counters")),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("payment_status", sa.String(32), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("discount_total", sa.BigInteger(), nullable=False),
        sa.Column("tax_total", sa.BigInteger(), nullable=False),
        sa.Column("shipping_total", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("prices_include_tax", sa.Boolean(), nullable=False),
        sa.Column("customer_id", sa.UUID(), nullable=True),
        sa.Column("cart_id", sa.UUID(), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("shipping_address", postgresql.JSONB(), nullable=True),
        sa.Column("billing_address", postgresql.JSONB(), nullable=True),
        sa.Column("shipping", postgresql.JSONB(), nullable=True),
        sa.Column("codes", sa.ARRAY(sa.String(64)), nullable=False, server_default="{}"),
        sa.Column("discounts", postgresql.JSONB(), nullable=False, server_default="[]"),
        sa.Column("customer_note", sa.String(2000), nullable=False, server_default=""),
        sa.Column("locale", sa.String(16), nullable=False, server_default="en"),
        sa.Column("metadata", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("payment_method", sa.String(32), nullable=True),
        sa.Column("checkout_key", sa.String(200), nullable=True),
        sa.Column("cancel_reason", sa.String(500), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_orders_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("store_id", "number", name=op.f("uq_orders_store_id")),
    )
    op.create_index(op.f("ix_orders_store_id"), "orders", ["store_id"])
    op.create_index("ix_orders_list", "orders", ["store_id", "created_at", "id"])
    op.create_index("ix_orders_status", "orders", ["store_id", "status", "created_at"])
    op.create_index("ix_orders_customer", "orders", ["store_id", "customer_id", "created_at"])
    # One order per checkout: a retried checkout can never place a second one.
    op.execute(
        "CREATE UNIQUE INDEX uq_orders_checkout_key ON orders (store_id, checkout_key) WHERE checkout_key IS NOT NULL"
    )
    op.create_table(
        "order_lines",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.UUID(), nullable=True),
        sa.Column("product_id", sa.UUID(), nullable=True),
        sa.Column("sku", sa.String(100), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("variant_title", sa.String(300), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("discount", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("discounts", postgresql.JSONB(), nullable=False, server_default="[]"),
        sa.Column("requires_shipping", sa.Boolean(), nullable=False),
        sa.Column("weight_grams", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_lines_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["product_variants.id"],
            name=op.f("fk_order_lines_variant_id_product_variants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_order_lines_quantity")),
    )
    op.create_index(op.f("ix_order_lines_store_id"), "order_lines", ["store_id"])
    op.create_index(op.f("ix_order_lines_order_id"), "order_lines", ["order_id"])
    op.create_table(
        "order_allocations",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("order_line_id", sa.UUID(), nullable=False),
        sa.Column("variant_id", sa.UUID(), nullable=False),
        sa.Column("location", sa.String(100), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_allocations_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_order_allocations_order_line_id_order_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_allocations")),
    )
    op.create_index(op.f("ix_order_allocations_store_id"), "order_allocations", ["store_id"])
    op.create_index(op.f("ix_order_allocations_order_id"), "order_allocations", ["order_id"])
    op.create_table(
        "order_events",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("message", sa.String(2000), nullable=False, server_default=""),
        sa.Column("data", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("request_id", sa.String(100), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_events_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_events")),
    )
    op.create_index(op.f("ix_order_events_store_id"), "order_events", ["store_id"])
    op.create_index("ix_order_events_order", "order_events", ["order_id", "created_at", "id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("scope", sa.String(100), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("operation", sa.String(100), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response", postgresql.JSONB(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("store_id", "scope", "key", name=op.f("pk_idempotency_keys")),
        sa.CheckConstraint("status IN ('in_progress', 'completed')", name=op.f("ck_idempotency_keys_status")),
    )
    op.create_index("ix_idempotency_keys_expiry", "idempotency_keys", ["expires_at"])

    app_role = get_settings().app_db_user
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} USING (store_id = stormcom_current_store())"
            " WITH CHECK (store_id = stormcom_current_store())"
        )
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {app_role}")
    for table in APPEND_ONLY:
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {app_role}")
    op.execute(
        """
        CREATE TABLE inventory_adjustments_default PARTITION OF inventory_adjustments DEFAULT;
        ALTER TABLE inventory_adjustments_default ENABLE ROW LEVEL SECURITY;
        ALTER TABLE inventory_adjustments_default FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON inventory_adjustments_default
          USING (store_id = stormcom_current_store()) WITH CHECK (store_id = stormcom_current_store());
        SELECT stormcom_ensure_partitions('inventory_adjustments', 2);
        -- Every location a stock level names exists as a location row.
        INSERT INTO inventory_locations (store_id, code, name)
          SELECT DISTINCT store_id, location, location FROM stock_levels
          ON CONFLICT DO NOTHING;
        -- Stock set before the ledger existed enters it as one correction per level, so the ledger sums
        -- equal on-hand from the first day.
        INSERT INTO inventory_adjustments (id, created_at, store_id, variant_id, location, delta, reason,
                                           balance_after, note, actor)
          SELECT gen_random_uuid(), now(), store_id, variant_id, location, on_hand, 'correction', on_hand,
                 'opening balance', 'system'
          FROM stock_levels WHERE on_hand <> 0;
        """
    )
    op.execute(
        "INSERT INTO permissions (code, description) VALUES"
        " ('inventory:read', 'Read stock levels, the ledger and reservations'),"
        " ('inventory:write', 'Adjust stock and inventory settings')"
        " ON CONFLICT DO NOTHING"
    )


def downgrade() -> None:
    op.execute("DELETE FROM permissions WHERE code IN ('inventory:read', 'inventory:write')")
    for table in reversed(TABLES):
        op.drop_table(table)

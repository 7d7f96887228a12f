"""promotions: rules, discount codes, redemptions, applied promotions, the rules version

Revision ID: 0008_promotions
Revises: 0005_pricing
Create Date: 2026-11-28 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from gateway.settings import get_settings

revision: str = "0008_promotions"
down_revision: str | None = "0005_pricing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = [
    "promotions",
    "discount_codes",
    "discount_code_customer_usage",
    "discount_code_redemptions",
    "applied_promotions",
]
PERMISSIONS = [
    ("promotions:read", "Read promotions, discount codes and their explanations"),
    ("promotions:write", "Create, change and delete promotions and discount codes"),
]


def _enum(name: str, *values: str) -> postgresql.ENUM:
    return postgresql.ENUM(*values, name=name, create_type=False)


def upgrade() -> None:
    kind = _enum("promotion_kind", "automatic", "code")
    status = _enum("promotion_status", "draft", "active", "inactive")
    klass = _enum("discount_class", "order", "product", "shipping")
    redemption = _enum("redemption_status", "reserved", "redeemed", "released")
    for e in (kind, status, klass, redemption):
        postgresql.ENUM(*e.enums, name=e.name).create(op.get_bind())
    now = sa.text("now()")
    op.create_table(
        "promotions",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("kind", kind, nullable=False),
        sa.Column("status", status, nullable=False, server_default="draft"),
        sa.Column("priority", sa.Integer(), nullable=False, server_default="100"),
        sa.Column("exclusive", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("discount_class", klass, nullable=False),
        sa.Column("combines_with", sa.ARRAY(sa.String(16)), nullable=False, server_default="{}"),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("max_discount_amount", sa.BigInteger(), nullable=True),
        sa.Column("conditions", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("action", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotions")),
    )
    op.create_index(op.f("ix_promotions_store_id"), "promotions", ["store_id"])
    op.create_table(
        "discount_codes",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("promotion_id", sa.UUID(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("usage_limit", sa.Integer(), nullable=True),
        sa.Column("per_customer_limit", sa.Integer(), nullable=True),
        sa.Column("used", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("min_subtotal_amount", sa.BigInteger(), nullable=True),
        sa.Column("first_order_only", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("batch_id", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.ForeignKeyConstraint(
            ["promotion_id"],
            ["promotions.id"],
            name=op.f("fk_discount_codes_promotion_id_promotions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount_codes")),
        # The database, not the application, keeps `used` within the limit.
        sa.CheckConstraint("used >= 0", name=op.f("ck_discount_codes_used_non_negative")),
        sa.CheckConstraint(
            "usage_limit IS NULL OR used <= usage_limit", name=op.f("ck_discount_codes_used_within_limit")
        ),
    )
    op.create_index(op.f("ix_discount_codes_store_id"), "discount_codes", ["store_id"])
    op.create_index(op.f("ix_discount_codes_promotion_id"), "discount_codes", ["promotion_id"])
    # Case-insensitive: "EID10" and "eid10" are one code.
    op.execute("CREATE UNIQUE INDEX uq_discount_codes_store_code ON discount_codes (store_id, lower(code))")
    op.execute(
        "CREATE INDEX ix_discount_codes_promotion_created ON discount_codes (promotion_id, created_at, id)"
    )
    op.create_table(
        "discount_code_customer_usage",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("code_id", sa.UUID(), nullable=False),
        sa.Column("customer_id", sa.UUID(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False, server_default="0"),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["discount_codes.id"],
            name=op.f("fk_discount_code_customer_usage_code_id_discount_codes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code_id", "customer_id", name=op.f("pk_discount_code_customer_usage")),
        sa.CheckConstraint("used >= 0", name=op.f("ck_discount_code_customer_usage_used_non_negative")),
    )
    op.create_index(
        op.f("ix_discount_code_customer_usage_store_id"), "discount_code_customer_usage", ["store_id"]
    )
    op.create_table(
        "discount_code_redemptions",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("code_id", sa.UUID(), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("customer_id", sa.UUID(), nullable=True),
        sa.Column("order_id", sa.UUID(), nullable=True),
        sa.Column("status", redemption, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["discount_codes.id"],
            name=op.f("fk_discount_code_redemptions_code_id_discount_codes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount_code_redemptions")),
        sa.UniqueConstraint(
            "store_id", "code_id", "reference", name=op.f("uq_discount_code_redemptions_store_id")
        ),
    )
    op.create_index(op.f("ix_discount_code_redemptions_store_id"), "discount_code_redemptions", ["store_id"])
    op.create_index(op.f("ix_discount_code_redemptions_code_id"), "discount_code_redemptions", ["code_id"])
    op.execute(
        "CREATE INDEX ix_discount_code_redemptions_expiring"
        " ON discount_code_redemptions (store_id, expires_at) WHERE status = 'reserved'"
    )
    op.create_table(
        "applied_promotions",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("order_line_id", sa.UUID(), nullable=True),
        sa.Column("promotion_id", sa.UUID(), nullable=True),
        sa.Column("code_id", sa.UUID(), nullable=True),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column("promotion_name", sa.String(200), nullable=False),
        sa.Column("discount_class", klass, nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.ForeignKeyConstraint(
            ["promotion_id"],
            ["promotions.id"],
            name=op.f("fk_applied_promotions_promotion_id_promotions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["discount_codes.id"],
            name=op.f("fk_applied_promotions_code_id_discount_codes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applied_promotions")),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_applied_promotions_amount_non_negative")),
    )
    op.create_index(op.f("ix_applied_promotions_store_id"), "applied_promotions", ["store_id"])
    op.create_index(op.f("ix_applied_promotions_order_id"), "applied_promotions", ["order_id"])
    op.create_index(op.f("ix_applied_promotions_promotion_id"), "applied_promotions", ["promotion_id"])
    op.create_table(
        "promotion_rules_versions",
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_promotion_rules_versions")),
    )
    app_role = get_settings().app_db_user
    for table in [*TABLES, "promotion_rules_versions"]:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} USING (store_id = stormcom_current_store())"
            " WITH CHECK (store_id = stormcom_current_store())"
        )
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {app_role}")
    permissions = sa.table("permissions", sa.column("code", sa.String), sa.column("description", sa.String))
    op.bulk_insert(permissions, [{"code": c, "description": d} for c, d in PERMISSIONS])


def downgrade() -> None:
    op.execute("DELETE FROM permissions WHERE code IN ('promotions:read', 'promotions:write')")
    for table in ["promotion_rules_versions", *reversed(TABLES)]:
        op.drop_table(table)
    for name in ("redemption_status", "discount_class", "promotion_status", "promotion_kind"):
        op.execute(f"DROP TYPE {name}")

"""customers and customer groups (the part pricing and promotions need)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 01:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gateway.settings import get_settings

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ["customers", "customer_groups", "customer_group_members"]


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("last_name", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("store_id", "phone", name=op.f("uq_customers_store_id")),
        sa.CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name=op.f("ck_customers_contact")),
    )
    op.create_index(op.f("ix_customers_store_id"), "customers", ["store_id"])
    op.execute("CREATE UNIQUE INDEX uq_customers_store_email ON customers (store_id, lower(email))")
    op.create_table(
        "customer_groups",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_groups")),
        sa.UniqueConstraint("store_id", "code", name=op.f("uq_customer_groups_store_id")),
    )
    op.create_index(op.f("ix_customer_groups_store_id"), "customer_groups", ["store_id"])
    op.create_table(
        "customer_group_members",
        sa.Column("group_id", sa.UUID(), nullable=False),
        sa.Column("customer_id", sa.UUID(), nullable=False),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["customer_groups.id"], name=op.f("fk_customer_group_members_group_id_customer_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_customer_group_members_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "customer_id", name=op.f("pk_customer_group_members")),
    )
    op.create_index(op.f("ix_customer_group_members_store_id"), "customer_group_members", ["store_id"])
    op.create_index(op.f("ix_customer_group_members_customer_id"), "customer_group_members", ["customer_id"])
    app_role = get_settings().app_db_user
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} USING (store_id = stormcom_current_store())"
            " WITH CHECK (store_id = stormcom_current_store())"
        )
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {app_role}")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)

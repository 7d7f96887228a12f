"""customer accounts, addresses, carts, shipping zones and methods (issue 5)

Revision ID: 0010_cart
Revises: 0006_webhooks
Create Date: 2026-11-28 05:00:00

The revision ids are fixed in advance so that work built in parallel chains without rewriting.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from gateway.settings import get_settings

revision: str = "0010_cart"
down_revision: str | None = "0006_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = [
    "cart_settings",
    "shipping_zones",
    "customer_addresses",
    "customer_password_resets",
    "customer_sessions",
    "shipping_methods",
    "carts",
    "cart_lines",
]

PERMISSIONS = [
    ("shipping:read", "Read shipping zones and methods"),
    ("shipping:manage", "Create, change and delete shipping zones and methods"),
]


def upgrade() -> None:
    op.create_table('cart_settings',
    sa.Column('store_id', sa.UUID(), nullable=False),
    sa.Column('abandon_after_minutes', sa.Integer(), nullable=False),
    sa.Column('expire_after_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('store_id', name=op.f('pk_cart_settings'))
    )
    op.create_table('shipping_zones',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('divisions', sa.ARRAY(sa.String(length=32)), nullable=False),
    sa.Column('districts', sa.ARRAY(sa.String(length=32)), nullable=False),
    sa.Column('store_id', sa.UUID(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipping_zones')),
    sa.UniqueConstraint('store_id', 'name', name=op.f('uq_shipping_zones_store_id'))
    )
    op.create_index(op.f('ix_shipping_zones_store_id'), 'shipping_zones', ['store_id'], unique=False)
    op.create_table('customer_addresses',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('customer_id', sa.UUID(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('line1', sa.String(length=300), nullable=False),
    sa.Column('line2', sa.String(length=300), nullable=False),
    sa.Column('division', sa.String(length=32), nullable=False),
    sa.Column('district', sa.String(length=32), nullable=False),
    sa.Column('upazila', sa.String(length=100), nullable=False),
    sa.Column('postcode', sa.String(length=8), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('store_id', sa.UUID(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_addresses_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_addresses'))
    )
    op.create_index(op.f('ix_customer_addresses_customer_id'), 'customer_addresses', ['customer_id'], unique=False)
    op.create_index(op.f('ix_customer_addresses_store_id'), 'customer_addresses', ['store_id'], unique=False)
    op.create_table('customer_password_resets',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('customer_id', sa.UUID(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('store_id', sa.UUID(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_password_resets_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_password_resets'))
    )
    op.create_index(op.f('ix_customer_password_resets_customer_id'), 'customer_password_resets', ['customer_id'], unique=False)
    op.create_index(op.f('ix_customer_password_resets_store_id'), 'customer_password_resets', ['store_id'], unique=False)
    op.create_table('customer_sessions',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('customer_id', sa.UUID(), nullable=False),
    sa.Column('token_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('store_id', sa.UUID(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_sessions_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_customer_sessions_token_hash'))
    )
    op.create_index(op.f('ix_customer_sessions_customer_id'), 'customer_sessions', ['customer_id'], unique=False)
    op.create_index(op.f('ix_customer_sessions_store_id'), 'customer_sessions', ['store_id'], unique=False)
    op.create_table('shipping_methods',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('zone_id', sa.UUID(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('flat', 'weight', 'price', name='shipping_rate_kind'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('brackets', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('free_over', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.UUID(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_shipping_methods_amount_not_negative')),
    sa.ForeignKeyConstraint(['zone_id'], ['shipping_zones.id'], name=op.f('fk_shipping_methods_zone_id_shipping_zones'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipping_methods')),
    sa.UniqueConstraint('store_id', 'code', name=op.f('uq_shipping_methods_store_id'))
    )
    op.create_index(op.f('ix_shipping_methods_store_id'), 'shipping_methods', ['store_id'], unique=False)
    op.create_index(op.f('ix_shipping_methods_zone_id'), 'shipping_methods', ['zone_id'], unique=False)
    op.create_table('carts',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('token_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('customer_id', sa.UUID(), nullable=True),
    sa.Column('status', sa.Enum('active', 'abandoned', 'converted', 'expired', name='cart_status'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('shipping_address', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('billing_address', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('shipping_method_id', sa.UUID(), nullable=True),
    sa.Column('codes', sa.ARRAY(sa.String(length=64)), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('abandoned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('converted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('store_id', sa.UUID(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_carts_customer_id_customers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shipping_method_id'], ['shipping_methods.id'], name=op.f('fk_carts_shipping_method_id_shipping_methods'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carts')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_carts_token_hash'))
    )
    op.create_index(op.f('ix_carts_store_id'), 'carts', ['store_id'], unique=False)
    op.create_index('ix_carts_store_id_status_last_activity_at', 'carts', ['store_id', 'status', 'last_activity_at'], unique=False)
    op.create_index('uq_carts_customer_active', 'carts', ['store_id', 'customer_id'], unique=True, postgresql_where=sa.text("status = 'active' AND customer_id IS NOT NULL"))
    op.create_table('cart_lines',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('cart_id', sa.UUID(), nullable=False),
    sa.Column('variant_id', sa.UUID(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.UUID(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_cart_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['cart_id'], ['carts.id'], name=op.f('fk_cart_lines_cart_id_carts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cart_lines')),
    sa.UniqueConstraint('cart_id', 'variant_id', name=op.f('uq_cart_lines_cart_id'))
    )
    op.create_index(op.f('ix_cart_lines_cart_id'), 'cart_lines', ['cart_id'], unique=False)
    op.create_index(op.f('ix_cart_lines_store_id'), 'cart_lines', ['store_id'], unique=False)
    op.add_column('customers', sa.Column('password_hash', sa.String(length=200), nullable=True))

    # The abandonment sweep serves every store: through this definer function it finds the stores with an
    # active cart idle past the store's threshold (60 minutes without a settings row) or a cart due to
    # expire (30 days), then works in each store's own scope.
    op.execute(
        """
        CREATE FUNCTION stormcom_carts_idle_stores(p_now timestamptz)
        RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT c.store_id FROM carts c
          LEFT JOIN cart_settings s ON s.store_id = c.store_id
          WHERE (c.status = 'active' AND c.abandoned_at IS NULL
                 AND c.last_activity_at <= p_now - make_interval(mins => coalesce(s.abandon_after_minutes, 60)))
             OR (c.status IN ('active', 'abandoned')
                 AND c.last_activity_at <= p_now - make_interval(days => coalesce(s.expire_after_days, 30)));
        $$
        """
    )
    app_role = get_settings().app_db_user
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} USING (store_id = stormcom_current_store())"
            " WITH CHECK (store_id = stormcom_current_store())"
        )
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {app_role}")
    op.execute(f"GRANT EXECUTE ON FUNCTION stormcom_carts_idle_stores(timestamptz) TO {app_role}")
    permissions = sa.table("permissions", sa.column("code", sa.String), sa.column("description", sa.String))
    op.bulk_insert(permissions, [{"code": c, "description": d} for c, d in PERMISSIONS])


def downgrade() -> None:
    op.execute("DELETE FROM permissions WHERE code IN ('shipping:read', 'shipping:manage')")
    op.execute("DROP FUNCTION IF EXISTS stormcom_carts_idle_stores(timestamptz)")
    op.drop_column("customers", "password_hash")
    for table in reversed(TABLES):
        op.drop_table(table)
    op.execute("DROP TYPE IF EXISTS cart_status")
    op.execute("DROP TYPE IF EXISTS shipping_rate_kind")

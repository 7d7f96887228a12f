"""pricing: price lists with audiences, prices and tiers, currency rates, tax classes and rates, settings

The default list's prices stay in catalog's variant_prices (ADR 0008); a store's default price_lists row
(id derived from the store's) is made by the first write that needs it.

Revision ID: 0005_pricing
Revises: 0004
Create Date: 2026-11-28 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gateway.settings import get_settings

revision: str = "0005_pricing"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = [
    "price_lists",
    "price_list_audiences",
    "price_list_prices",
    "price_tiers",
    "currency_rates",
    "tax_classes",
    "tax_rates",
    "product_tax_classes",
    "pricing_settings",
]
PERMISSIONS = [
    ("pricing:read", "Read price lists, rates, tax and price quotes"),
    ("pricing:write", "Change price lists, prices, tiers, currency rates, tax and pricing settings"),
]


def upgrade() -> None:
    op.execute(
        """
        CREATE TYPE audience_kind AS ENUM ('group', 'segment');

        CREATE TABLE price_lists (
            id uuid NOT NULL,
            code varchar(64) NOT NULL,
            name varchar(200) NOT NULL,
            is_default boolean NOT NULL DEFAULT false,
            active boolean NOT NULL DEFAULT true,
            priority integer NOT NULL DEFAULT 0,
            starts_at timestamptz,
            ends_at timestamptz,
            store_id uuid NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_price_lists PRIMARY KEY (id),
            CONSTRAINT uq_price_lists_store_id UNIQUE (store_id, code),
            CONSTRAINT ck_price_lists_schedule CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at)
        );
        CREATE INDEX ix_price_lists_store_id ON price_lists (store_id);
        CREATE UNIQUE INDEX uq_price_lists_default ON price_lists (store_id) WHERE is_default;
        -- The schedule sweep looks for boundaries in a time window.
        CREATE INDEX ix_price_lists_starts ON price_lists (starts_at) WHERE starts_at IS NOT NULL;
        CREATE INDEX ix_price_lists_ends ON price_lists (ends_at) WHERE ends_at IS NOT NULL;

        CREATE TABLE price_list_audiences (
            id uuid NOT NULL,
            price_list_id uuid NOT NULL,
            kind audience_kind NOT NULL,
            customer_group_id uuid,
            segment_id uuid,
            store_id uuid NOT NULL,
            CONSTRAINT pk_price_list_audiences PRIMARY KEY (id),
            CONSTRAINT fk_price_list_audiences_price_list_id_price_lists FOREIGN KEY (price_list_id)
                REFERENCES price_lists (id) ON DELETE CASCADE,
            CONSTRAINT fk_price_list_audiences_customer_group_id_customer_groups FOREIGN KEY (customer_group_id)
                REFERENCES customer_groups (id) ON DELETE CASCADE,
            CONSTRAINT uq_price_list_audiences_price_list_id UNIQUE (price_list_id, kind, customer_group_id, segment_id),
            CONSTRAINT ck_price_list_audiences_one_target CHECK (
                (kind = 'group' AND customer_group_id IS NOT NULL AND segment_id IS NULL)
                OR (kind = 'segment' AND segment_id IS NOT NULL AND customer_group_id IS NULL))
        );
        CREATE INDEX ix_price_list_audiences_store_id ON price_list_audiences (store_id);
        CREATE INDEX ix_price_list_audiences_price_list_id ON price_list_audiences (price_list_id);
        CREATE INDEX ix_price_list_audiences_customer_group_id ON price_list_audiences (customer_group_id);

        CREATE TABLE price_list_prices (
            price_list_id uuid NOT NULL,
            variant_id uuid NOT NULL,
            currency varchar(3) NOT NULL,
            amount bigint NOT NULL,
            compare_at_amount bigint,
            store_id uuid NOT NULL,
            CONSTRAINT pk_price_list_prices PRIMARY KEY (price_list_id, variant_id, currency),
            CONSTRAINT fk_price_list_prices_price_list_id_price_lists FOREIGN KEY (price_list_id)
                REFERENCES price_lists (id) ON DELETE CASCADE,
            CONSTRAINT fk_price_list_prices_variant_id_product_variants FOREIGN KEY (variant_id)
                REFERENCES product_variants (id) ON DELETE CASCADE
        );
        CREATE INDEX ix_price_list_prices_store_id ON price_list_prices (store_id);
        CREATE INDEX ix_price_list_prices_variant_id ON price_list_prices (variant_id);

        CREATE TABLE price_tiers (
            price_list_id uuid NOT NULL,
            variant_id uuid NOT NULL,
            currency varchar(3) NOT NULL,
            min_quantity integer NOT NULL,
            amount bigint NOT NULL,
            store_id uuid NOT NULL,
            CONSTRAINT pk_price_tiers PRIMARY KEY (price_list_id, variant_id, currency, min_quantity),
            CONSTRAINT fk_price_tiers_price_list_id_price_lists FOREIGN KEY (price_list_id)
                REFERENCES price_lists (id) ON DELETE CASCADE,
            CONSTRAINT fk_price_tiers_variant_id_product_variants FOREIGN KEY (variant_id)
                REFERENCES product_variants (id) ON DELETE CASCADE,
            CONSTRAINT ck_price_tiers_above_one CHECK (min_quantity > 1)
        );
        CREATE INDEX ix_price_tiers_store_id ON price_tiers (store_id);
        CREATE INDEX ix_price_tiers_variant_id ON price_tiers (variant_id);

        CREATE TABLE currency_rates (
            store_id uuid NOT NULL,
            currency varchar(3) NOT NULL,
            rate numeric(24, 10) NOT NULL,
            source varchar(32) NOT NULL DEFAULT 'manual',
            updated_at timestamptz NOT NULL,
            CONSTRAINT pk_currency_rates PRIMARY KEY (store_id, currency),
            CONSTRAINT ck_currency_rates_positive CHECK (rate > 0)
        );

        CREATE TABLE tax_classes (
            id uuid NOT NULL,
            code varchar(64) NOT NULL,
            name varchar(200) NOT NULL,
            is_default boolean NOT NULL DEFAULT false,
            store_id uuid NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_tax_classes PRIMARY KEY (id),
            CONSTRAINT uq_tax_classes_store_id UNIQUE (store_id, code)
        );
        CREATE INDEX ix_tax_classes_store_id ON tax_classes (store_id);
        CREATE UNIQUE INDEX uq_tax_classes_default ON tax_classes (store_id) WHERE is_default;

        CREATE TABLE tax_rates (
            id uuid NOT NULL,
            tax_class_id uuid NOT NULL,
            country varchar(2) NOT NULL,
            division varchar(16),
            percent numeric(7, 4) NOT NULL,
            name varchar(100) NOT NULL DEFAULT '',
            store_id uuid NOT NULL,
            CONSTRAINT pk_tax_rates PRIMARY KEY (id),
            CONSTRAINT fk_tax_rates_tax_class_id_tax_classes FOREIGN KEY (tax_class_id)
                REFERENCES tax_classes (id) ON DELETE CASCADE,
            CONSTRAINT ck_tax_rates_percent CHECK (percent >= 0 AND percent < 1000)
        );
        CREATE INDEX ix_tax_rates_store_id ON tax_rates (store_id);
        CREATE INDEX ix_tax_rates_tax_class_id ON tax_rates (tax_class_id);
        CREATE UNIQUE INDEX uq_tax_rates_region ON tax_rates (tax_class_id, country, coalesce(division, ''));

        CREATE TABLE product_tax_classes (
            product_id uuid NOT NULL,
            tax_class_id uuid NOT NULL,
            store_id uuid NOT NULL,
            CONSTRAINT pk_product_tax_classes PRIMARY KEY (product_id),
            CONSTRAINT fk_product_tax_classes_product_id_products FOREIGN KEY (product_id)
                REFERENCES products (id) ON DELETE CASCADE,
            CONSTRAINT fk_product_tax_classes_tax_class_id_tax_classes FOREIGN KEY (tax_class_id)
                REFERENCES tax_classes (id) ON DELETE CASCADE
        );
        CREATE INDEX ix_product_tax_classes_store_id ON product_tax_classes (store_id);
        CREATE INDEX ix_product_tax_classes_tax_class_id ON product_tax_classes (tax_class_id);

        CREATE TABLE pricing_settings (
            store_id uuid NOT NULL,
            prices_include_tax boolean NOT NULL DEFAULT true,
            tax_country varchar(2) NOT NULL DEFAULT 'BD',
            tax_division varchar(16),
            rounding_steps jsonb NOT NULL DEFAULT '{}',
            schedule_checked_until timestamptz,
            CONSTRAINT pk_pricing_settings PRIMARY KEY (store_id)
        );

        -- The schedule sweep serves every store: it finds the stores with a list boundary in a window
        -- through this definer function, then works in each store's own scope.
        CREATE FUNCTION stormcom_pricing_due_stores(p_until timestamptz)
        RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT DISTINCT l.store_id FROM price_lists l
          LEFT JOIN pricing_settings s ON s.store_id = l.store_id
          WHERE (l.starts_at <= p_until AND l.starts_at > coalesce(s.schedule_checked_until, '-infinity'))
             OR (l.ends_at <= p_until AND l.ends_at > coalesce(s.schedule_checked_until, '-infinity'));
        $$;
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
    op.execute(f"GRANT EXECUTE ON FUNCTION stormcom_pricing_due_stores(timestamptz) TO {app_role}")
    for code, description in PERMISSIONS:
        op.execute(
            sa.text("INSERT INTO permissions (code, description) VALUES (:c, :d) ON CONFLICT DO NOTHING")
            .bindparams(c=code, d=description)
        )


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS stormcom_pricing_due_stores(timestamptz)")
    for code, _ in PERMISSIONS:
        op.execute(sa.text("DELETE FROM role_permissions WHERE permission_code = :c").bindparams(c=code))
        op.execute(sa.text("DELETE FROM permissions WHERE code = :c").bindparams(c=code))
    for table in reversed(TABLES):
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("DROP TYPE IF EXISTS audience_kind")

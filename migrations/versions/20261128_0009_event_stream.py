"""event stream: a commit-ordered position on outbox events, and partner event grants

Revision ID: 0009_event_stream
Revises: 0008_promotions
Create Date: 2026-11-28 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gateway.settings import get_settings

revision: str = "0009_event_stream"
down_revision: str | None = "0008_promotions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The relay's positions are handed out under this transaction-level advisory lock, so position order is
# commit order (docs/adr/0013-subscriptions.md). The same key is the relay's publication lock.
POSITION_LOCK = 7_013_001


def upgrade() -> None:
    app_role = get_settings().app_db_user
    op.execute("ALTER TABLE outbox_events ADD COLUMN stream_position bigint")
    op.execute("CREATE SEQUENCE outbox_event_position_seq AS bigint")
    # Replay reads one store's events in position order from a resume point.
    op.execute(
        "CREATE INDEX ix_outbox_events_store_position ON outbox_events (store_id, stream_position)"
        " WHERE stream_position IS NOT NULL"
    )
    op.execute(
        f"""
        -- Positions are assigned when the relay hands events over, not at insert: insert order is not
        -- commit order. Under the lock, one relay at a time numbers and commits, so a position is visible
        -- only after every smaller one is. An event keeps its first position (a sweep re-publishes it as is).
        CREATE FUNCTION stormcom_outbox_sequence(p_ids uuid[])
        RETURNS TABLE (id uuid, stream_position bigint)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        #variable_conflict use_column
        DECLARE
          n bigint;
          base bigint;
        BEGIN
          PERFORM pg_advisory_xact_lock({POSITION_LOCK});
          SELECT count(*) INTO n FROM outbox_events e WHERE e.id = ANY(p_ids) AND e.stream_position IS NULL;
          IF n > 0 THEN
            -- Under the lock nobody else draws from the sequence: reserve a block and number the batch
            -- in occurred_at order (an UPDATE calling nextval() per row numbers in no promised order).
            base := nextval('outbox_event_position_seq');
            PERFORM setval('outbox_event_position_seq', base + n - 1);
            UPDATE outbox_events o SET stream_position = base + todo.rn - 1
            FROM (
              SELECT e.id, e.occurred_at, row_number() OVER (ORDER BY e.occurred_at, e.id) AS rn
              FROM outbox_events e WHERE e.id = ANY(p_ids) AND e.stream_position IS NULL
            ) todo
            WHERE o.id = todo.id AND o.occurred_at = todo.occurred_at;
          END IF;
          RETURN QUERY SELECT e.id, e.stream_position FROM outbox_events e WHERE e.id = ANY(p_ids);
        END $$;
        GRANT EXECUTE ON FUNCTION stormcom_outbox_sequence(uuid[]) TO {app_role};
        """
    )
    op.create_table(
        "event_grants",
        sa.Column("token_id", sa.UUID(), nullable=False),
        sa.Column("pattern", sa.String(length=100), nullable=False),
        sa.Column("store_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_tokens.id"], name=op.f("fk_event_grants_token_id_api_tokens"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_id", "pattern", name=op.f("pk_event_grants")),
    )
    op.create_index(op.f("ix_event_grants_store_id"), "event_grants", ["store_id"])
    op.execute("ALTER TABLE event_grants ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE event_grants FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY tenant_isolation ON event_grants USING (store_id = stormcom_current_store())"
        " WITH CHECK (store_id = stormcom_current_store())"
    )
    op.execute(f"GRANT SELECT, INSERT, DELETE ON event_grants TO {app_role}")


def downgrade() -> None:
    op.drop_table("event_grants")
    op.execute("DROP FUNCTION IF EXISTS stormcom_outbox_sequence(uuid[])")
    op.execute("DROP INDEX IF EXISTS ix_outbox_events_store_position")
    op.execute("ALTER TABLE outbox_events DROP COLUMN stream_position")
    op.execute("DROP SEQUENCE IF EXISTS outbox_event_position_seq")

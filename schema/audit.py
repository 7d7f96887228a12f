"""The audit log, read by admins with `audit:read`."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from domain.audit.models import AuditEntry as AuditEntryModel
from resolvers.audit.queries import list_entries
from resolvers.context import Context
from schema.permissions import requires

Info = strawberry.Info[Context, None]


@strawberry.type(description="One admin mutation as recorded: who, what, with what result.")
class AuditEntry:
    seq: int = strawberry.field(description="Position in the store's chain, from 1.")
    occurred_at: datetime = strawberry.field(description="When it was recorded.")
    actor: str = strawberry.field(description="The caller, e.g. token:stc_ad_XXXX.")
    operation: str = strawberry.field(description="The mutation field name.")
    input_summary: JSON = strawberry.field(description="The arguments, secrets redacted.")
    result: str = strawberry.field(
        description="ok, rejected (payload errors), denied (permission) or failed (fault)."
    )
    result_detail: JSON = strawberry.field(description="Error codes for a rejected or failed mutation.")
    request_id: str = strawberry.field(description="X-Request-ID of the request.")
    hash: str = strawberry.field(description="Hex sha256 chaining this row to the previous one.")

    @classmethod
    def from_model(cls, m: AuditEntryModel) -> AuditEntry:
        return cls(
            seq=m.seq,
            occurred_at=m.occurred_at,
            actor=m.actor,
            operation=m.operation,
            input_summary=cast(JSON, m.input_summary),
            result=m.result,
            result_detail=cast(JSON, m.result_detail),
            request_id=m.request_id,
            hash=m.hash.hex(),
        )


@strawberry.type(description="A page of the audit log, newest first.")
class AuditLogPage:
    entries: list[AuditEntry] = strawberry.field(description="The entries.")
    has_next_page: bool = strawberry.field(description="Whether older entries remain (pass beforeSeq).")


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="The audit log of this store, newest first.", extensions=requires("audit:read")
    )
    async def audit_log(
        self, info: Info, first: int | None = None, before_seq: int | None = None
    ) -> AuditLogPage:
        page = await list_entries(info.context, first=first, after_seq=before_seq)
        return AuditLogPage(
            entries=[AuditEntry.from_model(e) for e in page.entries], has_next_page=page.has_next_page
        )

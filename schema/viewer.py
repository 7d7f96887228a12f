"""The calling token, as it sees itself."""

from __future__ import annotations

import strawberry

from domain.access import models
from resolvers.context import Context

Info = strawberry.Info[Context, None]


@strawberry.type(description="The token making this request.")
class Viewer:
    kind: str = strawberry.field(description="storefront, admin or partner.")
    prefix: str = strawberry.field(description="The token's visible prefix.")
    name: str = strawberry.field(description="The token's label.")
    scopes: list[str] = strawberry.field(description="Effective scopes, the role's included.")


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The token making this request.")
    def viewer(self, info: Info) -> Viewer:
        p = info.context.principal
        kind = p.kind.value if isinstance(p.kind, models.TokenKind) else str(p.kind)
        return Viewer(kind=kind, prefix=p.prefix, name=p.name, scopes=sorted(p.scopes))

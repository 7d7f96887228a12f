"""The composed schema: each area contributes a Query and a Mutation part."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.schema.config import StrawberryConfig

from schema.access import AccessMutation, AccessQuery
from schema.audit import AuditQuery
from schema.audit_extension import AuditExtension
from schema.catalog.products_admin import CatalogProductMutation
from schema.catalog.storefront import CatalogQuery, in_context
from schema.catalog.taxonomy_admin import CatalogTaxonomyMutation
from schema.documents import DocumentMutation, DocumentQuery
from schema.events import Subscription
from schema.relay_utils import UnknownTypeIsNull
from schema.shop import ShopMutation, ShopQuery
from schema.viewer import ViewerQuery
from schema.webhooks import WebhookMutation, WebhookQuery


@strawberry.type(description="Everything a client can read.")
class Query(ShopQuery, CatalogQuery, ViewerQuery, AccessQuery, DocumentQuery, AuditQuery, WebhookQuery):
    node: relay.Node | None = relay.node(
        description="Any object by its global id; null if not in this store.",
        extensions=[UnknownTypeIsNull()],
    )


@strawberry.type(description="Everything a client can change. Expected failures come back in `errors`.")
class Mutation(
    ShopMutation,
    AccessMutation,
    DocumentMutation,
    CatalogProductMutation,
    CatalogTaxonomyMutation,
    WebhookMutation,
):
    pass


def _audit_every_mutation() -> None:
    definition = Mutation.__strawberry_definition__  # type: ignore[attr-defined]
    for field in definition.fields:
        field.extensions.append(AuditExtension())


_audit_every_mutation()

schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    directives=[in_context],
    config=StrawberryConfig(auto_camel_case=True),
)

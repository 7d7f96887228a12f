"""The composed schema: each area contributes a Query and a Mutation part."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig

from schema.access import AccessMutation, AccessQuery
from schema.audit import AuditQuery
from schema.audit_extension import AuditExtension
from schema.cart.settings import CartSettingsMutation, CartSettingsQuery
from schema.cart.storefront import CartMutation, CartQuery
from schema.catalog.products_admin import CatalogProductMutation
from schema.catalog.storefront import CatalogQuery, in_context
from schema.catalog.taxonomy_admin import CatalogTaxonomyMutation
from schema.customers import CustomerAccountMutation, CustomerAccountQuery
from schema.documents import DocumentMutation, DocumentQuery
from schema.events import EventMutation, Subscription
from schema.execution import FastExecutionContext
from schema.fulfillment import FulfillmentMutation, FulfillmentQuery
from schema.inventory import InventoryMutation, InventoryQuery
from schema.order_tracking import OrderTrackingQuery
from schema.orders.admin import OrderMutation, OrderQuery
from schema.orders.checkout import CheckoutMutation
from schema.payments import PaymentAccountQuery, PaymentMutation, PaymentQuery
from schema.pricing.mutations import CustomerMutation, PricingMutation
from schema.pricing.queries import PricingQuery
from schema.promotions.admin import PromotionMutation, PromotionQuery
from schema.relay_utils import UnknownTypeIsNull
from schema.returns import CustomerReturnMutation, ReturnMutation, ReturnQuery
from schema.shipping import ShippingMutation, ShippingQuery
from schema.shop import ShopMutation, ShopQuery
from schema.viewer import ViewerQuery
from schema.webhooks import WebhookMutation, WebhookQuery


@strawberry.type(description="Everything a client can read.")
class Query(
    ShopQuery,
    CatalogQuery,
    ViewerQuery,
    AccessQuery,
    DocumentQuery,
    AuditQuery,
    PricingQuery,
    PromotionQuery,
    WebhookQuery,
    CartQuery,
    CartSettingsQuery,
    CustomerAccountQuery,
    ShippingQuery,
    FulfillmentQuery,
    ReturnQuery,
    OrderQuery,
    OrderTrackingQuery,
    PaymentQuery,
    PaymentAccountQuery,
    InventoryQuery,
):
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
    PricingMutation,
    CustomerMutation,
    PromotionMutation,
    EventMutation,
    WebhookMutation,
    CartMutation,
    CartSettingsMutation,
    CustomerAccountMutation,
    ShippingMutation,
    FulfillmentMutation,
    ReturnMutation,
    CustomerReturnMutation,
    OrderMutation,
    PaymentMutation,
    InventoryMutation,
    CheckoutMutation,
):
    pass


def _audit_every_mutation() -> None:
    definition = Mutation.__strawberry_definition__  # type: ignore[attr-defined]
    for field in definition.fields:
        field.extensions.append(AuditExtension())


_audit_every_mutation()


class _Schema(strawberry.Schema):
    """Strawberry's executor (the WebSocket path; HTTP runs graphql-core itself, ADR 0002) with the sync
    directives middleware. Our one custom directive, @inContext, sits on operations and is read by resolvers;
    the asynchronous middleware would only turn every field into a coroutine, which made graphql-core gather
    a task per field and doubled the CPU cost of each subscription event (~400 -> ~190 us per delivery)."""

    def get_extensions(self, sync: bool = False) -> list[SchemaExtension]:
        return super().get_extensions(sync=True)


schema = _Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    directives=[in_context],
    config=StrawberryConfig(auto_camel_case=True),
    execution_context_class=FastExecutionContext,
)

"""Per-request dataloaders. Each batch opens its own read unit of work: loaders run concurrently, and one
AsyncSession must never be shared between concurrent coroutines.

Values a request has read (loaded or primed) are also kept plain in `ready`, so a synchronous resolver can
return them without a coroutine and a task per field (`now`); see `resolvers.ready`."""

from __future__ import annotations

import uuid
from asyncio import Future
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import queries as access_queries
from domain.access.models import ApiToken, Role
from domain.catalog import models as catalog
from domain.catalog import queries as catalog_queries
from domain.documents import queries as document_queries
from domain.documents.models import PersistedDocument
from domain.notifications import queries as notification_queries
from domain.notifications.models import StaffNotification
from domain.orders import queries as order_queries
from domain.orders.models import Order, OrderEvent, OrderLine
from domain.pricing.engine import PriceResult
from domain.promotions import queries as promotion_queries
from domain.promotions.models import DiscountCode, Promotion
from domain.webhooks import queries as webhook_queries
from domain.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from resolvers.catalog.prefetch import read_products, storefront_quotes

if TYPE_CHECKING:
    from resolvers.context import Context

K = TypeVar("K")
V = TypeVar("V")


class _ScopedLoader(DataLoader, Generic[K, V]):  # type: ignore[misc,type-arg]
    fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[list[V]]]

    def __init__(self, context: Context) -> None:
        self._futures: dict[K, Future[V]] = {}
        super().__init__(cache_map=self._futures)
        self.context = context
        self.ready: dict[K, V] = {}

    def now(self, key: K) -> V | Future[V]:
        """The value if this request has read it already, else (batched as `load`) a future of it."""
        try:
            return self.ready[key]
        except KeyError:
            return self.load(key)  # type: ignore[no-any-return]

    def now_many(self, keys: Sequence[K]) -> list[V] | Future[list[V]]:
        """`now` for several keys: all values if every one is at hand, else a future of them all."""
        ready = self.ready
        if all(k in ready for k in keys):
            return [ready[k] for k in keys]
        return self.load_many(keys)  # type: ignore[no-any-return]

    def prime_many(self, items: Iterable[tuple[K, V]]) -> None:
        """What a prefetch read, so later loads of these keys cost nothing (a key read before is kept)."""
        for key, value in items:
            if key not in self._futures:
                self.ready[key] = value
                self.prime(key, value)

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V]:
        async with self.context.read_uow() as uow:
            values = await type(self).fetch(uow.session, keys)
        self.ready.update(zip(keys, values, strict=True))
        return values


class _TaggedLoader(_ScopedLoader[K, V]):
    """A loader that records on the request the response-cache tags of what it read (the names of
    `domain.catalog.events.cache_tags`), so a cached answer is purged by the events that change it."""

    def tags(self, keys: Sequence[K], values: list[V]) -> set[str]:
        raise NotImplementedError

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V]:
        values = await super().batch_load_fn(keys)
        self.context.cache_tags.update(self.tags(keys, values))
        return values


class _ByProduct(_TaggedLoader[uuid.UUID, V]):
    def tags(self, keys: Sequence[uuid.UUID], values: list[V]) -> set[str]:
        return {f"product:{k}" for k in keys}


class ProductByIdLoader(_ByProduct[catalog.Product | None]):
    """Products, and in the same transaction the texts (request locale) of everything shown with them:
    the translations loader is primed, so a page costs no translation batches at uneven depths."""

    fetch = staticmethod(catalog_queries.products_by_id)

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[catalog.Product | None]:
        async with self.context.read_uow() as uow:
            products = await read_products(
                self.context, uow.session, uow.store_id, self.context.loaders.catalog_locale, keys
            )
        self.ready.update(zip(keys, products, strict=True))
        return products


class VariantsByProductLoader(_ByProduct[list[catalog.ProductVariant]]):
    fetch = staticmethod(catalog_queries.variants_by_product)


class MediaByProductLoader(_ByProduct[list[catalog.ProductMedia]]):
    fetch = staticmethod(catalog_queries.media_by_product)


class OptionsByProductLoader(_ByProduct[list[catalog.ProductOption]]):
    fetch = staticmethod(catalog_queries.options_by_product)


class AttributesByProductLoader(_ByProduct[list[catalog_queries.AttributeValue]]):
    fetch = staticmethod(catalog_queries.attributes_by_product)


class _ByProductKey(_TaggedLoader[tuple[uuid.UUID, Any], V]):
    def tags(self, keys: Sequence[tuple[uuid.UUID, Any]], values: list[V]) -> set[str]:
        return {f"product:{k[0]}" for k in keys}


class SummaryByProductLoader(_ByProductKey[catalog.ProductSummary | None]):
    """Read-model row by (product id, locale)."""

    fetch = staticmethod(catalog_queries.summaries_by_product)


class PriceRangeByProductLoader(_ByProductKey[catalog.SummaryPrice | None]):
    """Min/max price by (product id, currency)."""

    fetch = staticmethod(catalog_queries.price_ranges)


class ReviewsByProductLoader(_ByProductKey[list[catalog.Review]]):
    """Newest approved reviews by (product id, how many); one more than asked, to tell if more follow."""

    fetch = staticmethod(catalog_queries.approved_reviews_by_product)


class _ByVariant(_TaggedLoader[uuid.UUID, V]):
    # Price and stock events carry the product ids; the variant's product was tagged by whoever
    # loaded the variant, and a variant read alone is tagged by VariantByIdLoader.
    def tags(self, keys: Sequence[uuid.UUID], values: list[V]) -> set[str]:
        return set()


class PricesByVariantLoader(_ByVariant[list[catalog.VariantPrice]]):
    fetch = staticmethod(catalog_queries.prices_by_variant)


class QuoteByVariantLoader(_TaggedLoader[tuple[uuid.UUID, str], PriceResult | None]):
    """The anonymous shopper's price of one unit now, by (variant id, currency): the pricing entry point,
    which the read model's price ranges also use."""

    def tags(self, keys: Sequence[tuple[uuid.UUID, str]], values: list[PriceResult | None]) -> set[str]:
        # As prices: events name the products; store-wide pricing changes purge the store's tag.
        return set()

    async def batch_load_fn(self, keys: Sequence[tuple[uuid.UUID, str]]) -> list[PriceResult | None]:
        async with self.context.read_uow() as uow:
            values = await storefront_quotes(uow.session, uow.store_id, keys)
        self.ready.update(zip(keys, values, strict=True))
        return values


class StockByVariantLoader(_ByVariant[catalog_queries.Stock]):
    fetch = staticmethod(catalog_queries.stock_by_variant)


class VariantByIdLoader(_TaggedLoader[uuid.UUID, catalog.ProductVariant | None]):
    fetch = staticmethod(catalog_queries.variants_by_id)

    def tags(self, keys: Sequence[uuid.UUID], values: list[catalog.ProductVariant | None]) -> set[str]:
        return {f"product:{v.product_id}" for v in values if v is not None}


class MediaByIdLoader(_TaggedLoader[uuid.UUID, catalog.ProductMedia | None]):
    fetch = staticmethod(catalog_queries.media_by_id)

    def tags(self, keys: Sequence[uuid.UUID], values: list[catalog.ProductMedia | None]) -> set[str]:
        return {f"product:{v.product_id}" for v in values if v is not None}


class ReviewByIdLoader(_TaggedLoader[uuid.UUID, catalog.Review | None]):
    fetch = staticmethod(catalog_queries.reviews_by_id)

    def tags(self, keys: Sequence[uuid.UUID], values: list[catalog.Review | None]) -> set[str]:
        return {f"product:{v.product_id}" for v in values if v is not None}


class PromotionByIdLoader(_ScopedLoader[uuid.UUID, Promotion | None]):
    fetch = staticmethod(promotion_queries.promotions_by_id)


class OrderByIdLoader(_ScopedLoader[uuid.UUID, Order | None]):
    fetch = staticmethod(order_queries.orders_by_id)


class OrderLinesByOrderLoader(_ScopedLoader[uuid.UUID, list[OrderLine]]):
    fetch = staticmethod(order_queries.lines_by_order)


class OrderEventsByOrderLoader(_ScopedLoader[uuid.UUID, list[OrderEvent]]):
    fetch = staticmethod(order_queries.events_by_order)


class DiscountCodeByIdLoader(_ScopedLoader[uuid.UUID, DiscountCode | None]):
    fetch = staticmethod(promotion_queries.codes_by_id)


class CodeCountByPromotionLoader(_ScopedLoader[uuid.UUID, int]):
    fetch = staticmethod(promotion_queries.code_counts_by_promotion)


class BrandByIdLoader(_TaggedLoader[uuid.UUID, catalog.Brand | None]):
    fetch = staticmethod(catalog_queries.brands_by_id)

    def tags(self, keys: Sequence[uuid.UUID], values: list[catalog.Brand | None]) -> set[str]:
        return {f"brand:{k}" for k in keys}


class CategoryByIdLoader(_TaggedLoader[uuid.UUID, catalog.Category | None]):
    fetch = staticmethod(catalog_queries.categories_by_id)

    def tags(self, keys: Sequence[uuid.UUID], values: list[catalog.Category | None]) -> set[str]:
        return {f"category:{k}" for k in keys}


class CategoriesByParentLoader(_TaggedLoader[uuid.UUID, list[catalog.Category]]):
    """Ordered children by parent id; `catalog_queries.ROOT` gives the roots."""

    fetch = staticmethod(catalog_queries.categories_by_parent)

    def tags(self, keys: Sequence[uuid.UUID], values: list[list[catalog.Category]]) -> set[str]:
        return {"categories"}


class CollectionByIdLoader(_TaggedLoader[uuid.UUID, catalog.Collection | None]):
    fetch = staticmethod(catalog_queries.collections_by_id)

    def tags(self, keys: Sequence[uuid.UUID], values: list[catalog.Collection | None]) -> set[str]:
        return {f"collection:{k}" for k in keys}


class TranslationsLoader(_TaggedLoader[tuple[str, uuid.UUID, str], dict[str, str] | None]):
    """Translated fields by (entity type, entity id, locale)."""

    fetch = staticmethod(catalog_queries.translations)

    def tags(
        self, keys: Sequence[tuple[str, uuid.UUID, str]], values: list[dict[str, str] | None]
    ) -> set[str]:
        return {f"{entity_type}:{entity_id}" for entity_type, entity_id, _ in keys}


class TokenByIdLoader(_ScopedLoader[uuid.UUID, ApiToken | None]):
    fetch = staticmethod(access_queries.tokens_by_id)


class RoleByIdLoader(_ScopedLoader[uuid.UUID, Role | None]):
    fetch = staticmethod(access_queries.roles_by_id)


class PermissionsByRoleLoader(_ScopedLoader[uuid.UUID, list[str]]):
    fetch = staticmethod(access_queries.permissions_by_role)


class DocumentByIdLoader(_ScopedLoader[uuid.UUID, PersistedDocument | None]):
    fetch = staticmethod(document_queries.documents_by_id)


class WebhookSubscriptionByIdLoader(_ScopedLoader[uuid.UUID, WebhookSubscription | None]):
    fetch = staticmethod(webhook_queries.subscriptions_by_id)


class WebhookDeliveryByIdLoader(_ScopedLoader[uuid.UUID, WebhookDelivery | None]):
    fetch = staticmethod(webhook_queries.deliveries_by_id)


class WebhookAttemptsByDeliveryLoader(_ScopedLoader[uuid.UUID, list[WebhookAttempt]]):
    fetch = staticmethod(webhook_queries.attempts_by_delivery)


class StaffNotificationByIdLoader(_ScopedLoader[uuid.UUID, StaffNotification | None]):
    fetch = staticmethod(notification_queries.notifications_by_id)


class Loaders:
    def __init__(self, context: Context) -> None:
        self.webhook_subscription_by_id = WebhookSubscriptionByIdLoader(context)
        self.webhook_delivery_by_id = WebhookDeliveryByIdLoader(context)
        self.webhook_attempts_by_delivery = WebhookAttemptsByDeliveryLoader(context)
        self.staff_notification_by_id = StaffNotificationByIdLoader(context)
        self.token_by_id = TokenByIdLoader(context)
        self.role_by_id = RoleByIdLoader(context)
        self.permissions_by_role = PermissionsByRoleLoader(context)
        self.document_by_id = DocumentByIdLoader(context)
        self.product_by_id = ProductByIdLoader(context)
        self.variants_by_product = VariantsByProductLoader(context)
        self.media_by_product = MediaByProductLoader(context)
        self.options_by_product = OptionsByProductLoader(context)
        self.attributes_by_product = AttributesByProductLoader(context)
        self.summary_by_product = SummaryByProductLoader(context)
        self.price_range_by_product = PriceRangeByProductLoader(context)
        self.reviews_by_product = ReviewsByProductLoader(context)
        self.prices_by_variant = PricesByVariantLoader(context)
        self.quote_by_variant = QuoteByVariantLoader(context)
        self.stock_by_variant = StockByVariantLoader(context)
        self.variant_by_id = VariantByIdLoader(context)
        self.media_by_id = MediaByIdLoader(context)
        self.review_by_id = ReviewByIdLoader(context)
        self.brand_by_id = BrandByIdLoader(context)
        self.category_by_id = CategoryByIdLoader(context)
        self.categories_by_parent = CategoriesByParentLoader(context)
        self.collection_by_id = CollectionByIdLoader(context)
        self.translations = TranslationsLoader(context)
        self.promotion_by_id = PromotionByIdLoader(context)
        self.code_count_by_promotion = CodeCountByPromotionLoader(context)
        self.discount_code_by_id = DiscountCodeByIdLoader(context)
        self.order_by_id = OrderByIdLoader(context)
        self.order_lines_by_order = OrderLinesByOrderLoader(context)
        self.order_events_by_order = OrderEventsByOrderLoader(context)
        # The store and the locale/currency this request reads the catalog in, resolved once.
        self.catalog_scope: object | None = None
        self.catalog_locale: str | None = None

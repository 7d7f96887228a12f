"""Every mapped model, imported in one place so metadata and Alembic see them all."""

from domain.access.models import ApiToken, Permission, Role, RolePermission
from domain.audit.models import AuditEntry
from domain.catalog.models import (
    Attribute,
    Brand,
    BundleItem,
    Category,
    Collection,
    CollectionProduct,
    Product,
    ProductAttributeValue,
    ProductMedia,
    ProductOption,
    ProductSummary,
    ProductType,
    ProductVariant,
    Review,
    StockLevel,
    SummaryPrice,
    Translation,
    VariantPrice,
)
from domain.customers.models import Customer, CustomerGroup, CustomerGroupMember
from domain.db import Base
from domain.documents.models import PersistedDocument
from domain.events.models import OutboxEvent, ProcessedEvent
from domain.fulfillment.models import CourierAccount, TrackingEvent
from domain.idempotency.models import IdempotencyKey
from domain.inventory.models import Adjustment, InventoryItem, Location, Reservation
from domain.notifications.models import StaffNotification
from domain.orders.models import Order, OrderAllocation, OrderCounter, OrderEvent, OrderLine
from domain.payments.models import PaymentAccount, PaymentAttempt, PaymentCallback, Refund
from domain.pricing.models import (
    CurrencyRate,
    PriceList,
    PriceListAudience,
    PriceListPrice,
    PriceTier,
    PricingSettings,
    ProductTaxClass,
    TaxClass,
    TaxRate,
)
from domain.promotions.models import (
    AppliedPromotionRow,
    DiscountCode,
    DiscountCodeCustomerUsage,
    DiscountCodeRedemption,
    Promotion,
    PromotionRulesVersion,
)
from domain.tenancy.models import Membership, Organization, Store, User
from domain.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSettings, WebhookSubscription

__all__ = [
    "Adjustment",
    "ApiToken",
    "AppliedPromotionRow",
    "Attribute",
    "AuditEntry",
    "Base",
    "Brand",
    "BundleItem",
    "Category",
    "Collection",
    "CollectionProduct",
    "CourierAccount",
    "CurrencyRate",
    "Customer",
    "CustomerGroup",
    "CustomerGroupMember",
    "DiscountCode",
    "DiscountCodeCustomerUsage",
    "DiscountCodeRedemption",
    "IdempotencyKey",
    "InventoryItem",
    "Location",
    "Membership",
    "Order",
    "OrderAllocation",
    "OrderCounter",
    "OrderEvent",
    "OrderLine",
    "Organization",
    "OutboxEvent",
    "PaymentAccount",
    "PaymentAttempt",
    "PaymentCallback",
    "Permission",
    "PersistedDocument",
    "PriceList",
    "PriceListAudience",
    "PriceListPrice",
    "PriceTier",
    "PricingSettings",
    "ProcessedEvent",
    "Product",
    "ProductAttributeValue",
    "ProductMedia",
    "ProductOption",
    "ProductSummary",
    "ProductTaxClass",
    "ProductType",
    "ProductVariant",
    "Promotion",
    "PromotionRulesVersion",
    "Refund",
    "Reservation",
    "Review",
    "Role",
    "RolePermission",
    "StaffNotification",
    "StockLevel",
    "Store",
    "SummaryPrice",
    "TaxClass",
    "TaxRate",
    "TrackingEvent",
    "Translation",
    "User",
    "VariantPrice",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSettings",
    "WebhookSubscription",
]

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
from domain.db import Base
from domain.documents.models import PersistedDocument
from domain.events.models import OutboxEvent, ProcessedEvent
from domain.notifications.models import StaffNotification
from domain.tenancy.models import Membership, Organization, Store, User
from domain.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSettings, WebhookSubscription

__all__ = [
    "ApiToken",
    "Attribute",
    "AuditEntry",
    "Base",
    "Brand",
    "BundleItem",
    "Category",
    "Collection",
    "CollectionProduct",
    "Membership",
    "Organization",
    "OutboxEvent",
    "Permission",
    "PersistedDocument",
    "ProcessedEvent",
    "Product",
    "ProductAttributeValue",
    "ProductMedia",
    "ProductOption",
    "ProductSummary",
    "ProductType",
    "ProductVariant",
    "Review",
    "Role",
    "RolePermission",
    "StaffNotification",
    "StockLevel",
    "Store",
    "SummaryPrice",
    "Translation",
    "User",
    "VariantPrice",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSettings",
    "WebhookSubscription",
]

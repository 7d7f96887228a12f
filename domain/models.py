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
from domain.promotions.models import (
    AppliedPromotionRow,
    DiscountCode,
    DiscountCodeCustomerUsage,
    DiscountCodeRedemption,
    Promotion,
    PromotionRulesVersion,
)
from domain.tenancy.models import Membership, Organization, Store, User

__all__ = [
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
    "Customer",
    "CustomerGroup",
    "CustomerGroupMember",
    "DiscountCode",
    "DiscountCodeCustomerUsage",
    "DiscountCodeRedemption",
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
    "Promotion",
    "PromotionRulesVersion",
    "Review",
    "Role",
    "RolePermission",
    "StockLevel",
    "Store",
    "SummaryPrice",
    "Translation",
    "User",
    "VariantPrice",
]

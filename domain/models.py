"""Every mapped model, imported in one place so metadata and Alembic see them all."""

from domain.access.models import ApiToken, Permission, Role, RolePermission
from domain.audit.models import AuditEntry
from domain.db import Base
from domain.documents.models import PersistedDocument
from domain.events.models import OutboxEvent, ProcessedEvent
from domain.tenancy.models import Membership, Organization, Store, User

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "Membership",
    "Organization",
    "OutboxEvent",
    "Permission",
    "PersistedDocument",
    "ProcessedEvent",
    "Role",
    "RolePermission",
    "Store",
    "User",
]

"""Permission checks, declared once per field or mutation: `extensions=requires("tokens:manage")`."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from domain.access.models import TokenKind
from resolvers.context import Context


class HasScope(BasePermission):
    message = "the token lacks a permission this field needs"
    error_extensions = {"code": "FORBIDDEN"}

    def __init__(self, scope: str) -> None:
        self.scope = scope
        self.message = f"the token lacks the {scope!r} permission"

    def has_permission(self, source: Any, info: strawberry.Info[Context, None], **kwargs: Any) -> bool:
        return info.context.principal.has(self.scope)


class IsStaffToken(BasePermission):
    """Admin and partner tokens; storefront tokens are public and never reach admin fields."""

    message = "storefront tokens cannot use this field"
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: strawberry.Info[Context, None], **kwargs: Any) -> bool:
        return info.context.principal.kind is not TokenKind.STOREFRONT


def requires(*scopes: str) -> list[FieldExtension]:
    return [
        PermissionExtension(
            permissions=[IsStaffToken(), *(HasScope(s) for s in scopes)], use_directives=False
        )
    ]

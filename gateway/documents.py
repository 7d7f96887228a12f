"""Preparing documents (parse, validate, analyse) and the registry of persisted ones.

A persisted document is prepared once per process: the storefront's files at start-up, a store's
registered documents on first use. Executing one skips parsing, validation and cost analysis.
"""

from __future__ import annotations

import logging
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import NoSchemaIntrospectionCustomRule

from domain.db import Database
from domain.documents.services import AnalysedDocument, document_id, find_document
from domain.uow import UnitOfWork
from gateway.limits import Analysis, analyse
from gateway.settings import Settings
from persisted_queries.manifest import served_documents

log = logging.getLogger(__name__)

REGISTERED_CAPACITY = 256


class DocumentRejected(Exception):
    """A document that fails parsing, validation or a static limit. `code` is the extensions code."""

    def __init__(self, code: str, errors: list[GraphQLError], *, stage: str) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.code = code
        self.errors = errors
        self.stage = stage  # "parse" | "validate" | "limit"


@dataclass(frozen=True)
class PreparedDocument:
    body: str
    sha256: str
    ast: DocumentNode
    operations: dict[str | None, OperationDefinitionNode]
    fragments: dict[str, FragmentDefinitionNode]
    analysis: dict[str | None, Analysis] = field(default_factory=dict)

    def operation(self, name: str | None) -> OperationDefinitionNode | None:
        if name is None:
            if len(self.operations) == 1:
                return next(iter(self.operations.values()))
            return None
        return self.operations.get(name)


class DocumentPreparer:
    def __init__(self, schema: GraphQLSchema, settings: Settings) -> None:
        self.schema = schema
        self.settings = settings
        self.rules = list(specified_rules)
        self.rules_no_introspection = [*specified_rules, NoSchemaIntrospectionCustomRule]
        # Documents prepared for registration, by sha256, so the registry need not prepare them again.
        self._registered: OrderedDict[str, PreparedDocument] = OrderedDict()

    def prepare(self, body: str, *, introspection: bool, limits: bool = True) -> PreparedDocument:
        s = self.settings
        try:
            ast = parse(body, max_tokens=s.max_tokens)
        except GraphQLError as err:
            code = (
                "MAX_TOKENS_LIMIT"
                if "tokens" in err.message and "more than" in err.message
                else "GRAPHQL_PARSE_FAILED"
            )
            raise DocumentRejected(code, [err], stage="parse") from None
        rules = self.rules if introspection else self.rules_no_introspection
        errors = validate(
            self.schema, ast, rules, max_errors=20, hide_suggestions=s.production or not introspection
        )
        if errors:
            raise DocumentRejected("GRAPHQL_VALIDATION_FAILED", errors, stage="validate")
        operations: dict[str | None, OperationDefinitionNode] = {}
        fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in ast.definitions:
            if isinstance(definition, OperationDefinitionNode):
                operations[definition.name.value if definition.name else None] = definition
            elif isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
        analysis = {
            name: analyse(self.schema, op, fragments, default_page=s.default_page_size)
            for name, op in operations.items()
        }
        if limits:
            for a in analysis.values():
                self.check_limits(a)
        return PreparedDocument(body, document_id(body), ast, operations, fragments, analysis)

    def check_limits(self, a: Analysis) -> None:
        s = self.settings
        if a.depth > s.max_depth:
            raise DocumentRejected(
                "MAX_DEPTH_LIMIT",
                [GraphQLError(f"query depth {a.depth} exceeds the limit of {s.max_depth}")],
                stage="limit",
            )
        if a.aliases > s.max_aliases:
            raise DocumentRejected(
                "MAX_ALIASES_LIMIT",
                [GraphQLError(f"{a.aliases} aliases exceed the limit of {s.max_aliases}")],
                stage="limit",
            )
        if a.cost > s.max_cost:
            raise DocumentRejected(
                "QUERY_TOO_COSTLY",
                [GraphQLError(f"query cost {a.cost} exceeds the limit of {s.max_cost}")],
                stage="limit",
            )

    # The DocumentAnalyser port the registration resolver uses.
    def analyse(self, body: str) -> AnalysedDocument | list[str]:
        try:
            prepared = self.prepare(body, introspection=False)
        except DocumentRejected as exc:
            return [f"{exc.code}: {e.message}" for e in exc.errors]
        if len(prepared.operations) != 1:
            return ["a persisted document holds exactly one operation"]
        self._registered[prepared.sha256] = prepared
        if len(self._registered) > REGISTERED_CAPACITY:
            self._registered.popitem(last=False)
        ((name, op),) = prepared.operations.items()
        return AnalysedDocument(
            body=body,
            name=name or "",
            operation_type=op.operation.value,
            cost=prepared.analysis[name].cost,
        )

    def prepare_persisted(self, body: str) -> PreparedDocument:
        """A persisted document's body prepared (as analyse() does), reusing the work done at registration."""
        found = self._registered.get(document_id(body))
        if found is not None and found.body == body:
            return found
        return self.prepare(body, introspection=False)


class DocumentRegistry:
    """The storefront files in persisted_queries/ plus each store's registered documents.

    Each is prepared once per process.
    """

    def __init__(self, preparer: DocumentPreparer, db: Database, *, capacity: int = 2048) -> None:
        self.preparer = preparer
        self.db = db
        self.capacity = capacity
        self.global_docs: dict[str, PreparedDocument] = {}
        self._store_docs: OrderedDict[tuple[uuid.UUID, str], PreparedDocument] = OrderedDict()
        # The shipped storefront documents are ours: the schema validates them here, and a test keeps them
        # within the default limits; a deployment that lowers the limits for raw documents keeps serving them.
        for doc in served_documents():
            self.global_docs[doc.id] = preparer.prepare(doc.body, introspection=False, limits=False)

    def held(self, store_id: uuid.UUID, sha256: str) -> PreparedDocument | None:
        """The document when this process already holds it (a shipped one, or a store's read before)."""
        found = self.global_docs.get(sha256)
        if found is not None:
            return found
        key = (store_id, sha256)
        cached = self._store_docs.get(key)
        if cached is not None:
            self._store_docs.move_to_end(key)
        return cached

    async def get(
        self, store_id: uuid.UUID, organization_id: uuid.UUID, sha256: str
    ) -> PreparedDocument | None:
        found = self.held(store_id, sha256)
        if found is not None:
            return found
        key = (store_id, sha256)
        # The primary, not the replica: a document registered a moment ago must not 404 while a replica lags.
        # Only the first use per process reads it; after that it is served from memory.
        uow = UnitOfWork(self.db.sessions, store_id=store_id, organization_id=organization_id, readonly=True)
        async with uow:
            row = await find_document(uow, sha256)
        if row is None:
            return None
        try:
            prepared = self.preparer.prepare_persisted(row.body)
        except DocumentRejected as exc:
            # Registered against an older schema and no longer valid: treat as absent, and say so.
            log.warning("persisted document no longer valid", extra={"sha256": sha256, "error": str(exc)})
            return None
        self._store_docs[key] = prepared
        if len(self._store_docs) > self.capacity:
            self._store_docs.popitem(last=False)
        return prepared


def format_errors(errors: list[GraphQLError], code: str) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        formatted: dict[str, Any] = dict(err.formatted)
        formatted["extensions"] = {**(formatted.get("extensions") or {}), "code": code}
        out.append(formatted)
    return out

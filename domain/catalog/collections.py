"""Collections: manual ones list products by hand (collection_products, ordered by position); rule-based ones
store `rules`, checked by collection_rule_validation and evaluated by the read side (collection_rules).
Membership changes carry the products in their event, so the read model knows which rows to rebuild."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from domain.catalog import events
from domain.catalog.collection_rule_validation import validate_rules
from domain.catalog.errors import CatalogErrorCode
from domain.catalog.models import Collection, CollectionKind, CollectionProduct, Product
from domain.catalog.slugs import unique_slug
from domain.catalog.taxonomy_inputs import CollectionChanges, CollectionInput
from domain.catalog.writes import flush_unique, product_ids, require
from domain.errors import DomainError, DomainErrors
from domain.uow import UnitOfWork

MAX_PRODUCTS_PER_CALL = 500


async def _check_slug_free(uow: UnitOfWork, slug: str, *, exclude: uuid.UUID | None = None) -> None:
    query = select(Collection.id).where(Collection.slug == slug)
    if exclude is not None:
        query = query.where(Collection.id != exclude)
    if await uow.session.scalar(query.limit(1)) is not None:
        raise DomainError(CatalogErrorCode.DUPLICATE_SLUG, "another collection has this slug", field="slug")


async def create_collection(uow: UnitOfWork, data: CollectionInput) -> Collection:
    """Create a manual collection, or a rule-based one with valid `rules` (INVALID_RULE otherwise)."""
    if data.kind is CollectionKind.RULES:
        if data.rules is None:
            raise DomainError(
                CatalogErrorCode.INVALID_RULE, "a rule-based collection needs rules", field="rules"
            )
        rules = await validate_rules(uow, data.rules)
    else:
        if data.rules:
            raise DomainError(CatalogErrorCode.INVALID, "a manual collection has no rules", field="rules")
        rules = {}
    if data.slug is None:
        slug = await unique_slug(uow, Collection.slug, data.name, "collection")
    else:
        await _check_slug_free(uow, data.slug)
        slug = data.slug
    collection = Collection(
        id=uuid.uuid4(),
        name=data.name,
        slug=slug,
        description=data.description,
        kind=data.kind,
        rules=rules,
    )
    uow.session.add(collection)
    await flush_unique(uow, CatalogErrorCode.DUPLICATE_SLUG, "another collection has this slug", field="slug")
    uow.emit(events.COLLECTION_CREATED, {"id": str(collection.id)})
    return collection


async def update_collection(uow: UnitOfWork, collection_id: uuid.UUID, data: CollectionChanges) -> Collection:
    """Change name, slug, description, or (rule-based only) the rules. The kind never changes."""
    collection = await require(uow, Collection, collection_id, field="id", lock=True)
    given = data.model_fields_set
    if "rules" in given and data.rules is not None:
        if collection.kind is not CollectionKind.RULES:
            raise DomainError(CatalogErrorCode.INVALID, "a manual collection has no rules", field="rules")
        collection.rules = await validate_rules(uow, data.rules)
    if "slug" in given and data.slug is not None and data.slug != collection.slug:
        await _check_slug_free(uow, data.slug, exclude=collection.id)
        collection.slug = data.slug
    if "name" in given and data.name is not None:
        collection.name = data.name
    if "description" in given and data.description is not None:
        collection.description = data.description
    await flush_unique(uow, CatalogErrorCode.DUPLICATE_SLUG, "another collection has this slug", field="slug")
    uow.emit(events.COLLECTION_UPDATED, {"id": str(collection.id)})
    return collection


async def delete_collection(uow: UnitOfWork, collection_id: uuid.UUID) -> None:
    """Delete a collection; the products it listed stay, and are named in the event."""
    collection = await require(uow, Collection, collection_id, field="id", lock=True)
    members = await uow.session.scalars(
        select(CollectionProduct.product_id)
        .where(CollectionProduct.collection_id == collection.id)
        .order_by(CollectionProduct.position)
    )
    listed = product_ids(members.all())
    await uow.session.delete(collection)
    await uow.session.flush()
    data: dict[str, object] = {"id": str(collection_id)}
    if listed:
        data["product_ids"] = listed
    uow.emit(events.COLLECTION_DELETED, data)


async def _manual(uow: UnitOfWork, collection_id: uuid.UUID) -> Collection:
    # The row lock serialises membership changes of one collection, so positions stay consistent.
    collection = await require(uow, Collection, collection_id, field="id", lock=True)
    if collection.kind is not CollectionKind.MANUAL:
        raise DomainError(
            CatalogErrorCode.INVALID, "products of a rule-based collection follow its rules", field="id"
        )
    return collection


def _check_count(ids: Sequence[uuid.UUID], field: str) -> None:
    if not ids or len(ids) > MAX_PRODUCTS_PER_CALL:
        raise DomainError(
            CatalogErrorCode.INVALID, f"give 1 to {MAX_PRODUCTS_PER_CALL} products", field=field
        )


async def add_collection_products(
    uow: UnitOfWork, collection_id: uuid.UUID, product_ids_: Sequence[uuid.UUID]
) -> Collection:
    """Append products to a manual collection in the given order; ones already listed keep their place.

    A rule-based collection is INVALID; an unknown product is NOT_FOUND on `productIds.<i>`."""
    _check_count(product_ids_, "productIds")
    collection = await _manual(uow, collection_id)
    wanted = list(dict.fromkeys(product_ids_))
    found = set((await uow.session.scalars(select(Product.id).where(Product.id.in_(wanted)))).all())
    missing = [
        DomainError(CatalogErrorCode.NOT_FOUND, "no product with this id", field=f"productIds.{i}")
        for i, pid in enumerate(product_ids_)
        if pid not in found
    ]
    if missing:
        raise DomainErrors(missing)
    last = await uow.session.scalar(
        select(func.max(CollectionProduct.position)).where(CollectionProduct.collection_id == collection.id)
    )
    start = 0 if last is None else last + 1
    inserted = await uow.session.scalars(
        insert(CollectionProduct)
        .values(
            [
                {
                    "store_id": uow.store_id,
                    "collection_id": collection.id,
                    "product_id": pid,
                    "position": start + i,
                }
                for i, pid in enumerate(wanted)
            ]
        )
        .on_conflict_do_nothing(index_elements=["collection_id", "product_id"])
        .returning(CollectionProduct.product_id)
    )
    added = set(inserted.all())
    if added:
        uow.emit(
            events.COLLECTION_UPDATED,
            {"id": str(collection.id), "product_ids": product_ids(p for p in wanted if p in added)},
        )
    return collection


async def remove_collection_products(
    uow: UnitOfWork, collection_id: uuid.UUID, product_ids_: Sequence[uuid.UUID]
) -> Collection:
    """Take products out of a manual collection; ones it does not list are ignored."""
    _check_count(product_ids_, "productIds")
    collection = await _manual(uow, collection_id)
    removed = await uow.session.scalars(
        delete(CollectionProduct)
        .where(
            CollectionProduct.collection_id == collection.id, CollectionProduct.product_id.in_(product_ids_)
        )
        .returning(CollectionProduct.product_id)
    )
    gone = set(removed.all())
    if gone:
        uow.emit(
            events.COLLECTION_UPDATED,
            {"id": str(collection.id), "product_ids": product_ids(p for p in product_ids_ if p in gone)},
        )
    return collection


async def reorder_collection_products(
    uow: UnitOfWork, collection_id: uuid.UUID, moves: Sequence[tuple[uuid.UUID, int]]
) -> Collection:
    """Apply moves (product, new 0-based position) in order, as Shopify's collectionReorderProducts does;
    positions then run 0..n-1. A product the collection does not list is NOT_FOUND on
    `moves.<i>.productId`."""
    if not moves or len(moves) > MAX_PRODUCTS_PER_CALL:
        raise DomainError(CatalogErrorCode.INVALID, f"give 1 to {MAX_PRODUCTS_PER_CALL} moves", field="moves")
    collection = await _manual(uow, collection_id)
    rows = list(
        (
            await uow.session.scalars(
                select(CollectionProduct)
                .where(CollectionProduct.collection_id == collection.id)
                .order_by(CollectionProduct.position, CollectionProduct.product_id)
            )
        ).all()
    )
    order = [r.product_id for r in rows]
    errors = []
    for i, (pid, position) in enumerate(moves):
        if pid not in order:
            errors.append(
                DomainError(
                    CatalogErrorCode.NOT_FOUND,
                    "the collection does not list it",
                    field=f"moves.{i}.productId",
                )
            )
        elif position < 0:
            errors.append(
                DomainError(CatalogErrorCode.INVALID, "must not be negative", field=f"moves.{i}.position")
            )
        else:
            order.remove(pid)
            order.insert(min(position, len(order)), pid)
    if errors:
        raise DomainErrors(errors)
    by_id = {r.product_id: r for r in rows}
    for position, pid in enumerate(order):
        if by_id[pid].position != position:
            by_id[pid].position = position
    await uow.session.flush()
    uow.emit(events.COLLECTION_UPDATED, {"id": str(collection.id)})
    return collection

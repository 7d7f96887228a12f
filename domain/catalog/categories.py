"""The category tree: create, rename, move, reorder and delete.

Every category stores its materialised `path` ("/<root id>/.../<own id>/") and `depth`, so "this category and
everything below" is one prefix range scan (`ix_categories_path`, text_pattern_ops; see `subtree_filter`),
and a move rewrites the whole subtree with one UPDATE that swaps the old prefix for the new one. Tree writes
of a store are serialised by a transaction-scoped advisory lock: two concurrent moves could otherwise each
pass the cycle check and together make a loop.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, String, and_, case, func, literal, select, update

from domain.catalog import events
from domain.catalog.errors import CatalogErrorCode
from domain.catalog.models import Category
from domain.catalog.slugs import unique_slug
from domain.catalog.taxonomy_inputs import CategoryChanges, CategoryInput, CategoryMove, nfc
from domain.catalog.writes import flush_unique, require
from domain.db import new_id
from domain.errors import DomainError
from domain.uow import UnitOfWork

# Depth 0 is a root. Ten levels is deeper than any storefront menu, and keeps a path far below its 1200 chars.
MAX_DEPTH = 10


async def lock_tree(uow: UnitOfWork) -> None:
    await uow.session.execute(
        select(func.pg_advisory_xact_lock(func.hashtextextended(f"categories:{uow.store_id}", 0)))
    )


def _children_of(parent_id: uuid.UUID | None) -> ColumnElement[bool]:
    return Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id


def subtree_filter(path: str) -> ColumnElement[bool]:
    """Rows of the category with this path and of every category below it.

    Not `LIKE 'prefix%'`: under row-level security PostgreSQL may not use a non-leakproof operator (LIKE is
    one) as an index condition, so LIKE scans the whole table. The byte-wise range operators of
    text_pattern_ops are leakproof: a path holds only hex digits, '-' and '/', so every path below ".../x/"
    sorts between ".../x/" and ".../x0" ('0' follows '/'); starts_with (leakproof) states the intent exactly.
    """
    upper = path[:-1] + "0"
    return and_(
        Category.path.op("~>=~")(path),
        Category.path.op("~<~")(upper),
        func.starts_with(Category.path, path),
    )


async def category_and_descendants(uow: UnitOfWork, category_id: uuid.UUID) -> list[Category]:
    """The category and its whole subtree, in path order (parents before children)."""
    category = await require(uow, Category, category_id, field="id")
    rows = await uow.session.scalars(
        select(Category).where(subtree_filter(category.path)).order_by(Category.path)
    )
    return list(rows.all())


async def _check_slug_free(uow: UnitOfWork, slug: str, *, exclude: uuid.UUID | None = None) -> None:
    query = select(Category.id).where(Category.slug == slug)
    if exclude is not None:
        query = query.where(Category.id != exclude)
    if await uow.session.scalar(query.limit(1)) is not None:
        raise DomainError(CatalogErrorCode.DUPLICATE_SLUG, "another category has this slug", field="slug")


async def _parent(uow: UnitOfWork, parent_id: uuid.UUID | None) -> Category | None:
    if parent_id is None:
        return None
    parent = await uow.session.get(Category, parent_id)
    if parent is None or parent.store_id != uow.store_id:
        raise DomainError(CatalogErrorCode.INVALID_PARENT, "no category with this id", field="parentId")
    return parent


async def _make_room(
    uow: UnitOfWork, parent_id: uuid.UUID | None, position: int | None, *, exclude: uuid.UUID | None = None
) -> int:
    """The position a new child of `parent_id` takes: `position`, shifting later siblings down, or the end
    (also when `position` is past it)."""
    siblings = _children_of(parent_id)
    if exclude is not None:
        siblings = siblings & (Category.id != exclude)
    last = await uow.session.scalar(select(func.max(Category.position)).where(siblings))
    end = 0 if last is None else last + 1
    if position is None or position >= end:
        return end
    await uow.session.execute(
        update(Category)
        .where(siblings, Category.position >= position)
        .values(position=Category.position + 1)
        .execution_options(synchronize_session=False)
    )
    return position


async def _close_gap(uow: UnitOfWork, category: Category) -> None:
    await uow.session.execute(
        update(Category)
        .where(
            _children_of(category.parent_id),
            Category.position > category.position,
            Category.id != category.id,
        )
        .values(position=Category.position - 1)
        .execution_options(synchronize_session=False)
    )


async def _create(
    uow: UnitOfWork,
    *,
    name: str,
    slug: str | None,
    description: str,
    parent: Category | None,
    position: int | None,
) -> Category:
    depth = 0 if parent is None else parent.depth + 1
    if depth >= MAX_DEPTH:
        raise DomainError(
            CatalogErrorCode.INVALID_PARENT, f"categories nest at most {MAX_DEPTH} levels", field="parentId"
        )
    if slug is None:
        slug = await unique_slug(uow, Category.slug, name, "category")
    else:
        await _check_slug_free(uow, slug)
    category_id = new_id()
    category = Category(
        id=category_id,
        parent_id=parent.id if parent else None,
        name=name,
        slug=slug,
        description=description,
        position=await _make_room(uow, parent.id if parent else None, position),
        depth=depth,
        path=f"{parent.path if parent else '/'}{category_id}/",
    )
    uow.session.add(category)
    await flush_unique(uow, CatalogErrorCode.DUPLICATE_SLUG, "another category has this slug", field="slug")
    uow.emit(events.CATEGORY_CREATED, {"id": str(category.id)})
    return category


async def create_category(uow: UnitOfWork, data: CategoryInput) -> Category:
    """Create a category under `parent_id` (a root when None) at `position` (the end when None).

    A slug is generated from the name when none is given (suffixed to be unique); a given slug already in
    use is DUPLICATE_SLUG; an unknown parent is INVALID_PARENT."""
    await lock_tree(uow)
    parent = await _parent(uow, data.parent_id)
    return await _create(
        uow,
        name=data.name,
        slug=data.slug,
        description=data.description,
        parent=parent,
        position=data.position,
    )


async def ensure_category_path(uow: UnitOfWork, names: list[str]) -> Category:
    """Find or create the chain "Men > Shirts > Formal" by names from the root; returns the last one.

    Names match their siblings' case-insensitively (after trimming and NFC), so an import that writes "men"
    finds "Men". Each category created emits category.created."""
    clean = [nfc(n).strip() for n in names]
    if not clean or len(clean) > MAX_DEPTH:
        raise DomainError(
            CatalogErrorCode.INVALID, f"a category path has 1 to {MAX_DEPTH} names", field="category"
        )
    for name in clean:
        if not name or len(name) > 200 or "\x00" in name:
            raise DomainError(
                CatalogErrorCode.INVALID, "category names are 1 to 200 characters", field="category"
            )
    await lock_tree(uow)
    parent: Category | None = None
    for name in clean:
        siblings = await uow.session.scalars(
            select(Category)
            .where(_children_of(parent.id if parent else None))
            .order_by(Category.position, Category.id)
        )
        found = next((c for c in siblings.all() if c.name.casefold() == name.casefold()), None)
        if found is None:
            found = await _create(uow, name=name, slug=None, description="", parent=parent, position=None)
        parent = found
    assert parent is not None
    return parent


async def update_category(uow: UnitOfWork, category_id: uuid.UUID, data: CategoryChanges) -> Category:
    """Rename, re-slug or re-describe a category (moves go through `move_category`)."""
    category = await require(uow, Category, category_id, field="id", lock=True)
    given = data.model_fields_set
    if "slug" in given and data.slug is not None and data.slug != category.slug:
        await _check_slug_free(uow, data.slug, exclude=category.id)
        category.slug = data.slug
    if "name" in given and data.name is not None:
        category.name = data.name
    if "description" in given and data.description is not None:
        category.description = data.description
    await flush_unique(uow, CatalogErrorCode.DUPLICATE_SLUG, "another category has this slug", field="slug")
    uow.emit(events.CATEGORY_UPDATED, {"id": str(category.id)})
    return category


async def move_category(uow: UnitOfWork, category_id: uuid.UUID, data: CategoryMove) -> Category:
    """Move a category (with its subtree) under another parent and/or to another position among siblings.

    Moving under itself or a descendant is CYCLE; an unknown parent is INVALID_PARENT. The paths and depths
    of the whole subtree are rewritten by one UPDATE (prefix replace)."""
    await lock_tree(uow)
    category = await require(uow, Category, category_id, field="id")
    new_parent_id = data.parent_id if "parent_id" in data.model_fields_set else category.parent_id
    parent = await _parent(uow, new_parent_id)
    if parent is not None and parent.path.startswith(category.path):
        raise DomainError(
            CatalogErrorCode.CYCLE, "a category cannot move under itself or a descendant", field="parentId"
        )
    new_depth = 0 if parent is None else parent.depth + 1
    delta = new_depth - category.depth
    if delta > 0:
        deepest = await uow.session.scalar(
            select(func.max(Category.depth)).where(subtree_filter(category.path))
        )
        if (deepest or 0) + delta >= MAX_DEPTH:
            raise DomainError(
                CatalogErrorCode.INVALID_PARENT,
                f"categories nest at most {MAX_DEPTH} levels",
                field="parentId",
            )
    await _close_gap(uow, category)
    position = await _make_room(uow, new_parent_id, data.position, exclude=category.id)
    old_prefix = category.path
    new_prefix = f"{parent.path if parent else '/'}{category.id}/"
    await uow.session.execute(
        update(Category)
        .where(subtree_filter(old_prefix))
        .values(
            path=literal(new_prefix, String) + func.substr(Category.path, len(old_prefix) + 1),
            depth=Category.depth + delta,
            parent_id=case((Category.id == category.id, new_parent_id), else_=Category.parent_id),
            position=case((Category.id == category.id, position), else_=Category.position),
        )
        .execution_options(synchronize_session=False)
    )
    await uow.session.refresh(category)
    uow.emit(events.CATEGORY_UPDATED, {"id": str(category.id)})
    return category


async def reorder_categories(
    uow: UnitOfWork, parent_id: uuid.UUID | None, ordered_ids: Sequence[uuid.UUID]
) -> list[Category]:
    """Set the order of all children of `parent_id` (the roots when None): `ordered_ids` lists each exactly
    once. Positions become 0..n-1; each category whose position changed emits category.updated."""
    await lock_tree(uow)
    await _parent(uow, parent_id)
    children = list(
        (
            await uow.session.scalars(
                select(Category).where(_children_of(parent_id)).order_by(Category.position).with_for_update()
            )
        ).all()
    )
    by_id = {c.id: c for c in children}
    if len(set(ordered_ids)) != len(ordered_ids) or set(ordered_ids) != set(by_id):
        raise DomainError(
            CatalogErrorCode.INVALID, "list every child of the parent exactly once", field="ids"
        )
    out = []
    for position, cid in enumerate(ordered_ids):
        child = by_id[cid]
        if child.position != position:
            child.position = position
            uow.emit(events.CATEGORY_UPDATED, {"id": str(child.id)})
        out.append(child)
    await uow.session.flush()
    return out


async def delete_category(uow: UnitOfWork, category_id: uuid.UUID) -> None:
    """Delete a leaf category; one with children is HAS_CHILDREN. Its products keep existing, uncategorised
    (the foreign key sets their category to NULL)."""
    await lock_tree(uow)
    category = await require(uow, Category, category_id, field="id")
    child = await uow.session.scalar(select(Category.id).where(Category.parent_id == category.id).limit(1))
    if child is not None:
        raise DomainError(CatalogErrorCode.HAS_CHILDREN, "move or delete its subcategories first", field="id")
    await _close_gap(uow, category)
    await uow.session.delete(category)
    await uow.session.flush()
    uow.emit(events.CATEGORY_DELETED, {"id": str(category_id)})

"""Admin mutations of the category tree, collections, reviews and translations, and the storefront's
`reviewSubmit`. Payloads return the shared catalog object types."""

from __future__ import annotations

import enum
from typing import Any

import strawberry

from domain.catalog import models
from domain.catalog.errors import CatalogErrorCode
from resolvers.catalog.category_create import category_create
from resolvers.catalog.category_delete import category_delete
from resolvers.catalog.category_move import category_move
from resolvers.catalog.category_reorder import category_reorder
from resolvers.catalog.category_update import category_update
from resolvers.catalog.collection_add_products import collection_add_products
from resolvers.catalog.collection_create import collection_create
from resolvers.catalog.collection_delete import collection_delete
from resolvers.catalog.collection_remove_products import collection_remove_products
from resolvers.catalog.collection_reorder_products import collection_reorder_products
from resolvers.catalog.collection_update import collection_update
from resolvers.catalog.review_create import review_create
from resolvers.catalog.review_delete import review_delete
from resolvers.catalog.review_moderate import review_moderate
from resolvers.catalog.review_submit import review_submit
from resolvers.catalog.translation_remove import translation_remove
from resolvers.catalog.translation_set import translation_set
from resolvers.context import Context
from resolvers.errors import Outcome
from resolvers.ids import encode_global_id
from schema.catalog.types import JSON, Category, Collection, CollectionKind, Review, ReviewStatus
from schema.errors import CatalogError, convert
from schema.permissions import requires

Info = strawberry.Info[Context, None]
WRITE = "catalog:write"


def _given(input_: object) -> dict[str, Any]:
    """The fields a client sent (explicit nulls included), so updates leave the others alone."""
    return {k: v for k, v in vars(input_).items() if v is not strawberry.UNSET}


def _errors(out: Outcome[Any]) -> list[CatalogError]:
    return convert(out.errors, CatalogErrorCode, CatalogError)


def _deleted(out: Outcome[Any], type_name: str) -> strawberry.ID | None:
    return strawberry.ID(encode_global_id(type_name, out.result)) if out.result else None


# --- categories -------------------------------------------------------------------------------------------


@strawberry.input(description="A new category.")
class CategoryCreateInput:
    name: str = strawberry.field(description="Display name.")
    slug: str | None = strawberry.field(
        default=None, description="URL handle, unique in the store; generated from the name when omitted."
    )
    description: str = strawberry.field(default="", description="Plain-text description.")
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="Parent; a root when null.")
    position: int | None = strawberry.field(
        default=None, description="0-based place among its siblings; the end when null."
    )


@strawberry.input(description="Category fields to change; omitted fields stay as they are.")
class CategoryUpdateInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Display name.")
    slug: str | None = strawberry.field(
        default=strawberry.UNSET, description="URL handle, unique in the store."
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="Plain-text description."
    )


@strawberry.type(description="The result of a category mutation.")
class CategoryPayload:
    category: Category | None = strawberry.field(description="The category after the change.")
    errors: list[CatalogError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of categoryReorder.")
class CategoryReorderPayload:
    categories: list[Category] = strawberry.field(description="The siblings in their new order.")
    errors: list[CatalogError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of categoryDelete.")
class CategoryDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The id of the deleted category.")
    errors: list[CatalogError] = strawberry.field(description="Why nothing changed, if so.")


# --- collections ------------------------------------------------------------------------------------------


@strawberry.input(description="A new collection.")
class CollectionCreateInput:
    name: str = strawberry.field(description="Display name.")
    slug: str | None = strawberry.field(
        default=None, description="URL handle, unique in the store; generated from the name when omitted."
    )
    description: str = strawberry.field(default="", description="Plain-text description.")
    kind: CollectionKind = strawberry.field(
        default=models.CollectionKind.MANUAL, description="MANUAL lists products by hand; RULES by `rules`."
    )
    rules: JSON | None = strawberry.field(
        default=None,
        description='For RULES: {"match": "all"|"any", "conditions": [{"field", "op", "value"}]}; fields '
        "tag, brand, category, product_type, title, price (with currency), attribute:<code>.",
    )


@strawberry.input(description="Collection fields to change; omitted fields stay as they are.")
class CollectionUpdateInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Display name.")
    slug: str | None = strawberry.field(
        default=strawberry.UNSET, description="URL handle, unique in the store."
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="Plain-text description."
    )
    rules: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="New rules (rule-based collections only)."
    )


@strawberry.input(description="Move one product of a manual collection to a 0-based position.")
class CollectionProductMoveInput:
    product_id: strawberry.ID = strawberry.field(description="A product the collection lists.")
    position: int = strawberry.field(description="Its new 0-based position (past the end means last).")


@strawberry.type(description="The result of a collection mutation.")
class CollectionPayload:
    collection: Collection | None = strawberry.field(description="The collection after the change.")
    errors: list[CatalogError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of collectionDelete.")
class CollectionDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The id of the deleted collection.")
    errors: list[CatalogError] = strawberry.field(description="Why nothing changed, if so.")


# --- reviews ----------------------------------------------------------------------------------------------


@strawberry.input(description="A shopper's review of a product; it waits for moderation.")
class ReviewSubmitInput:
    product_id: strawberry.ID = strawberry.field(description="The product reviewed.")
    rating: int = strawberry.field(description="1 to 5.")
    author_name: str = strawberry.field(description="The name shown with the review.")
    title: str = strawberry.field(default="", description="Plain text, at most 200 characters.")
    body: str = strawberry.field(default="", description="Plain text, at most 5000 characters.")


@strawberry.input(description="A review entered by staff or an import.")
class ReviewCreateInput:
    product_id: strawberry.ID = strawberry.field(description="The product reviewed.")
    rating: int = strawberry.field(description="1 to 5.")
    author_name: str = strawberry.field(description="The name shown with the review.")
    title: str = strawberry.field(default="", description="Plain text, at most 200 characters.")
    body: str = strawberry.field(default="", description="Plain text, at most 5000 characters.")
    verified_purchase: bool = strawberry.field(
        default=False,
        description="The author bought the product (known to staff, never claimed by shoppers).",
    )


@strawberry.type(description="The result of a review mutation.")
class ReviewPayload:
    review: Review | None = strawberry.field(description="The review after the change.")
    errors: list[CatalogError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of reviewDelete.")
class ReviewDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The id of the deleted review.")
    errors: list[CatalogError] = strawberry.field(description="Why nothing changed, if so.")


# --- translations -----------------------------------------------------------------------------------------


@strawberry.enum(description="A translatable text field of a catalog entity.")
class TranslatableField(enum.Enum):
    TITLE = "title"
    DESCRIPTION_HTML = "description_html"
    SEO_TITLE = "seo_title"
    SEO_DESCRIPTION = "seo_description"
    NAME = "name"
    DESCRIPTION = "description"


@strawberry.input(
    description="Translated text to set; omitted fields keep their translation. Products take title, "
    "descriptionHtml, seoTitle, seoDescription; variants title; categories, brands and collections name "
    "and description."
)
class TranslationInput:
    title: str | None = strawberry.field(default=None, description="Product or variant title.")
    description_html: str | None = strawberry.field(
        default=None, description="Product description; sanitised to the same HTML allow-list."
    )
    seo_title: str | None = strawberry.field(default=None, description="Product SEO title.")
    seo_description: str | None = strawberry.field(default=None, description="Product SEO description.")
    name: str | None = strawberry.field(default=None, description="Category, brand or collection name.")
    description: str | None = strawberry.field(
        default=None, description="Category, brand or collection description."
    )


@strawberry.type(description="The translated text of one entity in one locale.")
class TranslationFields:
    locale: str = strawberry.field(description="The locale, one of the store's.")
    title: str | None = strawberry.field(description="Translated title.")
    description_html: str | None = strawberry.field(description="Translated description (sanitised HTML).")
    seo_title: str | None = strawberry.field(description="Translated SEO title.")
    seo_description: str | None = strawberry.field(description="Translated SEO description.")
    name: str | None = strawberry.field(description="Translated name.")
    description: str | None = strawberry.field(description="Translated description.")

    @classmethod
    def from_model(cls, m: models.Translation) -> TranslationFields:
        f = m.fields or {}
        return cls(
            locale=m.locale,
            title=f.get("title"),
            description_html=f.get("description_html"),
            seo_title=f.get("seo_title"),
            seo_description=f.get("seo_description"),
            name=f.get("name"),
            description=f.get("description"),
        )


@strawberry.type(description="The result of a translation mutation.")
class TranslationPayload:
    translation: TranslationFields | None = strawberry.field(
        description="What is translated in this locale now; null when nothing is left."
    )
    errors: list[CatalogError] = strawberry.field(description="Why nothing changed, if so.")


def _category(out: Outcome[models.Category]) -> CategoryPayload:
    return CategoryPayload(
        category=Category.from_model(out.result) if out.result else None, errors=_errors(out)
    )


def _collection(out: Outcome[models.Collection]) -> CollectionPayload:
    return CollectionPayload(
        collection=Collection.from_model(out.result) if out.result else None, errors=_errors(out)
    )


def _review(out: Outcome[models.Review]) -> ReviewPayload:
    return ReviewPayload(review=Review.from_model(out.result) if out.result else None, errors=_errors(out))


def _translation(out: Outcome[models.Translation] | Outcome[models.Translation | None]) -> TranslationPayload:
    return TranslationPayload(
        translation=TranslationFields.from_model(out.result) if out.result else None, errors=_errors(out)
    )


@strawberry.type
class CatalogTaxonomyMutation:
    @strawberry.mutation(description="Create a category.", extensions=requires(WRITE))
    async def category_create(self, info: Info, input: CategoryCreateInput) -> CategoryPayload:
        return _category(
            await category_create(
                info.context,
                name=input.name,
                slug=input.slug,
                description=input.description,
                parent_id=str(input.parent_id) if input.parent_id is not None else None,
                position=input.position,
            )
        )

    @strawberry.mutation(description="Rename or re-describe a category.", extensions=requires(WRITE))
    async def category_update(
        self, info: Info, id: strawberry.ID, input: CategoryUpdateInput
    ) -> CategoryPayload:
        return _category(await category_update(info.context, id=str(id), changes=_given(input)))

    @strawberry.mutation(
        description="Move a category with everything below it: under `parentId` (null: to the root; omitted: "
        "same parent) and/or to `position` among its siblings (omitted: last).",
        extensions=requires(WRITE),
    )
    async def category_move(
        self,
        info: Info,
        id: strawberry.ID,
        parent_id: strawberry.ID | None = strawberry.UNSET,
        position: int | None = None,
    ) -> CategoryPayload:
        given = parent_id is not strawberry.UNSET
        return _category(
            await category_move(
                info.context,
                id=str(id),
                parent_given=given,
                parent_id=str(parent_id) if given and parent_id is not None else None,
                position=position,
            )
        )

    @strawberry.mutation(
        description="Order all children of `parentId` (the roots when null): list each exactly once.",
        extensions=requires(WRITE),
    )
    async def category_reorder(
        self, info: Info, ids: list[strawberry.ID], parent_id: strawberry.ID | None = None
    ) -> CategoryReorderPayload:
        out = await category_reorder(
            info.context, parent_id=str(parent_id) if parent_id else None, ids=[str(i) for i in ids]
        )
        return CategoryReorderPayload(
            categories=[Category.from_model(c) for c in out.result or []], errors=_errors(out)
        )

    @strawberry.mutation(
        description="Delete a category without subcategories; its products become uncategorised.",
        extensions=requires(WRITE),
    )
    async def category_delete(self, info: Info, id: strawberry.ID) -> CategoryDeletePayload:
        out = await category_delete(info.context, id=str(id))
        return CategoryDeletePayload(deleted_id=_deleted(out, "Category"), errors=_errors(out))

    @strawberry.mutation(description="Create a manual or rule-based collection.", extensions=requires(WRITE))
    async def collection_create(self, info: Info, input: CollectionCreateInput) -> CollectionPayload:
        fields = {**vars(input), "kind": input.kind}
        return _collection(await collection_create(info.context, fields=fields))

    @strawberry.mutation(description="Change a collection.", extensions=requires(WRITE))
    async def collection_update(
        self, info: Info, id: strawberry.ID, input: CollectionUpdateInput
    ) -> CollectionPayload:
        return _collection(await collection_update(info.context, id=str(id), changes=_given(input)))

    @strawberry.mutation(description="Delete a collection; its products stay.", extensions=requires(WRITE))
    async def collection_delete(self, info: Info, id: strawberry.ID) -> CollectionDeletePayload:
        out = await collection_delete(info.context, id=str(id))
        return CollectionDeletePayload(deleted_id=_deleted(out, "Collection"), errors=_errors(out))

    @strawberry.mutation(
        description="Append products to a manual collection (at most 500); listed ones keep their place.",
        extensions=requires(WRITE),
    )
    async def collection_add_products(
        self, info: Info, id: strawberry.ID, product_ids: list[strawberry.ID]
    ) -> CollectionPayload:
        return _collection(
            await collection_add_products(info.context, id=str(id), product_ids=[str(p) for p in product_ids])
        )

    @strawberry.mutation(
        description="Take products out of a manual collection (at most 500).", extensions=requires(WRITE)
    )
    async def collection_remove_products(
        self, info: Info, id: strawberry.ID, product_ids: list[strawberry.ID]
    ) -> CollectionPayload:
        return _collection(
            await collection_remove_products(
                info.context, id=str(id), product_ids=[str(p) for p in product_ids]
            )
        )

    @strawberry.mutation(
        description="Move products of a manual collection, applied in order.", extensions=requires(WRITE)
    )
    async def collection_reorder_products(
        self, info: Info, id: strawberry.ID, moves: list[CollectionProductMoveInput]
    ) -> CollectionPayload:
        return _collection(
            await collection_reorder_products(
                info.context, id=str(id), moves=[(str(m.product_id), m.position) for m in moves]
            )
        )

    @strawberry.mutation(
        description="Submit a review as a shopper. It is shown once approved.",
    )
    async def review_submit(self, info: Info, input: ReviewSubmitInput) -> ReviewPayload:
        return _review(
            await review_submit(
                info.context,
                product_id=str(input.product_id),
                rating=input.rating,
                title=input.title,
                body=input.body,
                author_name=input.author_name,
            )
        )

    @strawberry.mutation(
        description="Enter a review as staff or an import; it lands pending.", extensions=requires(WRITE)
    )
    async def review_create(self, info: Info, input: ReviewCreateInput) -> ReviewPayload:
        return _review(
            await review_create(
                info.context,
                product_id=str(input.product_id),
                rating=input.rating,
                title=input.title,
                body=input.body,
                author_name=input.author_name,
                verified_purchase=input.verified_purchase,
            )
        )

    @strawberry.mutation(
        description="Approve, reject or mark a review as spam (pending: any; approved and rejected: each "
        "other or spam; spam: back to pending).",
        extensions=requires(WRITE),
    )
    async def review_moderate(self, info: Info, id: strawberry.ID, status: ReviewStatus) -> ReviewPayload:
        return _review(await review_moderate(info.context, id=str(id), status=status))

    @strawberry.mutation(description="Delete a review.", extensions=requires(WRITE))
    async def review_delete(self, info: Info, id: strawberry.ID) -> ReviewDeletePayload:
        out = await review_delete(info.context, id=str(id))
        return ReviewDeletePayload(deleted_id=_deleted(out, "Review"), errors=_errors(out))

    @strawberry.mutation(
        description="Set translated text of a product, variant, category, brand or collection (by its id) "
        "in one of the store's locales.",
        extensions=requires(WRITE),
    )
    async def translation_set(
        self, info: Info, id: strawberry.ID, locale: str, input: TranslationInput
    ) -> TranslationPayload:
        fields = {k: v for k, v in vars(input).items() if v is not None}
        return _translation(await translation_set(info.context, id=str(id), locale=locale, fields=fields))

    @strawberry.mutation(
        description="Remove translated fields (all of them when `fields` is null) in one locale.",
        extensions=requires(WRITE),
    )
    async def translation_remove(
        self, info: Info, id: strawberry.ID, locale: str, fields: list[TranslatableField] | None = None
    ) -> TranslationPayload:
        names = [f.value for f in fields] if fields is not None else None
        return _translation(await translation_remove(info.context, id=str(id), locale=locale, fields=names))

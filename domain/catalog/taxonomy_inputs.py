"""Validated inputs of the category, collection, review and translation services. Shapes only; rules that
need the database live in the services. Update inputs tell "not given" from "set to null" by
`model_fields_set`. Text is stored NFC-normalised, so Bengali typed on different keyboards compares equal."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, field_validator

from domain.catalog.models import CollectionKind, ReviewStatus
from domain.text import Text, slugify


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _name(value: str) -> str:
    value = nfc(value).strip()
    if not value:
        raise ValueError("must not be blank")
    return value


def _slug(value: str) -> str:
    value = nfc(value).strip()
    if not value or slugify(value) != value:
        raise ValueError("must be lowercase letters or digits joined by single hyphens")
    return value


Name = Annotated[Text, AfterValidator(_name)]
Slug = Annotated[Text, AfterValidator(_slug)]
Prose = Annotated[Text, AfterValidator(nfc)]


def _given_not_null(value: Any) -> Any:
    # Field validators run only on values the client sent (defaults are not validated), so this refuses an
    # explicit null, with the field's own path, and lets an omitted field stay "not given".
    if value is None:
        raise ValueError("cannot be null")
    return value


class CategoryInput(BaseModel):
    name: Name = Field(max_length=200)
    slug: Slug | None = Field(default=None, max_length=200)
    description: Prose = Field(default="", max_length=20_000)
    parent_id: uuid.UUID | None = None
    position: int | None = Field(default=None, ge=0, le=1_000_000)


class CategoryChanges(BaseModel):
    name: Name | None = Field(default=None, max_length=200)
    slug: Slug | None = Field(default=None, max_length=200)
    description: Prose | None = Field(default=None, max_length=20_000)

    _not_null = field_validator("name", "slug", "description")(_given_not_null)


class CategoryMove(BaseModel):
    """`parent_id` given as None moves to the root; not given keeps the parent. `position` None appends."""

    parent_id: uuid.UUID | None = None
    position: int | None = Field(default=None, ge=0, le=1_000_000)


class CollectionInput(BaseModel):
    name: Name = Field(max_length=200)
    slug: Slug | None = Field(default=None, max_length=200)
    description: Prose = Field(default="", max_length=20_000)
    kind: CollectionKind = CollectionKind.MANUAL
    rules: Any = None


class CollectionChanges(BaseModel):
    name: Name | None = Field(default=None, max_length=200)
    slug: Slug | None = Field(default=None, max_length=200)
    description: Prose | None = Field(default=None, max_length=20_000)
    rules: Any = None

    _not_null = field_validator("name", "slug", "description", "rules")(_given_not_null)


class ReviewInput(BaseModel):
    product_id: uuid.UUID
    rating: int
    title: Prose = Field(default="", max_length=200)
    body: Prose = Field(default="", max_length=5_000)
    author_name: Name = Field(max_length=200)


class ReviewModeration(BaseModel):
    status: ReviewStatus

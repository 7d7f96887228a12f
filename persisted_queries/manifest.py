"""The storefront's persisted documents (the *.graphql files beside this module) and their manifest.

The manifest is Apollo's format; `id` is the lowercase hex sha256 of the UTF-8 body, exactly as sent.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# Earlier bodies of documents that changed, still served so storefront builds that hold their ids keep
# working (a changed body is a new id). Same operation names as their successors.
RETIRED = HERE / "retired"
_OPERATION = re.compile(r"^\s*(query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)


@dataclass(frozen=True)
class StoredDocument:
    id: str
    name: str
    type: str
    body: str


def load_documents(folder: Path = HERE) -> list[StoredDocument]:
    docs = []
    for path in sorted(folder.glob("*.graphql")):
        body = path.read_text(encoding="utf-8").strip() + "\n"
        match = _OPERATION.search(body)
        if match is None:
            raise ValueError(f"{path.name}: a persisted document needs one named operation")
        docs.append(
            StoredDocument(
                id=hashlib.sha256(body.encode()).hexdigest(),
                name=match.group(2),
                type=match.group(1),
                body=body,
            )
        )
    return docs


def served_documents() -> list[StoredDocument]:
    """Every document the gateway answers by id: the current ones, then the retired ones."""
    return load_documents(HERE) + load_documents(RETIRED)


def manifest(folder: Path | None = None) -> dict[str, Any]:
    """The manifest of `folder`'s documents, or (by default) of every served document."""
    docs = served_documents() if folder is None else load_documents(folder)
    return {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": d.id, "name": d.name, "type": d.type, "body": d.body} for d in docs],
    }

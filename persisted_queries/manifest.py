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


def manifest(folder: Path = HERE) -> dict[str, Any]:
    return {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {"id": d.id, "name": d.name, "type": d.type, "body": d.body} for d in load_documents(folder)
        ],
    }

"""The floor: a bare Starlette route answering the bytes of a recorded gateway response from memory, served
by the same uvicorn as the gateway. Nothing the gateway does per request can be cheaper than this."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = Path(os.environ["BENCH_BARE_BODY"]).read_bytes()
MEDIA = "application/graphql-response+json; charset=utf-8"


async def graphql(request: Request) -> Response:
    await request.body()
    return Response(BODY, media_type=MEDIA)


app = Starlette(routes=[Route("/graphql", graphql, methods=["GET", "POST"]), Route("/readyz", graphql)])

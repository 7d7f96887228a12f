"""The one translator from domain failures (DomainError, pydantic ValidationError) to payload errors."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec, TypeVar

from pydantic import ValidationError

from domain.errors import CommonErrorCode, DomainError, DomainErrors

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class UserError:
    field: str | None
    code: str
    message: str


@dataclass
class Outcome(Generic[T]):
    """What a mutation resolver returns: the result, or the errors that explain why nothing changed."""

    result: T | None = None
    errors: list[UserError] = field(default_factory=list)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _from_validation(exc: ValidationError) -> list[UserError]:
    errors = []
    for err in exc.errors():
        loc = ".".join(camel(str(p)) if isinstance(p, str) else str(p) for p in err["loc"])
        code = CommonErrorCode.REQUIRED if err["type"] == "missing" else CommonErrorCode.INVALID
        errors.append(UserError(field=loc or None, code=code.value, message=err["msg"]))
    return errors


def translate(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[Outcome[T]]]:
    """Run a mutation resolver; expected failures become payload errors, anything else propagates."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> Outcome[T]:
        try:
            return Outcome(result=await fn(*args, **kwargs))
        except DomainError as exc:
            return Outcome(errors=[UserError(exc.field, exc.code, exc.message)])
        except DomainErrors as exc:
            return Outcome(errors=[UserError(e.field, e.code, e.message) for e in exc.errors])
        except ValidationError as exc:
            return Outcome(errors=_from_validation(exc))

    return wrapper


def summary_codes(outcome: Any) -> list[str]:
    return [e.code for e in getattr(outcome, "errors", [])]

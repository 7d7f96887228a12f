"""A store's provider accounts as an admin sets them: the keys each adapter reads, checked before they are
stored, so a wrong account fails here with a field error rather than at a shopper's checkout.

The keys come from the adapters' own config classes (`BkashConfig.of` and its siblings): a field without
a default is required, one with a default optional. COD has no account: it needs no credentials."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from domain.errors import DomainError, DomainErrors
from domain.payments import events
from domain.payments.adapters.bkash import BkashConfig
from domain.payments.adapters.card import CardConfig
from domain.payments.adapters.nagad import NagadConfig
from domain.payments.adapters.sslcommerz import SslCommerzConfig
from domain.payments.errors import PaymentErrorCode
from domain.payments.models import PaymentAccount, Provider
from domain.payments.services import configure_account
from domain.uow import UnitOfWork

CONFIGS: dict[Provider, Any] = {
    Provider.BKASH: BkashConfig,
    Provider.NAGAD: NagadConfig,
    Provider.SSLCOMMERZ: SslCommerzConfig,
    Provider.CARD: CardConfig,
}
# PEM keys (Nagad) are the longest values.
MAX_VALUE = 8000


def config_keys(provider: Provider) -> tuple[list[str], list[str]]:
    """(required, optional) keys of a provider's account."""
    fields = dataclasses.fields(CONFIGS[provider])
    required = [f.name for f in fields if f.default is dataclasses.MISSING]
    optional = [f.name for f in fields if f.default is not dataclasses.MISSING]
    return required, optional


def _check(provider: Provider, config: Mapping[str, str]) -> dict[str, str]:
    if provider not in CONFIGS:
        raise DomainError(PaymentErrorCode.INVALID, f"{provider.value} needs no account", field="provider")
    required, optional = config_keys(provider)
    errors: list[DomainError] = []
    for key in required:
        if not str(config.get(key, "")).strip():
            errors.append(
                DomainError(PaymentErrorCode.REQUIRED, f"{provider.value} needs {key}", field=f"config.{key}")
            )
    for key, value in config.items():
        if key not in required and key not in optional:
            errors.append(
                DomainError(PaymentErrorCode.INVALID, f"{provider.value} has no {key}", field=f"config.{key}")
            )
        elif len(value) > MAX_VALUE or "\x00" in value:
            errors.append(
                DomainError(
                    PaymentErrorCode.INVALID, f"at most {MAX_VALUE} characters, no NUL", field=f"config.{key}"
                )
            )
    base = urlsplit(str(config.get("base_url", "")).strip())
    if "base_url" in config and (
        base.scheme not in ("http", "https") or not base.hostname or base.username or base.fragment
    ):
        errors.append(
            DomainError(PaymentErrorCode.INVALID, "an http or https URL with a host", field="config.base_url")
        )
    if errors:
        raise DomainErrors(errors)
    clean = {k: v.strip() for k, v in config.items()}
    clean["base_url"] = clean["base_url"].rstrip("/")
    try:
        CONFIGS[provider].of(clean)
    except (KeyError, TypeError, ValueError) as exc:
        # The adapter's own reading refused a value (e.g. bKash's intent).
        raise DomainError(PaymentErrorCode.INVALID, f"not accepted: {exc}", field="config") from None
    return clean


async def set_payment_account(
    uow: UnitOfWork, provider: Provider, config: Mapping[str, str], *, enabled: bool
) -> PaymentAccount:
    """Create or replace the store's account with `provider` after checking every key; emits
    `payment_account.updated` (without the values). The caller commits."""
    clean = _check(provider, config)
    account = await configure_account(uow, provider, clean, enabled=enabled)
    uow.emit(
        events.PAYMENT_ACCOUNT_UPDATED,
        {"id": str(account.id), "provider": provider.value, "enabled": enabled, "keys": sorted(clean)},
    )
    return account


async def list_accounts(uow: UnitOfWork) -> list[PaymentAccount]:
    return list((await uow.session.scalars(select(PaymentAccount).order_by(PaymentAccount.provider))).all())

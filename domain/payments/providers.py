"""Which adapter serves a store's provider account. One per process: it holds the HTTP client and the
bKash token cache, so requests of every store share connections and tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from domain.errors import DomainError
from domain.payments.adapters.bkash import BkashConfig, BkashProvider, BkashTokens
from domain.payments.adapters.card import CardConfig, CardProvider
from domain.payments.adapters.cod import CodProvider
from domain.payments.adapters.nagad import NagadConfig, NagadProvider
from domain.payments.adapters.sslcommerz import SslCommerzConfig, SslCommerzProvider
from domain.payments.errors import PaymentErrorCode
from domain.payments.models import PaymentAccount, Provider
from domain.payments.ports import PaymentProvider


@dataclass
class Providers:
    client: httpx.AsyncClient
    bkash_tokens: BkashTokens = field(default_factory=BkashTokens)

    def get(self, provider: Provider, account: PaymentAccount | None) -> PaymentProvider:
        if provider is Provider.COD:
            return CodProvider()
        if account is None or not account.enabled:
            raise DomainError(
                PaymentErrorCode.PROVIDER_NOT_CONFIGURED,
                f"{provider.value} is not set up for this store",
                field="provider",
            )
        try:
            if provider is Provider.BKASH:
                return BkashProvider(BkashConfig.of(account.config), self.client, self.bkash_tokens)
            if provider is Provider.SSLCOMMERZ:
                return SslCommerzProvider(SslCommerzConfig.of(account.config), self.client)
            if provider is Provider.NAGAD:
                return NagadProvider(NagadConfig.of(account.config), self.client)
            if provider is Provider.CARD:
                return CardProvider(CardConfig.of(account.config), self.client)
        except (KeyError, TypeError) as exc:
            raise DomainError(
                PaymentErrorCode.PROVIDER_NOT_CONFIGURED,
                f"{provider.value} settings lack {exc}",
                field="provider",
            ) from None
        raise DomainError(
            PaymentErrorCode.PROVIDER_NOT_CONFIGURED, f"{provider.value} is not supported", field="provider"
        )

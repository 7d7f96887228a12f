"""Currency rates: set by hand, or imported from a feed. A rate says how many units of a currency one unit
of the store's default currency buys; prices with no explicit amount in a currency are converted with it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import InvalidOperation

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from domain.errors import DomainError, DomainErrors
from domain.money import quantize_rate
from domain.pricing import events
from domain.pricing.errors import PricingErrorCode
from domain.pricing.inputs import RateInput
from domain.pricing.models import CurrencyRate
from domain.pricing.support import check_currency, store
from domain.uow import UnitOfWork


async def set_rates(
    uow: UnitOfWork, rates: Sequence[RateInput], *, source: str = "manual"
) -> list[CurrencyRate]:
    shop = await store(uow)
    currencies = [r.currency for r in rates]
    if len(set(currencies)) != len(currencies):
        raise DomainError(PricingErrorCode.INVALID, "each currency may appear once", field="rates")
    for index, r in enumerate(rates):
        check_currency(shop, r.currency, field=f"rates.{index}.currency")
        if r.currency == shop.default_currency:
            raise DomainError(
                PricingErrorCode.DEFAULT_CURRENCY,
                f"{r.currency} is the store's own currency (rate 1)",
                field=f"rates.{index}.currency",
            )
    if rates:
        now = uow.clock()
        stmt = insert(CurrencyRate).values(
            [
                {
                    "store_id": uow.store_id,
                    "currency": r.currency,
                    "rate": quantize_rate(r.rate),
                    "source": source,
                    "updated_at": now,
                }
                for r in rates
            ]
        )
        await uow.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[CurrencyRate.store_id, CurrencyRate.currency],
                set_={
                    "rate": stmt.excluded.rate,
                    "source": stmt.excluded.source,
                    "updated_at": stmt.excluded.updated_at,
                },
            )
        )
        uow.emit(
            events.CURRENCY_RATES_SET,
            {"currencies": currencies, "source": source, "all_products": True},
        )
    return await current_rates(uow)


async def current_rates(uow: UnitOfWork) -> list[CurrencyRate]:
    rows = await uow.session.scalars(
        select(CurrencyRate).order_by(CurrencyRate.currency).execution_options(populate_existing=True)
    )
    return list(rows.all())


def parse_feed(feed: str, base: str) -> list[RateInput]:
    """A feed is one rate a line, `BASE QUOTE RATE` separated by spaces, commas or a slash between the
    codes ("BDT/USD 0.0084", "BDT,USD,0.0084"); blank lines and lines starting with # are skipped. Every
    bad line is reported (field `feed.<line number>`)."""
    found: list[RateInput] = []
    errors: list[DomainError] = []
    for number, raw in enumerate(feed.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.replace("/", " ").replace(",", " ").replace(";", " ").split()
        field = f"feed.{number}"
        if len(parts) != 3:
            errors.append(DomainError(PricingErrorCode.INVALID_FEED, "expected BASE QUOTE RATE", field=field))
            continue
        source, target, rate = parts[0].upper(), parts[1].upper(), parts[2]
        if source != base:
            errors.append(
                DomainError(PricingErrorCode.INVALID_FEED, f"rates must be quoted from {base}", field=field)
            )
            continue
        try:
            value = quantize_rate(rate)
            found.append(RateInput(currency=target, rate=value))
        except (ValueError, InvalidOperation, ArithmeticError):
            errors.append(
                DomainError(PricingErrorCode.INVALID_RATE, f"{rate!r} is not a positive rate", field=field)
            )
    if errors:
        raise DomainErrors(errors)
    if not found:
        raise DomainError(PricingErrorCode.INVALID_FEED, "the feed has no rates", field="feed")
    return found


async def import_rates(uow: UnitOfWork, feed: str) -> list[CurrencyRate]:
    """Parse the whole feed first: one bad line and nothing is written."""
    shop = await store(uow)
    rates = parse_feed(feed, shop.default_currency)
    return await set_rates(uow, rates, source="feed")


__all__ = ["current_rates", "import_rates", "parse_feed", "set_rates"]

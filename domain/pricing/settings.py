"""The store's pricing settings: prices entered with or without tax, the tax region, rounding steps."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert

from domain.pricing import events
from domain.pricing.inputs import PricingSettingsInput
from domain.pricing.models import PricingSettings
from domain.pricing.support import check_currency, store
from domain.uow import UnitOfWork


async def pricing_settings(uow: UnitOfWork) -> PricingSettings:
    """The row, or the defaults a store without one prices by (not added to the session)."""
    row = await uow.session.get(PricingSettings, uow.store_id, populate_existing=True)
    return row or PricingSettings(
        store_id=uow.store_id, prices_include_tax=True, tax_country="BD", tax_division=None, rounding_steps={}
    )


async def update_pricing_settings(uow: UnitOfWork, data: PricingSettingsInput) -> PricingSettings:
    shop = await store(uow)
    for currency in data.rounding_steps or {}:
        check_currency(shop, currency, field=f"roundingSteps.{currency}")
    current = await pricing_settings(uow)
    values = {
        "prices_include_tax": current.prices_include_tax,
        "tax_country": current.tax_country,
        "tax_division": current.tax_division,
        "rounding_steps": dict(current.rounding_steps or {}),
    }
    for name in data.model_fields_set:
        value = getattr(data, name)
        if name == "rounding_steps":
            values[name] = dict(value or {})
        elif value is not None or name == "tax_division":
            values[name] = value
    stmt = insert(PricingSettings).values(store_id=uow.store_id, **values)
    await uow.session.execute(
        stmt.on_conflict_do_update(index_elements=[PricingSettings.store_id], set_=values)
    )
    uow.emit(
        events.PRICING_SETTINGS_UPDATED, {"all_products": True, **{k: values[k] for k in sorted(values)}}
    )
    return await pricing_settings(uow)

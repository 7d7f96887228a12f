"""Promotion event types. Every change also bumps the store's rules version (domain/promotions/cache.py)
in the same transaction, so evaluating processes see it without waiting for the event."""

PROMOTION_CREATED = "promotion.created"
PROMOTION_UPDATED = "promotion.updated"
PROMOTION_DELETED = "promotion.deleted"
PROMOTION_ACTIVATED = "promotion.activated"
PROMOTION_DEACTIVATED = "promotion.deactivated"
DISCOUNT_CODE_CREATED = "discount_code.created"
DISCOUNT_CODES_GENERATED = "discount_codes.generated"

ALL = (
    PROMOTION_CREATED,
    PROMOTION_UPDATED,
    PROMOTION_DELETED,
    PROMOTION_ACTIVATED,
    PROMOTION_DEACTIVATED,
    DISCOUNT_CODE_CREATED,
    DISCOUNT_CODES_GENERATED,
)

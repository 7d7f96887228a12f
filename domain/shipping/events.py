"""Shipping event types."""

SHIPPING_ZONE_CREATED = "shipping_zone.created"
SHIPPING_ZONE_UPDATED = "shipping_zone.updated"
SHIPPING_ZONE_DELETED = "shipping_zone.deleted"
SHIPPING_METHOD_CREATED = "shipping_method.created"
SHIPPING_METHOD_UPDATED = "shipping_method.updated"
SHIPPING_METHOD_DELETED = "shipping_method.deleted"

"""Domain events of couriers, fulfillment and returns."""

COURIER_ACCOUNT_UPDATED = "courier_account.updated"
# A courier reported a status for a consignment (data: provider, consignment_id, status, raw_status,
# tracking_event_id, shipment_id — null when no shipment of the store has the consignment).
SHIPMENT_TRACKING_UPDATED = "shipment.tracking_updated"

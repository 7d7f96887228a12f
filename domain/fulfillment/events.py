"""Domain events of couriers, fulfillment and returns."""

COURIER_ACCOUNT_UPDATED = "courier_account.updated"
# A courier reported a status for a consignment (data: provider, consignment_id, status, raw_status,
# tracking_event_id, shipment_id — null when no shipment of the store has the consignment).
SHIPMENT_TRACKING_UPDATED = "shipment.tracking_updated"
SHIPMENT_CREATED = "shipment.created"
SHIPMENT_BOOKED = "shipment.booked"
SHIPMENT_DELIVERED = "shipment.delivered"
# Cancelled by staff (at the courier first, or recorded after a cancel in the courier's panel) or by the
# courier's own report; its units can be shipped again (data: the shipment, reason, source, lines).
SHIPMENT_CANCELLED = "shipment.cancelled"
# The cash a courier reported collecting differs from what the shipment was to collect (or could not be
# captured): recorded on the order's timeline and flagged to staff; nothing is captured.
SHIPMENT_COD_MISMATCH = "shipment.cod_mismatch"
RETURN_REQUESTED = "return.requested"
RETURN_APPROVED = "return.approved"
RETURN_REJECTED = "return.rejected"
RETURN_RECEIVED = "return.received"
RETURN_REFUNDED = "return.refunded"

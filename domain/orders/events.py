"""Order event types (the outbox); the order timeline (order_events rows) records the same changes."""

ORDER_CREATED = "order.created"
ORDER_CONFIRMED = "order.confirmed"
ORDER_PARTIALLY_FULFILLED = "order.partially_fulfilled"
ORDER_FULFILLED = "order.fulfilled"
ORDER_COMPLETED = "order.completed"
ORDER_CANCELLED = "order.cancelled"
ORDER_PAID = "order.paid"
ORDER_PAYMENT_UPDATED = "order.payment_updated"
ORDER_UPDATED = "order.updated"

ALL = (
    ORDER_CREATED,
    ORDER_CONFIRMED,
    ORDER_PARTIALLY_FULFILLED,
    ORDER_FULFILLED,
    ORDER_COMPLETED,
    ORDER_CANCELLED,
    ORDER_PAID,
    ORDER_PAYMENT_UPDATED,
    ORDER_UPDATED,
)

"""Domain events of payments and refunds."""

PAYMENT_STARTED = "payment.started"
PAYMENT_AUTHORIZED = "payment.authorized"
PAYMENT_CAPTURED = "payment.captured"
PAYMENT_FAILED = "payment.failed"
PAYMENT_CANCELLED = "payment.cancelled"
# Every unit refunded: the attempt moved to `refunded`.
PAYMENT_REFUNDED = "payment.refunded"
REFUND_CREATED = "refund.created"
REFUND_FAILED = "refund.failed"
# A store's provider account set or changed (the event names the provider and the keys, never the values).
PAYMENT_ACCOUNT_UPDATED = "payment_account.updated"

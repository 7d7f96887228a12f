"""Customer account event types. `customer.password_reset_requested` carries the one-time token: the
store's notification app (a partner granted that event) sends it by email or SMS, as Saleor's
ACCOUNT_SET_PASSWORD_REQUESTED does; nothing else ever sees the token."""

CUSTOMER_REGISTERED = "customer.registered"
CUSTOMER_PASSWORD_RESET_REQUESTED = "customer.password_reset_requested"
CUSTOMER_PASSWORD_CHANGED = "customer.password_changed"

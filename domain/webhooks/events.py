"""Domain events of the webhook area."""

SUBSCRIPTION_CREATED = "webhook_subscription.created"
SUBSCRIPTION_UPDATED = "webhook_subscription.updated"
SUBSCRIPTION_DELETED = "webhook_subscription.deleted"
SUBSCRIPTION_SECRET_ROTATED = "webhook_subscription.secret_rotated"
# An endpoint answered 410, or failed longer than the store allows: the store's staff are notified too.
SUBSCRIPTION_DISABLED = "webhook_subscription.disabled"

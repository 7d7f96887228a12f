"""Orders: placement from an OrderDraft, the state machines, the timeline, and the checkout that ties
idempotency, inventory and placement together."""

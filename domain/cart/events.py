"""Cart event types. Line and detail changes are not events (a cart changes on every click); what
partners act on is a cart going idle (`cart.abandoned`) and, from checkout, a cart converting."""

CART_ABANDONED = "cart.abandoned"
CART_MERGED = "cart.merged"

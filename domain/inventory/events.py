"""Inventory event types."""

# On-hand at all locations fell to or below the variant's low-stock threshold (emitted once per crossing).
LOW_STOCK = "inventory.low_stock"
# On-hand of a variant changed by an adjustment (received, damaged, correction, returned, ...).
STOCK_ADJUSTED = "inventory.adjusted"

ALL = (LOW_STOCK, STOCK_ADJUSTED)

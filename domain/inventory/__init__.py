"""Inventory: stock per variant per location, the adjustment ledger, reservations and availability."""

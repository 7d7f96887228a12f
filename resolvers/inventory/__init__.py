"""Inventory resolvers: stock adjustments and per-variant settings (admin)."""

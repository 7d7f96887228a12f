"""Catalog types, storefront queries and admin mutations."""

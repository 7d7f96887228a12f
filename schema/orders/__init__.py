"""Order types, admin queries and mutations, and the storefront checkout mutation."""

"""Order resolvers: admin reads and changes of orders, and the storefront checkout."""

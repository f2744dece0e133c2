"""Use cases: one module per area. Each call is one transaction and returns plain data."""

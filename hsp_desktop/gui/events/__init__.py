"""Events and workshops for families, and each family's engagement."""

"""The students area: list, student file, family."""

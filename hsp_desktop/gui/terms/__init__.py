"""Term dates and the school's termly contact rule."""

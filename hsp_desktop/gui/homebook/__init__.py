"""The home-school book: a class's day in one screen, and each student's book."""

"""The Letters area: previews and translation checks, letter runs, and the record of letters."""

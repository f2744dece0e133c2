"""Type sizes and spacing for the printed variants: standard, large print and easy read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sizes:
    body: float
    small: float  # labels, the English echo under a translated label
    heading: float
    subheading: float
    leading: float  # multiplies each face's own line height
    gap: float  # space after a paragraph, in points


STANDARD = Sizes(body=11, small=9, heading=15, subheading=12.5, leading=1.0, gap=6)
# Large print: nothing the family reads is smaller than 16 pt, and lines are further apart.
LARGE_PRINT = Sizes(body=16, small=16, heading=22, subheading=18, leading=1.2, gap=10)
# Easy read: short sentences with plenty of room around them.
EASY_READ = Sizes(body=14, small=11, heading=19, subheading=16, leading=1.25, gap=12)
EASY_READ_LARGE = Sizes(body=18, small=16, heading=24, subheading=20, leading=1.3, gap=14)

GREY = (0.35, 0.35, 0.35)
RULE = (0.55, 0.55, 0.55)
SHADE = (0.92, 0.92, 0.92)


def sizes_for(large_print: bool, easy_read: bool) -> Sizes:
    if easy_read:
        return EASY_READ_LARGE if large_print else EASY_READ
    return LARGE_PRINT if large_print else STANDARD

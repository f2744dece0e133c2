"""Bidirectional text: embedding levels for a paragraph and the visual order of a line.

Levels come from python-bidi's implementation of the Unicode Bidirectional Algorithm (rules
P to I2), computed once per paragraph with the paragraph direction set by the letter's
language, not guessed from the first letter: an Urdu paragraph that opens with a Latin name
is still right to left. Reordering (rule L2) is done per line on runs of equal level.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from bidi import algorithm as uba

# Explicit embeddings and isolates are not used by letters; the older UBA in python-bidi does
# not know isolates, so they are removed before levels are computed.
_EXPLICIT = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_STRONG_RTL = {"R", "AL", "AN"}
_REMOVED_BY_X9 = {"BN"}


def strip_explicit(text: str) -> str:
    return text.translate(_EXPLICIT)


def needs_bidi(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in _STRONG_RTL for ch in text)


def levels(text: str, rtl: bool) -> list[int]:
    """The resolved embedding level of every character of a paragraph (without L1/L2)."""
    base = 1 if rtl else 0
    if not text:
        return []
    if not rtl and not needs_bidi(text):
        return [0] * len(text)
    storage: Any = uba.get_empty_storage()
    storage["base_level"] = base
    storage["base_dir"] = "R" if rtl else "L"
    uba.get_embedding_levels(text, storage)
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    resolved = [ch["level"] for ch in storage["chars"]]
    # X9 dropped boundary-neutral characters (ZWJ, ZWNJ, soft hyphen): give each the level of
    # the character before it so it stays inside its word for shaping.
    out: list[int] = []
    it = iter(resolved)
    for ch in text:
        if unicodedata.bidirectional(ch) in _REMOVED_BY_X9:
            out.append(out[-1] if out else base)
        else:
            out.append(next(it))
    return out


def visual_order(run_levels: Sequence[int]) -> list[int]:
    """Indices of a line's runs (given in logical order) from left to right (rule L2)."""
    order = list(range(len(run_levels)))
    if not run_levels:
        return order
    highest = max(run_levels)
    odd = [lv for lv in run_levels if lv % 2]
    if not odd:
        return order
    lowest_odd = min(odd)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        n = len(order)
        while i < n:
            if run_levels[order[i]] >= level:
                j = i
                while j < n and run_levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order

"""Searching people by name as they are typed: case and accents ignored, any script kept.

Keys are folded once when rows are loaded; each keystroke folds only the few characters typed
and tests them against the keys in memory.
"""

from __future__ import annotations

import unicodedata

# Letters that carry no combining mark to strip but are still typed without their stroke.
_PLAIN_LETTERS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ħ": "h",
        "ı": "i",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ð": "d",
        "ŀ": "l",
    }
)


def fold(text: str) -> str:
    """'Łukasz Wójcik' -> 'lukasz wojcik'; Urdu, Bengali or Cyrillic stay as written."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Only the Latin-style accents (U+0300-U+036F): marks in Indic or Arabic script are letters
    # of the word, not decoration.
    stripped = "".join(ch for ch in decomposed if not "\u0300" <= ch <= "\u036f")
    return unicodedata.normalize("NFC", stripped.translate(_PLAIN_LETTERS))


def search_key(*parts: str) -> str:
    return fold(" ".join(p for p in parts if p))


def search_words(text: str) -> tuple[str, ...]:
    """The folded words of what was typed; a row matches when its key holds all of them."""
    return tuple(fold(text).split())


def matches(key: str, words: tuple[str, ...]) -> bool:
    return all(word in key for word in words)

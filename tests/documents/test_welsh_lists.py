"""Lists of names follow each language's own "and"."""

from __future__ import annotations

from hsp_desktop.documents.merge import _welsh_and


def test_welsh_and_before_vowels_and_consonants() -> None:
    assert _welsh_and("Amira a(c) Yusuf") == "Amira ac Yusuf"
    assert _welsh_and("Dafydd a(c) Seren") == "Dafydd a Seren"
    assert _welsh_and("Ffion, Rhys a(c) Ifan") == "Ffion, Rhys ac Ifan"
    assert _welsh_and("Tom and Ann") == "Tom and Ann"

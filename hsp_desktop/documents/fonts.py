"""The bundled fonts: which file sets which script, loaded once and registered with reportlab.

Only fonts in ``resources/fonts`` are used, so a letter prints the same on every PC. A script
is mapped to one face; characters a face lacks (a Latin name in Bengali text, an Arabic comma
after a Latin word) are set in the first face of :data:`FALLBACK_ORDER` that has them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont as ToolsFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from hsp_desktop import paths


@dataclass(frozen=True, slots=True)
class FontFace:
    key: str
    file_name: str
    line_height: float  # line box in em: tall scripts (Nastaliq) need more room than Latin
    bold_key: str | None = None  # a real bold face; others are emboldened with a thin stroke

    @property
    def path(self) -> Path:
        return paths.fonts_dir() / self.file_name


FACES: dict[str, FontFace] = {
    face.key: face
    for face in (
        FontFace("sans", "NotoSans-Regular.ttf", 1.45, "sans-bold"),
        FontFace("sans-bold", "NotoSans-Bold.ttf", 1.45, "sans-bold"),
        FontFace("naskh", "NotoNaskhArabic-Regular.ttf", 1.8),
        FontFace("nastaliq", "NotoNastaliqUrdu-Regular.ttf", 2.3),
        FontFace("bengali", "NotoSansBengali-Regular.ttf", 1.6),
        FontFace("gurmukhi", "NotoSansGurmukhi-Regular.ttf", 1.6),
        FontFace("gujarati", "NotoSansGujarati-Regular.ttf", 1.6),
        FontFace("tamil", "NotoSansTamil-Regular.ttf", 1.55),
        FontFace("ethiopic", "NotoSansEthiopic-Regular.ttf", 1.55),
        FontFace("devanagari", "NotoSansDevanagari-Regular.ttf", 1.6),
        FontFace("cjk", "HSPNotoSansSCSubset-Regular.ttf", 1.5),
    )
}

# ISO 15924 script -> face. "Aran" (Urdu's Nastaliq style) is chosen by the letter's language;
# the characters themselves are plain Arabic script.
SCRIPT_FACES: dict[str, str] = {
    "Latn": "sans",
    "Cyrl": "sans",
    "Grek": "sans",
    "Arab": "naskh",
    "Aran": "nastaliq",
    "Beng": "bengali",
    "Guru": "gurmukhi",
    "Gujr": "gujarati",
    "Taml": "tamil",
    "Ethi": "ethiopic",
    "Deva": "devanagari",
    "Hani": "cjk",
    "Hans": "cjk",
    "Hant": "cjk",
    "Hira": "cjk",
    "Kana": "cjk",
    "Bopo": "cjk",
}

FALLBACK_ORDER: tuple[str, ...] = (
    "sans",
    "naskh",
    "bengali",
    "devanagari",
    "gurmukhi",
    "gujarati",
    "tamil",
    "ethiopic",
    "cjk",
    "nastaliq",
)

# Printed in place of a character no bundled font has (NotoSans has it; the renderer records
# every substitution so a test or a check can refuse it).
REPLACEMENT = "\ufffd"


class LoadedFont:
    """A face registered with reportlab, with what layout needs to know about it."""

    def __init__(self, face: FontFace) -> None:
        self.face = face
        self.rl_name = f"HSP-{face.key}"
        self.ttf = TTFont(self.rl_name, str(face.path))
        pdfmetrics.registerFont(self.ttf)
        # Snapshot of the real cmap: reportlab later adds private-use entries for shaped glyphs.
        self.cmap: frozenset[int] = frozenset(self.ttf.face.charToGlyph)
        tools = ToolsFont(str(face.path), lazy=True)
        try:
            units = float(tools["head"].unitsPerEm)
            self.ascent = tools["hhea"].ascent / units
            self.descent = -tools["hhea"].descent / units
        finally:
            tools.close()
        self._hb: Any = None

    def has(self, char: str) -> bool:
        return ord(char) in self.cmap

    @property
    def hb_font(self) -> Any:
        """The HarfBuzz font reportlab keeps for this face (also arms its glyph mapping)."""
        if self._hb is None:
            self._hb = self.ttf.hbFont(1000)
        return self._hb

    @property
    def real_bold(self) -> bool:
        return self.face.bold_key == self.face.key


_lock = threading.Lock()
_loaded: dict[str, LoadedFont] = {}


def font(key: str) -> LoadedFont:
    """The loaded face for ``key``; loading and registering happen on first use."""
    found = _loaded.get(key)
    if found is not None:
        return found
    with _lock:
        found = _loaded.get(key)
        if found is None:
            found = _loaded[key] = LoadedFont(FACES[key])
    return found


def face_for_script(script: str, letter_script: str) -> str:
    """The face for text in ``script`` inside a letter whose language is in ``letter_script``."""
    if script == "Arab" and letter_script == "Aran":
        return "nastaliq"
    return SCRIPT_FACES.get(script, SCRIPT_FACES.get(letter_script, "sans"))


def bold_of(key: str) -> str:
    return FACES[key].bold_key or key


def covering_face(char: str, preferred: str) -> str | None:
    """``preferred`` if it has ``char``, else the first fallback face that has it."""
    if font(preferred).has(char):
        return preferred
    for key in FALLBACK_ORDER:
        if key != preferred and font(key).has(char):
            return key
    return None

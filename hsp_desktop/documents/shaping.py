"""HarfBuzz shaping of one word in one face, in the form reportlab's text operators draw.

reportlab draws a ``ShapedStr``: one character per glyph (a private-use character for glyphs
no code point maps to, such as Arabic joining forms) with HarfBuzz's advances and offsets.
Words are shaped with the script, direction and language set explicitly rather than guessed,
and cached: the same words recur in every letter of a batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import uharfbuzz as hb
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr

from hsp_desktop.documents.fonts import font

_FEATURES = {"kern": True, "liga": True}


@dataclass(frozen=True, slots=True)
class Shaped:
    glyphs: str  # a reportlab ShapedStr, in visual order
    advance: float  # in thousandths of an em

    def width(self, size: float) -> float:
        return self.advance * size / 1000.0


@lru_cache(maxsize=65536)
def shape(face_key: str, text: str, rtl: bool, script: str, language: str) -> Shaped:
    loaded = font(face_key)
    hb_font = loaded.hb_font
    ttf = loaded.ttf
    face = ttf.face
    buf = hb.Buffer()
    buf.add_str(text)
    buf.direction = "rtl" if rtl else "ltr"
    if script and script not in {"Zyyy", "Zinh", "Zzzz"}:
        buf.script = "Arab" if script == "Aran" else script
    if language:
        buf.language = language
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    hb.shape(hb_font, buf, _FEATURES)

    chars: list[str] = []
    data: list[ShapeData] = []
    total = 0.0
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        gid = info.codepoint
        mapped = face.glyphToChar.get(gid)
        if mapped:
            code = mapped[0]
        else:
            code = ttf.hbAddPrivate(hb_font.glyph_to_string(gid), gid, pos.x_advance)
        x_advance = ttf.pdfScale(pos.x_advance)
        total += x_advance
        chars.append(chr(code))
        data.append(
            ShapeData(
                info.cluster,
                x_advance,
                ttf.pdfScale(pos.y_advance),
                ttf.pdfScale(pos.x_offset),
                ttf.pdfScale(pos.y_offset),
                face.charWidths.get(code, face.defaultWidth),
            )
        )
    return Shaped(ShapedStr("".join(chars), shapeData=data), total)

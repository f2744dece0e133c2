"""Build the bundled Simplified Chinese font from Debian's Noto Sans CJK.

reportlab embeds only TrueType (glyf) outlines, and Noto Sans CJK ships as CFF inside a .ttc.
This script keeps the characters a letter home in Chinese needs (all of GB 2312, CJK symbols
and punctuation, half- and full-width forms, ASCII), converts the cubic CFF outlines to
quadratic TrueType ones and renames the family, as the SIL OFL asks of modified versions.

Run from the repository root:

    python resources/fonts/tools/make_cjk_subset.py \
        [--source /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc] \
        [--output resources/fonts/HSPNotoSansSCSubset-Regular.ttf]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "HSPNotoSansSCSubset-Regular.ttf"
FAMILY = "HSP Noto Sans SC Subset"
POSTSCRIPT = "HSPNotoSansSCSubset-Regular"
SC_FACE = "Noto Sans CJK SC"
# Half a font unit on a 1000-unit em: invisible at any print size.
MAX_CURVE_ERROR = 0.5


def gb2312_characters() -> set[int]:
    """Every character GB 2312 can encode: symbols, kana, Cyrillic, Greek and 6,763 hanzi."""
    found: set[int] = set()
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                text = bytes((lead, trail)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            found.update(ord(ch) for ch in text)
    return found


def wanted_characters() -> set[int]:
    chars = gb2312_characters()
    chars.update(range(0x20, 0x7F))  # ASCII, so digits and Latin in a Chinese line match
    chars.update(range(0x3000, 0x3040))  # CJK symbols and punctuation
    chars.update(range(0xFF00, 0xFFF0))  # half-width and full-width forms
    chars.update((0x00A0, 0x00B7, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x203B))
    return chars


def open_sc_face(source: Path) -> TTFont:
    collection = TTCollection(str(source))
    for font in collection.fonts:
        if font["name"].getDebugName(4) == SC_FACE:
            return font
    raise SystemExit(f"{source} has no face called {SC_FACE!r}")


def subset_font(font: TTFont, unicodes: set[int]) -> None:
    options = subset.Options()
    options.hinting = False  # CFF hints do not carry over to TrueType
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 14]
    options.name_languages = [0x409]
    options.notdef_outline = True
    options.glyph_names = False
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)


def cff_to_glyf(font: TTFont) -> None:
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_CURVE_ERROR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]

    hmtx = font["hmtx"]
    for name in order:
        glyph = glyf.glyphs[name]
        glyph.recalcBounds(glyf)
        advance, _ = hmtx[name]
        hmtx[name] = (advance, getattr(glyph, "xMin", 0) if glyph.numberOfContours else 0)

    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1

    post = font["post"]
    post.formatType = 3.0  # no glyph names: nothing reads them and they cost space
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont) -> None:
    """The OFL wants a modified font to carry a name of its own."""
    name = font["name"]
    version = name.getDebugName(5) or ""
    notice = name.getDebugName(0) or ""
    for record in list(name.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            name.removeNames(nameID=record.nameID)
    name.setName(FAMILY, 1, 3, 1, 0x409)
    name.setName("Regular", 2, 3, 1, 0x409)
    name.setName(f"{POSTSCRIPT};{version.split(';')[0]}", 3, 3, 1, 0x409)
    name.setName(f"{FAMILY} Regular", 4, 3, 1, 0x409)
    name.setName(POSTSCRIPT, 6, 3, 1, 0x409)
    name.setName(
        f"{notice} Subset of Noto Sans CJK SC with TrueType outlines, made for hsp-desktop.",
        0,
        3,
        1,
        0x409,
    )


def build(source: Path, output: Path) -> int:
    font = open_sc_face(source)
    subset_font(font, wanted_characters())
    cff_to_glyf(font)
    rename(font)
    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(output))
    return len(font.getBestCmap())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    count = build(args.source, args.output)
    size = args.output.stat().st_size / 1_000_000
    print(f"wrote {args.output} ({count} characters, {size:.1f} MB)")


if __name__ == "__main__":
    main()

"""Helpers for the document tests: real PDFs are rendered and read back, nothing is mocked."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from hsp_desktop import paths
from tests.tools import need


@cache
def cmap_of(font_file: str) -> frozenset[int]:
    font = TTFont(str(paths.fonts_dir() / font_file), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    need("pdftotext")
    source = tmp_path / "letter.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], capture_output=True, check=True, text=True
    )
    return result.stdout


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    need("pdfinfo")
    source = tmp_path / "pages.pdf"
    source.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(source)], capture_output=True, check=True, text=True)
    for line in info.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo gave no page count")

"""The printed week of a home-school book: headings from the catalog folder each print names."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from hsp_desktop.documents.homebook_page import CONTEXT, DayData, WeekData, week_pages_pdf
from tests.documents.conftest import pdf_text

MONDAY = dt.date(2025, 11, 17)


def polish_catalog(folder: Path, achievements: str) -> Path:
    catalog = Catalog(locale="pl")
    catalog.add("Achievements", achievements, context=CONTEXT)
    folder.mkdir()
    with (folder / "pl.po").open("wb") as handle:
        write_po(handle, catalog)
    return folder


def weeks(count: int) -> list[WeekData]:
    day = DayData(MONDAY, 4, "Muzyka", "Sam założył buty", "", (), "")
    return [
        WeekData("Oak Tree School", f"Zofia {n}", "Owl", "POL", MONDAY, [day]) for n in range(count)
    ]


def test_each_print_takes_its_headings_from_its_own_catalog_folder(tmp_path: Path) -> None:
    first = polish_catalog(tmp_path / "first", "Osiągnięcia ALFA")
    second = polish_catalog(tmp_path / "second", "Osiągnięcia BETA")
    # Several prints at once (two office PCs' worth of threads), each with its own folder.
    jobs = [(first if n % 2 == 0 else second) for n in range(6)]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        pdfs = list(pool.map(lambda folder: week_pages_pdf(weeks(12), folder), jobs))
    for n, (folder, pdf) in enumerate(zip(jobs, pdfs, strict=True)):
        (tmp_path / f"out{n}").mkdir()
        text = pdf_text(pdf, tmp_path / f"out{n}")
        mine, theirs = ("ALFA", "BETA") if folder == first else ("BETA", "ALFA")
        assert text.count(mine) == 12 and theirs not in text

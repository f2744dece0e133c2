"""Right-to-left letters: every line's runs are printed in the order the bidi algorithm gives."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from bidi import get_display

from hsp_desktop import paths
from hsp_desktop.documents import (
    PlacedLine,
    Trace,
    Variant,
    load_template_text,
    load_templates,
    preview_context,
    render_letter,
    sample_context,
)
from hsp_desktop.i18n import catalogs

_MARKS = str.maketrans("", "", "\u200e\u200f")


def _printed(line: PlacedLine) -> str:
    parts = []
    for run in line.runs:
        if run.rtl:
            # Characters only: HarfBuzz draws the mirrored bracket glyph, as the reference's
            # reordering leaves mirroring to the renderer too.
            parts.append(run.text[::-1])
        else:
            parts.append(run.text)
    return "".join(parts).translate(_MARKS)


def _assert_bidi_order(trace: Trace) -> int:
    checked = 0
    for line in trace.lines:
        if not line.rtl:
            continue
        expected = get_display(line.text, base_dir="R").translate(_MARKS)
        assert _printed(line) == expected, line.text
        xs = [run.x for run in line.runs]
        assert xs == sorted(xs)
        checked += 1
    return checked


def test_urdu_letter_with_latin_name_and_date() -> None:
    template = load_templates()["trip_permission"]
    trace = Trace()
    render_letter(template, preview_context(template), "URD", Variant(), "AB12-CD34", trace=trace)
    mixed = [
        line
        for line in trace.lines
        if line.rtl and "Amira" in line.text and any(ch.isdigit() for ch in line.text)
    ]
    assert mixed, "expected a line with the Latin name and a date"
    assert _assert_bidi_order(trace) > 10


SOURCE = (
    "Dear {{ recipient.salutation }}, the meeting about {{ student.full_name }} is on "
    "{{ extra.day|date('full') }} at {{ extra.time|time }} (room 12/B)."
)
ARABIC = (
    "عزيزي {{ recipient.salutation }}، سيكون الاجتماع بخصوص {{ student.full_name }} يوم "
    "{{ extra.day|date('full') }} الساعة {{ extra.time|time }} (الغرفة 12/B). نرجو أن تحضروا "
    "في الموعد، وشكراً لكم على تعاونكم الدائم معنا ومع المدرسة."
)
ARABIC_TEMPLATE = (
    f'[template]\ntitle = "Arabic test"\n\n[[body]]\ntype = "paragraph"\ntext = "{SOURCE}"\n'
)


def _write_arabic_catalog(folder: Path) -> None:
    catalog = Catalog(locale="ar")
    catalog.add(SOURCE, ARABIC, context="arabic_test")
    with (folder / "ar.po").open("wb") as handle:
        write_po(handle, catalog)


def test_arabic_letter_with_latin_name_and_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_arabic_catalog(tmp_path)
    monkeypatch.setattr(paths, "letter_catalogs_dir", lambda: tmp_path)
    catalogs.reload()
    try:
        template = load_template_text(ARABIC_TEMPLATE, "arabic_test")
        context = replace(
            sample_context(), extra={"day": dt.date(2025, 3, 12), "time": dt.time(10, 30)}
        )
        trace = Trace()
        render_letter(template, context, "ARA", Variant(), trace=trace)
    finally:
        catalogs.reload()
    body = [line for line in trace.lines if line.rtl and "الاجتماع" in line.text]
    assert body and any(run.face == "naskh" for run in body[0].runs)
    assert any(run.face == "sans" and "Amira" in run.text for run in body[0].runs)
    assert any("2025" in line.text for line in body)
    assert _assert_bidi_order(trace) >= 2

"""Translation catalogs: placeholders kept, .pot up to date, status reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from hsp_desktop import paths
from hsp_desktop.documents import load_templates, template_status
from hsp_desktop.documents.extract import check
from hsp_desktop.i18n.catalogs import placeholders, placeholders_match, translation_status

PO_FILES = sorted(paths.letter_catalogs_dir().glob("*.po"))


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: p.name)
def test_every_translation_keeps_the_placeholders(po: Path) -> None:
    with po.open("rb") as handle:
        catalog = read_po(handle)
    translated = 0
    for message in catalog:
        if not message.id or not message.string:
            continue
        translated += 1
        assert placeholders(str(message.string)) == placeholders(str(message.id)), (
            f"[{message.context}] {message.id!r}"
        )
    assert translated > 0


def test_pot_matches_the_templates_and_placeholders_agree() -> None:
    assert check(paths.letter_catalogs_dir(), load_templates().values()) == []


def test_placeholder_comparison_ignores_spacing_but_not_names() -> None:
    assert placeholders_match("Hi {{ student.name }}", "Cześć {{student.name}}")
    assert not placeholders_match("Hi {{ student.name }}", "Cześć {{ student.first_name }}")
    assert not placeholders_match("<b>Hi</b>", "Cześć")
    assert not placeholders_match("{{ a }} {{ a }}", "{{ a }}")


def test_status_of_shipped_drafts_and_missing_languages() -> None:
    template = load_templates()["trip_permission"]
    assert template_status(template, "POL") == "draft"
    assert template_status(template, "ur") == "draft"
    assert template_status(template, "BNGS") == "draft"  # Sylheti readers get Bengali
    assert template_status(template, "ENG") == "complete"
    assert template_status(template, "YOR") == "missing"  # no Yoruba catalog yet
    assert translation_status("trip_permission", "POL") == "draft"


def test_complete_and_missing_catalogs(tmp_path: Path) -> None:
    (tmp_path / "letters.pot").write_text(
        'msgid ""\nmsgstr ""\n\nmsgctxt "t"\nmsgid "Hello"\nmsgstr ""\n\n'
        'msgctxt "t"\nmsgid "Bye"\nmsgstr ""\n',
        encoding="utf-8",
    )
    (tmp_path / "pl.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: pl\\n"\n\nmsgctxt "t"\nmsgid "Hello"\nmsgstr "Cześć"\n\n'
        'msgctxt "t"\nmsgid "Bye"\nmsgstr "Pa"\n',
        encoding="utf-8",
    )
    (tmp_path / "ur.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: ur\\n"\n\nmsgctxt "t"\nmsgid "Hello"\nmsgstr "سلام"\n',
        encoding="utf-8",
    )
    assert translation_status("t", "POL", folder=tmp_path) == "complete"
    assert translation_status("t", "URD", folder=tmp_path) == "draft"
    assert translation_status("other", "URD", ["Hi"], folder=tmp_path) == "missing"

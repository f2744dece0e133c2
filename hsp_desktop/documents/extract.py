"""Extract letter text for translators, and keep the catalogs in step with the templates.

    python -m hsp_desktop.documents.extract            # write translations/letters/letters.pot
    python -m hsp_desktop.documents.extract --update   # ... and merge it into every <tag>.po
    python -m hsp_desktop.documents.extract --init uk  # start a new catalog (here: Ukrainian)
    python -m hsp_desktop.documents.extract --check    # exit 1 if the .pot is stale or a
                                                       # translation's placeholders differ

``msgctxt`` is the template id (``common`` for the renderer's own words), so the same English
sentence may be translated differently in two letters.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from hsp_desktop import paths
from hsp_desktop.documents import homebook_page
from hsp_desktop.documents.templates import LetterTemplate, load_templates
from hsp_desktop.documents.voice import COMMON_TEXTS
from hsp_desktop.i18n import languages
from hsp_desktop.i18n.catalogs import COMMON, POT_NAME, placeholders_match

PROJECT = "hsp-desktop letters"
HEADER = """# Letter and form text for hsp-desktop.
# Keep every {{ placeholder }}, <b>, </b> and <br/> exactly as in the English.
# Entries marked fuzzy are drafts until a fluent speaker has checked them."""


def build_template_catalog(templates: Iterable[LetterTemplate]) -> Catalog:
    catalog = Catalog(project=PROJECT, header_comment=HEADER, fuzzy=False)
    for template in sorted(templates, key=lambda t: t.id):
        where = f"resources/letters/{template.id}.toml"
        for text in template.texts():
            catalog.add(
                text, context=template.id, locations=[(where, 0)], auto_comments=[template.title]
            )
    for text in COMMON_TEXTS:
        catalog.add(text, context=COMMON, auto_comments=["Printed by the letter renderer"])
    for text in (*homebook_page.HEADINGS, *homebook_page.MOOD_WORDS.values()):
        catalog.add(
            text,
            context=homebook_page.CONTEXT,
            auto_comments=["Weekly home-school book page: heading or mood word"],
        )
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    """Write the catalog, unless only its creation date would change (no churn in git)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=False, include_lineno=False)
    new = buffer.getvalue()
    if path.exists() and _undated(path.read_bytes()) == _undated(new):
        return
    path.write_bytes(new)


def _undated(data: bytes) -> bytes:
    return re.sub(rb'"(POT-Creation-Date|PO-Revision-Date): [^"]*\\n"', b"", data)


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _keys(catalog: Catalog) -> set[tuple[str, str]]:
    return {(str(m.context or ""), str(m.id)) for m in catalog if m.id}


def check(folder: Path, templates: Iterable[LetterTemplate]) -> list[str]:
    """Problems a translator or a developer must fix; empty when all is well."""
    problems: list[str] = []
    wanted = build_template_catalog(templates)
    pot = folder / POT_NAME
    if not pot.is_file() or _keys(_read(pot)) != _keys(wanted):
        problems.append(f"{pot} is out of date: run python -m hsp_desktop.documents.extract")
    for po in sorted(folder.glob("*.po")):
        for message in _read(po):
            if (
                message.id
                and message.string
                and not placeholders_match(str(message.id), str(message.string))
            ):
                problems.append(
                    f"{po.name}: placeholders differ in [{message.context}] "
                    f"{str(message.id)[:50]!r}"
                )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Letter text for translators")
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--update", action="store_true", help="merge the .pot into every .po")
    parser.add_argument("--init", metavar="TAG", help="start <TAG>.po for a new language")
    parser.add_argument("--check", action="store_true", help="report problems, change nothing")
    args = parser.parse_args(argv)
    folder: Path = args.folder or paths.letter_catalogs_dir()
    templates = load_templates().values()

    if args.check:
        problems = check(folder, templates)
        for problem in problems:
            print(problem)
        return 1 if problems else 0

    folder.mkdir(parents=True, exist_ok=True)
    template_catalog = build_template_catalog(templates)
    _write(template_catalog, folder / POT_NAME)
    print(f"wrote {folder / POT_NAME} ({len(template_catalog)} strings)")
    if args.init:
        language = languages.get(args.init)
        target = folder / f"{args.init}.po"
        if target.exists():
            print(f"{target} exists already; use --update")
            return 1
        fresh = _read(folder / POT_NAME, locale=str(language.babel_locale or language.bcp47))
        fresh.language_team = f"{language.english_name} <translators>"
        _write(fresh, target)
        print(f"wrote {target} for {language.english_name} ({language.code})")
    if args.update:
        for po in sorted(folder.glob("*.po")):
            catalog = _read(po)
            # No fuzzy matching: it pairs new strings with unrelated old ones ("Mood" took
            # the translation of "Monday"); a new or changed string starts empty instead.
            catalog.update(template_catalog, no_fuzzy_matching=True)
            _write(catalog, po)
            print(f"updated {po}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

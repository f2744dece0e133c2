"""Helpers for the letter tests: real PDFs read back with poppler, families built with the
real services, pictures of pages kept for the docs when asked."""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from hsp_desktop.services.actor import SYSTEM, Actor
from hsp_desktop.services.container import Services
from hsp_desktop.services.families import CarerInput, HouseholdInput, LinkInput

DOCS_ENV = "HSP_DOCS_DIR"  # set to the repository's docs folder to refresh its pictures


def untranslated_language() -> tuple[str, str]:
    """A written language with no letter catalog (translators add catalogs all the time)."""
    from hsp_desktop.i18n import catalogs, languages

    found = {*catalogs.catalogs(), languages.ENGLISH.code}
    for lang in languages.all_languages():
        if lang.category == "language" and lang.is_written and lang.code not in found:
            return lang.code, lang.english_name
    pytest.skip("every language has a catalog")


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "letter.pdf") -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / name
    source.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(source), "-"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    source = tmp_path / "pages.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(["pdfinfo", str(source)], capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def script_letters(text: str, script: str) -> int:
    """How many letters of a script ("ARABIC", "BENGALI", "LATIN") the text holds."""
    return sum(1 for ch in text if unicodedata.name(ch, "").startswith(script + " "))


def page_picture(pdf: bytes, tmp_path: Path, name: str, page: int = 1) -> Path:
    """The page as a PNG at 80 dpi; copied into the docs folder when HSP_DOCS_DIR is set."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    source = tmp_path / f"{name}.pdf"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(pdf)
    stem = tmp_path / name
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", "-r", "80", *pages, "-png", "-singlefile", str(source), str(stem)], check=True
    )
    picture = stem.with_suffix(".png")
    keep_for_docs(picture, name + ".png")
    return picture


def keep_for_docs(picture: Path, name: str) -> None:
    docs = os.environ.get(DOCS_ENV)
    if docs:
        target = Path(docs) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(picture, target)


def add_family_apart(
    services: Services,
    student_id: int,
    *,
    mother_language: str = "URD",
    father_language: str = "ENG",
    father_email: str = "",
    actor: Actor = SYSTEM,
) -> tuple[int, int]:
    """Replace the student's carers with parents who live apart: the mother at one address
    reading ``mother_language``, the father at another (emailed if ``father_email``)."""
    families = services.families
    for member in families.family(actor, student_id):
        families.unlink_carer(actor, member.link.id, member.link.version)
    mother = families.add_carer(
        actor,
        student_id,
        CarerInput(
            title="Mrs",
            first_name="Nasreen",
            last_name="Akhtar",
            written_language=mother_language,
            spoken_language=mother_language,
            preferred_contact="letter",
        ),
        LinkInput(relationship_to_student="mother", contact_order=1),
        new_household=HouseholdInput(
            address_line1="12 Linden Road", town="Sevenoaks", postcode="TN13 1AA"
        ),
    )
    father = families.add_carer(
        actor,
        student_id,
        CarerInput(
            title="Mr",
            first_name="Tariq",
            last_name="Akhtar",
            written_language=father_language,
            spoken_language=father_language,
            email=father_email,
            preferred_contact="email" if father_email else "letter",
        ),
        LinkInput(relationship_to_student="father", lives_with_student=False, contact_order=2),
        new_household=HouseholdInput(
            address_line1="3 Mill Street", town="Tonbridge", postcode="TN9 1BB"
        ),
    )
    return mother.carer.id, father.carer.id

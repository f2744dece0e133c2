"""hsp-desktop render, run as a script runs it: a real process, a real database, the PDF read
back with pdftotext."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.services.letters_world import pdf_text, script_letters
from tests.test_cli import run


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    home = tmp_path_factory.mktemp("render-home")
    database = tmp_path_factory.mktemp("render-db") / "school.sqlite3"
    made = run("demo", "create", "--size", "12", "--database", str(database), home=home)
    assert made.returncode == 0, made.stderr
    with sqlite3.connect(database) as conn:
        (upn,) = conn.execute("SELECT upn FROM student ORDER BY id LIMIT 1").fetchone()
    return home, database, upn


def test_render_a_draft_urdu_letter_by_tag_and_by_code(
    school: tuple[Path, Path, str], tmp_path: Path
) -> None:
    home, database, upn = school
    for code in ("ur", "URD"):
        out = tmp_path / f"review-{code}.pdf"
        done = run(
            "render",
            "annual_review_invitation",
            "--lang",
            code,
            "--student",
            upn.lower(),
            "-o",
            str(out),
            "--database",
            str(database),
            home=home,
        )
        assert done.returncode == 0, done.stderr
        assert "Urdu with English" in done.stdout
        assert "Draft translation" in done.stdout
        text = pdf_text(out.read_bytes(), tmp_path)
        assert script_letters(text, "ARABIC") > 20
        assert "Every year we meet" in text


def test_values_for_the_templates_own_fields(
    school: tuple[Path, Path, str], tmp_path: Path
) -> None:
    home, database, upn = school
    out = tmp_path / "trip.pdf"
    args = ["render", "trip_permission", "--lang", "ENG", "--student", upn, "-o", str(out)]
    done = run(
        *args,
        "--set",
        "trip_place=Dover Castle",
        "--set",
        "trip_date=14/07/2026",
        "--database",
        str(database),
        home=home,
    )
    assert done.returncode == 0, done.stderr
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "Dover Castle" in text and "14 July 2026" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"template": "no_such_letter"}, "There is no letter template 'no_such_letter'"),
        ({"lang": "xx"}, "'xx' is not a language code we know"),
        ({"student": "Z999999999999"}, "No student has the UPN 'Z999999999999'"),
        ({"set": "trip_date=31/02/2026"}, "Date of the trip"),
        ({"set": "colour=blue"}, "colour: is not a field of"),
    ],
)
def test_clear_errors_and_no_file(
    school: tuple[Path, Path, str], tmp_path: Path, change: dict[str, str], message: str
) -> None:
    home, database, upn = school
    values = {"template": "trip_permission", "lang": "POL", "student": upn, **change}
    out = tmp_path / "letter.pdf"
    args = [values["template"], "--lang", values["lang"], "--student", values["student"]]
    if "set" in values:
        args += ["--set", values["set"]]
    done = run("render", *args, "-o", str(out), "--database", str(database), home=home)
    assert done.returncode == 1
    assert message in done.stderr
    assert not out.exists()

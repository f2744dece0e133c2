"""The letter service: translation status and checks, previews for real students, extras."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from hsp_desktop import errors, paths
from hsp_desktop.i18n import catalogs
from hsp_desktop.services.actor import SYSTEM, Actor
from hsp_desktop.services.container import Services
from hsp_desktop.services.demo import DEMO_PASSWORD
from hsp_desktop.services.letter_data import clean_extras, salutation, school_block
from hsp_desktop.services.letters import PreviewRequest, find_template
from tests.services.letters_world import (
    add_family_apart,
    pdf_text,
    script_letters,
    untranslated_language,
)

REVIEW = "annual_review_invitation"


def login(services: Services, username: str) -> Actor:
    return services.accounts.login(username, DEMO_PASSWORD)


def first_student(services: Services) -> int:
    return services.letters.student_choices(SYSTEM)[0].id


def test_a_draft_prints_with_english_until_a_check_is_recorded(
    demo_services: Services, tmp_path: Path
) -> None:
    office = login(demo_services, "office")
    letters = demo_services.letters
    student = first_student(demo_services)
    state = letters.translation(office, REVIEW, "ur")
    assert state.status == "draft" and state.bilingual and state.can_be_checked
    draft = letters.preview(office, PreviewRequest(REVIEW, "URD", student))
    assert draft.variant.bilingual
    assert "Every year we meet" in pdf_text(draft.pdf, tmp_path)

    checked = letters.mark_checked(office, REVIEW, "URD", "Checked by Mr Rahman")
    assert checked.status == "checked" and not checked.bilingual
    assert checked.checked_by == office.display_name and checked.note == "Checked by Mr Rahman"
    alone = letters.preview(office, PreviewRequest(REVIEW, "ur", student))
    assert not alone.variant.bilingual
    text = pdf_text(alone.pdf, tmp_path)
    assert "Every year we meet" not in text and script_letters(text, "ARABIC") > 20
    # Other languages and other templates are untouched.
    assert letters.translation(office, REVIEW, "BNG").status == "draft"
    assert letters.translation(office, "trip_permission", "URD").status == "draft"
    # A dialect reads the checked catalog of its written language.
    assert letters.translation(office, "trip_permission", "PNJM").language == "URD"
    assert letters.translation(office, REVIEW, "PNJM").status == "checked"

    entries = demo_services.audit.recent(SYSTEM, entity="translation_review")
    assert entries and "Urdu translation checked" in entries[0].summary
    with pytest.raises(errors.ValidationError, match="already checked"):
        letters.mark_checked(office, REVIEW, "URD")


def test_only_authorised_roles_record_checks(demo_services: Services) -> None:
    teacher = login(demo_services, "teacher")
    with pytest.raises(errors.PermissionDenied):
        demo_services.letters.mark_checked(teacher, REVIEW, "URD")
    assert demo_services.letters.translation(teacher, REVIEW, "URD").status == "draft"


def test_english_and_untranslated_languages_cannot_be_checked(demo_services: Services) -> None:
    letters = demo_services.letters
    code, name = untranslated_language()
    missing = letters.translation(SYSTEM, REVIEW, code)
    assert missing.status == "missing" and missing.printed_in == "ENG" and not missing.bilingual
    assert f"Not translated into {name}" in missing.summary
    with pytest.raises(errors.ValidationError, match=f"not translated into {name}"):
        letters.mark_checked(SYSTEM, REVIEW, code)
    with pytest.raises(errors.ValidationError, match="English letters need no"):
        letters.mark_checked(SYSTEM, REVIEW, "ENG")
    with pytest.raises(errors.ValidationError, match="not a language code"):
        letters.translation(SYSTEM, REVIEW, "klingon")
    with pytest.raises(errors.NotFoundError, match="no letter template 'nope'"):
        letters.translation(SYSTEM, "nope", "URD")


@pytest.fixture
def own_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the letter catalogs a test may change, as a translator would."""
    folder = tmp_path / "catalogs"
    shutil.copytree(paths.letter_catalogs_dir(), folder)
    monkeypatch.setattr(paths, "letter_catalogs_dir", lambda: folder)
    catalogs.reload()
    yield folder
    catalogs.reload()


def test_a_check_lapses_when_the_translation_changes(
    demo_services: Services, own_catalogs: Path
) -> None:
    letters = demo_services.letters
    letters.mark_checked(SYSTEM, REVIEW, "URD")
    assert letters.translation(SYSTEM, REVIEW, "URD").status == "checked"
    po = own_catalogs / "ur.po"
    text = po.read_text(encoding="utf-8")
    marker = (
        'msgctxt "annual_review_invitation"\nmsgid "Dear {{ recipient.salutation }},"\nmsgstr "'
    )
    assert marker in text
    po.write_text(text.replace(marker, marker + "محترمہ "), encoding="utf-8")
    letters.reload_translations()
    state = letters.translation(SYSTEM, REVIEW, "URD")
    assert state.status == "draft" and state.changed_since_check
    assert "The wording changed after" in state.summary
    letters.mark_checked(SYSTEM, REVIEW, "URD")  # checked again, as it now reads
    assert letters.translation(SYSTEM, REVIEW, "URD").status == "checked"


def test_fuzzy_flags_alone_do_not_undo_a_check(demo_services: Services, own_catalogs: Path) -> None:
    letters = demo_services.letters
    letters.mark_checked(SYSTEM, REVIEW, "BNG")
    po = own_catalogs / "bn.po"
    po.write_text(po.read_text(encoding="utf-8").replace("#, fuzzy\n", ""), encoding="utf-8")
    letters.reload_translations()
    state = letters.translation(SYSTEM, REVIEW, "BNG")
    assert state.status == "checked" and state.marked_reviewed == state.strings


def test_a_check_needs_every_sentence_translated(
    demo_services: Services, own_catalogs: Path
) -> None:
    po = own_catalogs / "pl.po"
    marker = (
        'msgctxt "annual_review_invitation"\nmsgid "Dear {{ recipient.salutation }},"\nmsgstr "'
    )
    text = po.read_text(encoding="utf-8")
    start = text.index(marker) + len(marker)
    end = text.index('"\n', start)
    po.write_text(text[:start] + text[end:], encoding="utf-8")
    demo_services.letters.reload_translations()
    state = demo_services.letters.translation(SYSTEM, REVIEW, "POL")
    assert state.status == "draft" and state.untranslated == 1 and not state.can_be_checked
    with pytest.raises(errors.ValidationError, match=r"1 of \d+ sentences are not translated"):
        demo_services.letters.mark_checked(SYSTEM, REVIEW, "POL")


def test_preview_is_addressed_to_the_family_from_the_school(
    demo_services: Services, tmp_path: Path
) -> None:
    student = first_student(demo_services)
    add_family_apart(demo_services, student, mother_language="POL", father_language="ENG")
    preview = demo_services.letters.preview(
        SYSTEM, PreviewRequest("trip_permission", "POL", student, extra={"trip_place": "Hever"})
    )
    text = pdf_text(preview.pdf, tmp_path)
    assert "Mrs Nasreen Akhtar" in text and "12 Linden Road" in text and "TN13 1AA" in text
    assert "Special School" in text and "Hever" in text
    assert preview.addressed_to == "Mrs Akhtar"
    assert any("2 households get a copy" in note for note in preview.notes)
    assert demo_services.letters.family_language(SYSTEM, student) == "POL"


def test_sample_family_preview_and_large_print(demo_services: Services, tmp_path: Path) -> None:
    preview = demo_services.letters.preview(
        SYSTEM, PreviewRequest("trip_permission", "ENG", None, large_print=True)
    )
    assert preview.variant.large_print and not preview.variant.bilingual
    assert "Chester Zoo" in pdf_text(preview.pdf, tmp_path)


def test_extras_are_checked_and_named_by_their_labels() -> None:
    trip = find_template("trip_permission")
    with pytest.raises(errors.ValidationErrors) as caught:
        clean_extras(trip, {"trip_date": "31/02/2026"})
    message = caught.value.message
    assert "Where the class is going: is required" in message
    assert "Date of the trip" in message
    values = clean_extras(
        trip,
        {
            "trip_place": "Dover",
            "trip_date": "14/07/2026",
            "leave_time": "9:30",
            "return_time": "3:15 pm",
            "travel": "coach",
            "bring": "lunch",
            "reply_by": "2026-07-01",
        },
    )
    assert values["trip_date"] == dt.date(2026, 7, 14)
    assert values["return_time"] == dt.time(15, 15) and values["cost"] == ""
    with pytest.raises(errors.ValidationError, match="is not a time"):
        clean_extras(trip, {"leave_time": "half nine"}, use_samples=True)


def test_salutations() -> None:
    from hsp_desktop.model import Carer

    khan = [Carer(title="Mr", first_name="Imran", last_name="Khan")]
    assert salutation(khan) == "Mr Khan"
    khan.append(Carer(title="Mrs", first_name="Sana", last_name="Khan"))
    assert salutation(khan) == "Mr and Mrs Khan"
    assert salutation([Carer(title="", first_name="Sam", last_name="Lee")]) == "Sam Lee"
    mixed = [
        Carer(title="Ms", first_name="Anna", last_name="Nowak"),
        Carer(title="Mr", first_name="Jan", last_name="Wiśniewski"),
    ]
    assert salutation(mixed) == "Ms Nowak and Mr Wiśniewski"
    assert salutation([]) == "Parent or carer"


def test_letterhead_images_reach_the_renderer(demo_services: Services, tmp_path: Path) -> None:
    from PIL import Image
    from sqlalchemy import select

    from hsp_desktop.model import School

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (20, 90, 160)).save(logo)
    demo_services.school.set_images(SYSTEM, logo_png=logo.read_bytes())
    with demo_services.letters.db.read() as s:
        block = school_block(s.scalar(select(School)))
    assert block.logo_path is not None and block.logo_path.read_bytes() == logo.read_bytes()
    preview = demo_services.letters.preview(SYSTEM, PreviewRequest("achievement", "ENG", None))
    assert b"/Subtype /Image" in preview.pdf


@pytest.mark.parametrize("language", ["URD", "ARA"])
def test_return_codes_read_left_to_right_in_right_to_left_letters(
    language: str, tmp_path: Path
) -> None:
    from hsp_desktop.documents import Variant, preview_context, render_letter

    template = find_template("trip_permission")
    for code in ("7928-KE6", "3GF4-SQX"):
        pdf = render_letter(template, preview_context(template), language, Variant(), code)
        assert code in pdf_text(pdf, tmp_path)

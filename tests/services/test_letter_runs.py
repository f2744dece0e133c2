"""Letter runs: who gets a copy and why, producing the print pile, recording, reprinting."""

from __future__ import annotations

from pathlib import Path

import pytest

from hsp_desktop import errors
from hsp_desktop.services.actor import SYSTEM, Actor
from hsp_desktop.services.container import Services
from hsp_desktop.services.demo import DEMO_PASSWORD
from hsp_desktop.services.families import CarerInput, LinkInput
from hsp_desktop.services.letter_recipients import AttentionReason, ExclusionReason
from hsp_desktop.services.letter_runs import RunOptions, RunPlan, Selection
from hsp_desktop.services.return_codes import parse
from tests.services.letters_world import (
    add_family_apart,
    change_carer,
    change_link,
    class_and_students,
    pdf_pages,
    pdf_text,
    script_letters,
)

TRIP = {
    "trip_place": "Dover Castle",
    "trip_date": "14/07/2026",
    "leave_time": "09:30",
    "return_time": "15:00",
    "travel": "coach",
    "bring": "a packed lunch",
    "reply_by": "07/07/2026",
}
NO_EMAIL = "Email is not set up."


def login(services: Services, username: str) -> Actor:
    return services.accounts.login(username, DEMO_PASSWORD)


def trip_plan(services: Services, class_id: int, actor: Actor = SYSTEM, **kw: object) -> RunPlan:
    return services.letter_runs.plan(
        actor,
        "trip_permission",
        Selection.school_class(class_id),
        TRIP,
        **kw,  # type: ignore[arg-type]
    )


def copies_for(plan: RunPlan, student_id: int) -> list:  # type: ignore[type-arg]
    return [c for c in plan.copies if student_id in c.student_ids]


def test_parents_apart_each_get_a_copy_in_their_own_language(demo_services: Services) -> None:
    class_id, class_name, students = class_and_students(demo_services)
    student = students[0]
    mother, father = add_family_apart(
        demo_services, student, father_email="tariq.akhtar@example.org"
    )
    plan = trip_plan(demo_services, class_id, email_note=NO_EMAIL)
    assert plan.scope == class_name and plan.students == len(students)
    mine = copies_for(plan, student)
    assert len(mine) == 2
    urdu, english = mine
    assert urdu.carers[0].id == mother and urdu.language == "URD" and urdu.bilingual
    assert "Urdu translation not yet checked" in urdu.why
    assert urdu.recipient.address_lines == ("12 Linden Road", "Sevenoaks", "TN13 1AA")
    assert english.carers[0].id == father and english.language == "ENG" and not english.bilingual
    assert english.channel.value == "print"  # email is not set up: everything is printed
    assert all(c.return_code and parse(c.return_code) == c.return_code for c in plan.copies)
    assert len({c.return_code for c in plan.copies}) == len(plan.copies)
    assert plan.email_note == NO_EMAIL

    with_email = trip_plan(demo_services, class_id)
    emailed = [c for c in copies_for(with_email, student) if c.channel.value == "email"]
    assert [c.email_to for c in emailed] == [("tariq.akhtar@example.org",)]
    assert with_email.languages[0][1] >= 1 and any(
        name == "Urdu and English" for name, _ in with_email.languages
    )


def test_envelopes_are_sorted_by_class_then_family(demo_services: Services) -> None:
    template = demo_services.letters.template(SYSTEM, "achievement")
    extra = {f.name: f.sample for f in template.extra_fields if f.sample not in (None, "")}
    plan = demo_services.letter_runs.plan(
        SYSTEM, "achievement", Selection.whole_school(), extra, email_note=NO_EMAIL
    )
    keys = [(c.class_name, c.students[0].last_name.casefold()) for c in plan.copies]
    assert keys == sorted(keys)
    assert [c.position for c in plan.copies] == list(range(1, len(plan.copies) + 1))
    assert plan.students == 90
    # Every student is either sent a copy or listed with the reason.
    sent = {sid for c in plan.copies for sid in c.student_ids}
    listed = {a.student_id for a in plan.attention if a.reason is AttentionReason.NO_HOUSEHOLD}
    assert len(sent | listed) == 90 and not sent & listed


def test_who_is_left_out_is_listed_with_the_reason(demo_services: Services) -> None:
    class_id, _, students = class_and_students(demo_services)
    a, b, c = students[:3]
    mother, father = add_family_apart(demo_services, a)
    change_link(demo_services, a, father, restriction="court_order", restriction_note="file")
    mother_b, father_b = add_family_apart(demo_services, b)
    change_link(demo_services, b, mother_b, receives_correspondence=False)
    change_link(demo_services, b, father_b, parental_responsibility=False)
    for member in demo_services.families.family(SYSTEM, c):
        demo_services.families.unlink_carer(SYSTEM, member.link.id, member.link.version)
    homeless = demo_services.families.add_carer(
        SYSTEM,
        c,
        CarerInput(first_name="Jo", last_name="Bloggs", title="Ms"),
        LinkInput(relationship_to_student="mother"),
    )
    plan = trip_plan(demo_services, class_id, email_note=NO_EMAIL)
    reasons = {(e.student_id, e.carer_id): e.reason for e in plan.excluded}
    assert reasons[(a, father)] is ExclusionReason.RESTRICTION
    assert reasons[(b, mother_b)] is ExclusionReason.NO_CORRESPONDENCE
    assert reasons[(b, father_b)] is ExclusionReason.NO_PARENTAL_RESPONSIBILITY
    assert reasons[(c, homeless.carer.id)] is ExclusionReason.NO_ADDRESS
    assert [x.carers[0].id for x in copies_for(plan, a)] == [mother]
    attention = {x.student_id: x for x in plan.attention}
    assert attention[b].reason is AttentionReason.NO_HOUSEHOLD
    assert "does not receive letters" in attention[b].detail
    assert attention[c].reason is AttentionReason.NO_HOUSEHOLD
    # Someone without an address who prefers email can still be reached by email.
    change_carer(
        demo_services, homeless.carer.id, email="jo@example.org", preferred_contact="email"
    )
    emailed = trip_plan(demo_services, class_id)
    [copy] = copies_for(emailed, c)
    assert copy.channel.value == "email" and copy.household_id is None


def test_a_run_with_nobody_to_write_to_explains_why(demo_services: Services) -> None:
    _, _, students = class_and_students(demo_services)
    student = students[0]
    for member in demo_services.families.family(SYSTEM, student):
        change_link(demo_services, student, member.carer.id, receives_correspondence=False)
    plan = demo_services.letter_runs.plan(
        SYSTEM, "trip_permission", Selection.student(student), TRIP, email_note=NO_EMAIL
    )
    assert not plan.copies
    assert "has a household to send this letter to" in plan.empty_reason
    assert "does not receive letters" in plan.empty_reason
    with pytest.raises(errors.KnownError, match="household to send this letter to"):
        demo_services.letter_runs.produce(SYSTEM, plan)


def test_one_per_household_letters_name_every_sibling(demo_services: Services) -> None:
    _, _, students = class_and_students(demo_services)
    first, second = students[:2]
    mother, _father = add_family_apart(demo_services, first)
    for member in demo_services.families.family(SYSTEM, second):
        demo_services.families.unlink_carer(SYSTEM, member.link.id, member.link.version)
    demo_services.families.link_carer(
        SYSTEM, second, mother, LinkInput(relationship_to_student="mother")
    )
    template = demo_services.letters.template(SYSTEM, "event_invitation")
    assert template.one_per_household
    extra = {f.name: f.sample for f in template.extra_fields if f.sample not in (None, "")}
    plan = demo_services.letter_runs.plan(
        SYSTEM,
        "event_invitation",
        Selection.students([first, second]),
        extra,
        email_note=NO_EMAIL,
    )
    shared = [c for c in plan.copies if c.carers[0].id == mother]
    assert len(shared) == 1 and set(shared[0].student_ids) == {first, second}
    assert len(plan.copies) == 2  # the mother's home, and the father's (first child only)
    trip = demo_services.letter_runs.plan(
        SYSTEM, "trip_permission", Selection.students([first, second]), TRIP, email_note=NO_EMAIL
    )
    assert len(trip.copies) == 3  # one letter per student per household


def test_mixed_languages_at_one_address_and_large_print(demo_services: Services) -> None:
    _, _, students = class_and_students(demo_services)
    student = students[0]
    mother, _ = add_family_apart(demo_services, student, mother_language="POL")
    demo_services.families.add_carer(
        SYSTEM,
        student,
        CarerInput(first_name="Marek", last_name="Nowak", title="Mr", written_language="ENG"),
        LinkInput(relationship_to_student="step_father", contact_order=3),
        household_id=demo_services.families.carer(SYSTEM, mother).household_id,
    )
    demo_services.letters.mark_checked(SYSTEM, "trip_permission", "POL")
    change_carer(demo_services, mother, large_print=True)
    plan = demo_services.letter_runs.plan(
        SYSTEM, "trip_permission", Selection.student(student), TRIP, email_note=NO_EMAIL
    )
    home = next(c for c in plan.copies if c.carers[0].id == mother)
    assert home.language == "POL" and home.bilingual  # checked, but Mr Nowak reads English
    assert "Carers here read Polish and English" in home.why
    assert home.large_print and any("Large print" in why for why in home.why)
    assert home.recipient.salutation == "Mrs Akhtar and Mr Nowak"


def test_produce_record_and_reprint(demo_services: Services, tmp_path: Path) -> None:
    class_id, _, students = class_and_students(demo_services)
    student = students[0]
    mother, _ = add_family_apart(demo_services, student)
    change_carer(demo_services, mother, literacy_support=True)
    office = login(demo_services, "office")
    runs = demo_services.letter_runs
    plan = trip_plan(demo_services, class_id, office, email_note=NO_EMAIL)
    seen: list[tuple[int, int]] = []
    produced = runs.produce(office, plan, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (len(plan.copies), len(plan.copies))
    assert produced.print_copies == plan.copies and not produced.emails
    assert pdf_pages(produced.pdf, tmp_path) >= len(plan.copies)
    text = pdf_text(produced.pdf, tmp_path)
    assert "Dover Castle" in text and script_letters(text, "ARABIC") > 20
    for copy in plan.copies:
        assert copy.return_code in text

    # Nothing is on record until the print pile went to the printer.
    assert runs.issued_for_student(office, student) == []
    result = runs.record_printed(office, produced)
    assert result.recorded == len(plan.copies) and not result.problems
    assert result.follow_ups >= 1
    again = runs.record_printed(office, produced)
    assert again.recorded == 0 and again.follow_ups == 0 and again.run_id == result.run_id

    issued = runs.issued_for_student(office, student)
    assert len(issued) == 2
    urdu = next(i for i in issued if i.language == "URD")
    assert urdu.bilingual and urdu.channel.value == "print" and urdu.issued_by == "Mrs Priya Shah"
    assert urdu.title == "Trip or visit: permission letter" and not urdu.returned

    follow = [
        f
        for f in demo_services.followups.for_student(SYSTEM, student)
        if "Phone to read the letter about" in f.description
    ]
    assert len(follow) == 1 and "Mrs Nasreen Akhtar" in follow[0].description
    assert "(letter in Urdu)" in follow[0].description

    summary = next(r for r in runs.runs(office) if r.id == result.run_id)
    assert summary.copies == summary.printed == summary.slips == len(plan.copies)
    assert summary.outstanding == len(plan.copies)

    reprint = runs.reprint(office, urdu.id)
    assert reprint.notice == ""
    again_text = pdf_text(reprint.pdf, tmp_path)
    assert urdu.return_code in again_text and "Dover Castle" in again_text
    assert "12 Linden Road" in again_text

    entries = demo_services.audit.recent(SYSTEM, entity="letter_run")
    assert any("copies printed" in e.summary for e in entries)


def test_cancelling_makes_and_records_nothing(demo_services: Services) -> None:
    class_id, _, _ = class_and_students(demo_services)
    plan = trip_plan(demo_services, class_id, email_note=NO_EMAIL)
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 2

    with pytest.raises(errors.Cancelled):
        demo_services.letter_runs.produce(SYSTEM, plan, cancel=cancel)
    assert not [
        r for r in demo_services.letter_runs.runs(SYSTEM) if r.template_id == "trip_permission"
    ]


def test_address_labels_follow_the_envelopes(demo_services: Services, tmp_path: Path) -> None:
    class_id, _, _ = class_and_students(demo_services)
    plan = trip_plan(
        demo_services, class_id, email_note=NO_EMAIL, options=RunOptions(address_labels=True)
    )
    produced = demo_services.letter_runs.produce(SYSTEM, plan)
    text = pdf_text(produced.labels_pdf, tmp_path, "labels.pdf")
    first = plan.copies[0].recipient
    assert first.address_lines[0] in text and first.names[0] in text
    assert pdf_pages(produced.labels_pdf, tmp_path) == (len(plan.copies) + 20) // 21


def test_teachers_send_only_to_their_own_classes(demo_services: Services) -> None:
    teacher = login(demo_services, "teacher")
    mine = demo_services.students.my_class_ids(teacher)
    others = [c for c in demo_services.students.classes(SYSTEM) if c.id not in mine]
    plan = demo_services.letter_runs.plan(
        teacher,
        "trip_permission",
        Selection.school_class(others[0].id),
        TRIP,
        email_note=NO_EMAIL,
    )
    assert plan.students == 0 and not plan.copies
    readonly = login(demo_services, "readonly")
    with pytest.raises(errors.PermissionDenied):
        demo_services.letter_runs.plan(readonly, "trip_permission", Selection.whole_school(), TRIP)


def test_bad_values_are_refused_before_anything_is_planned(demo_services: Services) -> None:
    with pytest.raises(errors.ValidationErrors, match="Where the class is going: is required"):
        demo_services.letter_runs.plan(
            SYSTEM, "trip_permission", Selection.whole_school(), {"trip_date": "soon"}
        )
    with pytest.raises(errors.NotFoundError):
        demo_services.letter_runs.plan(
            SYSTEM, "trip_permission", Selection.school_class(9999), TRIP
        )


def test_a_changed_translation_is_reported_on_reprint(
    demo_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from hsp_desktop import paths
    from hsp_desktop.i18n import catalogs

    folder = tmp_path / "catalogs"
    shutil.copytree(paths.letter_catalogs_dir(), folder)
    monkeypatch.setattr(paths, "letter_catalogs_dir", lambda: folder)
    catalogs.reload()
    try:
        _, _, students = class_and_students(demo_services)
        add_family_apart(demo_services, students[0])
        plan = demo_services.letter_runs.plan(
            SYSTEM, "trip_permission", Selection.student(students[0]), TRIP, email_note=NO_EMAIL
        )
        produced = demo_services.letter_runs.produce(SYSTEM, plan)
        demo_services.letter_runs.record_printed(SYSTEM, produced)
        po = folder / "ur.po"
        marker = 'msgctxt "trip_permission"\nmsgid "Dear {{ recipient.salutation }},"\nmsgstr "'
        po.write_text(po.read_text("utf-8").replace(marker, marker + "جناب "), "utf-8")
        catalogs.reload()
        urdu = next(
            i
            for i in demo_services.letter_runs.issued_for_student(SYSTEM, students[0])
            if i.language == "URD"
        )
        reprint = demo_services.letter_runs.reprint(SYSTEM, urdu.id)
        assert "Urdu translation has been changed since" in reprint.notice
    finally:
        catalogs.reload()

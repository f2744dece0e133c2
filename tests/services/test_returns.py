"""Returned slips: codes with a check character, answers, twice-scanned slips, outstanding
lists and reminders, conflicting answers from separate households, home-school agreements."""

from __future__ import annotations

import datetime as dt

import pytest

from hsp_desktop import errors
from hsp_desktop.services.actor import SYSTEM, Actor
from hsp_desktop.services.container import Services
from hsp_desktop.services.demo import DEMO_PASSWORD
from hsp_desktop.services.letter_runs import RecordResult, Selection
from hsp_desktop.services.return_codes import ALPHABET, new_code, normalise, parse
from hsp_desktop.services.returns import AlreadyReturned
from tests.services.letters_world import add_family_apart, class_and_students
from tests.services.test_letter_runs import NO_EMAIL, TRIP


def login(services: Services, username: str) -> Actor:
    return services.accounts.login(username, DEMO_PASSWORD)


def send_trip(services: Services) -> tuple[int, int, dict[str, str], RecordResult]:
    """A trip letter to a class in which one student's parents live apart: (student, run id,
    {"mother"|"father": code}, record)."""
    class_id, _, students = class_and_students(services)
    student = students[0]
    mother, _ = add_family_apart(services, student)
    plan = services.letter_runs.plan(
        SYSTEM, "trip_permission", Selection.school_class(class_id), TRIP, email_note=NO_EMAIL
    )
    result = services.letter_runs.record_printed(SYSTEM, services.letter_runs.produce(SYSTEM, plan))
    codes = {}
    for copy in plan.copies:
        if student in copy.student_ids:
            codes["mother" if copy.carers[0].id == mother else "father"] = copy.return_code
    return student, result.run_id, codes, result


def test_codes_have_a_check_character() -> None:
    for _ in range(50):
        code = new_code()
        assert parse(code) == code
        assert parse(code.lower().replace("-", " ")) == code
        raw = normalise(code)
        for i, original in enumerate(raw):
            for other in ALPHABET:
                if other != original:
                    with pytest.raises(errors.ValidationError, match="mistyped"):
                        parse(raw[:i] + other + raw[i + 1 :])
    with pytest.raises(errors.ValidationError, match="characters; codes have 7"):
        parse("ABC")
    with pytest.raises(errors.ValidationError, match="characters no code uses"):
        parse("ABCD-EF!")
    assert normalise("o1l-iabc") == "011" + "1ABC"


def test_tick_off_a_slip_once_and_the_outstanding_list_shrinks(demo_services: Services) -> None:
    student, run_id, codes, record = send_trip(demo_services)
    office = login(demo_services, "office")
    returns = demo_services.returns
    before = returns.outstanding(office, run_id)
    assert len(before) == record.recorded

    slip = returns.lookup(office, codes["mother"].lower())
    consent = next(a for a in slip.answers if a.name == "consent")
    assert consent.kind == "choice" and consent.question.startswith("Can ")
    assert [v for v, _ in consent.options] == ["yes", "no"]
    assert slip.returned is None and slip.addressee == "Mrs Akhtar"
    assert slip.carers == ("Mrs Nasreen Akhtar",)

    done = returns.record(
        office,
        codes["mother"],
        {"consent": "yes", "phone": "07700 900123"},
        signed_by="Mrs Nasreen Akhtar",
    )
    assert done.slip.returned is not None and done.slip.returned.answers["consent"] == "yes"
    assert not done.conflicts
    after = returns.outstanding(office, run_id)
    assert len(after) == len(before) - 1
    assert codes["mother"] not in {r.code for r in after}
    father_row = next(r for r in after if r.code == codes["father"])
    assert father_row.other_household_answered

    with pytest.raises(AlreadyReturned, match="already ticked off"):
        returns.record(office, codes["mother"], {"consent": "no"})
    assert len(returns.outstanding(office, run_id)) == len(after)
    assert returns.lookup(office, codes["mother"]).returned.answers["consent"] == "yes"  # type: ignore[union-attr]
    summary = next(r for r in demo_services.letter_runs.runs(office) if r.id == run_id)
    assert summary.returned == 1
    assert returns.answer_for(office, run_id, student, "consent") == "yes"


def test_typos_and_unknown_codes_change_nothing(demo_services: Services) -> None:
    _, run_id, codes, _ = send_trip(demo_services)
    raw = normalise(codes["mother"])
    typo = raw[:2] + ("X" if raw[2] != "X" else "Y") + raw[3:]
    with pytest.raises(errors.ValidationError, match="mistyped"):
        demo_services.returns.record(SYSTEM, typo, {"consent": "yes"})
    with pytest.raises(errors.NotFoundError, match="No letter was sent with the code"):
        demo_services.returns.lookup(SYSTEM, new_code())
    with pytest.raises(errors.ValidationError, match="is not an answer"):
        demo_services.returns.record(SYSTEM, codes["mother"], {"consent": "maybe"})
    with pytest.raises(errors.ValidationError, match="is not a question"):
        demo_services.returns.record(SYSTEM, codes["mother"], {"shoe_size": "5"})
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(errors.ValidationError, match="future"):
        demo_services.returns.record(
            SYSTEM, codes["mother"], {"consent": "yes"}, received_on=tomorrow
        )
    assert demo_services.returns.lookup(SYSTEM, codes["mother"]).returned is None
    assert len(demo_services.returns.outstanding(SYSTEM, run_id)) > 1


def test_separated_parents_who_disagree_go_to_a_senior_user(demo_services: Services) -> None:
    student, run_id, codes, _ = send_trip(demo_services)
    office = login(demo_services, "office")
    senco = login(demo_services, "senco")
    returns = demo_services.returns
    returns.record(office, codes["mother"], {"consent": "yes"})
    answered = returns.record(office, codes["father"], {"consent": "no"})
    [conflict] = answered.conflicts
    assert conflict.student_id == student and conflict.question == "consent"
    assert {a.value for a in conflict.answers} == {"yes", "no"}
    assert returns.conflicts(office, run_id) == [conflict]
    assert returns.answer_for(office, run_id, student, "consent") is None  # not the first answer

    with pytest.raises(errors.PermissionDenied):
        returns.decide(office, run_id, student, "consent", "no", "Father has a court order")
    with pytest.raises(errors.ValidationError, match="Reason"):
        returns.decide(senco, run_id, student, "consent", "no", "")
    returns.decide(senco, run_id, student, "consent", "no", "Spoke to both parents")
    assert returns.conflicts(office, run_id) == []
    assert returns.answer_for(office, run_id, student, "consent") == "no"
    with pytest.raises(errors.NotFoundError):
        returns.decide(senco, run_id, student, "consent", "yes", "again")


def test_corrections_check_the_version(demo_services: Services) -> None:
    _, _, codes, _ = send_trip(demo_services)
    recorded = demo_services.returns.record(SYSTEM, codes["mother"], {"consent": "no"})
    ret = recorded.slip.returned
    assert ret is not None
    fixed = demo_services.returns.correct(SYSTEM, ret.id, ret.version, {"consent": "yes"})
    assert fixed.returned is not None and fixed.returned.answers == {"consent": "yes"}
    with pytest.raises(errors.ConflictError):
        demo_services.returns.correct(SYSTEM, ret.id, ret.version, {"consent": "no"})


def test_reminders_go_to_the_households_still_missing(demo_services: Services) -> None:
    student, run_id, codes, record = send_trip(demo_services)
    returns = demo_services.returns
    returns.record(SYSTEM, codes["mother"], {"consent": "yes"})
    template_id, students, keys = returns.reminder_keys(SYSTEM, run_id)
    assert template_id == "trip_permission"
    assert student not in students  # the mother answered for this student
    assert len(keys) == record.recorded - 2
    plan = demo_services.letter_runs.plan(
        SYSTEM,
        template_id,
        Selection.students(students),
        TRIP,
        email_note=NO_EMAIL,
        reminder_of=run_id,
        only=keys,
    )
    assert plan.scope.startswith("Reminder: ") and len(plan.copies) == len(keys)
    produced = demo_services.letter_runs.produce(SYSTEM, plan)
    reminder = demo_services.letter_runs.record_printed(SYSTEM, produced)
    # A slip back from the reminder counts for the first run too.
    other = plan.copies[0]
    assert other.return_code is not None
    returns.record(SYSTEM, other.return_code, {"consent": "yes"})
    left = {(r.student_id, r.household_id) for r in returns.outstanding(SYSTEM, run_id)}
    assert (other.student_ids[0], other.household_id) not in left
    assert reminder.run_id != run_id


def test_home_school_agreements_are_tracked_and_block_nothing(demo_services: Services) -> None:
    _, _, students = class_and_students(demo_services)
    student = students[0]
    add_family_apart(demo_services, student)
    runs = demo_services.letter_runs
    plan = runs.plan(
        SYSTEM,
        "home_school_agreement",
        Selection.students(students[:3]),
        {},
        email_note=NO_EMAIL,
    )
    runs.record_printed(SYSTEM, runs.produce(SYSTEM, plan))
    unsigned = demo_services.returns.agreements(SYSTEM, unsigned_only=True)
    assert {r.student_id for r in unsigned} >= set(students[:3]) - {
        a.student_id for a in plan.attention
    }
    mine = next(r for r in unsigned if r.student_id == student)
    assert len(mine.households) == 2 and mine.status == "Not signed yet"
    code = next(c.return_code for c in plan.copies if student in c.student_ids)
    assert code is not None
    slip = demo_services.returns.lookup(SYSTEM, code)
    assert {a.name for a in slip.answers} >= {"family_signature", "family_date", "school_date"}
    demo_services.returns.record(
        SYSTEM, code, {"family_signature": "signed", "family_date": "03/03/2025"}
    )
    row = next(r for r in demo_services.returns.agreements(SYSTEM) if r.student_id == student)
    assert row.family_signed and row.head_signed_on is None
    assert row.households[0].signed_on == dt.date(2025, 3, 3)
    assert row.status.startswith("Signed by the family")
    assert row.return_id is not None
    demo_services.returns.record_head_signature(
        SYSTEM, row.return_id, row.return_version, dt.date(2025, 3, 5)
    )
    row = next(r for r in demo_services.returns.agreements(SYSTEM) if r.student_id == student)
    assert row.status == "Signed" and row.head_signed_on == dt.date(2025, 3, 5)
    assert student not in {
        r.student_id for r in demo_services.returns.agreements(SYSTEM, unsigned_only=True)
    }
    # An unsigned agreement blocks nothing: the next letter goes out as usual.
    later = runs.plan(SYSTEM, "trip_permission", Selection.student(students[1]), TRIP)
    assert later.copies or later.attention


def test_teachers_tick_off_only_their_own_students(demo_services: Services) -> None:
    teacher = login(demo_services, "teacher")
    mine = demo_services.students.my_class_ids(teacher)
    rows = demo_services.students.list_rows(SYSTEM)
    theirs = next(r.id for r in rows if r.class_id not in mine)
    own = next(r.id for r in rows if r.class_id in mine)
    codes = {}
    for student in (theirs, own):
        add_family_apart(demo_services, student)
        plan = demo_services.letter_runs.plan(
            SYSTEM, "trip_permission", Selection.student(student), TRIP, email_note=NO_EMAIL
        )
        demo_services.letter_runs.record_printed(
            SYSTEM, demo_services.letter_runs.produce(SYSTEM, plan)
        )
        codes[student] = plan.copies[0].return_code or ""
    with pytest.raises(errors.NotFoundError):
        demo_services.returns.lookup(teacher, codes[theirs])
    with pytest.raises(errors.NotFoundError):
        demo_services.returns.record(teacher, codes[theirs], {"consent": "yes"})
    assert demo_services.returns.lookup(SYSTEM, codes[theirs]).returned is None
    done = demo_services.returns.record(teacher, codes[own], {"consent": "yes"})
    assert done.slip.returned is not None

"""How imported contacts become carers and households: shared, matched, never duplicated."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from sqlalchemy import func, select

from hsp_desktop.model import AuditEntry, Carer, Household, Student, StudentCarer
from hsp_desktop.model.rules import make_upn
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.container import Services
from hsp_desktop.services.imports.csv_import import effective_mapping, parse_table, table_source
from hsp_desktop.services.imports.report import Action, ImportPlan
from hsp_desktop.services.imports.source import ImportSource
from hsp_desktop.store import Database

HEADINGS = (
    "UPN",
    "Surname",
    "Forename",
    "DOB",
    "Contact 1 Title",
    "Contact 1 Forename",
    "Contact 1 Surname",
    "Contact 1 Relationship",
    "Contact 1 Mobile",
    "Contact 1 Email",
    "Contact 1 Address Line 1",
    "Contact 1 Postcode",
    "Contact 2 Title",
    "Contact 2 Forename",
    "Contact 2 Surname",
    "Contact 2 Relationship",
    "Contact 2 Mobile",
    "Contact 2 Email",
    "Contact 2 Address Line 1",
    "Contact 2 Postcode",
)
UPNS = [make_upn(886, 7001, 21, n) for n in range(1, 10)]
MUM = [
    "Mrs",
    "Amina",
    "Khan",
    "Mother",
    "07700 900123",
    "amina@example.org",
    "14 Elm Road",
    "LS8 5AB",
]
DAD = ["Mr", "Imran", "Khan", "Father", "07700 900456", "", "14 Elm Road", "LS8 5AB"]
NOBODY = [""] * 8


def pupil(n: int, first: str, contact1: list[str] = MUM, contact2: list[str] = DAD) -> list[str]:
    return [UPNS[n], "Khan", first, "01/02/2016", *contact1, *contact2]


def source(*rows: Sequence[str]) -> ImportSource:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    table = parse_table(out.getvalue().encode(), "family.csv")
    return table_source(table, effective_mapping(table.headings))


def import_rows(services: Services, *rows: Sequence[str]) -> ImportPlan:
    return services.imports.apply(SYSTEM, source(*rows)).plan


def carers_of(db: Database, first_name: str) -> list[tuple[str, str, int | None]]:
    with db.read() as s:
        student = s.scalars(select(Student).where(Student.first_name == first_name)).one()
        links = s.scalars(
            select(StudentCarer)
            .where(StudentCarer.student_id == student.id)
            .order_by(StudentCarer.contact_order)
        )
        return [
            (link.carer.first_name, str(link.carer.id), link.carer.household_id) for link in links
        ]


def count(db: Database, model: type) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_siblings_in_one_file_share_their_carers(services: Services, db: Database) -> None:
    plan = import_rows(services, pupil(0, "Zara"), pupil(1, "Yusuf"))
    assert plan.items[1].notes == (
        "carer Mrs Amina Khan (shared with row 2)",
        "carer Mr Imran Khan (shared with row 2)",
    )
    assert count(db, Carer) == 2
    assert count(db, StudentCarer) == 4
    assert carers_of(db, "Zara") == carers_of(db, "Yusuf")


def test_a_sibling_imported_later_joins_the_carers_on_file(
    services: Services, db: Database
) -> None:
    import_rows(services, pupil(0, "Zara"))
    # A later file spells the mobile differently and the email in capitals: still the same people.
    mum = [*MUM[:4], "+44 7700 900123", "AMINA@example.org", *MUM[6:]]
    plan = import_rows(services, pupil(1, "Yusuf", mum))
    assert plan.items[0].notes == (
        "carer Mrs Amina Khan (already on file)",
        "carer Mr Imran Khan (already on file)",
    )
    assert count(db, Carer) == 2
    assert carers_of(db, "Zara") == carers_of(db, "Yusuf")


def test_same_name_without_a_shared_phone_or_email_is_someone_else(
    services: Services, db: Database
) -> None:
    other = ["Mrs", "Amina", "Khan", "Mother", "07700 900999", "", "3 Mill Lane", "LS7 3QT"]
    import_rows(services, pupil(0, "Zara"), pupil(1, "Bilal", other, NOBODY))
    assert count(db, Carer) == 3
    assert carers_of(db, "Zara")[0][1] != carers_of(db, "Bilal")[0][1]


def test_parents_at_one_address_share_a_household(services: Services, db: Database) -> None:
    import_rows(services, pupil(0, "Zara"))
    (mum, _, home), (dad, _, dads_home) = carers_of(db, "Zara")
    assert (mum, dad) == ("Amina", "Imran")
    assert home is not None and home == dads_home
    assert count(db, Household) == 1


def test_separated_parents_make_two_households(services: Services, db: Database) -> None:
    away = ["Mr", "Imran", "Khan", "Father", "07700 900456", "", "27 Station Road", "ls124bd"]
    import_rows(services, pupil(0, "Zara", MUM, away))
    (_, _, home), (_, _, dads_home) = carers_of(db, "Zara")
    assert home != dads_home
    with db.read() as s:
        assert s.get(Household, dads_home).postcode == "LS12 4BD"  # type: ignore[union-attr]


def test_a_changed_mobile_updates_the_carer_and_a_move_changes_household(
    services: Services, db: Database
) -> None:
    import_rows(services, pupil(0, "Zara"))
    moved = ["Mrs", "Amina", "Khan", "Mother", "07700 900777", "amina@example.org"]
    moved += ["8 New Street", "LS9 9ZZ"]
    plan = services.imports.plan(SYSTEM, source(pupil(0, "Zara", moved)))
    assert plan.items[0].action is Action.UPDATE
    assert plan.items[0].details == (
        "Contact 1 (Mrs Amina Khan) mobile: 07700 900123 → 07700 900777; "
        "Contact 1 (Mrs Amina Khan) address: 14 Elm Road, LS8 5AB → 8 New Street, LS9 9ZZ"
    )
    services.imports.apply(SYSTEM, source(pupil(0, "Zara", moved)))
    assert count(db, Carer) == 2
    (_, _, home), (_, _, dads_home) = carers_of(db, "Zara")
    assert home != dads_home
    assert count(db, Household) == 2


def test_a_contact_given_twice_for_one_pupil_is_refused(services: Services, db: Database) -> None:
    plan = services.imports.plan(SYSTEM, source(pupil(0, "Zara", MUM, MUM)))
    assert plan.items[0].action is Action.REFUSED
    assert plan.items[0].reasons == (
        "row 2, Contact 2: Mrs Amina Khan is the same person as Contact 1; give each contact once",
    )


def test_staff_corrections_outside_the_file_are_kept(services: Services, db: Database) -> None:
    import_rows(services, pupil(0, "Zara"))
    with db.transaction() as s:
        carer = s.scalars(select(Carer).where(Carer.first_name == "Imran")).one()
        carer.needs_interpreter = True
        carer.spoken_language = "URD"
        carer.email = "imran@example.org"  # the file has no email for him
    assert services.imports.plan(SYSTEM, source(pupil(0, "Zara"))).items[0].action is (
        Action.UNCHANGED
    )
    services.imports.apply(SYSTEM, source(pupil(0, "Zara")))
    with db.read() as s:
        carer = s.scalars(select(Carer).where(Carer.first_name == "Imran")).one()
        assert (carer.needs_interpreter, carer.spoken_language, carer.email) == (
            True,
            "URD",
            "imran@example.org",
        )


def test_a_big_family_imported_twice_stays_one_family(services: Services, db: Database) -> None:
    rows = [pupil(n, f"Child{n}") for n in range(6)]
    import_rows(services, *rows)
    plan = services.imports.plan(SYSTEM, source(*rows))
    assert {item.action for item in plan.items} == {Action.UNCHANGED}
    assert (count(db, Carer), count(db, Household), count(db, StudentCarer)) == (2, 1, 12)


def test_rows_added_after_an_import_get_ids_of_their_own(services: Services, db: Database) -> None:
    import_rows(services, pupil(0, "Zara"))
    with db.transaction() as s:  # as the family editor would, between two imports
        s.add(Household(address_line1="1 New Road", postcode="LS1 1AA"))
        s.add(Carer(first_name="Nadia", last_name="Shah"))
    other = ["Mrs", "Rubina", "Shah", "Mother", "07700 900999", "", "3 Mill Lane", "LS7 3QT"]
    import_rows(services, pupil(1, "Bilal", other, NOBODY))
    assert (count(db, Carer), count(db, Household), count(db, Student)) == (4, 3, 2)
    with db.read() as s:
        created = s.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "student", AuditEntry.action == "create")
            .order_by(AuditEntry.id)
        ).all()
        assert [(e.entity_id, (e.after or {})["upn"]) for e in created] == [
            (student_id, upn)
            for student_id, upn in s.execute(select(Student.id, Student.upn).order_by(Student.id))
        ]
        assert [e.username for e in created] == ["system", "system"]

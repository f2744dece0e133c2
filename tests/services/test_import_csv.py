"""Importing CSV exports from the MIS: headings, encodings, separators and every kind of bad row."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hsp_desktop import paths
from hsp_desktop.errors import Cancelled, PermissionDenied
from hsp_desktop.model import AuditEntry, Carer, SchoolClass, Student, StudentCarer
from hsp_desktop.model.enums import Relationship, Role, SenStatus
from hsp_desktop.model.rules import make_upn
from hsp_desktop.services.actor import SYSTEM, Actor
from hsp_desktop.services.container import Services
from hsp_desktop.services.imports.csv_import import (
    effective_mapping,
    load_saved_mapping,
    parse_table,
    read_csv,
    save_mapping,
    table_source,
)
from hsp_desktop.services.imports.fields import recognise
from hsp_desktop.services.imports.report import Action
from hsp_desktop.services.imports.source import ImportSource
from hsp_desktop.store import Database

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "imports" / "mis-export.csv"

HEADINGS = (
    "UPN",
    "Legal Surname",
    "Legal Forename",
    "DOB",
    "Gender",
    "Reg Group",
    "First Language",
    "Contact 1 Name",
    "Contact 1 Relationship",
    "Contact 1 Parental Responsibility",
    "Contact 1 Mobile",
    "Contact 1 Email",
)
UPNS = [make_upn(886, 7001, 20, n) for n in range(1, 10)]


def row(n: int = 0, **values: str) -> list[str]:
    base = {
        "UPN": UPNS[n],
        "Legal Surname": "Khan",
        "Legal Forename": f"Child{n}",
        "DOB": "14/03/2015",
        "Gender": "F",
        "Reg Group": "Oak",
        "First Language": "URD",
        "Contact 1 Name": "Mrs Amina Khan",
        "Contact 1 Relationship": "Mother",
        "Contact 1 Parental Responsibility": "Yes",
        "Contact 1 Mobile": "07700 900123",
        "Contact 1 Email": "amina.khan@example.org",
    }
    base.update(values)
    return [base[h] for h in HEADINGS]


def csv_bytes(
    rows: Sequence[Sequence[str]],
    headings: Sequence[str] = HEADINGS,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def source_of(data: bytes, name: str = "export.csv") -> ImportSource:
    table = parse_table(data, name)
    return table_source(table, effective_mapping(table.headings))


def student_count(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Student)) or 0


def test_the_sample_export_makes_students_classes_and_families(
    services: Services, db: Database
) -> None:
    source = read_csv(SAMPLE)
    assert source.notes[0] == (
        "Read as UTF-8, columns separated by commas; 6 rows after the heading row."
    )
    plan = services.imports.plan(SYSTEM, source)
    assert plan.count(Action.CREATE) == 6
    assert plan.new_classes == ("Oak", "Ash", "Beech")
    result = services.imports.apply(SYSTEM, source)
    assert result.classes_created == 3
    with db.read() as s:
        by_upn = {st.upn: st for st in s.scalars(select(Student))}
        ali, andrei, rahima = (
            by_upn["N886700119001"],
            by_upn["F886700119004"],
            by_upn["V886700119005"],
        )
        assert ali.school_class is not None and ali.school_class.name == "Oak"
        assert (ali.first_language, rahima.first_language) == ("URD", "BNG")  # "Urdu", "Bengali"
        assert andrei.preferred_first_name == "Andy"
        assert (
            andrei.admission_date is not None and andrei.admission_date.isoformat() == "2022-04-19"
        )
        assert rahima.sen_status is SenStatus.NONE
        assert ali.date_of_birth.isoformat() == "2013-09-04"
        nasima = s.scalars(select(Carer).where(Carer.first_name == "Nasima")).one()
        assert (nasima.title, nasima.last_name, nasima.home_phone) == (
            "Mrs",
            "Ali",
            "+441632960412",
        )
        assert nasima.links[0].relationship_to_student is Relationship.GRANDPARENT
        assert nasima.links[0].parental_responsibility is False
        foster = s.scalars(select(StudentCarer).join(Carer).where(Carer.last_name == "O'Neill"))
        assert foster.one().relationship_to_student is Relationship.FOSTER_CARER
    assert services.imports.plan(SYSTEM, read_csv(SAMPLE)).count(Action.UNCHANGED) == 6


def test_usual_mis_headings_are_recognised() -> None:
    mapping = recognise(
        [
            "UPN",
            "Legal Surname",
            "Surname",
            "Legal Forename",
            "Date of Birth",
            "Sex",
            "Reg Group",
            "NC Year",
            "Home Language",
            "SEN Provision",
            "Contact1 E-mail",
            "Contact 2 Home Phone",
            "Primary Contact Mobile",
            "Favourite colour",
        ]
    )
    assert mapping == {
        "UPN": "upn",
        "Legal Surname": "last_name",  # preferred to plain "Surname"
        "Legal Forename": "first_name",
        "Date of Birth": "dob",
        "Sex": "sex",
        "Reg Group": "class",
        "NC Year": "year",
        "Home Language": "language",
        "SEN Provision": "sen",
        "Contact1 E-mail": "contact1.email",
        "Contact 2 Home Phone": "contact2.home_phone",
        "Primary Contact Mobile": "contact1.mobile",
    }


@pytest.mark.parametrize(
    ("encoding", "told"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("cp1252", "Windows-1252")],
)
@pytest.mark.parametrize(
    ("delimiter", "word"), [(",", "commas"), (";", "semicolons"), ("\t", "tabs")]
)
def test_encodings_and_separators_are_detected(
    services: Services, db: Database, encoding: str, told: str, delimiter: str, word: str
) -> None:
    rows = [
        row(0, **{"Legal Forename": "Zoë", "Legal Surname": "Brontë-Ó Súilleabháin"}),
        row(1, **{"Legal Forename": "Siân", "Contact 1 Name": "Mrs Amina Khan; née Ali"}),
    ]
    source = source_of(csv_bytes(rows, delimiter=delimiter, encoding=encoding))
    assert source.notes[0].startswith(f"Read as {told}, columns separated by {word};")
    services.imports.apply(SYSTEM, source)
    with db.read() as s:
        names = set(s.scalars(select(Student.first_name)))
        assert names == {"Zoë", "Siân"}
        assert set(s.scalars(select(Student.last_name))) == {"Brontë-Ó Súilleabháin", "Khan"}


def test_bytes_that_are_no_known_encoding_are_refused(services: Services, db: Database) -> None:
    data = csv_bytes([row(0)]) + b"\x81\x8d\x90,broken\r\n"
    source = source_of(data)
    assert source.problems
    assert "neither UTF-8 nor Windows-1252" in source.problems[0]
    assert services.imports.plan(SYSTEM, source).problems == source.problems
    assert student_count(db) == 0


def test_a_spreadsheet_saved_as_xlsx_is_not_taken_for_csv() -> None:
    source = source_of(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00binary")
    assert source.problems and "binary data" in source.problems[0]


def test_missing_required_columns_are_named(services: Services, db: Database) -> None:
    headings = [h for h in HEADINGS if h not in ("DOB", "UPN")]
    rows = [[c for h, c in zip(HEADINGS, row(0), strict=True) if h in headings]]
    source = source_of(csv_bytes(rows, headings))
    assert source.problems == (
        "The file has no column for UPN, Date of birth. Choose the column for each in the "
        "column mapping.",
    )
    assert student_count(db) == 0


def test_a_duplicate_upn_refuses_both_rows(services: Services, db: Database) -> None:
    rows = [row(0), row(1), row(2, UPN=UPNS[0].lower())]
    plan = services.imports.plan(SYSTEM, source_of(csv_bytes(rows)))
    assert [i.action for i in plan.items] == [Action.REFUSED, Action.CREATE, Action.REFUSED]
    assert plan.items[0].reasons[0] == (
        f"row 2, UPN: {UPNS[0]} is also in row 4; neither is imported until one is corrected"
    )
    assert plan.items[2].reasons[0].startswith(f"row 4, UPN: {UPNS[0]} is also in row 2")
    services.imports.apply(SYSTEM, source_of(csv_bytes(rows)))
    with db.read() as s:
        assert list(s.scalars(select(Student.upn))) == [UPNS[1]]


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"UPN": "B886700120001"}, "row 2, UPN: 'B886700120001' has the wrong check letter"),
        ({"UPN": "12345"}, "row 2, UPN: '12345' is not a UPN (a letter and 12 more characters)"),
        ({"DOB": "31/02/2015"}, "row 2, DOB: '31/02/2015' is not a real date (use dd/mm/yyyy)"),
        ({"DOB": "2090-01-01"}, "row 2, DOB: 01/01/2090 is in the future"),
        ({"DOB": ""}, "row 2, DOB: is required"),
        (
            {"First Language": "Klingon"},
            "row 2, First Language: 'Klingon' is not a language this program knows "
            "(use a DfE code such as URD or a name such as Urdu)",
        ),
        ({"Gender": "Z"}, "row 2, Gender: 'Z' is not a sex (M, F or U)"),
        ({"Legal Surname": " "}, "row 2, Legal Surname: must not be empty"),
        (
            {"Contact 1 Mobile": "0770"},
            "row 2, Contact 1 Mobile: '0770' is not a valid phone number",
        ),
        (
            {"Contact 1 Parental Responsibility": "maybe"},
            "row 2, Contact 1 Parental Responsibility: 'maybe' is not yes or no",
        ),
        (
            {"Contact 1 Name": "Amina"},
            "row 2, Contact 1 Name: a contact needs a forename and a surname",
        ),
        (
            {"Legal Surname": "K" * 10_000},
            "row 2, Legal Surname: is too long (10000 characters, at most 100)",
        ),
        ({"DOB": "1" * 10_000}, "row 2, DOB: is too long (10000 characters, at most 40)"),
        (
            {"Contact 1 Email": "x" * 10_000},
            "row 2, Contact 1 Email: is too long (10000 characters, at most 254)",
        ),
        ({"Reg Group": "R" * 51}, "row 2, Reg Group: is too long (51 characters, at most 50)"),
    ],
)
def test_each_bad_value_refuses_its_row_with_the_reason(
    services: Services, db: Database, values: dict[str, str], reason: str
) -> None:
    rows = [row(0, **values), row(1)]
    source = source_of(csv_bytes(rows))
    plan = services.imports.plan(SYSTEM, source)
    assert plan.items[0].action is Action.REFUSED
    assert plan.items[0].reasons == (reason,)
    assert plan.items[1].action is Action.CREATE
    result = services.imports.apply(SYSTEM, source)
    assert result.students_created == 1
    with db.read() as s:
        assert list(s.scalars(select(Student.upn))) == [UPNS[1]]


def test_a_file_of_only_refused_rows_leaves_the_database_as_it_was(
    services: Services, db: Database
) -> None:
    services.imports.apply(SYSTEM, source_of(csv_bytes([row(0)])))
    with db.read() as s:
        audit_before = s.scalar(select(func.count()).select_from(AuditEntry))
    bad = source_of(csv_bytes([row(1, DOB="30/02/2016"), row(2, UPN="nonsense")]))
    plan = services.imports.plan(SYSTEM, bad)
    assert plan.all_refused
    result = services.imports.apply(SYSTEM, bad)
    assert not result.written
    assert student_count(db) == 1
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == audit_before


def test_a_row_with_more_cells_than_headings_is_refused(services: Services) -> None:
    data = csv_bytes([row(0)]) + (",".join(row(1)) + ",14 Elm Road,Leeds\r\n").encode()
    plan = services.imports.plan(SYSTEM, source_of(data))
    assert plan.items[1].action is Action.REFUSED
    assert "has 14 cells but the heading row has 12" in plan.items[1].reasons[0]


def test_formula_like_cells_are_kept_as_plain_text(services: Services, db: Database) -> None:
    source = source_of(csv_bytes([row(0, **{"Legal Surname": "=cmd|' /C calc'!A0"})]))
    services.imports.apply(SYSTEM, source)
    with db.read() as s:
        assert s.scalars(select(Student.last_name)).one() == "=cmd|' /C calc'!A0"


def test_an_update_lists_what_changes_and_is_audited(services: Services, db: Database) -> None:
    services.imports.apply(SYSTEM, source_of(csv_bytes([row(0), row(1)])))
    changed = [
        row(0, **{"Reg Group": "Ash", "Contact 1 Mobile": "07700 900999"}),
        row(1, **{"Contact 1 Mobile": "07700 900999"}),
    ]
    plan = services.imports.plan(SYSTEM, source_of(csv_bytes(changed)))
    assert [i.action for i in plan.items] == [Action.UPDATE, Action.UNCHANGED]
    assert plan.items[0].details == (
        "Class: Oak → Ash; Contact 1 (Mrs Amina Khan) mobile: 07700 900123 → 07700 900999; "
        "new class Ash"
    )
    assert plan.new_classes == ("Ash",)
    result = services.imports.apply(SYSTEM, source_of(csv_bytes(changed)))
    assert (result.students_updated, result.carers_updated, result.carers_created) == (1, 1, 0)
    with db.read() as s:
        carer = s.scalars(select(Carer)).one()
        assert carer.mobile == "+447700900999"
        assert carer.version == 2
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "carer", AuditEntry.action == "update")
        ).one()
        assert entry.before == {"mobile": "+447700900123"}
        assert entry.after == {"mobile": "+447700900999"}
        summary = s.scalars(select(AuditEntry).where(AuditEntry.action == "import")).all()
        assert len(summary) == 2
        assert "1 to update" in summary[-1].summary


def test_a_blank_cell_does_not_erase_what_is_stored(services: Services, db: Database) -> None:
    services.imports.apply(SYSTEM, source_of(csv_bytes([row(0)])))
    blank = [row(0, **{"Contact 1 Email": "", "Reg Group": "", "First Language": ""})]
    plan = services.imports.plan(SYSTEM, source_of(csv_bytes(blank)))
    assert plan.items[0].action is Action.UNCHANGED
    with db.read() as s:
        assert s.scalars(select(Carer.email)).one() == "amina.khan@example.org"
        assert s.scalars(select(SchoolClass.name)).one() == "Oak"


def test_cancelling_writes_nothing(services: Services, db: Database) -> None:
    source = source_of(csv_bytes([row(n) for n in range(5)]))
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))

    def cancelled() -> bool:  # cancel while the rows are being written, after the plan
        return len(seen) > 7

    with pytest.raises(Cancelled):
        services.imports.apply(SYSTEM, source, progress, cancelled)
    assert seen[:5] == [(n, 10) for n in range(1, 6)]
    assert student_count(db) == 0
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SchoolClass)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_only_roles_that_may_import_can(services: Services, db: Database) -> None:
    source = source_of(csv_bytes([row(0)]))
    teacher = Actor(1, "teacher", "Mr Tom Hughes", Role.TEACHER)
    with pytest.raises(PermissionDenied):
        services.imports.plan(teacher, source)
    with pytest.raises(PermissionDenied):
        services.imports.apply(teacher, source)
    office = Actor(2, "office", "Mrs Priya Shah", Role.OFFICE)
    assert services.imports.apply(office, source).students_created == 1


def test_the_saved_mapping_is_used_and_kept_between_files(tmp_path: Path) -> None:
    headings = ["Pupil ID", "Family name", "Given", "Born", "Carer phone"]
    assert effective_mapping(headings)["Family name"] == "last_name"  # recognised
    assert effective_mapping(headings)["Pupil ID"] == ""
    saved = save_mapping(
        {"Pupil ID": "upn", "Given": "first_name", "Born": "dob", "Carer phone": "contact1.mobile"}
    )
    assert saved == paths.config_dir() / "import-mapping.json"
    assert json.loads(saved.read_text())["columns"]["Pupil ID"] == "upn"
    save_mapping({"Family name": ""})  # left out on purpose: remembered as such
    assert load_saved_mapping()["Pupil ID"] == "upn"
    mapping = effective_mapping(headings, load_saved_mapping())
    assert mapping == {
        "Pupil ID": "upn",
        "Family name": "",
        "Given": "first_name",
        "Born": "dob",
        "Carer phone": "contact1.mobile",
    }
    file = tmp_path / "custom.csv"
    file.write_bytes(csv_bytes([[UPNS[0], "Khan", "Zara", "2015-03-14", "07700900123"]], headings))
    source = read_csv(file)
    assert source.problems == (
        "The file has no column for Legal surname. Choose the column for each in the column "
        "mapping.",
    )


def test_a_damaged_saved_mapping_is_ignored() -> None:
    (paths.config_dir() / "import-mapping.json").write_text("{not json")
    assert load_saved_mapping() == {}
    (paths.config_dir() / "import-mapping.json").write_text('{"columns": {"UPN": "no_such"}}')
    assert load_saved_mapping() == {}

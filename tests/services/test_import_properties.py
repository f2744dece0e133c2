"""Random CSV and XML fed to the importers: nothing escapes, every refusal says why.

The examples run against the real databases, dry run and import both, so a value a database
would refuse (a NUL character, a string longer than its column) would be caught here too. Most
generated cells hold believable values with a few spoiled ones, so that rows reach the
database; whole files of random bytes come too.
"""

from __future__ import annotations

import csv
import io
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hsp_desktop.errors import KnownError
from hsp_desktop.model.rules import make_upn
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.container import Services
from hsp_desktop.services.imports.csv_import import effective_mapping, parse_table, table_source
from hsp_desktop.services.imports.ctf import parse_ctf
from hsp_desktop.services.imports.report import Action, ImportPlan
from hsp_desktop.services.imports.source import ImportSource

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

UPNS = [make_upn(886, 7001, 22, n) for n in range(1, 8)]
PEOPLE = ["Khan", "Zoë", "Nowak", "O'Neill", "=cmd|' /C calc'!A0", "Brontë-Ó Súilleabháin"]
PHONES = ["07700 900123", "+44 7700 900456", "0113 496 0123", "07700900123"]

# Believable values per CSV column.
GOOD: dict[str, list[str]] = {
    "UPN": UPNS,
    "Legal Surname": PEOPLE,
    "Legal Forename": PEOPLE,
    "DOB": ["14/03/2015", "2016-02-29", "01/01/2001"],
    "Preferred Forename": [*PEOPLE, ""],
    "Gender": ["F", "M", "U", "Female"],
    "Reg Group": ["Oak", "Ash", "oak", "Beech class"],
    "Year": ["R", "7", "Year 3", "N2"],
    "First Language": ["URD", "Polish", "ENB", "ARAA", "bn"],
    "SEN Status": ["E", "K", "N", "EHC plan"],
    "Admission Date": ["01/09/2020", "2021-09-02", ""],
    "Contact 1 Name": ["Mrs Amina Khan", "KHAN, Amina", "Mr Imran Khan"],
    "Contact 1 Relationship": ["Mother", "PAF", "Parent", "Aunt", "GRM", "Neighbour"],
    "Contact 1 Parental Responsibility": ["Yes", "No", "true", "N"],
    "Contact 1 Mobile": PHONES,
    "Contact 1 Email": ["amina@example.org", "AMINA@example.org", ""],
    "Contact 1 Address Line 1": ["14 Elm Road", "3 Mill Lane", ""],
    "Contact 1 Postcode": ["LS8 5AB", "ls73qt", ""],
    "Contact 2 Forename": ["Imran", "Amina"],
    "Contact 2 Surname": ["Khan", "Ali"],
    "Contact 2 Home Phone": PHONES,
    "Notes": ["", "likes trains"],
}
REQUIRED = ["UPN", "Legal Surname", "Legal Forename", "DOB"]
OPTIONAL = [h for h in GOOD if h not in REQUIRED]
# Spoilt values: wrong in believable ways, or anything at all, long or short.
BAD = st.one_of(
    st.sampled_from(
        ["31/02/2015", "15", "XYZ 123", "perhaps", "Klingon", "B886700122001", "0770", "@", " "]
    ),
    st.text(max_size=40),
    st.text(min_size=90, max_size=300),
)
XML_BAD = st.one_of(
    st.sampled_from(["31/02/2015", "15", "perhaps", "Klingon", "0770"]),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=60),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=120, max_size=200),
)


def check_plan(plan: ImportPlan) -> None:
    for problem in plan.problems:
        assert problem.strip()
    for item in plan.items:
        if item.action is Action.REFUSED:
            assert item.reasons and all(reason.strip() for reason in item.reasons)
            assert all(reason.startswith(item.where) for reason in item.reasons)
        else:
            assert not item.reasons


def plan_and_apply(services: Services, source: ImportSource) -> None:
    plan = services.imports.plan(SYSTEM, source)
    check_plan(plan)
    if plan.problems:
        try:
            services.imports.apply(SYSTEM, source)
        except KnownError:
            return
        raise AssertionError("a file with problems was imported")
    result = services.imports.apply(SYSTEM, source)
    check_plan(result.plan)
    assert [i.where for i in result.plan.items] == [i.where for i in plan.items]


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """An export with the required columns and some others in any order; a few cells spoilt."""
    others = draw(st.lists(st.sampled_from(OPTIONAL), max_size=12, unique=True))
    headings = draw(st.permutations(REQUIRED + others))
    rows = [
        [draw(st.sampled_from(GOOD[h])) for h in headings] for _ in range(draw(st.integers(0, 6)))
    ]
    for row_index, column, bad in draw(
        st.lists(st.tuples(st.integers(0, 5), st.integers(0, 30), BAD), max_size=4)
    ):
        if row_index < len(rows):
            row = rows[row_index]
            if column < len(row):
                row[column] = bad
            else:  # a row longer than the headings
                row.append(bad)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ";", "\t"])))
    writer.writerow(headings)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return out.getvalue().encode(encoding, errors="replace")


@SETTINGS
@given(data=csv_files())
def test_random_csv_exports(services: Services, data: bytes) -> None:
    table = parse_table(data, "random.csv")
    plan_and_apply(services, table_source(table, effective_mapping(table.headings)))


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_csv(services: Services, data: bytes) -> None:
    table = parse_table(data, "random.csv")
    plan_and_apply(services, table_source(table, effective_mapping(table.headings)))


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_ctf(services: Services, data: bytes) -> None:
    plan_and_apply(services, parse_ctf(data, "random.xml"))


# Believable values per CTF element (Unknown is an element no CTF has).
XML_GOOD: dict[str, list[str]] = {
    "UPN": UPNS,
    "Surname": PEOPLE,
    "Forename": PEOPLE,
    "DOB": ["2015-03-14", "2016-02-29"],
    "Sex": ["F", "M"],
    "Gender": ["F", "M"],
    "Unknown": ["", "x"],
    "NCyearActual": ["R", "5", "X"],
    "Language": ["URD", "POL", "ENG", "PNJM"],
    "StartDate": ["2020-09-01", "2021-01-05"],
    "SENprovision": ["E", "K", "N"],
    "Order": ["1", "2", "x"],
    "Title": ["Mrs", "Mr", "Dr", ""],
    "Relationship": ["PAM", "PAF", "CAR", "Aunt"],
    "Responsibility": ["true", "false"],
    "Email": ["amina@example.org", ""],
    "TelephoneType": ["M", "H", "W", "F", ""],
    "PhoneNo": PHONES,
    "AddressAsPupil": ["true", "false"],
    "PAON": ["14", "Rose Cottage"],
    "Street": ["Elm Road", "Mill Lane"],
    "PostCode": ["LS8 5AB", "ls73qt"],
    "ContactSurname": ["Khan", "Ali"],
    "ContactForename": ["Amina", "Imran"],
}


@st.composite
def ctf_files(draw: st.DrawFn) -> bytes:
    """A well-formed CTF of believable pupils in which a few values are spoilt."""
    spoilt = draw(st.sets(st.sampled_from(list(XML_GOOD)), max_size=2))

    def el(tag: str, key: str | None = None) -> str:
        key = key or tag
        value = draw(XML_BAD if key in spoilt else st.sampled_from(XML_GOOD[key]))
        return f"<{tag}>{escape(value)}</{tag}>"

    pupils = []
    for _ in range(draw(st.integers(0, 4))):
        extra = draw(st.lists(st.sampled_from(["Sex", "Gender", "Unknown"]), max_size=2))
        contacts = []
        for _ in range(draw(st.integers(0, 3))):
            address = draw(
                st.sampled_from(
                    [
                        "",
                        "<AddressAsPupil>true</AddressAsPupil>",
                        f"<Address>{el('AddressAsPupil')}</Address>",
                        f"<Address><BS7666Address>{el('PAON')}{el('Street')}</BS7666Address>"
                        f"{el('PostCode')}</Address>",
                    ]
                )
            )
            fields = draw(st.lists(st.sampled_from(["Order", "Title", "Email"]), max_size=3))
            contacts.append(
                "<Contact>"
                + el("Surname", "ContactSurname")
                + el("Forename", "ContactForename")
                + el("Relationship")
                + el("Responsibility")
                + "".join(el(tag) for tag in fields)
                + f"<Phones><Phone>{el('TelephoneType')}{el('PhoneNo')}</Phone></Phones>"
                + address
                + "</Contact>"
            )
        pupils.append(
            "<Pupil>"
            + "".join(el(tag) for tag in ["UPN", "Surname", "Forename", "DOB", *extra])
            + f"<BasicDetails>{el('NCyearActual')}<Languages><Type><LanguageType>F"
            + f"</LanguageType>{el('Language')}</Type></Languages></BasicDetails>"
            + f"<SENhistory><SEN>{el('StartDate')}{el('SENprovision')}</SEN></SENhistory>"
            + f"<Contacts>{''.join(contacts)}</Contacts></Pupil>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><CTfile><Header><CTFversion>25</CTFversion>'
        "</Header><CTFpupilData>" + "".join(pupils) + "</CTFpupilData></CTfile>"
    ).encode()


@SETTINGS
@given(data=ctf_files())
def test_random_ctf_content(services: Services, data: bytes) -> None:
    source = parse_ctf(data, "random.xml")
    assert not source.problems
    plan_and_apply(services, source)

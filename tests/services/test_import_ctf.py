"""Importing DfE Common Transfer Files: the sample file, old and odd files, hostile files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from hsp_desktop.errors import KnownError
from hsp_desktop.model import Carer, Household, Student, StudentCarer
from hsp_desktop.model.enums import Relationship, SenStatus, Sex
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.container import Services
from hsp_desktop.services.imports.ctf import parse_ctf, read_ctf
from hsp_desktop.services.imports.report import Action
from hsp_desktop.store import Database

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "imports" / "oakfield-ctf25.xml"


def ctf(*pupils: str, header: str = "") -> bytes:
    """A small CTF around the given <Pupil> elements."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<CTfile>\n<Header><CTFversion>25.0</CTFversion>'
        f"{header}</Header>\n<CTFpupilData>\n"
        + "\n".join(pupils)
        + "\n</CTFpupilData>\n</CTfile>\n"
    ).encode()


def pupil(
    upn: str = "A886200118001",
    surname: str = "Khan",
    forename: str = "Zara",
    dob: str = "2015-03-14",
    sex: str = "<Sex>F</Sex>",
    extra: str = "",
    contacts: str = "",
) -> str:
    return (
        f"<Pupil><UPN>{upn}</UPN><Surname>{surname}</Surname><Forename>{forename}</Forename>"
        f"<DOB>{dob}</DOB>{sex}{extra}<Contacts>{contacts}</Contacts></Pupil>"
    )


def counts(db: Database) -> tuple[int, int, int, int]:
    with db.read() as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(model)) or 0
            for model in (Student, Carer, Household, StudentCarer)
        )


def test_the_sample_file_brings_pupils_contacts_language_and_sen(
    services: Services, db: Database
) -> None:
    source = read_ctf(SAMPLE)
    assert not source.problems
    assert "Oakfield Primary School" in source.notes[0]
    plan = services.imports.plan(SYSTEM, source)
    assert [i.action for i in plan.items] == [Action.CREATE] * 4
    assert plan.items[0].where == "pupil 1 (line 23)"
    assert counts(db) == (0, 0, 0, 0), "a dry run writes nothing"

    result = services.imports.apply(SYSTEM, source)
    assert (result.students_created, result.carers_created, result.households_created) == (4, 6, 5)
    with db.read() as s:
        zara = s.scalars(select(Student).where(Student.upn == "A886200118001")).one()
        assert (zara.first_language, zara.sen_status, zara.year_group) == (
            "URD",
            SenStatus.EHCP,  # the open SEN entry, not the ended one
            "5",
        )
        assert zara.sex is Sex.FEMALE
        assert zara.preferred_first_name == ""  # the same as her legal name
        oliver = s.scalars(select(Student).where(Student.upn == "D886200118003")).one()
        assert oliver.preferred_first_name == "Ollie"
        assert oliver.sen_status is SenStatus.SEN_SUPPORT
        amina = s.scalars(select(Carer).where(Carer.first_name == "Amina")).one()
        assert amina.mobile == "+447700900123"
        assert amina.home_phone == "+441134960123"
        assert amina.email == "amina.khan@example.org"
        assert amina.household is not None
        assert amina.household.address_line1 == "14 Elm Road"
        assert amina.household.postcode == "LS8 5AB"
        links = {(link.student.first_name, link.relationship_to_student) for link in amina.links}
        assert links == {("Zara", Relationship.MOTHER), ("Yusuf", Relationship.MOTHER)}
        mark = s.scalars(select(Carer).where(Carer.first_name == "Mark")).one()
        assert mark.household is not None
        assert mark.household.address_line1 == "Flat 2, 27 Station Road"
        assert mark.links[0].lives_with_student is False
        maria = s.scalars(select(Carer).where(Carer.last_name == "Kowalska")).one()
        assert maria.links[0].relationship_to_student is Relationship.GRANDPARENT
        assert maria.links[0].parental_responsibility is False
        assert maria.home_phone == "+441134960555"


def test_importing_the_same_file_again_changes_nothing(services: Services, db: Database) -> None:
    source = read_ctf(SAMPLE)
    services.imports.apply(SYSTEM, source)
    before = counts(db)
    with db.read() as s:
        versions = sorted(s.scalars(select(Carer.version)))
    again = services.imports.plan(SYSTEM, source)
    assert [i.action for i in again.items] == [Action.UNCHANGED] * 4
    result = services.imports.apply(SYSTEM, source)
    assert not result.written
    assert counts(db) == before
    with db.read() as s:
        assert sorted(s.scalars(select(Carer.version))) == versions


def test_older_files_say_gender_instead_of_sex(services: Services, db: Database) -> None:
    source = parse_ctf(ctf(pupil(sex="<Gender>M</Gender>")), "old.xml")
    result = services.imports.apply(SYSTEM, source)
    assert result.students_created == 1
    with db.read() as s:
        assert s.scalars(select(Student.sex)).one() is Sex.MALE


def test_unknown_elements_and_namespaces_are_ignored(services: Services) -> None:
    data = (
        b'<?xml version="1.0"?><CTfile xmlns="urn:example:ctf"><Header><Surprise a="1">x'
        b"</Surprise></Header><Extra><Deep><Deeper/></Deep></Extra><CTFpupilData>"
        + pupil(extra="<Hobbies><Hobby>Trains</Hobby></Hobbies><FSMhistory/>").encode()
        + b"</CTFpupilData></CTfile>"
    )
    plan = services.imports.plan(SYSTEM, parse_ctf(data, "odd.xml"))
    assert not plan.problems
    assert [i.action for i in plan.items] == [Action.CREATE]


def test_malformed_xml_is_reported_with_line_and_column(services: Services, db: Database) -> None:
    source = parse_ctf(b"<CTfile>\n  <Header>\n</CTfile>\n", "broken.xml")
    assert source.problems
    assert "not well-formed XML" in source.problems[0]
    assert "line 3, column 3" in source.problems[0]
    plan = services.imports.plan(SYSTEM, source)
    assert plan.problems == source.problems
    with pytest.raises(KnownError, match="cannot be imported"):
        services.imports.apply(SYSTEM, source)
    assert counts(db) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"\xff\xfe\x00<", b"<CTfile><Header>", b"not xml at all", b"<a></b>"],
)
def test_files_that_are_not_xml_never_crash(data: bytes) -> None:
    source = parse_ctf(data, "junk.xml")
    assert source.problems and not source.pupils


def test_an_entity_bomb_is_refused_before_it_expands(services: Services, db: Database) -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE CTfile [\n <!ENTITY lol "lol">\n'
        b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        b' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n'
        b' <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">\n]>\n'
        b"<CTfile><Header/><CTFpupilData><Pupil><Surname>&lol9;</Surname></Pupil>"
        b"</CTFpupilData></CTfile>"
    )
    source = parse_ctf(bomb, "bomb.xml")
    assert len(source.problems) == 1
    assert "declares an XML entity" in source.problems[0]
    assert not source.pupils
    with pytest.raises(KnownError):
        services.imports.apply(SYSTEM, source)
    assert counts(db) == (0, 0, 0, 0)


def test_an_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<CTfile><Header/><CTFpupilData><Pupil><Surname>&x;</Surname></Pupil>"
        "</CTFpupilData></CTfile>"
    ).encode()
    source = parse_ctf(data, "external.xml")
    assert source.problems
    assert "password" not in " ".join(source.problems)
    assert not source.pupils


def test_xml_that_is_not_a_ctf_is_named_as_such() -> None:
    source = parse_ctf(b"<?xml version='1.0'?><Invoice><Total>3</Total></Invoice>", "bill.xml")
    assert source.problems == (
        "This is XML but not a Common Transfer File: its root element is <Invoice>, not <CTfile>.",
    )


def test_each_pupil_is_reported_on_its_own(services: Services, db: Database) -> None:
    data = ctf(
        pupil(),
        pupil(upn="P886200118002", forename="Yusuf", dob="2017-02-31"),
        pupil(upn="D886200118004", forename="Omar", sex="<Sex>Q</Sex>"),
        pupil(
            upn="T886200118004",
            forename="Aisha",
            extra="<BasicDetails><Languages><Type>"
            "<LanguageType>F</LanguageType><Language>XQZ</Language></Type></Languages>"
            "</BasicDetails>",
        ),
    )
    plan = services.imports.plan(SYSTEM, parse_ctf(data, "mixed.xml"))
    actions = [i.action for i in plan.items]
    assert actions == [Action.CREATE, Action.REFUSED, Action.REFUSED, Action.REFUSED]
    assert plan.items[1].reasons == (
        "pupil 2 (line 6), DOB: '2017-02-31' is not a real date (use dd/mm/yyyy)",
    )
    assert (
        plan.items[2].reasons[0].startswith("pupil 3 (line 7), UPN: 'D886200118004' has the wrong")
    )
    assert "Sex: 'Q' is not a sex" in plan.items[2].reasons[1]
    assert "Language: 'XQZ' is not a language" in plan.items[3].reasons[0]
    result = services.imports.apply(SYSTEM, parse_ctf(data, "mixed.xml"))
    assert result.students_created == 1
    assert counts(db)[0] == 1


def test_a_file_for_another_school_says_so(services: Services) -> None:
    services.accounts.setup("Brookfield", "admin", "Admin", "long enough password")
    view = services.school.get()
    services.school.update(SYSTEM, view.version, name=view.name, la_code="886", estab_number="7001")
    header = "<DestSchool><LEA>886</LEA><Estab>2002</Estab></DestSchool>"
    plan = services.imports.plan(SYSTEM, parse_ctf(ctf(pupil(), header=header), "other.xml"))
    assert any("made for school 886/2002, not for this school (886/7001)" in n for n in plan.notes)
    header = "<DestSchool><LEA>886</LEA><Estab>7001</Estab></DestSchool>"
    plan = services.imports.plan(SYSTEM, parse_ctf(ctf(pupil(), header=header), "ours.xml"))
    assert not any("made for school" in n for n in plan.notes)

"""Importing a Common Transfer File of 300 pupils with their contacts into a fresh database.

    python benchmarks/imports.py [--pupils 300] [--runs 7] [--database URL]

Writes a realistic CTF (siblings sharing parents, separated parents at two addresses, first
languages, SEN history, the elements a real file carries that the import ignores), then times,
as medians over several runs, each into a fresh copy of an empty migrated SQLite file:

* the program: read the file (defusedxml), check every value, match, plan, and write students,
  carers, households and links with an audit entry each, in one transaction;
* the bare baseline: parse the same file with defusedxml and bulk-insert the same rows with
  plain SQLAlchemy Core (no checks, no matching beyond a dictionary, no audit).

Prints medians, the ratio, and whether the target (under 2 s) is met. With --database (an
empty PostgreSQL database the benchmark may fill and empty) the same runs go to that server.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from defusedxml.ElementTree import fromstring
from sqlalchemy import func, insert, select, text

from hsp_desktop.model import Base, Carer, Household, Student, StudentCarer
from hsp_desktop.model.rules import make_upn
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.imports.ctf import read_ctf
from hsp_desktop.services.imports.service import ImportService
from hsp_desktop.store import Database, sqlite_url
from hsp_desktop.store.migrate import upgrade

TARGET_S = 2.0

SURNAMES = ["Khan", "Hussain", "Smith", "Jones", "Nowak", "Begum", "Ali", "Popescu", "Evans"]
SURNAMES += ["O'Neill", "Okafor", "Kowalski", "Patel", "Ahmed", "Brown", "Wilson", "Tesfaye"]
FEMALE = ["Amina", "Fatima", "Claire", "Agnieszka", "Shirin", "Elena", "Rachel", "Ngozi", "Hiwet"]
MALE = ["Imran", "Tariq", "Mark", "Piotr", "Daniel", "Andrei", "Chidi", "Huw", "Bilal"]
CHILDREN = ["Zara", "Yusuf", "Oliver", "Kacper", "Ali", "Sara", "Ethan", "Grace", "Ada", "Tom"]
LANGUAGES = ["ENG"] * 6 + ["URD", "PNJ", "POL", "BNG", "SOM", "ARA", "RMN", "TGR"]
STREETS = ["Elm Road", "Mill Lane", "Station Road", "Brook Street", "Canal Road", "Otley Road"]


def _address(rng: random.Random) -> str:
    return (
        f"<Address><BS7666Address><PAON>{rng.randint(1, 199)}</PAON>"
        f"<Street>{rng.choice(STREETS)}</Street><Town>Bradford</Town></BS7666Address>"
        f"<PostCode>BD{rng.randint(1, 22)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}</PostCode></Address>"
    )


def _contact(order: int, title: str, first: str, last: str, rel: str, phone: int, home: str) -> str:
    address = "<AddressAsPupil>true</AddressAsPupil>" if home == "" else home
    email = f"<Email>{first.lower()}.{last.lower().replace(chr(39), '')}{phone}@example.org</Email>"
    return (
        f"<Contact><Order>{order}</Order><Title>{title}</Title><Surname>{escape(last)}</Surname>"
        f"<Forename>{first}</Forename><Relationship>{rel}</Relationship>"
        f"<Responsibility>true</Responsibility>{address}<Phones><Phone><TelephoneType>M"
        f"</TelephoneType><PhoneNo>07700 900{phone:03d}</PhoneNo></Phone></Phones>"
        f"{email if phone % 2 else ''}</Contact>"
    )


def write_ctf(path: Path, pupils: int, seed: int = 7) -> None:
    """A CTF of ``pupils`` pupils: 8% come with a sibling, 20% of fathers live elsewhere."""
    rng = random.Random(seed)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<CTfile><Header><DocumentName>Common Transfer '
        "File</DocumentName><CTFversion>25.0</CTFversion><DateTime>2025-07-16T09:12:44"
        "</DateTime><SourceSchool><LEA>886</LEA><Estab>2001</Estab><SchoolName>Oakfield "
        "Primary School</SchoolName></SourceSchool><DestSchool><LEA>886</LEA><Estab>7001"
        "</Estab></DestSchool></Header><CTFpupilData>"
    ]
    made = 0
    phone = 0
    while made < pupils:
        last = rng.choice(SURNAMES)
        mum, dad = rng.choice(FEMALE), rng.choice(MALE)
        phone = (phone + 2) % 1000
        dads_home = _address(rng) if rng.random() < 0.2 else ""
        contacts = _contact(1, "Mrs", mum, last, "PAM", phone, "")
        if rng.random() < 0.85:
            contacts += _contact(2, "Mr", dad, last, "PAF", phone + 1, dads_home)
        home = _address(rng)
        language = rng.choice(LANGUAGES)
        for _ in range(2 if rng.random() < 0.08 and made + 2 <= pupils else 1):
            made += 1
            dob = f"{rng.randint(2008, 2019)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            parts.append(
                f"<Pupil><UPN>{make_upn(886, 2001, 18, made)}</UPN><Surname>{escape(last)}"
                f"</Surname><Forename>{rng.choice(CHILDREN)}</Forename><DOB>{dob}</DOB>"
                f"<Sex>{rng.choice('MMF')}</Sex><BasicDetails><NCyearActual>"
                f"{rng.randint(1, 11)}</NCyearActual><Ethnicity>WBRI</Ethnicity><Languages>"
                f"<Type><LanguageType>F</LanguageType><Language>{language}</Language></Type>"
                f"</Languages><MedicalFlag>false</MedicalFlag></BasicDetails><SENhistory><SEN>"
                f"<StartDate>2021-09-01</StartDate><SENprovision>{rng.choice('EEEK')}"
                f"</SENprovision></SEN></SENhistory>{home}<Contacts>{contacts}</Contacts>"
                "<Attendance><YearData><Year>2024</Year><SessionsPossible>380</SessionsPossible>"
                "</YearData></Attendance></Pupil>"
            )
    parts.append("</CTFpupilData></CTfile>\n")
    path.write_text("".join(parts), encoding="utf-8")


def program(db: Database, path: Path) -> object:
    return ImportService(db).apply(SYSTEM, read_ctf(path))


def baseline(db: Database, path: Path) -> object:
    """defusedxml and plain Core bulk inserts of the same rows: no checks, no audit."""
    root = fromstring(path.read_bytes())
    households: dict[tuple[str, str], dict[str, object]] = {}
    carers: dict[tuple[str, str, str], dict[str, object]] = {}
    students: list[dict[str, object]] = []
    links: list[dict[str, object]] = []

    def household(address: object) -> int:
        bs = address.find("BS7666Address")  # type: ignore[attr-defined]
        line1 = f"{bs.findtext('PAON')} {bs.findtext('Street')}"
        postcode = address.findtext("PostCode")  # type: ignore[attr-defined]
        key = (postcode, line1)
        if key not in households:
            households[key] = {
                "id": len(households) + 1,
                "address_line1": line1,
                "town": bs.findtext("Town"),
                "postcode": postcode,
            }
        return int(households[key]["id"])  # type: ignore[call-overload]

    for pupil in root.find("CTFpupilData"):
        home = household(pupil.find("Address"))
        student_id = len(students) + 1
        basic = pupil.find("BasicDetails")
        students.append(
            {
                "id": student_id,
                "upn": pupil.findtext("UPN"),
                "last_name": pupil.findtext("Surname"),
                "first_name": pupil.findtext("Forename"),
                "date_of_birth": pupil.findtext("DOB"),
                "sex": pupil.findtext("Sex"),
                "year_group": basic.findtext("NCyearActual"),
                "first_language": basic.findtext("Languages/Type/Language"),
            }
        )
        for contact in pupil.find("Contacts"):
            mobile = contact.findtext("Phones/Phone/PhoneNo")
            key = (contact.findtext("Forename"), contact.findtext("Surname"), mobile)
            if key not in carers:
                address = contact.find("Address")
                carers[key] = {
                    "id": len(carers) + 1,
                    "title": contact.findtext("Title"),
                    "first_name": key[0],
                    "last_name": key[1],
                    "mobile": mobile,
                    "email": contact.findtext("Email") or "",
                    "household_id": home if address is None else household(address),
                }
            links.append(
                {
                    "student_id": student_id,
                    "carer_id": carers[key]["id"],
                    "contact_order": int(contact.findtext("Order")),
                }
            )
    for row in students:
        row["date_of_birth"] = _date(str(row["date_of_birth"]))
    with db.engine.begin() as conn:
        conn.execute(insert(Household), list(households.values()))
        conn.execute(insert(Carer), list(carers.values()))
        conn.execute(insert(Student), students)
        conn.execute(insert(StudentCarer), links)
    return len(students)


def _date(text_value: str) -> object:
    import datetime as dt

    return dt.date.fromisoformat(text_value)


def counts(db: Database) -> tuple[int, ...]:
    with db.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(model)) or 0
            for model in (Student, Carer, Household, StudentCarer)
        )


def timed_runs(
    runs: int, fresh: Callable[[], Database], work: Callable[[Database], object]
) -> tuple[float, tuple[int, ...]]:
    times = []
    made: tuple[int, ...] = ()
    for _ in range(runs):
        db = fresh()
        try:
            start = time.perf_counter()
            work(db)
            times.append(time.perf_counter() - start)
            made = counts(db)
        finally:
            db.dispose()
    return statistics.median(times), made


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database", help="an empty PostgreSQL database to use instead")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="hsp-bench-imports-"))
    ctf = folder / f"ctf-{args.pupils}.xml"
    write_ctf(ctf, args.pupils)
    template = folder / "empty.sqlite3"
    empty = Database(sqlite_url(template))
    upgrade(empty)
    empty.dispose()
    runs = 0

    def fresh() -> Database:
        nonlocal runs
        runs += 1
        if args.database:
            db = Database(args.database)
            upgrade(db)
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return db
        path = folder / f"run-{runs}.sqlite3"
        shutil.copy(template, path)
        return Database(sqlite_url(path))

    where = "PostgreSQL" if args.database else "SQLite"
    print(
        f"CTF of {args.pupils} pupils ({ctf.stat().st_size / 1024:.0f} KiB) into a fresh {where} "
        f"database; {args.runs} runs each, medians\n"
    )
    ours, made = timed_runs(args.runs, fresh, lambda db: program(db, ctf))
    base, base_made = timed_runs(args.runs, fresh, lambda db: baseline(db, ctf))
    print(f"{'':34} {'median':>9} {'students':>9} {'carers':>7} {'homes':>6} {'links':>6}")
    print(
        f"{'program (checked, matched, audited)':34} {ours:8.3f}s {made[0]:9} {made[1]:7} "
        f"{made[2]:6} {made[3]:6}"
    )
    print(
        f"{'baseline (parse + Core inserts)':34} {base:8.3f}s {base_made[0]:9} "
        f"{base_made[1]:7} {base_made[2]:6} {base_made[3]:6}"
    )
    ok = ours < TARGET_S
    print(f"\nratio {ours / base:.1f}x; target < {TARGET_S:.0f} s: {'ok' if ok else 'MISSED'}")
    shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

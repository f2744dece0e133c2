"""'hsp-desktop import csv|ctf FILE', run as a user runs it: a real process and real files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from hsp_desktop.store import Database
from tests.test_cli import run

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "imports"


def students(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM student").fetchone()[0])
    finally:
        con.close()


def database_file(db: Database) -> str:
    assert db.path is not None
    db.dispose()
    return str(db.path)


def test_dry_run_then_import_then_again(sqlite_db: Database, home: Path) -> None:
    target = database_file(sqlite_db)
    dry = run(
        "import", "csv", str(DATA / "mis-export.csv"), "--dry-run", "--database", target, home=home
    )
    assert dry.returncode == 0, dry.stderr
    assert (
        "6 pupils: 6 new, 0 to update, 0 unchanged, 0 refused. New classes: Oak, Ash, Beech."
        in (dry.stdout)
    )
    assert "row 3 Hussain, Sara (C886700119002): New: class Ash (new); carer Mrs Fatima" in (
        dry.stdout
    )
    assert "Dry run: nothing was written." in dry.stdout
    assert students(Path(target)) == 0

    done = run("--database", target, "import", "csv", str(DATA / "mis-export.csv"), home=home)
    assert done.returncode == 0, done.stderr
    assert "Imported: 6 students created" in done.stdout
    assert students(Path(target)) == 6

    again = run("import", "csv", str(DATA / "mis-export.csv"), "--database", target, home=home)
    assert again.returncode == 0, again.stderr
    assert "0 new, 0 to update, 6 unchanged, 0 refused" in again.stdout
    assert "Nothing needed changing." in again.stdout


def test_a_ctf_with_the_database_given_before_the_command(sqlite_db: Database, home: Path) -> None:
    target = database_file(sqlite_db)
    result = run("--database", target, "import", "ctf", str(DATA / "oakfield-ctf25.xml"), home=home)
    assert result.returncode == 0, result.stderr
    assert "Common Transfer File version 25.0 from Oakfield Primary School" in result.stdout
    assert "carer Mrs Amina Khan (shared with pupil 1)" in result.stdout
    assert students(Path(target)) == 4


def test_refused_rows_are_listed_and_only_refusals_fail(
    sqlite_db: Database, home: Path, tmp_path: Path
) -> None:
    target = database_file(sqlite_db)
    bad = tmp_path / "bad.csv"
    lines = (DATA / "mis-export.csv").read_text(encoding="utf-8").splitlines()
    bad.write_text(
        "\n".join([lines[0], lines[1].replace("04/09/2013", "31/02/2013"), lines[2]]),
        encoding="cp1252",
    )
    mixed = run("import", "csv", str(bad), "--database", target, home=home)
    assert mixed.returncode == 0, mixed.stderr
    assert "Refused (not imported):" in mixed.stdout
    assert "row 2, DOB: '31/02/2013' is not a real date (use dd/mm/yyyy)" in mixed.stdout
    assert students(Path(target)) == 1

    bad.write_text("\n".join([lines[0], lines[1].replace("04/09/2013", "31/02/2013")]))
    only = run("import", "csv", str(bad), "--database", target, home=home)
    assert only.returncode == 1
    assert "nothing in the file can be imported" in only.stderr
    assert students(Path(target)) == 1


def test_files_that_cannot_be_read(sqlite_db: Database, home: Path, tmp_path: Path) -> None:
    target = database_file(sqlite_db)
    broken = tmp_path / "broken.xml"
    broken.write_text("<CTfile><Header></CTfile>")
    result = run("import", "ctf", str(broken), "--database", target, home=home)
    assert result.returncode == 1
    assert "not well-formed XML: mismatched tag at line 1, column 19" in result.stderr
    assert "Traceback" not in result.stderr

    wrong = run("import", "csv", str(DATA / "oakfield-ctf25.xml"), "--database", target, home=home)
    assert wrong.returncode == 1
    assert "looks like a Common Transfer File" in wrong.stderr

    missing = run("import", "ctf", str(tmp_path / "nope.xml"), "--database", target, home=home)
    assert missing.returncode == 1
    assert "is not a file" in missing.stderr
    assert students(Path(target)) == 0


def test_the_mapping_saved_from_the_program_is_used(
    sqlite_db: Database, home: Path, tmp_path: Path
) -> None:
    target = database_file(sqlite_db)
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "import-mapping.json").write_text(
        json.dumps(
            {
                "version": 1,
                "columns": {"Pupil ID": "upn", "Family": "last_name", "Given": "first_name"},
            }
        )
    )
    export = tmp_path / "custom.csv"
    export.write_text("Pupil ID;Family;Given;Date of Birth\nN886700119001;Hussain;Ali;04/09/2013\n")
    result = run("import", "csv", str(export), "--database", target, home=home)
    assert result.returncode == 0, result.stderr
    assert "columns separated by semicolons" in result.stdout
    assert students(Path(target)) == 1

"""The command line, run as a user runs it: a real process, real files, no display needed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HSP_DESKTOP_HOME": str(home)}
    env.pop("DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "hsp_desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )


def test_version_and_help(home: Path) -> None:
    assert run("--version", home=home).stdout.startswith("hsp-desktop ")
    help_text = run("--help", home=home).stdout
    for word in ("--demo", "--database", "db", "demo"):
        assert word in help_text


def test_demo_create_then_check_with_database_before_and_after(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "school.sqlite3"
    made = run("--database", str(target), "demo", "create", "--size", "12", home=home)
    assert made.returncode == 0, made.stderr
    assert "12 students" in made.stdout
    checked = run("db", "check", "--database", str(target), home=home)
    assert checked.returncode == 0, checked.stderr
    assert "ok" in checked.stdout
    con = sqlite3.connect(target)
    assert con.execute("SELECT count(*) FROM student").fetchone() == (12,)
    con.close()
    again = run("demo", "create", "--database", str(target), home=home)
    assert again.returncode == 1
    assert "already holds students" in again.stderr


def test_db_check_on_a_damaged_or_foreign_file(home: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"\x00garbage" * 500)
    result = run("db", "check", "--database", str(junk), home=home)
    assert result.returncode == 1
    assert "not an hsp-desktop database" in result.stderr
    assert "Traceback" not in result.stderr

    foreign = tmp_path / "foreign.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE pets (name TEXT)")
    con.commit()
    con.close()
    result = run("db", "upgrade", "--database", str(foreign), home=home)
    assert result.returncode == 1
    assert "not an hsp-desktop database" in result.stderr


def test_db_check_finds_a_corrupted_page(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "school.sqlite3"
    assert (
        run("demo", "create", "--size", "30", "--database", str(target), home=home).returncode == 0
    )
    con = sqlite3.connect(target)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name='carer'").fetchone()[0]
    con.close()
    data = bytearray(target.read_bytes())
    start = (root - 1) * page_size
    data[start + 8 : start + 200] = b"\xff" * 192  # scribble over the table's b-tree page
    target.write_bytes(bytes(data))
    result = run("db", "check", "--database", str(target), home=home)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "damaged" in result.stderr or "not a database" in result.stderr


def test_db_upgrade_on_a_new_file(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "fresh.sqlite3"
    result = run("db", "upgrade", "--database", str(target), home=home)
    assert result.returncode == 0, result.stderr
    assert run("db", "check", "--database", str(target), home=home).returncode == 0


def test_unreachable_server_is_a_clear_message(home: Path) -> None:
    result = run(
        "db", "check", "--database", "postgresql+psycopg://x:y@127.0.0.1:1/none", home=home
    )
    assert result.returncode == 1
    assert "Cannot reach the database server" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["db"], ["demo"], ["db", "vacuum"]])
def test_usage_errors_exit_2(home: Path, args: list[str]) -> None:
    assert run(*args, home=home).returncode == 2

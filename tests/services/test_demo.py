"""The demo school is believable and its size is a parameter."""

from __future__ import annotations

from sqlalchemy import func, select

from hsp_desktop.model import Carer, Household, SchoolClass, Student, StudentCarer, UserAccount
from hsp_desktop.model.enums import Role
from hsp_desktop.model.rules import email, phone, upn
from hsp_desktop.services.container import Services
from hsp_desktop.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_school
from hsp_desktop.store import Database


def test_demo_school_shape(demo_db: Database) -> None:
    with demo_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Student)) == 90
        assert s.scalar(select(func.count()).select_from(SchoolClass)) == 10
        languages = set(s.scalars(select(Student.first_language)))
        assert {"ENG", "URD", "POL"} <= languages or len(languages) >= 8
        assert s.scalar(select(func.count()).where(Carer.needs_interpreter)) > 0
        roles = set(s.scalars(select(UserAccount.role)))
        assert roles == set(Role)
        # Some students have a parent in a separate household.
        apart = s.scalar(
            select(func.count())
            .select_from(StudentCarer)
            .where(StudentCarer.lives_with_student.is_(False))
        )
        assert apart and apart > 0
        # Every stored value passes the rules the editors apply.
        for student in s.scalars(select(Student)):
            assert upn("UPN", student.upn) == student.upn
        for carer in s.scalars(select(Carer)):
            assert phone("Mobile", carer.mobile) == carer.mobile
            assert email("Email", carer.email) == carer.email
        assert s.scalar(select(func.count()).select_from(Household)) > 0


def test_demo_logins_work(demo_services: Services) -> None:
    for username, _, role, _ in DEMO_ACCOUNTS:
        assert demo_services.accounts.login(username, DEMO_PASSWORD).role is role


def test_demo_size_is_a_parameter_and_deterministic(db: Database) -> None:
    result = create_demo_school(db, students=23, seed=7)
    assert result.students == 23
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Student)) == 23
        assert s.scalar(select(func.count()).select_from(Carer)) == result.carers

"""Which students an actor may see.

Roles with ``VIEW_ALL_CLASSES`` see every student. The others (class teachers) see the students
of the classes they teach or support, and those they tutor or key-work.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from hsp_desktop.errors import PermissionDenied
from hsp_desktop.model import ClassSupportStaff, SchoolClass, Student
from hsp_desktop.services.actor import Actor, Permission
from hsp_desktop.services.common import get_or_fail


def student_scope(actor: Actor) -> ColumnElement[bool] | None:
    """A WHERE clause on ``Student`` limiting what ``actor`` sees; None for everything."""
    if actor.can(Permission.VIEW_ALL_CLASSES):
        return None
    staff = actor.staff_member_id
    if staff is None:
        return false()
    taught = select(SchoolClass.id).where(SchoolClass.teacher_id == staff)
    supported = select(ClassSupportStaff.class_id).where(ClassSupportStaff.staff_id == staff)
    return or_(
        Student.class_id.in_(taught),
        Student.class_id.in_(supported),
        Student.tutor_id == staff,
        Student.key_worker_id == staff,
    )


def visible_student(session: Session, actor: Actor, student_id: int) -> Student:
    """The student, if it exists and ``actor`` may see it."""
    actor.require(Permission.VIEW_STUDENTS)
    student = get_or_fail(session, Student, student_id, "student")
    scope = student_scope(actor)
    if (
        scope is not None
        and session.scalar(select(Student.id).where(Student.id == student_id, scope)) is None
    ):
        raise PermissionDenied(
            f"{actor.display_name} ({actor.role.label}) sees only the students of their own "
            "classes."
        )
    return student

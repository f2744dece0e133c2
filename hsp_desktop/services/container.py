"""All services over one database, built once by the composition root and passed to the GUI."""

from __future__ import annotations

from dataclasses import dataclass

from hsp_desktop.services.accounts import AccountService
from hsp_desktop.services.audit import AuditService
from hsp_desktop.services.exports import ExportService
from hsp_desktop.services.families import FamilyService
from hsp_desktop.services.school import SchoolService
from hsp_desktop.services.students import StudentService
from hsp_desktop.store import Database


@dataclass(frozen=True)
class Services:
    database_kind: str  # "sqlite" | "postgresql"
    database_description: str  # file path or "db on host:port"
    accounts: AccountService
    school: SchoolService
    audit: AuditService
    students: StudentService
    families: FamilyService
    exports: ExportService

    @classmethod
    def build(cls, db: Database) -> Services:
        where = db.location
        return cls(
            database_kind=where.kind,
            database_description=where.description,
            accounts=AccountService(db),
            school=SchoolService(db),
            audit=AuditService(db),
            students=StudentService(db),
            families=FamilyService(db),
            exports=ExportService(db),
        )

"""All services over one database, built once by the composition root and passed to the GUI."""

from __future__ import annotations

from dataclasses import dataclass

from hsp_desktop.services.accounts import AccountService
from hsp_desktop.services.audit import AuditService
from hsp_desktop.services.contacts import ContactService
from hsp_desktop.services.exports import ExportService
from hsp_desktop.services.families import FamilyService
from hsp_desktop.services.followups import FollowUpService
from hsp_desktop.services.homebook import HomebookService
from hsp_desktop.services.imports.service import ImportService
from hsp_desktop.services.obligation import ObligationService
from hsp_desktop.services.school import SchoolService
from hsp_desktop.services.students import StudentService
from hsp_desktop.services.terms import TermService
from hsp_desktop.store import Database


@dataclass(frozen=True)
class Services:
    database_kind: str  # "sqlite" | "postgresql"
    database_description: str  # file path or "db on host:port"
    accounts: AccountService
    school: SchoolService
    audit: AuditService
    terms: TermService
    contacts: ContactService
    obligation: ObligationService
    homebook: HomebookService
    followups: FollowUpService
    students: StudentService
    families: FamilyService
    exports: ExportService
    imports: ImportService

    @classmethod
    def build(cls, db: Database) -> Services:
        where = db.location
        return cls(
            database_kind=where.kind,
            database_description=where.description,
            accounts=AccountService(db),
            school=SchoolService(db),
            audit=AuditService(db),
            terms=TermService(db),
            contacts=ContactService(db),
            obligation=ObligationService(db),
            homebook=HomebookService(db),
            followups=FollowUpService(db),
            students=StudentService(db),
            families=FamilyService(db),
            exports=ExportService(db),
            imports=ImportService(db),
        )

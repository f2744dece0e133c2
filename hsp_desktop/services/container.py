"""All services over one database, built once by the composition root and passed to the GUI."""

from __future__ import annotations

from dataclasses import dataclass

from hsp_desktop.services.accounts import AccountService
from hsp_desktop.services.audit import AuditService
from hsp_desktop.services.caseload import CaseloadService
from hsp_desktop.services.contacts import ContactService
from hsp_desktop.services.events import EventService
from hsp_desktop.services.exports import ExportService
from hsp_desktop.services.families import FamilyService
from hsp_desktop.services.followups import FollowUpService
from hsp_desktop.services.homebook import HomebookService
from hsp_desktop.services.imports.service import ImportService
from hsp_desktop.services.interpreters import InterpreterService
from hsp_desktop.services.letter_runs import LetterRunService
from hsp_desktop.services.letters import LetterService
from hsp_desktop.services.mail import MailService
from hsp_desktop.services.meetings import MeetingService
from hsp_desktop.services.obligation import ObligationService
from hsp_desktop.services.returns import ReturnsService
from hsp_desktop.services.reviews import ReviewService
from hsp_desktop.services.school import SchoolService
from hsp_desktop.services.students import StudentService
from hsp_desktop.services.terms import TermService
from hsp_desktop.services.visits import VisitService
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
    meetings: MeetingService
    reviews: ReviewService
    interpreters: InterpreterService
    visits: VisitService
    caseload: CaseloadService
    events: EventService
    letters: LetterService
    letter_runs: LetterRunService
    returns: ReturnsService
    mail: MailService

    @classmethod
    def open(cls, url: str) -> Services:
        """Open (and migrate) the database at ``url``; raises ``StoreError`` kinds."""
        from hsp_desktop.store.open import open_database

        return cls.build(open_database(url))

    def fill_demo_if_empty(self) -> bool:
        """The demo school goes into a database nobody has set up yet; True if it was made."""
        if not self.accounts.needs_setup():
            return False
        from hsp_desktop.services.demo import create_demo_school

        create_demo_school(self.accounts.db)
        return True

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
            meetings=MeetingService(db),
            reviews=ReviewService(db),
            interpreters=InterpreterService(db),
            visits=VisitService(db),
            caseload=CaseloadService(db),
            events=EventService(db),
            letters=LetterService(db),
            letter_runs=LetterRunService(db, FollowUpService(db)),
            returns=ReturnsService(db),
            mail=MailService(db),
        )

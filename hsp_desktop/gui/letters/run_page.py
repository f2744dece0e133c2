"""Sending a letter: choose the letter and who gets it, see the run screen, confirm, then
print, save or look at what went out.

1. Choose: the letter, the students (one, a class, a chosen list, the whole school), the
   letter's own details, and options.
2. The run screen: how many copies, in which languages, who gets a bilingual copy and why,
   who is left out and why, who is emailed, who needs the letter read aloud. Nothing is sent
   or printed until the user confirms.
3. Producing, off the UI thread with progress and cancel: emails first (each recorded as it
   goes; failures join the print pile), then one PDF of the print pile sorted for envelopes,
   shown here to print or save. Printed copies are recorded when they went to the printer or
   were saved; a print cancelled at the dialog records nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.date_edit import DateEdit
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.form_errors import ErrorBanner
from hsp_desktop.gui.common.lazy_table import LazyColumn
from hsp_desktop.gui.common.operations import Operation
from hsp_desktop.gui.letters.common import (
    CloseAnyway,
    copy_columns,
    fit_columns,
    lazy_table,
    start_printing,
)
from hsp_desktop.gui.letters.pdf_view import PdfPreview, Printing, PrintJob, SaveAs
from hsp_desktop.gui.letters.pickers import StudentPicker
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.letter_recipients import Attention, Exclusion
from hsp_desktop.services.letter_runs import (
    ProducedRun,
    RecordResult,
    RunOptions,
    RunPlan,
    Selection,
)
from hsp_desktop.services.letters import ExtraFieldInfo, TemplateInfo
from hsp_desktop.services.mail import SmtpMailer
from hsp_desktop.services.search import matches, search_words


class FieldsForm(QWidget):
    """The letter's own details (trip date, meeting place...), one field each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.widgets: dict[str, QWidget] = {}
        self.fields: tuple[ExtraFieldInfo, ...] = ()

    def set_fields(self, fields: Sequence[ExtraFieldInfo]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.widgets = {}
        self.fields = tuple(f for f in fields if f.type != "rows")
        for field in self.fields:
            widget: QWidget
            if field.type == "bool":
                widget = QCheckBox(field.label)
                self.form.addRow("", widget)
            else:
                if field.type == "date":
                    widget = DateEdit()
                else:
                    widget = QLineEdit()
                    if field.type == "time":
                        widget.setPlaceholderText("e.g. 14:30")
                    elif field.type in {"number", "money"}:
                        widget.setPlaceholderText("a number")
                    elif field.sample:
                        widget.setPlaceholderText(f"e.g. {field.sample}")
                label = field.label + ("" if field.required else " (optional)")
                self.form.addRow(label + ":", widget)
            widget.setObjectName(f"field-{field.name}")
            self.widgets[field.name] = widget

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, widget in self.widgets.items():
            if isinstance(widget, QCheckBox):
                out[name] = widget.isChecked()
            elif isinstance(widget, DateEdit):
                out[name] = widget.value()
            elif isinstance(widget, QLineEdit):
                out[name] = widget.text()
        return out

    def set_values(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            widget = self.widgets.get(name)
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, DateEdit):
                widget.set_value(value if not isinstance(value, str) else None)
                if isinstance(value, str):
                    widget.setText(value)
            elif isinstance(widget, QLineEdit):
                widget.setText(
                    value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)
                )

    def by_label(self) -> dict[str, QWidget]:
        """Widgets by field label, for marking the fields a refusal names."""
        return {f.label: self.widgets[f.name] for f in self.fields if f.name in self.widgets}


class ChosenStudents(QWidget):
    """Tick students from a list that narrows as a name is typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type to narrow the list")
        self.list = QListWidget()
        self.list.setObjectName("chosenStudents")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self._keys: dict[int, str] = {}
        self.search.textChanged.connect(self._narrow)

    def set_students(self, picks: Sequence[Any]) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for pick in picks:
            item = QListWidgetItem(StudentPicker.label(pick))
            item.setData(Qt.ItemDataRole.UserRole, pick.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
            self._keys[pick.id] = pick.search_key + " " + pick.upn.lower()
        self.list.blockSignals(False)

    def _narrow(self, text: str) -> None:
        words = search_words(text)
        for row in range(self.list.count()):
            item = self.list.item(row)
            assert item is not None
            sid = int(item.data(Qt.ItemDataRole.UserRole))
            item.setHidden(not matches(self._keys.get(sid, ""), words))

    def chosen(self) -> list[int]:
        out = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None and item.checkState() is Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_chosen(self, ids: Sequence[int]) -> None:
        wanted = set(ids)
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None:
                checked = int(item.data(Qt.ItemDataRole.UserRole)) in wanted
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)


# -- step 1 -------------------------------------------------------------------------------------


class ChoosePage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._templates: dict[str, TemplateInfo] = {}
        self.template = QComboBox()
        self.template.setObjectName("runTemplate")
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #555")

        who = QGroupBox("Who gets it")
        self.kind = QButtonGroup(self)
        self.one = QRadioButton("One &student:")
        self.a_class = QRadioButton("A &class:")
        self.chosen = QRadioButton("C&hosen students:")
        self.school = QRadioButton("The &whole school")
        for button in (self.one, self.a_class, self.chosen, self.school):
            self.kind.addButton(button)
        self.student = StudentPicker(allow_sample=False)
        self.classes = QComboBox()
        self.classes.setObjectName("runClass")
        self.chosen_students = ChosenStudents()
        grid = QFormLayout(who)
        grid.addRow(self.one, self.student)
        grid.addRow(self.a_class, self.classes)
        grid.addRow(self.chosen, self.chosen_students)
        grid.addRow(self.school)
        self.a_class.setChecked(True)
        # Only the user's own choices switch who gets it; refreshing the lists does not.
        self.student.activated.connect(lambda _i: self.one.setChecked(True))
        line = self.student.lineEdit()
        if line is not None:
            line.textEdited.connect(lambda _t: self.one.setChecked(True))
        self.classes.activated.connect(lambda _i: self.a_class.setChecked(True))
        self.chosen_students.list.itemChanged.connect(lambda _i: self.chosen.setChecked(True))

        details = QGroupBox("About this letter")
        self.fields = FieldsForm()
        details_layout = QVBoxLayout(details)
        details_layout.addWidget(self.fields)

        options = QGroupBox("Options")
        self.easy_read = QCheckBox("&Easy-read version")
        self.use_email = QCheckBox("Send by e&mail to families who prefer it")
        self.use_email.setChecked(True)
        self.email_note = QLabel()
        self.email_note.setWordWrap(True)
        self.email_note.setStyleSheet("color: #8a4b00")
        self.labels = QCheckBox("Address &labels for plain envelopes")
        options_layout = QVBoxLayout(options)
        for widget in (self.easy_read, self.use_email, self.email_note, self.labels):
            options_layout.addWidget(widget)

        self.errors = ErrorBanner()
        self.check = QPushButton("&Check who gets it…")
        self.check.setObjectName("checkRun")
        self.check.setDefault(True)

        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow("&Letter or form:", self.template)
        form.addRow("", self.description)
        layout.addLayout(form)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(who, 1)
        right = QVBoxLayout()
        right.addWidget(details)
        right.addWidget(options)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout.addLayout(columns, 1)
        layout.addWidget(self.errors)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.check)
        layout.addLayout(buttons)
        self.template.currentIndexChanged.connect(lambda _i: self._template_changed())
        self.load()

    def load(self) -> None:
        services, actor = self.ctx.services, self.ctx.actor
        self.template.blockSignals(True)
        self.template.clear()
        for info in services.letters.templates(actor):
            self._templates[info.id] = info
            self.template.addItem(info.title, info.id)
        self.template.blockSignals(False)
        self.refresh_students()
        self.classes.clear()
        mine = services.students.my_class_ids(actor)
        everyone = actor.can(Permission.VIEW_ALL_CLASSES)
        for option in services.students.classes(actor):
            if everyone or option.id in mine:
                self.classes.addItem(option.label, option.id)
        if mine:
            index = self.classes.findData(next(iter(sorted(mine))))
            if index >= 0:
                self.classes.setCurrentIndex(index)
        self.refresh_email()
        self._template_changed()

    def refresh_students(self) -> None:
        """The student pickers again (after students or families changed); what is typed and
        ticked stays."""
        chosen = self.chosen_students.chosen()
        picks = self.ctx.services.letters.student_choices(self.ctx.actor)
        self.student.set_students(picks)
        self.chosen_students.set_students(picks)
        self.chosen_students.set_chosen(chosen)

    def refresh_email(self) -> None:
        usable, reason = self.ctx.services.mail.usable(self.ctx.actor)
        self.email_note.setText("" if usable else reason + " Everyone gets a printed copy.")
        self.email_note.setVisible(not usable)

    def template_id(self) -> str:
        return str(self.template.currentData())

    def select_template(self, template_id: str) -> None:
        index = self.template.findData(template_id)
        if index < 0:
            raise KeyError(template_id)
        self.template.setCurrentIndex(index)

    def _template_changed(self) -> None:
        info = self._templates.get(self.template_id())
        if info is None:
            return
        self.errors.clear()  # before the fields it may have marked are replaced
        self.errors.hide()
        self.description.setText(info.description)
        self.fields.set_fields(info.extra_fields)
        self.easy_read.setEnabled(info.has_easy_read)
        if not info.has_easy_read:
            self.easy_read.setChecked(False)

    def selection(self) -> Selection:
        if self.one.isChecked():
            sid = self.student.student_id()
            if sid is None:
                raise errors.ValidationError("Student", "choose a student")
            return Selection.student(sid)
        if self.a_class.isChecked():
            cid = self.classes.currentData()
            if cid is None:
                raise errors.ValidationError("Class", "choose a class")
            return Selection.school_class(int(cid))
        if self.chosen.isChecked():
            return Selection.students(self.chosen_students.chosen())
        return Selection.whole_school()

    def options(self) -> RunOptions:
        return RunOptions(
            easy_read=self.easy_read.isChecked(),
            use_email=self.use_email.isChecked(),
            address_labels=self.labels.isChecked(),
        )


# -- step 2: the run screen ------------------------------------------------------------------


def _exclusion_columns() -> list[LazyColumn[Exclusion]]:
    return [
        LazyColumn("student", "Student", lambda e: e.student_name),
        LazyColumn("class", "Class", lambda e: e.class_name),
        LazyColumn("carer", "Carer", lambda e: e.carer_name),
        LazyColumn(
            "reason", "Why not", lambda e: e.reason.label + (f": {e.detail}" if e.detail else "")
        ),
    ]


def _attention_columns() -> list[LazyColumn[Attention]]:
    return [
        LazyColumn("student", "Student", lambda a: a.student_name),
        LazyColumn("class", "Class", lambda a: a.class_name),
        LazyColumn("reason", "What to check", lambda a: a.reason.label),
        LazyColumn("detail", "Details", lambda a: a.detail),
    ]


class PlanPage(QWidget):
    """The run screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan: RunPlan | None = None
        self.heading = QLabel()
        self.heading.setObjectName("runHeading")
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold")
        self.summary = QLabel()
        self.summary.setObjectName("runSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.problem = QLabel()
        self.problem.setObjectName("runProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b71c1c; font-weight: bold")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("runTabs")
        self.copies_model, self.copies_proxy, self.copies_view = lazy_table(
            copy_columns(), lambda c: c.position, "runCopies"
        )
        self.bilingual_model, _, self.bilingual_view = lazy_table(
            copy_columns(), lambda c: c.position, "runBilingual"
        )
        self.email_model, _, self.email_view = lazy_table(
            copy_columns(), lambda c: c.position, "runEmail"
        )
        self.aloud_model, _, self.aloud_view = lazy_table(
            copy_columns(), lambda c: c.position, "runReadAloud"
        )
        self.excluded_model, _, self.excluded_view = lazy_table(
            _exclusion_columns(), lambda e: (e.student_id, e.carer_id), "runExcluded"
        )
        self.attention_model, _, self.attention_view = lazy_table(
            _attention_columns(), lambda a: (a.student_id, a.reason.value), "runAttention"
        )
        self.back = QPushButton("&Back")
        self.confirm = QPushButton("&Send and make the PDF")
        self.confirm.setObjectName("confirmRun")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.problem)
        layout.addWidget(self.tabs, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm)
        layout.addLayout(buttons)

    def show_plan(self, plan: RunPlan) -> None:
        self.plan = plan
        self.heading.setText(f"{plan.template_title} — {plan.scope}")
        self.summary.setText(summary_html(plan))
        self.problem.setText(plan.empty_reason)
        self.problem.setVisible(bool(plan.empty_reason))
        self.confirm.setEnabled(bool(plan.copies))
        if plan.email_copies and plan.print_copies:
            self.confirm.setText("&Confirm: send the emails and make the PDF")
        elif plan.email_copies:
            self.confirm.setText("&Confirm: send the emails")
        else:
            self.confirm.setText("&Confirm: make the PDF to print")
        self.tabs.clear()
        tables = (
            (self.copies_model, self.copies_view, plan.copies, "Copies"),
            (self.bilingual_model, self.bilingual_view, plan.bilingual_copies, "With English"),
            (self.email_model, self.email_view, plan.email_copies, "By email"),
            (self.aloud_model, self.aloud_view, plan.read_aloud, "To read aloud"),
            (self.excluded_model, self.excluded_view, plan.excluded, "Left out"),
            (self.attention_model, self.attention_view, plan.attention, "Needs attention"),
        )
        for model, view, rows, title in tables:
            model.set_ids([])
            model.set_rows(rows)
            fit_columns(view)
            self.tabs.addTab(view, f"{title} ({len(rows)})")


def summary_html(plan: RunPlan) -> str:
    copies = len(plan.copies)
    printed = len(plan.print_copies)
    emailed = len(plan.email_copies)
    lines = [
        f"<b>{copies} {'copy' if copies == 1 else 'copies'}</b> for {plan.students} "
        f"student{'s' if plan.students != 1 else ''}: {printed} printed, {emailed} by email."
    ]
    if plan.languages:
        langs = ", ".join(f"{name} {n}" for name, n in plan.languages)
        lines.append(f"Languages: {langs}.")
    if plan.bilingual_copies:
        lines.append(
            f"{len(plan.bilingual_copies)} printed with English beside the home language "
            "(see the “With English” tab for why)."
        )
    if plan.read_aloud:
        lines.append(
            f"{len(plan.read_aloud)} household(s) need the letter read aloud: their class "
            "teachers will be asked to phone them."
        )
    if plan.excluded:
        lines.append(f"{len(plan.excluded)} carer(s) left out, each with the reason.")
    if plan.attention:
        lines.append(f"<span style='color:#8a4b00'>{len(plan.attention)} to check.</span>")
    if plan.email_note:
        lines.append(f"<span style='color:#8a4b00'>{plan.email_note} Everyone gets paper.</span>")
    if plan.has_return_slip:
        lines.append("Each copy has a return slip with its own code.")
    lines.append("Nothing is sent or printed until you confirm.")
    return "<br>".join(lines)


# -- step 3: producing ---------------------------------------------------------------------------


class ProducePage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = QLabel()
        self.status.setObjectName("produceStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.cancel = QPushButton("Ca&ncel")
        self.emails = QLabel()
        self.emails.setObjectName("emailResults")
        self.emails.setWordWrap(True)
        self.emails.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview = PdfPreview()
        self.print_button = QPushButton("&Print…")
        self.save_button = QPushButton("Save as &PDF…")
        self.labels_button = QPushButton("Save address &labels…")
        self.finish = QPushButton("&Finish")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.progress, 1)
        top.addWidget(self.cancel)
        layout.addWidget(self.status)
        layout.addLayout(top)
        layout.addWidget(self.emails)
        layout.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        for button in (self.print_button, self.save_button, self.labels_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.finish)
        layout.addLayout(buttons)

    def busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel.setVisible(busy)
        self.cancel.setEnabled(busy)
        for button in (self.print_button, self.save_button, self.labels_button, self.finish):
            button.setEnabled(not busy)


class RunPage(QWidget):
    """The three steps of sending a letter, one after the other."""

    planned = Signal(object)  # RunPlan
    produced_ready = Signal(object)  # ProducedRun
    recorded = Signal(object)  # RecordResult
    failed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.choose = ChoosePage(ctx)
        self.plan_page = PlanPage()
        self.produce_page = ProducePage()
        self.stack = QStackedWidget()
        for page in (self.choose, self.plan_page, self.produce_page):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.operation: Operation | None = None
        self.produced: ProducedRun | None = None
        self.result: RecordResult | None = None
        self.print_job: PrintJob | None = None
        self._reminder_of: int | None = None
        self._only: list[tuple[int, int | None]] | None = None

        self.choose.check.clicked.connect(self.check_plan)
        self.plan_page.back.clicked.connect(lambda: self.stack.setCurrentWidget(self.choose))
        self.plan_page.confirm.clicked.connect(self.confirm)
        self.produce_page.cancel.clicked.connect(self._cancel)
        self.produce_page.print_button.clicked.connect(self.print_run)
        self.produce_page.save_button.clicked.connect(self.save_run)
        self.produce_page.labels_button.clicked.connect(self.save_labels)
        self.produce_page.finish.clicked.connect(self.start_again)
        ctx.hub.changed.connect(self._on_hub)

    def _on_hub(self, topic: str) -> None:
        if topic == "mail":
            self.choose.refresh_email()
        elif topic in {"students", "families"}:
            self.choose.refresh_students()

    # -- step 1 -> 2 -------------------------------------------------------------------------
    def check_plan(self) -> None:
        choose = self.choose
        choose.errors.clear()
        choose.errors.hide()
        try:
            selection = choose.selection()
        except errors.KnownError as exc:
            choose.errors.show_error(exc)
            return
        template_id, values, options = (
            choose.template_id(),
            choose.fields.values(),
            choose.options(),
        )
        note = ""
        if options.use_email:
            usable, reason = self.ctx.services.mail.usable(self.ctx.actor)
            note = "" if usable else reason
        service, actor = self.ctx.services.letter_runs, self.ctx.actor
        reminder_of, only = self._reminder_of, self._only

        def work(_p: Callable[[int, int], None], _c: Callable[[], bool]) -> RunPlan:
            return service.plan(
                actor,
                template_id,
                selection,
                values,
                options,
                email_note=note,
                reminder_of=reminder_of,
                only=only,
            )

        choose.check.setEnabled(False)
        self.operation = Operation(work)
        self.operation.succeeded.connect(self._planned)
        self.operation.failed.connect(self._plan_failed)
        self.operation.start()

    def _planned(self, plan: object) -> None:
        assert isinstance(plan, RunPlan)
        self.choose.check.setEnabled(True)
        self.plan_page.show_plan(plan)
        self.stack.setCurrentWidget(self.plan_page)
        self.planned.emit(plan)

    def _plan_failed(self, exc: object) -> None:
        assert isinstance(exc, BaseException)
        self.choose.check.setEnabled(True)
        if isinstance(exc, errors.KnownError):
            self.choose.errors.show_error(exc, self.choose.fields.by_label())
        else:
            show_error(self, exc)
        self.failed.emit(exc)

    def plan_reminder(self, run_id: int) -> None:
        """Go straight to the run screen for a reminder to households still missing."""
        services, actor = self.ctx.services, self.ctx.actor
        template_id, students, keys = services.returns.reminder_keys(actor, run_id)
        if not students:
            show_error(self, errors.KnownError("Every slip of that run has come back."))
            return
        self.choose.select_template(template_id)
        self.choose.fields.set_values(services.letter_runs.run_values(actor, run_id))
        self.choose.chosen.setChecked(True)
        self.choose.chosen_students.set_chosen(students)
        self._reminder_of, self._only = run_id, keys
        try:
            self.check_plan()
        finally:
            self._reminder_of, self._only = None, None

    # -- step 2 -> 3 -------------------------------------------------------------------------
    def confirm(self) -> None:
        plan = self.plan_page.plan
        if plan is None or not plan.copies:
            return
        mailer: SmtpMailer | None = None
        if plan.email_copies:
            try:
                mailer = self.ctx.services.mail.mailer(self.ctx.actor)
            except errors.KnownError:
                mailer = None  # every email copy goes on the print pile, with the reason
        service, actor = self.ctx.services.letter_runs, self.ctx.actor

        def work(
            progress: Callable[[int, int], None], cancelled: Callable[[], bool]
        ) -> ProducedRun:
            try:
                return service.produce(actor, plan, mailer, progress, cancelled)
            finally:
                if mailer is not None:
                    mailer.close()

        page = self.produce_page
        page.preview.show_message("Making the letters…")
        page.emails.setText("")
        page.status.setText(
            f"{plan.template_title}: sending {len(plan.email_copies)} email(s), then making "
            f"{len(plan.print_copies)} printed copies…"
        )
        page.progress.setRange(0, max(1, len(plan.copies)))
        page.progress.setValue(0)
        page.busy(True)
        self.produced = None
        self.result = None
        self.stack.setCurrentWidget(page)
        self.operation = Operation(work)
        self.operation.progressed.connect(lambda done, total: self._progress(done, total))
        self.operation.succeeded.connect(self._produced)
        self.operation.failed.connect(self._produce_failed)
        self.operation.start()

    def _progress(self, done: int, total: int) -> None:
        self.produce_page.progress.setRange(0, max(1, total))
        self.produce_page.progress.setValue(done)

    def _cancel(self) -> None:
        if self.operation is not None:
            self.operation.cancel()
            self.produce_page.cancel.setEnabled(False)
            self.produce_page.status.setText("Stopping…")

    def _produced(self, produced: object) -> None:
        assert isinstance(produced, ProducedRun)
        self.produced = produced
        page = self.produce_page
        page.busy(False)
        page.labels_button.setVisible(bool(produced.labels_pdf))
        page.emails.setText(email_html(produced))
        if produced.pdf:
            page.preview.set_pdf(produced.pdf)
            page.status.setText(
                f"{len(produced.print_copies)} copies to print, sorted by class and family. "
                "They are recorded as sent when they go to the printer or are saved."
            )
        else:
            page.preview.show_message("Nothing to print: every copy went by email.")
            page.status.setText("Every copy went by email.")
        page.print_button.setEnabled(bool(produced.pdf))
        page.save_button.setEnabled(bool(produced.pdf))
        if produced.emailed:
            self.ctx.hub.changed.emit("letters")
        self.produced_ready.emit(produced)

    def _produce_failed(self, exc: object) -> None:
        assert isinstance(exc, BaseException)
        page = self.produce_page
        page.busy(False)
        page.print_button.setEnabled(False)
        page.save_button.setEnabled(False)
        page.labels_button.setVisible(False)
        if isinstance(exc, errors.Cancelled):
            page.status.setText(
                "Stopped. No printed copy was recorded; emails already sent are on record."
            )
        elif isinstance(exc, errors.KnownError):
            page.status.setText(exc.message)
        else:
            page.status.setText("Making the letters failed.")
            show_error(self, exc)
        page.preview.show_message("No letters were made.")
        self.ctx.hub.changed.emit("letters")
        self.failed.emit(exc)

    # -- printing and saving ---------------------------------------------------------------------
    def print_run(self) -> None:
        produced = self.produced
        if produced is None or not produced.pdf:
            return
        printer = Printing.ask_printer(self, self.produce_page.preview.page_count())
        if printer is None:
            self.produce_page.status.setText("Printing was cancelled: nothing was recorded.")
            return
        job = start_printing(self, produced.pdf, printer)
        if job is None:
            return
        self.print_job = job
        job.finished.connect(self._printed)

    def _printed(self, ok: bool) -> None:
        if not ok:
            self.produce_page.status.setText("Printing was stopped: nothing was recorded.")
            return
        self._record()

    def save_run(self) -> None:
        produced = self.produced
        if produced is None or not produced.pdf:
            return
        name = f"{produced.plan.template_id}-{produced.plan.scope}.pdf"
        path = SaveAs.ask_path(self, name.replace(" ", "-").replace(":", ""))
        if path is None:
            return
        try:
            path.write_bytes(produced.pdf)
        except OSError as exc:
            show_error(self, errors.KnownError(f"Cannot save {path}: {exc.strerror}"))
            return
        self._record()

    def save_labels(self) -> None:
        produced = self.produced
        if produced is None or not produced.labels_pdf:
            return
        path = SaveAs.ask_path(self, f"{produced.plan.template_id}-labels.pdf")
        if path is None:
            return
        try:
            path.write_bytes(produced.labels_pdf)
        except OSError as exc:
            show_error(self, errors.KnownError(f"Cannot save {path}: {exc.strerror}"))

    def _record(self) -> None:
        produced = self.produced
        if produced is None:
            return
        try:
            result = self.ctx.services.letter_runs.record_printed(self.ctx.actor, produced)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.result = result
        text = (
            f"Recorded: {result.recorded} printed copies."
            if result.recorded
            else ("These copies were already recorded.")
        )
        if result.follow_ups:
            text += f" {result.follow_ups} follow-up call(s) added to class teachers' lists."
        if result.problems:
            text += " " + " ".join(result.problems)
        self.produce_page.status.setText(text)
        self.ctx.hub.changed.emit("letters")
        if result.follow_ups:
            self.ctx.hub.changed.emit("followups")
        self.recorded.emit(result)

    def start_again(self) -> None:
        if not self.may_close():
            return
        self.produced = None
        self.result = None
        self.stack.setCurrentWidget(self.choose)

    def unrecorded(self) -> int:
        """Printed copies made but neither printed nor saved, so not on record."""
        produced = self.produced
        if produced is None or not produced.print_copies or self.result is not None:
            return 0
        return len(produced.print_copies)

    def may_close(self) -> bool:
        waiting = self.unrecorded()
        if not waiting:
            return True
        return CloseAnyway.ask(
            self,
            f"{waiting} letters were made but not printed or saved, so they are not on record "
            "as sent.",
        )


def email_html(produced: ProducedRun) -> str:
    if not produced.emails:
        return ""
    lines = [f"<b>Emails: {len(produced.emailed)} sent</b>"]
    for outcome in produced.email_failures:
        lines.append(
            f"<span style='color:#b71c1c'>Not sent to {outcome.addressee} "
            f"({', '.join(outcome.email_to)}): {outcome.problem} A printed copy is on the pile."
            "</span>"
        )
    return "<br>".join(lines)

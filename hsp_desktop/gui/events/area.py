"""The "Events" area: coffee mornings, workshops, open evenings, performances and the award
ceremony; who is invited (by class or everyone) and who came; and each family's engagement
this year, so that families who never come can be reached another way."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.lazy_table import LazyColumn
from hsp_desktop.gui.meetings.common import (
    Confirm,
    RowsTable,
    day_text,
    from_qdate,
    from_qtime,
    long_day,
    time_text,
    to_qdate,
    to_qtime,
)
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.events import EngagementRow, EventDraft, EventKind, EventView

EVENT_COLUMNS: list[LazyColumn[EventView]] = [
    LazyColumn("day", "Date", lambda e: long_day(e.day), sort_key=lambda e: e.day),
    LazyColumn("time", "Time", lambda e: time_text(e.start_time)),
    LazyColumn("title", "Event", lambda e: e.title + (" (cancelled)" if e.cancelled else "")),
    LazyColumn("kind", "Kind", lambda e: e.kind.label),
    LazyColumn(
        "invited",
        "Invited",
        lambda e: str(e.invited),
        sort_key=lambda e: e.invited,
        align_right=True,
    ),
    LazyColumn(
        "came",
        "Came",
        lambda e: str(e.attended) if e.recorded else "",
        sort_key=lambda e: e.attended,
        align_right=True,
    ),
    LazyColumn(
        "interpreters",
        "Interpreters",
        lambda e: str(e.interpreters_needed) if e.interpreters_needed else "",
        sort_key=lambda e: e.interpreters_needed,
        align_right=True,
        tooltip=lambda e: "Invited families with a carer who needs an interpreter",
    ),
]
ENGAGEMENT_COLUMNS: list[LazyColumn[EngagementRow]] = [
    LazyColumn("family", "Family of", lambda r: r.student_name),
    LazyColumn("class", "Class", lambda r: r.class_name),
    LazyColumn("carers", "Parents and carers", lambda r: r.carers),
    LazyColumn("language", "Language help", lambda r: r.language),
    LazyColumn(
        "invited",
        "Invited",
        lambda r: str(r.invited),
        sort_key=lambda r: r.invited,
        align_right=True,
    ),
    LazyColumn(
        "came",
        "Came",
        lambda r: str(r.attended),
        sort_key=lambda r: r.attended,
        align_right=True,
        alert=lambda r: r.never,
    ),
    LazyColumn(
        "last", "Last came", lambda r: day_text(r.last_attended), sort_key=lambda r: r.last_attended
    ),
]


class EventDialog(QDialog):
    def __init__(
        self, ctx: AppContext, existing: EventView | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.existing = existing
        self.view: EventView | None = existing
        self.setWindowTitle("Event" if existing else "New event")
        form = QFormLayout(self)
        self.kind = QComboBox()
        self.kind.setObjectName("eventKind")
        for kind in EventKind:
            self.kind.addItem(kind.label, kind)
        self.title = QLineEdit()
        self.title.setObjectName("eventTitle")
        self.title.setPlaceholderText("Leave blank to use the kind's name")
        self.day = QDateEdit(to_qdate(ctx.services.events.today() + dt.timedelta(days=14)))
        self.day.setObjectName("eventDay")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd dd/MM/yyyy")
        self.start = QTimeEdit()
        self.start.setDisplayFormat("HH:mm")
        self.start.setTime(to_qtime(dt.time(9, 15)))
        self.place = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(80)
        form.addRow("&Kind:", self.kind)
        form.addRow("&Title:", self.title)
        form.addRow("&Date:", self.day)
        form.addRow("T&ime:", self.start)
        form.addRow("&Where:", self.place)
        form.addRow("&Notes:", self.notes)
        self.formal = QLabel("A formal event: arrange interpreters for families who need them.")
        self.formal.setWordWrap(True)
        self.formal.setStyleSheet("color: #8a4b00;")
        form.addRow("", self.formal)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b71c1c;")
        self.message.setWordWrap(True)
        form.addRow(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.kind.currentIndexChanged.connect(
            lambda: self.formal.setVisible(EventKind(self.kind.currentData()).is_formal)
        )
        if existing is not None:
            self.kind.setCurrentIndex(list(EventKind).index(existing.kind))
            self.title.setText(existing.title)
            self.day.setDate(to_qdate(existing.day))
            if existing.start_time:
                self.start.setTime(to_qtime(existing.start_time))
            self.place.setText(existing.place)
            self.notes.setPlainText(existing.notes)
        self.formal.setVisible(EventKind(self.kind.currentData()).is_formal)

    def draft(self) -> EventDraft:
        return EventDraft(
            EventKind(self.kind.currentData()),
            self.title.text(),
            from_qdate(self.day.date()),
            from_qtime(self.start.time()),
            self.place.text(),
            self.notes.toPlainText(),
        )

    def save(self) -> None:
        services, actor = self.ctx.services.events, self.ctx.actor
        try:
            if self.existing is None:
                self.view = services.create(actor, self.draft())
            else:
                self.view = services.update(
                    actor, self.existing.id, self.existing.version, self.draft()
                )
        except errors.ConflictError as exc:
            show_error(self, exc)
            self.reject()
            return
        except errors.KnownError as exc:
            self.message.setText(exc.message)
            return
        self.ctx.hub.changed.emit("events")
        self.accept()


class InviteDialog(QDialog):
    """Invite the families of whole classes, or everyone."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Invite families")
        layout = QVBoxLayout(self)
        self.everyone = QCheckBox("&Every family in the school")
        layout.addWidget(self.everyone)
        layout.addWidget(QLabel("Or the families of these &classes:"))
        self.classes = QListWidget()
        self.classes.setObjectName("inviteClasses")
        seen: dict[int, str] = {}
        for choice in ctx.services.contacts.students(ctx.actor):
            if choice.class_id is not None:
                seen[choice.class_id] = choice.class_name
        for class_id, name in sorted(seen.items(), key=lambda kv: kv[1]):
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, class_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.classes.addItem(item)
        layout.addWidget(self.classes)
        self.everyone.toggled.connect(lambda on: self.classes.setEnabled(not on))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def class_ids(self) -> list[int]:
        result = []
        for row in range(self.classes.count()):
            item = self.classes.item(row)
            if item is not None and item.checkState() is Qt.CheckState.Checked:
                result.append(item.data(Qt.ItemDataRole.UserRole))
        return result


class EventsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None
        may = ctx.actor.can(Permission.MANAGE_MEETINGS)
        layout = QVBoxLayout(self)
        splitter = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("Events this academic year"))
        self.events: RowsTable[EventView] = RowsTable(
            EVENT_COLUMNS, key=lambda e: e.id, name="eventList", stretch=2, parent=self
        )
        self.events.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.events.view.doubleClicked.connect(lambda _i: self.edit_event())
        left_layout.addWidget(self.events.view, 1)
        line = QHBoxLayout()
        new = QPushButton("&New event…")
        new.clicked.connect(self.new_event)
        edit = QPushButton("&Edit…")
        edit.clicked.connect(self.edit_event)
        cancel = QPushButton("Ca&ncel event")
        cancel.clicked.connect(self.cancel_event)
        for button in (new, edit, cancel):
            button.setEnabled(may)
            line.addWidget(button)
        line.addStretch(1)
        left_layout.addLayout(line)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        self.event_label = QLabel("Choose an event.")
        self.event_label.setObjectName("eventHeading")
        self.event_label.setWordWrap(True)
        right_layout.addWidget(self.event_label)
        self.guests = QTableWidget(0, 5)
        self.guests.setObjectName("eventGuests")
        self.guests.setHorizontalHeaderLabels(
            ["Came", "Family of", "Class", "Carers", "Language help"]
        )
        self.guests.verticalHeader().hide()
        self.guests.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.guests.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.guests.horizontalHeader().setStretchLastSection(True)
        right_layout.addWidget(self.guests, 1)
        line = QHBoxLayout()
        self.invite_button = QPushButton("&Invite…")
        self.invite_button.clicked.connect(self.invite)
        self.save_attendance = QPushButton("&Save attendance")
        self.save_attendance.setObjectName("saveAttendance")
        self.save_attendance.clicked.connect(self.record_attendance)
        for button in (self.invite_button, self.save_attendance):
            button.setEnabled(may)
            line.addWidget(button)
        line.addStretch(1)
        right_layout.addLayout(line)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 640])
        tabs = QTabWidget()
        tabs.addTab(splitter, "&Events")
        tabs.addTab(self._engagement_tab(), "Family en&gagement")
        layout.addWidget(tabs)
        self.events.view.selectionModel().selectionChanged.connect(lambda *_a: self._show_guests())
        ctx.hub.changed.connect(lambda topic: self.refresh() if topic == "events" else None)
        self.refresh()

    def _engagement_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.never_only = QCheckBox("Only families who were invited and &never came")
        self.never_only.setObjectName("neverOnly")
        layout.addWidget(self.never_only)
        self.engagement: RowsTable[EngagementRow] = RowsTable(
            ENGAGEMENT_COLUMNS,
            key=lambda r: r.student_id,
            name="engagement",
            stretch=2,
            parent=self,
        )
        layout.addWidget(self.engagement.view, 1)
        self.never_only.toggled.connect(
            lambda on: self.engagement.proxy.set_predicate((lambda r: r.never) if on else None)
        )
        return page

    def refresh(self) -> None:
        try:
            events = self.ctx.services.events.events(self.ctx.actor)
            engagement = self.ctx.services.events.engagement(self.ctx.actor)
        except errors.KnownError as exc:
            self.event_label.setText(exc.message)
            return
        self.events.set_rows(events)
        self.engagement.set_rows(engagement)
        self._show_guests()

    def _show_guests(self) -> None:
        event = self.events.selected()
        self.guests.setRowCount(0)
        if event is None:
            self.event_label.setText("Choose an event.")
            return
        happened = event.day <= self.ctx.services.events.today()
        self.event_label.setText(
            f"<b>{event.title}</b>, {long_day(event.day)} {time_text(event.start_time)}"
            f" {event.place}. {event.invited} families invited"
            + (f", {event.attended} came." if event.recorded else ".")
            + ("" if happened else " Attendance can be recorded on the day.")
        )
        try:
            guests = self.ctx.services.events.guests(self.ctx.actor, event.id)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        for guest in guests:
            row = self.guests.rowCount()
            self.guests.insertRow(row)
            came = QTableWidgetItem()
            came.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            came.setCheckState(Qt.CheckState.Checked if guest.attended else Qt.CheckState.Unchecked)
            came.setData(Qt.ItemDataRole.UserRole, guest.student_id)
            if not happened:
                came.setFlags(Qt.ItemFlag.NoItemFlags)
            self.guests.setItem(row, 0, came)
            for col, text in enumerate(
                (guest.student_name, guest.class_name, guest.carers, guest.language), start=1
            ):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.guests.setItem(row, col, item)
        self.save_attendance.setEnabled(happened and self.ctx.actor.can(Permission.MANAGE_MEETINGS))

    def new_event(self) -> None:
        self.dialog = EventDialog(self.ctx, None, self)
        self.dialog.open()

    def edit_event(self) -> None:
        event = self.events.selected()
        if event is not None:
            self.dialog = EventDialog(self.ctx, event, self)
            self.dialog.open()

    def cancel_event(self) -> None:
        event = self.events.selected()
        if event is None or event.cancelled:
            return
        if not Confirm.ask(self, "Cancel event", f"Cancel {event.title}?", "Cancel the event"):
            return
        try:
            self.ctx.services.events.set_cancelled(self.ctx.actor, event.id, event.version, True)
        except errors.KnownError as exc:
            show_error(self, exc)
        self.ctx.hub.changed.emit("events")

    def invite(self) -> None:
        event = self.events.selected()
        if event is None:
            return
        dialog = InviteDialog(self.ctx, self)
        self.dialog = dialog

        def done() -> None:
            try:
                added = self.ctx.services.events.invite(
                    self.ctx.actor,
                    event.id,
                    class_ids=dialog.class_ids(),
                    everyone=dialog.everyone.isChecked(),
                )
            except errors.KnownError as exc:
                show_error(self, exc)
                return
            self.event_label.setText(f"{added} more families invited.")
            self.ctx.hub.changed.emit("events")

        dialog.accepted.connect(done)
        dialog.open()

    def record_attendance(self) -> None:
        event = self.events.selected()
        if event is None:
            return
        attended: dict[int, bool | None] = {}
        for row in range(self.guests.rowCount()):
            item = self.guests.item(row, 0)
            if item is not None:
                attended[item.data(Qt.ItemDataRole.UserRole)] = (
                    item.checkState() is Qt.CheckState.Checked
                )
        try:
            self.ctx.services.events.record_attendance(self.ctx.actor, event.id, attended)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.ctx.hub.changed.emit("events")


def events_area(ctx: AppContext) -> QWidget:
    return EventsPage(ctx)

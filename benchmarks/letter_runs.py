"""A whole-school letter run, from confirm to PDF ready, against rendering the same pages.

    python benchmarks/letter_runs.py [--students 300] [--repeat 3]

Builds a generated school (the demo generator: mixed languages, separated parents, carers
who need large print or letters read aloud) in a temporary SQLite file, plans a whole-school
trip letter (one copy per household with parental responsibility, each in its language,
bilingual while the translation is a draft), then times, in the same run:

* the run as the program does it after the user confirms: ``LetterRunService.produce`` (merge
  data, return codes, the print pile as one PDF) — email is off so every copy is printed;
* the letter engine alone on the same letters: ``render_batch`` of the same jobs;
* bare reportlab setting the same lines of text in the same fonts (as benchmarks/letters.py
  does): no templates, no script runs, no bidi.

Reports medians and the ratios; the target is the run at most 1.5x rendering alone (checked
against both the letter engine and bare reportlab). Then
runs the same production through the GUI's ``Operation`` while a QTimer ticks every 10 ms on
the GUI thread, and reports the longest gap between ticks (target under 100 ms), including
showing the finished PDF in the QtPdf preview.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from hsp_desktop.documents import LetterJob, Trace, Variant, fonts, render_batch
from hsp_desktop.documents.textflow import Writing
from hsp_desktop.services.actor import SYSTEM
from hsp_desktop.services.container import Services
from hsp_desktop.services.demo import create_demo_school
from hsp_desktop.services.letter_runs import RunPlan, Selection
from hsp_desktop.store import Database, sqlite_url
from hsp_desktop.store.migrate import upgrade

TRIP = {
    "trip_place": "Dover Castle",
    "trip_date": "14/07/2026",
    "leave_time": "09:30",
    "return_time": "15:00",
    "travel": "coach",
    "bring": "a packed lunch, a coat and a drink",
    "reply_by": "07/07/2026",
}


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def school(folder: Path, students: int) -> Services:
    db = Database(sqlite_url(folder / "school.sqlite3"))
    upgrade(db)
    create_demo_school(db, students, with_accounts=False)
    return Services.build(db)


def jobs_of(services: Services, plan: RunPlan) -> list[LetterJob]:
    from hsp_desktop.documents import load_template_text

    template = load_template_text(plan.template_source, plan.template_id)
    contexts = services.letter_runs._contexts(plan, plan.copies)
    return [
        LetterJob(
            template,
            context,
            copy.language,
            Variant(copy.bilingual, copy.large_print, copy.easy_read),
            copy.return_code,
        )
        for copy, context in zip(plan.copies, contexts, strict=True)
    ]


def lines_of(jobs: list[LetterJob]) -> list[tuple[str, list[tuple[str, float]]]]:
    """The text each letter puts on paper, line by line with its size, for bare reportlab."""
    out = []
    for job in jobs:
        trace = Trace()
        render_batch([job], trace=trace)
        out.append((job.language, [(line.text, line.size or 11.0) for line in trace.lines]))
    return out


def bare_reportlab(letters: list[tuple[str, list[tuple[str, float]]]]) -> bytes:
    styles: dict[tuple[str, float], ParagraphStyle] = {}
    story = []
    for i, (language, lines) in enumerate(letters):
        if i:
            story.append(PageBreak())
        for text, size in lines:
            key = (language, size)
            if key not in styles:
                face = fonts.font(Writing.of(language).face)
                styles[key] = ParagraphStyle(
                    f"{language}-{size}",
                    fontName=face.rl_name,
                    fontSize=size,
                    leading=size * face.face.line_height,
                    shaping=1,
                )
            story.append(Paragraph(escape(text), styles[key]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


def responsiveness(services: Services, plan: RunPlan) -> tuple[float, float, int]:
    """(longest gap between 10 ms ticks while producing, the same while showing the PDF,
    ticks seen), the run going through the GUI's Operation as the run page does it."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from hsp_desktop.gui.common.operations import Operation
    from hsp_desktop.gui.letters.pdf_view import PdfPreview

    app = QApplication.instance() or QApplication([])
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    done: list[object] = []
    loop = QEventLoop()
    operation = Operation(
        lambda progress, cancelled: services.letter_runs.produce(
            SYSTEM, plan, None, progress, cancelled
        )
    )
    operation.succeeded.connect(done.append)
    operation.failed.connect(done.append)
    operation.finished.connect(loop.quit)
    progress_seen: list[int] = []
    operation.progressed.connect(lambda d, _t: progress_seen.append(d))
    timer.start()
    operation.start()
    loop.exec()
    app.processEvents()
    produce_gap = max(b - a for a, b in itertools.pairwise(ticks)) if len(ticks) > 1 else 0.0
    count = len(ticks)
    produced = done[0]
    if isinstance(produced, BaseException):
        raise produced
    ticks.clear()
    preview = PdfPreview()
    preview.resize(900, 1000)
    preview.show()
    start = time.perf_counter()
    ticks.append(start)
    QTimer.singleShot(0, lambda: preview.set_pdf(produced.pdf))  # type: ignore[attr-defined]
    end = time.perf_counter() + 1.0
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    timer.stop()
    show_gap = max(b - a for a, b in itertools.pairwise(ticks)) if len(ticks) > 1 else 0.0
    return produce_gap, show_gap, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HSP_DESKTOP_HOME"] = tmp
        services = school(Path(tmp), args.students)
        summary = services.school.summary(SYSTEM)
        plan = services.letter_runs.plan(
            SYSTEM,
            "trip_permission",
            Selection.whole_school(),
            TRIP,
            email_note="(email off for the benchmark)",
        )
        langs = Counter(c.language_name for c in plan.copies)
        jobs = jobs_of(services, plan)
        produced = services.letter_runs.produce(SYSTEM, plan)  # warm-up: fonts, templates
        letters = lines_of(jobs)
        bare_reportlab(letters[:4])

        ours = [
            timed(lambda: services.letter_runs.produce(SYSTEM, plan)) for _ in range(args.repeat)
        ]
        engine = [timed(lambda: render_batch(jobs)) for _ in range(args.repeat)]
        bare = [timed(lambda: bare_reportlab(letters)) for _ in range(args.repeat)]
        record = timed(lambda: services.letter_runs.record_printed(SYSTEM, produced))
        produce_gap, show_gap, ticks = responsiveness(services, plan)

    run, alone, plain = (statistics.median(x) for x in (ours, engine, bare))

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print(
        f"school                 {summary.students_on_roll} students, {summary.households} "
        f"households, {summary.carers} carers"
    )
    print(
        f"run                    {len(plan.copies)} copies ({len(plan.bilingual_copies)} "
        f"bilingual, {sum(c.large_print for c in plan.copies)} large print), "
        f"{len(plan.excluded)} carers left out, {len(plan.attention)} students to check"
    )
    print("languages              " + ", ".join(f"{k} {n}" for k, n in langs.most_common()))
    print(f"PDF                    {len(produced.pdf) / 1e6:.1f} MB")
    rate = len(plan.copies) / run
    print(f"run: confirm to PDF    {run:.2f} s median of {args.repeat}  ({rate:.0f} copies/s)")
    print(
        f"letter engine alone    {alone:.2f} s  (run / engine {run / alone:.2f}; target <= 1.5: "
        f"{verdict(run / alone <= 1.5)})"
    )
    ratio = run / plain
    print(
        f"bare reportlab         {plain:.2f} s  (run / bare {ratio:.2f}; target <= 1.5: "
        f"{verdict(ratio <= 1.5)})"
    )
    print(f"recording the copies   {record:.2f} s")
    print(
        f"UI while producing     longest gap {produce_gap * 1000:.0f} ms between 10 ms ticks "
        f"({ticks} ticks; target < 100: {verdict(produce_gap < 0.1)})"
    )
    print(
        f"UI showing the PDF     longest gap {show_gap * 1000:.0f} ms (target < 100: "
        f"{verdict(show_gap < 0.1)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

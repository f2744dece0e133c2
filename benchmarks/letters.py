"""How fast letters print, against bare reportlab setting the same text in the same fonts.

    python benchmarks/letters.py [--letters 300] [--repeat 3]

Renders a batch of one-page letters in mixed languages (a third Urdu, right to left; a third
Bengali, an Indic script; a third English and Polish) into one PDF with the public API, then
sets the same lines of text with plain reportlab paragraphs (same fonts, HarfBuzz shaping on,
no templates, no script runs, no bidi). Reports the median time of each, the throughput ratio
(ours / bare; target at least 0.6) and the peak memory of the process (target at most 300 MB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from hsp_desktop.documents import (
    LetterJob,
    Student,
    Trace,
    Variant,
    fonts,
    load_templates,
    preview_context,
    render_batch,
)
from hsp_desktop.documents.textflow import Writing

LANGUAGES = ("URD", "BNG", "ENG", "URD", "BNG", "POL")
FIRST_NAMES = ("Amira", "Oliver", "Zofia", "Rahim", "Maya", "Kacper", "Ayesha", "Tomasz", "Nadia")
LAST_NAMES = ("Khan", "Nowak", "Begum", "Smith", "Kowalska", "Ahmed", "Jones", "Uddin")
TEMPLATE = "attendance"


def make_jobs(count: int) -> list[LetterJob]:
    template = load_templates()[TEMPLATE]
    base = preview_context(template)
    jobs = []
    for i in range(count):
        student = Student(
            FIRST_NAMES[i % len(FIRST_NAMES)],
            LAST_NAMES[i % len(LAST_NAMES)],
            class_name=f"Class {i % 12 + 1}",
        )
        extra = {**base.extra, "attendance_percent": 80 + (i % 20), "days_missed": i % 9 + 1}
        context = replace(
            base,
            student=student,
            students=(student,),
            extra=extra,
            letter_date=dt.date(2025, 3, 3) + dt.timedelta(days=i % 20),
        )
        jobs.append(
            LetterJob(template, context, LANGUAGES[i % len(LANGUAGES)], Variant(), f"B{i:03d}-TEST")
        )
    return jobs


def rendered_lines(jobs: list[LetterJob]) -> list[tuple[str, list[str]]]:
    """The text each letter puts on paper, line by line, to feed bare reportlab."""
    out = []
    for job in jobs:
        trace = Trace()
        render_batch([job], trace=trace)
        out.append((job.language, [line.text for line in trace.lines]))
    return out


def bare_reportlab(letters: list[tuple[str, list[str]]]) -> bytes:
    styles: dict[str, ParagraphStyle] = {}
    for language in set(LANGUAGES):
        face = fonts.font(Writing.of(language).face)
        styles[language] = ParagraphStyle(
            language,
            fontName=face.rl_name,
            fontSize=11,
            leading=11 * face.face.line_height,
            shaping=1,
        )
    story = []
    for i, (language, lines) in enumerate(letters):
        if i:
            story.append(PageBreak())
        story.extend(Paragraph(escape(text), styles[language]) for text in lines)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    jobs = make_jobs(args.letters)
    pdf = render_batch(jobs)  # warm-up: fonts loaded, templates compiled
    letters = rendered_lines(jobs)
    bare_reportlab(letters[:6])

    ours = [timed(lambda: render_batch(jobs)) for _ in range(args.repeat)]
    bare = [timed(lambda: bare_reportlab(letters)) for _ in range(args.repeat)]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    ours_median = statistics.median(ours)
    bare_median = statistics.median(bare)
    ratio = bare_median / ours_median

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    rate_ours = args.letters / ours_median
    rate_bare = args.letters / bare_median
    print(f"letters per run        {args.letters} (Urdu, Bengali, English/Polish in thirds)")
    print(f"batch PDF size         {len(pdf) / 1e6:.1f} MB")
    print(f"ours, median           {ours_median:.2f} s  ({rate_ours:.0f} letters/s)")
    print(f"bare reportlab, median {bare_median:.2f} s  ({rate_bare:.0f} letters/s)")
    print(f"throughput ratio       {ratio:.2f}  (target >= 0.6: {verdict(ratio >= 0.6)})")
    print(f"peak memory            {peak_mb:.0f} MB  (target <= 300: {verdict(peak_mb <= 300)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

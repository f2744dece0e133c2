"""Template text runs in a sandbox; merge values print exactly as typed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hsp_desktop.documents import (
    TemplateError,
    Trace,
    load_template_text,
    render_letter,
    sample_context,
)
from tests.documents.conftest import pdf_text

SIMPLE = """
[template]
title = "Test"

[[body]]
type = "paragraph"
text = "Note: {{ extra.note }} for {{ student.name }}."
"""


def _template(body_text: str) -> str:
    head = '[template]\ntitle = "Custom"\n\n[[body]]\ntype = "paragraph"\n'
    return f'{head}text = """{body_text}"""\n'


LITERALS = ["{{7*7}}", "<b>bold?</b>", "Tom & Jerry", "{% if 1 %}x{% endif %}"]


@pytest.mark.parametrize("value", LITERALS)
def test_merge_values_print_literally(value: str, tmp_path: Path) -> None:
    template = load_template_text(SIMPLE, "custom")
    context = replace(sample_context(), extra={"note": value})
    trace = Trace()
    pdf = render_letter(template, context, "ENG", trace=trace)
    assert f"Note: {value} for Amira." in trace.text()
    assert "Note: 49" not in trace.text()
    if value == "{{7*7}}":
        assert "{{7*7}}" in pdf_text(pdf, tmp_path)


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ student.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ 'x' * 100000000 }}",
        "{{ 9 ** 9999999 }}",
        "{% for i in range(999999999) %}{% endfor %}",
    ],
)
def test_attacks_raise_a_template_error(attack: str) -> None:
    template = load_template_text(_template(attack), "custom")
    with pytest.raises(TemplateError):
        render_letter(template, sample_context(), "ENG")


def test_unknown_field_is_a_clear_error() -> None:
    template = load_template_text(_template("Hello {{ student.shoe_size }}"), "custom")
    with pytest.raises(TemplateError, match="field the letter does not have"):
        render_letter(template, sample_context(), "ENG")


@pytest.mark.parametrize(
    "text, message",
    [
        (_template("Hello {{ student.name "), "written wrongly"),
        ('[template]\ntitle = "x"\n[[body]]\ntype = "poem"\ntext = "a"\n', "unknown block type"),
        (
            '[template]\ntitle = "x"\ncolour = "red"\n[[body]]\ntype = "heading"\ntext = "a"\n',
            "unknown key",
        ),
        ("[template\n", "not valid TOML"),
    ],
)
def test_broken_templates_are_refused_on_load(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        load_template_text(text, "custom")


def test_fields_lists_what_a_template_reads() -> None:
    template = load_template_text(SIMPLE, "custom")
    assert template.fields == ("extra.note", "student.name")

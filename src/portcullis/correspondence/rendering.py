"""Letter rendering: a stored template version plus a context gives HTML; WeasyPrint gives the PDF.

Names are set in ``<bdi>`` with a ``lang`` and ``dir`` for their script, and the page fonts are the
Noto families (Latin, Cyrillic, Greek, Arabic, CJK), so a name prints as written.  A PDF that would
need a character no installed font has is refused rather than issued with boxes in it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from django.template import Context, Engine
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from portcullis.errors import FieldError, InvalidInput

from .text import script_of

LETTER_DIR = Path(__file__).resolve().parent / "templates" / "correspondence" / "letters"
LAYOUT_FILE = LETTER_DIR / "_layout.html"

_engine = None


def engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = Engine(libraries={"letters": "portcullis.correspondence.templatetags.letters"},
                         builtins=["portcullis.correspondence.templatetags.letters"], autoescape=True,
                         string_if_invalid="")
    return _engine


def source_files(code: str, language: str) -> tuple[str, str]:
    return (LETTER_DIR / f"{code}.{language}.html").read_text(encoding="utf-8"), LAYOUT_FILE.read_text(encoding="utf-8")


def content_hash(body: str, layout: str) -> str:
    return hashlib.sha256(layout.encode() + b"\0" + body.encode()).hexdigest()


def name_html(name: str, latin: str = "") -> str:
    lang, direction = script_of(name)
    if lang:
        html = format_html('<bdi class="name" dir="{}" lang="{}">{}</bdi>', direction, lang, name)
    else:
        html = format_html('<bdi class="name" dir="auto">{}</bdi>', name)
    if latin and latin != name:
        html = format_html("{} ({})", html, latin)
    return mark_safe(html)


def render_html(body_source: str, layout_source: str, context: dict, *, title: str, lang: str, draft: bool) -> str:
    person = context.get("person") or {}
    values = dict(context)
    values.update(lang=lang, title=title, draft=draft,
                  name_html=name_html(str(person.get("name", "")), str(person.get("latin", ""))))
    body = engine().from_string(body_source).render(Context(values))
    values["body"] = mark_safe(body)
    html = engine().from_string(layout_source).render(Context(values))
    problems = [m for m in ("{{", "{%", "\ufffd") if m in html]
    if problems:
        raise InvalidInput(FieldError("template", f"the rendered letter contains {', '.join(map(repr, problems))}"))
    return html


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.missing: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if ".notdef" in message or "No glyph" in message:
            self.missing.append(message)


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        pdf = HTML(string=html, base_url=str(LETTER_DIR)).write_pdf()
    finally:
        logger.removeHandler(collect)
    if collect.missing:
        chars = sorted({m for msg in collect.missing for m in re.findall(r'"(.)"', msg)})
        raise InvalidInput(FieldError("context.person.name", "no installed font can print "
                                      + ", ".join(f"{c} (U+{ord(c):04X})" for c in chars) or "some characters"))
    return pdf


def body_of(html: str) -> str:
    """The inside of <body>, for showing a letter within a page."""
    m = re.search(r"<body[^>]*>(.*)</body>", html, re.S)
    return m.group(1) if m else html

"""Preparing, issuing and serving letters.  Casework and border call these with a context dict;
nothing here reads their tables.

    letter = prepare_letter(person, "refusal", decision_letter_context(decision), language="cy",
                            actor=officer, related=case.reference)
    issue_letter(letter, actor=officer, service_method="email")      # content frozen, hash kept
    record_service(letter, served_on=date(2026, 3, 2), method="email", actor=officer)  # deadlines run
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from portcullis.audit.services import record
from portcullis.errors import Conflict, FieldError, InvalidInput

from . import deadlines as dl
from .catalogue import KINDS, LANGUAGES, normalise
from .models import Letter, LetterTemplate
from .rendering import content_hash, render_html, render_pdf, source_files

METHODS = [m.value for m in Letter.ServiceMethod]
# Called with (letter, actor) inside the transaction that records service (casework serves the case).
after_service: list = []
CHALLENGE_KINDS = {"refusal", "rights", "refusal_of_entry"}  # letters that state a challenge deadline


def current_template(code: str, language: str) -> LetterTemplate:
    """The newest version of a template, registering a new version if its file has changed."""
    body, layout = source_files(code, language)
    digest = content_hash(body, layout)
    existing = LetterTemplate.objects.filter(code=code, language=language, content_hash=digest).first()
    if existing:
        return existing
    with transaction.atomic():
        last = LetterTemplate.objects.select_for_update().filter(code=code, language=language).order_by("-version").first()
        tpl = LetterTemplate.objects.create(code=code, language=language, version=(last.version + 1) if last else 1,
                                            body=body, layout=layout, content_hash=digest)
        record("system", "correspondence.template_registered", tpl,
               payload={"code": code, "language": language, "version": tpl.version, "content_hash": digest})
    return tpl


def sync_templates() -> list[LetterTemplate]:
    return [current_template(code, lang) for code in KINDS for lang in LANGUAGES]


def _jsonable(ctx: dict) -> dict:
    return json.loads(json.dumps(ctx, cls=DjangoJSONEncoder, ensure_ascii=False))


def _render(tpl: LetterTemplate, ctx: dict, *, on: dt.date, method: str, draft: bool) -> tuple[str, dict]:
    """HTML of the letter dated ``on``, with deadlines as if served that day by ``method``."""
    kind = KINDS[tpl.code]
    stated = {}
    if tpl.code in CHALLENGE_KINDS:
        stated = dl.compute(ctx.get("challenge"), decided_on=ctx.get("decided_on") or on, served_on=on, method=method)
    values = dict(ctx, letter_date=on, service_method=method, deadlines=stated, remedy=dl.remedy_of(ctx.get("challenge")))
    html = render_html(tpl.body, tpl.layout, values, title=kind.title(tpl.language), lang=tpl.language, draft=draft)
    return html, stated


def _check(code: str, language: str, context: dict) -> dict:
    errors = []
    if code not in KINDS:
        errors.append(FieldError("template", f"must be one of {', '.join(KINDS)}"))
    if language not in LANGUAGES:
        errors.append(FieldError("language", "must be en (English) or cy (Cymraeg)"))
    if errors:
        raise InvalidInput(errors)
    ctx, errors = normalise(code, context)
    if errors:
        raise InvalidInput(errors)
    return ctx


def prepare_letter(person, template: str, context: dict, *, language: str = "en", actor, related: str = "",
                   service_method: str = "email") -> Letter:
    """A draft letter: validated, rendered and ready to preview.  Raises InvalidInput naming the field."""
    ctx = _check(template, language, context)
    if service_method not in METHODS:
        raise InvalidInput(FieldError("service_method", f"must be one of {', '.join(METHODS)}"))
    if isinstance(ctx.get("person"), dict) and not ctx["person"].get("reference"):
        ctx["person"]["reference"] = person.reference
    tpl = current_template(template, language)
    html, _stated = _render(tpl, ctx, on=timezone.localdate(), method=service_method, draft=True)
    with transaction.atomic():
        letter = Letter.objects.create(
            person=person, template=tpl, code=template, language=language, title=KINDS[template].title(language),
            related=related[:60], context=_jsonable(ctx), html=html, service_method=service_method,
            prepared_by=actor if getattr(actor, "pk", None) else None)
        record(actor, "correspondence.prepared", letter, person=person,
               payload={"template": template, "language": language, "version": tpl.version, "related": related})
    return letter


def _context_of(letter: Letter) -> dict:
    ctx, _errors = normalise(letter.code, letter.context)
    return ctx


def draft_pdf(letter: Letter) -> bytes:
    """The PDF of a draft (marked as a draft), or the stored PDF of an issued letter."""
    if letter.state != Letter.State.DRAFT:
        return bytes(letter.pdf)
    return render_pdf(letter.html)


@transaction.atomic
def issue_letter(letter: Letter, *, actor, service_method: str | None = None) -> Letter:
    """Freeze the letter: render it dated today, make the PDF, keep its sha256.  From now on it cannot change."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.state != Letter.State.DRAFT:
        raise Conflict(f"letter {letter.pk} is already {letter.get_state_display().lower()}")
    method = service_method or letter.service_method or "email"
    if method not in METHODS:
        raise InvalidInput(FieldError("service_method", f"must be one of {', '.join(METHODS)}"))
    today = timezone.localdate()
    html, stated = _render(letter.template, _context_of(letter), on=today, method=method, draft=False)
    pdf = render_pdf(html)
    letter.html, letter.pdf, letter.sha256 = html, pdf, hashlib.sha256(pdf).hexdigest()
    letter.service_method, letter.issued_at = method, timezone.now()
    letter.issued_by = actor if getattr(actor, "pk", None) else None
    letter.state = Letter.State.ISSUED
    letter.deadlines = {"stated": stated, "from_service": {}, "effective": dl.later(stated, {})}
    letter.save()
    record(actor, "correspondence.issued", letter, person=letter.person_id,
           payload={"template": letter.code, "language": letter.language, "version": letter.template.version,
                    "sha256": letter.sha256, "service_method": method, "deadlines": letter.deadlines,
                    "related": letter.related})
    return letter


@transaction.atomic
def record_service(letter: Letter, *, served_on: dt.date, method: str, actor) -> Letter:
    """Record the date the notice was given or sent.  Deadlines are run again from it; the person
    keeps the deadline the letter stated if that is later."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    errors = []
    if letter.state == Letter.State.DRAFT:
        raise Conflict("issue the letter before recording that it was served")
    if not isinstance(served_on, dt.date):
        errors.append(FieldError("served_on", "must be a date"))
    elif served_on > timezone.localdate():
        errors.append(FieldError("served_on", "is in the future"))
    elif served_on < timezone.localdate(letter.issued_at):
        errors.append(FieldError("served_on", "is before the letter was issued"))
    if method not in METHODS:
        errors.append(FieldError("method", f"must be one of {', '.join(METHODS)}"))
    if errors:
        raise InvalidInput(errors)
    ctx = _context_of(letter)
    actual = {}
    if letter.code in CHALLENGE_KINDS:
        actual = dl.compute(ctx.get("challenge"), decided_on=ctx.get("decided_on") or served_on, served_on=served_on,
                            method=method)
    previous = letter.served_on
    stated = (letter.deadlines or {}).get("stated", {})
    letter.deadlines = {"stated": stated, "from_service": actual, "effective": dl.later(stated, actual)}
    letter.served_on, letter.served_method, letter.state = served_on, method, Letter.State.SERVED
    letter.served_recorded_by = actor if getattr(actor, "pk", None) else None
    letter.save(update_fields=["served_on", "served_method", "state", "served_recorded_by", "deadlines"])
    record(actor, "correspondence.served", letter, person=letter.person_id,
           reason="" if previous is None else f"served date corrected from {previous.isoformat()}",
           payload={"served_on": served_on.isoformat(), "method": method, "deadlines": letter.deadlines,
                    "sha256": letter.sha256})
    for hook in after_service:
        hook(letter, actor)
    return letter


def verify(letter: Letter) -> bool:
    """True if the stored PDF still matches the hash recorded when it was issued."""
    return bool(letter.pdf) and hashlib.sha256(bytes(letter.pdf)).hexdigest() == letter.sha256


def letters_for_person(person, *, served_only: bool = False) -> list[Letter]:
    qs = Letter.objects.filter(person=person).defer("pdf")
    if served_only:
        qs = qs.filter(state=Letter.State.SERVED)
    return list(qs)


def effective_deadlines(letter: Letter) -> dict:
    return {k: dt.date.fromisoformat(v) for k, v in (letter.deadlines or {}).get("effective", {}).items()}

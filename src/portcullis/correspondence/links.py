"""The letters other contexts' decisions call for, prepared where the decision is taken.

* casework: a decision taken (after countersignature where one is needed) prepares the grant or
  refusal letter, an evidence request the RFI letter, an interview the invitation, each as a draft
  to preview and issue from the case page.  Recording that a decision letter was served moves the
  case to ``served`` with that date, so the challenge deadlines run from it.
* border: a refusal of leave to enter that takes effect prepares, issues and serves by hand the
  notice of refusal of leave to enter and the notice of removal directions.

Everything runs inside the transaction of the change that called for the letter.  A letter whose
context is incomplete (a name no font can print, say) does not undo the decision: the failure is
audited with the fields it names, and the letter can be prepared by hand from the API.
"""

from __future__ import annotations

from django.apps import apps
from django.template.loader import render_to_string
from django.utils import timezone

from portcullis.audit.services import record
from portcullis.errors import InvalidInput
from portcullis.workforce.authority import can

from . import services
from .models import Letter

DECISION_LETTERS = {"GRANT": "grant", "REFUSE": "refusal"}


def _prepare(person, template: str, context: dict, *, actor, related: str, service_method: str = "email"):
    try:
        return services.prepare_letter(person, template, context, actor=actor, related=related,
                                       service_method=service_method)
    except InvalidInput as exc:
        record(actor, "correspondence.not_prepared", person, person=person, reason=f"{template} letter for {related}",
               payload={"template": template, "related": related, "errors": [e.as_dict() for e in exc.errors]})
        return None


def _person_context(person) -> dict:
    name = person.primary_name
    return {"reference": person.reference, "name": name.full_name if name else "",
            "latin": name.latin if name else "", "birth_date": person.birth_date_text}


# -- casework -----------------------------------------------------------------------------------------

def on_decision(sender, *, case, decision, actor, **kwargs):
    from portcullis.casework.services import decision_letter_context

    template = DECISION_LETTERS.get(decision.outcome)
    if template:
        _prepare(case.person, template, decision_letter_context(decision), actor=actor, related=case.reference)


def on_evidence_requested(sender, *, case, rfi, actor, **kwargs):
    from portcullis.casework.services import route_name

    items = [line.strip(" -•\t") for line in rfi.items.splitlines() if line.strip(" -•\t")]
    _prepare(case.person, "rfi", {
        "case_reference": case.reference, "route_name": route_name(case.route), "person": _person_context(case.person),
        "rfi": {"items": items, "respond_by": rfi.due_date},
    }, actor=actor, related=case.reference)


def on_interview_scheduled(sender, *, case, interview, actor, **kwargs):
    _prepare(case.person, "interview", {
        "case_reference": case.reference, "person": _person_context(case.person),
        "interview": {"at": timezone.localtime(interview.scheduled_for).replace(tzinfo=None),
                      "place": interview.location, "interpreter": interview.interpreter_language},
    }, actor=actor, related=case.reference)


def serve_case(letter: Letter, actor) -> None:
    """A decision letter served: the case moves to served with that date (once)."""
    if letter.code not in DECISION_LETTERS.values() or not letter.related:
        return
    from portcullis.casework.models import Application, Status
    from portcullis.casework.services import move

    case = Application.objects.filter(reference=letter.related, person_id=letter.person_id).first()
    if case is None or case.status != Status.DECIDED:
        return
    move(case, "serve", actor=actor, served_on=letter.served_on,
         reason=f"{letter.title} served {letter.get_served_method_display().lower()}",
         payload={"letter": letter.pk, "sha256": letter.sha256})


# -- border -------------------------------------------------------------------------------------------

def _officer(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def on_entry_refused(sender, *, examination, directions, actor, **kwargs):
    from portcullis.border.services import REFUSAL_GROUNDS

    exam = examination
    reasons = []
    for code in exam.grounds:
        text = REFUSAL_GROUNDS.get(code, code)
        paragraph, _, explanation = text.partition(": ")
        reasons.append({"requirement": code.replace("_", " "), "paragraph": paragraph,
                        "explanation": explanation or text})
    if exam.reason and reasons:
        reasons[0]["explanation"] = f"{reasons[0]['explanation']}. {exam.reason}"
    removal = {"carrier": directions.carrier_code, "service": directions.service,
               "departs_at": timezone.localtime(directions.departs_at).replace(tzinfo=None),
               "destination": directions.destination}
    base = {"person": _person_context(exam.person), "decided_on": timezone.localdate(exam.decided_at or timezone.now()),
            "port": exam.port.name, "reasons": reasons, "removal": removal, "challenge": {"kind": None},
            "decided_by": _officer(exam.decided_by),
            "countersigned_by": _officer(exam.countersigned_by) if exam.countersigned_by_id != exam.decided_by_id else ""}
    related = f"examination:{exam.pk}"
    today = timezone.localdate()
    for template in ("refusal_of_entry", "removal_directions"):
        letter = _prepare(exam.person, template, base, actor=actor, related=related, service_method="hand")
        if letter is not None:
            letter = services.issue_letter(letter, actor=actor, service_method="hand")
            services.record_service(letter, served_on=today, method="hand", actor=actor)


# -- pages --------------------------------------------------------------------------------------------

def letters_panel(request, related: str) -> str:
    if not can(request.user, "correspondence.view"):
        return ""
    letters = list(Letter.objects.filter(related=related).defer("pdf").order_by("id"))
    return render_to_string("correspondence/_related_panel.html", {"letters": letters}, request=request)


def case_letters(request, case) -> str:
    return letters_panel(request, case.reference)


def examination_letters(request, exam) -> str:
    return letters_panel(request, f"examination:{exam.pk}")


def connect() -> None:
    """Called from the app's ready(): join up with whichever contexts are installed."""
    if serve_case not in services.after_service:
        services.after_service.append(serve_case)
    if apps.is_installed("portcullis.casework"):
        from portcullis.casework import signals as casework
        from portcullis.casework import web as casework_web

        casework.decision_taken.connect(on_decision, dispatch_uid="correspondence.decision")
        casework.evidence_requested.connect(on_evidence_requested, dispatch_uid="correspondence.rfi")
        casework.interview_scheduled.connect(on_interview_scheduled, dispatch_uid="correspondence.interview")
        if case_letters not in casework_web.case_panels:
            casework_web.case_panels.append(case_letters)
    if apps.is_installed("portcullis.border"):
        from portcullis.border import signals as border
        from portcullis.border import web as border_web

        border.entry_refused.connect(on_entry_refused, dispatch_uid="correspondence.entry_refused")
        if examination_letters not in border_web.examination_panels:
            border_web.examination_panels.append(examination_letters)

"""The letters Portcullis sends: their titles and the context fields each one needs.

Casework and border build the context (``portcullis.casework.services.decision_letter_context``
gives the decision letters theirs); :func:`validate` names any field that is missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portcullis.errors import FieldError


@dataclass(frozen=True)
class Kind:
    code: str
    title_en: str
    title_cy: str
    required: tuple[str, ...]
    dates: tuple[str, ...] = ()
    datetimes: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()

    def title(self, lang: str) -> str:
        return self.title_cy if lang == "cy" else self.title_en


REASON_FIELDS = ("requirement", "paragraph", "explanation")

KINDS = {k.code: k for k in [
    Kind("grant", "Decision on your application: granted", "Penderfyniad ar eich cais: caniatawyd",
         ("case_reference", "route_name", "decided_on", "person.name", "leave", "leave.kind", "leave.start"),
         dates=("decided_on", "leave.start", "leave.expiry"), lists=("leave.conditions",)),
    Kind("refusal", "Decision on your application: refused", "Penderfyniad ar eich cais: gwrthodwyd",
         ("case_reference", "route_name", "decided_on", "person.name", "reasons", "challenge"),
         dates=("decided_on",), lists=("reasons",)),
    Kind("rights", "Your right to challenge this decision", "Eich hawl i herio'r penderfyniad hwn",
         ("case_reference", "decided_on", "person.name", "challenge", "challenge.kind"), dates=("decided_on",)),
    Kind("rfi", "We need more information", "Mae angen rhagor o wybodaeth arnom",
         ("case_reference", "route_name", "person.name", "rfi.items", "rfi.respond_by"),
         dates=("rfi.respond_by",), lists=("rfi.items",)),
    Kind("interview", "Invitation to an interview", "Gwahoddiad i gyfweliad",
         ("case_reference", "person.name", "interview.at", "interview.place"), datetimes=("interview.at",)),
    Kind("refusal_of_entry", "Notice of refusal of leave to enter", "Hysbysiad o wrthod caniatâd i ddod i mewn",
         ("person.name", "decided_on", "port", "reasons"), dates=("decided_on",), lists=("reasons",)),
    Kind("removal_directions", "Notice of removal directions", "Hysbysiad o gyfarwyddiadau symud",
         ("person.name", "decided_on", "port", "removal.carrier", "removal.service", "removal.departs_at",
          "removal.destination"), dates=("decided_on",), datetimes=("removal.departs_at",)),
]}
LANGUAGES = ("en", "cy")
_MISSING = object()


def _get(ctx, path: str):
    value = ctx
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _set(ctx, path: str, value) -> None:
    *head, last = path.split(".")
    for part in head:
        ctx = ctx[part]
    ctx[last] = value


def normalise(code: str, context: dict) -> tuple[dict, list[FieldError]]:
    """A copy of ``context`` with dates as dates, and the fields that are missing or wrong."""
    import copy

    kind = KINDS[code]
    ctx = copy.deepcopy(context) if isinstance(context, dict) else {}
    errors: list[FieldError] = []
    if not isinstance(context, dict):
        return ctx, [FieldError("context", "must be an object")]
    for path in kind.required:
        value = _get(ctx, path)
        if value is _MISSING or value is None or (isinstance(value, (str, list, dict)) and not value and path != "challenge"):
            errors.append(FieldError(f"context.{path}", f"is needed for the {code.replace('_', ' ')} letter"))
    for path in kind.dates + kind.datetimes:
        value = _get(ctx, path)
        if value is _MISSING or value is None:
            continue
        want_dt = path in kind.datetimes
        try:
            if isinstance(value, str):
                value = dt.datetime.fromisoformat(value) if want_dt else dt.date.fromisoformat(value[:10])
            elif isinstance(value, dt.datetime) and not want_dt:
                value = value.date()
            elif not isinstance(value, dt.date) or (want_dt and not isinstance(value, dt.datetime)):
                raise ValueError
        except ValueError:
            errors.append(FieldError(f"context.{path}", "must be a date (YYYY-MM-DD)" if not want_dt
                                     else "must be a date and time (YYYY-MM-DDTHH:MM)"))
            continue
        _set(ctx, path, value)
    for path in kind.lists:
        value = _get(ctx, path)
        if value is not _MISSING and value is not None and not isinstance(value, list):
            errors.append(FieldError(f"context.{path}", "must be a list"))
    if "reasons" in kind.lists and isinstance(ctx.get("reasons"), list):
        for i, reason in enumerate(ctx["reasons"]):
            for part in REASON_FIELDS:
                if not isinstance(reason, dict) or not str(reason.get(part) or "").strip():
                    errors.append(FieldError(f"context.reasons[{i}].{part}", "is needed: every reason names the "
                                             "requirement, its paragraph and why it was not met"))
    if code == "refusal" and isinstance(ctx.get("challenge"), dict) is False and "challenge" in ctx:
        errors.append(FieldError("context.challenge", "must be an object with kind (appeal, administrative review or null)"))
    return ctx, errors

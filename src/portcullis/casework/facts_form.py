"""A route's facts as form fields, read back into facts, and shown as readable text.

The fields come from the route's JSON Schema (``portcullis.rules.route_schema``), so a new fact in
the rules engine appears on the intake form without a template change:

* boolean             -> Yes / No / Not known radios
* integer, number     -> a text input (inputmode numeric / decimal); commas are allowed ("45,000")
* string, format date -> a text input, YYYY-MM-DD
* string, format time -> a text input, HH:MM
* string with enum    -> a select whose first option is "Not known"
* other strings       -> a text input
* a nested object     -> its own fieldset with these same fields inside it (``facts.funds.days_held``)
* an array            -> a JSON textarea, with a hint naming what each entry holds ("[]" if none)

Reading a post back leaves out every empty input and every "Not known", so the rules engine sees
the fact as not known (never as a silent pass or fail).  An input that cannot be read (a bad
number, date, time or JSON) is an error naming the field, ``facts.<name>``; the caller writes
nothing.  The facts the records hold (application date, date of birth, decision date) are never
asked for: see ``record_facts``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from functools import cache

from portcullis.errors import FieldError, InvalidInput

from .record_facts import RECORD_FACTS, fact_names

PREFIX = "facts"

# Words the schema's names abbreviate, as they are written in prose.
_WORDS = {"uk": "UK", "eta": "ETA", "cos": "CoS", "phd": "PhD", "stem": "STEM", "nhs": "NHS", "gbp": "(£)",
          "euss": "EUSS", "chw": "CHW", "rqf": "RQF", "eea": "EEA", "ilr": "ILR", "koll": "KoLL", "soc": "SOC",
          "ppe": "PPE", "iso": "ISO", "eu": "EU", "3c": "3C", "british": "British", "irish": "Irish",
          "ireland": "Ireland", "jersey": "Jersey"}
# Labels the name alone does not make clear.
_LABELS = {
    "part9": "Part 9: suitability",
    "occupation_rqf": "RQF level of the occupation",
    "salary_annual": "Annual salary (£)",
    "going_rate_annual": "Annual going rate (£)",
    "lowest_balance_gbp": "Lowest balance (£)",
    "nhs_debt_gbp": "NHS debt (£)",
    "first_sponsored_before_2024_04_04": "First sponsored before 4 April 2024",
    "days_in_uk_last_12_months": "Days in the UK in the last 12 months",
    "previous_9_month_permit_ended": "Previous 9-month permit ended",
    "temporary_9_month": "Temporary, 9 months",
    "temporary_1_year": "Temporary, 1 year",
    "koll_medical_exemption": "KoLL medical exemption",
}


def humanise(name: str) -> str:
    """``holds_uk_permission`` -> "Holds UK permission"; codes already in capitals are kept."""
    if name in _LABELS:
        return _LABELS[name]
    if name.isupper() or not name:
        return name
    words = [_WORDS.get(w, w) for w in re.split(r"[_\s]+", name) if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    """A schema description as a hint: a capital first letter, unless it starts with a reference ("r3(2)(a)")."""
    text = (text or "").strip()
    if not text or re.match(r"[a-z]+\d|[a-z]\(", text):
        return text
    return text[:1].upper() + text[1:]


def _label(name: str, prop: dict) -> str:
    title = prop.get("title")
    # pydantic titles a field "Holds Uk Permission" from its name; an explicit title is used as given.
    if title and title != name.replace("_", " ").title() and name not in _LABELS:
        return title
    return humanise(name)


@dataclass(frozen=True)
class Field:
    """One input on the form.  ``name`` is the input's name and id, and the error's field."""

    name: str                     # "facts.funds.days_held"
    path: tuple[str, ...]         # ("funds", "days_held")
    kind: str                     # boolean | integer | number | date | time | enum | text | json
    label: str
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()   # enum: (value, label)
    section: str = ""             # the nested object's label, or "" at the top level
    section_hint: str = ""
    width: str = ""               # a govuk-input--width-N class
    example: str = ""             # json: an example list, shown in the hint
    items: tuple = ()             # list: the fields of one entry (name = the entry's key)

    @property
    def key(self) -> str:
        return self.path[-1]


@dataclass
class Section:
    title: str
    hint: str
    fields: list = dc_field(default_factory=list)


def _resolve(prop: dict, defs: dict) -> tuple[dict, bool]:
    """The property's own schema (a $ref followed, the null of an Optional dropped) and whether null is allowed."""
    nullable = False
    if "anyOf" in prop:
        options = [o for o in prop["anyOf"] if o.get("type") != "null"]
        nullable = len(options) < len(prop["anyOf"])
        if len(options) == 1:
            prop = {**{k: v for k, v in prop.items() if k != "anyOf"}, **options[0]}
    if "$ref" in prop:
        target = defs[prop["$ref"].rsplit("/", 1)[-1]]
        prop = {**target, **{k: v for k, v in prop.items() if k != "$ref"}}
    return prop, nullable


def _kind(prop: dict) -> str:
    if "enum" in prop:
        return "enum"
    t = prop.get("type")
    if t == "boolean":
        return "boolean"
    if t in ("integer", "number"):
        return t
    if t == "string":
        return {"date": "date", "time": "time"}.get(prop.get("format", ""), "text")
    if t == "object" and "properties" in prop:
        return "object"
    return "json"  # arrays, and anything the form cannot show as one input


def _example(prop: dict, defs: dict) -> object:
    """An example value of one property for the JSON hint."""
    prop, _ = _resolve(prop, defs)
    kind = _kind(prop)
    return {"boolean": False, "integer": 1, "number": 1, "date": "YYYY-MM-DD", "time": "HH:MM",
            "enum": (prop.get("enum") or [""])[0], "text": "…"}.get(kind, [])


def _json_hint(prop: dict, defs: dict) -> tuple[str, str]:
    """The hint for a list's textarea: what each entry can hold, and an example entry (the required
    keys and the first two others: a whole entry of every key would be too long to read)."""
    items, _ = _resolve(prop.get("items", {}), defs)
    if _kind(items) != "object":
        return "A JSON list", "[]"
    parts = []
    required = items.get("required", [])
    for k, v in items["properties"].items():
        sub, _ = _resolve(v, defs)
        kind = _kind(sub)
        what = {"date": "a date", "time": "a time", "boolean": "true or false", "integer": "a whole number",
                "number": "a number", "enum": "one of " + ", ".join(str(e) for e in sub.get("enum", []))
                }.get(kind, "text")
        parts.append(f"{k} ({what}{', required' if k in required else ''})")
    keys = [*required, *[k for k in items["properties"] if k not in required]][:max(2, len(required))]
    example = json.dumps([{k: _example(items["properties"][k], defs) for k in keys}], ensure_ascii=False)
    return "A JSON list; each entry can have " + "; ".join(parts), example


def _width(kind: str, prop: dict) -> str:
    if kind in ("integer", "number"):
        return "govuk-input--width-10"
    if kind in ("date", "time"):
        return "govuk-input--width-10" if kind == "date" else "govuk-input--width-5"
    if kind == "text" and prop.get("maxLength") and prop["maxLength"] <= 4:
        return "govuk-input--width-4"
    if kind == "text":
        return "govuk-input--width-20"
    return ""


def _walk(schema: dict, defs: dict, path: tuple[str, ...], section: str, section_hint: str,
          skip: frozenset) -> list[Field]:
    fields: list[Field] = []
    for name, raw in schema.get("properties", {}).items():
        if not path and name in skip:
            continue
        prop, _ = _resolve(raw, defs)
        kind = _kind(prop)
        label = _label(name, raw)
        hint = raw.get("description") or (prop.get("description", "") if kind != "object" else "")
        if kind == "object":
            title = _LABELS.get(name) or humanise(name)
            fields += _walk(prop, defs, (*path, name), title if not section else f"{section}: {title}",
                            raw.get("description", ""), skip)
            continue
        choices, example = (), ""
        if kind == "enum":
            choices = tuple((str(v), humanise(str(v))) for v in prop["enum"])
        extra = {"date": "For example, 2026-03-27", "time": "24-hour clock, for example 09:30"}.get(kind, "")
        items = _entry_fields(prop, defs) if kind == "json" else ()
        if items:
            kind = "list"
            hint = re.sub(r"[;,.]?\s*\[\] if none\.?", "", hint).strip()  # "None" is a choice on the form
        elif kind == "json":
            extra, example = _json_hint(prop, defs)
            if "[]" not in hint:
                extra += ". Write [] if there are none"
        hint = ". ".join(t for t in (_sentence(hint), extra) if t)
        fields.append(Field(name=".".join((PREFIX, *path, name)), path=(*path, name), kind=kind, label=label,
                            hint=hint, choices=choices, section=section, section_hint=section_hint,
                            width=_width(kind, prop), example=example, items=items))
    return fields


_SCALAR = frozenset({"boolean", "integer", "number", "date", "time", "enum", "text"})


def _entry_fields(prop: dict, defs: dict) -> tuple[Field, ...]:
    """A list of objects whose every key is one input (trips, convictions, breaches, movements):
    the fields of one entry.  Anything else (a list of lists, say) stays a JSON box: ``()``."""
    items, _ = _resolve(prop.get("items", {}), defs)
    if _kind(items) != "object":
        return ()
    out = []
    for key, raw in items["properties"].items():
        sub, _ = _resolve(raw, defs)
        kind = _kind(sub)
        if kind not in _SCALAR:
            return ()
        out.append(Field(name=key, path=(key,), kind=kind, label=_label(key, raw),
                         hint=_sentence(raw.get("description") or sub.get("description", "")),
                         choices=tuple((str(v), humanise(str(v))) for v in sub.get("enum", ())),
                         width=_width(kind, sub) if kind != "text" else "govuk-input--width-10"))
    return tuple(out)


@cache
def fields_for(rules_route: str) -> tuple[Field, ...]:
    """The form's fields for a rules route, in the schema's order; the record facts left out."""
    from portcullis.rules import route_schema

    schema = route_schema(rules_route)
    return tuple(_walk(schema, schema.get("$defs", {}), (), "", "", frozenset(RECORD_FACTS)))


def sections(fields) -> list[Section]:
    """The fields grouped as the page shows them: each nested object in its own fieldset."""
    by_title: dict[str, Section] = {"": Section("", "")}
    for f in fields:
        by_title.setdefault(f.section, Section(f.section, f.section_hint)).fields.append(f)
    return [s for s in by_title.values() if s.fields]  # the top-level facts first, then each nested object


# -- reading a post ---------------------------------------------------------------------------------

def _number(text: str, integer: bool):
    cleaned = text.replace(",", "").replace("£", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("must be a number, for example 37.5" if not integer else "must be a whole number") from None
    if not value.is_finite():
        raise ValueError("must be a number")
    if value == value.to_integral_value():
        return int(value)
    if integer:
        raise ValueError("must be a whole number")
    return float(value)


def read_value(f: Field, text: str):
    """The fact from one input's text; None when it is empty or not known.  ValueError names the problem."""
    text = (text or "").strip()
    if not text:
        return None
    if f.kind == "boolean":
        if text in ("yes", "no"):
            return text == "yes"
        if text == "unknown":
            return None
        raise ValueError("choose Yes, No or Not known")
    if f.kind in ("integer", "number"):
        return _number(text, f.kind == "integer")
    if f.kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError("must be a date, YYYY-MM-DD, for example 2026-03-27")
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("must be a real date, YYYY-MM-DD") from None
    if f.kind == "time":
        if not re.fullmatch(r"\d{2}:\d{2}(:\d{2})?", text):
            raise ValueError("must be a time, HH:MM, for example 09:30")
        try:
            dt.time.fromisoformat(text)
        except ValueError:
            raise ValueError("must be a real time, HH:MM") from None
        return text
    if f.kind == "enum":
        if text not in {v for v, _ in f.choices}:
            raise ValueError("choose one of the options")
        return text
    if f.kind == "json":
        return _json_list(text)
    return text


def _json_list(text: str) -> list:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(value, list):
        raise ValueError("must be a JSON list, [ … ]; write [] if there are none")
    return value


def _put(facts: dict, path: tuple[str, ...], value) -> None:
    for key in path[:-1]:
        facts = facts.setdefault(key, {})
    facts[path[-1]] = value


# A list's own input says whether its entries are not known, none, or the rows below.
LIST_NONE, LIST_ENTRIES = "none", "entries"


def _row_indexes(f: Field, data) -> list[int]:
    pattern = re.compile(re.escape(f.name) + r"\[(\d{1,4})\]\.")
    return sorted({int(m.group(1)) for key in data.keys() for m in [pattern.match(key)] if m})


def _read_list(f: Field, data, errors: list) -> list | None:
    """A list's entries from its rows (``facts.trips[0].departed`` ...): blank rows are skipped;
    every input that cannot be read is named.  JSON in the list's own input (a list pasted, or
    posted by a script) is read as before."""
    choice = (data.get(f.name, "") or "").strip()
    if choice[:1] in ("[", "{"):
        try:
            return _json_list(choice)
        except ValueError as exc:
            errors.append(FieldError(f.name, str(exc)))
            return None
    if choice not in ("", "unknown", LIST_NONE, LIST_ENTRIES):
        errors.append(FieldError(f.name, "choose Not known, None or Entries below"))
        return None
    entries, problems = [], []
    for i in _row_indexes(f, data):
        entry = {}
        for sub in f.items:
            name = f"{f.name}[{i}].{sub.name}"
            try:
                value = read_value(sub, data.get(name, ""))
            except ValueError as exc:
                problems.append(FieldError(name, str(exc)))
                continue
            if value is not None:
                entry[sub.name] = value
        if entry:
            entries.append(entry)
    errors += problems
    if problems:
        return None
    if entries and choice == LIST_NONE:
        errors.append(FieldError(f.name, "says None but has entries: choose Entries below, or clear the entries"))
        return None
    if entries:
        return entries
    if choice == LIST_ENTRIES:
        errors.append(FieldError(f.name, "says Entries below but none is filled in: fill one in, or choose None"))
        return None
    return [] if choice == LIST_NONE else None


def read(fields, data) -> dict:
    """The facts from a post (a QueryDict or dict of input name -> text).

    Empty and "Not known" inputs are left out, and so is a nested object with nothing in it.
    Raises InvalidInput naming every input that cannot be read, ``facts.<name>`` (and a list
    entry's ``facts.<name>[<row>].<key>``)."""
    facts: dict = {}
    errors = []
    for f in fields:
        if f.kind == "list":
            value = _read_list(f, data, errors)
        else:
            try:
                value = read_value(f, data.get(f.name, ""))
            except ValueError as exc:
                errors.append(FieldError(f.name, str(exc)))
                continue
        if value is not None:
            _put(facts, f.path, value)
    if errors:
        raise InvalidInput(errors)
    return facts


def merge(form_facts: dict, pasted: dict) -> dict:
    """Facts pasted as JSON with the facts from the form's fields.  A fact given in both with
    different values is an error: neither is silently preferred."""
    errors = []

    def walk(a: dict, b: dict, path: tuple[str, ...]) -> dict:
        out = dict(a)
        for k, v in b.items():
            if k in out and isinstance(out[k], dict) and isinstance(v, dict):
                out[k] = walk(out[k], v, (*path, k))
            elif k in out and out[k] != v:
                errors.append(FieldError(".".join((PREFIX, *path, k)),
                                         "is given both in the form and in the pasted JSON, differently; give it once"))
            else:
                out[k] = v
        return out

    merged = walk(pasted, form_facts, ())
    if errors:
        raise InvalidInput(errors)
    return merged


def _overlay(old, new):
    """``new`` laid over ``old``: nested objects merged key by key, so that a fact the form has no
    input for (one the schema does not know) is kept."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(old)
        for k, v in new.items():
            out[k] = _overlay(old.get(k), v)
        return out
    return new


def changes(fields, current: dict, data) -> dict:
    """What a form that was shown filled with ``current`` changes: the top-level facts whose value
    differs, each whole (as ``record_evidence`` lays them over the case's facts).

    A fact that was known and is now left "Not known" or empty is an error naming its input:
    evidence adds or corrects facts, it does not make a known fact unknown.  Raises InvalidInput
    naming every input that cannot be read or was cleared."""
    given = read(fields, data)  # InvalidInput for an input that cannot be read
    cleared = [FieldError(f.name, "was known and has been left empty or not known; evidence can add or correct a "
                                  "fact, not remove it: give its value")
               for f in fields if _get(current, f.path) is not None and _get(given, f.path) is None]
    if cleared:
        raise InvalidInput(cleared)
    out = {}
    for key, value in given.items():
        merged = _overlay(current.get(key), value)
        if merged != current.get(key):
            out[key] = merged
    return out


# -- writing a form back ----------------------------------------------------------------------------

def _get(facts: dict, path: tuple[str, ...]):
    for key in path:
        if not isinstance(facts, dict) or key not in facts:
            return None
        facts = facts[key]
    return facts


def form_value(f: Field, value) -> str:
    """The text an input shows for a fact's value (the inverse of ``read_value``)."""
    if value is None:
        return ""
    if f.kind == "boolean":
        return "yes" if value else "no"
    if f.kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_data(fields, facts: dict) -> dict[str, str]:
    """Input name -> text for facts: what a caseworker keys to give these facts."""
    out = {}
    for f in fields:
        value = _get(facts, f.path)
        if value is None:
            continue
        if f.kind == "list" and isinstance(value, list) and all(isinstance(e, dict) for e in value):
            out[f.name] = LIST_ENTRIES if value else LIST_NONE
            for i, entry in enumerate(value):
                for sub in f.items:
                    if entry.get(sub.name) is not None:
                        out[f"{f.name}[{i}].{sub.name}"] = form_value(sub, entry[sub.name])
        elif f.kind == "list":
            out[f.name] = json.dumps(value, ensure_ascii=False)
        else:
            out[f.name] = form_value(f, value)
    return out


def unread(fields, facts: dict) -> dict:
    """The facts no field of the form holds (a fact the schema does not know, a record fact)."""
    covered = {f.path for f in fields}

    def walk(d: dict, path: tuple[str, ...]) -> dict:
        out = {}
        for k, v in d.items():
            p = (*path, k)
            if p in covered:
                continue
            if isinstance(v, dict) and any(c[:len(p)] == p for c in covered):
                rest = walk(v, p)
                if rest:
                    out[k] = rest
            else:
                out[k] = v
        return out

    return walk(facts, ())


@dataclass
class Bound:
    """A field with what its input shows and its error, for the template."""

    field: Field
    value: str
    error: str = ""
    rows: list = dc_field(default_factory=list)   # list: [{"number": 1, "inputs": [{"field", "name", "value", "error"}]}]

    def __getattr__(self, name):  # the template reads bound.label, bound.name, ...
        if name == "field":  # not set yet (copy, pickle): no recursion
            raise AttributeError(name)
        return getattr(self.field, name)


def bind(fields, data=None, errors: list[dict] | None = None, more: dict | None = None) -> list[Section]:
    """Sections of bound fields: ``data`` the posted text (or {}), ``errors`` the page's error dicts,
    ``more``: list input name -> extra blank rows asked for."""
    data, errors, more = data or {}, errors or [], more or {}
    by_field = {}
    for e in errors:
        f = field_for_error(fields, e.get("field", ""))
        if f is not None:
            by_field.setdefault(f.name, e["message"])

    def bound(f: Field) -> Bound:
        if f.kind == "list":
            return Bound(f, data.get(f.name, ""), _list_error(f, errors), _rows(f, data, errors, more.get(f.name, 0)))
        return Bound(f, data.get(f.name, ""), by_field.get(f.name, ""))

    out = sections(fields)
    for s in out:
        s.fields = [bound(f) for f in s.fields]
    return out


def _list_error(f: Field, errors: list[dict]) -> str:
    """The error shown on a list as a whole: about the list, or about one entry as a whole (an
    error about one of an entry's inputs is shown at that input)."""
    pattern = re.compile(re.escape(f.name) + r"(\[\d+\])?")
    return next((e.get("message", "") for e in errors if pattern.fullmatch(e.get("field", "") or "")), "")


BLANK_ROWS = 2  # empty rows offered under a list's entries; "Add more rows" offers more


def _rows(f: Field, data, errors: list[dict], more: int) -> list[dict]:
    """The rows a list's inputs show: each posted or stored entry, then blank ones."""
    by_input = {e.get("field"): e.get("message", "") for e in errors}
    indexes = _row_indexes(f, data)
    count = (max(indexes) + 1 if indexes else 0) + BLANK_ROWS + max(0, more)
    rows = []
    for i in range(count):
        names = [(sub, f"{f.name}[{i}].{sub.name}") for sub in f.items]
        rows.append({"number": i + 1, "inputs": [{"field": sub, "name": name, "value": data.get(name, ""),
                                                  "error": by_input.get(name, "")} for sub, name in names]})
    return rows


def field_for_error(fields, error_field: str) -> Field | None:
    """The field an error is about: ``facts.trips[0].departed`` is about the trips textarea."""
    names = {f.name: f for f in fields}
    name = error_field or ""
    while name:
        if name in names:
            return names[name]
        cut = max(name.rfind("."), name.rfind("["))
        if cut <= 0:
            return None
        name = name[:cut]
    return None


def label_errors(fields, errors: list[dict]) -> list[dict]:
    """The page's error dicts with a label for each error about a fact, for the error summary."""
    out = []
    for e in errors:
        f = field_for_error(fields, e.get("field", ""))
        if f is not None and "label" not in e:
            label = f"{f.section}: {f.label}" if f.section else f.label
            rest = e["field"][len(f.name):]
            m = re.match(r"\[(\d+)\]\.?(.*)", rest)
            if m:
                label += f", entry {int(m.group(1)) + 1}" + (f", {m.group(2)}" if m.group(2) else "")
            e = {**e, "label": label}
        out.append(e)
    return out


# -- showing facts ----------------------------------------------------------------------------------

def _date_text(value) -> str:
    try:
        d = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{d.day} {d.strftime('%B %Y')}"


def _plain(value, name: str = "", fmt: str = "") -> str:
    """A value as compact readable text, for values inside lists and objects."""
    if value is None:
        return "not known"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "none" if not value else "; ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{humanise(k).lower() if not k.isupper() else k} {_plain(v, k)}" for k, v in value.items())
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return _date_text(value)
    if isinstance(value, (int, float)):
        return f"{int(value) if float(value).is_integer() else value:,}"
    if isinstance(value, str) and re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", value):
        return humanise(value).lower()
    return str(value)


def display_value(f: Field | None, value) -> dict:
    """``{"text": ...}`` or ``{"lines": [...]}`` for one fact on the case page."""
    if value is None:
        return {"text": "Not known"}
    if isinstance(value, bool):
        return {"text": "Yes" if value else "No"}
    if f is not None and f.kind == "enum":
        return {"text": dict(f.choices).get(str(value), str(value))}
    if f is not None and f.kind == "date":
        return {"text": _date_text(value)}
    if isinstance(value, list):
        if not value:
            return {"text": "None"}
        return {"lines": [_plain(v)[:1].upper() + _plain(v)[1:] for v in value]}
    if isinstance(value, dict):
        return {"lines": [f"{humanise(k)}: {_plain(v)}" for k, v in value.items()]}
    text = _plain(value)
    return {"text": text[:1].upper() + text[1:] if f is None else text}


def summary(rules_route: str, facts: dict) -> dict:
    """The case's facts for summary lists: ``sections`` (the top-level facts, then one per nested
    object, each row in the schema's order; a fact the schema does not know is shown at the end of
    the first), ``rows`` (all of them) and ``missing``, the labels of the facts not given, which
    the rules treat as not known."""
    fields = fields_for(rules_route)
    by_title: dict[str, list] = {"": []}
    missing = []
    for k in fact_names(rules_route):
        if k in RECORD_FACTS and facts.get(k) is not None:
            by_title[""].append({"key": k, "label": f"{humanise(k)} (from the record)", "text": _date_text(facts[k])})
    for f in fields:
        value = _get(facts, f.path)
        if value is None:
            missing.append(f"{f.section}: {f.label}" if f.section else f.label)
            continue
        by_title.setdefault(f.section, []).append({"key": ".".join(f.path), "label": f.label, **display_value(f, value)})
    for k, v in unread(fields, {k: v for k, v in facts.items() if k not in RECORD_FACTS}).items():
        by_title[""].append({"key": k, "label": humanise(k), **display_value(None, v)})
    sections = [{"title": t, "rows": rows} for t, rows in by_title.items() if rows]
    return {"sections": sections, "rows": [r for s in sections for r in s["rows"]], "missing": missing}

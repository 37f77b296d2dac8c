"""Readers for watchlists and traveller files: CSV, JSON lines, OpenSanctions FollowTheMoney.

Every reader returns ``(items, errors)``.  A bad row becomes a :class:`LoadError` naming its line
number and field; the other rows are still read.  Nothing is dropped silently: rows that are
skipped on purpose (an FtM entity that is not a Person) are reported too, with ``skipped=True``.

CSV and JSON-lines columns: ``id`` (or ``entry_id``), ``names`` (list; ``|``-separated in CSV),
``birth_dates`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), ``nationalities``, ``gender``,
``document_numbers``; for watchlists also ``list_id``, ``action``, ``valid_from``, ``valid_to``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .model import Query, WatchlistEntry

LIST_FIELDS = ("names", "birth_dates", "nationalities", "document_numbers")


@dataclass(frozen=True, slots=True)
class LoadError:
    line: int
    field: str
    message: str
    skipped: bool = False

    def __str__(self) -> str:
        kind = "skipped" if self.skipped else "error"
        return f"line {self.line}: {kind}: {self.field}: {self.message}"


def _open(path) -> io.TextIOBase:
    p = Path(path)
    if p.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(p, "rb"), encoding="utf-8", newline="")
    return open(p, encoding="utf-8", newline="")


def _split(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    if isinstance(value, str):
        return [v.strip() for v in value.split("|") if v.strip()]
    raise ValueError(f"expected a list or a string, got {type(value).__name__}")


def _record(row: dict, kind: str, list_id: str, action: str, line: int):
    ident = row.get("id") or row.get("entry_id")
    if not ident or not str(ident).strip():
        raise _FieldError("id", "missing id")
    values = {}
    for f in LIST_FIELDS:
        try:
            values[f] = _split(row.get(f))
        except ValueError as exc:
            raise _FieldError(f, str(exc)) from None
    if not values["names"]:
        raise _FieldError("names", "no name given")
    gender = row.get("gender") or None
    if gender is not None and not isinstance(gender, str):
        raise _FieldError("gender", "expected a string")
    try:
        if kind == "query":
            return Query(
                id=str(ident).strip(),
                names=values["names"],
                birth_dates=values["birth_dates"],
                nationalities=values["nationalities"],
                gender=gender,
                document_numbers=values["document_numbers"],
                on_date=row.get("on_date") or None,
            )
        return WatchlistEntry(
            list_id=str(row.get("list_id") or list_id),
            entry_id=str(ident).strip(),
            names=values["names"],
            birth_dates=values["birth_dates"],
            nationalities=values["nationalities"],
            gender=gender,
            document_numbers=values["document_numbers"],
            action=str(row.get("action") or action),
            valid_from=row.get("valid_from") or None,
            valid_to=row.get("valid_to") or None,
        )
    except ValueError as exc:
        field, _, msg = str(exc).partition(": ")
        raise _FieldError(field if msg else "row", msg or str(exc)) from None


class _FieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _csv_rows(path) -> Iterator[tuple[int, dict | None, str | None]]:
    with _open(path) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            return
        header = [h.strip() for h in header]
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield reader.line_num, None, f"unreadable CSV: {exc}"
                continue
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(header):
                yield reader.line_num, None, f"expected {len(header)} columns, found {len(row)}"
                continue
            yield reader.line_num, dict(zip(header, row)), None


def _jsonl_rows(path) -> Iterator[tuple[int, dict | None, str | None]]:
    with _open(path) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield n, None, f"invalid JSON: {exc.msg} at column {exc.colno}"
                continue
            if not isinstance(obj, dict):
                yield n, None, "expected a JSON object"
                continue
            yield n, obj, None


def _read(rows, kind: str, list_id: str, action: str):
    items, errors = [], []
    for line, row, problem in rows:
        if problem:
            errors.append(LoadError(line, "row", problem))
            continue
        try:
            items.append(_record(row, kind, list_id, action, line))
        except _FieldError as exc:
            errors.append(LoadError(line, exc.field, exc.message))
    return items, errors


def load_csv(path, list_id: str = "default", action: str = "refer"):
    """Watchlist entries from CSV.  Returns ``(entries, errors)``."""
    return _read(_csv_rows(path), "entry", list_id, action)


def load_jsonl(path, list_id: str = "default", action: str = "refer"):
    """Watchlist entries from JSON lines in the traveller format.  Returns ``(entries, errors)``."""
    return _read(_jsonl_rows(path), "entry", list_id, action)


def load_people(path):
    """Travellers (queries) from CSV or JSON lines, chosen by file suffix."""
    rows = _csv_rows(path) if _is_csv(path) else _jsonl_rows(path)
    return _read(rows, "query", "", "refer")


def _is_csv(path) -> bool:
    name = str(path).lower().removesuffix(".gz")
    return name.endswith(".csv")


# --------------------------------------------------------------------------- FollowTheMoney


def _ftm_dates(values: list[str]) -> list[str]:
    out = []
    for v in values:
        v = str(v)[:10]
        if len(v) in (4, 7, 10):
            out.append(v)
        else:
            raise _FieldError("birthDate", f"unreadable date {v!r}")
    return out


def _ftm_entity(obj: dict, list_id: str, action: str) -> WatchlistEntry:
    ident = obj.get("id")
    if not ident:
        raise _FieldError("id", "missing id")
    props = obj.get("properties") or {}
    if not isinstance(props, dict):
        raise _FieldError("properties", "expected an object")

    def get(*names: str) -> list[str]:
        out: list[str] = []
        for n in names:
            v = props.get(n) or []
            if isinstance(v, str):
                v = [v]
            out.extend(str(x) for x in v if x)
        return out

    names = get("name") + [n for n in get("alias", "previousName", "weakAlias") if n not in get("name")]
    if not names:
        first, last = get("firstName"), get("lastName")
        if first or last:
            names = [" ".join(first[:1] + get("middleName")[:1] + last[:1])]
    if not names:
        raise _FieldError("name", "no name")
    genders = get("gender")
    try:
        return WatchlistEntry(
            list_id=list_id,
            entry_id=str(ident),
            names=names,
            birth_dates=_ftm_dates(get("birthDate")),
            nationalities=get("nationality", "citizenship"),
            gender=genders[0] if genders else None,
            document_numbers=get("passportNumber", "idNumber"),
            action=action,
        )
    except ValueError as exc:
        field, _, msg = str(exc).partition(": ")
        raise _FieldError(field if msg else "entity", msg or str(exc)) from None


def read_ftm(path, list_id: str = "opensanctions", action: str = "refer"):
    """FtM JSON lines, plain or as a delta (``{"op": "ADD"|"MOD"|"DEL", "entity": {...}}``).

    Returns ``(upserts, removed_ids, errors)``."""
    upserts, removed, errors = [], [], []
    for line, obj, problem in _jsonl_rows(path):
        if problem:
            errors.append(LoadError(line, "row", problem))
            continue
        op = str(obj.get("op", "ADD")).upper()
        ent = obj.get("entity", obj) if "op" in obj else obj
        if not isinstance(ent, dict):
            errors.append(LoadError(line, "entity", "expected an object"))
            continue
        if op == "DEL":
            if ent.get("id"):
                removed.append(str(ent["id"]))
            else:
                errors.append(LoadError(line, "id", "missing id"))
            continue
        schema = ent.get("schema")
        if schema != "Person":
            errors.append(LoadError(line, "schema", f"{schema!r} is not a Person", skipped=True))
            continue
        try:
            upserts.append(_ftm_entity(ent, list_id, action))
        except _FieldError as exc:
            errors.append(LoadError(line, exc.field, exc.message))
    return upserts, removed, errors


def load_ftm_jsonl(path, list_id: str = "opensanctions", action: str = "refer"):
    """Person entities from FtM JSON lines.  Returns ``(entries, errors)``."""
    entries, removed, errors = read_ftm(path, list_id, action)
    for ident in removed:
        errors.append(LoadError(0, "op", f"DEL {ident} ignored in a full load", skipped=True))
    return entries, errors


def load_watchlist(path, list_id: str = "default", action: str = "refer"):
    """Watchlist from CSV, JSON lines, or FtM JSON lines (detected from the first object)."""
    if _is_csv(path):
        return load_csv(path, list_id, action)
    with _open(path) as fh:
        first = ""
        for line in fh:
            if line.strip():
                first = line
                break
    try:
        obj = json.loads(first) if first else {}
    except json.JSONDecodeError:
        obj = {}
    if isinstance(obj, dict) and ("schema" in obj or "op" in obj):
        return load_ftm_jsonl(path, list_id, action)
    return load_jsonl(path, list_id, action)


ProgressFn = Callable[[int, int], None]

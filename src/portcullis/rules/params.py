"""Dated parameters: values with an effective-from date, a citation and a confidence tag.

Parameters live in ``parameters/*.yaml``.  Each file maps a dotted name to::

    skilled_worker.option_a.threshold:
      description: General salary threshold, Option A
      applies_on: cos_assigned_date        # which date of the case selects the row
      unit: GBP
      values:
        - value: 38700
          effective_from: 2024-04-04       # inclusive; omitted = since the rule began
          effective_to: 2025-07-21         # inclusive; omitted = until the next row starts
          citation: Appendix Skilled Worker SW 14.x (HC 590)
          confidence: confirmed            # confirmed | probable | uncertain
          source: https://...

Rows must be in date order and must not overlap.  A lookup on a date before the first row, or in a
gap, raises :class:`ParameterNotInForce`; a rule turns that into NOT_KNOWN, never a silent pass.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PARAMETER_DIR = Path(__file__).resolve().parent / "parameters"
CONFIDENCE = ("confirmed", "probable", "uncertain")
_MIN = _dt.date.min
_MAX = _dt.date.max


class ParameterError(Exception):
    """A parameter file is malformed (raised at load time)."""


class ParameterNotInForce(LookupError):
    """No row of the parameter is in force on the date asked for (or the name is unknown)."""

    def __init__(self, name: str, on: _dt.date | None, message: str | None = None) -> None:
        self.name = name
        self.on = on
        super().__init__(message or f"parameter {name!r} has no value in force on {on}")


@dataclass(frozen=True, slots=True)
class ParameterValue:
    name: str
    value: Any
    effective_from: _dt.date | None
    effective_to: _dt.date | None
    citation: str
    confidence: str
    source: str | None = None
    applies_on: str | None = None
    unit: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "value": _jsonable(self.value),
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "citation": self.citation,
            "confidence": self.confidence,
            "source": self.source,
            "applies_on": self.applies_on,
            "unit": self.unit,
            "note": self.note,
        }


def _jsonable(v: Any) -> Any:
    if isinstance(v, (_dt.date, _dt.datetime, _dt.time)):
        return v.isoformat()
    if hasattr(v, "model_dump"):
        return _jsonable(v.model_dump(exclude_none=True))
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


def _as_date(v: Any, where: str) -> _dt.date | None:
    if v is None:
        return None
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    try:
        return _dt.date.fromisoformat(str(v))
    except ValueError as exc:
        raise ParameterError(f"{where}: not an ISO date: {v!r}") from exc


class ParameterSet:
    """An immutable set of dated parameters with a per-(name, date) lookup cache."""

    def __init__(self, documents: dict[str, str]) -> None:
        #: file name -> YAML text (kept so the set can be hashed and archived byte for byte)
        self.documents = dict(sorted(documents.items()))
        self._rows: dict[str, tuple[tuple[_dt.date, _dt.date, ParameterValue], ...]] = {}
        self.meta: dict[str, dict] = {}
        for fname, text in self.documents.items():
            data = yaml.safe_load(text) or {}
            if not isinstance(data, dict):
                raise ParameterError(f"{fname}: top level must be a mapping of parameter names")
            for name, spec in data.items():
                if name in self._rows:
                    raise ParameterError(f"{fname}: parameter {name!r} defined twice")
                self._rows[name] = self._load_one(f"{fname}:{name}", name, spec)
                self.meta[name] = {k: spec.get(k) for k in ("description", "applies_on", "unit")}
        self.hash = hashlib.sha256(
            "".join(f"{k}\0{v}\0" for k, v in self.documents.items()).encode()
        ).hexdigest()
        self._cache: dict[tuple[str, _dt.date], ParameterValue] = {}

    @staticmethod
    def _load_one(where: str, name: str, spec: Any):
        if not isinstance(spec, dict) or not isinstance(spec.get("values"), list) or not spec["values"]:
            raise ParameterError(f"{where}: needs a non-empty 'values' list")
        rows = []
        raw = spec["values"]
        for i, row in enumerate(raw):
            w = f"{where}.values[{i}]"
            if not isinstance(row, dict) or "value" not in row:
                raise ParameterError(f"{w}: needs 'value'")
            for key in ("citation", "confidence"):
                if not row.get(key):
                    raise ParameterError(f"{w}: needs '{key}'")
            if row["confidence"] not in CONFIDENCE:
                raise ParameterError(f"{w}: confidence must be one of {CONFIDENCE}")
            start = _as_date(row.get("effective_from"), w)
            end = _as_date(row.get("effective_to"), w)
            if end is None and i + 1 < len(raw):
                nxt = _as_date(raw[i + 1].get("effective_from"), f"{where}.values[{i + 1}]")
                if nxt is None:
                    raise ParameterError(f"{where}.values[{i + 1}]: only the first row may omit effective_from")
                end = nxt - _dt.timedelta(days=1)
            lo, hi = start or _MIN, end or _MAX
            if hi < lo:
                raise ParameterError(f"{w}: effective_to before effective_from")
            if rows and lo <= rows[-1][1]:
                raise ParameterError(f"{w}: overlaps or is out of date order with the row before")
            value = row["value"]
            pv = ParameterValue(
                name=name, value=value, effective_from=start, effective_to=end,
                citation=str(row["citation"]), confidence=row["confidence"], source=row.get("source"),
                applies_on=spec.get("applies_on"), unit=spec.get("unit"), note=row.get("note"),
            )
            rows.append((lo, hi, pv))
        return tuple(rows)

    def names(self) -> list[str]:
        return sorted(self._rows)

    def history(self, name: str) -> list[ParameterValue]:
        if name not in self._rows:
            raise ParameterNotInForce(name, None, f"unknown parameter {name!r}")
        return [r[2] for r in self._rows[name]]

    def get(self, name: str, on: _dt.date) -> ParameterValue:
        key = (name, on)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        rows = self._rows.get(name)
        if rows is None:
            raise ParameterNotInForce(name, on, f"unknown parameter {name!r}")
        for lo, hi, pv in rows:
            if lo <= on <= hi:
                if len(self._cache) > 100_000:
                    self._cache.clear()
                self._cache[key] = pv
                return pv
        first = rows[0][0]
        why = f"before the first value ({first})" if on < first else "in a gap between values"
        raise ParameterNotInForce(name, on, f"parameter {name!r} has no value in force on {on} ({why})")


def load_documents(directory: Path = PARAMETER_DIR) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.yaml"))}


_CURRENT: ParameterSet | None = None


def current() -> ParameterSet:
    global _CURRENT
    if _CURRENT is None:
        _CURRENT = ParameterSet(load_documents())
    return _CURRENT


def parameter(name: str, on: _dt.date) -> ParameterValue:
    """The value of parameter ``name`` in force on ``on`` (current rules version)."""
    if isinstance(on, _dt.datetime):
        on = on.date()
    return current().get(name, on)

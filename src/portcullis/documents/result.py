"""Result types of :func:`portcullis.documents.parse_mrz`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

FIELD_NAMES = (
    "document_code", "issuing_state", "surname", "given_names", "document_number", "nationality",
    "birth_date", "birth_date_raw", "sex", "expiry_date", "expiry_date_raw", "optional_data",
    "optional_data_2", "possibly_truncated",
)


@dataclass(slots=True)
class MRZFields:
    """The fields of one MRZ as read (after any kept OCR correction).

    Names have fillers turned into spaces; ``document_number`` and the optional data have their
    trailing fillers removed (inner fillers are kept).  ``birth_date`` is ``None`` when the date is
    partial or invalid; ``birth_date_raw`` always holds the six MRZ characters.  ``sex`` is
    ``"M"``, ``"F"``, ``"X"`` (non-standard, warned) or ``None`` (unspecified ``<``).
    """

    document_code: str | None = None
    issuing_state: str | None = None
    surname: str | None = None
    given_names: str | None = None
    document_number: str | None = None
    nationality: str | None = None
    birth_date: date | None = None
    birth_date_raw: str | None = None
    sex: str | None = None
    expiry_date: date | None = None
    expiry_date_raw: str | None = None
    optional_data: str | None = None
    optional_data_2: str | None = None
    possibly_truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in FIELD_NAMES:
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, date) else value
        return out


@dataclass(slots=True)
class MRZResult:
    """Outcome of reading one MRZ. ``valid`` is true only when ``errors`` is empty."""

    valid: bool
    format: str | None
    fields: MRZFields
    checks: dict[str, bool] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    corrections: list[dict[str, Any]] = field(default_factory=list)
    field_validity: dict[str, bool] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    mode: str = "strict"

    def __bool__(self) -> bool:
        return self.valid

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``portcullis mrz check --json`` (one object per document)."""
        return {
            "format": self.format,
            "valid": self.valid,
            "mode": self.mode,
            "lines": list(self.lines),
            "fields": self.fields.to_dict(),
            "field_validity": dict(self.field_validity),
            "checks": dict(self.checks),
            "warnings": list(self.warnings),
            "errors": list(self.errors),
            "corrections": [dict(c) for c in self.corrections],
        }

    def summary(self) -> str:
        """A short report a person can read."""
        f = self.fields
        status = "VALID" if self.valid else "INVALID"
        out = [f"{self.format or 'unknown format'}: {status} ({self.mode})"]
        if self.format:
            def show_date(value: date | None, raw: str | None) -> str:
                if value is not None:
                    return value.isoformat()
                return f"unknown ({raw})" if raw else "-"

            rows = [
                ("Document code", f.document_code),
                ("Issuing state", _with_name(f.issuing_state)),
                ("Surname", f.surname + (" (possibly truncated)" if f.possibly_truncated else "") if f.surname is not None else None),
                ("Given names", f.given_names),
                ("Document number", f.document_number),
                ("Nationality", _with_name(f.nationality)),
                ("Date of birth", show_date(f.birth_date, f.birth_date_raw)),
                ("Sex", f.sex or "unspecified"),
                ("Expiry date", show_date(f.expiry_date, f.expiry_date_raw)),
                ("Optional data", f.optional_data),
            ]
            if f.optional_data_2 is not None:
                rows.append(("Optional data 2", f.optional_data_2))
            for label, value in rows:
                out.append(f"  {label + ':':17}{value if value not in (None, '') else '-'}")
            if self.checks:
                out.append("  Check digits:    " + ", ".join(
                    f"{name} {'ok' if ok else 'FAIL'}" for name, ok in self.checks.items()))
        for c in self.corrections:
            out.append(f"  corrected: line {c['line']}, position {c['position']} ({c['field']}): "
                       f"{c['from']!r} -> {c['to']!r}" + ("" if c.get("verified", True) else " (no check digit covers it)"))
        out.extend(f"  warning: {w}" for w in self.warnings)
        out.extend(f"  error: {e}" for e in self.errors)
        return "\n".join(out)


def _with_name(code: str | None) -> str | None:
    if not code:
        return code
    from portcullis.documents.codes import country_name

    name = country_name(code)
    return f"{code} ({name})" if name else f"{code} (unknown code)"

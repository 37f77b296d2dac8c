"""Errors every interface knows how to show: each names the field (or line, or segment) at fault."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


class InvalidInput(Exception):
    """Input that cannot be accepted.  Raised before anything is written."""

    def __init__(self, errors: list[FieldError] | FieldError | str, field: str | None = None):
        if isinstance(errors, str):
            errors = [FieldError(field or "", errors)]
        elif isinstance(errors, FieldError):
            errors = [errors]
        self.errors: list[FieldError] = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" if e.field else e.message for e in self.errors))


class Conflict(Exception):
    """The request is valid but the record's state does not allow it (e.g. a case already decided)."""


class NotFound(Exception):
    pass

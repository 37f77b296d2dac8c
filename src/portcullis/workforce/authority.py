"""Delegated authority: the one function every web view, API route and CLI command asks.

The matrix is data: each context ships an ``authority.yaml`` mapping an action to the grades that
may take it, ``allowed`` outright or only with a ``countersign``ature by a second officer.
Anything not named is denied, so a new action is closed until someone writes it down.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist

from .models import Grade

STAFF_GRADES = [g.value for g in Grade]
PSEUDO_GRADES = {"SYSTEM", "CARRIER"}


class Authority(enum.Enum):
    ALLOWED = "allowed"
    COUNTERSIGN = "countersign"
    DENIED = "denied"


class NotAuthorised(Exception):
    def __init__(self, principal: str, grade: str | None, action: str, authority: Authority = Authority.DENIED):
        self.principal, self.grade, self.action, self.authority = principal, grade, action, authority
        if authority is Authority.COUNTERSIGN:
            text = f"{action} by grade {grade} needs a countersignature"
        else:
            text = f"{principal} (grade {grade or 'none'}) may not {action}"
        super().__init__(text)


class SystemPrincipal:
    """The operator running ``portcullis`` on the server (migrations, integrity checks)."""

    username = "system"
    is_authenticated = True
    pk = None

    def get_username(self) -> str:
        return self.username


SYSTEM = SystemPrincipal()


@lru_cache(maxsize=1)
def matrix() -> dict[str, dict[str, Authority]]:
    merged: dict[str, dict[str, Authority]] = {}
    for config in apps.get_app_configs():
        path = Path(config.path) / "authority.yaml"
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text()) or {}
        for action, grants in data.items():
            if action in merged:
                raise ValueError(f"{path}: action {action!r} is already defined by another context")
            row: dict[str, Authority] = {}
            for grade, level in (grants or {}).items():
                targets = STAFF_GRADES if grade == "*" else [grade]
                for g in targets:
                    if g not in STAFF_GRADES and g not in PSEUDO_GRADES:
                        raise ValueError(f"{path}: {action}: unknown grade {g!r}")
                    row[g] = Authority(level)
            merged[action] = row
    return merged


def grade_of(principal) -> str | None:
    if isinstance(principal, SystemPrincipal):
        return "SYSTEM"
    role = getattr(principal, "portcullis_role", None)  # service clients (carriers)
    if role:
        return role
    if not getattr(principal, "is_authenticated", False) or not getattr(principal, "is_active", True):
        return None
    try:
        return principal.staff.grade
    except (AttributeError, ObjectDoesNotExist):
        return None


def authority(principal, action: str) -> Authority:
    grade = grade_of(principal)
    if grade is None:
        return Authority.DENIED
    row = matrix().get(action)
    if row is None:
        return Authority.DENIED
    return row.get(grade, Authority.DENIED)


@dataclass(frozen=True)
class Permit:
    action: str
    grade: str
    needs_countersignature: bool


def authorise(principal, action: str, *, countersign_ok: bool = False) -> Permit:
    """Raise :class:`NotAuthorised` unless ``principal`` may take ``action``.

    With ``countersign_ok`` an action the grade may only take subject to countersignature is
    permitted, and the returned permit says a countersignature is needed.
    """
    level = authority(principal, action)
    grade = grade_of(principal)
    name = principal.get_username() if hasattr(principal, "get_username") else str(principal)
    if level is Authority.ALLOWED:
        return Permit(action, grade, False)
    if level is Authority.COUNTERSIGN and countersign_ok:
        return Permit(action, grade, True)
    raise NotAuthorised(name, grade, action, level)


def can(principal, action: str) -> bool:
    return authority(principal, action) is not Authority.DENIED

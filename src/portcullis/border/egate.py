"""E-gate eligibility as rules (pure: no Django).

The gates read a biometric passport's chip and compare the face; they are for adults and older
children of listed nationalities who are on no watchlist.  The nationality list and ages are dated
data in ``egate.yaml`` with their source, like every other threshold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml


@dataclass(frozen=True)
class EgateRules:
    effective_from: dt.date
    nationalities: frozenset[str]
    minimum_age: int
    unaccompanied_age: int
    excluded_document_codes: frozenset[str]
    citation: str


@dataclass
class EgateDecision:
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    rules_from: dt.date | None = None
    citation: str = ""


@lru_cache(maxsize=1)
def _versions() -> list[EgateRules]:
    data = yaml.safe_load((Path(__file__).with_name("egate.yaml")).read_text())
    out = []
    for row in data["versions"]:
        out.append(EgateRules(
            effective_from=row["effective_from"], nationalities=frozenset(row["nationalities"]),
            minimum_age=row["minimum_age"], unaccompanied_age=row["unaccompanied_age"],
            excluded_document_codes=frozenset(row.get("excluded_document_codes", [])), citation=row["citation"]))
    return sorted(out, key=lambda r: r.effective_from)


def rules_on(day: dt.date) -> EgateRules:
    applicable = [r for r in _versions() if r.effective_from <= day]
    if not applicable:
        raise LookupError(f"no e-gate rules in force on {day}")
    return applicable[-1]


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def egate_eligibility(*, nationality: str, birth_date: dt.date | None, document_code: str, biometric: bool,
                      watchlist_hit: bool, accompanied: bool = False, on: dt.date) -> EgateDecision:
    rules = rules_on(on)
    reasons = []
    if nationality not in rules.nationalities:
        reasons.append(f"nationality {nationality} is not on the e-gate list")
    if not document_code.startswith("P") or document_code in rules.excluded_document_codes:
        reasons.append(f"document type {document_code} is not a passport the gates accept")
    if not biometric:
        reasons.append("the passport is not biometric (no chip)")
    if birth_date is None:
        reasons.append("date of birth not known")
    else:
        age = age_on(birth_date, on)
        if age < rules.minimum_age:
            reasons.append(f"aged {age}: under the minimum age of {rules.minimum_age}")
        elif age < rules.unaccompanied_age and not accompanied:
            reasons.append(f"aged {age}: under {rules.unaccompanied_age} must be accompanied by an adult")
    if watchlist_hit:
        reasons.append("a watchlist hit: must see an officer")
    return EgateDecision(not reasons, reasons, rules.effective_from, rules.citation)

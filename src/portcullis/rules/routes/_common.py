"""Pieces shared by several routes: convictions and sentence arithmetic (CONV-13)."""

from __future__ import annotations

import datetime as _dt
from typing import Literal, Optional

from pydantic import Field

from ..schema import Facts


class Conviction(Facts):
    date: Optional[_dt.date] = Field(None, description="date of conviction")
    disposal: Optional[Literal["custodial", "suspended", "non_custodial", "out_of_court"]] = Field(
        None, description="custodial sentence, suspended sentence, non-custodial sentence or out-of-court disposal")
    sentence_months: Optional[float] = Field(None, ge=0, description="length of the sentence in months")
    sentence_end_date: Optional[_dt.date] = Field(None, description="date the sentence ended")
    group: Optional[str] = Field(
        None, description="sentences passed on one occasion share a group; see 'consecutive'")
    consecutive: bool = Field(
        False, description="within its group, this sentence runs consecutively (aggregated), not concurrently")
    overseas: bool = False


def custodial_lengths(convictions: list[Conviction]) -> tuple[list[tuple[float, Conviction]], bool]:
    """Effective custodial sentence lengths (CONV-13): suspended sentences are not custodial;
    consecutive sentences in a group are added; concurrent ones count as the longest.
    Returns ([(months, representative conviction)], unknown) where unknown flags a custodial
    conviction with no length."""
    groups: dict[str, list[Conviction]] = {}
    out: list[tuple[float, Conviction]] = []
    unknown = False
    for i, c in enumerate(convictions):
        if c.disposal is None:
            unknown = True
            continue
        if c.disposal != "custodial":
            continue
        if c.sentence_months is None:
            unknown = True
            continue
        groups.setdefault(c.group or f"#{i}", []).append(c)
    for members in groups.values():
        cons = [c for c in members if c.consecutive]
        conc = [c for c in members if not c.consecutive]
        months = sum(c.sentence_months for c in cons) + (max(c.sentence_months for c in conc) if conc else 0)
        rep = max(members, key=lambda c: (c.sentence_end_date or _dt.date.min))
        out.append((months, rep))
    return out, unknown


def yes(v: Optional[bool]) -> bool:
    return v is True

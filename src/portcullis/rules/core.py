"""The requirement tree, outcomes and the evaluation record."""

from __future__ import annotations

import datetime as _dt
import enum
from dataclasses import dataclass, field
from typing import Any

from .params import ParameterNotInForce, ParameterSet, ParameterValue, _jsonable


class Status(str, enum.Enum):
    MET = "MET"
    NOT_MET = "NOT_MET"
    NOT_KNOWN = "NOT_KNOWN"


class Outcome(str, enum.Enum):
    GRANT = "GRANT"
    REFUSE = "REFUSE"
    REFER = "REFER"
    INVALID = "INVALID"


MET, NOT_MET, NOT_KNOWN = Status.MET, Status.NOT_MET, Status.NOT_KNOWN

#: How a requirement that is NOT_MET bears on the outcome.
VALIDITY = "validity"  # NOT_MET -> INVALID
MANDATORY = "mandatory"  # NOT_MET -> REFUSE (unless a discretion band is set on the node)
GROUP = "group"  # status is derived from children
INFO = "information"  # shown in the tree, never decides the outcome (e.g. a salary option not relied on)


class FactsError(ValueError):
    """Facts failed the route's schema.  ``errors`` is a list of {"field", "message"}."""

    def __init__(self, errors: list[dict]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid facts")


class RulesVersionUnavailable(LookupError):
    """The requested rules version is not available for re-evaluation in this installation."""


@dataclass(slots=True)
class ParamUse:
    value: ParameterValue
    looked_up_on: _dt.date
    date_role: str

    def to_dict(self) -> dict:
        d = self.value.to_dict()
        d["looked_up_on"] = self.looked_up_on.isoformat()
        d["date_role"] = self.date_role
        return d


@dataclass(slots=True)
class Node:
    """One requirement (or a group of them) and how it was decided."""

    id: str
    paragraph: str
    explanation: str
    kind: str = MANDATORY
    status: Status = NOT_KNOWN
    reason: str = ""
    facts: dict = field(default_factory=dict)
    computed: dict = field(default_factory=dict)
    parameters: list = field(default_factory=list)
    children: list = field(default_factory=list)
    #: a discretion band or referral flag engaged at this node, and what it recommends
    band: str | None = None
    recommended: Outcome | None = None
    missing: list = field(default_factory=list)

    # -- building helpers -------------------------------------------------------------------
    def met(self, reason: str = "") -> "Node":
        self.status = MET
        self.reason = reason
        return self

    def not_met(self, reason: str = "") -> "Node":
        self.status = NOT_MET
        self.reason = reason
        return self

    def unknown(self, reason: str = "", missing: list | tuple = ()) -> "Node":
        self.status = NOT_KNOWN
        self.reason = reason
        if missing:
            self.missing.extend(missing)
        return self

    def refer(self, band: str, recommended: Outcome) -> "Node":
        self.band = band
        self.recommended = recommended
        return self

    def add(self, *children: "Node") -> "Node":
        self.children.extend(children)
        return self

    def need(self, **facts: Any) -> bool:
        """Record facts used; mark NOT_KNOWN (naming them) if any is None.  True if all present."""
        self.facts.update(facts)
        missing = [k for k, v in facts.items() if v is None]
        if missing:
            self.unknown("fact(s) not known: " + ", ".join(missing), missing)
            return False
        return True

    def rollup(self, reason_met: str = "all requirements met") -> "Node":
        """Group status: NOT_MET if any child is, else NOT_KNOWN if any is, else MET."""
        st = MET
        for c in self.children:
            if c.status is NOT_MET:
                st = NOT_MET
                break
            if c.status is NOT_KNOWN:
                st = NOT_KNOWN
        self.status = st
        if st is MET:
            self.reason = reason_met
        elif st is NOT_MET:
            self.reason = "not met: " + ", ".join(c.id for c in self.children if c.status is NOT_MET)
        else:
            self.reason = "not known: " + ", ".join(c.id for c in self.children if c.status is NOT_KNOWN)
        return self

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def find(self, node_id: str) -> "Node | None":
        for n in self.walk():
            if n.id == node_id:
                return n
        return None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "paragraph": self.paragraph,
            "explanation": self.explanation,
            "kind": self.kind,
            "status": self.status.value,
            "reason": self.reason,
            "facts": _jsonable(self.facts),
            "computed": _jsonable(self.computed),
            "parameters": [p.to_dict() for p in self.parameters],
            "band": self.band,
            "recommended": self.recommended.value if self.recommended else None,
            "missing": list(self.missing),
            "children": [c.to_dict() for c in self.children],
        }


@dataclass(slots=True)
class Leave:
    type: str
    duration: str | None  # ISO 8601 duration, e.g. "P6M"; None = indefinite / not time-limited
    conditions: list[str]
    ends: _dt.date | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"type": self.type, "duration": self.duration, "conditions": list(self.conditions),
                "ends": self.ends.isoformat() if self.ends else None, "notes": list(self.notes)}


@dataclass(slots=True)
class Evaluation:
    route: str
    outcome: Outcome
    requirements: Node
    rules_version: str
    as_at: _dt.date
    dates: dict
    recommended: Outcome | None = None
    band: str | None = None
    grounds: list = field(default_factory=list)
    leave: Leave | None = None
    result: dict = field(default_factory=dict)
    missing_facts: list = field(default_factory=list)
    #: the validated facts (a pydantic model; ``to_dict`` dumps it)
    facts: Any = None

    @property
    def parameters_used(self) -> list[ParamUse]:
        seen, out = set(), []
        for n in self.requirements.walk():
            for p in n.parameters:
                key = (p.value.name, p.value.effective_from, p.date_role)
                if key not in seen:
                    seen.add(key)
                    out.append(p)
        return out

    def to_dict(self) -> dict:
        return {
            "route": self.route,
            "outcome": self.outcome.value,
            "recommended": self.recommended.value if self.recommended else None,
            "band": self.band,
            "grounds": _jsonable(self.grounds),
            "leave": self.leave.to_dict() if self.leave else None,
            "result": _jsonable(self.result),
            "missing_facts": list(self.missing_facts),
            "as_at": self.as_at.isoformat(),
            "dates": _jsonable(self.dates),
            "rules_version": self.rules_version,
            "facts": _jsonable(self.facts) if self.facts is not None else {},
            "requirements": self.requirements.to_dict(),
        }

    def explain_text(self) -> str:
        from .explain import render

        return render(self)


class Ctx:
    """What a rule function needs besides the facts: the parameter set and the dates of the case."""

    __slots__ = ("params", "as_at", "dates")

    def __init__(self, params: ParameterSet, as_at: _dt.date) -> None:
        self.params = params
        self.as_at = as_at
        self.dates: dict[str, _dt.date | None] = {"decision_date": as_at}

    def p(self, node: Node, name: str, on: _dt.date, role: str) -> Any:
        """Look ``name`` up on ``on`` and record it on ``node``.  Raises ParameterNotInForce."""
        pv = self.params.get(name, on)
        node.parameters.append(ParamUse(pv, on, role))
        return pv.value

    def p_or_unknown(self, node: Node, name: str, on: _dt.date | None, role: str, default=ParameterNotInForce):
        """Like :meth:`p` but marks the node NOT_KNOWN (and returns ``None``) if nothing is in force."""
        if on is None:
            node.unknown(f"{role} not known, so {name} cannot be looked up", [role])
            return None
        try:
            return self.p(node, name, on, role)
        except ParameterNotInForce as exc:
            node.unknown(str(exc))
            return None


def decide(root: Node) -> tuple[Outcome, Outcome | None, str | None, list, list]:
    """Derive the outcome from the tree.

    INVALID if a validity requirement is NOT_MET; REFUSE if a mandatory requirement is NOT_MET with no
    discretion band; REFER if a band is engaged or a fact is not known; otherwise GRANT.
    Returns (outcome, recommended, band, grounds, missing_facts).
    """
    invalid, refuse, bands, unknown, missing = [], [], [], [], []
    for n in root.walk():
        if (n.children and n.kind == GROUP) or n.kind == INFO:
            continue
        if n.band is not None:
            bands.append(n)
        if n.status is NOT_MET and n.band is None:
            (invalid if n.kind == VALIDITY else refuse).append(n)
        elif n.status is NOT_KNOWN:
            unknown.append(n)
            missing.extend(m for m in n.missing if m not in missing)

    def ground(n: Node) -> dict:
        return {"id": n.id, "paragraph": n.paragraph, "reason": n.reason}

    if invalid:
        return Outcome.INVALID, None, None, [ground(n) for n in invalid], missing
    if refuse:
        return Outcome.REFUSE, None, None, [ground(n) for n in refuse], missing
    if bands or unknown:
        rec = None
        if bands:
            # any band recommending refusal wins; a band that recommends nothing leaves it to the officer
            if any(b.recommended is Outcome.REFUSE for b in bands):
                rec = Outcome.REFUSE
            elif all(b.recommended is Outcome.GRANT for b in bands):
                rec = Outcome.GRANT
        band = "; ".join(b.band for b in bands) if bands else None
        if unknown:
            band = (band + "; " if band else "") + "facts not known: " + (", ".join(missing) or ", ".join(
                n.id for n in unknown))
        grounds = [{"id": b.id, "paragraph": b.paragraph, "reason": b.reason, "band": b.band} for b in bands]
        grounds += [{"id": n.id, "paragraph": n.paragraph, "reason": n.reason, "band": "not_known"} for n in unknown]
        return Outcome.REFER, rec, band, grounds, missing
    return Outcome.GRANT, None, None, [], missing

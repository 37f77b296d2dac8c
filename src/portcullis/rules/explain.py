"""Render an evaluation as text for a person to read."""

from __future__ import annotations

from .core import Evaluation, Node

MARK = {"MET": "[MET]    ", "NOT_MET": "[NOT MET]", "NOT_KNOWN": "[UNKNOWN]"}


def _fmt(v) -> str:
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _node(n: Node, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    out.append(f"{pad}{MARK[n.status.value]} {n.id} ({n.paragraph})")
    out.append(f"{pad}    {n.explanation}")
    if n.reason:
        out.append(f"{pad}    -> {n.reason}")
    if n.band:
        rec = n.recommended.value if n.recommended else "officer to decide"
        out.append(f"{pad}    ! discretion/referral: {n.band} (recommended: {rec})")
    used = {k: v for k, v in n.facts.items() if not isinstance(v, list) or len(v) <= 3}
    if used:
        out.append(f"{pad}    facts: " + ", ".join(f"{k}={_fmt(v)}" for k, v in used.items()))
    if n.computed:
        shown = {k: v for k, v in n.computed.items() if not isinstance(v, list) or len(v) <= 6}
        if shown:
            out.append(f"{pad}    computed: " + ", ".join(f"{k}={_fmt(v)}" for k, v in shown.items()))
    for p in n.parameters:
        pv = p.value
        rng = f"from {pv.effective_from or 'start'}" + (f" to {pv.effective_to}" if pv.effective_to else "")
        out.append(f"{pad}    parameter {pv.name} = {_fmt(pv.value)} ({rng}; {p.date_role} {p.looked_up_on}; "
                   f"{pv.citation}; {pv.confidence})")
    for c in n.children:
        _node(c, depth + 1, out)


def render(ev: Evaluation) -> str:
    out = [f"Route: {ev.route}", f"Outcome: {ev.outcome.value}"]
    if ev.recommended:
        out.append(f"Recommended: {ev.recommended.value}")
    if ev.band:
        out.append(f"Band: {ev.band}")
    if ev.grounds:
        out.append("Grounds:")
        for g in ev.grounds:
            out.append(f"  - {g['id']} ({g['paragraph']}): {g['reason']}")
    if ev.leave:
        lv = ev.leave
        out.append(f"Leave: {lv.type}; duration {lv.duration or 'not time-limited'}"
                   + (f"; ends {lv.ends}" if lv.ends else ""))
        for c in lv.conditions:
            out.append(f"  condition: {c}")
        for note in lv.notes:
            out.append(f"  note: {note}")
    if ev.result:
        import json

        from .params import _jsonable

        out.append("Result: " + ", ".join(
            f"{k}={json.dumps(_jsonable(v)) if isinstance(v, (list, dict)) else _fmt(v)}" for k, v in ev.result.items()))
    if ev.missing_facts:
        out.append("Facts not known: " + ", ".join(ev.missing_facts))
    out.append("Dates: " + ", ".join(f"{k}={_fmt(v)}" for k, v in ev.dates.items() if v))
    out.append(f"Rules version: {ev.rules_version}")
    out.append("")
    out.append("Requirements:")
    _node(ev.requirements, 1, out)
    return "\n".join(out) + "\n"

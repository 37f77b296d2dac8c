"""The case state machine: which status may follow which, and the authority action each move needs.

    received -> validated (or rejected as invalid) -> checks -> consideration
             -> pending_countersignature -> decided -> served -> closed

A decision within the proposer's authority goes straight from consideration to decided; one that
needs a second officer waits in pending_countersignature, from where the countersigning officer
either decides it or returns it to consideration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .models import Status

S = Status


@dataclass(frozen=True)
class Move:
    name: str
    sources: tuple[str, ...]
    target: str
    action: str  # the casework.* authority action


MOVES: dict[str, Move] = {m.name: m for m in [
    Move("validate", (S.RECEIVED,), S.VALIDATED, "casework.validate"),
    Move("reject_invalid", (S.RECEIVED, S.VALIDATED), S.REJECTED, "casework.reject_invalid"),
    Move("start_checks", (S.VALIDATED,), S.CHECKS, "casework.start_checks"),
    Move("start_consideration", (S.CHECKS,), S.CONSIDERATION, "casework.start_consideration"),
    # The decision moves; the route x outcome authority is checked on top (see services.propose_decision).
    Move("propose", (S.CONSIDERATION,), S.PENDING_COUNTERSIGNATURE, "casework.propose_decision"),
    Move("decide", (S.CONSIDERATION,), S.DECIDED, "casework.propose_decision"),
    Move("countersign", (S.PENDING_COUNTERSIGNATURE,), S.DECIDED, "casework.countersign"),
    Move("return", (S.PENDING_COUNTERSIGNATURE,), S.CONSIDERATION, "casework.countersign"),
    Move("serve", (S.DECIDED,), S.SERVED, "casework.serve"),
    Move("close", (S.SERVED, S.REJECTED), S.CLOSED, "casework.close"),
]}

# Moves a caseworker makes from the case page, in the order they are offered.
MANUAL_MOVES = ["validate", "reject_invalid", "start_checks", "start_consideration", "serve", "close"]


def allowed_moves(status: str) -> list[Move]:
    return [m for m in MOVES.values() if status in m.sources]


def can_move(status: str, name: str) -> bool:
    move = MOVES.get(name)
    return bool(move and status in move.sources)


_ROUTES_FILE = Path(__file__).with_name("routes.yaml")
_routes: dict | None = None


def route_config() -> dict[str, dict]:
    global _routes
    if _routes is None:
        _routes = yaml.safe_load(_ROUTES_FILE.read_text())
    return _routes

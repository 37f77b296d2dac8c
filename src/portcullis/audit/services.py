"""Writing and verifying the audit trail."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from django.db import connection
from django.utils import timezone

from .models import AccessLogEntry, AuditEvent

GENESIS = "0" * 64
# Any 64-bit key; the lock serialises chain appends on PostgreSQL.
_CHAIN_LOCK_KEY = 0x706F7274637573


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def payload_digest(payload: dict) -> str:
    return hashlib.sha256(_canonical(payload)).hexdigest()


def event_hash(*, prev_hash: str, seq: int, at: datetime, actor: str, action: str, object_type: str,
               object_id: str, person_id: int | None, reason: str, digest: str) -> str:
    body = _canonical([prev_hash, seq, at.isoformat(timespec="microseconds"), actor, action, object_type,
                       object_id, person_id, reason, digest])
    return hashlib.sha256(body).hexdigest()


def actor_name(actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return actor.get_username()


def record(actor, action: str, obj=None, *, object_type: str | None = None, object_id: Any = None,
           person=None, reason: str = "", payload: dict | None = None) -> AuditEvent:
    """Append one event to the chain.

    Must be called inside the ``transaction.atomic`` block that makes the change, so that the
    change and its event commit or roll back together.
    """
    return record_many(actor, [dict(action=action, obj=obj, object_type=object_type, object_id=object_id,
                                    person=person, reason=reason, payload=payload)])[0]


def record_many(actor, events: list[dict]) -> list[AuditEvent]:
    """Append several events by one actor in one insert (e.g. a 500-passenger list).

    Each item takes the keyword arguments of :func:`record`.  Same transaction rule.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must be called inside the transaction that makes the change")
    if not events:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    at = timezone.now()
    name = actor_name(actor)
    actor_user = actor if getattr(actor, "pk", None) and hasattr(actor, "get_username") else None
    rows = []
    for item in events:
        obj = item.get("obj")
        object_type, object_id = item.get("object_type"), item.get("object_id")
        if obj is not None:
            object_type = object_type or obj._meta.label_lower
            object_id = obj.pk if object_id is None else object_id
        person = item.get("person")
        person_id = getattr(person, "pk", person)
        payload = item.get("payload") or {}
        reason = item.get("reason") or ""
        seq += 1
        digest = payload_digest(payload)
        event = AuditEvent(seq=seq, at=at, actor=name, actor_user=actor_user, action=item["action"],
                           object_type=object_type or "", object_id=str(object_id or ""), person_id=person_id,
                           reason=reason, payload=payload, payload_digest=digest, prev_hash=prev)
        event.hash = prev = event_hash(prev_hash=event.prev_hash, seq=seq, at=at, actor=name, action=event.action,
                                       object_type=event.object_type, object_id=event.object_id,
                                       person_id=person_id, reason=reason, digest=digest)
        rows.append(event)
    if len(rows) == 1:
        rows[0].save(force_insert=True)
    else:
        AuditEvent.objects.bulk_create(rows, batch_size=1000)
    return rows


def log_access(user, person, *, channel: str, view: str, purpose: str = "") -> AccessLogEntry:
    return AccessLogEntry.objects.create(user=user, person_id=getattr(person, "pk", person), channel=channel,
                                         view=view, purpose=purpose)


@dataclass(frozen=True)
class Finding:
    seq: int | None
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event #{self.seq}" if self.seq is not None else "the chain"
        return f"{where} (row id {self.event_id}): {self.problem}" if self.event_id else f"{where}: {self.problem}"


def verify(events: Iterable[AuditEvent] | None = None) -> list[Finding]:
    """Walk the chain and return what is wrong, first problem first (empty when intact).

    * an edited row no longer matches its own hash, or its payload no longer matches its digest;
    * a deleted row leaves a gap in ``seq`` and the next row's ``prev_hash`` points at nothing;
    * an inserted (forged) row either duplicates a position or breaks the link to its neighbours.
    """
    if events is None:
        events = AuditEvent.objects.order_by("seq", "id").iterator(chunk_size=2000)
    findings: list[Finding] = []
    expected_seq = 1
    prev_hash = GENESIS
    for event in events:
        problems = []
        if event.seq != expected_seq:
            if event.seq > expected_seq:
                missing = f"#{expected_seq}" if event.seq == expected_seq + 1 else f"#{expected_seq}-#{event.seq - 1}"
                problems.append(f"event {missing} is missing (deleted)")
            else:
                problems.append(f"out of sequence: expected #{expected_seq} (inserted)")
        if event.prev_hash != prev_hash:
            problems.append("does not link to the event before it (inserted, or its predecessor was deleted or edited)")
        if payload_digest(event.payload) != event.payload_digest:
            problems.append("payload does not match its digest (edited)")
        recomputed = event_hash(prev_hash=event.prev_hash, seq=event.seq, at=event.at, actor=event.actor,
                                action=event.action, object_type=event.object_type, object_id=event.object_id,
                                person_id=event.person_id, reason=event.reason, digest=event.payload_digest)
        if recomputed != event.hash:
            problems.append("contents do not match its hash (edited or forged)")
        for problem in problems:
            findings.append(Finding(event.seq, event.id, problem))
        expected_seq = max(expected_seq, event.seq) + 1
        prev_hash = event.hash
    return findings


def events_for_person(person_ids: Iterable[int]):
    return AuditEvent.objects.filter(person_id__in=list(person_ids)).order_by("-seq")

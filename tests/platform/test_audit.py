"""The audit trail: written with the change, hash-chained, tamper-evident, append-only on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from portcullis.audit.models import AuditEvent
from portcullis.audit.services import record, verify
from portcullis.cli import main as cli_main

pytestmark = pytest.mark.django_db(transaction=True)


def _events(n: int, actor="alice"):
    for i in range(n):
        with transaction.atomic():
            record(actor, "test.event", object_type="thing", object_id=i, reason=f"reason {i}", payload={"i": i})


def _tamper(sql: str, params=()):
    """Write straight to the table, as someone with database access might."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def test_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        record("alice", "test.event", object_type="thing", object_id=1)


def test_event_rolls_back_with_the_change():
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            record("alice", "test.event", object_type="thing", object_id=1)
            1 / 0
    assert AuditEvent.objects.count() == 0


def test_intact_chain_verifies(capsys):
    _events(5)
    assert verify() == []
    assert cli_main(["audit", "verify"]) == 0
    assert "intact: 5 events" in capsys.readouterr().out


def test_edited_event_is_named(capsys):
    _events(5)
    _tamper("UPDATE audit_auditevent SET reason = %s WHERE seq = 3", ["nothing to see"])
    findings = verify()
    assert findings[0].seq == 3 and "edited" in findings[0].problem
    assert cli_main(["audit", "verify"]) == 1
    assert "first problem at event #3" in capsys.readouterr().out


def test_edited_payload_is_named():
    _events(4)
    _tamper("UPDATE audit_auditevent SET payload = %s WHERE seq = 2", ['{"i": 99}'])
    findings = verify()
    assert findings[0].seq == 2 and "payload" in findings[0].problem


def test_deleted_event_is_named(capsys):
    _events(5)
    _tamper("DELETE FROM audit_auditevent WHERE seq = 2")
    findings = verify()
    assert findings[0].seq == 3
    assert "#2 is missing" in findings[0].problem
    assert cli_main(["audit", "verify"]) == 1
    assert "#2 is missing (deleted)" in capsys.readouterr().out


def test_forged_insert_is_named(capsys):
    _events(3)
    last = AuditEvent.objects.get(seq=3)
    # A forger appends a plausible row, but cannot produce the hash without recomputing the chain.
    _tamper(
        "INSERT INTO audit_auditevent (seq, at, actor, action, object_type, object_id, reason, payload, "
        "payload_digest, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [4, last.at, "mallory", "person.merged", "thing", "9", "", "{}", last.payload_digest, last.hash, "f" * 64],
    )
    findings = verify()
    assert findings[0].seq == 4
    assert any(f.seq == 4 and "forged" in f.problem for f in findings)
    assert cli_main(["audit", "verify"]) == 1
    assert "event #4" in capsys.readouterr().out


def test_forged_insert_in_the_middle_is_named():
    _events(4)
    second = AuditEvent.objects.get(seq=2)
    # Shift nothing: the forger slips a row between #2 and #3 with a duplicate position.
    _tamper("UPDATE audit_auditevent SET seq = seq + 100 WHERE seq > 2")
    _tamper(
        "INSERT INTO audit_auditevent (seq, at, actor, action, object_type, object_id, reason, payload, "
        "payload_digest, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [3, second.at, "mallory", "test.event", "thing", "x", "", "{}", second.payload_digest, second.hash, "e" * 64],
    )
    findings = verify()
    assert findings[0].seq == 3


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete():
    from django.db.utils import DatabaseError

    _events(2)
    for sql in ("UPDATE audit_auditevent SET reason = 'x' WHERE seq = 1", "DELETE FROM audit_auditevent WHERE seq = 1"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
    assert AuditEvent.objects.count() == 2
    assert verify() == []

"""50 caseworkers take the next case at once from one queue: every case goes to exactly one of them."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from portcullis.casework import services
from portcullis.casework.models import Application, Transition

from cw_helpers import applicant, visitor_facts

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 50
CASES = 300


def test_fifty_parallel_workers_allocate_each_case_exactly_once(make_staff):
    clerk = make_staff("AA", "shf-visas")
    first = services.submit_application(services.ApplicationInput(
        route="visitor", facts=visitor_facts(), applicant=applicant(), fee=services.FeeInput(amount="127")), actor=clerk)
    now = timezone.now()
    today = dt.date.today()
    Application.objects.bulk_create([
        Application(reference=f"CW-TEST-{i:06d}", route="visitor", person=first.person, facts=first.facts,
                    queue=first.queue, application_date=today, received_at=now, service_standard=first.service_standard,
                    target_date=today + dt.timedelta(days=i % 40), clock_due=today + dt.timedelta(days=i % 40),
                    last_transition_at=now)
        for i in range(CASES - 1)])
    workers = [make_staff("AO", "shf-visas") for _ in range(WORKERS)]
    got: dict[int, list[int]] = {w.pk: [] for w in workers}
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def work(user):
        try:
            start.wait()
            while True:
                case = services.take_next(user)
                if case is None:
                    return
                got[user.pk].append(case.pk)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    allocated = Counter(pk for pks in got.values() for pk in pks)
    assert len(allocated) == CASES
    assert set(allocated.values()) == {1}
    assert sum(1 for pks in got.values() if pks) > 1  # the work really was shared
    owners = dict(Application.objects.values_list("pk", "owner_id"))
    for user_pk, pks in got.items():
        assert all(owners[pk] == user_pk for pk in pks)
    assert Transition.objects.filter(action="taken").count() == CASES

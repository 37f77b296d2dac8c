"""PostgreSQL with server-side binding: no statement may carry more than 65,535 parameters.

Inlined literals (Django's default) never met the limit; prepared statements do.  The project's
backend batches bulk updates and deletes to fit, and the queries whose ``__in`` list grows with the input
(a passenger list's documents and name keys, a watchlist's removed entries) are split.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from portcullis.people.models import Person
from portcullis.postgresql import MAX_PARAMS, chunks

pytestmark = pytest.mark.django_db


def test_chunks_cover_every_value_once_in_bounded_lists():
    parts = list(chunks(range(45_001), 20_000))
    assert [len(p) for p in parts] == [20_000, 20_000, 5_001]
    assert [v for p in parts for v in p] == list(range(45_001))
    assert list(chunks([], 10)) == []


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite binds its own way")
    return connection


def test_the_limit_is_real_and_the_backend_knows_it(postgresql):
    assert connection.settings_dict["OPTIONS"].get("server_side_binding") is True
    assert connection.features.max_query_params == MAX_PARAMS
    with pytest.raises(Exception), transaction.atomic():  # one statement, 70,000 parameters
        Person.objects.filter(pk__in=range(70_000)).count()


def test_a_bulk_update_past_the_limit_is_batched(postgresql):
    """``bulk_update`` writes a CASE with two parameters a row, plus the row's id: the stock backend
    puts every row in one statement.  (Inserts are not at risk: Django 5.2 inserts through UNNEST
    of arrays; deletes of cascading rows batch by the same ``bulk_batch_size``.)"""
    n = MAX_PARAMS // 3 + 500
    people = Person.objects.bulk_create([Person(reference=f"PARAM{i:07d}", sex="X") for i in range(n)])
    for p in people:
        p.place_of_birth = f"Town {p.reference[-4:]}"
    Person.objects.bulk_update(people, ["place_of_birth"])
    assert Person.objects.filter(reference__startswith="PARAM", place_of_birth__startswith="Town ").count() == n

"""Django's PostgreSQL backend, with the statement-parameter limit that server-side binding brings.

Portcullis sends query parameters apart from the SQL (``server_side_binding``) so that PostgreSQL
can keep a prepared plan per statement.  The price is PostgreSQL's limit of 65,535 parameters in
one statement, which inlined literals never met: Django's stock backend batches a bulk insert,
update or delete as one statement however many rows it has.  This backend batches them to fit.
Large ``__in`` lists are split by the callers (:func:`portcullis.postgresql.chunks`).
"""

from __future__ import annotations

from itertools import islice

MAX_PARAMS = 65_535


def chunks(values, size: int = 20_000):
    """``values`` in lists of at most ``size``: one ``__in`` query each stays under the limit."""
    it = iter(values)
    while batch := list(islice(it, size)):
        yield batch

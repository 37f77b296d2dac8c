"""WSGI entry point for production servers (``gunicorn portcullis.wsgi``).

Each serving process builds its screening index from the watchlist tables before it takes a
request (``watchlists.load_index``: build, freeze out of the garbage collector's reach, start the
screening workers if ``PORTCULLIS_SCREENING_WORKERS`` is set, one throw-away screening).  Set
``PORTCULLIS_INDEX_AT_START=0`` to build it on the first screening request instead.
"""

import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portcullis.settings")
application = get_wsgi_application()

if os.environ.get("PORTCULLIS_INDEX_AT_START", "1") != "0":
    from portcullis.watchlists.services import load_index

    try:
        load_index()
    except Exception:  # noqa: BLE001 - e.g. the schema not migrated yet: the first request builds it
        logging.getLogger("portcullis.wsgi").exception("watchlist index not built at start; it will be on first use")

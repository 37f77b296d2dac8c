"""Every watchlist test starts and ends with no index held in memory."""

import pytest


@pytest.fixture(autouse=True)
def fresh_index():
    from portcullis.watchlists import services

    services.reset_index()
    yield
    services.reset_index()

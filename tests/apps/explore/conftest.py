"""Each test builds its own store, which may have the row count and ids of another test's: the
Explore page keeps tables until the data changes, so forget them between tests."""

from __future__ import annotations

import pytest

from saferplaces.apps.explore.tables import forget


@pytest.fixture(autouse=True)
def fresh_tables():
    forget()
    yield
    forget()

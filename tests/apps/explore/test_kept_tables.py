"""Explore's tables are kept by the one mechanism every summary uses (``summaries.memoised``):
a second look at the same selection is answered from the cache, and a load makes them count
again. Outside a transaction, as a server runs (inside one nothing is kept)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from saferplaces.apps.explore import tables
from saferplaces.apps.incidents import summaries
from saferplaces.apps.incidents.models import ImportBatch, Precision
from tests.apps.explore.test_explore import ALL_2024, incident, page, store  # noqa: F401 (fixture)

UTC = dt.UTC


@pytest.fixture
def outside_a_transaction(monkeypatch):
    monkeypatch.setattr(summaries, "connection", SimpleNamespace(in_atomic_block=False))


def _heat_total(client) -> int:
    heat = page(client, **ALL_2024).context["tables"]["heat"]
    return sum(v for row in heat.rows for v in row[1:8] if isinstance(v, int))


@pytest.mark.usefixtures("store")
def test_a_second_look_is_kept_and_a_load_counts_again(partnership, signed_in_client,
                                                       outside_a_transaction, monkeypatch):
    computed = []
    real = tables._compute
    monkeypatch.setattr(tables, "_compute", lambda *a: computed.append(1) or real(*a))
    client = signed_in_client(partnership.users["owner-analyst"])
    first = _heat_total(client)
    assert _heat_total(client) == first
    assert len(computed) == 1, "the second look must come from the cache"
    incident("council-asb", "A9", "Noise nuisance", dt.datetime(2024, 7, 6, 22, 30, tzinfo=UTC),
             Precision.MINUTE)
    ImportBatch.objects.create(source="council-asb", path="later.csv", sha256="0" * 64,
                               rows_added=1)
    assert _heat_total(client) == first + 1
    assert len(computed) == 2

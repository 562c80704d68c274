"""Generated demo files → ingest → the store holds exactly what the files hold."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from saferplaces.apps.incidents.models import Area, Incident
from saferplaces.apps.incidents.services import import_areas, ingest_police_uk
from saferplaces.demo import generate_town

pytestmark = pytest.mark.django_db(transaction=True)


def test_counts_per_month_and_category_equal_the_files_and_reingest_adds_nothing(tmp_path):
    generate_town(tmp_path, seed=9, months=14, scale=0.3)
    import_areas(tmp_path / "areas" / "lsoas.geojson", "lsoa")
    files = Counter()
    for path in (tmp_path / "police-uk").rglob("*-street.csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                files[(row["Month"], row["Crime type"])] += 1
    first = ingest_police_uk([tmp_path / "police-uk"])
    assert first.ok and first.total("rows_added") == sum(files.values())
    stored = Counter({(m.strftime("%Y-%m"), c): n for m, c, n in _month_category_counts()})
    assert stored == files
    second = ingest_police_uk([tmp_path / "police-uk"])
    assert second.total("rows_added") == 0
    assert second.total("rows_present") == sum(files.values())
    assert Incident.objects.count() == sum(files.values())
    located = Incident.objects.filter(lat__isnull=False).count()
    assert Area.objects.filter(kind="lsoa").count() == 105
    in_lsoa = Incident.objects.filter(point__areas__kind="lsoa").distinct().count()
    assert in_lsoa == located  # every located demo incident lies in one of the 105 LSOAs


def _month_category_counts():
    from django.db.models import Count

    return Incident.objects.values_list("month", "category").annotate(n=Count("id")).order_by()

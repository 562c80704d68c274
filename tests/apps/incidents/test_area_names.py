"""The partnership's own names for its areas (a ``code,name`` CSV per kind of area): stored on the
areas, all or nothing, and shown by every report and finding instead of the codes."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from saferplaces.apps.incidents.models import Area
from saferplaces.apps.incidents.names import import_area_names
from saferplaces.ingest.errors import IngestError
from saferplaces.strategic import load_config, render_html, run_assessment
from tests.process import ok, saferplaces, with_migrated_store
from tests.strategic.smalltown import build

NAMES = {"N1": "Lexden", "N2": "Mile End", "N3": "Greenstead", "N4": "Berechurch"}


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def coded_areas(db) -> None:
    """The small town's areas as a boundary file with codes only leaves them: named by code."""
    for row in build().areas.itertuples():
        Area.objects.create(kind=row.kind, code=row.code, name=row.code, geometry=row.geometry,
                            population=None if pd.isna(row.population) else int(row.population))


def test_names_from_a_csv_replace_the_codes_in_the_report_and_its_findings(coded_areas, tmp_path):
    lines = "code,name\n" + "".join(f"{c},{n}\n" for c, n in NAMES.items()) + "E99,Elsewhere\n"
    done = import_area_names(write_csv(tmp_path / "names.csv", lines), "neighbourhood")
    assert (done.renamed, done.unchanged, done.unknown) == (4, 0, ("E99",))
    # the areas as the assessment reads them from the store (services.store_inputs)
    areas = pd.DataFrame.from_records(
        list(Area.objects.values_list("kind", "code", "name", "population", "geometry")),
        columns=["kind", "code", "name", "population", "geometry"])
    result = run_assessment(dataclasses.replace(build(), areas=areas), load_config())
    shop = result.candidate("police-uk:shoplifting")
    assert shop.areas[0].name == "Greenstead"
    assert "Greenstead" in shop.finding and "N3" not in shop.finding
    assert "Greenstead" in shop.finding_plain
    html = render_html(result)
    for key in result.priorities:
        table = re.search(rf'<table class="areas" data-candidate="{key}">(.*?)</table>', html, re.S)
        assert table, key
        cells = re.findall(r"<tr><td>(.*?)</td>", table.group(1))
        assert set(cells) <= set(NAMES.values()), key
    assert "Greenstead" in html and not re.search(r">N[1-4]<", html)


def test_a_names_file_with_a_bad_row_changes_nothing(coded_areas, tmp_path):
    path = write_csv(tmp_path / "names.csv", "code,name\nN1,Lexden\nN2,\nN1,Again\n")
    with pytest.raises(IngestError) as refused:
        import_area_names(path, "neighbourhood")
    assert [p.describe() for p in refused.value.problems] == [
        "names.csv, row 2 (line 3), column 'name': has no name for 'N2'",
        "names.csv, row 3 (line 4), column 'code': repeats a code named on an earlier row: 'N1'"]
    assert Area.objects.get(kind="neighbourhood", code="N1").name == "N1"


def test_a_names_file_for_another_kind_of_area_is_refused(coded_areas, tmp_path):
    path = write_csv(tmp_path / "names.csv", "name;code\nLexden;N1\n")
    with pytest.raises(IngestError, match="names none of the imported areas of kind 'ward'"):
        import_area_names(path, "ward")
    done = import_area_names(path, "neighbourhood")  # semicolons, columns in any order
    assert (done.renamed, done.unknown) == (1, ())


def test_areas_names_in_a_fresh_process(tmp_path):
    home = with_migrated_store(tmp_path)
    features = [{"type": "Feature", "properties": {"code": row.code},
                 "geometry": row.geometry}
                for row in build().areas.itertuples() if row.kind == "neighbourhood"]
    (home / "areas.geojson").write_text(json.dumps({"type": "FeatureCollection",
                                                    "features": features}), encoding="utf-8")
    ok("areas", "import", "areas.geojson", "--kind", "neighbourhood", "--name-field", "code",
       "--code-field", "code", home=home)
    write_csv(home / "names.csv", "code,name\nN1,Lexden\nN3,Greenstead\nE99,Elsewhere\n")
    printed = " ".join(ok("areas", "names", "names.csv", "--kind", "neighbourhood",
                          home=home).split())
    assert "neighbourhood: 2 areas renamed, 0 already so named." in printed
    assert "1 codes in the file match no imported neighbourhood and were skipped: E99" in printed
    again = " ".join(ok("areas", "names", "names.csv", "--kind", "neighbourhood",
                        home=home).split())
    assert "0 areas renamed, 2 already so named." in again
    write_csv(home / "bad.csv", "code,label\nN1,Lexden\n")
    refused = saferplaces("areas", "names", "bad.csv", "--kind", "neighbourhood", home=home)
    assert refused.returncode == 1
    assert ("bad.csv, line 1: has no 'name' column: the header must name the columns 'code' "
            "and 'name': 'code,label'. Nothing was written.") in " ".join(refused.stderr.split())

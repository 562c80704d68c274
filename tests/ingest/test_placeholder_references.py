"""Placeholder references (UNKNOWN, N/A, 0...) in partner files are missing, never a person,
a place or a record's identity; the ingest says how many it found."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from saferplaces.analysis.references import (
    DEFAULT_PLACEHOLDERS,
    normalise_reference,
    placeholder_mask,
)
from saferplaces.ingest.errors import IngestError
from saferplaces.ingest.mapped import MappingError, load_mapping, parse_mapped

CASE = Path(__file__).parents[1] / "data" / "cases" / "placeholder-references"
README = Path(__file__).parents[2] / "README.md"
ASB_HEADER = ["case_ref", "category", "address", "complainant_ref", "description", "reported_at",
              "easting", "northing"]


def asb_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ASB_HEADER)
        writer.writerows(rows)
    return path


def asb_row(case: str, complainant: str, address: str = "12 Acacia Avenue",
            when: str = "03/02/2024 21:30", easting: str = "599500") -> list[str]:
    return [case, "Noise", address, complainant, "loud music", when, easting, "225500"]


def test_stand_ins_from_real_exports_are_placeholders_whatever_their_case_or_punctuation():
    values = ["UNKNOWN", "unknown ", " Unk", "N/A", "n/a", "N.A.", "#N/A", "<n/a>", "NA", "NONE",
              "null", "NIL", "0", "00000", "0.0", "-", "--", "?", "***", "NOT KNOWN",
              "not  known", "N/K", "NOT RECORDED", "Refused", "WITHHELD", "ANON", "Anonymous",
              "TBC", "nan", "#REF!", "#VALUE!"]
    assert placeholder_mask(pd.Series(values)).tolist() == [True] * len(values)


def test_real_references_are_kept():
    values = ["V00002", "0001", "10", "C-123", "NA123", "Unknown Street", "ANONYMOUS LTD", "X",
              "O'NEIL", "UNKNOWN-2"]
    assert not placeholder_mask(pd.Series(values)).any()


def test_blank_is_missing_but_not_counted_as_a_placeholder():
    values = pd.Series(["", "   ", None, np.nan, "UNKNOWN"], dtype=object)
    assert placeholder_mask(values).tolist() == [False, False, False, False, True]


def test_a_partner_may_add_its_own_stand_ins():
    values = pd.Series(["XX", " xx ", "<XX>", "XXX", "X X", "V1"])
    assert placeholder_mask(values).tolist() == [False] * 6
    assert placeholder_mask(values, ["XX"]).tolist() == [True, True, True, False, False, False]


def test_the_readme_lists_every_built_in_stand_in():
    text = README.read_text(encoding="utf-8")
    section = text.split("#### Placeholder references", 1)[1].split("\n### ", 1)[0]
    listed = {normalise_reference(t) for t in re.findall(r"`([^`]+)`", section)}
    assert set(DEFAULT_PLACEHOLDERS) <= listed
    assert "| `[references]` |" in text


def test_case_file_victim_placeholders_are_missing_and_counted():
    parsed = parse_mapped((CASE / "local.csv").read_bytes(), "local.csv", load_mapping("local-incidents"))
    refs = parsed.frame["victim_ref"]
    real = refs[refs != ""]
    assert len(parsed.frame) == 288 and len(real) == 288 - 119
    assert real.is_unique  # every real reference is one person with one crime
    [found] = parsed.placeholders
    assert (found.field, found.column, found.values) == ("victim_ref", "victim_ref",
                                                         {"UNKNOWN": 45, "0": 44, "N/A": 30})
    assert found.describe() == ("119 placeholder references (UNKNOWN ×45, 0 ×44, N/A ×30) in "
                                "column 'victim_ref' treated as missing")


def test_complainant_and_address_placeholders_in_a_council_log(tmp_path):
    path = asb_csv(tmp_path / "asb.csv", [
        asb_row("ASB-1", "C1"), asb_row("ASB-2", "NOT KNOWN", address="N/A"),
        asb_row("ASB-3", "not known", address="Unknown"), asb_row("ASB-4", "-"),
        asb_row("ASB-5", "C1", address=""),
    ])
    parsed = parse_mapped(path.read_bytes(), "asb.csv", load_mapping("council-asb"))
    assert parsed.frame["victim_ref"].tolist() == ["C1", "", "", "", "C1"]
    assert parsed.frame["location"].tolist() == ["12 Acacia Avenue", "", "", "12 Acacia Avenue", ""]
    counts = {c.column: c.values for c in parsed.placeholders}
    assert counts == {"complainant_ref": {"NOT KNOWN": 1, "not known": 1, "-": 1},
                      "address": {"N/A": 1, "Unknown": 1}}


def test_placeholder_case_references_do_not_merge_distinct_rows(tmp_path):
    path = asb_csv(tmp_path / "asb.csv", [
        asb_row("0", "C1"), asb_row("0", "C2"), asb_row("N/A", "C3"), asb_row("", "C4"),
        asb_row("ASB-9", "C5"),
    ])
    parsed = parse_mapped(path.read_bytes(), "asb.csv", load_mapping("council-asb"))
    refs = parsed.frame["source_ref"]
    assert refs.is_unique and len(refs) == 5
    assert refs.iloc[4] == "ASB-9"
    assert all(r.startswith("fp:") for r in refs.iloc[:4])
    [found] = [c for c in parsed.placeholders if c.field == "source_ref"]
    assert found.values == {"0": 2, "N/A": 1}
    assert "identified by their content" in found.describe()


def test_identical_rows_with_a_placeholder_case_reference_stay_two_incidents(tmp_path):
    path = asb_csv(tmp_path / "asb.csv", [asb_row("UNKNOWN", "C1"), asb_row("UNKNOWN", "C1")])
    refs = parse_mapped(path.read_bytes(), "asb.csv", load_mapping("council-asb")).frame["source_ref"]
    assert refs.iloc[1] == refs.iloc[0] + "#1"


def test_a_real_reference_on_two_rows_is_still_refused(tmp_path):
    path = asb_csv(tmp_path / "asb.csv", [asb_row("ASB-1", "C1"), asb_row("ASB-1", "C2"),
                                          asb_row("0", "C3"), asb_row("0", "C4")])
    with pytest.raises(IngestError) as caught:
        parse_mapped(path.read_bytes(), "asb.csv", load_mapping("council-asb"))
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "case_ref", "ASB-1")


def test_fingerprints_of_a_mapping_without_references_are_unchanged(tmp_path):
    """Rows are identified by the text as read, placeholders included, so a file loaded before
    placeholders were recognised is still 'already present' when loaded again."""
    shipped = Path(load_mapping("council-asb").path).read_text(encoding="utf-8")
    mapping_path = tmp_path / "noref.toml"
    mapping_path.write_text(shipped.replace('source_ref = "case_ref"', "#"), encoding="utf-8")
    path = asb_csv(tmp_path / "asb.csv", [asb_row("ASB-1", "UNKNOWN"), asb_row("ASB-2", "C2")])
    frame = parse_mapped(path.read_bytes(), "asb.csv", load_mapping(mapping_path)).frame
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    digest = pd.util.hash_pandas_object(raw, index=False, hash_key="saferplaces-map1")
    assert frame["source_ref"].tolist() == [f"fp:{v:016x}" for v in digest]
    assert frame["victim_ref"].tolist() == ["", "C2"]


def mapping_with(tmp_path: Path, references: str) -> Path:
    text = Path(load_mapping("council-asb").path).read_text(encoding="utf-8")
    path = tmp_path / "partner.toml"
    path.write_text(text + "\n" + references + "\n", encoding="utf-8")
    return path


def test_mapping_adds_its_own_placeholders(tmp_path):
    mapping = load_mapping(mapping_with(tmp_path, '[references]\nplaceholders = ["XX", "NO NAME"]'))
    assert mapping.placeholders == ("XX", "NO NAME")
    path = asb_csv(tmp_path / "asb.csv", [asb_row("ASB-1", "xx"), asb_row("ASB-2", "No Name"),
                                          asb_row("ASB-3", "UNKNOWN"), asb_row("XX", "C4")])
    parsed = parse_mapped(path.read_bytes(), "asb.csv", mapping)
    assert parsed.frame["victim_ref"].tolist() == ["", "", "", "C4"]
    assert parsed.frame["source_ref"].iloc[3].startswith("fp:")


@pytest.mark.parametrize(("references", "message"), [
    ('[references]\nplaceholders = "XX"', "[references] placeholders must be a list of texts"),
    ("[references]\nplaceholders = [0]", "[references] placeholders item 1 (0) must be text"),
    ('[references]\nplaceholders = ["XX", "  "]', "[references] placeholders item 2 is empty"),
    ('[references]\nplaceholders = ["' + "X" * 101 + '"]', "longer than 100 characters"),
    ('[references]\nplaceholder = ["XX"]', "[references] has unknown keys ['placeholder']"),
    ("references = 1", "[references] must be a table"),
])
def test_a_bad_placeholder_list_is_refused_naming_the_mapping(tmp_path, references, message):
    with pytest.raises(MappingError) as caught:
        load_mapping(mapping_with(tmp_path, references) if not references.startswith("references")
                     else _top_level(tmp_path, references))
    assert message in str(caught.value)
    assert "partner.toml" in str(caught.value)


def _top_level(tmp_path: Path, line: str) -> Path:
    text = Path(load_mapping("council-asb").path).read_text(encoding="utf-8")
    path = tmp_path / "partner.toml"
    path.write_text(line + "\n" + text, encoding="utf-8")
    return path


@pytest.mark.django_db(transaction=True)
def test_placeholder_case_references_load_once_and_reload_as_already_present(tmp_path):
    from saferplaces.apps.incidents.models import Incident
    from saferplaces.apps.incidents.services import ingest_mapped

    rows = [asb_row("0", "C1"), asb_row("0", "UNKNOWN", when="04/02/2024 10:00"),
            asb_row("N/A", "C3", easting="599600"), asb_row("ASB-4", "N/A")]
    first = asb_csv(tmp_path / "jan.csv", rows)
    mapping = load_mapping("council-asb")
    report = ingest_mapped([first], mapping)
    assert report.ok and report.total("rows_added") == 4
    [outcome] = report.files
    assert {c.column: c.total for c in outcome.placeholders} == {"case_ref": 3, "complainant_ref": 2}
    again = ingest_mapped([asb_csv(tmp_path / "jan-again.csv", rows)], mapping)
    assert (again.total("rows_added"), again.total("rows_present")) == (0, 4)
    assert Incident.objects.count() == 4
    stored = sorted(Incident.objects.values_list("victim_ref", flat=True))
    assert stored == ["", "", "C1", "C3"]

"""Bulk import of intelligence through a declarative mapping: every row checked first, all
rows or none written, each problem naming the file, row and column; importing the same file
again adds nothing; and the ``saferplaces intelligence import`` command does it in a fresh
process."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferplaces.apps.audit.models import AuditEvent
from saferplaces.apps.intelligence.access import ENTITY
from saferplaces.apps.intelligence.importing import (
    MappingError,
    import_file,
    load_mapping,
)
from saferplaces.apps.intelligence.models import Entity, Link
from saferplaces.ingest.errors import IngestError
from tests.process import ok, saferplaces, with_migrated_store

ENTITIES = """ref,type,label,phone,line_name,line_status,opened,closed,exporting_area,role,dob,victim,address,postcode,easting,northing,cuckooing,vrm,ocg_name
E1,Deal line,,07700 900418,Bravo,Active,01/03/2025,,East London,,,,,,,,,,
E2,Nominal,Kestrel,,,,,,,Controller,04/05/1998,,,,,,,,
E3,Nominal,Moth,,,,,,,Runner,,yes,,,,,,,
E4,Address,,,,,,,,,,,"Flat 8, 86 Granary Mews",co1 1aa,599800,225300,Confirmed,,
E5,Vehicle,,,,,,,,,,,,,,,,ab12 cde,
E6,OCG,,,,,,,,,,,,,,,,,The Granary crew
"""
LINKS = """link_ref,from_ref,to_ref,relationship,date,source,source_eval,intel_assess,handling,conditions
L1,E2,E1,runs,01/06/2025,Essex Police report 17,2,B,P,
L2,E3,E4,seen at,02/06/2025,Council housing officer,1,A,C,Safeguarding panel only
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_is_all_or_nothing_and_idempotent(partnership, tmp_path):
    owner = partnership.owner
    entities = _write(tmp_path, "entities.csv", ENTITIES)
    first = import_file(entities, load_mapping("police-entities"), agency=owner)
    assert (first.created, first.updated, first.unchanged) == (6, 0, 0)
    moth = Entity.objects.get(source_ref="E3")
    assert (moth.kind, moth.role, moth.victim_of_exploitation) == ("nominal", "runner", True)
    flat = Entity.objects.get(source_ref="E4")
    assert (flat.postcode, flat.cuckooing_risk, flat.x) == ("CO1 1AA", "confirmed", 599800.0)
    assert Entity.objects.get(source_ref="E1").status == "open"
    links = _write(tmp_path, "links.csv", LINKS)
    made = import_file(links, load_mapping("police-links"), agency=owner)
    assert made.created == 2
    assert Link.objects.get(source_ref="L2").handling_conditions == "Safeguarding panel only"

    again = import_file(entities, load_mapping("police-entities"), agency=owner)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert import_file(links, load_mapping("police-links"), agency=owner).unchanged == 2
    assert Entity.objects.count() == 6 and Link.objects.count() == 2

    changed = _write(tmp_path, "entities.csv", ENTITIES.replace("Kestrel", "Kestrel II"))
    assert import_file(changed, load_mapping("police-entities"), agency=owner).updated == 1
    assert AuditEvent.objects.filter(action="update", object_type=ENTITY,
                                     object_id=str(Entity.objects.get(source_ref="E2").pk)).exists()


def test_a_bad_row_rejects_the_file_naming_file_row_and_column(partnership, tmp_path):
    bad = ENTITIES.replace("Runner,,yes", "Lookout,,yes").replace("04/05/1998", "31/02/1998")
    path = _write(tmp_path, "bad.csv", bad)
    with pytest.raises(IngestError) as rejected:
        import_file(path, load_mapping("police-entities"), agency=partnership.owner)
    described = [problem.describe() for problem in rejected.value.problems]
    assert any("bad.csv, row 2 (line 3), column 'dob'" in d and "not a date" in d
               for d in described)
    assert any("bad.csv, row 3 (line 4), column 'role'" in d for d in described)
    assert Entity.objects.count() == 0  # nothing written


MANY_PROBLEMS = """ref,type,label,phone,line_name,line_status,opened,closed,exporting_area,role,dob,victim,address,postcode,easting,northing,cuckooing,vrm,ocg_name
E1,Deal line,,07700 900418,Bravo,Active,01/03/2025,,East London,,,,,,,,,,
E2,Nominal,Kestrel,,,,,,,Controller,04/05/1998,,,,,,,,
E3,Nominal,,,,,,,,Runner,32/01/2010,yes,,,,,,,
E4,Deal line,,,,Active,,,,,,,,,,,,,
E5,Address,,,,,,,,,,,"Flat 2, 9 Mill Lane",co1 2bb,599800,,Confirmed,,
E6,Vehicle,,,,,,,,,,,,,,,,,
E1,OCG,,,,,,,,,,,,,,,,,The Mill crew
"""


def test_every_problem_of_every_row_is_reported_in_one_run(partnership, tmp_path):
    path = _write(tmp_path, "many.csv", MANY_PROBLEMS)
    with pytest.raises(IngestError) as rejected:
        import_file(path, load_mapping("police-entities"), agency=partnership.owner)
    found = [(p.row, p.column) for p in rejected.value.problems]
    assert found == [(3, "dob"), (3, "label"),  # an unreadable date and a rule, both
                     (4, "phone"), (5, "easting"), (6, "vrm"), (7, "ref")]
    described = [p.describe() for p in rejected.value.problems]
    assert "not a date" in described[0] and "label" in described[1]
    assert "repeats row 1" in described[-1]
    assert Entity.objects.count() == 0


def test_a_link_row_reports_each_of_its_problems(partnership, tmp_path):
    import_file(_write(tmp_path, "e.csv", ENTITIES), load_mapping("police-entities"),
                agency=partnership.owner)
    bad = LINKS.replace("L1,E2,E1,runs,01/06/2025,Essex Police report 17,2,B,P,",
                        "L1,E2,E99,,01/06/2025,,7,B,P,")
    with pytest.raises(IngestError) as rejected:
        import_file(_write(tmp_path, "l.csv", bad), load_mapping("police-links"),
                    agency=partnership.owner)
    assert [(p.row, p.column) for p in rejected.value.problems] == [
        (1, "to_ref"), (1, "relationship"), (1, "source"), (1, "source_eval")]


def test_a_link_must_name_entities_the_agency_holds(partnership, tmp_path):
    path = _write(tmp_path, "links.csv", LINKS)
    with pytest.raises(IngestError) as rejected:
        import_file(path, load_mapping("police-links"), agency=partnership.owner)
    assert "column 'from_ref'" in rejected.value.problems[0].describe()
    assert Link.objects.count() == 0


def test_a_c_link_without_conditions_is_a_row_problem(partnership, tmp_path):
    import_file(_write(tmp_path, "e.csv", ENTITIES), load_mapping("police-entities"),
                agency=partnership.owner)
    path = _write(tmp_path, "l.csv", LINKS.replace(",Safeguarding panel only", ","))
    with pytest.raises(IngestError) as rejected:
        import_file(path, load_mapping("police-links"), agency=partnership.owner)
    assert "row 2 (line 3), column 'conditions'" in rejected.value.problems[0].describe()
    assert Link.objects.count() == 0


def test_a_mapping_without_source_ref_is_refused(tmp_path):
    path = _write(tmp_path, "m.toml", '[source]\nrecords = "entities"\n[columns]\nkind = "type"\n')
    with pytest.raises(MappingError, match="source_ref"):
        load_mapping(path)


def test_the_import_command_in_a_fresh_process(tmp_path):
    home = with_migrated_store(tmp_path)
    ok("agency", "add", "Essex Police", "--kind", "police", home=home)
    _write(home, "entities.csv", ENTITIES)
    printed = ok("intelligence", "import", "entities.csv", "--mapping", "police-entities",
                 "--agency", "Essex Police", home=home)
    assert "6 added, 0 updated, 0 unchanged" in printed
    _write(home, "bad.csv", ENTITIES.replace("Runner,,yes", "Lookout,,yes"))
    refused = saferplaces("intelligence", "import", "bad.csv", "--mapping", "police-entities",
                          "--agency", "Essex Police", home=home)
    assert refused.returncode == 1
    assert "bad.csv, row 3 (line 4), column 'role'" in refused.stdout
    assert "Nothing was written" in refused.stderr

"""Case types are configuration: the shipped file loads, a partnership's own file replaces it
(SAFERPLACES_CASE_TYPES_FILE), and a wrong or missing key stops loading with a message naming
the file and the key."""

from __future__ import annotations

import pytest

from saferplaces.apps.cases.sharing import lawful_bases
from saferplaces.apps.cases.types import CaseTypesError, case_types, load_case_types

GOOD = """
[types.noise]
label = "Noise nuisance"
reference_prefix = "NN"
party_roles = ["complainant", "alleged-perpetrator"]
retention_years = 2
retention_source = "local policy"
referral_response_working_days = 3
referral_response_source = "local policy"
"""


def test_the_shipped_types_load_with_their_sources():
    types = load_case_types()
    assert list(types) == ["repeat-asb", "vulnerable-child", "vulnerable-adult", "hate",
                           "modern-slavery", "exploitation", "domestic-abuse"]
    assert all(kind.retention_source and kind.referral_response_source for kind in types.values())
    assert types["vulnerable-child"].retain_until_age == 25


def test_a_partnership_file_replaces_the_shipped_types(tmp_path, settings, partnership):
    path = tmp_path / "types.toml"
    path.write_text(GOOD)
    settings.SAFERPLACES_CASE_TYPES_FILE = str(path)
    assert list(case_types()) == ["noise"]
    from tests.apps.cases.conftest import open_case

    case = open_case(partnership.user("owner", "practitioner"), "noise")
    assert case.reference.startswith("NN-")


@pytest.mark.parametrize("change, where", [
    (("retention_years = 2", "retention_yeers = 2"), "types.noise.retention_yeers"),
    (('retention_source = "local policy"\n', ""), "types.noise.retention_source"),
    (('reference_prefix = "NN"', 'reference_prefix = "nn1"'), "types.noise.reference_prefix"),
    (('party_roles = ["complainant", "alleged-perpetrator"]', "party_roles = []"),
     "types.noise.party_roles"),
])
def test_a_wrong_key_names_the_file_and_the_key(tmp_path, change, where):
    path = tmp_path / "bad-types.toml"
    path.write_text(GOOD.replace(*change))
    with pytest.raises(CaseTypesError, match=rf"^bad-types\.toml: {where.replace('.', '[.]')}"):
        load_case_types(str(path))


def test_two_types_cannot_share_a_reference_prefix(tmp_path):
    path = tmp_path / "twice.toml"
    path.write_text(GOOD + GOOD.replace("types.noise", "types.other"))
    with pytest.raises(CaseTypesError, match="twice.toml: types.other.reference_prefix"):
        load_case_types(str(path))


def test_the_lawful_bases_load_with_their_sources():
    bases = lawful_bases()
    assert "crime-and-disorder-s115" in bases and bases["consent"].needs_consent
    assert all(basis.source for basis in bases.values())

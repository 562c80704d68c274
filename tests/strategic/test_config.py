"""Assessment configuration: defaults load, user files overlay them, errors name their key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from saferplaces.strategic.config import (
    DEFAULT_CONFIG_PATH,
    DIMENSIONS,
    SCHEMA,
    ConfigError,
    config_from_dict,
    load_config,
)


def test_defaults_load_with_every_dimension_weighted() -> None:
    config = load_config()
    assert config.scheme == "morile"
    assert set(config.weights) == set(DIMENSIONS)
    assert {t.id for t in config.themes} >= {
        "violent-crime", "anti-social-behaviour", "hate-crime", "drugs-county-lines",
        "vulnerability", "acquisitive-crime", "town-centre-alcohol", "deliberate-fires"}


def _leaf_keys(schema: dict, prefix: str = "") -> list[str]:
    keys = []
    for k, v in schema.items():
        if isinstance(v, dict):
            keys += _leaf_keys(v, f"{prefix}{k}.")
        else:
            keys.append(f"{prefix}{k}")
    return keys


def test_default_file_documents_every_setting_in_the_schema() -> None:
    with DEFAULT_CONFIG_PATH.open("rb") as fh:
        data = tomllib.load(fh)
    for key in _leaf_keys(SCHEMA):
        node = data
        for part in key.split("."):
            assert part in node, f"default.toml lacks {key}"
            node = node[part]
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    for section in SCHEMA:
        assert f"[{section}" in text or f"[[{section}" in text


@pytest.mark.parametrize(("override", "key"), [
    ({"scoring": {"weights": {"harm": "high"}}}, "scoring.weights.harm"),
    ({"scoring": {"weights": {"volumee": 1.0}}}, "scoring.weights.volumee"),
    ({"assessment": {"scheme": "morille"}}, "assessment.scheme"),
    ({"scoring": {"scales": {"volume": {"cuts": [4, 3, 2, 1]}}}},
     "scoring.scales.volume.cuts"),
    ({"hotspots": {"cell_size_m": -250}}, "hotspots.cell_size_m"),
    ({"public": {"suppress_below": 0}}, "public.suppress_below"),
    ({"scoring": {"grid4x4": {"impact": ["harm", "fear"]}}}, "scoring.grid4x4.impact"),
    ({"themes": [{"id": "x", "name": "X", "select": [{"source": "fire", "flag": "a"}]}]},
     "themes[0].select[0].flag"),
    ({"themes": [{"id": "x", "name": "X"}]}, "themes[0].select"),
    ({"vulnerability": {"flags": ["domestik"]}}, "vulnerability.flags"),
])
def test_config_errors_name_the_key(override: dict, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict(override)
    assert caught.value.key == key
    assert key in str(caught.value)


def test_a_theme_may_not_add_police_uk_to_the_records_that_repeat_it() -> None:
    theme = {"id": "double", "name": "Double counted",
             "select": [{"source": "police-uk", "categories": ["Burglary"]},
                        {"source": "local", "categories": ["Burglary dwelling"]}]}
    with pytest.raises(ConfigError, match="count them twice") as caught:
        config_from_dict({"themes": [theme]})
    assert caught.value.key == "themes[0].select"


def test_a_user_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[assessment]\nscheme = "grid4x4"\n[scoring.weights]\nharm = 3.0\n',
                    encoding="utf-8")
    config = load_config(path)
    assert config.scheme == "grid4x4"
    assert config.weights["harm"] == 3.0
    assert config.weights["volume"] == load_config().weights["volume"]
    assert config.path == str(path)


def test_a_file_that_is_not_toml_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[assessment\nscheme = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML") as caught:
        load_config(path)
    assert caught.value.key == str(path)


def test_with_weights_checks_the_dimension() -> None:
    config = load_config()
    assert config.with_weights({"trend": 2.0}).weights["trend"] == 2.0
    assert config.weights["trend"] != 2.0
    with pytest.raises(ConfigError) as caught:
        config.with_weights({"popularity": 1.0})
    assert caught.value.key == "scoring.weights.popularity"


def test_a_mistake_in_a_file_names_the_file_the_key_and_the_value(tmp_path: Path) -> None:
    path = tmp_path / "assessment.toml"
    path.write_text('[scoring.weights]\nharm = "high"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}: scoring.weights.harm: must be a number >= 0, not 'high'"
    assert (caught.value.key, caught.value.source) == ("scoring.weights.harm", str(path))


def test_an_unknown_key_lists_the_keys_known_in_its_table() -> None:
    with pytest.raises(ConfigError, match="known here: cell_size_m, top_share") as caught:
        config_from_dict({"hotspots": {"cell_size": 100}})
    assert caught.value.key == "hotspots.cell_size"


def test_a_run_may_raise_the_disclosure_threshold_but_not_lower_it():
    from saferplaces.strategic.config import ConfigError, config_from_dict

    assert config_from_dict({"public": {"suppress_below": 20}}).section("public")["suppress_below"] == 20
    with pytest.raises(ConfigError, match="public.suppress_below: cannot be lower than 10"):
        config_from_dict({"public": {"suppress_below": 1}})


def test_a_runs_sensitive_categories_add_to_the_defaults_never_replace_them():
    from saferplaces.strategic.config import config_from_dict

    public = config_from_dict({"public": {"sensitive_categories": ["Cuckooing"],
                                          "sensitive_flags": []}}).section("public")
    assert "Cuckooing" in public["sensitive_categories"]
    assert {"Sexual offences", "Rape", "Domestic abuse"} <= set(public["sensitive_categories"])
    assert "domestic" in public["sensitive_flags"]

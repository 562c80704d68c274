"""The partnership's own assessment settings file (``SAFERPLACES_ASSESSMENT_SETTINGS_FILE``):
its identity and marking reach every run made in the web app, a run's own pasted configuration
is laid over it, and a broken file is refused by name rather than silently ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferplaces.apps.assessments.models import AssessmentRun
from saferplaces.apps.assessments.services import _run_config
from saferplaces.strategic.config import ConfigError

pytestmark = pytest.mark.django_db

SETTINGS = """[report]
partnership = "Safer Colchester Partnership"
marking = "OFFICIAL"

[assessment]
priorities = 4
"""


def _run(config_toml: str = "") -> AssessmentRun:
    return AssessmentRun(first_month="2025-01", last_month="2025-12", config_toml=config_toml)


def test_the_partnerships_identity_reaches_every_run(settings, tmp_path: Path) -> None:
    path = tmp_path / "assessment.toml"
    path.write_text(SETTINGS, encoding="utf-8")
    settings.SAFERPLACES_ASSESSMENT_SETTINGS_FILE = str(path)
    config = _run_config(_run())
    assert config.section("report")["partnership"] == "Safer Colchester Partnership"
    assert config.section("report")["marking"] == "OFFICIAL"
    assert config.section("assessment")["priorities"] == 4


def test_a_runs_own_configuration_is_laid_over_the_partnerships(settings, tmp_path: Path) -> None:
    path = tmp_path / "assessment.toml"
    path.write_text(SETTINGS, encoding="utf-8")
    settings.SAFERPLACES_ASSESSMENT_SETTINGS_FILE = str(path)
    config = _run_config(_run('[report]\nstatus = "final"\n'))
    report = config.section("report")
    assert (report["partnership"], report["status"]) == ("Safer Colchester Partnership", "final")


def test_without_the_setting_the_defaults_apply(settings) -> None:
    settings.SAFERPLACES_ASSESSMENT_SETTINGS_FILE = ""
    assert _run_config(_run()).section("report")["partnership"] == "Community Safety Partnership"


def test_a_broken_settings_file_is_refused_by_name(settings, tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[report\n", encoding="utf-8")
    settings.SAFERPLACES_ASSESSMENT_SETTINGS_FILE = str(path)
    with pytest.raises(ConfigError, match="broken.toml"):
        _run_config(_run())
    settings.SAFERPLACES_ASSESSMENT_SETTINGS_FILE = str(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="missing.toml"):
        _run_config(_run())

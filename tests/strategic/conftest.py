"""Demo towns and their assessments, built once per session.

The default town (scale 1, 36 months, planted Shoplifting rise) is the one the benchmark and
the demo use. The town without the planted rise needs only two years to compare, so it is
generated with 24 months to keep the session short.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from saferplaces.demo import generate_town
from saferplaces.demo.inputs import DemoTown, demo_inputs, load_town
from saferplaces.strategic import (
    AssessmentResult,
    Entered,
    HorizonItem,
    Recommendation,
    load_config,
    run_assessment,
    write_reports,
)

ENTERED = Entered(
    concern={"theme:anti-social-behaviour": {"score": 5, "source": "Residents' survey 2025"}},
    capacity={"theme:vulnerability": {"score": 2, "source": "Safeguarding board self-audit"}},
    horizon=(HorizonItem("economic", "Cost of living", "Rising shop theft reported by retailers",
                         "Business crime forum"),),
    recommendations=(Recommendation("Run a retail crime partnership with the western retail "
                                    "park", "police-uk:shoplifting", "Police"),),
)


@pytest.fixture(scope="session")
def demo_town(tmp_path_factory: pytest.TempPathFactory) -> DemoTown:
    folder = tmp_path_factory.mktemp("town")
    generate_town(folder, seed=1)
    return load_town(folder)


@pytest.fixture(scope="session")
def flat_town(tmp_path_factory: pytest.TempPathFactory) -> DemoTown:
    folder = tmp_path_factory.mktemp("flat-town")
    generate_town(folder, seed=1, months=24, plant_trend=False)
    return load_town(folder)


@pytest.fixture(scope="session")
def demo_result(demo_town: DemoTown) -> AssessmentResult:
    return run_assessment(demo_inputs(demo_town, entered=ENTERED), load_config())


@pytest.fixture(scope="session")
def flat_result(flat_town: DemoTown) -> AssessmentResult:
    return run_assessment(demo_inputs(flat_town), load_config())


@pytest.fixture(scope="session")
def reports(demo_result: AssessmentResult, tmp_path_factory: pytest.TempPathFactory
            ) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    full = write_reports(demo_result, folder, formats=("html", "pdf", "json"))
    public = write_reports(demo_result, folder, formats=("html", "json"), public=True)
    return {"html": full[0], "pdf": full[1], "json": full[2], "public_html": public[0],
            "public_json": public[1]}

"""``saferplaces generate`` and ``saferplaces demo``: the synthetic demo town, written, loaded and served."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from saferplaces.commands.common import out, progress_bars, setup_django
from saferplaces.commands.web import refuse_if_port_busy, serve_with_worker
from saferplaces.progress import Progress

if TYPE_CHECKING:
    from saferplaces.apps.incidents.services import IngestReport


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", default=1, show_default=True, help="Random seed: the same seed gives the same files.")
@click.option("--months", default=36, show_default=True, help="How many months of incidents.")
@click.option("--scale", default=1.0, show_default=True, help="Volume multiplier (1.0 = a Colchester-sized town).")
@click.option("--no-trend", is_flag=True, help="Do not plant the rising category (for testing that nothing is found).")
def generate(directory: Path, seed: int, months: int, scale: float, no_trend: bool) -> None:
    """Write a synthetic demo town's files (police.uk, partners, boundaries, ground truth)."""
    from saferplaces.demo import generate_town

    with progress_bars() as progress:
        summary = generate_town(directory, seed=seed, months=months, scale=scale,
                                plant_trend=not no_trend, progress=progress)
    out.print(f"Synthetic demo town written to {directory} ({summary})")


def load_demo(directory: Path, progress: Progress) -> dict[str, IngestReport]:
    """Ingest a generated demo town (areas first, so every incident is assigned as it loads)."""
    from saferplaces.apps.incidents.services import import_areas, ingest_mapped, ingest_police_uk
    from saferplaces.demo.inputs import AREA_FILES, PARTNER_FILES
    from saferplaces.ingest.mapped import load_mapping

    # the store finds each file's code and name fields itself, as for any boundary file
    for area_file, (kind, _, _) in AREA_FILES.items():
        import_areas(directory / area_file, kind, progress=progress)
    reports = {"police-uk": ingest_police_uk([directory / "police-uk"], progress=progress)}
    for partner_file, mapping in PARTNER_FILES.items():
        reports[mapping] = ingest_mapped([directory / partner_file], load_mapping(mapping),
                                         progress=progress)
    for name, report in reports.items():
        if not report.ok:
            raise click.ClickException(f"demo file {name} was rejected: {report.files[0].error}")
    return reports


#: The demo serves only on this machine: its accounts and their passwords are printed openly.
DEMO_HOST = "127.0.0.1"


@click.command()
@click.option("--dir", "directory", default="saferplaces-demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where to write the demo files.")
@click.option("--seed", default=1, show_default=True)
@click.option("--no-serve", is_flag=True, help="Stop after loading instead of starting the web app.")
@click.option("--port", default=8000, show_default=True)
@click.option("--no-2fa", "no_2fa", is_flag=True,
              help="Sign in with a password only (this machine only; every page then says so).")
def demo(directory: Path, seed: int, no_serve: bool, port: int, no_2fa: bool) -> None:
    """Generate the synthetic demo town, load it, make a demo account for each role, and serve
    the web app on http://127.0.0.1:PORT."""
    from saferplaces.demo import generate_town

    if no_2fa:
        _switch_off_two_factor()
    if not no_serve:  # before minutes of loading, not after
        refuse_if_port_busy(DEMO_HOST, port, "demo")
    setup_django()
    with progress_bars() as progress:
        if not (directory / "ground_truth.json").exists():
            generate_town(directory, seed=seed, progress=progress)
        reports = load_demo(directory, progress)
    added = sum(r.total("rows_added") for r in reports.values())
    present = sum(r.total("rows_present") for r in reports.values())
    out.print(f"Synthetic demo town loaded from {directory}: {added} incidents added, {present} already present.")
    from saferplaces.commands.demo_cases import make_demo_cases
    from saferplaces.commands.demo_casework import builders
    from saferplaces.commands.demo_people import make_demo_people, print_demo_people

    accounts = make_demo_people(two_factor=not no_2fa)
    out.print(str(make_demo_cases(directory)), highlight=False)
    for make_more in builders():
        out.print(str(make_more(directory)), highlight=False)
    print_demo_people(accounts, f"http://{DEMO_HOST}:{port}/")
    if not no_serve:
        serve_with_worker(DEMO_HOST, port, command="demo")


def _switch_off_two_factor() -> None:
    """``--no-2fa``: only for a site nobody else can reach. The demo listens on this machine
    only; a host name other than this machine's in ``SAFERPLACES_ALLOWED_HOSTS``, or a proxy in
    front (``SAFERPLACES_BEHIND_PROXY``), would let others reach it, so those are refused."""
    from saferplaces.web.env import env_bool, env_list, set_for_this_run
    from saferplaces.web.server import is_loopback

    reasons = []
    if not is_loopback(DEMO_HOST):
        reasons.append(f"the demo would listen on {DEMO_HOST}")
    public = [host for host in env_list("SAFERPLACES_ALLOWED_HOSTS") if not is_loopback(host)]
    if public:
        reasons.append(f"SAFERPLACES_ALLOWED_HOSTS names other machines ({', '.join(public)})")
    if env_bool("SAFERPLACES_BEHIND_PROXY"):
        reasons.append("SAFERPLACES_BEHIND_PROXY is on")
    if reasons:
        raise click.ClickException("--no-2fa is for a demo on this machine only, and others could "
                                   "reach this one: " + "; ".join(reasons) + ".")
    set_for_this_run("SAFERPLACES_REQUIRE_2FA", "false")

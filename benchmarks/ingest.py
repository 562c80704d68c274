"""Ingest speed: a generated police.uk file of N rows into SQLite and PostgreSQL, next to
``pandas.read_csv`` on the same file, area assignment included (the 105 Colchester LSOAs
imported twice, as kinds ``lsoa`` and ``custom``: 210 polygons, imported before timing).

    python benchmarks/ingest.py [--rows 1000000] [--postgres-url URL]

Without --postgres-url, a throwaway cluster is started with .ci/postgres.sh when server
binaries are available; with it, a scratch database ``saferplaces_bench`` is created on that
server and dropped afterwards. Each ingest runs in a fresh process on an empty store.

Printed for each run: wall time, rows/s and the ratio to pandas.read_csv's wall time, and the
CPU time spent: by the ingesting process (all its threads) and, for PostgreSQL, by the server
(every process of the throwaway cluster; for --postgres-url, the session's backend process
when the server runs on this machine). On a shared machine wall time depends on what else
runs; CPU time much less so.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LSOAS = ROOT / "src" / "saferplaces" / "data" / "colchester" / "lsoa-2011.geojson"
TYPES = ["Anti-social behaviour", "Violence and sexual offences", "Criminal damage and arson", "Burglary",
         "Shoplifting", "Vehicle crime", "Other theft", "Public order", "Drugs", "Robbery", "Bicycle theft",
         "Theft from the person", "Possession of weapons", "Other crime"]


def write_file(path: Path, rows: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    points = np.column_stack([rng.uniform(0.80, 1.02, 3000), rng.uniform(51.80, 51.95, 3000)])
    pick = rng.integers(0, len(points), rows)
    types = rng.integers(0, len(TYPES), rows)
    ids = rng.integers(0, 2**63 - 1, (rows, 4), dtype=np.int64)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                         "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"])
        for k in range(rows):
            kind = TYPES[types[k]]
            crime_id = "" if kind == "Anti-social behaviour" else "".join(f"{int(v):016x}" for v in ids[k])
            lon, lat = points[pick[k]]
            writer.writerow([crime_id, "2024-06", "Essex Police", "Essex Police", f"{lon:.6f}", f"{lat:.6f}",
                             f"On or near Point {pick[k]}", "", "", kind,
                             "" if not crime_id else "Under investigation", ""])


# Runs in a fresh interpreter: set up an empty store, import the areas (not timed), then time
# the ingest. CPU: this process (all threads) and, when SAFERPLACES_BENCH_PG_DATA names the
# cluster's data directory, every process of that PostgreSQL cluster.
CHILD = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplaces.web.settings")
from saferplaces.commands.common import setup_django
setup_django()
from django.db import connection
from saferplaces.apps.incidents.services import import_areas, ingest_police_uk

def process_cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[1]), [int(v) for v in fields[11:15]]  # ppid; utime, stime, cutime, cstime

def server_cpu():
    data = os.environ.get("SAFERPLACES_BENCH_PG_DATA")
    if connection.vendor != "postgresql":
        return None
    if data:  # the postmaster (with its reaped children) plus its live children
        postmaster = int(open(os.path.join(data, "postmaster.pid")).readline())
        ticks = sum(process_cpu(postmaster)[1])
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    parent, times = process_cpu(entry)
                except OSError:
                    continue
                if parent == postmaster:
                    ticks += times[0] + times[1]
    else:  # this session's backend, if the server runs here
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        if not os.path.exists(f"/proc/{pid}/stat"):
            return None
        ticks = sum(process_cpu(pid)[1][:2])
    return ticks / os.sysconf("SC_CLK_TCK")

import_areas(sys.argv[1], "lsoa")
import_areas(sys.argv[1], "custom", code_field="LSOA11CD", name_field="LSOA11NM")
server_before = server_cpu()
cpu_before, start = time.process_time(), time.perf_counter()
report = ingest_police_uk([sys.argv[2]])
wall, cpu = time.perf_counter() - start, time.process_time() - cpu_before
server_after = server_cpu()
assert report.ok, report.files[0].error
print(json.dumps({"wall": wall, "cpu": cpu, "added": report.total("rows_added"),
                  "server": None if server_before is None else server_after - server_before}))
"""


def run_ingest(path: Path, env: dict[str, str], label: str) -> dict:
    """Fresh process on an empty store: import areas (not timed), then time the ingest."""
    result = subprocess.run([sys.executable, "-c", CHILD, str(LSOAS), str(path)], env=env,
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{label} run failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def start_cluster() -> tuple[str | None, str | None, Path]:
    """A throwaway cluster from .ci/postgres.sh: (DATABASE_URL, pg_ctl command, data folder)."""
    folder = Path(tempfile.mkdtemp(prefix="sp-bench-pg-"))
    os.chmod(folder, 0o755)
    out = subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh"), str(folder), "54339"],
                         capture_output=True, text=True, check=False)
    url = pg_ctl = None
    if out.returncode == 0:
        for line in out.stdout.splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            if key == "DATABASE_URL":
                url = value
            if key == "SAFERPLACES_PG_CTL":
                pg_ctl = value.strip("'")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return url, pg_ctl, folder / "data"


def scratch_database(url: str, *, drop_only: bool = False) -> str:
    """(Re)create the database ``saferplaces_bench`` on the server of ``url``; its URL."""
    import psycopg

    base = url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS saferplaces_bench")
        if not drop_only:
            admin.execute("CREATE DATABASE saferplaces_bench")
    return base.rsplit("/", 1)[0] + "/saferplaces_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres-url")
    args = parser.parse_args()
    import pandas as pd

    results: list[tuple[str, dict]] = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        path = work / "2024-06-essex-street.csv"
        write_file(path, args.rows)
        cpu_before, start = time.process_time(), time.perf_counter()
        pd.read_csv(path, dtype=str, keep_default_na=False)
        pandas_run = {"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu_before,
                      "server": None}
        results.append(("pandas.read_csv (parse only)", pandas_run))
        base_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SAFERPLACES_BENCH_PG_DATA")}
        results.append(("saferplaces → SQLite", run_ingest(
            path, {**base_env, "SAFERPLACES_DB": str(work / "b.sqlite3")}, "SQLite")))
        url, pg_ctl, data = args.postgres_url, None, None
        if not url:
            url, pg_ctl, data = start_cluster()
        if url:
            bench_url = scratch_database(url)
            env = {**base_env, "DATABASE_URL": bench_url}
            if pg_ctl:
                env["SAFERPLACES_BENCH_PG_DATA"] = str(data)
            try:
                results.append(("saferplaces → PostgreSQL", run_ingest(path, env, "PostgreSQL")))
            finally:
                if pg_ctl:
                    subprocess.run([*pg_ctl.split(), "stop", "-m", "fast"], capture_output=True, check=False)
                    shutil.rmtree(data.parent, ignore_errors=True)
                else:
                    scratch_database(url, drop_only=True)
    print(f"\nIngest of {args.rows:,} police.uk rows (area assignment to 210 polygons included)\n")
    print(f"{'run':30} {'wall s':>7} {'rows/s':>10} {'× pandas':>9} {'client CPU s':>13} "
          f"{'server CPU s':>13} {'rows per CPU s':>15}")
    for label, run in results:
        server = run["server"]
        used = run["cpu"] + (server or 0.0)
        print(f"{label:30} {run['wall']:7.2f} {args.rows / run['wall']:10,.0f} "
              f"{run['wall'] / pandas_run['wall']:9.2f} {run['cpu']:13.2f} "
              f"{'' if server is None else f'{server:.2f}':>13} {args.rows / used:15,.0f}")
    if not url:
        print("PostgreSQL: not measured (no server binaries and no --postgres-url)")
    print(f"\nload average over the last minute: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores "
          "(other work on the machine slows the wall times)")


if __name__ == "__main__":
    main()

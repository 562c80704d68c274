"""Ingest speed: a generated police.uk file of N rows into SQLite and PostgreSQL, next to
``pandas.read_csv`` on the same file, area assignment included (Colchester LSOAs + neighbourhoods).

    python benchmarks/ingest.py [--rows 1000000] [--postgres-url URL]

Without --postgres-url, a throwaway cluster is started with .ci/postgres.sh when server
binaries are available. Prints rows/s and the ratio to pandas.read_csv.
"""

from __future__ import annotations

import argparse
import csv
import os
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


def run_ingest(path: Path, env: dict[str, str], label: str) -> float:
    """Fresh database: import areas (not timed), then time the ingest of the file."""
    code = f"""
import time, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplaces.web.settings")
from saferplaces.cli import setup_django
setup_django()
from saferplaces.incidents.services import import_areas, ingest_police_uk
import_areas({str(LSOAS)!r}, "lsoa")
import_areas({str(LSOAS)!r}, "custom", code_field="LSOA11CD", name_field="LSOA11NM")
start = time.perf_counter()
report = ingest_police_uk([{str(path)!r}])
elapsed = time.perf_counter() - start
assert report.ok, report.files[0].error
print(elapsed, report.total("rows_added"))
"""
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{label} run failed:\n{result.stderr[-2000:]}")
    elapsed, added = result.stdout.split()[-2:]
    return float(elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres-url")
    args = parser.parse_args()
    import pandas as pd

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        path = work / "2024-06-essex-street.csv"
        write_file(path, args.rows)
        start = time.perf_counter()
        pd.read_csv(path, dtype=str, keep_default_na=False)
        pandas_s = time.perf_counter() - start
        base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        results = [("pandas.read_csv (parse only)", pandas_s)]
        results.append(("saferplaces → SQLite", run_ingest(path, {**base_env, "SAFERPLACES_DB": str(work / "b.sqlite3")},
                                                          "SQLite")))
        url = args.postgres_url
        pg_ctl = None
        if not url:
            pg_dir = Path(tempfile.mkdtemp(prefix="sp-bench-pg-"))
            os.chmod(pg_dir, 0o755)
            out = subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh"), str(pg_dir), "54339"],
                                 capture_output=True, text=True, check=False)
            if out.returncode == 0:
                for line in out.stdout.splitlines():
                    key, _, value = line.removeprefix("export ").partition("=")
                    if key == "DATABASE_URL":
                        url = value
                    if key == "SAFERPLACES_PG_CTL":
                        pg_ctl = value.strip("'")
        if url:
            results.append(("saferplaces → PostgreSQL", run_ingest(path, {**base_env, "DATABASE_URL": url},
                                                                   "PostgreSQL")))
        if pg_ctl:
            subprocess.run([*pg_ctl.split(), "stop", "-m", "fast"], capture_output=True, check=False)
    print(f"\nIngest of {args.rows:,} police.uk rows (area assignment to 210 polygons included)\n")
    print(f"{'run':34} {'seconds':>8} {'rows/s':>12} {'× pandas.read_csv time':>24}")
    for label, seconds in results:
        print(f"{label:34} {seconds:8.2f} {args.rows / seconds:12,.0f} {seconds / pandas_s:24.1f}")
    if not url:
        print("PostgreSQL: not measured (no server binaries and no --postgres-url)")


if __name__ == "__main__":
    main()

"""Start-up cost of the ``saferplaces`` command, measured whole-process as a user meets it.

    python benchmarks/startup.py            # 7 runs of each, after a warm-up
    python benchmarks/startup.py --runs 3

Every command pays for Python starting and for what it imports. Peers in the same run: a bare
interpreter (``python -c pass``) and one that only imports the scientific stack the analyses use
(numpy, pandas, scipy). Targets: ``saferplaces --help`` under 0.3 s; an analysis command's fixed
overhead (near-repeat on 200 events with 9 iterations, where computing takes milliseconds)
under 1 s. Such a small near-repeat runs the plain numpy kernels and pair search, so it imports
neither numba nor scipy.spatial; pandas stays, for reading the file's dates
(``ingest.datetext``). Figures are medians of wall-clock seconds, with the median CPU (user +
system) seconds beside them: the machine is shared, so compare each with the peers of the same
run, and trust CPU seconds more when other work competes for the cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NEAR_REPEAT = "saferplaces near-repeat --input (200 events, 9 iterations)"


def wall(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one run; ``RuntimeError`` (with the last
    line it printed) if the command fails, so one broken command does not stop the others."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["(nothing on stderr)"])[-1]
        raise RuntimeError(f"exit {done.returncode}: {last}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def burglaries(path: Path, n: int = 200, seed: int = 1) -> Path:
    """``n`` invented burglaries in Colchester (British National Grid metres, ISO dates)."""
    rng = np.random.default_rng(seed)
    x = 599_000 + rng.uniform(0, 4000, n)
    y = 224_000 + rng.uniform(0, 4000, n)
    days = rng.integers(0, 365, n)
    lines = ["x,y,date"] + [f"{a:.0f},{b:.0f},{np.datetime64('2025-01-01') + int(d)}"
                            for a, b, d in zip(x, y, days, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAFERPLACES_DB"] = str(work / "db.sqlite3")
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    events = burglaries(work / "burglaries.csv")
    cli = [sys.executable, "-m", "saferplaces.cli"]
    cases = {
        "python -c pass (peer)": [sys.executable, "-c", "pass"],
        "import numpy, pandas, scipy (peer)": [sys.executable, "-c", "import numpy, pandas, scipy"],
        "saferplaces --help": [*cli, "--help"],
        "saferplaces status --json": [*cli, "status", "--json"],
        NEAR_REPEAT: [
            *cli, "near-repeat", "--input", str(events), "--x-col", "x", "--y-col", "y", "--date-col", "date",
            "--distance-bands", "0,100,200", "--time-bands", "0,7,14", "--iterations", "9"],
    }
    failed = {}
    for name, command in cases.items():  # warm-up: the database schema, the OS file cache
        try:
            wall(command, env, work)
        except RuntimeError as exc:
            failed[name] = str(exc)
    print(f"{'command':<62} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>7}")
    medians = {}
    for name, command in cases.items():
        if name in failed:
            print(f"{name:<62} failed ({failed[name]})")
            continue
        runs = [wall(command, env, work) for _ in range(args.runs)]
        times = [w for w, _ in runs]
        medians[name] = statistics.median(times)
        cpu = statistics.median(c for _, c in runs)
        print(f"{name:<62} {medians[name]:>9.3f} {min(times):>7.3f} {max(times):>7.3f} {cpu:>7.3f}")
    if failed.keys() & {"saferplaces --help", NEAR_REPEAT}:
        raise SystemExit("a command the targets are about failed")
    bare = medians["python -c pass (peer)"]
    print(f"\n--help: {medians['saferplaces --help']:.3f} s (target < 0.3 s), "
          f"{medians['saferplaces --help'] / bare:.1f}x a bare interpreter")
    overhead = medians[NEAR_REPEAT]
    print(f"near-repeat fixed overhead: {overhead:.3f} s (target < 1 s), "
          f"{overhead / medians['import numpy, pandas, scipy (peer)']:.1f}x importing the scientific stack")


if __name__ == "__main__":
    main()

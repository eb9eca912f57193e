"""`medlegal process FILE` without any Prefect server against `medlegal extract FILE`, on 2-page reports.

The target (issue 20): `process` on a 2-page report, with no server running, takes under 2 s more than
`extract` on the same file. Each round generates a new 2-page born-digital report (so `process` processes
it rather than finding a duplicate), then times, each as a fresh command from start to exit,
`medlegal extract` on it and `medlegal process` on it (no PREFECT_API_URL, no `medlegal serve`), the order
alternating round by round so that other load falls on both alike. One untimed warm-up of each first
(database creation). Wall seconds (what the user feels) and CPU seconds (the command and its children).

    .venv/bin/python bench/process_vs_extract.py [--runs 7] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.batch import make_inbox  # noqa: E402


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MEDLEGAL_"))}
    env.update(
        {"MEDLEGAL_HOME": str(home), "PREFECT_HOME": str(home / "prefect"), "MEDLEGAL_OCR_WORKERS": "1"}
    )
    return env


def _timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one command; fails loudly if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[2:4])} failed ({proc.returncode}): {proc.stderr[-500:]}")
    if "Starting temporary server" in proc.stderr:
        raise SystemExit("process started a temporary Prefect server")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="medlegal-pve-"))
    home = work / "home"
    env = _env(home)
    py = [sys.executable, "-m", "pipeline.cli"]
    names = make_inbox(work / "reports", args.runs + 1)
    reports = [work / "reports" / n for n in names]
    # Warm-up: the database, Prefect's home folder.
    _timed([*py, "extract", str(reports[0])], env)
    _timed([*py, "process", str(reports[0]), "--no-progress"], env)
    times: dict[str, list[tuple[float, float]]] = {"extract": [], "process": []}
    for n, report in enumerate(reports[1:]):
        order = ["extract", "process"] if n % 2 == 0 else ["process", "extract"]
        for way in order:
            cmd = (
                [*py, "extract", str(report)]
                if way == "extract"
                else [*py, "process", str(report), "--no-progress"]
            )
            times[way].append(_timed(cmd, env))
    load = os.getloadavg()[0]
    result = {
        way: {
            "wall_median": round(statistics.median(w for w, _ in t), 2),
            "wall_min": round(min(w for w, _ in t), 2),
            "wall_max": round(max(w for w, _ in t), 2),
            "cpu_median": round(statistics.median(c for _, c in t), 2),
        }
        for way, t in times.items()
    }
    diffs = [p[0] - e[0] for p, e in zip(times["process"], times["extract"], strict=True)]
    result["process_minus_extract_wall_median"] = round(statistics.median(diffs), 2)
    result["load_average_at_end"] = round(load, 2)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

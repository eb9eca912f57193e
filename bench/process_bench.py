"""On demand: how long `medlegal process FILE` takes for one 2-page report, with and without a Prefect server.

Each run is a fresh `medlegal process` command on a new generated 2-page report (a new document, so it
is processed, not a duplicate), timed from start to exit, four ways, interleaved round by round so that
other load on the machine falls on each alike:
    reference  the same work in a fresh process without Prefect: the CLI's imports, then
               `pipeline.operations.batch.run_batch` on the file (spaCy pipeline, read, extract, store,
               outbox, archive); what `process` would cost if Prefect were free
    serve      `medlegal process` while `medlegal serve` runs on its home: found through
               MEDLEGAL_HOME/prefect/server.json, the flow runs in the serve process
    api        `medlegal process` on another home with PREFECT_API_URL set to that serve's Prefect
               server: the flow runs in the command's process, against the server
    ephemeral  `medlegal process` with no server anywhere: Prefect starts a temporary one each time
Then the review app's upload path (no Prefect): seconds from POST /upload to the job being done, in one
app process (the first upload and the ones after it).

Wall seconds are the figure the user feels; CPU seconds (the command and the children it waited for)
move less with the machine's other load. Warm-up runs (database creation, migrations) are not counted.

    .venv/bin/python bench/process_bench.py [--runs 5] [--uploads 3] [--json out.json]

`--before DIR` adds "api@before" and "ephemeral@before": the same commands run from another copy of the
code (e.g. this tree with the files of an earlier commit put back), in the same rounds. `--code DIR` runs
everything else (`medlegal serve` too) from a copy instead of this tree: in a checkout others are editing,
a snapshot keeps the code from changing under a running `serve` (which would then, rightly, refuse).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.batch import make_inbox  # noqa: E402

TEMPORARY = "Starting temporary server"  # Prefect's own log line, in every version of medlegal
REFERENCE = """
import atexit, gc, sys
from pathlib import Path
from pipeline.cli import build_parser
from pipeline.operations.batch import run_batch
from pipeline.settings import load_settings

build_parser()  # `medlegal process` imports every sub-command's module too
atexit.register(gc.freeze)  # as `medlegal process` does: no final garbage collection at exit
summary = run_batch(load_settings(home=Path(sys.argv[1])), trigger="on_demand", files=[Path(sys.argv[2])], workers=1)
assert summary.counts["processed"] == 1, summary.counts
"""


def _env(code: Path = ROOT) -> dict[str, str]:
    """This environment without any Prefect or medlegal configuration (each mode sets its own), with
    medlegal imported from `code`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MEDLEGAL_"))}
    return {**env, "PYTHONPATH": str(code)}


def _medlegal() -> list[str]:
    """The `medlegal` command (as `python -m`, so that PYTHONPATH decides which copy of the code runs)."""
    return [sys.executable, "-m", "pipeline.cli"]


def _timed(cmd: list[str], code: Path, *, stdout: bool = False, **env: str) -> tuple[float, float, str]:
    """Wall and CPU seconds of one command (CPU: it and the children it waited for); its stderr (its
    stdout with `stdout`)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        cmd, env={**_env(code), **env}, cwd=code, capture_output=True, text=True, timeout=600
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout if stdout else proc.stderr


def _run(mode: str, home: Path, report: Path, api_url: str, codes: dict[str, Path]) -> tuple[float, float]:
    kind, _, version = mode.partition("@")
    code = codes[version or "now"]
    if kind == "reference":
        wall, cpu, _ = _timed([sys.executable, "-c", REFERENCE, str(home), str(report)], code)
        return wall, cpu
    env = {"PREFECT_API_URL": api_url} if kind == "api" else {}
    command = [*_medlegal(), "process", str(report), "--home", str(home), "--no-progress"]
    wall, cpu, err = _timed(command, code, **env)
    said = [line for line in err.splitlines() if line.startswith("medlegal:")]
    if (TEMPORARY in err) != (kind == "ephemeral") or (kind != "ephemeral" and said):
        raise RuntimeError(f"{mode}: not the path meant: {said}")
    return wall, cpu


def _start_serve(home: Path, code: Path, timeout_s: float = 300) -> tuple[subprocess.Popen[bytes], str]:
    """`medlegal serve` on `home` (its own local Prefect server), once its server.json is written; and
    the API URL of that server."""
    proc = subprocess.Popen(
        [*_medlegal(), "serve", "--home", str(home)],
        env=_env(code),
        cwd=code,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout_s
    while not (home / "prefect" / "server.json").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("medlegal serve did not come up; see its home's prefect/server.log")
        time.sleep(0.5)
    return proc, json.loads((home / "prefect" / "server.json").read_text())["api_url"]


UPLOADS = """
import json, re, sys, time
from pathlib import Path
from fastapi.testclient import TestClient
from models.settings import Settings
from web.app import create_app

client = TestClient(create_app(Settings(home=Path(sys.argv[1]))), base_url="http://127.0.0.1")
found = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
csrf = found.group(1) if found else ""
seconds = []
for report in map(Path, sys.argv[2:]):
    t0 = time.perf_counter()
    with report.open("rb") as f:
        r = client.post(
            "/upload",
            params={"csrf": csrf},
            data={"csrf": csrf},
            files={"files": (report.name, f, "application/pdf")},
            follow_redirects=False,
        )
    assert r.status_code == 303, r.status_code
    while True:
        jobs = list(client.get("/uploads").json().values())
        if len(jobs) == len(seconds) + 1 and all(j["status"] in ("done", "failed") for j in jobs):
            break
        time.sleep(0.02)
    seconds.append(time.perf_counter() - t0)
    assert all(j["status"] == "done" for j in jobs), jobs
print(json.dumps(seconds))
"""


def _uploads(home: Path, reports: list[Path], code: Path) -> list[float]:
    """Seconds from POST /upload to done, for each report in turn, in one review app (no Prefect)."""
    _, _, out = _timed([sys.executable, "-c", UPLOADS, str(home), *map(str, reports)], code, stdout=True)
    return [float(s) for s in json.loads(out.splitlines()[-1])]


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each mode")
    ap.add_argument("--uploads", type=int, default=3, help="uploads through the review app")
    ap.add_argument("--modes", default="reference,serve,api,ephemeral", help="comma-separated modes to run")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--code", type=Path, default=ROOT, help="run from this copy of the code")
    ap.add_argument("--before", type=Path, help="also time api and ephemeral from this copy of the code")
    args = ap.parse_args(argv)
    modes = args.modes.split(",")
    codes = {"now": args.code.resolve()}
    if args.before:
        codes["before"] = args.before.resolve()
        modes += [f"{m}@before" for m in ("api", "ephemeral") if m in modes]

    os.umask(0o077)
    root = Path(tempfile.mkdtemp(prefix="medlegal-process-bench-"))
    serve: subprocess.Popen[bytes] | None = None
    try:
        count = (args.runs + 1) * len(modes) + args.uploads
        names = make_inbox(root / "reports", count)
        reports = iter(root / "reports" / n for n in names)
        homes = {m: root / f"home-{m.replace('@', '-')}" for m in modes}
        load = [os.getloadavg()[0]]
        api_url = ""
        if "serve" in modes or "api" in modes:
            t0 = time.perf_counter()
            serve, api_url = _start_serve(root / "home-serve", codes["now"])
            print(f"medlegal serve up in {time.perf_counter() - t0:.1f} s (not counted)", flush=True)
        for mode in modes:  # warm-up: the store, Prefect's database and migrations, the .pyc files
            _run(mode, homes[mode], next(reports), api_url, codes)
        times: dict[str, dict[str, list[float]]] = {m: {"wall": [], "cpu": []} for m in modes}
        for r in range(args.runs):
            for mode in modes[r % len(modes) :] + modes[: r % len(modes)]:
                wall, cpu = _run(mode, homes[mode], next(reports), api_url, codes)
                times[mode]["wall"].append(wall)
                times[mode]["cpu"].append(cpu)
                print(f"round {r + 1} {mode:16s} wall {wall:5.2f} s  cpu {cpu:5.2f} s", flush=True)
        if serve is not None:
            serve.send_signal(signal.SIGTERM)
            serve.wait(60)
            serve = None
        uploads = list(reports)[: args.uploads]
        upload_s = _uploads(root / "home-upload", uploads, codes["now"]) if uploads else []
        load.append(os.getloadavg()[0])

        results: dict[str, Any] = {
            "runs": args.runs,
            "cores": os.cpu_count(),
            "load_average": [round(x, 2) for x in load],
            "modes": {m: {k: _stats(v) for k, v in t.items()} for m, t in times.items()},
            "uploads_s": [round(s, 2) for s in upload_s],
        }
        print(f"\n{args.runs} runs each; load average {load[0]:.2f} at the start, {load[1]:.2f} at the end")
        print("| mode | wall s (median) | wall min-max | CPU s (median) |")
        print("|---|---:|---:|---:|")
        for m, t in results["modes"].items():
            w, c = t["wall"], t["cpu"]
            print(f"| {m} | {w['median']:.2f} | {w['min']:.2f}-{w['max']:.2f} | {c['median']:.2f} |")
        if "reference" in times:
            base = results["modes"]["reference"]
            for m in modes:
                if m != "reference":
                    t = results["modes"][m]
                    print(
                        f"{m}: adds {t['wall']['median'] - base['wall']['median']:+.2f} s wall, "
                        f"{t['cpu']['median'] - base['cpu']['median']:+.2f} s CPU to the reference"
                    )
        if upload_s:
            print("uploads, POST to done (s): " + ", ".join(f"{s:.2f}" for s in upload_s))
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n")
    finally:
        if serve is not None:
            serve.send_signal(signal.SIGTERM)
            try:
                serve.wait(60)
            except subprocess.TimeoutExpired:
                serve.kill()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Batch throughput: documents per minute with 1 and 2 workers, and the Prefect flow's overhead.

On one generated batch (born-digital reports plus office-scan and fax copies of the shortest ones), in
one process, for each worker count W:
    direct  W threads calling `pipeline.process.process_file` (one spaCy pipeline per thread), no home
    flow    the nightly_inbox Prefect flow (ThreadPoolTaskRunner(W)) over a fresh home's inbox: claiming,
            store, outbox, archive, one task per document
    batch   the same home/store work through `pipeline.operations.batch.run_batch`, without Prefect
The overhead is flow / direct - 1 at the same W (target: under 10%); batch / direct - 1 separates the
cost of the home folder and store from Prefect's. The machine's other load moves these numbers: compare
them within one run, and repeat. The Prefect API is the ephemeral one, started (and warmed with an empty
run) before timing.

    .venv/bin/python bench/batch_bench.py --count 50 --scanned 3 --workers 1,2 [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.demo import prepare_demo_home
from flows.env import configure_prefect
from models.settings import Settings


def _direct(files: list[Path], settings: Settings, workers: int) -> tuple[float, int]:
    """Seconds and pages for processing `files` with `workers` threads, no home, no store, no Prefect."""
    from pipeline.extraction.nlp import build_nlp
    from pipeline.process import process_file

    local = threading.local()

    def one(path: Path) -> int:
        nlp = getattr(local, "nlp", None)
        if nlp is None:
            nlp = local.nlp = build_nlp(settings)
        return process_file(path, settings, nlp).document.page_count

    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        pages = sum(pool.map(one, files))
    return time.perf_counter() - t0, pages


def _flow(corpus: Path, names: list[str], root: Path, workers: int) -> tuple[float, dict[str, int]]:
    """Seconds for the nightly flow over a fresh home holding copies of the batch."""
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.inbox import nightly_inbox

    home = root / f"home-flow-{workers}"
    (home / "inbox").mkdir(parents=True)
    for n in names:
        shutil.copyfile(corpus / n, home / "inbox" / n)
    t0 = time.perf_counter()
    summary = nightly_inbox.with_options(task_runner=ThreadPoolTaskRunner(max_workers=workers))(
        home=str(home), progress=False
    )
    return time.perf_counter() - t0, summary.counts


def _batch(corpus: Path, names: list[str], root: Path, workers: int) -> float:
    """Seconds for the same batch through `pipeline.operations.batch.run_batch`: home and store, no Prefect."""
    from pipeline.operations.batch import run_batch

    home = root / f"home-batch-{workers}"
    (home / "inbox").mkdir(parents=True)
    for n in names:
        shutil.copyfile(corpus / n, home / "inbox" / n)
    t0 = time.perf_counter()
    run_batch(Settings(home=home), workers=workers)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=50, help="documents in the batch, scans included (>= 50)")
    ap.add_argument(
        "--scanned",
        type=int,
        default=3,
        help="reports also dropped as office scan and fax (2 documents each)",
    )
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--ocr-workers", type=int, default=1, help="Tesseract processes per document")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="medlegal-batch-bench-"))
    os.environ.update({"MEDLEGAL_INBOX_SETTLE_S": "0", "MEDLEGAL_OCR_WORKERS": str(args.ocr_workers)})
    settings = Settings(home=root / "warm")
    configure_prefect(settings)  # before Prefect is imported: state under the bench folder, analytics off
    try:
        corpus_home = root / "corpus"
        _, digital, scans = prepare_demo_home(corpus_home, args.count - 2 * args.scanned, args.scanned)
        corpus = corpus_home / "inbox"
        names = sorted(p.name for p in corpus.iterdir())
        files = [corpus / n for n in names]
        print(f"batch: {len(names)} documents ({digital} born-digital, {scans} scanned/faxed)", flush=True)

        t0 = time.perf_counter()
        from flows.inbox import nightly_inbox

        nightly_inbox(home=str(root / "warm"), progress=False)  # starts the ephemeral API, builds spaCy once
        startup = time.perf_counter() - t0
        print(f"Prefect start-up and an empty run: {startup:.1f} s (not counted below)", flush=True)

        results: dict[str, Any] = {
            "documents": len(names),
            "digital": digital,
            "scanned": scans,
            "ocr_workers": args.ocr_workers,
            "prefect_startup_s": round(startup, 1),
            "runs": [],
        }
        for w in [int(x) for x in args.workers.split(",")]:
            direct_s, pages = _direct(files, Settings(home=root / "direct"), w)
            flow_s, counts = _flow(corpus, names, root, w)
            batch_s = _batch(corpus, names, root, w)
            row = {
                "workers": w,
                "pages": pages,
                "direct_s": round(direct_s, 1),
                "flow_s": round(flow_s, 1),
                "batch_s": round(batch_s, 1),
                "direct_docs_per_min": round(60 * len(names) / direct_s, 1),
                "flow_docs_per_min": round(60 * len(names) / flow_s, 1),
                "flow_overhead_pct": round(100 * (flow_s / direct_s - 1), 1),
                "batch_overhead_pct": round(100 * (batch_s / direct_s - 1), 1),
                "flow_counts": counts,
            }
            results["runs"].append(row)
            print(json.dumps(row), flush=True)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Queue pages with many records: p50/p95 of the review app's queue through the real app (TestClient).

Seeds N documents (default 50,000), each with one record, into a fresh SQLite store in a temporary home
with bulk inserts (bodies shaped like real records: applicant, case numbers, evaluator, MMI, impairments,
flags; received over the last 90 days, some today, some assigned), builds the queue rows the way a
database from before the queue table is caught up (`Store.ensure_queue`, timed), then times GET / for:
the first page, a sorted page, a deep page, searches (a name with a comma, a partial case number, an
evaluator) and each saved view. Target: every page under 300 ms.

    .venv/bin/python bench/queue_bench.py [--count 50000] [--repeat 15] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from sqlalchemy import insert

from models.settings import Settings
from pipeline.operations.home import Home
from pipeline.operations.store import AssignmentRow, DocumentRow, RecordRow, RunRow, Store
from web.app import create_app

FIRST = ["Raymond", "Maria", "James", "Linda", "Robert", "Patricia", "John", "Jennifer", "Luis", "Mei"]
LAST = ["Abernathy", "Garcia", "Nguyen", "Smith", "Johnson", "Lopez", "Kim", "Patel", "Brown", "Martinez"]
DOCTORS = ["Dr. Pat Tran", "Dr. Quinn Evans", "Dr. Ana Ruiz", "Dr. Sam Cole", "Dr. Lee Park"]
PARTS = ["lumbar spine", "cervical spine", "knee", "shoulder", "wrist"]
FLAGS = ["LOW_CONFIDENCE", "LATERALITY_MISSING", "COMBINED_WPI_MISMATCH", "MMI_DATE_MISSING"]
TYPES = ["QME", "AME", "PTP"]


def _body(i: int, sha: str, rng: random.Random) -> dict[str, Any]:
    applicant = f"{rng.choice(FIRST)} {rng.choice(LAST)}{'' if i % 7 else ' Jr.'}"
    parts = [
        {"body_part": p, "laterality": rng.choice([None, "left", "right"]), "wpi": rng.randint(1, 20)}
        for p in rng.sample(PARTS, rng.randint(0, 3))
    ]
    flags = [
        {"code": c, "field": "impairments", "message": "check"}
        for c in rng.sample(FLAGS, rng.choice([0, 0, 1, 2]))
    ]
    report_day = datetime(2026, 1, 1) + timedelta(days=rng.randint(0, 330))
    return {
        "schema_version": "1",
        "source": {
            "filename": f"report_{i:06d}.pdf",
            "sha256": sha,
            "media_type": "application/pdf",
            "page_count": 4,
        },
        "report": {
            "type": rng.choice(TYPES),
            "report_date": report_day.date().isoformat(),
            "evaluator": {"name": rng.choice(DOCTORS)},
        },
        "claim": {"applicant": applicant, "case_numbers": [f"ADJ{7000000 + i}"], "claim_numbers": []},
        "mmi": {
            "status": rng.choice(["reached", "not_reached", "not_stated"]),
            "date": report_day.date().isoformat(),
        },
        "impairments": parts,
        "combined_wpi": {"value": sum(p["wpi"] for p in parts) or None},
        "review": {"status": "needs_review" if flags else "ready", "flags": flags},
        "rules_version": "bench",
    }


def seed(store: Store, count: int) -> None:
    """Bulk-insert `count` documents with one record each (and a few assignments)."""
    rng = random.Random(20)
    now = datetime.now(UTC)
    engine = store._sessions.kw["bind"]
    with engine.begin() as conn:
        conn.execute(
            insert(RunRow),
            [
                {
                    "id": "bench",
                    "trigger": "bench",
                    "host": "bench",
                    "pid": os.getpid(),
                    "rules_version": "bench",
                }
            ],
        )
        for start in range(0, count, 5000):
            docs, records, assigned = [], [], []
            for i in range(start, min(count, start + 5000)):
                sha = f"{i:064x}"
                body = _body(i, sha, rng)
                seen = now - timedelta(minutes=rng.randint(0, 90 * 24 * 60)) if i % 50 else now
                docs.append(
                    {
                        "id": i + 1,
                        "sha256": sha,
                        "filename": f"report_{i:06d}.pdf",
                        "media_type": "application/pdf",
                        "page_count": 4,
                        "first_seen": seen,
                    }
                )
                status = rng.choice(
                    ["approved", "rejected", body["review"]["status"], body["review"]["status"]]
                )
                records.append(
                    {
                        "document_id": i + 1,
                        "version": 1,
                        "rules_version": "bench",
                        "run_id": "bench",
                        "review_status": status,
                        "body": json.dumps(body),
                        "created_at": seen,
                    }
                )
                if i % 10 == 0:
                    assigned.append({"sha256": sha, "assignee": rng.choice(["Pat", "Sam"]), "actor": "bench"})
            conn.execute(insert(DocumentRow), docs)
            conn.execute(insert(RecordRow), records)
            if assigned:
                conn.execute(insert(AssignmentRow), assigned)


def _time(client: TestClient, params: dict[str, str], repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = client.get("/", params=params)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.status_code
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
    }


CASES: list[tuple[str, dict[str, str]]] = [
    ("first page", {}),
    ("sorted by applicant", {"sort": "applicant", "dir": "asc"}),
    ("sorted by WPI", {"sort": "wpi"}),
    ("deep page (page 900)", {"page": "900"}),
    ("deep page, sorted by evaluator", {"sort": "evaluator", "page": "500"}),
    ("search 'Abernathy, Raymond'", {"q": "Abernathy, Raymond"}),
    ("search partial case '70123'", {"q": "70123"}),
    ("search evaluator 'quinn evans'", {"q": "quinn evans"}),
    ("view: new today", {"view": "new_today"}),
    ("view: needs review", {"view": "needs_review"}),
    ("view: flagged", {"view": "flagged"}),
    ("view: assigned to Pat", {"view": "mine", "assignee": "Pat"}),
    ("view: by case", {"view": "by_case"}),
    ("status: approved, page 20", {"status": "approved", "page": "20"}),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp) / "home")
        store = Store.for_home(Home(settings.home).ensure(), None)
        t0 = time.perf_counter()
        seed(store, args.count)
        seeded = time.perf_counter() - t0
        t0 = time.perf_counter()
        built = store.ensure_queue()
        rebuild = time.perf_counter() - t0
        client = TestClient(create_app(settings), base_url="http://127.0.0.1")
        client.get("/")  # the session, and a warm cache
        results = {"count": args.count, "seed_s": round(seeded, 1), "queue_rebuild_s": round(rebuild, 1)}
        print(f"{args.count} records seeded in {seeded:.1f} s; {built} queue rows built in {rebuild:.1f} s")
        print(f"{'page':40} {'p50 ms':>8} {'p95 ms':>8}")
        pages = {}
        for name, params in CASES:
            got = _time(client, params, args.repeat)
            pages[name] = got
            print(f"{name:40} {got['p50_ms']:8.1f} {got['p95_ms']:8.1f}")
        results["pages"] = pages
        worst = max(p["p95_ms"] for p in pages.values())
        print(f"slowest p95: {worst:.1f} ms (target: under 300 ms)")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

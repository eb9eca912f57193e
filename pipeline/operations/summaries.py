"""Batch summaries: the batch JSONL and CSV in the outbox, the terminal summary and the Prefect markdown artifact."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipeline.operations.names import safe_name
from pipeline.operations.outcomes import BatchSummary, DocumentOutcome
from pipeline.operations.spreadsheet import safe_row


def jsonl_row(o: DocumentOutcome) -> dict[str, Any]:
    row = asdict(o)
    row["flags"] = list(o.flags)
    return row


_CSV_FIELDS = [
    "filename",
    "sha256",
    "status",
    "review_status",
    "flags",
    "pages",
    "record_version",
    "record_path",
    "stored_as",
    "exit_code",
    "error",
    "stage",
    "message",
    "seconds",
]


def csv_text(outcomes: Iterable[DocumentOutcome]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(_CSV_FIELDS)
    for o in outcomes:
        e = o.error
        w.writerow(
            safe_row(
                [
                    o.filename,
                    o.sha256 or "",
                    o.status,
                    o.review_status or "",
                    " ".join(o.flags),
                    o.pages,
                    o.record_version or "",
                    o.record_path or "",
                    o.stored_as,
                    e.exit_code if e else "",
                    e.error if e else "",
                    e.stage if e else "",
                    e.message if e else "",
                    f"{o.seconds:.2f}",
                ]
            )
        )
    return buf.getvalue()


def summary_text(summary: BatchSummary) -> str:
    """The plain-text summary printed by the CLI."""
    c = summary.counts
    lines = [
        f"run {summary.run_id} ({summary.trigger}): {c.get('files', 0)} file(s) in {summary.seconds:.1f} s, "
        f"{c.get('pages', 0)} page(s)",
        f"  processed {c.get('processed', 0)}  (needs review {c.get('needs_review', 0)}), "
        f"duplicates {c.get('duplicates', 0)}, failed {c.get('failed', 0)}"
        + (f", recovered from a dead run {c['recovered']}" if c.get("recovered") else "")
        + (f", waiting for the next run {summary.waiting}" if summary.waiting else ""),
    ]
    for o in summary.needs_review:
        lines.append(f"  review: {safe_name(o.filename)} ({(o.sha256 or '')[:12]}) {_flag_list(o.flags)}")
    for o in summary.failures:
        assert o.error is not None
        lines.append(
            f"  failed: {safe_name(o.filename)} -> {Path(o.stored_as).name}: {o.error.message} "
            f"(exit {o.error.exit_code}, stage {o.error.stage})"
        )
    home = summary.home
    lines += [
        f"records:    {home / 'outbox'}/<sha256>.json",
        f"batch:      {summary.jsonl_path}",
        f"summary:    {summary.csv_path}",
        f"archive:    {home / 'archive'}",
        f"quarantine: {home / 'quarantine'}",
    ]
    return "\n".join(lines)


def summary_markdown(summary: BatchSummary) -> str:
    """The markdown summary published as the flow run's Prefect artifact: documents by sha256 prefix
    only (Prefect keeps it in its database; file names are often patients' names)."""
    c = summary.counts
    md = [
        f"# medlegal run `{summary.run_id}` ({summary.trigger})",
        "",
        "| files | processed | needs review | duplicates | failed | pages | recovered | waiting | seconds |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {c.get('files', 0)} | {c.get('processed', 0)} | {c.get('needs_review', 0)} | "
        f"{c.get('duplicates', 0)} | {c.get('failed', 0)} | {c.get('pages', 0)} | {c.get('recovered', 0)} | "
        f"{summary.waiting} | {summary.seconds:.1f} |",
        "",
    ]
    if summary.needs_review:
        md += ["## Records needing review", "", "| sha256 | flags |", "|---|---|"]
        md += [f"| `{(o.sha256 or '')[:12]}` | {_md(_flag_list(o.flags))} |" for o in summary.needs_review]
        md.append("")
    if summary.failures:
        md += ["## Failures (quarantined)", "", "| sha256 | exit | stage | reason |", "|---|---:|---|---|"]
        md += [
            f"| `{(o.sha256 or '?')[:12]}` | {o.error.exit_code} | {o.error.stage} | {_md(o.error.message)} |"
            for o in summary.failures
            if o.error is not None
        ]
        md.append("")
    md.append(f"Records: `{summary.home / 'outbox'}`; batch file `{summary.jsonl_path.name}`.")
    return "\n".join(md)


def _flag_list(flags: Sequence[str]) -> str:
    """Flag codes once each, with a count when repeated: "LOW_CONFIDENCE x3, WPI_AMBIGUOUS"."""
    counts = Counter(flags)
    return ", ".join(f"{c} x{n}" if n > 1 else c for c, n in counts.items()) or "no flags"


def _md(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())

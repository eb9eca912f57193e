"""`medlegal case`: every report about one case side by side (docs/cases.md)"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from models.case import CaseReport, CaseSummary, CaseView
from pipeline.cli.common import settings_from_args
from pipeline.errors import ExitCode


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser(
        "case", help="every report about one case side by side (ratings, deadlines, disagreements)"
    )
    p.add_argument(
        "case_number",
        nargs="*",
        metavar="CASE",
        help="a WCAB case number (ADJ1234567, or part of it: 7616449) or the applicant's name in any order",
    )
    p.add_argument("--applicant", metavar="NAME", help="find the case by the applicant's name instead")
    p.add_argument(
        "--json", action="store_true", help="print the case view as JSON (shared/contract/CASE.md)"
    )
    p.add_argument("--list", action="store_true", help="list every case the store holds")
    p.add_argument("--home", type=Path, help="home folder (default: MEDLEGAL_HOME or ./var)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    import os

    from pipeline.cases.view import case_summaries, require_case_view
    from pipeline.errors import UsageError
    from pipeline.operations.home import Home
    from pipeline.operations.store import Store

    if not args.list and not args.case_number and not args.applicant:
        raise UsageError(
            "give a case number (medlegal case ADJ1234567, or part of it), a name, --applicant NAME or --list"
        )
    settings = settings_from_args(args)
    os.umask(0o077)
    home = Home(settings.home).ensure()
    store = Store.for_home(home, settings.database_url)
    if args.list:
        summaries = case_summaries(store, timezone=settings.timezone)
        if args.json:
            sys.stdout.write(json.dumps([s.model_dump(mode="json") for s in summaries], indent=2) + "\n")
        else:
            sys.stdout.write(summary_table(summaries))
        return ExitCode.OK
    query = " ".join(args.case_number).strip() or None
    view = require_case_view(store, query=query, applicant=args.applicant, timezone=settings.timezone)
    if args.json:
        sys.stdout.write(json.dumps(view.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(case_table(view))
    return ExitCode.OK


# --- the terminal table ------------------------------------------------------------------------------


def _num(x: float | int | None) -> str:
    if x is None:
        return "-"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _value(x: float | int | str | None) -> str:
    if isinstance(x, str):
        return x.replace("_", " ")
    return _num(x)


def _part(body_part: str | None, laterality: str | None) -> str:
    return " ".join(p for p in (laterality, body_part) if p) or "overall"


def _mmi(r: CaseReport) -> str:
    status = {"reached": "MMI", "not_reached": "not MMI", "not_stated": "-"}.get(r.mmi.status, r.mmi.status)
    return f"{status} {r.mmi.date}" if r.mmi.date else status


def _apportionment(r: CaseReport) -> str:
    parts = []
    for a in r.apportionment:
        share = a.industrial_pct if a.industrial_pct is not None else None
        if share is None and a.nonindustrial_pct is not None:
            share = 100 - a.nonindustrial_pct
        parts.append(f"{_part(a.body_part, a.laterality)} {_num(share)}% ind.")
    return "; ".join(parts) or "-"


def _type(r: CaseReport) -> str:
    kind = r.type or "?"
    return f"{kind} (supp.)" if r.supplemental else kind


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"


def case_table(view: CaseView) -> str:
    """The case view as a readable terminal table: one row per report, then the disagreements."""
    title = ", ".join(view.case_numbers) or view.key
    out = [f"Case {title}: {view.applicant or 'applicant unknown'}"]
    if view.injuries:
        out.append(
            "Injuries: "
            + "; ".join(
                f"{i.type} {i.start or '?'}" + (f" to {i.end}" if i.end else "") for i in view.injuries
            )
        )
    out.append(f"Represented: {'yes' if view.represented else 'no'}")
    controlling = next((r for r in view.reports if r.sha256 == view.controlling_report), None)
    if controlling is not None:
        out.append(f"Controlling report: {_type(controlling)} {controlling.evaluator.name or '?'}")
    out.append("")
    header = [
        "exam",
        "type",
        "evaluator",
        "MMI",
        "WPI",
        "combined",
        "apportionment",
        "std rating",
        "deadline",
        "status",
    ]
    rows = []
    for r in view.reports:
        wpi = "; ".join(f"{_part(i.body_part, i.laterality)} {_num(i.wpi)}%" for i in r.impairments) or "-"
        rating = (
            f"{r.standard_rating.value}%"
            if r.standard_rating.value is not None
            else f"- ({r.standard_rating.reason})"
            if r.standard_rating.reason
            else "-"
        )
        deadline = r.objection_deadline.date if r.objection_deadline else "-"
        status = r.status + (f" (+{len(r.duplicates)} duplicate)" if r.duplicates else "")
        rows.append(
            [
                r.exam_date or "?",
                _type(r),
                r.evaluator.name or "?",
                _mmi(r),
                wpi,
                _num(r.combined_wpi),
                _apportionment(r),
                rating,
                deadline,
                status,
            ]
        )
    out.append(_grid(header, rows))
    out.append(f"std rating: {view.labels.get('standard_rating', '')}")
    out.append(f"deadline: {view.labels.get('objection_deadline', '')}")
    out.append("")
    out.extend(_rating_lines(view))
    out.extend(_deadline_lines(view))
    if not view.disagreements:
        out.append("Disagreements: none")
    else:
        out.append("Disagreements:")
        names = {r.sha256: f"{_type(r)} {r.evaluator.name or '?'}" for r in view.reports}
        for d in view.disagreements:
            what = {
                "wpi": f"WPI {_part(d.body_part, d.laterality)}",
                "mmi_status": "MMI status",
                "mmi_date": "MMI date",
                "apportionment": f"apportionment (industrial) {_part(d.body_part, d.laterality)}",
                "combined_wpi": "combined WPI",
                "rating": "rating (PD)",
            }.get(d.field, d.field)
            unit = "%" if d.field in ("wpi", "apportionment", "combined_wpi", "rating") else ""
            values = ", ".join(
                f"{names.get(v.report, v.report[:12])}: {_value(v.value)}{unit}" for v in d.values
            )
            apart = f" ({d.spread} PD points apart)" if d.spread else ""
            out.append(f"  {what}: {values}{apart}")
            if d.priced:
                out.append(f"    priced: {d.priced}")
    return "\n".join(out) + "\n"


def _rating_lines(view: CaseView) -> list[str]:
    """Each report's full rating: the strings, the PD, weeks and money, and what keeps it partial."""
    occ = view.occupation
    who = f"{occ.title} ({occ.group})" if occ.group else "not set"
    state = "confirmed" if occ.confirmed else f"from the report, {occ.reason}" if occ.group else occ.reason
    lines = [f"Ratings ({view.labels.get('rating', '')}): occupation {who}; {state}"]
    for r in view.reports:
        f = r.rating
        if f is None:
            continue
        head = f"{_type(r)} {r.evaluator.name or '?'}"
        if f.pd is None:
            lines.append(f"  {head}: not rated ({f.reason})")
            continue
        amount = (
            f"${f.amount.min:,.2f} to ${f.amount.max:,.2f}"
            if f.amount.min is not None and f.amount.max is not None
            else "-"
        )
        weeks = "for life" if f.weeks is None else f"{f.weeks:g} weeks"
        lines.append(f"  {head}: PD {f.pd}%, {weeks}, {amount}" + ("" if f.complete else " (partial)"))
        lines += [f"    {p.string}" for p in f.parts if p.string]
        lines += [f"    note: {n}" for n in f.notes]
    return [*lines, ""]


def _deadline_lines(view: CaseView) -> list[str]:
    """Each report's receipt date (and where it came from) and every deadline it starts, by statute."""
    lines = []
    for r in view.reports:
        if not r.deadlines:
            continue
        source = (r.received_source or "unknown").replace("_", " ")
        lines.append(f"{_type(r)} {r.evaluator.name or '?'}: received {r.received or '?'} ({source})")
        for d in r.deadlines:
            when = f"by {d.date}" + (f" ({d.days_left} days left)" if d.days_left is not None else "")
            lines.append(f"  {d.rule} {when if d.date else d.statement}: {d.what}")
    if lines:
        lines = [f"Deadlines ({view.labels.get('objection_deadline', '')}):", *lines, ""]
    return lines


def summary_table(summaries: Sequence[CaseSummary]) -> str:
    """Every case, one row each."""
    rows = [
        [
            ", ".join(s.case_numbers) or s.key,
            s.applicant or "?",
            f"{s.distinct_reports} ({s.reports} files)",
            str(s.disagreements),
            s.next_deadline.date if s.next_deadline else "-",
        ]
        for s in summaries
    ]
    return _grid(["case", "applicant", "reports", "disagreements", "next deadline"], rows)

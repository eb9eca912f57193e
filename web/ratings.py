"""The case page's ratings: each report's full PDRS rating with its evidence links, the priced
disagreements, and the occupation, date of birth and earnings form (an estimate, not a formal rating)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from models.case import CaseView, FullRating
from pipeline.cases.received import parse_day
from pipeline.rating.occupation import search
from pipeline.rating.schedule import load_schedule
from web.cases import FIELD_NAMES, _href, evidence_fields, part_label, who

EARNINGS_MAX = 100_000.0


def _money(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "—"
    return f"${low:,.2f}" if low == high else f"${low:,.2f} – ${high:,.2f}"


def _report_rating(sha: str, rating: FullRating, fields: dict[Any, str]) -> dict[str, Any]:
    return {
        "pd": rating.pd,
        "complete": rating.complete,
        "weeks": "for life" if rating.pd is not None and rating.weeks is None else rating.weeks,
        "weekly": _money(rating.weekly_rate.min, rating.weekly_rate.max),
        "amount": _money(rating.amount.min, rating.amount.max),
        "age": rating.age_at_injury,
        "injury_date": rating.injury_date,
        "combined": rating.combined,
        "weeks_rule": rating.weeks_rule or "",
        "earnings_rule": rating.earnings_rule or "",
        "life_pension": rating.life_pension or "",
        "basis": rating.basis,
        "reason": rating.reason or "",
        "notes": rating.notes,
        "parts": [
            {
                "label": part_label(p.body_part, p.laterality),
                "string": p.string,
                "href": _href(sha, "impairments", p.evidence, fields) if p.evidence else None,
                "flags": p.flags,
                "excluded": p.excluded,
                "number_basis": p.number_basis,
                "steps": p.steps,
            }
            for p in rating.parts
        ],
    }


def ratings_context(
    view: CaseView, bodies: Mapping[str, dict[str, Any]], occupation_query: str | None = None
) -> dict[str, Any]:
    """The template context of the ratings section."""
    reports = []
    for r in view.reports:
        if r.rating is None:
            continue
        fields = evidence_fields(bodies.get(r.sha256) or {})
        reports.append(
            {
                "sha256": r.sha256,
                "who": who(r.type, r.evaluator.name),
                **_report_rating(r.sha256, r.rating, fields),
            }
        )
    occ = view.occupation
    matches = []
    if occupation_query and occupation_query.strip():
        matches = [
            {"title": m.occupation.title, "group": m.occupation.group, "industry": m.occupation.industry}
            for m in search(occupation_query.strip()[:80], limit=25)
        ]
    priced = [
        {
            "label": FIELD_NAMES.get(d.field, d.field),
            "part": part_label(d.body_part, d.laterality),
            "priced": d.priced,
        }
        for d in view.disagreements
        if d.priced
    ]
    return {
        "reports": reports,
        "occupation": {
            "title": occ.title,
            "group": occ.group,
            "confirmed": occ.confirmed,
            "source": occ.source or "",
            "reason": occ.reason or "",
            "report_text": occ.report_text or "",
        },
        "earnings": view.earnings,
        "query": (occupation_query or occ.report_text or "")[:80],
        "matches": matches,
        "priced": priced,
        "label": view.labels.get("rating") or "estimate, not a formal rating",
    }


def parse_rating_inputs(form: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The rating inputs a form posts: `group` (with the `title` picked, optional), `birth_date` and
    `earnings` (both optional). Raises ValueError with the one-line message the page shows."""
    schedule = load_schedule()
    out: dict[str, Any] = {"group": None, "title": None, "birth_date": None, "earnings": None}
    pick = str(form.get("occupation_pick") or "").strip()
    if pick:  # "360|WAREHOUSE WORKER" from the search results
        group_text, _, title = pick.partition("|")
        form = {**form, "group": group_text, "title": title}
    group_text = str(form.get("group") or "").strip()
    if group_text:
        if not group_text.isdigit() or int(group_text) not in schedule.groups:
            raise ValueError(f"{group_text[:10]!r} is not an occupational group of the schedule (110 to 560)")
        out["group"] = int(group_text)
        title = str(form.get("title") or "").strip()[:120]
        if title and not any(o.title == title and o.group == out["group"] for o in schedule.occupations):
            raise ValueError(f"{title!r} is not a title of group {out['group']} in the schedule")
        out["title"] = title or f"group {out['group']}"
    birth = str(form.get("birth_date") or "").strip()
    if birth:
        try:
            day = parse_day(birth)
        except ValueError:
            raise ValueError(
                f"not a date of birth: {birth[:40]!r}; write it as 1968-04-02 or 4/2/1968"
            ) from None
        if not date(1900, 1, 1) <= day <= today.replace(year=today.year - 14):
            raise ValueError(f"{day.isoformat()} is not a plausible date of birth")
        out["birth_date"] = day.isoformat()
    earnings = str(form.get("earnings") or "").strip().replace(",", "").removeprefix("$")
    if earnings:
        try:
            value = float(earnings)
        except ValueError:
            raise ValueError(
                f"average weekly earnings must be dollars, e.g. 950.00, not {earnings[:20]!r}"
            ) from None
        if not 0 < value < EARNINGS_MAX:
            raise ValueError("average weekly earnings must be more than 0 and under $100,000")
        out["earnings"] = value
    return out

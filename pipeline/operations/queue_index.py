"""The review queue's row per document, computed from its latest record (plain dicts, no database).

The store keeps one `queue_rows` row per document (`Store.refresh_queue_row`), so the queue filters, sorts
and pages in SQL instead of loading every record: this module says what goes into that row (the columns a
paralegal scans, the sort keys, the search text) and how a typed search becomes search terms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

#: The queue's sortable columns, each naming the `queue_rows` column it sorts by.
SORT_COLUMNS: dict[str, str] = {
    "received": "received_sort",
    "report_date": "report_date",
    "type": "type",
    "evaluator": "evaluator_sort",
    "applicant": "applicant_sort",
    "case": "case_numbers",
    "mmi": "mmi_sort",
    "wpi": "wpi_sort",
    "status": "status",
    "assignee": "assignee_key",
    "file": "filename_sort",
}

_WORD = re.compile(r"[0-9a-z]+")
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "md", "do", "dc", "phd", "dr"}


def fold(text: str | None) -> str:
    """Lower case without accents ("Núñez" -> "nunez"), for search and sorting."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def search_terms(query: str) -> list[str]:
    """What a typed search must all find, in any order: "Abernathy, Raymond" -> ["abernathy", "raymond"];
    "ADJ7616449" -> ["adj7616449"]; punctuation and case are ignored."""
    return list(dict.fromkeys(_WORD.findall(fold(query))))[:8]


def name_sort_key(name: str | None) -> str:
    """Sort a person by family name: "Raymond Abernathy" and "Abernathy, Raymond" -> "abernathy raymond";
    empty for no name."""
    if not name:
        return ""
    if "," in name:
        family, _, given = name.partition(",")
        words = _WORD.findall(fold(family)) + _WORD.findall(fold(given))
        return " ".join(w for w in words if w not in _NAME_SUFFIXES)
    words = [w for w in _WORD.findall(fold(name)) if w not in _NAME_SUFFIXES]
    return " ".join(words[-1:] + words[:-1])


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def queue_values(body: dict[str, Any], filename: str, display_name: str | None) -> dict[str, Any]:
    """The record-derived columns of a document's queue row, from its latest record body (a dict)."""
    report = body.get("report") or {}
    claim = body.get("claim") or {}
    mmi = body.get("mmi") or {}
    evaluator = (report.get("evaluator") or {}).get("name") or ""
    applicant = claim.get("applicant") or ""
    cases = [str(c) for c in claim.get("case_numbers") or []]
    claims = [str(c) for c in claim.get("claim_numbers") or []]
    parts = [
        [i.get("body_part") or "", i.get("laterality") or "", _num(i.get("wpi"))]
        for i in body.get("impairments") or []
    ]
    combined = _num((body.get("combined_wpi") or {}).get("value"))
    wpis = [p[2] for p in parts if p[2] is not None]
    flags = [str(f.get("code")) for f in (body.get("review") or {}).get("flags") or []]
    status = mmi.get("status") or "not_stated"
    name = display_name or filename
    search = " ".join(
        x
        for x in (
            fold(applicant),
            fold(evaluator),
            " ".join(fold(c) for c in cases + claims),
            fold(name),
            fold(filename) if name != filename else "",
        )
        if x
    )
    return {
        "filename": name,
        "filename_sort": fold(name),
        "report_date": report.get("report_date") or None,
        "type": report.get("type") or "",
        "supplemental": bool(report.get("supplemental")),
        "evaluator": evaluator,
        "evaluator_sort": name_sort_key(evaluator),
        "applicant": applicant,
        "applicant_sort": name_sort_key(applicant),
        "case_numbers": ", ".join(cases),
        "mmi_status": status,
        "mmi_date": mmi.get("date") or None,
        # reached (by date), then not reached, then not stated
        "mmi_sort": {"reached": "1", "not_reached": "2"}.get(status, "3") + (mmi.get("date") or ""),
        "wpi_parts": parts,
        "combined_wpi": combined,
        "wpi_sort": combined if combined is not None else (sum(wpis) if wpis else None),
        "flags": flags,
        "flag_count": len(flags),
        "search": search,
    }


def received_sort(received: str | None, first_seen: datetime | None) -> str:
    """One sortable text for the received column: the day a person set or the pages show, else the
    moment the file was first seen (UTC), so the newest sort first within a day."""
    if received:
        return received
    if first_seen is not None:
        return first_seen.strftime("%Y-%m-%dT%H:%M:%S")
    return ""


@dataclass(frozen=True)
class QueueFilter:
    """Which queue rows to show, in which order (`Store.queue_page`); built by `web.queue.parse_query`."""

    status: str | None = None
    flagged: bool = False
    #: Assigned to this reviewer (any case); "" finds nothing (a reviewer who gave no name).
    assignee: str | None = None
    #: Received on this day (ISO), or first seen between the two UTC instants when no day was set.
    received_day: str | None = None
    received_between: tuple[datetime, datetime] | None = None
    terms: list[str] = field(default_factory=list)
    case_key: str | None = None
    sort: str = "received"
    direction: Literal["asc", "desc"] = "desc"

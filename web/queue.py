"""The review queue: its URL parameters, saved views, search, sorting and paging, as one store query.

A view of the queue lives entirely in its URL (`/?view=needs_review&sort=received&dir=desc&q=roe&page=2`),
so a link to a record can carry the view it was opened from (`/doc/<sha>?from=<the queue query>`) and the
record page can go on to the next record of that view (`next_in_view`). Filtering, sorting and paging
happen in SQL on the store's `queue_rows` (pipeline/operations/queue_index.py), never in Python over
every record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

from models.settings import Settings
from pipeline.cases.received import SOURCE_LABELS
from pipeline.operations.queue_index import SORT_COLUMNS, QueueFilter, search_terms
from pipeline.operations.store import Store
from web.cases import case_url, mmi_summary, wpi_summary
from web.labels import flag_label, mmi_label, status_label

PAGE_SIZE = 50
#: Saved views: the name in the URL and the words on the tab.
VIEWS: dict[str, str] = {
    "all": "All reports",
    "new_today": "New today",
    "needs_review": "Needs review",
    "flagged": "Flagged",
    "mine": "Assigned to me",
    "by_case": "By case",
}
STATUSES = ("needs_review", "ready", "approved", "rejected", "exported", "failed")
#: Columns sorted newest or largest first when first clicked.
_DESC_FIRST = {"received", "report_date", "wpi"}
_DEFAULT_ZONE = str(Settings.model_fields["timezone"].default)


@dataclass(frozen=True)
class QueueQuery:
    """One view of the queue, as its URL parameters say it (unknown values fall back to the defaults)."""

    view: str = "all"
    status: str = ""
    q: str = ""
    sort: str = "received"
    dir: Literal["asc", "desc"] = "desc"
    page: int = 1
    case: str = ""
    #: For "assigned to me": whose records (the reviewer's name; put in the URL so the view is stable).
    assignee: str = ""
    #: For "new today": which day (ISO; today when empty), so "approve and next" keeps to that day's list.
    day: str = ""

    def params(self, **changes: Any) -> dict[str, str]:
        """The URL parameters that differ from the defaults, with `changes` applied."""
        q = replace(self, **changes)
        out = {}
        for name, default in _DEFAULTS.items():
            value = getattr(q, name)
            if value != default:
                out[name] = str(value)
        return out

    def url(self, **changes: Any) -> str:
        """The queue's address for this view with `changes` applied (a new sort, another page)."""
        params = self.params(**changes)
        return "/?" + urlencode(params) if params else "/"

    def encoded(self) -> str:
        """This view as a query string, for a record link's `from` parameter."""
        return urlencode(self.params())

    def sort_url(self, column: str) -> str:
        """The address that sorts by `column` (the other way round when it is already the sort)."""
        if column == self.sort:
            return self.url(dir="asc" if self.dir == "desc" else "desc", page=1)
        return self.url(sort=column, dir="desc" if column in _DESC_FIRST else "asc", page=1)

    def aria_sort(self, column: str) -> str:
        """`ascending`, `descending` or `none`, for the column header."""
        if column != self.sort:
            return "none"
        return "ascending" if self.dir == "asc" else "descending"


_DEFAULTS = {name: getattr(QueueQuery(), name) for name in QueueQuery.__dataclass_fields__}


def parse_query(raw: str | Mapping[str, str]) -> QueueQuery:
    """A queue view from a query string or its parameters; anything unknown or malformed is ignored."""
    params = dict(parse_qsl(raw.lstrip("?"), keep_blank_values=True)) if isinstance(raw, str) else dict(raw)

    def text(name: str, limit: int = 200) -> str:
        value = params.get(name, "")
        return value.strip()[:limit] if isinstance(value, str) else ""

    view = text("view") if text("view") in VIEWS else "all"
    status = text("status") if text("status") in STATUSES else ""
    sort = text("sort") if text("sort") in SORT_COLUMNS else ("case" if view == "by_case" else "received")
    default_dir = "desc" if sort in _DESC_FIRST else "asc"
    direction: Literal["asc", "desc"] = "asc" if text("dir") == "asc" else "desc"
    if text("dir") not in ("asc", "desc"):
        direction = "desc" if default_dir == "desc" else "asc"
    try:
        page = max(1, min(int(text("page") or 1), 100_000))
    except ValueError:
        page = 1
    day = text("day", 10)
    try:
        day = date.fromisoformat(day).isoformat() if day else ""
    except ValueError:
        day = ""
    return QueueQuery(
        view=view,
        status=status,
        q=text("q"),
        sort=sort,
        dir=direction,
        page=page,
        case=text("case", 255),
        assignee=" ".join(text("assignee", 128).split()),
        day=day,
    )


def to_filter(query: QueueQuery, *, me: str = "", timezone: str | None = None) -> QueueFilter:
    """The store filter of a view: `me` is the reviewer (for "assigned to me" without a name in the
    URL), `timezone` the office's (for "new today": received on that day there)."""
    zone = ZoneInfo(timezone or _DEFAULT_ZONE)
    day_text = query.day or datetime.now(zone).date().isoformat()
    received_day = received_between = None
    if query.view == "new_today":
        day = date.fromisoformat(day_text)
        start = datetime.combine(day, time(0), zone)
        received_day = day.isoformat()
        received_between = (start, datetime.combine(day + timedelta(days=1), time(0), zone))
    assignee = None
    if query.view == "mine":
        assignee = query.assignee or me
    elif query.assignee:
        assignee = query.assignee
    return QueueFilter(
        status=(query.status or None) if query.view != "needs_review" else "needs_review",
        flagged=query.view == "flagged",
        assignee=assignee,
        received_day=received_day,
        received_between=received_between,
        terms=search_terms(query.q),
        case_key=query.case or None,
        sort=query.sort,
        direction=query.dir,
    )


def resolved(query: QueueQuery, *, me: str = "", timezone: str | None = None) -> QueueQuery:
    """The view with what makes it stable pinned in its URL: the reviewer of "assigned to me" and the day
    of "new today" (so a record opened from it goes on to the next of the same list)."""
    if query.view == "mine" and not query.assignee and me:
        query = replace(query, assignee=me)
    if query.view == "new_today" and not query.day:
        query = replace(query, day=datetime.now(ZoneInfo(timezone or _DEFAULT_ZONE)).date().isoformat())
    return query


@dataclass(frozen=True)
class QueuePage:
    """One page of a view: its rows, how many rows the view finds, and the pages."""

    query: QueueQuery
    rows: list[dict[str, Any]]
    total: int
    pages: int
    size: int = PAGE_SIZE

    @property
    def first(self) -> int:
        """The number of the page's first row in the view (1-based; 0 when empty)."""
        return (self.query.page - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """The number of the page's last row in the view."""
        return (self.query.page - 1) * self.size + len(self.rows)


def queue_page(
    store: Store, query: QueueQuery, *, me: str = "", timezone: str | None = None, size: int = PAGE_SIZE
) -> QueuePage:
    """The rows of one page of a view (a page past the end shows the last page)."""
    f = to_filter(query, me=me, timezone=timezone)
    rows, total = store.queue_page(f, (query.page - 1) * size, size)
    pages = max(1, -(-total // size))
    if query.page > pages and total:
        query = replace(query, page=pages)
        rows, total = store.queue_page(f, (pages - 1) * size, size)
    return QueuePage(query=query, rows=rows, total=total, pages=pages, size=size)


def view_counts(store: Store, *, me: str = "", timezone: str | None = None) -> dict[str, int]:
    """How many records each saved view holds (for the tabs)."""
    counts = {}
    for view in ("new_today", "flagged", "mine"):
        counts[view] = store.queue_count(to_filter(QueueQuery(view=view), me=me, timezone=timezone))
    return counts


def next_in_view(
    store: Store, query: str, after_sha256: str, *, me: str = "", timezone: str | None = None
) -> str | None:
    """The record after `after_sha256` in the order of the queue view `query` (a query string, as a
    record link's `from` carries it), among the records the view holds now; None at its end. The given
    record need not be in the view any more (approving it takes it out of "needs review")."""
    parsed = parse_query(query)
    return store.queue_next(to_filter(parsed, me=me, timezone=timezone), after_sha256)


def display_row(row: dict[str, Any], case_key: str | None, zone: ZoneInfo) -> dict[str, Any]:
    """A queue row as the template shows it: the received day in the office's time zone and where it
    comes from, the MMI and WPI summaries, plain-English status and flags, the record and case links."""
    seen = row["first_seen"]
    if isinstance(seen, datetime) and seen.tzinfo is None:
        seen = seen.replace(tzinfo=UTC)  # SQLite hands back the stored UTC time without its zone
    received = row["received"] or (seen.astimezone(zone).date().isoformat() if seen else "")
    body = {
        "impairments": [
            {"body_part": part, "laterality": side or None, "wpi": wpi}
            for part, side, wpi in row["wpi_parts"]
        ],
        "combined_wpi": {"value": row["combined_wpi"]},
        "mmi": {"status": row["mmi_status"], "date": row["mmi_date"]},
    }
    kind = row["type"] + (" (supplemental)" if row["type"] and row["supplemental"] else "")
    return {
        **row,
        "received_day": received,
        "received_how": SOURCE_LABELS.get(row["received_source"] or "first_seen", ""),
        "kind": kind,
        "mmi": mmi_summary(body),
        "mmi_title": mmi_label(row["mmi_status"]),
        "wpi": wpi_summary(body),
        "status_text": status_label(row["status"]),
        "flag_labels": [flag_label(code) for code in dict.fromkeys(row["flags"])],
        "case_href": case_url(case_key) if case_key else None,
    }


def view_tabs(query: QueueQuery, me: str, counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """The saved views as tabs: label, address, how many records, whether it is the one shown."""
    tabs = []
    for view, label in VIEWS.items():
        fresh = QueueQuery(
            view=view, assignee=me if view == "mine" else "", sort="case" if view == "by_case" else "received"
        )
        if view == "by_case":
            fresh = replace(fresh, dir="asc")
        tabs.append(
            {
                "view": view,
                "label": label,
                "href": fresh.url(),
                "count": counts.get(view),
                "selected": view == query.view,
            }
        )
    return tabs

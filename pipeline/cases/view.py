"""The case view: every report the store holds about one case, side by side (docs/cases.md, CASE.md).

`case_view` finds a case by number, applicant or key, folds duplicate files into their canonical report,
orders the reports by exam date, adds each report's standard rating and objection deadline, and lists the
disagreements. `case_summaries`, `upcoming_deadlines` and `deadline_events` serve the case list, the
deadline list and the .ics calendar.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from models.case import (
    CaseApportionment,
    CaseDeadline,
    CaseImpairment,
    CaseMmi,
    CaseRating,
    CaseReport,
    CaseReportDeadline,
    CaseSummary,
    CaseView,
    CitedFinding,
    DeadlineEntry,
    FullRating,
    PageRef,
)
from models.record import Evidence, Injury, ReportRecord
from pipeline.cases.calendar import CalendarEvent
from pipeline.cases.compare import disagreements, mark_differing, rank
from pipeline.cases.deadlines import (
    REMINDER,
    Deadline,
    ReportFacts,
    deadline_rules,
    report_deadlines,
    upcoming,
)
from pipeline.cases.full_rating import (
    RatingInputs,
    birth_date,
    case_occupation,
    price_disagreements,
    report_rating,
)
from pipeline.cases.group import canonical_order, duplicate_groups, fingerprint, normalise_name
from pipeline.cases.rating import LABEL, pd_weeks, standard_rating
from pipeline.cases.received import ReceivedDate, best_received, detected_from_row
from pipeline.errors import AmbiguousCaseError, CaseNotFoundError
from pipeline.operations.store import Store

DEFAULT_TIMEZONE = "America/Los_Angeles"

LABELS = {"standard_rating": LABEL, "rating": "estimate, not a formal rating", "objection_deadline": REMINDER}


@dataclass(frozen=True)
class _Doc:
    sha256: str
    filename: str
    record: ReportRecord
    record_id: int
    version: int
    status: str
    received: str | None
    received_source: str | None = None
    received_evidence: str | None = None


def _ref(evidence: Evidence | None) -> PageRef | None:
    return PageRef(page=evidence.page, bbox=evidence.bbox) if evidence is not None else None


def _received(doc: dict[str, Any], record: ReportRecord, zone: ZoneInfo) -> ReceivedDate | None:
    """The receipt date from the best evidence (pipeline/cases/received.py): a person's, a stamp or fax
    header the pages show, else the day the file was first seen, in the office's time zone."""
    first_seen = None
    seen = doc.get("first_seen")
    if isinstance(seen, datetime):
        if seen.tzinfo is None:
            seen = seen.replace(tzinfo=UTC)  # SQLite hands back the stored UTC time without its zone
        first_seen = seen.astimezone(zone).date().isoformat()
    return best_received(
        person=str(doc["received"]) if doc.get("received") else None,
        person_actor=doc.get("received_by"),
        detected=detected_from_row(doc.get("detected")),
        first_seen=first_seen,
        report_date=record.report.report_date,
    )


def _report_deadlines(doc: _Doc, represented: bool, today: date | None) -> list[Deadline]:
    """The deadlines a report starts (pipeline/cases/deadlines.py), from its findings and receipt date."""
    r = doc.record
    facts = ReportFacts(
        report_type=r.report.type,
        mmi_status=r.mmi.status,
        has_impairment=bool(r.impairments),
        future_medical=bool(r.future_medical.provided),
        work_restrictions=bool(r.work_restrictions),
    )
    received = date.fromisoformat(doc.received) if doc.received else None
    return report_deadlines(facts, received, represented, today)


def _case_deadline(d: Deadline) -> CaseReportDeadline:
    return CaseReportDeadline(
        rule=d.rule,
        what=d.what,
        date=d.date,
        days_left=d.days_left,
        basis=d.basis,
        source=d.source,
        rule_id=d.rule_id,
        unadjusted_date=d.unadjusted,
        statement=d.statement,
        label=d.label,
    )


def _status(doc: dict[str, Any]) -> str:
    status = str(doc["review_status"])
    return "exported" if status == "approved" and doc.get("exported") else status


def _rating_dates(injuries: Sequence[Injury]) -> list[str | None]:
    """One date per injury for the rating: a specific injury's date, a cumulative trauma's end date."""
    return [(i.end or i.start) if i.type == "cumulative" else i.start for i in injuries]


def _case_report(
    doc: _Doc,
    duplicates: list[str],
    represented: bool,
    today: date | None = None,
    full_rating: FullRating | None = None,
) -> CaseReport:
    r = doc.record
    rating = standard_rating(
        [(i.body_part, i.laterality, float(i.wpi)) for i in r.impairments], _rating_dates(r.claim.injuries)
    )
    deadlines = _report_deadlines(doc, represented, today)
    deadline = next((d for d in deadlines if d.date is not None), None)
    return CaseReport(
        sha256=doc.sha256,
        filename=doc.filename,
        type=r.report.type,
        supplemental=r.report.supplemental,
        evaluator=r.report.evaluator,
        exam_date=r.report.exam_date,
        report_date=r.report.report_date,
        received=doc.received,
        status=doc.status,
        mmi=CaseMmi(status=r.mmi.status, date=r.mmi.date, evidence=_ref(r.mmi.evidence)),
        impairments=[
            CaseImpairment(
                body_part=i.body_part, laterality=i.laterality, wpi=i.wpi, evidence=_ref(i.evidence)
            )
            for i in r.impairments
        ],
        combined_wpi=r.combined_wpi.value,
        apportionment=[
            CaseApportionment(
                body_part=a.body_part,
                laterality=a.laterality,
                industrial_pct=a.industrial_pct,
                nonindustrial_pct=a.nonindustrial_pct,
                evidence=_ref(a.evidence),
            )
            for a in r.apportionment
        ],
        standard_rating=CaseRating(value=rating.value, basis=rating.basis, reason=rating.reason),
        pd_weeks=pd_weeks(rating.value) if rating.value is not None else None,
        objection_deadline=CaseDeadline(date=deadline.date, basis=f"{deadline.rule}: {deadline.statement}")
        if deadline and deadline.date
        else None,
        duplicates=duplicates,
        rating=full_rating,
        deadlines=[_case_deadline(d) for d in deadlines],
        received_source=doc.received_source,
        received_evidence=doc.received_evidence,
        record_id=doc.record_id,
        version=doc.version,
    )


def _order(report: CaseReport) -> tuple[Any, ...]:
    """Exam-date order; a report whose exam date was not read sorts by its report date (written after
    the exam, usually within weeks), and one with neither goes last."""
    when = report.exam_date or report.report_date
    return (when is None, when or "", report.report_date or "", report.sha256)


def _docs(store: Store, shas: Sequence[str], zone: ZoneInfo) -> list[_Doc]:
    out = []
    for d in store.case_documents(shas):
        record = ReportRecord.model_validate_json(d["body"])
        received = _received(d, record, zone)
        out.append(
            _Doc(
                sha256=d["sha256"],
                filename=d["filename"],
                record=record,
                record_id=d["record_id"],
                version=d["version"],
                status=_status(d),
                received=received.date if received else None,
                received_source=received.source if received else None,
                received_evidence=received.evidence if received else None,
            )
        )
    return sorted(out, key=lambda d: d.sha256)


def build_view(
    key: str,
    docs: Sequence[_Doc],
    represented: bool,
    today: date | None = None,
    inputs: RatingInputs | None = None,
    controlling: str | None = None,
) -> CaseView:
    """The case view of these documents (all of one case); deadlines count their days left from `today`;
    ratings use the occupation, date of birth and earnings a reviewer set (`inputs`), else the reports'.
    `controlling` is the report (or a duplicate of it) a paralegal set as controlling: the view names its
    canonical report, and each disagreement marks the values that differ from it."""
    groups = duplicate_groups([(d.sha256, fingerprint(d.record)) for d in docs])
    by_sha = {d.sha256: d for d in docs}
    reports: list[CaseReport] = []
    canonical: list[_Doc] = []
    records = [d.record for d in docs]
    occupation = case_occupation(records, inputs)
    born = birth_date(records, inputs)
    all_injuries = [i for r in records for i in r.claim.injuries]
    earnings = inputs.earnings if inputs is not None else None
    for group in groups:
        members = sorted(
            (by_sha[s] for s in group),
            key=lambda d: canonical_order(d.record, d.status, d.received, d.sha256),
        )
        best = members[0]
        canonical.append(best)
        full = report_rating(best.record, occupation, born, all_injuries, earnings)
        reports.append(_case_report(best, [m.sha256 for m in members[1:]], represented, today, full))
    reports.sort(key=_order)
    order = {r.sha256: n for n, r in enumerate(reports)}
    canonical.sort(key=lambda d: order[d.sha256])

    numbers = sorted({n.strip().upper() for d in docs for n in d.record.claim.case_numbers if n.strip()})
    names = Counter(d.record.claim.applicant.strip() for d in canonical if d.record.claim.applicant)
    applicant = names.most_common(1)[0][0] if names else None
    injuries: dict[tuple[str, str | None, str | None], Injury] = {}
    for d in canonical:
        for i in d.record.claim.injuries:
            injuries.setdefault((i.type, i.start, i.end), i)
    cited = [CitedFinding(cited_in=d.sha256, **dict(c)) for d in canonical for c in d.record.cited_findings]
    found = disagreements(reports)
    price_disagreements(found, reports)
    found = rank(found)
    controlling_report = next(
        (r.sha256 for r in reports if controlling is not None and controlling in (r.sha256, *r.duplicates)),
        None,
    )
    mark_differing(found, controlling_report)
    return CaseView(
        key=key,
        case_numbers=numbers,
        applicant=applicant,
        injuries=sorted(injuries.values(), key=lambda i: (i.start or "9999", i.end or "9999", i.type)),
        reports=reports,
        cited_findings=cited,
        disagreements=found,
        represented=represented,
        labels=dict(LABELS),
        occupation=occupation,
        earnings=earnings,
        controlling_report=controlling_report,
    )


def _name_words(name: str | None) -> set[str]:
    """The words of a person's name as matched ("Abernathy, Raymond" and "raymond abernathy" alike)."""
    normal = normalise_name(name)
    return set(normal.split()) if normal else set()


def _number_matches(rows: Sequence[dict[str, Any]], case_number: str) -> list[dict[str, Any]]:
    """Rows with this case number (or case key); failing that, rows with a case number containing it
    ("7616449" finds ADJ7616449; spaces and case ignored)."""
    number = case_number.strip().upper()
    exact = [r for r in rows if number in r["case_numbers"] or r["case_key"] == case_number.strip()]
    if exact:
        return exact
    compact = "".join(number.split())
    if len(compact) < 3:
        return []
    return [r for r in rows if any(compact in "".join(n.split()) for n in r["case_numbers"])]


def _name_matches(rows: Sequence[dict[str, Any]], applicant: str) -> list[dict[str, Any]]:
    """Rows whose applicant has every word of this name, in any order ("Abernathy", "raymond abernathy",
    "Abernathy, Raymond"); case, accents and punctuation ignored."""
    asked = _name_words(applicant)
    if not asked:
        return []
    return [r for r in rows if asked <= set((r["applicant"] or "").split())]


def _keys_for(
    index: Sequence[dict[str, Any]],
    case_number: str | None,
    applicant: str | None,
    key: str | None,
    query: str | None = None,
) -> list[str]:
    rows = list(index)
    if key is not None:
        rows = [r for r in rows if r["case_key"] == key]
    if case_number is not None:
        rows = _number_matches(rows, case_number)
    if applicant is not None:
        rows = _name_matches(rows, applicant)
    if query is not None:
        rows = _number_matches(rows, query) or _name_matches(rows, query)
    return sorted({r["case_key"] for r in rows})


def _ambiguous(index: Sequence[dict[str, Any]], keys: Sequence[str]) -> AmbiguousCaseError:
    """One line naming every case that matched: its case numbers, else its applicant."""
    shown = []
    for k in keys:
        rows = [r for r in index if r["case_key"] == k]
        numbers = sorted({n for r in rows for n in r["case_numbers"]})
        name = next((r["applicant"] for r in rows if r["applicant"]), None)
        label = ", ".join(numbers) or "no case number"
        shown.append(f"{label} ({name.title()})" if name else label)
    return AmbiguousCaseError(f"{len(keys)} cases match: " + "; ".join(shown))


def _zone(timezone: str) -> ZoneInfo:
    return ZoneInfo(timezone)


def case_view(
    store: Store,
    *,
    case_number: str | None = None,
    applicant: str | None = None,
    key: str | None = None,
    query: str | None = None,
    today: date | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> CaseView | None:
    """The case with this case number (or case key; else the one case number containing it, "7616449"),
    or whose applicant has every word of this name in any order (case and punctuation ignored), or with
    this case key; `query` is a case number, or failing that a name. None when no stored report belongs
    to it.

    Raises AmbiguousCaseError, naming them, when several cases match. The view lists every deadline,
    with its days left from `today` (default: the current date in `timezone`).
    """
    if case_number is None and applicant is None and key is None and query is None:
        return None
    index = store.case_index()
    keys = _keys_for(index, case_number, applicant, key, query)
    if not keys:
        return None
    if len(keys) > 1:
        raise _ambiguous(index, keys)
    zone = _zone(timezone)
    return _view_of(store, keys[0], index, zone, today or datetime.now(zone).date())


def require_case_view(
    store: Store,
    *,
    case_number: str | None = None,
    applicant: str | None = None,
    query: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> CaseView:
    """`case_view`, raising CaseNotFoundError when no stored report belongs to the case."""
    view = case_view(store, case_number=case_number, applicant=applicant, query=query, timezone=timezone)
    if view is None:
        asked = case_number or (f"{query!r}" if query else "that applicant")
        raise CaseNotFoundError(f"no stored report belongs to {asked}")
    return view


def _view_of(
    store: Store, key: str, index: Sequence[dict[str, Any]], zone: ZoneInfo, today: date
) -> CaseView:
    shas = [r["sha256"] for r in index if r["case_key"] == key]
    inputs = store.rating_inputs(key)
    return build_view(
        key,
        _docs(store, shas, zone),
        store.represented(key),
        today,
        RatingInputs(**inputs) if inputs else None,
        store.controlling_report(key),
    )


def all_case_views(
    store: Store, *, timezone: str = DEFAULT_TIMEZONE, today: date | None = None
) -> list[CaseView]:
    """Every case the store holds, by key; deadlines' days left count from `today` (default: now)."""
    index = store.case_index()
    zone = _zone(timezone)
    day = today or datetime.now(zone).date()
    return [_view_of(store, k, index, zone, day) for k in sorted({r["case_key"] for r in index})]


def _deadlines(view: CaseView) -> list[tuple[CaseReport, CaseReportDeadline]]:
    """Every dated deadline of the case's reports (a rule with no fixed limit has no day to remind of)."""
    return [(r, d) for r in view.reports for d in r.deadlines if d.date is not None]


def case_summaries(
    store: Store, *, today: date | None = None, timezone: str = DEFAULT_TIMEZONE
) -> list[CaseSummary]:
    """One summary per case: key, numbers, applicant, report counts, disagreements, next deadline (the
    soonest on or after `today`, default the current date)."""
    day = today or datetime.now(_zone(timezone)).date()
    out = []
    index = store.case_index()
    counts = Counter(r["case_key"] for r in index)
    for view in all_case_views(store, timezone=timezone, today=day):
        due = [d for _, d in _deadlines(view) if d.date and d.date >= day.isoformat()]
        nxt = min(due, key=lambda d: d.date or "") if due else None
        out.append(
            CaseSummary(
                key=view.key,
                case_numbers=view.case_numbers,
                applicant=view.applicant,
                reports=counts[view.key],
                distinct_reports=len(view.reports),
                disagreements=len(view.disagreements),
                next_deadline=CaseDeadline(date=nxt.date, basis=f"{nxt.rule}: {nxt.statement}")
                if nxt and nxt.date
                else None,
            )
        )
    return out


def _entry(view: CaseView, report: CaseReport, deadline: CaseReportDeadline) -> DeadlineEntry:
    return DeadlineEntry(
        case_key=view.key,
        case_number=view.case_numbers[0] if view.case_numbers else None,
        applicant=view.applicant,
        report=report.sha256,
        type=report.type,
        evaluator=report.evaluator.name,
        date=deadline.date or "",
        basis=f"{deadline.rule}: {deadline.statement}",
        rule=deadline.rule,
        what=deadline.what,
        source=deadline.source,
        days_left=deadline.days_left,
    )


def upcoming_deadlines(
    store: Store, today: date, days: int = 14, *, timezone: str = DEFAULT_TIMEZONE
) -> list[DeadlineEntry]:
    """The dated deadlines due from `today` through `today + days`, soonest first."""
    pairs = [
        (_entry(view, report, deadline), deadline)
        for view in all_case_views(store, timezone=timezone, today=today)
        for report, deadline in _deadlines(view)
    ]
    return [entry for entry, _ in upcoming(pairs, today, days)]


def deadline_events(store: Store, *, timezone: str = DEFAULT_TIMEZONE) -> list[CalendarEvent]:
    """One all-day calendar event per dated deadline, with the rule's basis and sources. No applicant name
    goes in: calendars are synced to places the store is not; the case number and the report say which
    case it is. A rule with no fixed limit (LC 4061) has no day and no event."""
    events = []
    for view in all_case_views(store, timezone=timezone):
        case = ", ".join(view.case_numbers) or "case without a number"
        for report, deadline in _deadlines(view):
            who = report.evaluator.name or "the evaluator"
            prefix = deadline_rules().rule(deadline.rule_id).calendar_uid or deadline.rule_id
            events.append(
                CalendarEvent(
                    uid=f"{prefix}-{report.sha256}@medlegal",
                    day=date.fromisoformat(deadline.date or ""),
                    summary=f"{deadline.rule} deadline: {report.type or 'report'} report, {case}",
                    description=(
                        f"{deadline.what[:1].upper()}{deadline.what[1:]}: {report.type or 'report'} report by"
                        f" {who} (exam {report.exam_date or 'date unknown'}, document {report.sha256[:12]},"
                        f" received {report.received or 'date unknown'}, {report.received_source or 'source unknown'})."
                        f" {deadline.statement}. Basis: {deadline.basis}. Sources: {deadline.source}. {REMINDER}."
                    ),
                )
            )
    return sorted(events, key=lambda e: (e.day, e.uid))

"""The case view, contract v1 (shared/contract/CASE.md): every report about one case side by side.

Field names are a contract with the case system: extend freely, never rename. `CaseView.model_dump(mode="json")`
is what `medlegal case --json` prints. Extensions to the contract are marked.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from models.record import (
    BBoxList,
    Evaluator,
    Injury,
    Laterality,
    ReportType,
)
from models.record import CitedFinding as RecordCitedFinding

DisagreementField = str  # "wpi" | "mmi_status" | "mmi_date" | "apportionment" | "combined_wpi" | "rating"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PageRef(_Model):
    """Extension: where a value is on the page image (1-based page, box in PDF points or null)."""

    page: int
    bbox: BBoxList | None = None


class CaseMmi(_Model):
    status: str = "not_stated"
    date: str | None = None
    # Extension.
    evidence: PageRef | None = None


class CaseImpairment(_Model):
    body_part: str
    laterality: Laterality | None = None
    wpi: int | float
    # Extension: the page (and box) the value was read from, for the page image link.
    evidence: PageRef | None = None


class CaseApportionment(_Model):
    body_part: str | None = None
    laterality: Laterality | None = None
    industrial_pct: int | float | None = None
    nonindustrial_pct: int | float | None = None
    # Extension.
    evidence: PageRef | None = None


class CaseRating(_Model):
    """The standard rating of one report's own impairments: a value with its basis, or null with a reason."""

    value: int | None = None
    basis: str | None = None
    reason: str | None = None


class RatingPart(_Model):
    """Contract v1.1: one rated body part of a report, each step of the PDRS formula and the string."""

    body_part: str
    laterality: Laterality | None = None
    impairment_number: str | None = None
    wpi: int | float
    adjustment: str | None = None
    adjusted: int | None = None
    group: int | None = None
    variant: str | None = None
    occupational: int | None = None
    age_adjusted: int | None = None
    apportioned: int | None = None
    string: str | None = None
    evidence: PageRef | None = None
    flags: list[str] = Field(default_factory=list)
    # Extensions: how the impairment number was chosen, the pain add-on folded into the WPI, the industrial
    # share applied, whether the part is left out (LC 4660.1(c)), and the working, one line per step.
    number_basis: str = ""
    pain: int | float = 0
    industrial_pct: int | float | None = None
    excluded: bool = False
    steps: list[str] = Field(default_factory=list)


class RatingOccupation(_Model):
    """Contract v1.1: the occupation rated, its group, and where it came from (the report or a reviewer)."""

    title: str | None = None
    group: int | None = None
    source: str | None = None
    # Extensions: whether a person confirmed it, why it is only a suggestion, and the report's words.
    confirmed: bool = False
    reason: str | None = None
    report_text: str | None = None


class MoneyRange(_Model):
    min: float | None = None
    max: float | None = None


class FullRating(_Model):
    """Contract v1.1: the 2005 PDRS rating of one report's findings (an estimate, not a formal rating); null
    figures with `reason` when it cannot be computed."""

    parts: list[RatingPart] = Field(default_factory=list)
    occupation: RatingOccupation = Field(default_factory=RatingOccupation)
    age_at_injury: int | None = None
    pd: int | None = None
    weeks: float | None = None
    weekly_rate: MoneyRange = Field(default_factory=MoneyRange)
    amount: MoneyRange = Field(default_factory=MoneyRange)
    basis: str = ""
    label: str = "estimate, not a formal rating"
    reason: str | None = None
    # Extensions: the injury date rated, the combination's working, the LC rules applied, the life pension
    # note, every reason the figures are partial, and whether every part was rated.
    injury_date: str | None = None
    combined: list[str] = Field(default_factory=list)
    weeks_rule: str | None = None
    earnings_rule: str | None = None
    life_pension: str | None = None
    notes: list[str] = Field(default_factory=list)
    complete: bool = False


class CaseDeadline(_Model):
    date: str
    basis: str


class CaseReportDeadline(_Model):
    """Contract v1.1: one deadline a report starts, by statute (a reminder, not legal advice): the rule, what
    to do, the last day (null when the statute sets no fixed limit, then `statement` says so), the days
    left from the day the view was made, the basis and the sources read."""

    rule: str
    what: str
    date: str | None = None
    days_left: int | None = None
    basis: str
    source: str
    # Extensions: the rule's id in pipeline/cases/rules/deadlines.json, the day counted before a CCP 12a
    # move off a weekend or court holiday, the one-line statement and the display label.
    rule_id: str
    unadjusted_date: str | None = None
    statement: str
    label: str


class CaseReport(_Model):
    """One distinct report of the case (the canonical file of its duplicates)."""

    sha256: str
    filename: str
    type: ReportType | None = None
    supplemental: bool = False
    evaluator: Evaluator = Field(default_factory=Evaluator)
    exam_date: str | None = None
    report_date: str | None = None
    received: str | None = None
    status: str
    mmi: CaseMmi = Field(default_factory=CaseMmi)
    impairments: list[CaseImpairment] = Field(default_factory=list)
    combined_wpi: int | float | None = None
    apportionment: list[CaseApportionment] = Field(default_factory=list)
    standard_rating: CaseRating = Field(default_factory=CaseRating)
    pd_weeks: float | None = None
    objection_deadline: CaseDeadline | None = None
    duplicates: list[str] = Field(default_factory=list)
    # Contract v1.1: the full PDRS rating of the report's own findings.
    rating: FullRating | None = None
    # Contract v1.1: every deadline the report starts, dated ones first.
    deadlines: list[CaseReportDeadline] = Field(default_factory=list)
    # Extensions: where `received` came from (person, stamp, fax_header, first_seen) and its evidence.
    received_source: str | None = None
    received_evidence: str | None = None
    # Extensions: the stored record version this entry shows.
    record_id: int
    version: int


class CitedFinding(RecordCitedFinding):
    """A finding a report attributes to another physician (the record's `cited_findings` entry), with the
    report (sha256) that cites it."""

    cited_in: str


class DisagreementValue(_Model):
    report: str
    type: ReportType | None = None
    evaluator: str | None = None
    value: int | float | str | None = None


class DisagreementRating(_Model):
    """Contract v1.1: the rating one side of a disagreement gives (its report's whole rating)."""

    report: str
    type: ReportType | None = None
    evaluator: str | None = None
    pd: int | None = None
    weeks: float | None = None
    amount: MoneyRange = Field(default_factory=MoneyRange)


class Disagreement(_Model):
    """The same field valued differently by two or more distinct reports."""

    field: DisagreementField
    body_part: str | None = None
    laterality: Laterality | None = None
    values: list[DisagreementValue] = Field(default_factory=list)
    # Contract v1.1: the rating each side gives, and the disagreement priced in one line.
    ratings: list[DisagreementRating] = Field(default_factory=list)
    priced: str | None = None
    # Extensions: how many PD points the sides' ratings are apart (the disagreements are ranked by it,
    # widest first; null when fewer than two sides are rated), and the reports whose value differs from
    # the controlling report's, else from the most common value (all of them when there is none).
    spread: int | None = None
    differing: list[str] = Field(default_factory=list)


class CaseView(_Model):
    case_numbers: list[str] = Field(default_factory=list)
    applicant: str | None = None
    injuries: list[Injury] = Field(default_factory=list)
    reports: list[CaseReport] = Field(default_factory=list)
    cited_findings: list[CitedFinding] = Field(default_factory=list)
    disagreements: list[Disagreement] = Field(default_factory=list)
    # Extensions.
    key: str
    represented: bool = True
    labels: dict[str, str] = Field(default_factory=dict)
    # Extensions: the occupation and earnings every report of the case is rated with.
    occupation: RatingOccupation = Field(default_factory=RatingOccupation)
    earnings: float | None = None
    # Extension: the report (sha256) the paralegal set as controlling (the one the case relies on), or null.
    controlling_report: str | None = None


class CaseSummary(_Model):
    """One line of the case list."""

    key: str
    case_numbers: list[str] = Field(default_factory=list)
    applicant: str | None = None
    reports: int
    distinct_reports: int
    disagreements: int
    next_deadline: CaseDeadline | None = None


class DeadlineEntry(_Model):
    """One objection deadline coming up, with the case and report it belongs to."""

    case_key: str
    case_number: str | None = None
    applicant: str | None = None
    report: str
    type: ReportType | None = None
    evaluator: str | None = None
    date: str
    basis: str
    # Extensions: the rule (LC 4062(a), ...), what to do, its sources and days left.
    rule: str | None = None
    what: str | None = None
    source: str | None = None
    days_left: int | None = None

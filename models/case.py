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

DisagreementField = str  # "wpi" | "mmi_status" | "mmi_date" | "apportionment"


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


class CaseDeadline(_Model):
    date: str
    basis: str


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


class Disagreement(_Model):
    """The same field valued differently by two or more distinct reports."""

    field: DisagreementField
    body_part: str | None = None
    laterality: Laterality | None = None
    values: list[DisagreementValue] = Field(default_factory=list)


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

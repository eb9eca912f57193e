"""The report record, contract v1 (shared/contract/RECORD.md): extend freely, never rename or re-nest."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

BBoxList = list[float]
Laterality = Literal["left", "right", "bilateral"]
ReportType = Literal["QME", "AME", "PTP", "IME", "OTHER"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """Where a value came from: 1-based page, the sentence, and its box in PDF points (or null)."""

    page: int = Field(ge=1)
    text: str
    bbox: BBoxList | None = None
    # Extensions to the contract.
    section: str | None = None
    text_source: Literal["text_layer", "ocr"] | None = None
    ocr_confidence: float | None = None
    #: The ids of the rules that produced the value (rules/patterns.json, attribution.json ...).
    rules: list[str] = Field(default_factory=list)


class SourcePage(_Model):
    number: int = Field(ge=1)
    text_source: Literal["text_layer", "ocr"]
    ocr_confidence: float | None = None
    rotation: int = 0


class Source(_Model):
    filename: str
    sha256: str
    media_type: str
    page_count: int
    pages: list[SourcePage] = Field(default_factory=list)


class Evaluator(_Model):
    name: str | None = None
    specialty: str | None = None


class Report(_Model):
    type: ReportType | None = None
    supplemental: bool = False
    title: str | None = None
    report_date: str | None = None
    exam_date: str | None = None
    evaluator: Evaluator = Field(default_factory=Evaluator)
    #: Extension: the rating conventions the document's words show ("california", "texas", "colorado",
    #: "tennessee", "oregon", "healing_plateau", "medically_stable", "body_as_whole", "federal_schedule").
    conventions: list[str] = Field(default_factory=list)


class Injury(_Model):
    type: Literal["specific", "cumulative"]
    start: str | None = None
    end: str | None = None


class Occupation(_Model):
    """The worker's occupation as the report states it (extension of contract v1.1): what the rating's
    occupational group is suggested from (`pipeline/rating/occupation.py`)."""

    text: str
    evidence: Evidence | None = None


class Claim(_Model):
    applicant: str | None = None
    employer: str | None = None
    case_numbers: list[str] = Field(default_factory=list)
    claim_numbers: list[str] = Field(default_factory=list)
    injuries: list[Injury] = Field(default_factory=list)
    #: The applicant's date of birth (extension of contract v1.1): with the name, it joins a report that
    #: carries no case number to its case.
    date_of_birth: str | None = None
    #: Extension: the occupation the report states ("employed as a produce clerk"), for the PD rating.
    occupation: Occupation | None = None


class Mmi(_Model):
    status: Literal["reached", "not_reached", "not_stated"] = "not_stated"
    date: str | None = None
    evidence: Evidence | None = None
    confidence: float = Field(0.0, ge=0, le=1)


class Impairment(_Model):
    body_part: str
    laterality: Laterality | None = None
    wpi: int | float = Field(ge=0, le=100)
    method: str | None = None
    table_refs: list[str] = Field(default_factory=list)
    evidence: Evidence | None = None
    confidence: float = Field(0.0, ge=0, le=1)


class CombinedWpi(_Model):
    value: int | float | None = None
    evidence: Evidence | None = None
    # Extension: how the evaluator put the parts together, when stated.
    method: Literal["combined", "added"] | None = None


class Apportionment(_Model):
    body_part: str | None = None
    laterality: Laterality | None = None
    industrial_pct: int | float | None = Field(None, ge=0, le=100)
    nonindustrial_pct: int | float | None = Field(None, ge=0, le=100)
    evidence: Evidence | None = None


class WorkRestriction(_Model):
    text: str
    evidence: Evidence | None = None


class FutureMedical(_Model):
    provided: bool | None = None
    text: str | None = None
    evidence: Evidence | None = None


PhysicianRole = Literal["PTP", "QME", "AME", "IME", "treating", "other"]


class CitedPhysician(_Model):
    """The physician a cited finding belongs to, as the text names them (v1.1)."""

    name: str | None = None
    role: PhysicianRole | None = None


class CitedFinding(_Model):
    """What the document says another physician found: one entry per physician (contract v1.1)."""

    physician: CitedPhysician = Field(default_factory=CitedPhysician)
    report_date: str | None = None
    mmi: Mmi | None = None
    impairments: list[Impairment] = Field(default_factory=list)
    apportionment: list[Apportionment] = Field(default_factory=list)


class Flag(_Model):
    code: str
    field: str
    message: str

    @classmethod
    def of(cls, code: str, field: str, message: str) -> Flag:
        """A flag from its three parts, positionally."""
        return cls(code=code, field=field, message=message)


class Review(_Model):
    status: Literal["needs_review", "ready"] = "needs_review"
    flags: list[Flag] = Field(default_factory=list)


class ReportRecord(_Model):
    """Everything medlegal read from one report, each value with its evidence."""

    schema_version: Literal["1"] = "1"
    source: Source
    report: Report = Field(default_factory=Report)
    claim: Claim = Field(default_factory=Claim)
    mmi: Mmi = Field(default_factory=Mmi)
    impairments: list[Impairment] = Field(default_factory=list)
    combined_wpi: CombinedWpi = Field(default_factory=CombinedWpi)
    apportionment: list[Apportionment] = Field(default_factory=list)
    work_restrictions: list[WorkRestriction] = Field(default_factory=list)
    future_medical: FutureMedical = Field(default_factory=FutureMedical)
    #: v1.1: other physicians' findings the document reports, grouped by physician; never own findings.
    cited_findings: list[CitedFinding] = Field(default_factory=list)
    review: Review = Field(default_factory=Review)
    # Extension: the version of the rules that produced the record (flows re-process when it changes).
    rules_version: str | None = None

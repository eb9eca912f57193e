"""The record model keeps the contract (shared/contract/RECORD.md) and its schema file current."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from models.record import Evidence, Impairment, ReportRecord, Source
from models.schema import SCHEMA_PATH, record_schema_json
from pipeline.extraction.rules import load_rules

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contract"


def test_schema_file_matches_models() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == record_schema_json(), (
        "docs/record.schema.json is stale: run `.venv/bin/python -m models.schema`"
    )


def test_record_has_contract_top_level_fields() -> None:
    record = ReportRecord(
        source=Source(filename="a.pdf", sha256="0" * 64, media_type="application/pdf", page_count=1)
    )
    data = record.model_dump(mode="json")
    for key in (
        "schema_version",
        "source",
        "report",
        "claim",
        "mmi",
        "impairments",
        "combined_wpi",
        "apportionment",
        "work_restrictions",
        "future_medical",
        "review",
    ):
        assert key in data
    assert data["schema_version"] == "1"
    assert data["mmi"]["status"] == "not_stated"
    assert data["review"]["status"] in {"needs_review", "ready"}


def test_whole_number_wpi_serialises_as_integer() -> None:
    imp = Impairment(
        body_part="knee",
        laterality="left",
        wpi=8,
        evidence=Evidence(page=1, text="Left knee 8% WPI", bbox=None),
        confidence=0.9,
    )
    assert imp.model_dump(mode="json")["wpi"] == 8
    assert isinstance(imp.model_dump(mode="json")["wpi"], int)


def test_body_part_rules_use_only_contract_canonical_names() -> None:
    path = CONTRACT / "body_parts.csv"
    if not path.exists():
        pytest.skip(f"the shared contract is not beside this clone ({path}); the vocabulary was not checked")
    with path.open(encoding="utf-8") as f:
        canonical = {row["canonical"] for row in csv.DictReader(f)}
    assert {p.canonical for p in load_rules().body_parts} <= canonical

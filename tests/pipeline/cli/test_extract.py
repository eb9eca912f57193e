"""`medlegal extract`: the record as JSON, and --explain: per value, the sentence, its rules and the decision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import ExitCode
from tests.support.inputs import write_pdf

LINES = [
    "QUALIFIED MEDICAL EVALUATION",
    "RECORDS REVIEWED",
    "06/22/2021 - PR-4 by Dr. Kimura. Right knee: 6% WPI.",
    "DISCUSSION",
    "In my opinion the applicant reached maximum medical improvement on 03/15/2023.",
    "I assign 8% WPI for the right knee.",
]


@pytest.fixture(scope="module")
def report(inputs_dir: Path) -> Path:
    return write_pdf(inputs_dir / "explain-report.pdf", [LINES])


def test_extract_prints_the_record(report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(report)]) == ExitCode.OK
    record = json.loads(capsys.readouterr().out)
    assert [(i["body_part"], i["laterality"], i["wpi"]) for i in record["impairments"]] == [
        ("knee", "right", 8)
    ]
    assert record["impairments"][0]["evidence"]["rules"]


def test_explain_traces_every_value_to_its_sentence_rules_and_decision(
    report: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["extract", "--explain", str(report)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "OWN (the author's)" in out and "CITED (Dr. Kimura)" in out
    assert "I assign 8% WPI for the right knee." in out
    assert "unit.wpi_after" in out and "mmi.positive_before" in out
    assert "rules used:" in out and "Whole person words right after a number" in out

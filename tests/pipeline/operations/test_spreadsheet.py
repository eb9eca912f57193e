"""CSV cells a spreadsheet would run are written as text: the batch CSV with a file named like a formula,
and the unit rule (issue 21)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from models.settings import Settings
from pipeline.operations.batch import run_batch
from pipeline.operations.spreadsheet import safe_cell, safe_dict, safe_row
from tests.support import inputs
from tests.support.batch import report_pages


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_evaluate_gets_an_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Lumbar spine", "8% WPI", "", 12, -3, 1.5, None])
def test_other_cells_and_numbers_are_unchanged(value: object) -> None:
    assert safe_cell(value) == value
    assert safe_row([value]) == [value] and safe_dict({"a": value}) == {"a": value}


def test_the_batch_csv_writes_a_formula_like_file_name_as_text(settings: Settings, tmp_path: Path) -> None:
    report = inputs.write_pdf(tmp_path / '=HYPERLINK("http", "x").pdf', report_pages(1))
    summary = run_batch(settings.model_copy(update={"batch_workers": 1}), files=[report], workers=1)
    csv_path = next(Path(settings.home, "outbox").glob(f"batch-{summary.run_id}.csv"))
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert rows[0]["filename"] == "'" + report.name

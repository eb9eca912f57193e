"""The sample cases: several reports about one worker, with a case truth the case view can be checked on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from models.settings import Settings
from pipeline.extraction.nlp import build_nlp
from pipeline.process import process_file
from sample_reports.cases import generate_cases


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], dict[str, Any]]:
    out = tmp_path_factory.mktemp("cases")
    paths = generate_cases(out, seed=11, scans=False)
    return out, paths, json.loads((out / "cases.json").read_text())


def _truth(out: Path, name: str) -> dict[str, Any]:
    return json.loads((out / "truth" / name.replace(".pdf", ".json")).read_text())


def test_two_cases_of_several_reports(cases: tuple[Path, list[Path], dict[str, Any]]) -> None:
    _, paths, listing = cases
    assert len(listing["cases"]) >= 2
    assert all(p.exists() and p.suffix == ".pdf" for p in paths)
    types = [sorted(r["type"] for r in c["reports"]) for c in listing["cases"]]
    assert ["AME", "PTP", "QME"] in types and ["PTP", "QME"] in types
    assert {p.name for p in paths} == {f for c in listing["cases"] for f in c["files_in_exam_order"]}


def test_one_worker_per_case(cases: tuple[Path, list[Path], dict[str, Any]]) -> None:
    out, _, listing = cases
    numbers = []
    for case in listing["cases"]:
        truths = [_truth(out, f) for f in case["files_in_exam_order"]]
        for t in truths:
            assert t["claim"]["case_numbers"] == [case["case_number"]]
            assert t["claim"]["applicant"] == case["applicant"]
            assert t["claim"]["employer"] == case["employer"]
            assert t["claim"]["injuries"] == case["injuries"]
        assert len({t["report"]["evaluator"]["name"] for t in truths}) == len(truths)
        numbers.append(case["case_number"])
    assert len(set(numbers)) == len(numbers)
    assert len({c["applicant"] for c in listing["cases"]}) == len(listing["cases"])


def test_exam_dates_out_of_file_order(cases: tuple[Path, list[Path], dict[str, Any]]) -> None:
    out, _, listing = cases
    for case in listing["cases"]:
        ordered = case["files_in_exam_order"]
        exams = [_truth(out, f)["report"]["exam_date"] for f in ordered]
        assert exams == sorted(exams) and len(set(exams)) == len(exams)
        assert ordered != sorted(ordered), "the file names must not give the exam order away"
        assert ordered != case["generation_order"]


def test_case_truth_is_consistent(cases: tuple[Path, list[Path], dict[str, Any]]) -> None:
    out, _, listing = cases
    a, b = listing["cases"][:2]
    for case in (a, b):
        by_type = {r["type"]: _truth(out, r["file"]) for r in case["reports"]}
        for d in case["disagreements"]:
            assert len(set(d["values"].values())) > 1
            for rtype, value in d["values"].items():
                t = by_type[rtype]
                if d["field"] == "wpi":
                    got = [
                        i["wpi"]
                        for i in t["impairments"]
                        if (i["body_part"], i["laterality"]) == (d["body_part"], d["laterality"])
                    ]
                    assert got == [value]
                elif d["field"] == "mmi_date":
                    assert t["mmi"]["date"] == value
                elif d["field"] == "combined_wpi":
                    assert t["combined_wpi"]["value"] == value
                else:
                    assert [x["industrial_pct"] for x in t["apportionment"]] == [value]
    fields_a = {(d["field"], d["body_part"]) for d in a["disagreements"]}
    assert {("mmi_date", None), ("wpi", "lumbar spine"), ("apportionment.industrial_pct", None)} <= fields_a
    assert [(d["body_part"], d["laterality"]) for d in b["disagreements"] if d["field"] == "wpi"] == [
        ("shoulder", "right")
    ]
    assert b["agreements"] == [
        {"field": "wpi", "body_part": "cervical spine", "laterality": None, "value": 5}
    ]
    # Later reports cite the case's earlier ones, with their findings.
    for case in (a, b):
        first, *later = case["reports"]
        for r in later:
            cited = _truth(out, r["file"])["cited_findings"]
            assert any(
                f["physician"]["name"] == first["evaluator"]
                and [i["wpi"] for i in f["impairments"]] == list(first["wpi"].values())
                for f in cited
            )


def test_duplicate_is_listed(cases: tuple[Path, list[Path], dict[str, Any]], tmp_path: Path) -> None:
    out, _, listing = cases
    b = listing["cases"][1]
    [dup] = b["duplicates"]
    assert dup["duplicate_of"] in b["files_in_exam_order"]
    assert _truth(out, dup["duplicate_of"])["meta"]["scans"]["office"] == dup["file"]
    assert not (out / dup["file"]).exists()  # scans=False


@pytest.mark.slow
def test_scanned_duplicate_written(tmp_path: Path) -> None:
    paths = generate_cases(tmp_path, seed=11, scans=True)
    listing = json.loads((tmp_path / "cases.json").read_text())
    [dup] = listing["cases"][1]["duplicates"]
    assert tmp_path / dup["file"] in paths and (tmp_path / dup["file"]).stat().st_size > 10_000


def test_medlegal_reads_each_case_report(cases: tuple[Path, list[Path], dict[str, Any]]) -> None:
    """The extractor finds each report's case number, applicant and own findings, not the cited ones."""
    out, paths, _ = cases
    settings = Settings()
    nlp = build_nlp(settings)
    for path in paths:
        truth = _truth(out, path.name)
        record = process_file(path, settings, nlp).record
        assert record.claim.case_numbers == truth["claim"]["case_numbers"], path.name
        assert record.claim.applicant == truth["claim"]["applicant"], path.name
        assert record.report.type == truth["report"]["type"], path.name
        assert record.mmi.status == "reached" and str(record.mmi.date) == truth["mmi"]["date"], path.name
        got = sorted((i.body_part, i.laterality, i.wpi) for i in record.impairments)
        want = sorted((i["body_part"], i["laterality"], i["wpi"]) for i in truth["impairments"])
        assert got == want, path.name

"""The synthetic corpus: truth files follow the contract and the PDFs say what the truth says."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from sample_reports import TRUTH_DIR, generate_corpus
from sample_reports.corpus.dates import all_forms
from sample_reports.corpus.facts import CONTRACT_BODY_PARTS, KIND_CYCLE, combine

COUNT = 6  # the first six reports cover every kind


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("corpus")
    return out, generate_corpus(out, count=COUNT, seed=7)


def _truth(out: Path, pdf: Path) -> dict[str, Any]:
    return json.loads((out / "truth" / f"{pdf.stem}.json").read_text())


def _text(pdf: Path) -> tuple[str, int]:
    with pdfplumber.open(pdf) as doc:
        text = "\n".join(p.extract_text() or "" for p in doc.pages)
        return re.sub(r"\s+", " ", text), len(doc.pages)


def _has_date(text: str, iso: str) -> bool:
    return any(f in text for f in all_forms(date.fromisoformat(iso)))


@pytest.mark.parametrize(
    ("values", "expected"), [([8, 6], 14), ([20, 20], 36), ([6, 8], 14), ([5], 5), ([10, 5, 3], 18)]
)
def test_combine_follows_the_combined_values_chart(values: list[int], expected: int) -> None:
    assert combine(values) == expected


def test_first_reports_cover_every_kind(corpus: tuple[Path, list[Path]]) -> None:
    out, pdfs = corpus
    kinds = {_truth(out, p)["kind"] for p in pdfs}
    assert kinds == set(KIND_CYCLE)


def test_truth_follows_the_contract(corpus: tuple[Path, list[Path]]) -> None:
    out, pdfs = corpus
    for pdf in pdfs:
        t = _truth(out, pdf)
        assert t["file"] == pdf.name
        assert t["report"]["type"] in {"QME", "AME", "PTP", "IME", "OTHER"}
        assert t["report"]["supplemental"] == (t["kind"] == "supplemental")
        assert t["mmi"]["status"] in {"reached", "not_reached", "not_stated"}
        if t["mmi"]["status"] != "reached":
            assert t["mmi"]["date"] is None
            assert t["impairments"] == []
        for imp in t["impairments"]:
            assert imp["body_part"] in CONTRACT_BODY_PARTS
            assert imp["laterality"] in {None, "left", "right", "bilateral"}
            assert 0 < imp["wpi"] <= 100
        for ap in t["apportionment"]:
            assert ap["industrial_pct"] + ap["nonindustrial_pct"] == 100
        for inj in t["claim"]["injuries"]:
            assert (inj["end"] is None) == (inj["type"] == "specific")
        assert all(re.fullmatch(r"ADJ\d{7,8}", n) for n in t["claim"]["case_numbers"])
        if t["meta"]["combine_method"] == "cvc":
            assert t["combined_wpi"]["value"] == combine([i["wpi"] for i in t["impairments"]])


def test_pdfs_state_the_truth(corpus: tuple[Path, list[Path]]) -> None:
    out, pdfs = corpus
    for pdf in pdfs:
        t = _truth(out, pdf)
        text, pages = _text(pdf)
        assert pages == t["pages"] and 3 <= pages <= 30
        claim = t["claim"]
        for value in [
            claim["applicant"],
            claim["employer"],
            t["report"]["evaluator"]["name"],
            *claim["case_numbers"],
            *claim["claim_numbers"],
        ]:
            assert value in text, (pdf.name, value)
        assert t["report"]["evaluator"]["specialty"] in text
        assert _has_date(text, t["report"]["report_date"]), pdf.name
        if t["report"]["exam_date"]:
            assert _has_date(text, t["report"]["exam_date"]), pdf.name
        if t["mmi"]["date"]:
            assert _has_date(text, t["mmi"]["date"]), pdf.name
        for inj in claim["injuries"]:
            assert _has_date(text, inj["start"]), (pdf.name, inj)
        for imp in t["impairments"]:
            assert re.search(rf"\b{imp['wpi']}(%| percent| ?WPI)", text), (pdf.name, imp)
        if t["combined_wpi"]["value"] is not None:
            assert re.search(rf"\b{t['combined_wpi']['value']}(%| percent)", text), pdf.name
        for r in t["work_restrictions"]:
            assert r in text, (pdf.name, r)


def test_generation_is_deterministic(corpus: tuple[Path, list[Path]], tmp_path: Path) -> None:
    out, pdfs = corpus
    again = generate_corpus(tmp_path, count=2, seed=7)
    for a, b in zip(again, pdfs, strict=False):
        assert a.read_bytes() == b.read_bytes()
        assert _truth(tmp_path, a) == _truth(out, b)


def test_committed_truth_matches_the_generator(corpus: tuple[Path, list[Path]]) -> None:
    out, pdfs = corpus
    for pdf in pdfs:
        committed = TRUTH_DIR / f"{pdf.stem}.json"
        assert committed.exists(), f"run python -m sample_reports.generate to refresh {committed}"
        assert json.loads(committed.read_text()) == _truth(out, pdf)


@pytest.mark.slow
def test_planned_scans_are_written_with_their_turned_pages(tmp_path: Path) -> None:
    from PIL import Image

    pdfs = generate_corpus(tmp_path, count=1, seed=7, scans=True)
    plan = _truth(tmp_path, pdfs[0])["meta"]["scans"]
    office, fax = tmp_path / plan["office"], tmp_path / plan["fax"]
    with pdfplumber.open(office) as doc:
        assert len(doc.pages) == _truth(tmp_path, pdfs[0])["pages"]
        assert not (doc.pages[0].extract_text() or "").strip()  # image only
    with Image.open(fax) as tif:
        assert tif.mode == "1" and tif.info.get("compression") == "group4"
        assert tif.n_frames == _truth(tmp_path, pdfs[0])["pages"]

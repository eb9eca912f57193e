"""Accuracy floors: `medlegal evaluate` over the generated corpus, digital and scanned copies.

The floors are the targets of the extraction issue; the numbers themselves are in docs/performance.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import ExitCode
from sample_reports.generate import generate_corpus

DIGITAL_FLOORS = {
    "impairment_f1": 0.98,
    "mmi_status": 0.98,
    "mmi_date": 0.98,
    "combined_wpi": 0.95,
    "report_type": 0.95,
    "case_numbers": 0.95,
    "injuries": 0.95,
    "apportionment_overall": 0.95,
    "exam_date": 0.95,
    "report_date": 0.95,
    "applicant": 0.95,
    "evaluator": 0.95,
    "ready_precision": 0.995,
    "cited_f1": 0.95,
}

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "sample_reports" / "real"
#: Floors on the real-text corpus (472 passages since 2026-12-07), just under the measured scores
#: (docs/extraction.md): the rules were written from the dev half; the holdout half is the honest number,
#: well below the issue's 0.85 target. PD (or a judge's number) taken as WPI: at most what is measured
#: (the holdout's six were never looked into: three came with batch E, unseen, at its first look).
REAL_FLOORS = {"dev": 0.71, "holdout": 0.57}
PD_AS_WPI_CEILINGS = {"dev": 1, "holdout": 6}
#: Another publisher's layouts (sample_reports/altgen, seed 1, the committed truth; first look 0.750
#: impairment F1 and 0.843 ready precision before any rule was written from it).
ALTGEN_FLOORS = {
    "impairment_f1": 0.90,
    "mmi_status": 0.95,
    "mmi_date": 0.93,
    "combined_wpi": 0.95,
    "report_type": 0.95,
    "ready_precision": 0.995,
    "cited_f1": 0.90,
}
SAMPLES = ROOT.parent / "shared" / "corpora" / "transcribed-samples"


def _floors(floors: dict[str, float], scale: float = 1.0) -> list[str]:
    out: list[str] = []
    for name, value in floors.items():
        out += ["--min", f"{name}={value * scale if name != 'ready_precision' else value}"]
    return out


@pytest.fixture(scope="module")
def digital_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate_corpus(out, count=48, seed=7)
    return out


@pytest.fixture(scope="module")
def scanned_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scanned")
    generate_corpus(out, count=6, seed=7, scans=True)
    return out


@pytest.mark.slow
def test_evaluate_digital_corpus_meets_floors(
    digital_corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "evaluate",
            str(digital_corpus / "pdf"),
            "--truth",
            str(digital_corpus / "truth"),
            "--ocr-mode",
            "never_ocr",
            *_floors(DIGITAL_FLOORS),
        ]
    )
    out = capsys.readouterr()
    assert code == ExitCode.OK, out.out + out.err


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "scale"), [("office", 0.95), ("fax", 0.90)])
def test_evaluate_scanned_copies_meet_floors(
    scanned_corpus: Path, kind: str, scale: float, capsys: pytest.CaptureFixture[str]
) -> None:
    # Scanned copies are held to the floors on the decisive fields and to the digital ready precision
    # (99.5%: what is marked ready must be right, scan or not); OCR'd header fields (case numbers, names) are
    # below target on faxes and are reported in docs/performance.md instead of asserted.
    core = {
        "impairment_f1",
        "mmi_status",
        "report_type",
        "apportionment_overall",
        "evaluator",
        "report_date",
        "ready_precision",
    }
    floors = {k: scale for k in DIGITAL_FLOORS if k in core}
    code = main(
        [
            "evaluate",
            str(scanned_corpus / "scans" / kind),
            "--truth",
            str(scanned_corpus / "truth"),
            *_floors(floors),
        ]
    )
    out = capsys.readouterr()
    assert code == ExitCode.OK, out.out + out.err


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_evaluate_real_text_meets_floors_and_reports_no_pd_as_wpi(
    split: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "evaluate",
            str(REAL),
            "--split",
            split,
            "--min",
            f"score={REAL_FLOORS[split]}",
            "--max",
            f"pd_as_wpi={PD_AS_WPI_CEILINGS[split]}",
            "--max",
            "own_values=1",
        ]
    )
    out = capsys.readouterr()
    assert code == ExitCode.OK, out.out + out.err


def test_evaluate_below_floor_exits_with_evaluation_code(digital_corpus: Path) -> None:
    one = digital_corpus / "one"
    one.mkdir(exist_ok=True)
    src = sorted((digital_corpus / "pdf").glob("*.pdf"))[0]
    (one / src.name).write_bytes(src.read_bytes())
    code = main(
        [
            "evaluate",
            str(one),
            "--truth",
            str(digital_corpus / "truth"),
            "--ocr-mode",
            "never_ocr",
            "--min",
            "impairment_f1=1.01",
        ]
    )
    assert code == ExitCode.EVALUATION_FAILED


def test_evaluate_unknown_score_name_is_a_usage_error(digital_corpus: Path) -> None:
    code = main(["evaluate", str(digital_corpus / "pdf"), "--min", "nonsense=0.5"])
    assert code == ExitCode.USAGE


@pytest.mark.slow
def test_evaluate_another_publishers_layouts_meet_floors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sample_reports.altgen import generate

    generate(tmp_path, count=30, seed=1)
    truth = ROOT / "sample_reports" / "altgen" / "truth"
    code = main(
        [
            "evaluate",
            str(tmp_path / "pdf"),
            "--truth",
            str(truth),
            "--ocr-mode",
            "never_ocr",
            *_floors(ALTGEN_FLOORS),
        ]
    )
    out = capsys.readouterr()
    assert code == ExitCode.OK, out.out + out.err


@pytest.mark.slow
@pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason=f"the transcribed physicians' documents are not beside this clone ({SAMPLES})",
)
def test_physicians_documents_that_state_no_mmi_or_wpi_get_none(capsys: pytest.CaptureFixture[str]) -> None:
    """2,359 real physician-written documents (../shared/corpora/transcribed-samples) state no WPI and no
    apportionment; one states MMI ('found to be medically stationary ... of today's date'). A physician
    writing in the first person is a physician's report, not OTHER."""
    code = main(
        [
            "evaluate",
            str(SAMPLES),
            "--max",
            "false_wpi=0",
            "--max",
            "false_apportionment=0",
            "--max",
            "false_mmi=1",
            "--max",
            "other_share=0.2",
        ]
    )
    out = capsys.readouterr()
    assert code == ExitCode.OK, out.out + out.err

"""`medlegal case`: the JSON of CASE.md, the terminal table, not found and ambiguous exit codes."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.operations.home import Home
from pipeline.operations.store import Store
from tests.pipeline.cases.test_group import make_record

CASE_KEYS = {"case_numbers", "applicant", "injuries", "reports", "cited_findings", "disagreements"}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("MEDLEGAL_DATABASE_URL", raising=False)
    home = Home(tmp_path / "home").ensure()
    store = Store.for_home(home, None)
    store.start_run("run1", "test", socket.gethostname(), 1, "1")
    store.save_record(
        make_record("ptp", kind="PTP", evaluator="Jane Roe, M.D.", impairments=(("foot", "right", 2),)),
        "run1",
    )
    store.save_record(
        make_record(
            "qme",
            kind="QME",
            evaluator="Alan Park, M.D.",
            exam="2021-02-01",
            report_date="2021-02-15",
            impairments=(("foot", "right", 3),),
            apportionment=((None, 80),),
        ),
        "run1",
    )
    return tmp_path / "home"


def test_json_has_the_contract_keys(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["case", "ADJ7310078", "--json", "--home", str(home)]) == ExitCode.OK
    data = json.loads(capsys.readouterr().out)
    assert set(data) == CASE_KEYS | {
        "key",
        "represented",
        "labels",
        "occupation",
        "earnings",
        "controlling_report",
    }
    assert [r["type"] for r in data["reports"]] == ["PTP", "QME"]
    assert data["disagreements"][0]["field"] == "wpi"
    assert set(data["disagreements"][0]["values"][0]) == {"report", "type", "evaluator", "value"}
    # Contract v1.1: each report's full rating, each disagreement's ratings beside its values.
    rating = data["reports"][0]["rating"]
    assert {
        "parts",
        "occupation",
        "age_at_injury",
        "pd",
        "weeks",
        "weekly_rate",
        "amount",
        "basis",
        "label",
    } <= set(rating)
    assert rating["label"] == "estimate, not a formal rating"
    assert "ratings" in data["disagreements"][0] and "priced" in data["disagreements"][0]


def test_the_table(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["case", "--applicant", "keisha lindqvist", "--home", str(home)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "Case ADJ7310078: Keisha Lindqvist" in out
    lines = out.splitlines()
    ptp = next(line for line in lines if "Jane Roe" in line)
    assert "2020-06-08" in ptp and "PTP" in ptp and "right foot 2%" in ptp and "MMI 2020-06-08" in ptp
    assert "standard rating before occupational and age adjustment; an estimate, not a formal rating" in out
    assert "reminder, not legal advice" in out
    assert "WPI right foot: PTP Jane Roe, M.D.: 2%, QME Alan Park, M.D.: 3%" in out
    assert "overall 80% ind." in out


def test_the_case_list(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["case", "--list", "--home", str(home)]) == ExitCode.OK
    assert "ADJ7310078" in capsys.readouterr().out


def test_not_found_is_one_line_and_its_own_exit_code(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["case", "ADJ0000000", "--home", str(home)])
    assert code == ExitCode.INPUT_NOT_FOUND
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "ADJ0000000" in err


def test_ambiguous_applicant_asks_for_the_number(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store.for_home(Home(home), None)
    store.save_record(make_record("other", numbers=("ADJ8000000",)), "run1")
    assert main(["case", "--applicant", "Keisha Lindqvist", "--home", str(home)]) == ExitCode.USAGE
    assert "case number" in capsys.readouterr().err


def test_no_case_given_is_a_usage_error(home: Path) -> None:
    assert main(["case", "--home", str(home)]) == ExitCode.USAGE


@pytest.mark.parametrize(
    "asked",
    [["7310078"], ["adj 7310078"], ["Lindqvist"], ["keisha", "lindqvist"], ["Lindqvist, Keisha"]],
    ids=["partial-number", "spaced-number", "last-name", "name-in-two-words", "last-comma-first"],
)
def test_a_case_is_found_by_part_of_its_number_or_its_name_in_any_order(
    home: Path, capsys: pytest.CaptureFixture[str], asked: list[str]
) -> None:
    assert main(["case", *asked, "--json", "--home", str(home)]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out)["case_numbers"] == ["ADJ7310078"]


def test_several_matches_are_listed_in_one_line_with_the_ambiguous_exit_code(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.for_home(Home(home), None)
    store.save_record(make_record("other", numbers=("ADJ7310099",), applicant="Raymond Lindqvist"), "run1")

    assert main(["case", "73100", "--home", str(home)]) == ExitCode.USAGE
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "2 cases match" in err and "ADJ7310078" in err and "ADJ7310099" in err

    assert main(["case", "Lindqvist", "--home", str(home)]) == ExitCode.USAGE
    assert "2 cases match" in capsys.readouterr().err
    assert main(["case", "raymond lindqvist", "--json", "--home", str(home)]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out)["case_numbers"] == ["ADJ7310099"]


def test_the_controlling_report_is_in_the_json_and_decides_what_differs(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.for_home(Home(home), None)
    assert main(["case", "ADJ7310078", "--json", "--home", str(home)]) == ExitCode.OK
    before = json.loads(capsys.readouterr().out)
    assert before["controlling_report"] is None
    wpi = next(d for d in before["disagreements"] if d["field"] == "wpi")
    assert len(wpi["differing"]) == 2  # two reports, two values: neither is the more common

    qme = next(r["sha256"] for r in before["reports"] if r["type"] == "QME")
    store.set_controlling_report(before["key"], qme, "pat")
    assert main(["case", "ADJ7310078", "--json", "--home", str(home)]) == ExitCode.OK
    after = json.loads(capsys.readouterr().out)
    assert after["controlling_report"] == qme
    wpi = next(d for d in after["disagreements"] if d["field"] == "wpi")
    assert wpi["differing"] == [r["sha256"] for r in after["reports"] if r["type"] == "PTP"]


def test_the_controlling_report_follows_the_case_when_its_key_changes(home: Path) -> None:
    store = Store.for_home(Home(home), None)
    qme = next(r["sha256"] for r in store.case_index() if r["case_key"] == "ADJ7310078")
    store.set_controlling_report("ADJ7310078", qme, "pat")
    # A new report carries a smaller number as well: the case is now keyed ADJ1000000.
    store.save_record(make_record("new", numbers=("ADJ1000000", "ADJ7310078"), exam="2021-07-01"), "run1")
    assert {r["case_key"] for r in store.case_index()} == {"ADJ1000000"}
    assert store.controlling_report("ADJ1000000") == qme


def test_the_table_names_the_controlling_report_and_the_combined_wpi_disagreement(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.for_home(Home(home), None)
    store.save_record(
        make_record("ame", kind="AME", evaluator="Ana Mora, M.D.", exam="2021-06-01", combined=12), "run1"
    )
    store.save_record(
        make_record("qme2", kind="QME", evaluator="Alan Park, M.D.", exam="2021-03-01", combined=9), "run1"
    )
    key = store.case_index()[0]["case_key"]
    ame = next(r["sha256"] for r in store.case_index() if r["fingerprint"].find('"AME"') >= 0)
    store.set_controlling_report(key, ame, "pat")
    assert main(["case", "ADJ7310078", "--home", str(home)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "Controlling report: AME Ana Mora, M.D." in out
    assert re.search(r"combined WPI: .*9%.*12%|combined WPI: .*12%.*9%", out)

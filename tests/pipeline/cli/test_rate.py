"""`medlegal rate`: one rating by hand; the string first, then the weeks and the money; --json; one-line
errors with their exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.cli import main
from pipeline.errors import ExitCode

ISSUE_EXAMPLE = ["rate", "--impairment", "15.03.01.00", "--wpi", "8", "--group", "360", "--age", "48"]


def test_rate_prints_the_string_first_then_weeks_and_money(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ISSUE_EXAMPLE, "--injury-date", "2015-03-02"]) == ExitCode.OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "15.03.01.00 - 8 - [1.4] 11 - 360G - 13 - 15%"
    assert lines[1] == "PD 15%: 50.5 weeks (LC 4658(e))"
    assert "$8,080.00 to $14,645.00" in lines[3]
    assert lines[-1].endswith("estimate, not a formal rating")


def test_rate_reproduces_the_schedules_example_a(capsys: pytest.CaptureFixture[str]) -> None:
    """PDRS Section 7, Example A: a stevedore (351) aged 30, hand and shoulder: 32%."""
    argv = [
        "rate",
        "--impairment",
        "16.05.01.00",
        "--wpi",
        "10",
        "--impairment",
        "16.02.02.00",
        "--wpi",
        "18",
    ]
    assert (
        main([*argv, "--occupation", "stevedore", "--age", "30", "--injury-date", "2008-06-01", "--json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert [p["string"] for p in out["parts"]] == [
        "16.05.01.00 - 10 - [1] 11 - 351G - 13 - 11%",
        "16.02.02.00 - 18 - [7] 24 - 351G - 27 - 24%",
    ]
    assert out["pd"] == 32 and out["weeks"] == 145.0 and out["weeks_rule"] == "LC 4658(d)"


def test_rate_birth_date_apportionment_and_earnings(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [*ISSUE_EXAMPLE[:-2], "--birth-date", "1966-07-01", "--injury-date", "2015-03-02"]
    assert main([*argv, "--apportion", "70", "--earnings", "300", "--json"]) == ExitCode.OK
    out = json.loads(capsys.readouterr().out)
    assert out["age_at_injury"] == 48 and out["pd"] == 11
    assert out["weekly_rate"]["min"] == out["weekly_rate"]["max"] == 200.0
    assert out["amount"]["min"] == 34.25 * 200


@pytest.mark.parametrize(
    ("argv", "code", "words"),
    [
        (
            [
                "rate",
                "--impairment",
                "15.03.01.00",
                "--injury-date",
                "2015-03-02",
                "--group",
                "360",
                "--age",
                "4",
            ],
            2,
            "--wpi",
        ),
        ([*ISSUE_EXAMPLE, "--injury-date", "03/02/2015"], 2, "2015-03-02"),
        (
            [
                "rate",
                "--impairment",
                "15.03.01.00",
                "--wpi",
                "8",
                "--occupation",
                "produce clerk",
                "--age",
                "48",
                "--injury-date",
                "2015-03-02",
            ],
            50,
            "PRODUCE CLERK, RETAIL (360)",
        ),
        (
            [
                "rate",
                "--impairment",
                "99.01.00.00",
                "--wpi",
                "8",
                "--group",
                "360",
                "--age",
                "48",
                "--injury-date",
                "2015-03-02",
            ],
            50,
            "not an impairment number",
        ),
    ],
)
def test_rate_errors_are_one_line_with_an_exit_code(argv: list[str], code: int, words: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *argv], capture_output=True, text=True, check=False
    )
    assert done.returncode == code
    assert words in done.stderr and len(done.stderr.strip().splitlines()) == 1

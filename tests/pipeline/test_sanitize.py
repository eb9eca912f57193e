"""What medlegal prints cannot drive a terminal: escape sequences, controls and bidi overrides from a file
name or a report are dropped from the command line's output and its one-line errors (issue 21)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.sanitize import printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Ray\x1b[31mmond", "Raymond"),
        ("a\x1b]0;owned\x07b", "ab"),
        ("left\u202eright", "leftright"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("cr\roverwrite", "croverwrite"),
        ("keeps\ttabs\nand lines", "keeps\ttabs\nand lines"),
        ("Ñandú 8% WPI", "Ñandú 8% WPI"),
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_a_file_name_with_escapes_reaches_neither_stdout_nor_the_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = tmp_path / "x\x1b]0;owned\x07\x1b[2J\u202egnp.pdf"
    hostile.write_bytes(b"")
    code = main(["read", str(hostile)])
    captured = capsys.readouterr()
    assert code != 0
    assert "\x1b" not in captured.err + captured.out and "\u202e" not in captured.err
    assert "gnp.pdf" in captured.err

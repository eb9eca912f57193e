"""Safe names: ordinary names unchanged; control characters, separators and overlong names made safe."""

from __future__ import annotations

import os

import pytest

from pipeline.operations.names import MAX_NAME_BYTES, data_name, safe_name


@pytest.mark.parametrize("name", ["qme.pdf", "Dr. Roe – QME (2024).pdf", "日本語の報告.pdf", "a b.tif"])
def test_ordinary_names_are_unchanged(name: str) -> None:
    assert safe_name(name) == name


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("evil\nINFO forged.pdf", "evil_INFO forged.pdf"),
        ("tab\there\r.pdf", "tab_here_.pdf"),
        ("x\u202egnp.pdf", "x_gnp.pdf"),  # a right-to-left override shows it as "xfdp.png"
        ("line\u2028sep.pdf", "line_sep.pdf"),
        ("bell\x07\x1b[31m.pdf", "bell__[31m.pdf"),
    ],
)
def test_control_and_format_characters_are_replaced(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_a_long_name_is_shortened_keeping_its_extension_and_room_for_error_json() -> None:
    name = "é" * 126 + ".pdf"  # 256 bytes
    safe = safe_name(name)
    assert safe.endswith("~.pdf") and len(safe.encode()) <= MAX_NAME_BYTES
    assert len((safe + " (99999)" + ".error.json").encode()) + len(".x.12345678.tmp") <= 255


def test_bytes_that_are_not_utf8_become_escapes_in_the_data_name() -> None:
    name = os.fsdecode(b"scan\xff.pdf")
    assert data_name(name) == "scan\\xff.pdf"
    assert safe_name(name) == "scan_xff.pdf"

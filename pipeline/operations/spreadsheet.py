"""CSV cells a spreadsheet will not run: a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return is a formula to Excel, LibreOffice and Google Sheets (`=HYPERLINK(...)` from a file name, the
report's employer line or a corrected field). Such a cell is written with a leading apostrophe, which the
spreadsheet shows as text and does not display (OWASP's "CSV injection" advice). Numbers stay numbers.
Every CSV medlegal writes goes through `safe_row`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

#: How a cell that a spreadsheet would evaluate begins.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

K = TypeVar("K")


def safe_cell(value: Any) -> Any:
    """`value`, or for text a spreadsheet would evaluate, the same text after an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of a row through `safe_cell`."""
    return [safe_cell(v) for v in row]


def safe_dict(row: Mapping[K, Any]) -> dict[K, Any]:
    """Every value of a DictWriter row through `safe_cell`."""
    return {k: safe_cell(v) for k, v in row.items()}

"""The document model a report is composed into before a style renders it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Heading:
    """A section heading; the style decides case, numbering and look."""

    text: str
    level: int = 1


@dataclass
class Para:
    """A paragraph of plain text; **bold** spans are allowed."""

    text: str


@dataclass
class Bullets:
    """A list of items, bulleted or numbered."""

    items: list[str]
    numbered: bool = False


@dataclass
class Table:
    """A table with a header row."""

    header: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None


@dataclass
class KeyValues:
    """A label: value block (report headers, form fields)."""

    pairs: list[tuple[str, str]]
    columns: int = 1


@dataclass
class FormGrid:
    """Boxed form fields, one list of (label, value) per row (PR-4 / PR-2 forms)."""

    rows: list[list[tuple[str, str]]]
    title: str | None = None


@dataclass
class Signature:
    """The signature block: a few lines after a gap."""

    lines: list[str]
    place_date: str | None = None


@dataclass
class TitleBlock:
    """The report title and optional subtitle lines under the letterhead."""

    title: str
    subtitles: list[str] = field(default_factory=list)


Block = Heading | Para | Bullets | Table | KeyValues | FormGrid | Signature | TitleBlock

"""The 2005 Permanent Disability Rating Schedule (PDRS) as data: the tables under `tables/`, loaded once.

The tables are derived from the official PDF by `schedule_parse.py` (run by hand, never by make); this module
only reads them and answers the schedule's questions: an impairment number's FEC rank, the FEC-adjusted
rating, an occupation's group, a group's variant for an impairment number, the occupational and age
adjustments, a GAF score's WPI. A question the schedule cannot answer returns None; the caller turns it
into a review reason, never a guess.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

TABLES = Path(__file__).resolve().parent / "tables"

#: The ten age brackets of Section 6, as (lowest age, highest age, column heading).
AGE_BRACKETS: tuple[tuple[int, int, str], ...] = (
    (0, 21, "21 and under"),
    (22, 26, "22 - 26"),
    (27, 31, "27 - 31"),
    (32, 36, "32 - 36"),
    (37, 41, "37 - 41"),
    (42, 46, "42 - 46"),
    (47, 51, "47 - 51"),
    (52, 56, "52 - 56"),
    (57, 61, "57 - 61"),
    (62, 200, "62 and over"),
)
VARIANT_LETTERS = "CDEFGHIJ"
NUMBER_RE = re.compile(r"^\d\d\.\d\d\.\d\d\.\d\d$")


@dataclass(frozen=True)
class ImpairmentNumber:
    """A Section 2 row: the number, what it rates, its FEC rank (None for 18.00.00.00, pain)."""

    number: str
    description: str
    fec_rank: int | None
    chapter: str
    note: str


@dataclass(frozen=True)
class Occupation:
    """A Section 3 Part A row: an occupation title, its group number, its industry, the printed page."""

    title: str
    group: int
    industry: str
    page: str


@dataclass(frozen=True)
class VariantRow:
    """A Section 4 row: the label as printed (an exact number, a range `15.01 -- 15.03`, a wildcard
    `15.05.XX.XX`), and the letter per group (empty where the schedule prints a note instead)."""

    label: str
    name: str
    note: str
    letters: dict[int, str]

    def matches(self, number: str) -> bool:
        """Whether this row covers an impairment number."""
        if "--" in self.label:
            low, high = (part.strip() for part in self.label.split("--"))
            return low <= number[: len(low)] <= high
        return all(p in ("X", n) for p, n in zip(self.label, number, strict=True))

    @property
    def specificity(self) -> int:
        """How exactly the row names a number: an exact number beats a wildcard, which beats a range."""
        if "--" in self.label:
            return 0
        return sum(c.isdigit() for c in self.label)


@dataclass(frozen=True)
class Schedule:
    """Every table of the schedule, keyed for lookup."""

    numbers: dict[str, ImpairmentNumber]
    fec: dict[tuple[int, int], int]
    occupations: tuple[Occupation, ...]
    groups: dict[int, dict[str, str]]
    variants: tuple[VariantRow, ...]
    occupational: dict[tuple[int, str], int]
    age: dict[tuple[int, str], int]
    gaf: dict[int, int]
    examples: dict[str, Any]

    def fec_rank(self, number: str) -> int | None:
        """The FEC rank of an impairment number; an analogy (`..99`) takes its parent's rank."""
        row = self.numbers.get(number) or self.numbers.get(_parent(number) or "")
        return row.fec_rank if row else None

    def fec_adjusted(self, rank: int, wpi: int) -> int | None:
        """Section 2's FEC table: the rating after the earning-capacity adjustment (WPI 0 stays 0)."""
        if wpi == 0:
            return 0
        return self.fec.get((rank, wpi))

    def variant(self, group: int, number: str) -> str | None:
        """Section 4: the occupational variant letter of a group for an impairment number, the most
        specific matching row deciding; None where the schedule gives no letter (13.07.08.00)."""
        lookup = _parent(number) or number
        rows = [r for r in self.variants if r.matches(lookup)]
        if not rows:
            return None
        best = max(rows, key=lambda r: r.specificity)
        return best.letters.get(group) or None

    def occupational_adjusted(self, rating: int, variant: str) -> int | None:
        """Section 5: the rating after the occupational adjustment."""
        return self.occupational.get((rating, variant))

    def age_adjusted(self, rating: int, age: int) -> int | None:
        """Section 6: the rating after the adjustment for age at injury."""
        if rating == 0:
            return 0
        column = next((c for low, high, c in AGE_BRACKETS if low <= age <= high), None)
        return self.age.get((rating, column)) if column else None

    def group_of(self, title: str) -> list[Occupation]:
        """The schedule's rows for an exact occupation title (some titles are in two groups)."""
        key = normalise_title(title)
        return [o for o in self.occupations if normalise_title(o.title) == key]


def normalise_title(title: str) -> str:
    """An occupation title for comparison: upper case, single spaces, no punctuation but '&' and '-'."""
    return re.sub(r"\s+", " ", re.sub(r"[^A-Z0-9&\- ]", " ", title.upper())).strip()


def _parent(number: str) -> str | None:
    """The impairment number an analogy (`13.10.01.99`) is taken from (`13.10.01.00`), else None."""
    if NUMBER_RE.match(number) and number.endswith(".99"):
        return number[:-2] + "00"
    return None


def _rows(name: str) -> list[dict[str, str]]:
    with (TABLES / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def load_schedule() -> Schedule:
    """Read every table once (about 170 kB) and keep them."""
    numbers = {
        r["number"]: ImpairmentNumber(
            number=r["number"],
            description=r["description"],
            fec_rank=int(r["fec_rank"]) if r["fec_rank"] else None,
            chapter=r["chapter"],
            note=r["note"],
        )
        for r in _rows("impairment_numbers.csv")
    }
    fec = {(int(r["fec_rank"]), int(r["wpi"])): int(r["rating"]) for r in _rows("fec.csv")}
    occupations = tuple(
        Occupation(title=r["title"], group=int(r["group"]), industry=r["industry"], page=r["page"])
        for r in _rows("occupations.csv")
    )
    groups = {int(r["group"]): r for r in _rows("groups.csv")}
    variants = tuple(
        VariantRow(
            label=r["label"],
            name=r["name"],
            note=r["note"],
            letters={int(g): r[g] for g in r if g.isdigit() and r[g]},
        )
        for r in _rows("variants.csv")
    )
    occupational = {
        (int(r["rating"]), v): int(r[v])
        for r in _rows("occupational_adjustment.csv")
        for v in VARIANT_LETTERS
    }
    age = {(int(r["rating"]), c): int(r[c]) for r in _rows("age_adjustment.csv") for *_, c in AGE_BRACKETS}
    gaf = {int(r["gaf"]): int(r["wpi"]) for r in _rows("gaf_wpi.csv")}
    examples = json.loads((TABLES / "examples.json").read_text(encoding="utf-8"))
    return Schedule(numbers, fec, occupations, groups, variants, occupational, age, gaf, examples)

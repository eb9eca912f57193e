"""Parse the 2005 Permanent Disability Rating Schedule (PDRS) PDF into the CSV and JSON tables under tables/.

Run by hand to re-derive the tables, never by make:

    python -m pipeline.rating.schedule_parse [--pdf PATH] [--out DIR]

The PDF (DWC, January 2005, 89 pages) is a reference read from ../shared/reference/ and never committed;
the tables derived from it are. Pages are read as pdfplumber words (text and box): words are grouped into
rows by their top edge and into columns by the x positions of each table's own header words, and a
wrapped title or description (a row with nothing in the first column) is joined to the entry above it.
Each table is checked as it is read (row counts, complete grids, the same 45 groups in Sections 3 and 4);
a layout the parser does not expect stops it with a LayoutError rather than writing a partial table.

Page numbers in this module are PDF pages (1-based); the schedule's printed numbers (2-6, 3-4, ...) are
given in comments and written into the tables where they help a reader find a row.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pdfplumber

REPO = Path(__file__).resolve().parents[2]
DEFAULT_PDF = REPO.parent / "shared" / "reference" / "pdrs-2005.pdf"
DEFAULT_OUT = Path(__file__).resolve().parent / "tables"

FORMULA_PAGES = (13, 14)  # printed 1-9 and 1-10: the rating formula and the combining example
GAF_PAGE = 20  # printed 1-16: the GAF -> WPI table introduced at the foot of 1-15
IMPAIRMENT_PAGES = (22, 23, 24, 25)  # printed 2-2 to 2-5
FEC_PAGES = (26, 27)  # printed 2-6 and 2-7
OCCUPATION_PAGES = tuple(range(29, 54))  # Part A, printed 3-2 to 3-26
CHART_PAGES = (54, 55)  # Part B, printed 3-27 and 3-28
CHARACTERISTICS_PAGES = tuple(range(56, 65))  # Part C, printed 3-29 to 3-37
VARIANT_PAGES = ((66, 67), (68, 69), (70, 71), (72, 73))  # printed 4-2 to 4-9; each row spans a pair
OCCUPATIONAL_PAGES = (75, 76)  # printed 5-2 and 5-3
AGE_PAGES = (78, 79, 80, 81)  # printed 6-2 to 6-5
EXAMPLE_PAGES = (83, 84, 85)  # printed 7-2 to 7-4

IMPAIRMENT_COUNT = 215  # numbers with an FEC rank; 18.00.00.00 (pain) has none of its own
GROUP_COUNT = 45
VARIANT_ROW_COUNT = 114  # 113 rows with letters and 13.07.08.00, which prints a note instead
VARIANTS = "CDEFGHIJ"
RANK_WORDS = {"One": 1, "Two": 2, "Three": 3, "Four": 4, "Five": 5, "Six": 6, "Seven": 7, "Eight": 8}
BODY_PARTS = ("Spine", "Shoulder", "Elbow", "Wrist", "Finger motion", "Grip", "Leg", "Psych")

NUMBER_RE = re.compile(r"\d\d\.\d\d\.\d\d\.\d\d")
LABEL_PART_RE = re.compile(r"\d\d\.[\dX]{2}(?:\.[\dX]{2}\.[\dX]{2})?")
GROUP_RE = re.compile(r"\d{3}")
PAGE_NUMBER_RE = re.compile(r"\d-\d{1,2}")
DASH = r"\s*[–-]\s*"
RATING_RE = re.compile(
    rf"(?:^(?P<label>[A-Za-z][A-Za-z. ]*):\s*)?(?P<number>\d\d\.\d\d\.\d\d\.\d\d){DASH}(?P<wpi>\d+){DASH}"
    rf"\[(?P<rank>\d)\](?P<fec>\d+){DASH}(?P<group>\d{{3}})(?P<variant>[C-J]){DASH}(?P<occupational>\d+)"
    rf"{DASH}(?P<final>\d+)\s*(?P<unit>%|PD)"
)
COMBINE_RE = re.compile(
    r"(?P<a>\d+)\s?% (?P<scale>PD|UE|WPI)(?: \((?P<a_part>[^)]+)\))? C (?P<b>\d+)\s?% (?:PD|UE|WPI)"
    r"(?: \((?P<b_part>[^)]+)\))? = (?P<result>\d+)\s?% (?:PD|UE|WPI)"
)
CONVERT_RE = re.compile(
    r"(?:(?P<label>[A-Za-z][A-Za-z ]*):\s*)?(?P<value>\d+)\s?% (?P<scale>Hand impairment|UE|LE) × "
    r"(?P<factor>\.\d+) = (?P<result>\d+)\s?% (?P<to>UE|WPI|Whole person impairment(?: \(WPI\))?)"
)
ADD_RE = re.compile(r"(?P<value>\d+)\s?% WPI \+ (?P<add>\d+)\s?% WPI = (?P<result>\d+)\s?% WPI")
INPUT_RE = re.compile(
    r"\s*(?P<what>[^=]+?) = (?P<percent>\d+)% "
    r"(?P<scale>Digit impairment|Upper extremity(?: \(UE\))?|UE|LE|WPI|add-on)"
)
CLIPPED_ROW = (63, "i ifi d d ll f")  # Part C: the foot of p. 63 keeps only the tops of a line p. 64 reprints
FOOTNOTE_SIZE = 10.5  # the examples' body text is 11 pt; footnotes are 10 pt, their markers 6.5-7 pt

EDITORIAL_NOTES: dict[str, tuple[tuple[str, str], ...]] = {
    # (text that must still be printed in the example, the note): read off PDF pp. 83-85 by hand.
    "C": (
        (
            "the arm is 39% PD",
            "Step 2 says the right arm rates 39% PD 'in accordance with Example A', but Example A's "
            "result is 32% PD, and step 5 combines 32% PD for the right arm.",
        ),
        (
            "left leg is 61% PD",
            "Step 3 says the left leg rates 61% PD 'in accordance with Example B', but Example B's result "
            "is 50% PD (the single-leg maximum), and step 5 combines 50% PD for the left leg.",
        ),
        (
            "Amputation of left foot",
            "The inputs list 'Amputation of left foot = 80% LE' where Example B, whose result step 3 "
            "reuses, has 'Amputation of left leg below knee = 80% LE'.",
        ),
        (
            "70% PD C 4% PD (right leg) = 71% PD",
            "With the right knee at 3% PD as the tables give, the last combination is 70% C 3% = 70.9, "
            "rounded to 71%: the final rating holds.",
        ),
    ),
}
PART_ROWS = {
    # Part C's letter for each body part, and the Section 4 row it repeats (all 45 groups agree but one).
    "Spine": "15.01 -- 15.03",
    "Shoulder": "16.02.01.00",
    "Elbow": "16.03.01.00",
    "Wrist": "16.04.01.00",
    "Finger motion": "16.05.XX.XX",
    "Grip": "16.01.04.00",
    "Leg": "17.05.XX.XX",
    "Psych": "14.01.00.00",
}


class LayoutError(ValueError):
    """The PDF's layout differs from what this parser expects (another edition, or a changed page)."""


@dataclass(frozen=True)
class Word:
    """A word on a page: its text and box in PDF points from the top left."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def center(self) -> float:
        """The horizontal middle of the word."""
        return (self.x0 + self.x1) / 2


@dataclass
class Table:
    """One CSV table: its file name, header and rows in printed order."""

    name: str
    header: list[str]
    rows: list[list[str | int]] = field(default_factory=list)


@dataclass
class Schedule:
    """Everything parsed from the PDF, ready to be written."""

    tables: list[Table]
    examples: dict[str, Any]
    messages: list[str]


def expect(condition: bool, message: str) -> None:
    """Stop with a LayoutError when a check on the parsed layout fails."""
    if not condition:
        raise LayoutError(message)


def search(pattern: str | re.Pattern[str], string: str, what: str) -> re.Match[str]:
    """The first match of a pattern, or a LayoutError saying what was not found."""
    found = re.search(pattern, string)
    if found is None:
        raise LayoutError(f"{what} not found")
    return found


def page_words(pdf: Any, page: int, min_size: float = 0.0) -> list[Word]:
    """The words of a PDF page (1-based), without the printed page number and text under min_size.

    Words are split at gaps, not at space characters: Part C prints spaces over letters ('m o tion').
    """

    def keep(obj: dict[str, Any]) -> bool:
        """Drop space characters and characters smaller than min_size (footnotes, superscripts)."""
        return obj.get("object_type") != "char" or (not obj["text"].isspace() and obj["size"] >= min_size)

    found = pdf.pages[page - 1].filter(keep).extract_words(x_tolerance=1.5)
    words = [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"]) for w in found]
    footer = [w for w in words if PAGE_NUMBER_RE.fullmatch(w.text)]
    last = max(footer, key=lambda w: w.top) if footer else None
    return [w for w in words if w is not last]


def printed_page(pdf: Any, page: int) -> str:
    """The schedule's own page number printed at the foot of a PDF page, e.g. '3-4'."""
    found = [w for w in pdf.pages[page - 1].extract_words() if PAGE_NUMBER_RE.fullmatch(w["text"])]
    expect(bool(found), f"PDF page {page}: no printed page number")
    return str(max(found, key=lambda w: w["top"])["text"])


def rows(words: Iterable[Word], tolerance: float = 3.0) -> list[list[Word]]:
    """Words grouped into rows by their top edge: rows top to bottom, each left to right."""
    out: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if out and word.top - out[-1][0].top <= tolerance:
            out[-1].append(word)
        else:
            out.append([word])
    return [sorted(row, key=lambda w: w.x0) for row in out]


def text(words: Iterable[Word]) -> str:
    """The words joined by single spaces."""
    return " ".join(w.text for w in words)


def join_wrapped(head: str, tail: str) -> str:
    """A wrapped line joined to the one before it; a line broken after '-' or '/' joins without a space."""
    if not head or not tail:
        return head or tail
    return head + tail if head.endswith(("-", "/")) else f"{head} {tail}"


def round_half_up(value: Fraction) -> int:
    """A non-negative value rounded to a whole number, halves up (the schedule's rounding)."""
    return math.floor(value + Fraction(1, 2))


def exact_fec(rank: int, wpi: int) -> int:
    """The FEC-adjusted rating from the exact factor 1.1 + (rank - 1) x 0.3 / 7, capped at 100."""
    factor = Fraction(11, 10) + Fraction(3 * (rank - 1), 70)
    return min(100, round_half_up(wpi * factor))


def combine(a: int, b: int) -> int:
    """Two percentages combined as a + b(1 - a), larger first, rounded half up (Combined Values Chart)."""
    high, low = Fraction(max(a, b), 100), Fraction(min(a, b), 100)
    return round_half_up((high + low * (1 - high)) * 100)


def ints(words: Sequence[Word]) -> list[int]:
    """The words as integers."""
    return [int(w.text) for w in words]


def nearest(columns: Sequence[tuple[str, float]], word: Word, limit: float) -> str:
    """The key of the column whose centre is nearest the word, no farther than limit points."""
    key, centre = min(columns, key=lambda c: abs(c[1] - word.center))
    expect(abs(centre - word.center) <= limit, f"{word.text!r} at x={word.x0:.0f} lies under no column")
    return key


def parse_gaf(pdf: Any) -> Table:
    """GAF score -> whole person impairment (printed p. 1-16): four column pairs of GAF and WPI."""
    wpi: dict[int, int] = {}
    for row in rows(page_words(pdf, GAF_PAGE)):
        if not all(w.text.isdigit() for w in row):
            continue
        expect(len(row) % 2 == 0, f"GAF row {text(row)!r} is not GAF/WPI pairs")
        values = ints(row)
        for gaf, value in zip(values[::2], values[1::2], strict=True):
            expect(gaf not in wpi, f"GAF {gaf} printed twice")
            wpi[gaf] = value
    expect(sorted(wpi) == list(range(1, 101)), f"GAF scores found: {sorted(wpi)}")
    return Table("gaf_wpi", ["gaf", "wpi"], [[gaf, wpi[gaf]] for gaf in sorted(wpi)])


def parse_impairments(pdf: Any) -> Table:
    """Section 2: impairment numbers with their description, FEC rank and chapter (two columns a page)."""
    table = Table(
        "impairment_numbers", ["number", "description", "fec_rank", "chapter", "chapter_title", "note"]
    )
    chapter, title, in_heading = "", "", False
    for page in IMPAIRMENT_PAGES:
        words = page_words(pdf, page)
        header_bottom = max(w.bottom for w in words if w.text == "Rank")
        split = min(w.x0 for w in words if NUMBER_RE.fullmatch(w.text) and w.x0 > 200) - 5
        body = [w for w in words if w.top > header_bottom]
        for half in ([w for w in body if w.x0 < split], [w for w in body if w.x0 >= split]):
            for row in rows(half):
                first = row[0].text
                if NUMBER_RE.fullmatch(first):
                    rank, rest = row[1].text, text(row[2:])
                    note = ""
                    if rank == "Variable":
                        rest, _, how = rest.partition(" – ")
                        rank, note = "", f"FEC rank printed as Variable: {how}"
                    else:
                        expect(rank in "12345678" and len(rank) == 1, f"{first}: FEC rank {rank!r}")
                    table.rows.append([first, rest, int(rank) if rank else "", chapter, title, note])
                    in_heading = False
                elif re.fullmatch(r"\d\d", first) and len(row) > 2 and row[1].text == "–":
                    chapter, title, in_heading = first, text(row[2:]), True
                elif in_heading:
                    title = join_wrapped(title, text(row))
                else:
                    expect(bool(table.rows), f"PDF page {page}: {text(row)!r} continues no entry")
                    table.rows[-1][1] = join_wrapped(str(table.rows[-1][1]), text(row))
    numbers = [r[0] for r in table.rows]
    expect(len(set(numbers)) == len(numbers), "an impairment number is printed twice")
    ranked = [r for r in table.rows if r[2] != ""]
    expect(
        len(ranked) == IMPAIRMENT_COUNT, f"{len(ranked)} ranked impairment numbers, not {IMPAIRMENT_COUNT}"
    )
    expect(numbers[-1] == "18.00.00.00" and table.rows[-1][2] == "", "18.00.00.00 (pain) is not last")
    return table


def parse_fec(pdf: Any) -> dict[tuple[int, int], int]:
    """The FEC adjustment table (printed pp. 2-6, 2-7): (rank, WPI) -> adjusted rating, as printed."""
    cells: dict[tuple[int, int], int] = {}
    for page in FEC_PAGES:
        wpis: list[int] = []
        for row in rows(page_words(pdf, page)):
            if row[0].text == "Rank":
                wpis = ints(row[1:])
            elif row[0].text in RANK_WORDS:
                expect(len(row) - 1 == len(wpis), f"FEC row {text(row)!r} does not match its header {wpis}")
                for wpi, value in zip(wpis, ints(row[1:]), strict=True):
                    cells[(RANK_WORDS[row[0].text], wpi)] = value
    expect(sorted(cells) == [(r, w) for r in range(1, 9) for w in range(1, 101)], "FEC table incomplete")
    return cells


def parse_occupations(pdf: Any) -> Table:
    """Part A: occupation titles with group number and industry, two columns a page, titles may wrap."""
    table = Table("occupations", ["title", "group", "industry", "page"])
    for page in OCCUPATION_PAGES:
        words = page_words(pdf, page)
        where = printed_page(pdf, page)
        heads = {name: sorted(w.x0 for w in words if w.text == name) for name in ("Group", "Industry")}
        expect(all(len(x) == 2 for x in heads.values()), f"PDF page {page}: column headers {heads}")
        header_bottom = max(w.bottom for w in words if w.text == "No.")
        heading = {id(w) for row in rows(words) if text(row).startswith("PART A") for w in row}
        body = [w for w in words if w.top > header_bottom and id(w) not in heading]
        for half in (0, 1):
            group_x, industry_x = heads["Group"][half], heads["Industry"][half]
            right_edge = heads["Group"][1] - 5 if half == 0 else math.inf
            for row in rows(w for w in body if group_x - 5 <= w.x0 < right_edge):
                group = [w for w in row if w.x0 < group_x + 30]
                title = text(w for w in row if group_x + 30 <= w.x0 < industry_x - 2)
                industry = text(w for w in row if w.x0 >= industry_x - 2)
                if group:
                    expect(
                        len(group) == 1 and bool(GROUP_RE.fullmatch(group[0].text)), f"group {text(row)!r}"
                    )
                    table.rows.append([title, group[0].text, industry, where])
                else:
                    expect(bool(table.rows), f"PDF page {page}: {text(row)!r} continues no occupation")
                    last = table.rows[-1]
                    last[0], last[2] = join_wrapped(str(last[0]), title), join_wrapped(str(last[2]), industry)
    return table


def parse_chart(pdf: Any) -> dict[str, dict[str, str]]:
    """Part B: each group's strength (first digit), occupational category (second digit), chart examples."""
    groups: dict[str, dict[str, str]] = {}
    for page in CHART_PAGES:
        words = page_words(pdf, page)
        names = next(row for row in rows(words) if "Medium" in (w.text for w in row))
        digits = sorted(
            (w for w in words if w.text in {"1", "2", "3", "4", "5"} and w.x0 > 150 and w.top < names[0].top),
            key=lambda w: w.x0,
        )
        expect([w.text for w in digits] == ["1", "2", "3", "4", "5"], f"PDF page {page}: strength header")
        centres = [w.center for w in digits]
        # Cells are left-aligned under centred headers: a cell starts about half a column left of its header.
        spacing = [centres[1] - centres[0]] + [b - a for a, b in itertools.pairwise(centres)]
        left = [c - 0.55 * s for c, s in zip(centres, spacing, strict=True)]

        def column(word: Word, left: list[float] = left) -> int:
            """The strength column (1-5) a word lies in, 0 for the category names at the left."""
            return sum(1 for x in left if word.x0 >= x)

        strength = {c: text(w for w in names if column(w) == c) for c in range(1, 6)}
        designators = [w for w in words if w.x0 < 50 and w.text.isdigit() and w.top > names[0].bottom]
        for i, designator in enumerate(designators):
            end = designators[i + 1].top - 6 if i + 1 < len(designators) else math.inf
            band = [w for w in words if designator.top - 6 <= w.top < end and w is not designator]
            category = ""
            for row in rows(w for w in band if column(w) == 0):
                category = join_wrapped(category, text(row))
            for c in range(1, 6):
                cell = [w for w in band if column(w) == c]
                numbers = [w.text.rstrip(",") for w in cell if GROUP_RE.fullmatch(w.text.rstrip(","))]
                lines: list[str] = []
                for row in rows(w for w in cell if not GROUP_RE.fullmatch(w.text.rstrip(","))):
                    if lines and lines[-1].endswith(("/", "-")):
                        lines[-1] = join_wrapped(lines[-1], text(row))
                    else:
                        lines.append(text(row))
                for number in numbers:
                    expect(number[0] == str(c) and number[1] == designator.text, f"group {number} misplaced")
                    groups[number] = {
                        "strength": str(c),
                        "strength_name": strength[c],
                        "category": designator.text,
                        "category_name": category,
                        "chart_examples": "; ".join(lines),
                    }
    expect(len(groups) == GROUP_COUNT, f"{len(groups)} groups in the Part B chart")
    return groups


def parse_characteristics(pdf: Any) -> dict[str, dict[str, str]]:
    """Part C: each group's title, description, typical occupations and body-part variants."""
    paragraphs: dict[str, list[str]] = {}
    parts: dict[str, list[str]] = {}
    letters: dict[str, list[str]] = {}
    current = ""
    clipped = False
    for page in CHARACTERISTICS_PAGES:
        words: list[Word] = []
        for row in rows(page_words(pdf, page)):
            if (page, text(row)) == CLIPPED_ROW:
                clipped = True
            elif not text(row).startswith("PART C"):
                words += row
        split = min(w.x0 for w in words if w.text == "Group" and w.x0 > 300) - 5
        for half in ([w for w in words if w.x0 < split], [w for w in words if w.x0 >= split]):
            group_x = min(w.x0 for w in half if w.text == "Group")
            spine_x = min(w.x0 for w in half if w.text == "Spine")
            previous_bottom: float | None = None
            for row in rows(half):
                prose = [w for w in row if w.x0 < spine_x - 5]
                part = text(w for w in row if spine_x - 5 <= w.x0 < spine_x + 80)
                letter = text(w for w in row if w.x0 >= spine_x + 80)
                if prose and prose[0].text == "Group" and abs(prose[0].x0 - group_x) < 5:
                    current = prose[1].text
                    expect(
                        bool(GROUP_RE.fullmatch(current)) and current not in paragraphs, f"group {current}"
                    )
                    paragraphs[current], parts[current], letters[current] = [], [], []
                    previous_bottom = None
                elif prose:
                    expect(bool(current), f"PDF page {page}: {text(row)!r} before any group")
                    line, found = text(prose), paragraphs[current]
                    # A line at the top of a column continues the paragraph the last column ended with,
                    # unless that was the group's title (group 331's description starts a column).
                    if previous_bottom is None:
                        new_paragraph = len(found) <= 1
                    else:
                        new_paragraph = prose[0].top - previous_bottom > 6
                    if new_paragraph or line.startswith("Typical occupations"):
                        found.append(line)
                    else:
                        found[-1] = join_wrapped(found[-1], line)
                    previous_bottom = max(w.bottom for w in prose)
                if part:  # group 110 prints 'Finger motion.' with a stop
                    parts[current].append(part.rstrip("."))
                if letter:
                    letters[current].append(letter)
    expect(clipped, f"Part C: the clipped line {CLIPPED_ROW[1]!r} is no longer on PDF page {CLIPPED_ROW[0]}")
    groups: dict[str, dict[str, str]] = {}
    for group, found in paragraphs.items():
        expect(tuple(parts[group]) == BODY_PARTS, f"group {group}: body parts {parts[group]}")
        expect(all(x in VARIANTS and len(x) == 1 for x in letters[group]), f"group {group}: {letters[group]}")
        expect(len(letters[group]) == len(BODY_PARTS), f"group {group}: variants {letters[group]}")
        typical = [p for p in found if p.startswith("Typical occupations:")]
        expect(len(typical) == 1 and len(found) >= 3, f"group {group}: paragraphs {found}")
        groups[group] = {
            "title": found[0],
            "description": " ".join(p for p in found[1:] if p not in typical),
            "typical_occupations": typical[0].removeprefix("Typical occupations:").strip(),
        } | {part: letter for part, letter in zip(BODY_PARTS, letters[group], strict=True)}
    expect(len(groups) == GROUP_COUNT, f"{len(groups)} groups in Part C")
    return groups


def parse_variant_page(pdf: Any, page: int) -> tuple[list[str], list[tuple[str, str, str, dict[str, str]]]]:
    """One half of Section 4: its group columns and, per row, label, short name, note and letters."""
    words = page_words(pdf, page)
    header = next(row for row in rows(words) if all(GROUP_RE.fullmatch(w.text) for w in row))
    columns = [(w.text, w.center) for w in header]
    first_letter_x = header[0].x0 - 8
    found: list[tuple[str, str, str, dict[str, str]]] = []
    for row in rows(w for w in words if w.top > header[0].bottom):
        expect(bool(LABEL_PART_RE.fullmatch(row[0].text)), f"PDF page {page}: row {text(row)!r} has no label")
        if len(row) > 2 and row[1].text == "--":
            label, rest = f"{row[0].text} -- {row[2].text}", row[3:]
        else:
            label, rest = row[0].text, row[1:]
        name = text(w for w in rest if w.x0 < first_letter_x)
        cells = [w for w in rest if w.x0 >= first_letter_x]
        if all(len(w.text) == 1 and w.text in VARIANTS for w in cells):
            letters = {nearest(columns, w, 6): w.text for w in cells}
            expect(len(letters) == len(columns), f"PDF page {page}, {label}: {len(letters)} letters")
            found.append((label, name, "", letters))
        else:
            found.append((label, name, text(cells), {}))
    return [c[0] for c in columns], found


def parse_variants(pdf: Any) -> Table:
    """Section 4: row label x group -> variant letter, each row's halves joined across its page pair."""
    groups: list[str] = []
    joined: list[tuple[str, str, str, dict[str, str]]] = []
    for left_page, right_page in VARIANT_PAGES:
        left_groups, left = parse_variant_page(pdf, left_page)
        right_groups, right = parse_variant_page(pdf, right_page)
        page_groups = left_groups + right_groups
        expect(not groups or groups == page_groups, f"PDF pages {left_page}-{right_page}: other groups")
        groups = page_groups
        expect(len(left) == len(right), f"PDF pages {left_page}/{right_page}: row counts differ")
        for a, b in zip(left, right, strict=True):
            expect(a[0][:8] == b[0][:8], f"PDF pages {left_page}/{right_page}: rows {a[0]} and {b[0]} differ")
            expect(a[2] == b[2], f"{a[0]}: the two halves print different notes")
            note = a[2]
            if a[0] != b[0]:  # 17.01.02.XX on the left half-page is printed 17.01.02.00 on the right
                right_page_number = printed_page(pdf, right_page)
                note = f"The right half-page ({right_page_number}) prints this label as {b[0]}."
            joined.append((a[0], a[1], note, a[3] | b[3]))
    expect(len(groups) == GROUP_COUNT, f"{len(groups)} group columns in Section 4")
    expect(len(joined) == VARIANT_ROW_COUNT, f"{len(joined)} variant rows, not {VARIANT_ROW_COUNT}")
    table = Table("variants", ["label", "name", "note", *groups])
    for label, name, note, letters in joined:
        table.rows.append([label, name, note, *(letters.get(g, "") for g in groups)])
    return table


def parse_occupational(pdf: Any) -> Table:
    """Section 5: standard rating 0-100 x variant C-J -> rating adjusted for occupation (two blocks a page)."""
    values: dict[int, dict[str, int]] = {}
    for page in OCCUPATIONAL_PAGES:
        words = page_words(pdf, page)
        header = next(row for row in rows(words) if row[0].text == "Percent")
        blocks = [i for i, w in enumerate(header) if w.text == "Percent"] + [len(header)]
        columns = [
            (f"{b}:{'rating' if w.text == 'Percent' else w.text}", w.center)
            for b in range(len(blocks) - 1)
            for w in header[blocks[b] : blocks[b + 1]]
        ]
        for row in rows(w for w in words if w.top > header[0].bottom):
            cells: dict[str, dict[str, int]] = {}
            for w in row:
                block, key = nearest(columns, w, 12).split(":")
                cells.setdefault(block, {})[key] = int(w.text)
            for cell in cells.values():
                expect(sorted(cell) == sorted([*VARIANTS, "rating"]), f"PDF page {page}: row {text(row)!r}")
                values[cell.pop("rating")] = cell
    expect(sorted(values) == list(range(101)), "occupational adjustment ratings are not 0-100")
    table = Table("occupational_adjustment", ["rating", *VARIANTS])
    table.rows = [[r, *(values[r][v] for v in VARIANTS)] for r in sorted(values)]
    return table


def parse_age(pdf: Any) -> Table:
    """Section 6: rating 1-100 x age at injury (ten brackets) -> rating adjusted for age."""
    values: dict[int, list[int]] = {}
    brackets: list[str] = []
    for page in AGE_PAGES:
        words = page_words(pdf, page)
        rating = next(w for w in words if w.text == "Rating")
        top_line = next(row for row in rows(words) if row[0].text.isdigit() and row[0].top < rating.top)
        clusters: list[list[Word]] = []
        for w in top_line:
            if clusters and w.x0 - clusters[-1][-1].x1 < 12:
                clusters[-1].append(w)
            else:
                clusters.append([w])
        for w in words:
            if abs(w.top - rating.top) < 3 and w is not rating:
                min(clusters, key=lambda c: abs((c[0].x0 + c[-1].x1) / 2 - w.center)).append(w)
        page_brackets = [text(c) for c in clusters]
        expect(not brackets or brackets == page_brackets, f"PDF page {page}: age brackets {page_brackets}")
        brackets = page_brackets
        columns = [("rating", rating.center)] + [
            (b, (c[0].x0 + c[-1].x1) / 2) for b, c in zip(brackets, clusters, strict=True)
        ]
        for row in rows(w for w in words if w.top > rating.bottom):
            cells = {nearest(columns, w, 12): int(w.text) for w in row}
            expect(len(cells) == len(columns), f"PDF page {page}: row {text(row)!r}")
            values[cells["rating"]] = [cells[b] for b in brackets]
    expect(len(brackets) == 10, f"age brackets {brackets}")
    expect(sorted(values) == list(range(1, 101)), "age adjustment ratings are not 1-100")
    return Table("age_adjustment", ["rating", *brackets], [[r, *values[r]] for r in sorted(values)])


def column_lines(pdf: Any, page: int, min_size: float = 0.0) -> list[str]:
    """The text lines of a two-column page: the left column top to bottom, then the right."""
    words = page_words(pdf, page, min_size)
    split = float(pdf.pages[page - 1].width) / 2
    lines = [text(row) for row in rows(w for w in words if w.center < split)]
    return lines + [text(row) for row in rows(w for w in words if w.center >= split)]


def age_bracket(age: int, brackets: Sequence[str]) -> str:
    """The printed age bracket an age at injury falls in."""
    for bracket in brackets:
        numbers = [int(n) for n in re.findall(r"\d+", bracket)]
        low, high = (0, numbers[0]) if "under" in bracket else (numbers[0], numbers[-1])
        if "over" in bracket:
            high = 200
        if low <= age <= high:
            return bracket
    raise LayoutError(f"age {age} is in no bracket of {brackets}")


class Lookup:
    """The parsed tables, indexed to check the schedule's worked examples against them."""

    def __init__(
        self, fec: dict[tuple[int, int], int], variants: Table, occupational: Table, age: Table
    ) -> None:
        """Index the tables by their keys."""
        self.fec = fec
        self.variant_rows = {str(r[0]): dict(zip(variants.header, r, strict=True)) for r in variants.rows}
        self.occupational = {
            int(r[0]): dict(zip(occupational.header, r, strict=True)) for r in occupational.rows
        }
        self.brackets = age.header[1:]
        self.age = {int(r[0]): dict(zip(age.header, r, strict=True)) for r in age.rows}

    def variant(self, number: str, group: str) -> str:
        """The variant letter of an impairment number for a group: exact row, then wildcard, then range."""
        for label, row in self.variant_rows.items():
            if label == number:
                return str(row[group])
        for label, row in self.variant_rows.items():
            if "X" in label and all(a in ("X", b) for a, b in zip(label, number, strict=True)):
                return str(row[group])
        for label, row in self.variant_rows.items():
            if " -- " in label:
                low, high = label.split(" -- ")
                if low <= number[:5] <= high:
                    return str(row[group])
        raise LayoutError(f"no variant row for {number}")

    def check_rating(self, m: re.Match[str], age: int) -> tuple[dict[str, Any], str]:
        """A printed rating string's steps from the tables, each from the printed step before it."""
        number, group, variant = m["number"], m["group"], m["variant"]
        wpi, rank, fec, occupational = int(m["wpi"]), int(m["rank"]), int(m["fec"]), int(m["occupational"])
        bracket = age_bracket(age, self.brackets)
        letter = self.variant(number, group)
        table: dict[str, Any] = {
            "fec_adjusted": self.fec[(rank, wpi)],
            "variant": letter,
            "occupational_adjusted": int(self.occupational[fec][variant]),
            "age_adjusted": int(self.age[occupational][bracket]),
        }
        chain_fec = self.fec[(rank, wpi)]
        chain_occupational = int(self.occupational[chain_fec][letter])
        chain_final = int(self.age[chain_occupational][bracket])
        chain = (
            f"{number} - {wpi} - [{rank}]{chain_fec} - {group}{letter} - {chain_occupational} - {chain_final}"
        )
        return table, chain


def rating_formula(m: re.Match[str], lookup: Lookup, age: int) -> tuple[dict[str, Any], list[str]]:
    """A printed rating string as data, with notes where the schedule's own tables give another value."""
    table, chain = lookup.check_rating(m, age)
    printed = {
        "fec_adjusted": int(m["fec"]),
        "variant": m["variant"],
        "occupational_adjusted": int(m["occupational"]),
        "age_adjusted": int(m["final"]),
    }
    formula: dict[str, Any] = {
        "kind": "rating",
        "label": (m["label"] or "").strip() or None,
        "printed": " ".join(m[0].split()),
        "impairment_number": m["number"],
        "wpi": int(m["wpi"]),
        "fec_rank": int(m["rank"]),
        "group": int(m["group"]),
        "age": age,
        "apportionment": None,
        **printed,
    }
    notes = [
        f"{formula['printed']}: the schedule's tables give {key.replace('_', ' ')} {table[key]} where "
        f"{printed[key]} is printed; from the tables the string reads {chain}."
        for key in printed
        if table[key] != printed[key]
    ]
    formula["agrees_with_tables"] = not notes
    return formula, notes


def parse_formulas(line: str, lookup: Lookup, age: int) -> tuple[list[dict[str, Any]], list[str]]:
    """The formulas printed on one line of a worked example (rating strings, combinations, conversions)."""
    formulas: list[dict[str, Any]] = []
    notes: list[str] = []
    for m in RATING_RE.finditer(line):
        formula, found = rating_formula(m, lookup, age)
        formulas.append(formula)
        notes += found
    for m in COMBINE_RE.finditer(line):
        a, b, result = int(m["a"]), int(m["b"]), int(m["result"])
        formulas.append(
            {
                "kind": "combination",
                "printed": " ".join(m[0].split()),
                "scale": m["scale"],
                "values": [a, b],
                "parts": [m["a_part"], m["b_part"]],
                "result": result,
            }
        )
        if combine(a, b) != result:
            notes.append(f"{m[0]}: a + b(1 - a) gives {combine(a, b)}.")
    for m in CONVERT_RE.finditer(line):
        formulas.append(
            {
                "kind": "conversion",
                "printed": " ".join(m[0].split()),
                "label": m["label"],
                "value": int(m["value"]),
                "scale": m["scale"],
                "factor": float(m["factor"]),
                "result": int(m["result"]),
                "to": "WPI" if m["to"].startswith("Whole person") else m["to"],
            }
        )
    for m in ADD_RE.finditer(line):
        formulas.append(
            {
                "kind": "addition",
                "printed": m[0],
                "values": [int(m["value"]), int(m["add"])],
                "result": int(m["result"]),
            }
        )
    return formulas, notes


def parse_steps(lines: Sequence[str], lookup: Lookup, age: int) -> tuple[list[dict[str, Any]], list[str]]:
    """The numbered steps of a worked example: each step's prose and the formulas printed under it."""
    steps: list[dict[str, Any]] = []
    notes: list[str] = []
    for line in lines:
        numbered = re.match(r"(\d+)\.\s+(.*)", line)
        if numbered:
            steps.append({"step": int(numbered[1]), "text": numbered[2], "formulas": []})
            continue
        formulas, found = parse_formulas(line, lookup, age)
        notes += found
        if formulas:
            steps[-1]["formulas"] += formulas
        elif re.fullmatch(r"\([A-Z]+\)", line) and steps[-1]["formulas"]:
            steps[-1]["formulas"][-1]["printed"] += f" {line}"
        else:
            steps[-1]["text"] = join_wrapped(steps[-1]["text"], line)
    return steps, notes


def parse_examples(pdf: Any, lookup: Lookup) -> dict[str, Any]:
    """The rating formula example (printed 1-9/1-10), the combining example and Section 7's Examples A-C."""
    p13, p14 = (column_lines(pdf, page) for page in FORMULA_PAGES)
    formula_text, components_text = " ".join(p13), " ".join(p14)
    m = search(RATING_RE, formula_text, "the rating formula (printed p. 1-9)")
    age_m = search(r"adjustment for age of (\d+)", components_text, "the formula's age (printed p. 1-10)")
    job = search(
        r"\d{3} – Occupational group number for (.+?) [C-J] – Occupational variant",
        components_text,
        "the formula's occupation (printed p. 1-10)",
    )
    start = components_text.index("Each component is described below:")
    end = components_text.index("C. Additional Rating Procedures")
    parts = re.split(
        r"(?:^| )(\d\d\.\d\d\.\d\d\.\d\d|\d+%|\d{3}|[C-J]) – ",
        components_text[start:end].removeprefix("Each component is described below:"),
    )
    formula, notes = rating_formula(m, lookup, int(age_m[1]))
    examples: list[dict[str, Any]] = [
        {
            "id": "formula",
            "title": "Rating formula",
            "pdf_pages": list(FORMULA_PAGES),
            "printed_pages": [printed_page(pdf, p) for p in FORMULA_PAGES],
            "age": int(age_m[1]),
            "occupation": job[1],
            "group": formula["group"],
            "components": [f"{k} – {v.strip()}" for k, v in zip(parts[1::2], parts[2::2], strict=True)],
            "steps": [
                {"step": 1, "text": "The final rating expressed as a rating formula.", "formulas": [formula]}
            ],
            "final_rating": formula["age_adjusted"],
            "notes": notes,
        }
    ]
    combining = search(
        r"combining (\d+)% and (\d+)% would be calculated as follows: (.+? = (\d+)%)",
        components_text,
        "the combining example (printed p. 1-10)",
    )
    worked = [line for line in p14 if line in combining[3]]
    a, b, result = int(combining[1]), int(combining[2]), int(combining[4])
    examples.append(
        {
            "id": "combining",
            "title": "Combining two ratings: a + b(1 - a)",
            "pdf_pages": [FORMULA_PAGES[1]],
            "printed_pages": [printed_page(pdf, FORMULA_PAGES[1])],
            "inputs": [a, b],
            "printed": worked,
            "final_rating": result,
            "notes": [] if combine(a, b) == result else [f"a + b(1 - a) gives {combine(a, b)}"],
        }
    )
    paged = [(page, line) for page in EXAMPLE_PAGES for line in column_lines(pdf, page, FOOTNOTE_SIZE)]
    starts = [i for i, (_, line) in enumerate(paged) if re.match(r"Example [A-Z] – ", line)] + [len(paged)]
    for begin, end in itertools.pairwise(starts):
        pages = sorted({page for page, _ in paged[begin:end]})
        examples.append(section_7_example([line for _, line in paged[begin:end]], pages, lookup, pdf))
    expect([e["id"] for e in examples[2:]] == ["A", "B", "C"], "Section 7 examples are not A, B, C")
    return {
        "source": "Schedule for Rating Permanent Disabilities, DWC, January 2005",
        "note": "Formulas are as printed; 'notes' lists where a printed value disagrees with the schedule's "
        "own tables or with another example. No example applies apportionment.",
        "examples": examples,
    }


def section_7_example(lines: Sequence[str], pages: list[int], lookup: Lookup, pdf: Any) -> dict[str, Any]:
    """One of Section 7's worked examples: who, the inputs, the steps with their formulas, the result."""
    ident, title = search(r"^Example ([A-Z]) – (.+)$", lines[0], "an example's heading").groups()
    body = " ".join(lines[1:])
    who = search(r"A (\d+)-year-old (\w+)", body, f"Example {ident}: who")
    first_step = next(i for i, line in enumerate(lines) if line.startswith("1. "))
    listed = " ".join(lines[1:first_step])
    intro = search(r"(impairment percentages:|disability ratings\.)", listed, f"Example {ident}: its inputs")
    final = search(
        r"(?:final overall PD rating|correct disability rating)[^.]*? is (\d+)%",
        body,
        f"Example {ident}: result",
    )
    age = int(who[1])
    steps, notes = parse_steps(lines[first_step:], lookup, age)
    for evidence, note in EDITORIAL_NOTES.get(ident, ()):
        expect(evidence in body, f"Example {ident}: {evidence!r} no longer printed")
        notes.append(note)
    ratings = [f for s in steps for f in s["formulas"] if f["kind"] == "rating"]
    return {
        "id": ident,
        "title": title,
        "pdf_pages": pages,
        "printed_pages": [printed_page(pdf, p) for p in pages],
        "age": age,
        "occupation": who[2],
        "group": ratings[0]["group"],
        "inputs": [
            {"impairment": m["what"].strip(), "percent": int(m["percent"]), "scale": m["scale"]}
            for m in INPUT_RE.finditer(listed[intro.end() :])
        ],
        "steps": steps,
        "final_rating": int(final[1]),
        "apportionment": None,
        "notes": notes,
    }


def groups_table(chart: dict[str, dict[str, str]], characteristics: dict[str, dict[str, str]]) -> Table:
    """Part B and Part C joined per group."""
    expect(
        set(chart) == set(characteristics), f"Part B and C groups differ: {set(chart) ^ set(characteristics)}"
    )
    chart_keys = ["strength", "strength_name", "category", "category_name", "chart_examples"]
    c_keys = ["title", "description", "typical_occupations", *BODY_PARTS]
    header = ["group", *chart_keys, *c_keys[:3], *(p.lower().replace(" ", "_") for p in BODY_PARTS)]
    table = Table("groups", header)
    for group in sorted(chart):
        table.rows.append(
            [group, *(chart[group][k] for k in chart_keys), *(characteristics[group][k] for k in c_keys)]
        )
    return table


def fec_table(cells: dict[tuple[int, int], int]) -> tuple[Table, list[str]]:
    """The FEC table as rows, with each cell that disagrees with the exact factor."""
    table = Table("fec", ["fec_rank", "wpi", "rating"], [[r, w, v] for (r, w), v in sorted(cells.items())])
    disagree = [
        f"FEC rank {r} x WPI {w}: printed {v}, exact factor gives {exact_fec(r, w)}"
        for (r, w), v in sorted(cells.items())
        if exact_fec(r, w) != v
    ]
    return table, disagree


def parse_schedule(pdf: Any) -> Schedule:
    """All tables of the schedule, cross-checked."""
    messages: list[str] = []
    impairments = parse_impairments(pdf)
    fec_cells = parse_fec(pdf)
    fec, disagree = fec_table(fec_cells)
    messages += disagree or ["FEC table: every cell agrees with the exact factor"]
    chart, characteristics = parse_chart(pdf), parse_characteristics(pdf)
    groups = groups_table(chart, characteristics)
    occupations = parse_occupations(pdf)
    unknown = {str(r[1]) for r in occupations.rows} - set(chart)
    expect(not unknown, f"occupations name groups that Part B does not: {unknown}")
    variants = parse_variants(pdf)
    expect(variants.header[3:] == sorted(chart), "Section 4's group columns differ from Part B's groups")
    rows_by_label = {str(r[0]): dict(zip(variants.header, r, strict=True)) for r in variants.rows}
    for part, label in PART_ROWS.items():
        messages += [
            f"Group {g}: Part C gives {part} {characteristics[g][part]}, Section 4 row {label} gives "
            f"{rows_by_label[label][g]}"
            for g in sorted(characteristics)
            if characteristics[g][part] != rows_by_label[label][g]
        ]
    occupational, age = parse_occupational(pdf), parse_age(pdf)
    lookup = Lookup(fec_cells, variants, occupational, age)
    examples = parse_examples(pdf, lookup)
    tables = [impairments, fec, occupations, groups, variants, occupational, age, parse_gaf(pdf)]
    for table in tables:
        messages.append(f"{table.name}.csv: {len(table.rows)} rows")
    for example in examples["examples"]:
        messages += [f"Example {example['id']}: {note}" for note in example["notes"]]
    return Schedule(tables, examples, messages)


def write(schedule: Schedule, out: Path) -> None:
    """Write each table as UTF-8 CSV with a header row, and the examples as JSON."""
    out.mkdir(parents=True, exist_ok=True)
    for table in schedule.tables:
        with (out / f"{table.name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(table.header)
            writer.writerows(table.rows)
    examples = json.dumps(schedule.examples, ensure_ascii=False, indent=2)
    (out / "examples.json").write_text(examples + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the PDF and write the tables; print counts and every disagreement found."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, default=DEFAULT_PDF, help="the PDRS 2005 PDF")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the tables")
    args = parser.parse_args(argv)
    with pdfplumber.open(args.pdf) as pdf:
        schedule = parse_schedule(pdf)
    write(schedule, args.out)
    print("\n".join(schedule.messages))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

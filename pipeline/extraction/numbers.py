"""Numbers: the one parser of percentages, number words, ranges and fractions, and the unit of each
percentage read from the words around it (whole person, extremity, PD, a share, a score).

Every value the extractor records is read here: "8%", "8 percent", "eight percent (8%)", "twenty-two
percent", "12 WPI", "one-third". The unit rules are data (rules/patterns.json, ids `unit.*`); each
percentage keeps the id of the rule that decided its unit, for `medlegal extract --explain`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from pipeline.extraction.rules import load_rules

_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
NUMBER_WORD = (
    rf"(?:one\s+hundred|{_TENS}(?:[\s-]{_UNITS})?|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    rf"seventeen|eighteen|nineteen|ten|{_UNITS}|zero)"
)
_NUM = rf"(\d{{1,3}}(?:\.\d{{1,2}})?|{NUMBER_WORD})"
#: "eight percent (8%)", "8 (eight) percent": the number restated in brackets.
_PAREN = r"(?:\s*\(\s*(?:\d{1,3}(?:\.\d+)?|" + NUMBER_WORD + r")\s*%?\s*\))?"
_PCT_RE = re.compile(
    rf"(?<![\w.\-/$]){_NUM}{_PAREN}"
    rf"(?:\s*(?:%|percent\b|per\s?cent\b|pct\b){_PAREN}|(?=\s*(?:WPI\b|W\.P\.I\.|whole[\s-]person\b)))",
    re.I,
)
#: The unit rules tried on the words right after a number, in order (the first match wins).
_AFTER = (
    ("wpi", "unit.wpi_after"),
    ("extremity", "unit.extremity_after"),
    ("share", "unit.share_after"),
    ("pd", "unit.pd_after"),
    ("other", "unit.other_after"),
    ("apportionment", "unit.apportionment_after"),
    ("impairment", "unit.impairment_after"),
)
#: The unit words looked for before a number; the nearest wins.
_BEFORE = (
    ("wpi", "unit.wpi_word"),
    ("pd", "unit.pd_word"),
    ("extremity", "unit.extremity_word"),
    ("other", "unit.other_word"),
    ("apportionment", "unit.apportionment_word"),
    ("impairment", "unit.impairment_word"),
)


def number_value(text: str) -> float | None:
    """The number of '8', '8.5', 'eight', 'twenty-two', 'twenty two', 'one hundred'."""
    t = re.sub(r"\s+", " ", text.strip().lower()).replace("-", " ")
    try:
        return float(t)
    except ValueError:
        pass
    if t == "one hundred":
        return 100.0
    if t in _WORDS:
        return float(_WORDS[t])
    parts = t.split(" ")
    if len(parts) == 2 and parts[0] in _WORDS and parts[1] in _WORDS:
        return float(_WORDS[parts[0]] + _WORDS[parts[1]])
    return None


def value(v: float) -> int | float:
    """A percentage as the record writes it (8, not 8.0)."""
    return int(v) if float(v).is_integer() else v


@cache
def rx(rule_id: str) -> re.Pattern[str]:
    """The compiled pattern `rule_id` of rules/patterns.json."""
    return load_rules().pattern(rule_id)


@dataclass
class Pct:
    """One percentage in a text: value, char span (of the number and its sign), its unit and the rule that
    decided it, and whether it is part of a range."""

    value: float
    start: int
    end: int
    unit: str | None = None
    unit_rule: str | None = None
    #: Where the unit words right after the number end ("10% of the permanent disability"): the next
    #: number's unit is not read from them.
    unit_end: int = -1
    in_range: bool = False
    rules: list[str] = field(default_factory=list)


def percentages(text: str) -> list[Pct]:
    """Every percentage in `text`, with its unit and whether it is part of a range."""
    out: list[Pct] = []
    for m in _PCT_RE.finditer(text):
        v = number_value(m.group(1))
        if v is not None:
            out.append(Pct(v, m.start(), m.end()))
    for r in rx("number.range").finditer(text):
        for p in out:
            if r.start() <= p.start < r.end():
                p.in_range = True
    for i, p in enumerate(out):
        nxt = out[i + 1] if i + 1 < len(out) else None
        p.unit, p.unit_rule = unit_of(text, p, out[i - 1] if i else None, nxt)
    return out


def unit_of(text: str, p: Pct, prev: Pct | None, nxt: Pct | None) -> tuple[str | None, str | None]:
    """The unit of a percentage: the words right after it, else the nearest unit word before it since the
    previous number ("rated the WPI for the lumbar spine at 12 percent")."""
    after = text[p.end : (nxt.start if nxt else len(text))][:90]
    p.unit_end = p.end
    for unit, rule in _AFTER:
        m = rx(rule).match(after)
        if m:
            p.unit_end = p.end + m.end()
            if unit == "apportionment" and rx("unit.rating_of_before").search(
                text[max(0, p.start - 45) : p.start]
            ):
                # "a whole person impairment rating of 25% due to the cervical spine injury": a rating's cause
                return ("wpi", "unit.rating_of_before")
            return unit, rule
    if rx("unit.not_a_rating_before").search(text[max(0, p.start - 25) : p.start]):
        return "other", "unit.not_a_rating_before"
    lo = max(0, p.start - 90, prev.unit_end if prev else 0)
    window = text[lo : p.start]
    best: tuple[int, str, str] | None = None
    for unit, rule in _BEFORE:
        for m in rx(rule).finditer(window):
            if best is None or m.end() > best[0]:
                best = (m.end(), unit, rule)
    return (best[1], best[2]) if best else (None, None)


def adopted_numbers(text: str) -> list[Pct]:
    """Bare numbers an evaluator assigns ("I assign 8%", "I would rate him at 6 percent"): the choice
    inside a range or a category stated just before."""
    out: list[Pct] = []
    for m in rx("number.adopted").finditer(text):
        v = number_value(m.group("n"))
        if v is not None:
            out.append(Pct(v, m.start("n"), m.end(), rules=["number.adopted"]))
    return out


def fraction_value(key: str) -> float | None:
    """The share of a fraction's digits or words: '1/3', 'one-third', 'half'."""
    fractions = {"12": 50.0, "13": 100 / 3, "23": 200 / 3, "14": 25.0, "34": 75.0}
    words = {
        "half": 50.0,
        "onehalf": 50.0,
        "onethird": 100 / 3,
        "twothirds": 200 / 3,
        "onequarter": 25.0,
        "threequarters": 75.0,
    }
    v = fractions.get(key) or words.get(key.lower())
    return round(v, 2) if v is not None else None

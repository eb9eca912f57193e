"""Statements: WPI ratings, MMI conclusions and apportionment shares found by general rules over the
parts of a sentence, whoever wrote it (a report's record review, a decision quoting three doctors).

The rules work on span types, not on sentences: a percentage (digits or number words, "%" or "percent",
or a number right before "WPI"), classified by the nearest unit around it (WPI and "whole person" vs PD,
upper/lower extremity, GAF, a share of the disability); a body part and side in the same clause (before
it, after "for/to", "each hip" = left and right); an MMI cue with clause-scoped negation, deferral and
hypothetical cues; a date tied to the cue. Every statement carries its author (attribution.py).
The rule texts live in rules/statements.json.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache

from pipeline.extraction.attribution import Author, author_at, coauthors, report_date_near
from pipeline.extraction.bodyparts import side_near, takes_side
from pipeline.extraction.dates import find_dates
from pipeline.extraction.rules import load_rules
from pipeline.extraction.textview import ReportText, Sentence

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
    "one hundred": 100,
}
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_NUMBER_WORD = (
    rf"(?:one\s+hundred|{_TENS}(?:[\s-]{_UNITS})?|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    rf"seventeen|eighteen|nineteen|ten|{_UNITS}|zero)"
)
_NUM = rf"(\d{{1,3}}(?:\.\d{{1,2}})?|{_NUMBER_WORD})"
_PAREN = r"(?:\s*\(\s*\d{1,3}(?:\.\d+)?\s*%?\s*\))?"
_PCT_RE = re.compile(
    rf"(?<![\w.\-/$]){_NUM}{_PAREN}"
    rf"(?:\s*(?:%|percent\b|per\s?cent\b|pct\b){_PAREN}|(?=\s*(?:WPI\b|W\.P\.I\.|whole[\s-]person\b)))",
    re.I,
)


def number_value(text: str) -> float | None:
    """The number of '8', '8.5', 'eight', 'twenty-two', 'twenty two'."""
    t = re.sub(r"\s+", " ", text.strip().lower()).replace("-", " ")
    try:
        v = float(t)
    except ValueError:
        if t in _WORDS:
            v = float(_WORDS[t])
        else:
            parts = t.split(" ")
            if len(parts) == 2 and parts[0] in _WORDS and parts[1] in _WORDS:
                v = float(_WORDS[parts[0]] + _WORDS[parts[1]])
            else:
                return None
    return v


def _n(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


@dataclass
class Pct:
    """One percentage in a sentence: value, char span (of the number and its sign), and its unit."""

    value: float
    start: int
    end: int
    unit: str | None = None
    in_range: bool = False


@dataclass
class Statement:
    """A value found in a sentence, with its author and where it is."""

    kind: str  # "wpi" | "mmi" | "apportionment"
    sentence: Sentence
    start: int
    author: Author
    body_part: str | None = None
    laterality: str | None = None
    wpi: float | None = None
    status: str | None = None
    date: str | None = None
    month_only: bool = False
    industrial: float | None = None
    nonindustrial: float | None = None
    report_date: str | None = None
    hypothetical: bool = False
    #: Why the statement is uncertain (a review flag's reason), if it is.
    doubts: list[str] = field(default_factory=list)


@cache
def _rx(name: str) -> re.Pattern[str]:
    """A compiled statement rule of rules/statements.json."""
    return re.compile(load_rules().statements[name], re.I)


# --- percentages and their units ---------------------------------------------------------------------


def percentages(text: str) -> list[Pct]:
    """Every percentage in `text`, with its unit and whether it is part of a range."""
    out: list[Pct] = []
    for m in _PCT_RE.finditer(text):
        v = number_value(m.group(1))
        if v is None:
            continue
        out.append(Pct(v, m.start(), m.end()))
    for r in _rx("range").finditer(text):
        for p in out:
            if r.start() <= p.start < r.end():
                p.in_range = True
    for i, p in enumerate(out):
        p.unit = _unit(text, p, out[i - 1] if i else None, out[i + 1] if i + 1 < len(out) else None)
    return out


def _unit(text: str, p: Pct, prev: Pct | None, nxt: Pct | None) -> str | None:
    after = text[p.end : (nxt.start if nxt else len(text))][:90]
    for unit in ("wpi", "extremity", "share", "pd", "other", "apportionment", "impairment"):
        if _rx(f"{unit}_after").match(after):
            return unit
    if _rx("not_a_rating_before").search(text[max(0, p.start - 25) : p.start]):
        return "other"
    lo = max(0, p.start - 90, prev.start if prev else 0)
    window = text[lo : p.start]
    best: tuple[int, str] | None = None
    for unit in ("wpi", "pd", "extremity", "other", "apportionment"):
        for m in _rx(f"{unit}_word").finditer(window):
            if best is None or m.end() > best[0]:
                best = (m.end(), unit)
    return best[1] if best else None


# --- clauses and body parts --------------------------------------------------------------------------


def _clause_bounds(text: str, pos: int) -> tuple[int, int]:
    """The clause of `text` holding `pos`: cut at ; : and at 'but', 'while', 'although', 'however'."""
    start, end = 0, len(text)
    for m in _rx("clause_break").finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


#: Parts whose name also serves as the unit of an extremity rating ("12% hand impairment").
_LIMB_UNITS = {"hand", "finger", "thumb", "upper extremity", "lower extremity"}


@dataclass
class _Part:
    canonical: str
    start: int
    end: int
    sides: list[str | None]


def _parts(rt: ReportText, s: Sentence) -> list[_Part]:
    """Body parts named in the sentence, with the side(s) written next to each; an extremity named as
    the unit of a rating ('11% impairment of the right upper extremity') is not a part rated."""
    key = ("parts", s.index)
    if key not in rt.cache:
        rt.cache[key] = _find_parts(rt, s)
    return rt.cache[key]  # type: ignore[return-value]


def _find_parts(rt: ReportText, s: Sentence) -> list[_Part]:
    out: list[_Part] = []
    text = s.text
    for sp in rt.spans_in(s, "BODY_PART"):
        a, b = sp.start_char - s.start, sp.end_char - s.start
        if re.match(r"\s+(?:table|tables|method|chart|grid|chapter|section)\b", text[b : b + 12], re.I):
            continue  # "using the hernia table": a method of rating, not the part rated
        if sp.id_ in _LIMB_UNITS and _rx("part_is_unit_before").search(text[max(0, a - 14) : a]):
            continue  # "converts to 12% hand, 11% upper extremity": units, not the part rated
        if sp.id_ in {"upper extremity", "lower extremity"} and (
            _rx("extremity_is_unit_before").search(text[max(0, a - 40) : a])
            or _rx("part_is_unit_after").match(text[b : b + 20])
        ):
            continue
        before = text[max(0, a - 14) : a].lower()
        sides: list[str | None]
        if re.search(r"\b(?:each|either|per)\s+(?:of\s+)?(?:the\s+|his\s+|her\s+|their\s+)?$", before):
            sides = ["left", "right"]
        elif takes_side(sp.id_):
            sides = [side_near(text, a, b)]
        else:
            sides = [None]
        out.append(_Part(sp.id_, a, b, sides))
    return out


def _link_part(
    text: str, p: Pct, parts: list[_Part], prev: Pct | None, nxt: Pct | None, used: set[int] | None = None
) -> _Part | None:
    """The body part a WPI value rates: 'for the left knee' after it, else the nearest before it in its
    stretch of the sentence (not one an earlier value took with 'for'), else the first after it in the
    clause."""
    used = used if used is not None else set()
    c0, c1 = _clause_bounds(text, p.start)
    lo = max(c0, prev.end if prev else 0)
    hi = min(c1, nxt.start if nxt else len(text))
    unit_end = p.end + (m.end() if (m := _rx("wpi_after").match(text[p.end :])) else 0)
    tail = text[unit_end:hi]
    m = _rx("part_link_after").match(tail)
    if m:
        pos = unit_end + m.end()
        after = [x for x in parts if pos <= x.start <= pos + 40 and x.start < hi]
        if after:
            used.add(after[0].start)
            return after[0]
    before = [x for x in parts if lo <= x.start and x.end <= p.start and x.start not in used]
    if before:
        return before[-1]
    after = [x for x in parts if p.end <= x.start < min(hi, p.end + 100)]
    return after[0] if after else None


_UPPER = {"shoulder", "elbow", "wrist", "hand", "thumb", "finger", "upper extremity"}
_LOWER = {"hip", "knee", "ankle", "foot", "toe", "lower extremity"}


def _limb_part(rt: ReportText, s: Sentence, extremity_text: str) -> _Part | None:
    """The part of the limb an extremity rating is of ('an injury to his shoulder' two sentences before
    'a 12% impairment of the left upper extremity'), with the side the extremity phrase gives."""
    limb = _UPPER if re.search(r"upper|\bUE|arm|hand|finger|thumb|digit", extremity_text, re.I) else _LOWER
    side_m = re.search(r"\b(left|right|bilateral)\b", extremity_text, re.I)
    cur: Sentence | None = s
    for _ in range(4):
        if cur is None or cur.index == 0:
            return None
        cur = rt.sentences[cur.index - 1]
        found = [
            x
            for x in _parts(rt, cur)
            if x.canonical in limb and x.canonical not in {"upper extremity", "lower extremity"}
        ]
        if found:
            x = found[-1]
            side = side_m.group(1).lower() if side_m else (x.sides[0] if len(x.sides) == 1 else None)
            return _Part(x.canonical, -1, -1, [side] if takes_side(x.canonical) else [None])
    return None


def _single_part(
    rt: ReportText, s: Sentence, back: int = 6, this_sentence_first: bool = True, one_side: bool = False
) -> _Part | None:
    """The one body part this sentence names, else the one the few sentences before it name ('an injury
    to his back'); None when they name none or several. Its side is the one side written, if only one;
    with `one_side`, None when both sides are written (a total over the right and left arm is neither's)."""
    cur: Sentence | None = s
    found: dict[str, list[_Part]] = {}
    for step in range(back + 1):
        if cur is None:
            break
        for x in _parts(rt, cur):
            if x.canonical != "pain":
                found.setdefault(x.canonical, []).append(x)
        if step == 0 and len(found) == 1 and this_sentence_first:
            break
        cur = rt.sentences[cur.index - 1] if cur.index > 0 else None
    if len(found) != 1:
        return None
    canonical, mentions = next(iter(found.items()))
    sides = {side for x in mentions for side in x.sides if side}
    if one_side and len(sides) > 1:
        return None
    return _Part(canonical, -1, -1, [sides.pop()] if len(sides) == 1 else [None])


def _two_parts_one_value(text: str, part: _Part, parts: list[_Part], hi: int) -> bool:
    """'2% WPI for the right hip and knee': one value for two body parts: nobody can split it."""
    nxt = [x for x in parts if x.start > part.end and x.start < hi]
    if not nxt:
        return False
    between = text[part.end : nxt[0].start]
    return bool(re.fullmatch(r"\s*(?:and|&|/|,)\s*(?:the\s+)?(?:(?:left|right)\s+)?", between, re.I))


# --- the statements ----------------------------------------------------------------------------------


def wpi_statements(rt: ReportText, s: Sentence) -> list[Statement]:
    """WPI ratings in one sentence, each with its body part, side(s) and author."""
    text = s.text
    pcts = percentages(text)
    if _wpi_context(rt, s):
        for p in pcts:
            # "Instead, the AME assigned 19% on the right": a rating verb's bare percentage in a passage
            # that rates whole person impairment, where nothing names another unit.
            if p.unit is None and _rx("rating_verb_before").search(text[max(0, p.start - 40) : p.start]):
                p.unit = "wpi"
    if not any(p.unit == "wpi" for p in pcts):
        return []
    parts = _parts(rt, s)
    used: set[int] = set()
    out: list[Statement] = []
    for i, p in enumerate(pcts):
        if p.unit == "impairment" and not _rx("component_before").search(
            text[max(0, p.start - 30) : p.start]
        ):
            p.unit = "wpi"  # "19 percent impairment ... lumbar spine" beside whole person ratings
        if p.unit != "wpi" or p.in_range:
            continue
        if _rx("wpi_generic_context").search(text[max(0, p.start - 40) : p.start]):
            continue
        prev = pcts[i - 1] if i else None
        nxt = pcts[i + 1] if i + 1 < len(pcts) else None
        c0, c1 = _clause_bounds(text, p.start)
        around = text[c0 : min(c1, p.end + 25)]
        hypothetical = bool(_rx("hypothetical").search(around))
        converted = prev is not None and prev.unit == "extremity" and "convert" in text[prev.end : p.start]
        if not converted and _rx("combined_value").search(text[max(c0, p.start - 45) : p.start]):
            # A total is a body part's rating only when the passage is about one body part.
            single = _single_part(rt, s, this_sentence_first=False, one_side=True)
            if single is None:
                continue
            out += _ratings(
                s, p, author_at(rt, s, p.start), single, hypothetical, ["a total, read as the one part rated"]
            )
            continue
        part = _link_part(text, p, parts, prev, nxt, used)
        if part is None and prev is not None and prev.unit == "extremity":
            # "11% of the right upper extremity, which equals 7% WPI": the part the extremity rating rated,
            # in this sentence or, failing that, the injured part of that limb named just before.
            part = _link_part(text, prev, parts, pcts[i - 2] if i >= 2 else None, p, used)
            if part is None:
                part = _limb_part(rt, s, text[prev.start : p.start])
        if part is None:
            part = _single_part(rt, s)
        author = author_at(rt, s, p.start)
        if part is None:
            out.append(
                Statement(
                    "wpi",
                    s,
                    p.start,
                    author,
                    wpi=p.value,
                    hypothetical=hypothetical,
                    doubts=["no body part is named next to the rating"],
                )
            )
            continue
        if (
            prev is not None
            and prev.unit == "extremity"
            and part.sides == [None]
            and takes_side(part.canonical)
        ):
            # "a 12% impairment of the left upper extremity, which equates to 7% WPI of the shoulder"
            m_side = re.search(r"\b(left|right)\b", text[prev.start : p.start], re.I)
            if m_side:
                part = _Part(part.canonical, part.start, part.end, [m_side.group(1).lower()])
        if part.sides != ["left", "right"] and takes_side(part.canonical):
            tail = text[p.end : min(c1, p.end + 40)]
            if re.match(
                r"^\s*(?:(?:WPI|whole\s+person(?:\s+impairment)?)\s+)?(?:for\s+|to\s+|on\s+|in\s+)?(?:each\b|per\s+side\b)",
                tail,
                re.I,
            ):
                part = _Part(part.canonical, part.start, part.end, ["left", "right"])  # "both knees, 3% each"
        doubts = []
        if _two_parts_one_value(text, part, parts, min(c1, nxt.start if nxt else len(text))):
            doubts.append("one value is given for two body parts")
        out += _ratings(s, p, author, part, hypothetical, doubts)
    return out


def _ratings(
    s: Sentence, p: Pct, author: Author, part: _Part, hypothetical: bool, doubts: list[str]
) -> list[Statement]:
    """One WPI statement per side the part is rated for ('each hip': left and right)."""
    return [
        Statement(
            "wpi",
            s,
            p.start,
            author,
            body_part=part.canonical,
            laterality=side,
            wpi=p.value,
            hypothetical=hypothetical,
            doubts=list(doubts),
        )
        for side in part.sides
    ]


def _wpi_context(rt: ReportText, s: Sentence, back: int = 4) -> bool:
    """True when this sentence or the few before it speak of whole person impairment and this one of no
    other unit (PD, extremity)."""
    if _rx("pd_word").search(s.text) or _rx("extremity_word").search(s.text):
        return False
    cur: Sentence | None = s
    for _ in range(back + 1):
        if cur is None:
            return False
        if _rx("wpi_word").search(cur.text):
            return True
        cur = rt.sentences[cur.index - 1] if cur.index > 0 else None
    return False


def mmi_statements(rt: ReportText, s: Sentence, verdicts: dict[int, str] | None = None) -> list[Statement]:
    """MMI / P&S statements in one sentence: reached (with its date) or not reached, and by whom.
    `verdicts`, when given, receives per MMI cue (its offset in the sentence) what the rules made of it:
    "reached", "not_reached" or "none" (a definition, a condition, a question, a party's claim)."""
    text = s.text
    seen: dict[int, str] = {} if verdicts is None else verdicts
    cue = load_rules().cue("mmi")
    out: list[Statement] = []
    last_end: int | None = None
    for m in cue.finditer(text):
        if _is_heading(s, text):
            break
        if last_end is not None and re.fullmatch(r"\s*[(“\"]?\s*", text[last_end : m.start()]):
            last_end = m.end()
            continue  # "maximum medical improvement (MMI)": one mention
        last_end = m.end()
        c0, c1 = _clause_bounds(text, m.start())
        before = text[c0 : m.start()]
        after = text[m.end() : c1]
        # "The QME deferred a finding on MMI": the issue is named, and put off: not yet reached.
        deferred = bool(
            _rx("mmi_deferral_before").search(before[-70:])
            or _rx("mmi_deferred").search(text[c0:c1])
            or re.search(r"\bpremature", text[c0:c1], re.I)
        )
        seen[m.start()] = "none"
        if not deferred and (
            _rx("mmi_not_a_statement_before").search(before) or _rx("mmi_not_a_statement_after").match(after)
        ):
            continue
        if text.rstrip().endswith("?") or _rx("mmi_conditional_clause").match(text[c0 : m.start()]):
            continue  # a question or a condition ("When the PTP determines ... P&S, ...")
        if _rx("mmi_generic_subject").search(before):
            continue  # "a condition becomes permanent and stationary when ..."
        if _rx("party_claim").search(before):
            continue  # "the employer contended that the condition became P&S in August 2005"
        del seen[m.start()]
        adjectival = bool(_rx("mmi_adjectival_after").match(after))
        status: str | None = None
        if (
            deferred
            or _rx("mmi_negated_before").search(before[-70:])
            or _rx("mmi_negated_after").match(after)
            or _rx("mmi_deferred").search(text[c0:c1])
            or _rx("mmi_future").search(before[-60:])
        ):
            status = "not_reached"
        elif adjectival or _rx("mmi_positive").search(before[-90:]) or _rx("mmi_positive_after").match(after):
            status = "reached"
        elif re.search(r"(?:^|[:(]\s*)(?:\(?[a-h0-9]\)\s*)?$", before) and re.search(
            r"\bstatus\b", text[: m.start()], re.I
        ):
            status = "reached"  # a label list: "Status: (a) permanent and stationary; (b) no TTD"
        if status is None:
            continue
        seen[m.start()] = status
        author = author_at(rt, s, m.start())
        if adjectival and not (author.kind == "physician" and author.name):
            continue  # "a PTP's P&S report" in a general discussion
        stmt = Statement("mmi", s, m.start(), author, status=status)
        if status == "reached" and not adjectival:
            stmt.date, stmt.month_only = _mmi_date(text, m.start(), m.end(), c0, c1)
        stmt.report_date = report_date_near(rt, s, author)
        if stmt.report_date is None and status == "not_reached":
            lead = re.match(r"^\s*On\s+", text)
            ds = find_dates(text[:60]) if lead else []
            if ds and ds[0].iso:
                stmt.report_date = ds[0].iso
        out.append(stmt)
    if not out:
        # "Dr. Kimble opined that Edwards remained temporarily totally disabled": not yet P&S.
        for m in _rx("mmi_ttd").finditer(text):
            c0, _ = _clause_bounds(text, m.start())
            if _rx("party_claim").search(text[c0 : m.start()]):
                continue
            author = author_at(rt, s, m.start(), inherit=False)
            if author.kind == "physician":
                out.append(Statement("mmi", s, m.start(), author, status="not_reached"))
                break
    return out


def _is_heading(s: Sentence, text: str) -> bool:
    words = text.split()
    if len(words) > 7 or re.search(r"\d", text):
        return False
    return text.isupper() or text.rstrip().endswith(":") or (s.block_start and len(words) <= 5)


def _mmi_date(text: str, a: int, b: int, c0: int, c1: int) -> tuple[str | None, bool]:
    """The date the worker became P&S: tied to the cue after it ('as of', 'on', 'effective'), or an 'On
    DATE,' that opens the clause."""
    for d in find_dates(text[b:c1]):
        lead = text[b : b + d.start]
        if len(lead) > 70 or _rx("mmi_date_is_other").search(lead[-30:]):
            break
        return d.iso, d.month_only
    head = text[c0:a]
    m = re.match(r"^\s*(?:On|As of|Effective)\s+", head)
    if m:
        ds = find_dates(head)
        if ds and ds[0].start <= m.end() + 1:
            return ds[0].iso, ds[0].month_only
    # "... until February 2, 1999, she was placed at MMI": a date just before the statement.
    for d in reversed(find_dates(text[max(0, a - 80) : a])):
        lo = max(0, a - 80)
        between = text[lo + d.end : a]
        if (
            _rx("mmi_date_before").search(text[max(0, lo + d.start - 14) : lo + d.start])
            and not _rx("mmi_date_is_other").search(text[max(0, lo + d.start - 25) : lo + d.start])
            and len(between) <= 60
            and not _rx("mmi_date_is_other").search(between)
            and not find_dates(between)
        ):
            return d.iso, d.month_only
        break
    return None, False


def apportionment_statements(rt: ReportText, s: Sentence) -> list[Statement]:
    """Apportionment shares: 'apportioned 25% to pre-existing degeneration', '80% industrial / 20%
    nonindustrial', '30% caused by degeneration', '50/50', 'one-third to ...', per body part when the
    clause names one ('100% industrial for the left shoulder, 60% for the cervical spine')."""
    text = s.text
    if not _rx("apportionment_clause").search(text):
        return []
    pcts = percentages(text)
    parts = _parts(rt, s)
    shares: list[tuple[Pct, str, int, int]] = []  # (value, kind, clause start, clause end)
    for i, p in enumerate(pcts):
        if p.unit in {"wpi", "pd", "extremity", "other"} or p.in_range or p.value > 100:
            continue
        c0, c1 = _clause_bounds(text, p.start)
        if not _rx("apportionment_clause").search(text[c0:c1]) and p.unit != "share":
            continue
        nxt = pcts[i + 1].start if i + 1 < len(pcts) else c1
        prv = pcts[i - 1].end if i else c0
        after = text[p.end : min(nxt, c1)]
        before = text[max(c0, prv) : p.start]
        kind = _share_kind(after) or _share_kind(before[-40:], before=True)
        if (
            kind is None
            and re.search(r"\bapportion\w*", text[c0 : p.start], re.I)
            and re.search(r"\bto\s+", after)
        ):
            kind = "nonindustrial"  # "apportioned 85% of the disability to that rare condition"
        if kind is None and i and shares and shares[-1][2] == c0:
            kind = shares[-1][1]  # "100% industrial for the shoulder, 60% for the cervical spine"
        if kind is not None:
            shares.append((p, kind, c0, c1))
    shares += _pairs_and_fractions(text)
    shares.sort(key=lambda x: x[0].start)
    out: list[Statement] = []
    group: list[tuple[Pct, str, int, int]] = []
    for share in [*shares, None]:
        if (
            share is not None
            and group
            and share[2] == group[0][2]
            and share[1] not in {k for _, k, _, _ in group}
        ):
            group.append(share)
            continue
        if group:
            out += _share_statements(rt, s, group, parts, shares)
        group = [share] if share is not None else []
    return out


def _pairs_and_fractions(text: str) -> list[tuple[Pct, str, int, int]]:
    """'apportioned 50/50' (industrial first), 'one-third of the disability to ...' as shares."""
    out: list[tuple[Pct, str, int, int]] = []
    for m in _rx("share_pair").finditer(text):
        a, b = float(m.group(1)), float(m.group(2))
        c0, c1 = _clause_bounds(text, m.start())
        if a + b == 100 and re.search(r"\bapportion\w*", text[c0:c1], re.I):
            out.append((Pct(a, m.start(), m.end()), "industrial", c0, c1))
            out.append((Pct(b, m.end(), m.end()), "nonindustrial", c0, c1))
    for m in _rx("share_even_words").finditer(text):
        c0, c1 = _clause_bounds(text, m.start())
        if re.search(r"\bapportion\w*", text[c0:c1], re.I):
            out.append((Pct(50.0, m.start(), m.end()), "industrial", c0, c1))
            out.append((Pct(50.0, m.end(), m.end()), "nonindustrial", c0, c1))
    for m in _rx("share_whole_industrial").finditer(text):
        c0, c1 = _clause_bounds(text, m.start())
        # "... to spondylosis and found the hip disability entirely industrial": its own conjunct.
        joins = list(re.finditer(r",|\band\b", text[c0 : m.start()]))
        start = c0 + joins[-1].end() if joins else c0
        out.append((Pct(100.0, m.start(), m.end()), "industrial", start, c1))
    fractions = {"12": 50.0, "13": 100 / 3, "23": 200 / 3, "14": 25.0, "34": 75.0}
    words = {
        "half": 50.0,
        "onehalf": 50.0,
        "onethird": 100 / 3,
        "twothirds": 200 / 3,
        "onequarter": 25.0,
        "threequarters": 75.0,
    }
    for m in _rx("share_fraction").finditer(text):
        key = "".join(g for g in m.groups() if g)
        v = fractions.get(key) or words.get(key.lower())
        if v is None:
            continue
        c0, c1 = _clause_bounds(text, m.start())
        kind = _share_kind(text[m.end() : c1])
        if kind is None and re.search(r"\bapportion\w*", text[c0 : m.start()], re.I):
            kind = "nonindustrial"
        if kind is not None:
            out.append((Pct(round(v, 2), m.start(), m.end()), kind, c0, c1))
    return out


def _share_statements(
    rt: ReportText,
    s: Sentence,
    group: list[tuple[Pct, str, int, int]],
    parts: list[_Part],
    shares: list[tuple[Pct, str, int, int]],
) -> list[Statement]:
    """One apportionment (industrial and non-industrial share) per side of the part it is for ('25% of
    the disability in each knee': left and right)."""
    text = s.text
    ind = next((p.value for p, k, _, _ in group if k == "industrial"), None)
    non = next((p.value for p, k, _, _ in group if k == "nonindustrial"), None)
    if ind is None and non is None:
        return []
    if ind is None and non is not None:
        ind = round(100 - non, 2)
    if non is None and ind is not None:
        non = round(100 - ind, 2)
    assert ind is not None and non is not None
    first, last = group[0][0], group[-1][0]
    c0, c1 = group[0][2], group[0][3]
    later = [p for p, _, _, _ in shares if p.start > last.start and c0 <= p.start < c1]
    hi = later[0].start if later else c1
    earlier = [p for p, _, _, _ in shares if p.start < first.start and c0 <= p.start]
    lo = earlier[-1].end if earlier else c0
    mine = [x for x in parts if lo <= x.start < hi]
    after = [x for x in mine if x.start > first.start]
    part = after[0] if after else (mine[-1] if mine else None)
    if part is None and not earlier and not later:
        clause = [x for x in parts if c0 <= x.start < c1]
        part = clause[0] if clause else None
    author = author_at(rt, s, first.start)
    sides: list[str | None] = [part.sides[0] if part and len(part.sides) == 1 else None]
    if part is not None and takes_side(part.canonical):
        if part.sides == ["left", "right"] or re.search(r"\beach\b", text[c0:c1], re.I):
            sides = ["left", "right"]
    doubts = []
    if abs(ind + non - 100) > 0.01 or not (0 <= ind <= 100 and 0 <= non <= 100):
        doubts.append(f"the shares {ind:g}% and {non:g}% do not add up to 100")
    hypothetical = bool(
        _rx("party_claim").search(text[c0 : first.start])
        or _rx("hypothetical").search(text[c0 : first.start])
    )
    return [
        Statement(
            "apportionment",
            s,
            first.start,
            author,
            body_part=part.canonical if part else None,
            laterality=side,
            industrial=ind,
            nonindustrial=non,
            hypothetical=hypothetical,
            doubts=list(doubts),
        )
        for side in sides
    ]


def _share_kind(text: str, *, before: bool = False) -> str | None:
    rules = load_rules()
    if before:
        t = text
        m_non = list(rules.cue("nonindustrial").finditer(t))
        m_ind = list(rules.cue("industrial").finditer(t))
        if m_non and (not m_ind or m_non[-1].end() >= m_ind[-1].end()):
            return "nonindustrial" if _rx("share_label_before").search(t) else None
        if m_ind:
            return "industrial" if _rx("share_label_before").search(t) else None
        return None
    t = text[:110]
    non = rules.cue("nonindustrial").search(t)
    ind = rules.cue("industrial").search(t)
    if non and (ind is None or non.start() <= ind.start()):
        return "nonindustrial"
    if ind:
        return "industrial"
    return None


def all_statements(rt: ReportText, sentences: list[Sentence] | None = None) -> list[Statement]:
    """Every WPI, MMI and apportionment statement of the given sentences (default: all)."""
    out: list[Statement] = []
    for s in rt.sentences if sentences is None else sentences:
        found = wpi_statements(rt, s) + mmi_statements(rt, s) + apportionment_statements(rt, s)
        for stmt in found:
            out.append(stmt)
            # "Both the PTP and the QME found him P&S": the same statement for each subject.
            out += [
                replace(stmt, author=other, doubts=list(stmt.doubts))
                for other in coauthors(rt, s, stmt.author)
            ]
    return out


def value(v: float) -> int | float:
    """A percentage as the record writes it (8, not 8.0)."""
    return _n(v)

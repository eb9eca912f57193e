"""Statements: the one engine that reads WPI ratings, combined totals, MMI conclusions and apportionment
shares, whoever wrote them (the evaluator, a physician a record review quotes, a judge).

It works on mentions, not on report layouts: percentages and their units (numbers.py), body parts and
sides (the span ruler), agents (attribution.py), dates, cues. A statement is cut to its clause (";",
"but", "although", "however" end one), so a negation, a deferral or a hypothetical counts only where it is
written. Tables with a WPI column, label lines ("WPI: 14%") and form fields ("P&S date:") are statements
too. Headings are never statements; they name the body part a rating under them is for.

Every statement carries its author (attribution.py) and the ids of the rules that made it (rules/
patterns.json), which `medlegal extract --explain` prints. findings.py turns statements into the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pipeline.extraction.attribution import Author, agents_in, author_at, coauthors, report_date_near, verbs
from pipeline.extraction.bodyparts import part_in_text, side_near, takes_side
from pipeline.extraction.dates import DATE_RE, find_dates
from pipeline.extraction.numbers import Pct, adopted_numbers, fraction_value, percentages, rx
from pipeline.extraction.textview import ReportText, Sentence


@dataclass
class Statement:
    """A value found in a sentence, with its author, where it is, and the rules that made it."""

    kind: str  # "wpi" | "combined" | "mmi" | "apportionment"
    sentence: Sentence
    start: int
    author: Author
    body_part: str | None = None
    laterality: str | None = None
    wpi: float | None = None
    status: str | None = None
    date: str | None = None
    month_only: bool = False
    #: "as of today's examination": the date is the exam date, which findings.py knows.
    as_of_exam: bool = False
    industrial: float | None = None
    nonindustrial: float | None = None
    report_date: str | None = None
    #: Conditional, future, alternative or a party's claim: never a finding.
    hypothetical: bool = False
    #: The evaluator's choice: an adoption verb, a table row, a form field.
    adopted: bool = False
    #: Said plainly to be the rating ("adopt", "more accurate", "final", "therefore").
    strong: bool = False
    #: Offered beside another rating without being chosen (a range-of-motion alternative).
    alternative: bool = False
    from_table: bool = False
    method: str | None = None
    table_refs: list[str] = field(default_factory=list)
    #: Weight of an MMI statement: 3 a form field, 2 a conclusion section, 1 elsewhere.
    weight: float = 1.0
    #: How the body part was found: 1.0 next to the value, less from a heading or the paragraph.
    link: float = 1.0
    rules: list[str] = field(default_factory=list)
    #: Why the statement is uncertain (a review flag's reason), if it is.
    doubts: list[str] = field(default_factory=list)

    def explain(self) -> str:
        """One line: what was read, whose it is, and the rules behind it."""
        if self.kind == "mmi":
            what = f"MMI {self.status} {self.date or ''}"
        elif self.kind == "apportionment":
            what = f"{self.body_part or 'overall'} {self.industrial or 0:g}/{self.nonindustrial or 0:g}"
        else:
            unit = "combined " if self.kind == "combined" else ""
            what = f"{unit}{self.body_part or '?'} {self.laterality or ''} {self.wpi or 0:g}% WPI"
        who = self.author.kind + (f" {self.author.name or self.author.role or ''}".rstrip())
        flags = [w for w, on in (("hypothetical", self.hypothetical), ("adopted", self.adopted)) if on]
        return f"{' '.join(what.split())} [{who}] {' '.join(flags)} rules={','.join(self.rules)}"


# --- clauses and headings ----------------------------------------------------------------------------


def clause_bounds(text: str, pos: int) -> tuple[int, int]:
    """The clause of `text` holding `pos`: cut at ; : and at 'but', 'while', 'although', 'however'."""
    start, end = 0, len(text)
    for m in rx("clause.break").finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def is_heading(s: Sentence) -> bool:
    """A heading or a label without a value ("PERMANENT AND STATIONARY STATUS / MMI", "Lumbar Spine --
    DRE Method (Table 15-3)", "Impairment:"): it names a topic; it states nothing."""
    text = s.text.strip()
    words = text.split()
    if not words or len(words) > 12 or text.endswith((".", ";", ",")):
        return False
    if rx("statement.heading_has_value").search(text):
        return False
    if rx("statement.heading_has_verb").search(text):
        return False
    if text.endswith(":") or (text.isupper() and len(text) > 3):
        return True
    alpha = [w for w in words if w[:1].isalpha()]
    capital = [
        w for w in alpha if w[:1].isupper() or w.lower() in {"and", "of", "the", "or", "to", "for", "with"}
    ]
    return bool(alpha) and len(capital) == len(alpha) and ":" not in text


def _heading_part(rt: ReportText, s: Sentence) -> tuple[str, str | None] | None:
    """The body part a heading or label line just above names: the sub-heading the sentence is under
    ("Right Shoulder -- Chapter 16 (Upper Extremity)"), or a label line ending the block above."""
    cur = s
    for _ in range(6):
        if cur.index == 0:
            break
        above = rt.sentences[cur.index - 1]
        if is_heading(above):
            found = part_in_text(_drop_units(above.text))
            if found:
                return found
            break
        if rx("unit.wpi_word").search(above.text) and re.search(r"\d\s*%", above.text):
            break  # another rating's paragraph: its heading is not this value's
        if cur.block_start and not _bare_value(cur):
            break
        cur = above
    heading = s.section.heading if s.section.is_subheading else ""
    return part_in_text(_drop_units(heading)) if heading else None


def _bare_value(s: Sentence) -> bool:
    """'WPI: 20%.': a value line that belongs to the paragraph and heading just above it."""
    return len(s.text.split()) <= 4 and bool(re.search(r"\d\s*%", s.text))


def _drop_units(text: str) -> str:
    """A heading's extremity-chapter words are not the part it names ('Chapter 16 (Upper Extremity)')."""
    return rx("part.heading_chapter_units").sub("", text)


# --- body parts -------------------------------------------------------------------------------------


#: Parts whose name also serves as the unit of an extremity rating ("12% hand impairment").
_LIMB_UNITS = {"hand", "finger", "thumb", "upper extremity", "lower extremity"}
_UPPER = {"shoulder", "elbow", "wrist", "hand", "thumb", "finger", "upper extremity"}
_LOWER = {"hip", "knee", "ankle", "foot", "toe", "lower extremity"}
#: Weak names ('back', 'arm', 'head') lose to a specific part named in the same stretch.
_WEAK = {"back", "arm", "arms", "leg", "legs", "digit", "digits"}


@dataclass
class Part:
    """A body part named in a sentence: canonical name, char span, the side(s) written next to it."""

    canonical: str
    start: int
    end: int
    sides: list[str | None]
    weak: bool = False


def parts_in(rt: ReportText, s: Sentence) -> list[Part]:
    """Body parts named in the sentence, with their sides; an extremity named as the unit of a rating
    ('11% impairment of the right upper extremity') is not a part rated."""
    key = ("parts", s.index)
    if key not in rt.cache:
        rt.cache[key] = _find_parts(rt, s)
    return rt.cache[key]  # type: ignore[return-value]


def _find_parts(rt: ReportText, s: Sentence) -> list[Part]:
    out: list[Part] = []
    text = s.text
    for sp in rt.spans_in(s, "BODY_PART"):
        a, b = sp.start_char - s.start, sp.end_char - s.start
        if rx("part.method_after").match(text[b : b + 12]):
            continue  # "using the hernia table": a method of rating, not the part rated
        if sp.id_ in _LIMB_UNITS and rx("part.is_unit_before").search(text[max(0, a - 14) : a]):
            continue  # "converts to 12% hand, 11% upper extremity": units, not the part rated
        if sp.id_ in {"upper extremity", "lower extremity"} and (
            rx("part.extremity_is_unit_before").search(text[max(0, a - 40) : a])
            or rx("part.is_unit_after").match(text[b : b + 20])
        ):
            continue
        before = text[max(0, a - 14) : a].lower()
        sides: list[str | None]
        if rx("part.each_side_before").search(before):
            sides = ["left", "right"]
        elif takes_side(sp.id_):
            sides = [side_near(text, a, b)]
        else:
            sides = [None]
        if out and out[-1].end > a:
            continue
        if out and re.fullmatch(
            r"\s+of\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:(?:left|right)\s+)?", text[out[-1].end : a], re.I
        ):
            continue  # "the small finger of his hand": the hand only says where the finger is
        out.append(Part(sp.id_, a, b, sides, weak=text[a:b].lower() in _WEAK))
    spine = {"L": "lumbar spine", "C": "cervical spine", "T": "thoracic spine"}
    for m in rx("part.spine_shorthand").finditer(text):
        if not any(x.start <= m.start() < x.end for x in out):
            out.append(Part(spine[m.group(1)], m.start(), m.end(), [None]))
    return sorted(out, key=lambda x: x.start)


def _link_part(
    text: str, p: Pct, parts: list[Part], prev: Pct | None, nxt: Pct | None, used: set[int]
) -> tuple[Part | None, str]:
    """The body part a value rates, in its clause: 'for the left knee' right after it, else the nearest
    before it in its stretch of the sentence (not one an earlier value took with 'for'; a specific name
    over a weak one), else the first after it. Returns the part and the rule that linked it."""
    c0, c1 = clause_bounds(text, p.start)
    lo = max(c0, prev.end if prev else 0)
    hi = min(c1, nxt.start if nxt else len(text))
    unit_end = p.end + (m.end() if (m := rx("unit.wpi_after").match(text[p.end :])) else 0)
    m = rx("part.link_after").match(text[unit_end:hi])
    if m:
        pos = unit_end + m.end()
        after = [x for x in parts if pos <= x.start <= pos + 40 and x.start < hi]
        if after:
            used.add(after[0].start)
            return after[0], "part.link_after"
        if rx("part.unknown_target").match(text[pos:hi]):
            return None, "part.unknown_target"  # "6% WPI for GERO": named, but not a part we know
    before = [
        x
        for x in parts
        if lo <= x.start and x.end <= p.start and x.start not in used and x.canonical != "pain"
    ]
    if before:
        strong = [x for x in before if not x.weak]
        chosen = (strong or before)[-1]
        used.add(chosen.start)
        return chosen, "part.before"
    after = [x for x in parts if p.end <= x.start < min(hi, p.end + 100) and x.canonical != "pain"]
    if after:
        used.add(after[0].start)
        return after[0], "part.after"
    # "Lumbar spine: DRE Category II, 5-8% WPI; I assign 8% WPI": a label opening the sentence.
    label = [x for x in parts if x.end <= p.start and x.start not in used and x.start < c0]
    if (
        label
        and re.match(r"^[\s\w,()/-]{0,40}[:\-–—]", text[: label[0].end + 3])
        and not any(x.start < label[-1].start for x in parts if x.start in used)
    ):
        return label[-1], "part.label"
    return None, ""


def _limb_part(rt: ReportText, s: Sentence, extremity_text: str) -> Part | None:
    """The part of the limb an extremity rating is of ('an injury to his shoulder' two sentences before
    'a 12% impairment of the left upper extremity'), with the side the extremity phrase gives."""
    limb = _UPPER if re.search(r"upper|\bUE|arm|hand|finger|thumb|digit", extremity_text, re.I) else _LOWER
    side_m = re.search(r"\b(left|right|bilateral)\b", extremity_text, re.I)
    cur: Sentence | None = s
    for _ in range(8):
        if cur is None or cur.index == 0:
            return None
        cur = rt.sentences[cur.index - 1]
        found = [
            x
            for x in parts_in(rt, cur)
            if x.canonical in limb and x.canonical not in {"upper extremity", "lower extremity"}
        ]
        if found:
            x = found[-1]
            side = side_m.group(1).lower() if side_m else (x.sides[0] if len(x.sides) == 1 else None)
            return Part(x.canonical, -1, -1, [side] if takes_side(x.canonical) else [None])
    return None


def _context_part(
    rt: ReportText,
    s: Sentence,
    back: int = 6,
    this_sentence_first: bool = True,
    one_side: bool = False,
    ahead: bool = False,
) -> Part | None:
    """The one body part this sentence names, else the one the few sentences before it name ('an injury
    to his back'), or with `ahead` the few after it (a decision naming the injury later); None when they
    name none or several. Its side is the one side written, if only one; with `one_side`, None when both
    sides are written (a total over the right and left arm is neither's)."""
    if ahead:
        window = rt.sentences[s.index + 1 : s.index + 1 + back]
    else:
        window = [rt.sentences[i] for i in range(s.index, max(-1, s.index - back - 1), -1)]
    found: dict[str, list[Part]] = {}
    for step, cur in enumerate(window):
        for x in parts_in(rt, cur):
            if x.canonical != "pain":
                found.setdefault(x.canonical, []).append(x)
        if step == 0 and len(found) == 1 and this_sentence_first and not ahead:
            break
    for limb, members in (("upper extremity", _UPPER), ("lower extremity", _LOWER)):
        specific = [k for k in found if k in members and k != limb]
        if limb in found and len(specific) == 1:
            del found[limb]  # "a bilateral shoulder injury ... the upper extremities": the shoulder
    if len(found) != 1:
        return None
    canonical, mentions = next(iter(found.items()))
    sides = {side for x in mentions for side in x.sides if side}
    if one_side and len(sides) > 1:
        return None
    return Part(canonical, -1, -1, [sides.pop()] if len(sides) == 1 else [None])


def _paragraph_part(rt: ReportText, s: Sentence) -> Part | None:
    """The body part the sentences before it in the same block name ('The headaches fall in Class 1. I
    assign 3% WPI.'), the nearest first."""
    cur = s
    for _ in range(3):
        if cur.block_start or cur.index == 0:
            return None
        cur = rt.sentences[cur.index - 1]
        named = [x for x in parts_in(rt, cur) if x.canonical != "pain"]
        if named and all(x.canonical in {"upper extremity", "lower extremity"} for x in named):
            wider = _context_part(rt, cur, back=3, this_sentence_first=False)
            if wider is not None:
                return wider
        if named:
            strong = [x for x in named if not x.weak] or named
            for limb, members in (("upper extremity", _UPPER), ("lower extremity", _LOWER)):
                if any(x.canonical in members and x.canonical != limb for x in strong):
                    strong = [x for x in strong if x.canonical != limb]
            if len({x.canonical for x in strong}) > 1:
                return None  # "ribs, a left shoulder contusion and a lumbar strain": no one part
            x = strong[-1]
            return Part(x.canonical, -1, -1, x.sides)
    return None


def _part_around(rt: ReportText, s: Sentence) -> tuple[Part | None, str, float]:
    """The part a value names none for, from around it, and the rule and link strength: the one part its
    sentence names, the paragraph before it, the heading over it, the passage before it, and in a
    decision the sentences after it."""
    if part := _context_part(rt, s, back=0):
        return part, "part.sentence", 0.95
    if part := _paragraph_part(rt, s):
        return part, "part.paragraph", 0.85
    if found := _heading_part(rt, s):
        return Part(found[0], -1, -1, [found[1]]), "part.heading", 0.9
    if part := _context_part(rt, s):
        return part, "part.context", 0.8
    if rt.is_other_document and (part := _context_part(rt, s, ahead=True)):
        return part, "part.context_after", 0.75
    return None, "", 1.0


def _two_parts_one_value(text: str, part: Part, parts: list[Part], hi: int) -> bool:
    """'2% WPI for the right hip and knee': one value for two body parts: nobody can split it."""
    nxt = [x for x in parts if x.start > part.end and x.start < hi]
    if not nxt:
        return False
    between = text[part.end : nxt[0].start]
    return bool(rx("part.two_parts_one_value").fullmatch(between))


# --- WPI ---------------------------------------------------------------------------------------------


def method_of(text: str) -> tuple[str | None, list[str]]:
    """The rating method and the tables a sentence cites ("DRE Category II", "Table 15-3")."""
    tables = sorted(set(rx("wpi.table_ref").findall(text)))
    m = rx("wpi.method_dre").search(text)
    if m:
        return f"DRE Category {m.group(1).upper()}", tables
    if rx("wpi.method_rom").search(text):
        return "Range of motion", tables
    if rx("wpi.pain_addon").search(text):
        return "Chapter 18 pain add-on", tables
    return None, tables


def _wpi_context(rt: ReportText, s: Sentence, back: int = 4) -> bool:
    """True when this sentence or the few before it speak of whole person impairment (or, in a state that
    rates the whole person, of an impairment rating) and this one of no other unit (PD, extremity)."""
    if rx("unit.pd_word").search(s.text) or rx("unit.extremity_word").search(s.text):
        return False
    cur: Sentence | None = s
    for _ in range(back + 1):
        if cur is None:
            return False
        if rx("unit.wpi_word").search(cur.text) or rx("unit.impairment_word").search(cur.text):
            return True
        cur = rt.sentences[cur.index - 1] if cur.index > 0 else None
    return False


def _candidates(rt: ReportText, s: Sentence, pcts: list[Pct]) -> None:
    """Give a unit to the percentages that name none but are ratings by their place: a rating verb's bare
    percentage in a passage about impairment ("Instead, the AME assigned 19%"), the value an evaluator
    assigns inside a range just stated ("5-8% WPI; I assign 8%")."""
    text = s.text
    if not pcts:
        return
    bare = any(p.unit is None and not p.in_range for p in pcts)
    in_wpi_context = bare and _wpi_context(rt, s)
    ranged = bare and (
        bool(rx("number.range").search(text) or rx("wpi.category").search(text)) or _range_before(rt, s)
    )
    adopted = {p.start for p in adopted_numbers(text)} if bare else set()
    for i, p in enumerate(pcts):
        # "a 9% whole person impairment (6% cervical spine, 3% right shoulder)": a total and its parts.
        if p.unit == "wpi" and rx("wpi.breakdown_after").match(text[p.unit_end : p.unit_end + 6]):
            close = text.find(")", p.unit_end)
            inside = [
                q for q in pcts[i + 1 :] if close > 0 and q.start < close and q.unit in {None, "extremity"}
            ]
            if len(inside) >= 2:  # "3% WPI (5% UE)" restates one rating in another unit
                p.rules.append("wpi.breakdown_total")
                for q in inside:
                    q.unit, q.unit_rule = "wpi", "wpi.breakdown"
    for p in pcts:
        if p.unit is not None or p.in_range:
            continue
        if p.start in adopted and ranged:
            p.unit, p.unit_rule = "wpi", "number.adopted"
        elif in_wpi_context and rx("wpi.rating_verb_before").search(text[max(0, p.start - 40) : p.start]):
            p.unit, p.unit_rule = "wpi", "wpi.rating_verb_before"
        elif in_wpi_context and rx("wpi.amended_to").search(text[max(0, p.start - 50) : p.start]):
            p.unit, p.unit_rule = "wpi", "wpi.amended_to"
        elif (
            in_wpi_context
            and rx("wpi.bare_rating").match(text[p.end : p.end + 30])
            and not (s.index and rx("unit.extremity_word").search(rt.sentences[s.index - 1].text))
        ):
            p.unit, p.unit_rule = "wpi", "wpi.bare_rating"  # not "the 9 percent rating" of a limb just named
        elif in_wpi_context and p.value <= 3 and rx("wpi.pain_after").match(text[p.end : p.end + 40]):
            p.unit, p.unit_rule = "wpi", "wpi.pain_after"
        elif (prev := _previous(pcts, p)) is not None and prev.unit == "wpi" and not prev.in_range:
            between = text[prev.unit_end : p.start]
            if rx("wpi.coordinated").match(between) and not rx("unit.pd_word").search(between):
                p.unit, p.unit_rule = "wpi", "wpi.coordinated"


def _previous(pcts: list[Pct], p: Pct) -> Pct | None:
    i = pcts.index(p)
    return pcts[i - 1] if i else None


def _range_before(rt: ReportText, s: Sentence) -> bool:
    """True when the sentence before it, in the same block, states a WPI range or category."""
    if s.block_start or s.index == 0:
        return False
    prev = rt.sentences[s.index - 1].text
    return bool(rx("number.range").search(prev) or rx("wpi.category").search(prev))


def is_combined(text: str, p: Pct, last: bool) -> bool:
    """Whether a WPI value is a total over body parts ("combined 14% WPI", "4 + 4 + 3 = 11% WPI")."""
    start = p.start
    window = text[max(0, start - 70) : start]
    after = text[start : start + 60]
    if rx("wpi.sum_equals").search(window):
        return True
    hits = list(
        re.finditer(r"\b(?:combin\w*|total(?!\s+(?:hip|knee|shoulder|joint)\b)\w*|overall)\b", window, re.I)
    )
    if hits and re.search(r"\d\s*(?:%|percent)", window[hits[-1].end() :], re.I):
        return False  # "total 5% UE = 3% WPI", "6% combined with 6% gives 12%": a total within one rating
    if rx("wpi.combined_before").search(window) and (
        last
        or re.search(r"(?:combined|total|overall)(?:\s+of)?\s*$", window, re.I)
        or re.search(r"^\S+\s*(?:%|percent)?\s*(?:combined|total)", after, re.I)
    ):
        return True
    return bool(re.match(r"^\S+\s*(?:%|percent)?\s*(?:combined|total|overall)\b", after, re.I))


def wpi_statements(rt: ReportText, s: Sentence) -> list[Statement]:
    """WPI ratings and combined totals in one sentence, each with its body part, side(s) and author."""
    if " | " in s.text:
        rows = table_statements(rt, s)
        if rows is not None:
            return rows
    text = s.text
    pcts = percentages(text)
    _candidates(rt, s, pcts)
    rated = [p for p in pcts if p.unit in {"wpi", "impairment"} and not p.in_range and p.value <= 1000]
    if not rated:
        return []
    parts = parts_in(rt, s)
    used: set[int] = set()
    out: list[Statement] = []
    method, tables = method_of(text)
    components_from: int | None = None  # where the components of a total begin ("which included 5% ...")
    for i, p in enumerate(pcts):
        if p not in rated:
            continue
        if components_from is not None and p.start >= components_from:
            continue  # a component of the total stated just before, not a rating of its own
        rules = [p.unit_rule or "unit"]
        if p.unit == "impairment":
            if rx("wpi.component_before").search(text[max(0, p.start - 30) : p.start]):
                continue
            rules.append("wpi.impairment_is_wpi")
        if rx("wpi.generic_context").search(text[max(0, p.start - 40) : p.start]):
            continue
        if rx("wpi.generic_subject").match(text[clause_bounds(text, p.start)[0] : p.start]):
            continue
        if rx("wpi.generic_worker").search(text[clause_bounds(text, p.start)[0] : p.start]):
            continue
        if rx("wpi.restated").search(text[max(0, p.start - 45) : p.start]):
            continue
        prev = next((q for q in reversed(pcts[:i]) if not q.in_range), None)
        nxt = next((q for q in pcts[i + 1 :] if not q.in_range), None)
        c0, c1 = clause_bounds(text, p.start)
        hypothetical = _hypothetical(rt, s, text, max(c0, p.start - 90), p.end, min(c1, p.end + 25))
        # "In my report of 02/27/2018 I assigned 2% WPI": superseded, not today's rating.
        hypothetical = hypothetical or bool(rx("statement.own_earlier_report").search(text[c0 : p.start]))
        author = author_at(rt, s, p.start)
        adopted = bool(
            rx("wpi.adopt_before").search(text[max(0, p.start - 60) : p.start])
            or rx("wpi.adopted_after").match(text[p.end : p.end + 60])
            or p.unit_rule == "number.adopted"
        )
        base = Statement(
            "wpi",
            s,
            p.start,
            author,
            wpi=p.value,
            hypothetical=hypothetical,
            adopted=adopted,
            strong=adopted and bool(rx("wpi.strong").search(text)),
            alternative=(
                bool(rx("wpi.alternative").search(text)) and not rx("wpi.alternative_chosen").search(text)
            )
            or bool(rx("wpi.rejected_before").search(text[max(0, p.start - 45) : p.start])),
            method=method,
            table_refs=tables,
            rules=rules,
        )
        converted = (
            prev is not None
            and prev.unit == "extremity"
            and bool(rx("wpi.converted_from").search(text[prev.end : p.start]))
        )
        last = not any(q.unit == "wpi" and not q.in_range for q in pcts[i + 1 :])
        tail = text[p.unit_end : p.unit_end + 120]
        if (
            rx("wpi.total_before_components").match(tail)
            and re.search(r"\d\s*%|\bpercent\b", tail)
            and not any(x.end <= p.start and x.start >= clause_bounds(text, p.start)[0] for x in parts)
        ):
            p.rules.append("wpi.total_before_components")  # "38% of the whole person, which included 5% ..."
            components_from = p.unit_end
        if not converted and (
            is_combined(text, p, last)
            or {"wpi.breakdown_total", "wpi.total_before_components"} & set(p.rules)
        ):
            rejected = bool(rx("wpi.rejected_before").search(text[max(0, p.start - 45) : p.start]))
            out.append(
                replace(base, kind="combined", alternative=rejected, rules=[*rules, *p.rules, "wpi.combined"])
            )
            # A total is a body part's rating only when the passage is about one body part.
            single = _context_part(rt, s, this_sentence_first=False, one_side=True)
            if single is not None and "wpi.total_before_components" not in p.rules:
                out += _ratings(base, single, ["a total, read as the one part rated"], "wpi.total_of_one")
            continue
        part, how = _link_part(text, p, parts, prev, nxt, used)
        link = 1.0
        if part is None and prev is not None and prev.unit == "extremity":
            # "11% of the right upper extremity, which equals 7% WPI": the part the extremity rating rated,
            # in this sentence or, failing that, the injured part of that limb named just before.
            part, how = _link_part(text, prev, parts, pcts[i - 2] if i >= 2 else None, p, used)
            if part is None:
                part, how = _limb_part(rt, s, text[prev.start : p.start]), "part.limb"
        if part is None and how != "part.unknown_target":
            part, how, link = _part_around(rt, s)
        if part is None and converted and prev is not None:
            limb = re.search(
                r"\b(left|right|bilateral)?\s*(upper|lower)\s+(?:extremit|limb)",
                text[prev.start : p.start],
                re.I,
            )
            if limb:
                side = limb.group(1).lower() if limb.group(1) else None
                part, how, link = (
                    Part(f"{limb.group(2).lower()} extremity", -1, -1, [side]),
                    "part.extremity_converted",
                    0.9,
                )
        pain = _pain_addon(text, p, part, how, c0, c1, s)
        if pain is not None:
            part, how = pain, "wpi.pain_addon"
        if p.value == 0 and (
            part is None or how not in {"part.link_after", "part.before", "part.after", "part.label"}
        ):
            continue  # "a 0% IR": no impairment, and no part named next to it to record it for
        if part is None:
            # A rating of the whole person that names no part ("a 5% IR"): recorded as `other`, for review.
            unknown = Part("other", -1, -1, [None])
            out += _ratings(base, unknown, ["no body part is named next to the rating"], "part.unknown")
            continue
        if (
            p.unit == "impairment"
            and part.canonical in _UPPER | _LOWER
            and not rx("unit.wpi_word").search(text)
        ):
            named = how in {"part.link_after", "part.before", "part.after"}
            if named and not re.search(r"rating|\bIR\b|PPI", text[p.end : p.unit_end + 8], re.I):
                continue  # "3 percent impairment for the left shoulder": a limb rating (rule "wpi.limb_unit")
            if not named and rt.conventions & {"colorado", "tennessee", "federal_schedule"}:
                continue  # a limb inferred where limbs are scheduled members (rule "wpi.limb_inferred")
        base.link = link
        base.rules.append(how)
        side_after = rx("wpi.side_after").match(text[p.unit_end : p.unit_end + 30])
        if side_after and takes_side(part.canonical):
            part = Part(
                part.canonical, part.start, part.end, [side_after.group(1).lower()]
            )  # "19% on the right"
        if part.sides == [None] and takes_side(part.canonical):
            side = _side_for(rt, s, text, prev, p, part)
            if side:
                part = Part(part.canonical, part.start, part.end, [side])
        if part.sides != ["left", "right"] and takes_side(part.canonical):
            if rx("wpi.each_side_after").match(text[p.end : min(c1, p.end + 40)]):
                part = Part(part.canonical, part.start, part.end, ["left", "right"])  # "3% each"
        doubts = []
        if part.start >= 0 and _two_parts_one_value(
            text, part, parts, min(c1, nxt.start if nxt else len(text))
        ):
            doubts.append("one value is given for two body parts")
        out += _ratings(base, part, doubts, None)
    return out


def _hypothetical(rt: ReportText, s: Sentence, text: str, lo: int, at: int, hi: int) -> bool:
    """Whether a value is conditional, alternative or a party's position: a hypothetical word near it in
    its clause, unless a physician's finding stands between a party's word and the value ("the employee
    argues that Dr. P's recommendation of 18% ... is the best evidence": Dr. P's 18%)."""
    hit = None
    for m in rx("statement.hypothetical").finditer(text, lo, hi):
        hit = m
    if hit is None:
        return False
    if rx("statement.party_claim").match(hit.group(0)) and hit.end() < at:
        between = text[hit.end() : at]
        if verbs().search(between) or any(
            a.kind == "physician" and hit.end() <= a.start - s.start < at for a in agents_in(rt, s)
        ):
            return False
    return True


def _side_for(rt: ReportText, s: Sentence, text: str, prev: Pct | None, p: Pct, part: Part) -> str | None:
    """The side of a part named without one: the extremity phrase converted ("12% of the left upper
    extremity, which equates to 7% WPI"), else the heading over it when it names the same part."""
    if prev is not None and prev.unit == "extremity":
        m = re.search(r"\b(left|right)\b", text[prev.start : p.start], re.I)
        if m:
            return m.group(1).lower()
    found = _heading_part(rt, s)
    if found and found[0] == part.canonical and found[1]:
        return found[1]
    # "she twisted her right knee ... the surgeon operated on her knee ... 4% to the whole person"
    # The nearest sentence that writes a side for this part decides ("Left hip: total hip arthroplasty").
    cur: Sentence | None = s
    for _ in range(7):
        if cur is None:
            break
        sides = {side for x in parts_in(rt, cur) if x.canonical == part.canonical for side in x.sides if side}
        if sides:
            return sides.pop() if len(sides) == 1 else None
        cur = rt.sentences[cur.index - 1] if cur.index > 0 else None
    return None


def _pain_addon(text: str, p: Pct, part: Part | None, how: str, c0: int, c1: int, s: Sentence) -> Part | None:
    """The Chapter 18 pain add-on (up to 3% WPI) is its own value, body part `pain`: "I add 2% for pain".
    A chapter 18 rating of a part named next to it ("two percent WPI for the headaches per Chapter 18")
    is that part's rating."""
    if p.value > 3:
        return None
    clause = text[max(0, min(c0, p.start - 60)) : c1]  # "Pain add-on (Chapter 18): 2% WPI": the label too
    explicit = (
        rx("wpi.pain_added").search(clause)
        or rx("wpi.pain_after").match(text[p.end : p.end + 40])
        or rx("wpi.pain_label_before").search(text[max(c0, p.start - 40) : p.start])
    )
    cue = rx("wpi.pain_addon").search(clause) or s.section.label == "pain"
    if not (explicit or cue):
        return None
    named_here = part is not None and how in {"part.link_after", "part.before", "part.after"}
    if named_here and part is not None and part.canonical in {"head", "brain"}:
        return None
    if named_here and not explicit and part is not None and part.canonical != "pain":
        return None
    return Part("pain", -1, -1, [None])


def _ratings(base: Statement, part: Part, doubts: list[str], rule: str | None) -> list[Statement]:
    """One WPI statement per side the part is rated for ('each hip': left and right)."""
    return [
        replace(
            base,
            kind="wpi",
            body_part=part.canonical,
            laterality=side,
            doubts=[*base.doubts, *doubts],
            rules=[*base.rules, *([rule] if rule else [])],
            table_refs=list(base.table_refs),
        )
        for side in part.sides
    ]


def _table_header(rt: ReportText, s: Sentence) -> list[str] | None:
    """The cells of the nearest table header row above `s` (within the same table)."""
    for back in range(1, 25):
        idx = s.index - back
        if idx < 0:
            return None
        prev = rt.sentences[idx]
        if " | " not in prev.text:
            if len(prev.text.split()) <= 2 and not re.search(r"\d", prev.text):
                continue  # a header cell wrapped onto its own line ("Impairment")
            return None
        cells = [c.strip() for c in prev.text.split(" | ")]
        if any(rx("table.wpi_header").search(c) for c in cells) and not any(
            re.search(r"\d", c) for c in cells
        ):
            return cells
    return None


def table_statements(rt: ReportText, s: Sentence) -> list[Statement] | None:
    """A row of a table with a WPI column: the body part from its cells, the value from the column; a
    total row is the combined WPI. None when the sentence is not such a row."""
    header = _table_header(rt, s)
    if header is None:
        return None
    cells = [c.strip() for c in s.text.split(" | ")]
    wpi_cols = [i for i, c in enumerate(header) if rx("table.wpi_column").search(c)]
    if not wpi_cols:
        return None
    col = wpi_cols[-1]
    if len(cells) != len(header) or col >= len(cells):
        if col != len(header) - 1:
            return None
        col = len(cells) - 1  # cells merged: the last cell when the WPI column is last
    m = re.fullmatch(r"(\d{1,3}(?:\.\d{1,2})?)\s*(?:%|percent)?\s*(?:wpi)?", cells[col], re.I)
    if not m:
        return None
    offset = max(0, s.text.find(cells[col], sum(len(c) + 3 for c in cells[:col]) - 3 if col else 0))
    method, tables = method_of(" ".join(cells[1:col]))
    base = Statement(
        "wpi",
        s,
        offset,
        author_at(rt, s, offset),
        wpi=float(m.group(1)),
        adopted=True,
        from_table=True,
        method=method,
        table_refs=tables,
        rules=["table.wpi_column"],
    )
    if rx("table.total_row").search(cells[0]):
        return [replace(base, kind="combined", rules=["table.wpi_column", "table.total_row"])]
    found = part_in_text(" ".join(cells[:col]))
    if found is None and re.search(r"\bpain\b", cells[0], re.I):
        found = ("pain", None)
    if found is None:
        return [replace(base, doubts=["no body part is named in the row"])]
    return _ratings(base, Part(found[0], -1, -1, [found[1]]), [], "table.row_part")


# --- MMI ---------------------------------------------------------------------------------------------


def mmi_statements(rt: ReportText, s: Sentence) -> list[Statement]:
    """MMI / P&S statements in one sentence: reached (with its date) or not reached, and by whom."""
    text = s.text
    if not rx("mmi.cue").search(text):
        if not rx("mmi.ttd").search(text):
            return []
    else:
        field_stmt = _mmi_field(rt, s)
        if field_stmt is not None:
            return [field_stmt]
    if is_heading(s) or text.rstrip().endswith("?"):
        return []
    out: list[Statement] = []
    last_end: int | None = None
    weight = 2.0 if s.section.label in {"disability_status", "summary", "discussion"} else 1.0
    for m in rx("mmi.cue").finditer(text):
        if last_end is not None and re.fullmatch(r"\s*[(“\"]?\s*", text[last_end : m.start()]):
            last_end = m.end()
            continue  # "maximum medical improvement (MMI)": one mention
        last_end = m.end()
        if re.match(r"medical(?:ly)?\s+stab", m.group(0), re.I) and not rx("mmi.stable_context").search(text):
            continue  # "medically stable and transferred to the floor": a hospital's word, not MMI
        found = _mmi_at(rt, s, m.start(), m.end(), weight)
        if found is not None:
            out.append(found)
    if not out:
        # "Dr. Kimble opined that Edwards remained temporarily totally disabled": not yet P&S.
        for m in rx("mmi.ttd").finditer(text):
            c0, _ = clause_bounds(text, m.start())
            if rx("statement.party_claim").search(text[c0 : m.start()]):
                continue
            author = author_at(rt, s, m.start(), inherit=False)
            if author.kind == "physician":
                out.append(Statement("mmi", s, m.start(), author, status="not_reached", rules=["mmi.ttd"]))
                break
    return out


def _mmi_at(rt: ReportText, s: Sentence, a: int, b: int, weight: float) -> Statement | None:
    """The MMI statement of the cue at [a, b) of the sentence, or None when it states nothing (a
    definition, a condition, a question, a party's claim, a general rule)."""
    text = s.text
    c0, c1 = clause_bounds(text, a)
    # A date's commas do not end the words before a cue ("had not yet found the February 28, 2006 injuries").
    before, after = DATE_RE.sub(lambda m: "DATE" + " " * (len(m.group(0)) - 4), text[c0:a]), text[b:c1]
    rules: list[str] = ["mmi.cue"]
    deferred = next(
        (
            rid
            for rid, hit in (
                ("mmi.deferral_before", rx("mmi.deferral_before").search(before[-70:])),
                ("mmi.deferred", rx("mmi.deferred").search(text[c0:c1])),
                ("mmi.premature", rx("mmi.premature").search(text[c0:c1])),
            )
            if hit
        ),
        None,
    )
    if deferred is None:
        for rid in ("mmi.not_a_statement_before", "mmi.conditional_clause", "mmi.generic_subject"):
            if rx(rid).search(before if rid != "mmi.conditional_clause" else text[c0:a]):
                return None
        claim = rx("statement.party_claim").search(before)
        if claim and not verbs().search(before[claim.end() :]):
            return None  # "the employer contended that ... P&S"; not "contended that Dr. D found ... MMI"
        if rx("mmi.not_a_statement_after").match(after):
            return None
    if rx("mmi.date_of_without_date").search(before) and not find_dates(text[c0:c1]):
        return None  # "the date of MMI is significant"
    adjectival = bool(rx("mmi.adjectival_after").match(after))
    status: str | None = None
    for rid, hit in (
        ("mmi.deferred", deferred is not None),
        ("mmi.negated_before", bool(rx("mmi.negated_before").search(before[-70:]))),
        ("mmi.negated_after", bool(rx("mmi.negated_after").match(after))),
        (
            "mmi.future",
            bool(rx("mmi.future").search(before[-60:])) and not rx("mmi.first_person_would").search(before),
        ),
    ):
        if hit:
            status = "not_reached"
            rules.append(deferred if rid == "mmi.deferred" and isinstance(deferred, str) else rid)
            break
    if status is None:
        for rid, hit in (
            ("mmi.adjectival_after", adjectival),
            ("mmi.positive_before", bool(rx("mmi.positive_before").search(before[-90:]))),
            ("mmi.positive_after", bool(rx("mmi.positive_after").match(after))),
            (
                "mmi.status_label",
                bool(re.search(r"(?:^|[:(]\s*)(?:\(?[a-h0-9]\)\s*)?$", before))
                and bool(re.search(r"\bstatus\b", text[:a], re.I)),
            ),
        ):
            if hit:
                status = "reached"
                rules.append(rid)
                break
    if status is None:
        return None
    author = author_at(rt, s, a)
    if adjectival and not (author.kind == "physician" and author.name):
        return None  # "a PTP's P&S report" in a general discussion
    stmt = Statement("mmi", s, a, author, status=status, weight=weight, rules=rules)
    if status == "reached" and not adjectival:
        stmt.date, stmt.month_only = _mmi_date(text, a, b, c0, c1)
        if stmt.date is None and s.index and rx("mmi.date_anaphor").match(after):
            earlier = [d for d in find_dates(rt.sentences[s.index - 1].text) if d.iso]
            if earlier:
                stmt.date = earlier[
                    -1
                ].iso  # "... examined him on October 3, 2011. He found MMI on that date."
                stmt.rules.append("mmi.date_anaphor")
        if (
            stmt.date is None
            and not stmt.month_only
            and (
                rx("mmi.as_of_exam").search(text[a:c1])
                or rx("mmi.as_of_exam").search(text[max(c0, a - 60) : a])
            )
        ):
            stmt.as_of_exam = True
            stmt.rules.append("mmi.as_of_exam")
    stmt.report_date = report_date_near(rt, s, author)
    if stmt.report_date is None and status == "not_reached" and re.match(r"^\s*On\s+", text):
        ds = find_dates(text[:60])
        if ds and ds[0].iso:
            stmt.report_date = ds[0].iso
    return stmt


def _mmi_field(rt: ReportText, s: Sentence) -> Statement | None:
    """A form field or label line: "Permanent & Stationary Date: 03/15/2023", "P&S: Yes", "MMI: No"."""
    text = s.text
    author = author_at(rt, s, 0)
    base = Statement("mmi", s, 0, author, weight=3.0, adopted=True, rules=["mmi.field"])
    if rx("mmi.cue").search(text):
        if box := rx("mmi.checkbox_yes").search(text):
            # "[X] Yes [ ] No Permanent and stationary status was reached on 1/1/21": the date may follow.
            rest = text[box.end() :]
            cue = rx("mmi.cue").search(rest)
            date, month_only = _mmi_date(rest, cue.start(), cue.end(), 0, len(rest)) if cue else (None, False)
            return replace(
                base, status="reached", date=date, month_only=month_only, rules=["mmi.checkbox_yes"]
            )
        if rx("mmi.checkbox_no").search(text):
            return replace(base, status="not_reached", rules=["mmi.checkbox_no"])
    if not (rx("mmi.field").search(text) or rx("mmi.field_label").match(text)):
        return None
    value_text = text.split(":", 1)[1] if ":" in text else text
    dates = find_dates(value_text)
    if rx("mmi.field_yes").match(value_text) or dates:
        full = [d for d in dates if d.iso]
        return replace(
            base,
            status="reached",
            date=full[0].iso if full else None,
            month_only=not full and bool(dates),
            rules=["mmi.field", "mmi.field_yes" if not dates else "mmi.field_date"],
        )
    if rx("mmi.field_no").match(value_text):
        return replace(base, status="not_reached", rules=["mmi.field", "mmi.field_no"])
    return None


def _mmi_date(text: str, a: int, b: int, c0: int, c1: int) -> tuple[str | None, bool]:
    """The date the worker became P&S: tied to the cue after it ('as of', 'on', 'effective'), or an 'On
    DATE,' that opens the clause, or a date just before the statement ('until DATE, she was at MMI')."""
    for d in find_dates(text[b:c1]):
        lead = text[b : b + d.start]
        if len(lead) > 70 or rx("mmi.date_is_other").search(lead[-30:]):
            break
        return d.iso, d.month_only
    head = text[c0:a]
    m = re.match(r"^\s*(?:On|As of|Effective)\s+", head)
    if m:
        ds = find_dates(head)
        if ds and ds[0].start <= m.end() + 1:
            return ds[0].iso, ds[0].month_only
    lo = max(0, a - 80)
    for d in reversed(find_dates(text[lo:a])):
        between = text[lo + d.end : a]
        if (
            rx("mmi.date_before").search(text[max(0, lo + d.start - 14) : lo + d.start])
            and not rx("mmi.date_is_other").search(text[max(0, lo + d.start - 25) : lo + d.start])
            and len(between) <= 60
            and not rx("mmi.date_is_other").search(between)
            and not find_dates(between)
        ):
            return d.iso, d.month_only
        break
    return None, False


# --- apportionment -----------------------------------------------------------------------------------


Share = tuple[Pct, str, int, int]  # (value, "industrial" | "nonindustrial", clause start, clause end)


def apportionment_statements(rt: ReportText, s: Sentence) -> list[Statement]:
    """Apportionment shares: 'apportioned 25% to pre-existing degeneration', '80% industrial / 20%
    nonindustrial', '30% caused by degeneration', '50/50', 'one-third to ...', 'no basis for
    apportionment' (100/0), per body part when the clause or the heading over it names one."""
    text = s.text
    in_section = s.section.label == "apportionment"
    if not (in_section or rx("apportionment.clause").search(text)) or is_heading(s):
        return []
    pcts = percentages(text)
    shares: list[Share] = []
    near = in_section or _apportionment_before(rt, s)
    for i, p in enumerate(pcts):
        if p.unit in {"wpi", "pd", "extremity", "other", "impairment"} or p.in_range:
            continue
        if rx("apportionment.points_of").match(text[p.end : p.end + 40]):
            continue  # "4% of the total 19% impairment": impairment points, not a share
        c0, c1 = clause_bounds(text, p.start)
        if not (near or rx("apportionment.clause").search(text[c0:c1])) and p.unit != "share":
            continue
        nxt = pcts[i + 1].start if i + 1 < len(pcts) else c1
        prv = pcts[i - 1].end if i else c0
        kind = _share_kind(_own_words_after(text[p.end : min(nxt, c1)])) or _share_kind(
            re.split(r",|\band\b|\bwhile\b|\bwhereas\b", text[max(c0, prv) : p.start])[-1][-40:], True
        )
        if (
            kind is None
            and rx("apportionment.word").search(text[c0 : p.start])
            and re.search(r"\bto\s+", text[p.end : min(nxt, c1)])
        ):
            kind = "nonindustrial"  # "apportioned 85% of the disability to that rare condition"
        if kind is None and i and shares and shares[-1][2] == c0:
            kind = shares[-1][1]  # "100% industrial for the shoulder, 60% for the cervical spine"
        if kind is not None:
            shares.append((p, kind, c0, c1))
    shares += _pairs_and_fractions(text, near)
    shares.sort(key=lambda x: x[0].start)
    summed = _summed(rt, s, shares)
    if summed is not None:
        return summed
    out: list[Statement] = []
    group: list[Share] = []
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
            out += _share_statements(rt, s, group, shares)
        group = [share] if share is not None else []
    if not out and rx("apportionment.none").search(text):
        m = rx("apportionment.none").search(text)
        assert m is not None
        c0, c1 = clause_bounds(text, m.start())
        if not rx("statement.hypothetical").search(text[c0 : m.start()]):
            none = (Pct(100.0, m.start(), m.end()), "industrial", c0, c1)
            out += _share_statements(rt, s, [none], [none], rule="apportionment.none")
    return out


def _own_words_after(after: str) -> str:
    """The words that describe a share, up to the next conjunction: "25% of the left shoulder, and the
    industrial injury for the remaining 75%": nothing after the 25% says what it is caused by."""
    after = re.sub(r"^\s*of\s+(?:the|his|her)\s+(?:[\w\-]+\s+){0,3}?[\w\-]+\s*(?=,|\band\b)", "", after)
    return re.split(r"\band\b|\bwhile\b|\bwhereas\b|\bwith\s+the\b|\bbut\b", after, maxsplit=1)[0]


def _apportionment_before(rt: ReportText, s: Sentence) -> bool:
    """True when the sentence, or the one before it in its block, speaks of apportionment ("Apportionment:
    Cervical spine: 80% industrial. Lumbar spine: 50/50.")."""
    if rx("apportionment.word").search(s.text):
        return True
    return (
        not s.block_start
        and s.index > 0
        and bool(rx("apportionment.word").search(rt.sentences[s.index - 1].text))
    )


def _summed(rt: ReportText, s: Sentence, shares: list[Share]) -> list[Statement] | None:
    """'10% caused by personality factors, 10% by family stressors and the remaining 80% by the injury';
    'specific injury 30%; cumulative trauma 40%; nonindustrial 30%': shares of one kind add up, when the
    sentence's shares make 100 and it names at most one body part."""
    kinds = [k for _, k, _, _ in shares]
    if len(shares) < 3 or len(set(kinds)) < 2 or len({x.canonical for x in parts_in(rt, s)}) > 1:
        return None
    ind = sum(p.value for p, k, _, _ in shares if k == "industrial")
    non = sum(p.value for p, k, _, _ in shares if k == "nonindustrial")
    if abs(ind + non - 100) > 0.01:
        return None
    first = shares[0]
    group = [
        (
            Pct(ind, first[0].start, first[0].end, rules=["apportionment.summed"]),
            "industrial",
            0,
            len(s.text),
        ),
        (Pct(non, first[0].start, first[0].end), "nonindustrial", 0, len(s.text)),
    ]
    return _share_statements(rt, s, group, group, rule="apportionment.summed")


def _pairs_and_fractions(text: str, near: bool = False) -> list[Share]:
    """'apportioned 50/50' (industrial first), 'fifty-fifty', 'entirely industrial', 'one-third of the
    disability to ...' as shares."""
    out: list[Share] = []
    for m in rx("apportionment.pair").finditer(text):
        a, b = float(m.group(1)), float(m.group(2))
        c0, c1 = clause_bounds(text, m.start())
        if a + b == 100 and (near or rx("apportionment.word").search(text[c0:c1])):
            out.append((Pct(a, m.start(), m.end(), rules=["apportionment.pair"]), "industrial", c0, c1))
            out.append((Pct(b, m.end(), m.end(), rules=["apportionment.pair"]), "nonindustrial", c0, c1))
    for m in rx("apportionment.even_words").finditer(text):
        c0, c1 = clause_bounds(text, m.start())
        if rx("apportionment.word").search(text[c0:c1]):
            out.append(
                (Pct(50.0, m.start(), m.end(), rules=["apportionment.even_words"]), "industrial", c0, c1)
            )
            out.append(
                (Pct(50.0, m.end(), m.end(), rules=["apportionment.even_words"]), "nonindustrial", c0, c1)
            )
    for m in rx("apportionment.whole_industrial").finditer(text):
        c0, c1 = clause_bounds(text, m.start())
        joins = list(re.finditer(r",|\band\b", text[c0 : m.start()]))
        start = c0 + joins[-1].end() if joins else c0
        pct = Pct(100.0, m.start(), m.end(), rules=["apportionment.whole_industrial"])
        out.append((pct, "industrial", start, c1))
    for m in rx("apportionment.fraction").finditer(text):
        v = fraction_value("".join(g for g in m.groups() if g))
        if v is None:
            continue
        c0, c1 = clause_bounds(text, m.start())
        kind = _share_kind(text[m.end() : c1])
        if kind is None and rx("apportionment.word").search(text[c0 : m.start()]):
            kind = "nonindustrial"
        if kind is not None:
            out.append((Pct(v, m.start(), m.end(), rules=["apportionment.fraction"]), kind, c0, c1))
    return out


def _share_statements(
    rt: ReportText, s: Sentence, group: list[Share], shares: list[Share], rule: str = "apportionment.share"
) -> list[Statement]:
    """One apportionment (industrial and non-industrial share) per side of the part it is for ('25% of
    the disability in each knee': left and right)."""
    text = s.text
    ind = next((p.value for p, k, _, _ in group if k == "industrial"), None)
    non = next((p.value for p, k, _, _ in group if k == "nonindustrial"), None)
    if ind is None and non is None:
        return []
    ind = round(100 - non, 2) if ind is None and non is not None else ind
    non = round(100 - ind, 2) if non is None and ind is not None else non
    assert ind is not None and non is not None
    first, last = group[0][0], group[-1][0]
    c0, c1 = group[0][2], group[0][3]
    later = [p for p, _, _, _ in shares if p.start > last.start and c0 <= p.start < c1]
    earlier = [p for p, _, _, _ in shares if p.start < first.start and c0 <= p.start]
    lo, hi = (earlier[-1].end if earlier else c0), (later[0].start if later else c1)
    parts = parts_in(rt, s)
    mine = [x for x in parts if lo <= x.start < hi]
    after = [x for x in mine if x.start > first.start]
    part: Part | None = after[0] if after else (mine[-1] if mine else None)
    if part is None and not earlier and not later:
        clause = [x for x in parts if c0 <= x.start < c1]
        part = clause[0] if clause else None
    rules = [rule, *first.rules]
    if part is None:
        # "Cervical spine: 80% industrial / 20% nonindustrial": a part labelling the clause.
        label = [x for x in parts if x.end <= c0 and re.match(r"\s*[:\-–—]", text[x.end : x.end + 3])]
        if label:
            part = label[-1]
            rules.append("part.label")
    if part is None and s.section.label == "apportionment" and (found := _heading_part(rt, s)):
        part = Part(found[0], -1, -1, [found[1]])
        rules.append("part.heading")
    sides: list[str | None] = [part.sides[0] if part and len(part.sides) == 1 else None]
    if part is not None and takes_side(part.canonical):
        if part.sides == ["left", "right"] or re.search(r"\beach\b", text[c0:c1], re.I):
            sides = ["left", "right"]
    doubts = []
    if abs(ind + non - 100) > 0.01 or not (0 <= ind <= 100 and 0 <= non <= 100):
        doubts.append(f"the shares {ind:g}% and {non:g}% do not add up to 100")
    hypothetical = bool(
        rx("statement.party_claim").search(text[c0 : first.start])
        or rx("statement.hypothetical").search(text[c0 : first.start])
    )
    author = author_at(rt, s, first.start)
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
            rules=list(rules),
            doubts=list(doubts),
        )
        for side in sides
    ]


def _share_kind(text: str, before: bool = False) -> str | None:
    """Whether a share's words name the industrial injury or something else (pre-existing, degenerative,
    a prior injury)."""
    non_rx, ind_rx = rx("apportionment.nonindustrial"), rx("apportionment.industrial")
    if before:
        m_non, m_ind = list(non_rx.finditer(text)), list(ind_rx.finditer(text))
        labelled = rx("apportionment.label_before").search(text)
        if m_non and (not m_ind or m_non[-1].end() >= m_ind[-1].end()):
            return "nonindustrial" if labelled else None
        return "industrial" if m_ind and labelled else None
    t = text[:110]
    non, ind = non_rx.search(t), ind_rx.search(t)
    if non and (ind is None or non.start() <= ind.start()):
        return "nonindustrial"
    return "industrial" if ind else None


# --- every statement ---------------------------------------------------------------------------------


def all_statements(rt: ReportText, sentences: list[Sentence] | None = None) -> list[Statement]:
    """Every WPI, combined, MMI and apportionment statement of the given sentences (default: all)."""
    out: list[Statement] = []
    for s in rt.sentences if sentences is None else sentences:
        found = mmi_statements(rt, s)
        if not is_heading(s):
            found = wpi_statements(rt, s) + found + apportionment_statements(rt, s)
        if found and rx("statement.example").match(s.text):
            found = [replace(x, hypothetical=True, rules=[*x.rules, "statement.example"]) for x in found]
        for stmt in found:
            out.append(stmt)
            # "Both the PTP and the QME found him P&S": the same statement for each subject.
            out += [
                replace(
                    stmt, author=other, doubts=list(stmt.doubts), rules=[*stmt.rules, "attribution.coauthor"]
                )
                for other in coauthors(rt, s, stmt.author, s.start + stmt.start)
            ]
    return out

"""Impairments: WPI values found in sentences, linked to body parts, resolved to the evaluator's ratings.

A WPI mention is a number tied to a WPI unit ("8% WPI", "WPI: 8%", "8% of the whole person"), a row of
a table whose column is headed WPI, or a percentage the evaluator assigns right after a WPI range
("Category II, 5-8% WPI; I assign 8%"). Mentions of other physicians, hypothetical ones, ranges and
values in history/record-review sections are kept out. Each remaining mention is linked to a body part
(the phrase after the unit, the nearest part before it, the block's heading, the paragraph before) and
the rating the evaluator adopts is chosen per body part and side."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Span

from models.record import CombinedWpi, Flag, Impairment
from pipeline.extraction.attribution import author_at
from pipeline.extraction.bodyparts import part_in_text, side_near, takes_side
from pipeline.extraction.rules import load_rules
from pipeline.extraction.textview import ReportText, Sentence

_NUM = r"(\d{1,3}(?:\.\d{1,2})?)"


_PCT = r"\s*(?:%|percent|per cent|pct\.?)"


@cache
def _unit() -> str:
    return load_rules().cue("wpi_unit").pattern


@cache
def _mention_regexes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    unit = _unit()
    before = re.compile(
        rf"(?<![\d/.]){_NUM}(?:{_PCT})?\s*\)?\s*(?:\((?:[a-z ]+)\)\s*)?(?:of\s+(?:the\s+)?)?\(?\s*(?:{unit})",
        re.I,
    )
    after = re.compile(
        rf"(?:{unit})\s*(?:rating|value|impairment)?\s*(?:\((?:wpi)\))?\s*"
        rf"(?:(?:for|of|to|in|at)\s+(?:the\s+)?(?:(?:left|right|bilateral)\s+)?[a-z\-]+(?:\s+[a-z\-]+)?\s+)?"
        rf"(?:of|is|was|at|=|:|equals|equal to|totals|totaling|of approximately|would be|will be|be)?\s*"
        rf"(?:approximately\s+)?{_NUM}(?:{_PCT})(?!\s*(?:ue|le|upper|lower|pd|permanent))",
        re.I,
    )
    rng = re.compile(
        rf"(?<![\d/.]){_NUM}(?:{_PCT})?\s*(?:-|–|—|to|through|thru)\s*{_NUM}(?:{_PCT})?\s*(?:range\s*)?"
        rf"(?:of\s+(?:the\s+)?)?\(?\s*(?:{unit})|between\s+{_NUM}(?:{_PCT})?\s*and\s*{_NUM}(?:{_PCT})?",
        re.I,
    )
    adopt = re.compile(
        rf"\b(?:I|we)\s+(?:would\s+|will\s+|therefore\s+|hereby\s+|do\s+|now\s+|thus\s+)?"
        rf"(?:assign|rate|award|provide|place|give|select|choose|adopt|allocate|find|utilize|use|apply)"
        rf"(?:\s+(?:a|an|the|him|her|this|it|the applicant|an impairment of|a rating of|a value of))*\s*"
        rf"{_NUM}(?:{_PCT})",
        re.I,
    )
    return before, after, rng, adopt


_ADOPTED_AFTER = re.compile(
    r"[^.;]{0,40}?\b(?:is|was|are|be)\s+(?:therefore\s+|hereby\s+)?(?:adopted|assigned|selected|used|utilized|chosen|"
    r"accepted|awarded)\b",
    re.I,
)


_STRONG = re.compile(
    r"\badopt(?:s|ed|ing)?\b|\bmore (?:accurate|appropriate|representative)\b|\bfinal\b|\btherefore\b|"
    r"\baccordingly\b|\bthe appropriate (?:method|rating)\b|\bremains rated\b|\bthe total\b|"
    r"\btotal (?:[\w\-]+ ){0,2}impairment\b",
    re.I,
)


@dataclass
class Mention:
    """One WPI value in a sentence, with what the linker learned about it."""

    value: float
    sentence: Sentence
    start: int  # offset in sentence.text
    end: int
    body_part: str | None = None
    laterality: str | None = None
    method: str | None = None
    table_refs: list[str] = field(default_factory=list)
    adopted: bool = False
    alternative: bool = False
    combined: bool = False
    pain: bool = False
    from_table: bool = False
    link_quality: float = 1.0
    #: The evaluator says plainly this is the rating (adopt, more accurate, final, therefore).
    strong: bool = False


def _num(text: str) -> float:
    v = float(text)
    return int(v) if v.is_integer() else v


def _body_spans(rt: ReportText, sentence: Sentence) -> list[Span]:
    return rt.spans_in(sentence, "BODY_PART")


def _rank_span(span: Span) -> int:
    """Weak synonyms ('back', 'arm', 'head') lose to specific ones."""
    return 0 if span.text.lower() in {"back", "arm", "arms", "leg", "legs", "head", "digit", "digits"} else 1


def _link(rt: ReportText, m: Mention, unit_end: int) -> None:
    """Fill m.body_part and m.laterality from the sentence, its heading and the paragraph before."""
    s = m.sentence
    text = s.text
    spans = [sp for sp in _body_spans(rt, s) if sp.id_ != "pain" and not _is_unit_phrase(text, sp, s.start)]
    local = [(sp.start_char - s.start, sp.end_char - s.start, sp) for sp in spans]
    # 1. "8% WPI for the left knee": the phrase right after the unit.
    tail = text[unit_end : unit_end + 45]
    tm = re.match(
        r"\s*(?:\)\s*)?(?:,\s*)?(?:for|to|of|regarding|involving|referable to|attributable to|at|in|"
        r"due to|on account of)\s+(?:the\s+|his\s+|her\s+)?",
        tail,
        re.I,
    )
    choice = None
    if tm:
        after_pos = unit_end + tm.end()
        choice = next((x for x in local if after_pos <= x[0] <= after_pos + 20), None)
    if choice is None:
        before = [x for x in local if x[1] <= m.start]
        if before:
            best_rank = max(_rank_span(x[2]) for x in before)
            choice = [x for x in before if _rank_span(x[2]) == best_rank][-1]
    if choice is None:
        after = [x for x in local if x[0] >= m.end and x[0] - m.end < 60]
        if after:
            choice = after[0]
            m.link_quality = 0.9
    if choice is not None:
        m.body_part = choice[2].id_
        if takes_side(m.body_part):
            m.laterality = side_near(text, choice[0], choice[1])
            if m.laterality is None:
                m.laterality = _side_in_heading(s) or None
        return
    # 2. The sentences before it in the same paragraph ("The headaches fall in Class 1. I assign 3% WPI.").
    cur = s
    for _ in range(3):
        if cur.block_start or cur.index == 0:
            break
        prev = rt.sentences[cur.index - 1]
        prev_spans = [
            sp
            for sp in _body_spans(rt, prev)
            if sp.id_ != "pain" and not _is_unit_phrase(prev.text, sp, prev.start)
        ]
        if prev_spans:
            sp = prev_spans[-1]
            m.body_part = sp.id_
            if takes_side(sp.id_):
                m.laterality = side_near(prev.text, sp.start_char - prev.start, sp.end_char - prev.start)
            m.link_quality = 0.85
            return
        cur = prev
    # 3. A label line just above the paragraph ("Shoulder, right:").
    if s.block_start and s.index > 0:
        above = rt.sentences[s.index - 1]
        if above.text.rstrip().endswith(":") and len(above.text.split()) <= 6:
            found = part_in_text(above.text)
            if found:
                m.body_part, m.laterality = found
                m.link_quality = 0.9
                return
    # 4. The heading the sentence sits under ("LUMBAR SPINE", "Right knee:").
    found = part_in_text(s.section.heading) if s.section.heading else None
    if found:
        m.body_part, m.laterality = found
        m.link_quality = 0.9


def _is_unit_phrase(text: str, span: Span, offset: int) -> bool:
    """'10% upper extremity impairment', '16% hand impairment': a unit of measure, not the body part rated."""
    before = text[max(0, span.start_char - offset - 14) : span.start_char - offset]
    after = text[span.end_char - offset : span.end_char - offset + 14]
    if re.search(r"\d\s*(?:%|percent)\s*(?:of (?:the )?)?(?:(?:right|left)\s+)?$", before, re.I):
        return True
    if span.id_ not in {"upper extremity", "lower extremity"}:
        return False
    return bool(
        re.search(r"of (?:the )?(?:right |left )?\s*$", before, re.I)
        or re.match(r"\s*(?:impairment|rating|\(?[UL]EI\)?)", after, re.I)
    )


def _side_in_heading(s: Sentence) -> str | None:
    m = re.search(r"\b(left|right|bilateral)\b", s.section.heading or "", re.I)
    return m.group(1).lower() if m else None


def _method(text: str) -> tuple[str | None, list[str]]:
    tables = sorted(set(re.findall(r"\b(?:Table|Figure)\s+\d{1,2}-\d{1,2}[a-z]?\b", text, re.I)))
    m = re.search(r"\bDRE\s+(?:lumbar|cervical|thoracic\s+)?(?:category\s+)?([IV]{1,3}|[1-5])\b", text, re.I)
    if m:
        return f"DRE Category {m.group(1).upper()}", tables
    if re.search(r"\brange[- ]of[- ]motion\b|\bROM\b", text):
        return "Range of motion", tables
    if re.search(r"chapter 18|pain add", text, re.I):
        return "Chapter 18 pain add-on", tables
    return None, tables


def _is_blocked(rt: ReportText, s: Sentence, start: int, end: int) -> bool:
    cats = rt.context(s, s.start + start, s.start + end)
    if cats & {"OTHER_PHYSICIAN", "HYPOTHETICAL"}:
        return True
    # Attribution has the last word on whose a value is: a judge's, an award's or a party's is not mine.
    return author_at(rt, s, start).kind == "nonphysician"


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
        if any(re.search(r"\b(?:wpi|whole person|% ?wp|impairment)\b", c, re.I) for c in cells) and not any(
            re.search(r"\d", c) for c in cells
        ):
            return cells
    return None


def _table_mentions(rt: ReportText, s: Sentence) -> list[Mention]:
    header = _table_header(rt, s)
    if header is None:
        return []
    cells = [c.strip() for c in s.text.split(" | ")]
    wpi_cols = [i for i, c in enumerate(header) if re.search(r"\bwpi\b|whole person", c, re.I)]
    if not wpi_cols:
        return []
    col = wpi_cols[-1]
    if len(cells) != len(header) or col >= len(cells):
        # Cells may have merged; fall back to the last numeric cell when the WPI column is last.
        if col != len(header) - 1:
            return []
        col = len(cells) - 1
    cell = cells[col]
    nm = re.fullmatch(rf"{_NUM}\s*(?:%|percent)?\s*(?:wpi)?", cell, re.I)
    if not nm:
        return []
    offset = s.text.find(cell, sum(len(c) + 3 for c in cells[:col]) - 3 if col else 0)
    m = Mention(_num(nm.group(1)), s, max(0, offset), max(0, offset) + len(cell), from_table=True)
    first = cells[0]
    if re.search(r"\b(?:combined|total|overall|final)\b", first, re.I):
        m.combined = True
        return [m]
    found = part_in_text(" ".join(cells[:col]))
    if re.search(r"\bpain\b", first, re.I) and not found:
        m.pain = True
        m.body_part = "pain"
    elif found:
        m.body_part, m.laterality = found
    method, tables = _method(" ".join(cells[1:col]))
    m.method, m.table_refs = method, tables
    m.adopted = True
    return [m]


def find_mentions(rt: ReportText) -> list[Mention]:
    """Every WPI mention in the evaluator's own sentences, linked to a body part where one is named."""
    before_re, after_re, range_re, adopt_re = _mention_regexes()
    rules = load_rules()
    combined_cue = rules.cue("combined")
    pain_cue = rules.cue("pain_addon")
    alt_cue = rules.cue("alternative")
    adopt_cue = rules.cue("adopt")
    out: list[Mention] = []
    for s in rt.sentences:
        if not s.own:
            continue
        text = s.text
        if " | " in text:
            table = _table_mentions(rt, s)
            if table:
                out.extend(x for x in table if not _is_blocked(rt, s, x.start, x.end))
                continue
        if not re.search(_unit(), text, re.I) and not (
            s.section.label in {"impairment", "pain", "almaraz", "summary"} and adopt_re.search(text)
        ):
            continue
        ranges = [(r.start(), r.end()) for r in range_re.finditer(text)]
        seen: list[tuple[int, int, float, int]] = []
        for regex in (before_re, after_re):
            for r in regex.finditer(text):
                num_start = r.start(1)
                if any(a <= num_start < b for a, b in ranges):
                    continue
                if any(a <= num_start < b for a, b, _, _ in seen):
                    continue
                if rules.cue("gaf_before").search(text[max(0, num_start - 12) : num_start]):
                    continue
                seen.append((r.start(1), r.end(1), _num(r.group(1)), r.end()))
        if ranges or re.search(r"category|\bclass\b", text, re.I):
            for r in adopt_re.finditer(text):
                if not any(a <= r.start(1) < b for a, b, _, _ in seen):
                    seen.append((r.start(1), r.end(1), _num(r.group(1)), r.end()))
        if not seen and ranges:
            # "Category II, 5-8% WPI." then "I assign 8%." in the next sentence of the block.
            nxt = rt.sentences[s.index + 1] if s.index + 1 < len(rt.sentences) else None
            if nxt is not None and not nxt.block_start and not re.search(_unit(), nxt.text, re.I):
                for r in adopt_re.finditer(nxt.text):
                    m = Mention(_num(r.group(1)), nxt, r.start(1), r.end(1), adopted=True)
                    _link(rt, m, r.end())
                    if m.body_part is None:
                        _link(rt, Mention(m.value, s, 0, 0), 0)
                    out.append(m)
            continue
        seen.sort()
        last_idx = len(seen) - 1
        for i, (a, b, value, unit_end) in enumerate(seen):
            if value > 100 or _is_blocked(rt, s, a, b):
                continue
            m = Mention(value, s, a, b)
            prefix = text[max(0, a - 60) : a]
            suffix = text[unit_end : unit_end + 60]
            m.adopted = bool(
                adopt_cue.search(prefix)
                or adopt_re.search(text[max(0, a - 60) : b + 8])
                or _ADOPTED_AFTER.match(suffix)
            )
            m.strong = bool(_STRONG.search(text)) and m.adopted
            m.alternative = bool(alt_cue.search(text)) and not re.search(
                r"more accurate|I (?:adopt|find|believe|use)", text, re.I
            )
            m.method, m.table_refs = _method(text)
            m.combined = _is_combined(text, a, i, last_idx, combined_cue)
            if not m.combined:
                pain_m = pain_cue.search(text)
                if (pain_m and value <= 3) or (s.section.label == "pain" and value <= 3):
                    m.pain = True
                    m.body_part = "pain"
                    m.method = "Chapter 18 pain add-on"
                else:
                    _link(rt, m, unit_end)
            out.append(m)
    return out


def _is_combined(text: str, start: int, i: int, last: int, cue: re.Pattern[str]) -> bool:
    window = text[max(0, start - 70) : start]
    after = text[start : start + 60]
    if load_rules().cue("sum_equals").search(window):
        return True  # "4 + 4 + 3 = 11% WPI": the value a sum comes to is the total
    cue_hits = list(re.finditer(r"\b(?:combin\w*|total\w*|overall)\b", window, re.I))
    if cue_hits and re.search(r"\d\s*(?:%|percent)", window[cue_hits[-1].end() :], re.I):
        # "total 5% UE = 3% WPI": the total is of another unit.
        return False
    if re.search(
        r"\b(?:combin\w*|total\w*|overall|final whole person|aggregate|global|in sum|sum of|add(?:ed|ing)?\s+"
        r"(?:together|up|to)|grand total|cumulative)\b[^.;]*$",
        window,
        re.I,
    ):
        if (
            i == last
            or re.search(r"(?:combined|total|overall)\s*$", window, re.I)
            or re.search(r"^\S+\s*(?:%|percent)?\s*(?:combined|total)", after, re.I)
        ):
            return True
    return bool(re.match(r"^\S+\s*(?:%|percent)?\s*(?:combined|total|overall)\b", after, re.I))


def resolve_impairments(rt: ReportText, mentions: list[Mention]) -> tuple[list[Impairment], list[Flag]]:
    """The adopted WPI per (body part, side) with evidence and confidence, and the flags raised."""
    flags: list[Flag] = []
    groups: dict[tuple[str, str | None], list[Mention]] = {}
    for m in mentions:
        if m.combined:
            continue
        if m.body_part is None:
            flags.append(
                Flag(
                    code="WPI_UNLINKED",
                    field="impairments",
                    message=f"a {m.value}% WPI on page {rt.evidence(m.sentence).page} has no body part",
                )
            )
            continue
        groups.setdefault((m.body_part, m.laterality), []).append(m)
    # A side-less mention of a part rated per side elsewhere restates one of those ratings.
    for part, side in list(groups):
        if side is None and takes_side(part):
            sided = [k for k in groups if k[0] == part and k[1] is not None]
            if sided:
                values = {x.value for k in sided for x in groups[k]}
                rest = [x for x in groups[(part, None)] if x.value not in values]
                if rest:
                    groups[(part, None)] = rest
                else:
                    del groups[(part, None)]
    out: list[Impairment] = []
    for (part, side), ms in groups.items():

        def score(x: Mention) -> float:
            sc = 0.0
            sc += 2 if x.adopted else 0
            sc += 1.5 if x.strong else 0
            sc += 1 if x.sentence.section.label in {"impairment", "summary", "pain", "almaraz"} else 0
            sc += 1 if x.from_table else 0
            sc -= 3 if x.alternative else 0
            return sc

        top = max(score(x) for x in ms)
        best = [x for x in ms if score(x) == top]
        chosen = best[-1]
        values = {x.value for x in best}
        conf = 0.95 * chosen.link_quality
        if len(values) > 1:
            conf = 0.5
            flags.append(
                Flag(
                    code="WPI_AMBIGUOUS",
                    field=f"impairments[{len(out)}].wpi",
                    message=f"{part}: several WPI values ({sorted(values)}) with no clear adoption",
                )
            )
        elif len({x.value for x in ms if not x.alternative}) > 1:
            conf = min(conf, 0.9)
        if takes_side(part) and side is None:
            conf = min(conf, 0.8)
            flags.append(
                Flag(
                    code="LATERALITY_MISSING",
                    field=f"impairments[{len(out)}].laterality",
                    message=f"{part}: the side is not stated next to the rating",
                )
            )
        out.append(
            Impairment(
                body_part=part,
                laterality=side,
                wpi=chosen.value,
                method=chosen.method,
                table_refs=chosen.table_refs,
                evidence=rt.evidence(chosen.sentence),
                confidence=round(conf, 2),
            )
        )
    return out, flags


def resolve_combined(rt: ReportText, mentions: list[Mention]) -> CombinedWpi:
    """The combined WPI as stated by the evaluator (the last statement in an own section)."""
    combined = [m for m in mentions if m.combined]
    if not combined:
        return CombinedWpi()
    chosen = combined[-1]
    added = load_rules().cue("added").search(chosen.sentence.text)
    method = "added" if added else ("combined" if re.search(r"combin", chosen.sentence.text, re.I) else None)
    return CombinedWpi(value=chosen.value, evidence=rt.evidence(chosen.sentence), method=method)


def dre_ranges() -> dict[str, dict[str, tuple[int, int]]]:
    """DRE category WPI ranges by spine region (rules/dre.json)."""
    return {k: {str(c): r for c, r in v.items()} for k, v in load_rules().dre.ranges.items()}

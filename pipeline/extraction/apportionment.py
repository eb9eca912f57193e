"""Apportionment of permanent disability: industrial and non-industrial shares, per body part or overall."""

from __future__ import annotations

import re
from typing import Any

from models.record import Apportionment, Flag
from pipeline.extraction.bodyparts import part_in_text
from pipeline.extraction.dates import DATE_RE
from pipeline.extraction.rules import load_rules
from pipeline.extraction.textview import ReportText

_PCT = r"(\d{1,3}(?:\.\d+)?)\s*(?:%|percent|per cent)"


def extract_apportionment(rt: ReportText) -> tuple[list[Apportionment], list[Flag]]:
    """Apportionment per body part or overall, in either direction of wording."""
    rules = load_rules()
    ind_cue, non_cue, none_cue = (
        rules.cue("industrial"),
        rules.cue("nonindustrial"),
        rules.cue("no_apportionment"),
    )
    out: list[Apportionment] = []
    flags: list[Flag] = []
    seen: set[tuple[str | None, str | None]] = set()
    for s in rt.sentences:
        text = s.text
        in_section = s.section.label == "apportionment"
        if not in_section and not re.search(r"apportion", text, re.I):
            continue
        if not s.own or ("OTHER_PHYSICIAN" in rt.context(s, s.start, s.end) and not in_section):
            continue
        if any(
            m.category == "OTHER_PHYSICIAN"
            and "Dr" in rt.assembled.text[m.trigger_start : m.trigger_end]
            and not rt.is_self(m)
            for m in (rt.doc._.modifiers or [])
            if s.start <= m.trigger_start < s.end
        ):
            continue
        if rules.cue("pd_unit").search(text) and not re.search(
            r"industrial|caus|due to|attribut", text, re.I
        ):
            continue
        default: tuple[str | None, str | None] = (None, None)
        if s.section.is_subheading:
            sub = part_in_text(s.section.heading)
            if sub:
                default = sub
        for part, side, ind, non in _clause_shares(text, default, ind_cue, non_cue):
            if ind is None and non is None:
                if none_cue.search(text) and (in_section or re.search(r"apportion", text, re.I)):
                    ind, non = 100.0, 0.0
                else:
                    continue
            if ind is None and non is not None:
                ind = 100 - non
            if non is None and ind is not None:
                non = 100 - ind
            key = (part, side)
            if key in seen:
                continue
            seen.add(key)
            if ind is None or non is None or not (0 <= ind <= 100 and 0 <= non <= 100):
                # OCR noise ("109% / -9%"): a flag for the reviewer, never a value or a crash.
                flags.append(
                    Flag(
                        code="APPORTIONMENT_OUT_OF_RANGE",
                        field="apportionment",
                        message=f"shares of {ind}% and {non}% read on page {rt.evidence(s).page}",
                    )
                )
                continue
            out.append(
                Apportionment(
                    body_part=part,
                    laterality=side,
                    industrial_pct=_n(ind),
                    nonindustrial_pct=_n(non),
                    evidence=rt.evidence(s),
                )
            )
    return out, flags


def _clause_shares(
    text: str, default: tuple[str | None, str | None], ind_cue: re.Pattern[str], non_cue: re.Pattern[str]
) -> list[tuple[str | None, str | None, float | None, float | None]]:
    """Industrial and non-industrial shares per body part, clause by clause (';' separates clauses)."""
    entries: list[list[Any]] = []
    for clause in re.split(r";\s*", text):
        clause = DATE_RE.sub("that date", clause)  # "August 11, 2018": the comma is not a clause break
        found = part_in_text(clause)
        pcts = [(m.start(), m.end(), float(m.group(1))) for m in re.finditer(_PCT, clause, re.I)]
        if found and (pcts or not entries):
            entries.append([found[0], found[1], None, None])
        elif not entries:
            entries.append([default[0], default[1], None, None])
        entry = entries[-1]
        for k, (pos, pend, value) in enumerate(pcts):
            seg_end = pcts[k + 1][0] if k + 1 < len(pcts) else len(clause)
            seg_start = pcts[k - 1][1] if k else 0
            after = re.sub(
                r"^\s*of (?:the|his|her) (?:[\w\-]+\s+){0,3}?[\w\-]+\s*(?=,|\band\b)",
                "",
                clause[pend:seg_end],
            )
            # Words after a conjunction describe the next share ("30% to X and 70% to Y").
            after = re.split(r",|\band\b|\bwhile\b|\bwhereas\b|\bwith the\b", after, maxsplit=1)[0]
            before = re.split(r",|\band\b|\bwhile\b|\bwhereas\b", clause[seg_start:pos])[-1]
            kind = _share_kind(after, ind_cue, non_cue) or _share_kind(before, ind_cue, non_cue, last=True)
            # Shares of one kind add up ("specific injury 30%; cumulative trauma 40%").
            if kind == "non":
                entry[3] = value if entry[3] is None else entry[3] + value
            elif kind == "ind":
                entry[2] = value if entry[2] is None else entry[2] + value
    return [(e[0], e[1], e[2], e[3]) for e in entries]


def _share_kind(
    segment: str, ind_cue: re.Pattern[str], non_cue: re.Pattern[str], last: bool = False
) -> str | None:
    """Whether a share's words name the industrial injury ('ind') or something else ('non')."""
    hits: list[tuple[int, str]] = []
    non_spans = [(m.start(), m.end()) for m in non_cue.finditer(segment)]
    hits += [(a, "non") for a, _ in non_spans]
    for m in ind_cue.finditer(segment):
        if not any(a <= m.start() < b for a, b in non_spans):
            hits.append((m.start(), "ind"))
    if not hits:
        return None
    hits.sort()
    return hits[-1][1] if last else hits[0][1]


def _n(v: float | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v

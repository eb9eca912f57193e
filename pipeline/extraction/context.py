"""ConText-style modifiers: which spans are negated, hypothetical or another physician's finding.

Trigger rules live in pipeline/extraction/rules/context.json. For each sentence the component finds triggers,
drops those overlapped by a PSEUDO phrase, and records each trigger's scope (forward, backward or both,
cut at a TERMINATE phrase or after `max_scope` words). `modifiers(doc, start, end)` then tells which
categories cover a span, in the spirit of medspaCy's `is_negated`, `is_hypothetical`, `is_historical`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extraction.matching import matches_by_sentence, sentence_bounds
from pipeline.extraction.rules import ContextRule, load_rules


@dataclass(frozen=True)
class Modifier:
    """A trigger found in a sentence and the char range it modifies."""

    category: str
    rule_id: str
    trigger_start: int
    trigger_end: int
    scope_start: int
    scope_end: int


@cache
def _compiled() -> list[tuple[ContextRule, re.Pattern[str]]]:
    out = []
    for rule in load_rules().context:
        flags = 0 if rule.case_sensitive else re.I
        pattern = rf"(?<![\w&])(?:{rule.pattern})(?![\w&])" if rule.word_boundaries else rule.pattern
        out.append((rule, re.compile(pattern, flags)))
    return out


def _word_limit(text: str, start: int, words: int, forward: bool) -> int:
    if forward:
        spans = [m.end() for m in re.finditer(r"\S+", text[start:])]
        return start + spans[min(words, len(spans)) - 1] if spans else start
    spans = [m.start() for m in re.finditer(r"\S+", text[:start])]
    return spans[-min(words, len(spans))] if spans else 0


def sentence_modifiers(
    text: str, offset: int = 0, found: list[tuple[ContextRule, int, int]] | None = None
) -> list[Modifier]:
    """The modifiers of one sentence; char offsets are shifted by `offset`. `found`: the rule matches in
    the sentence, when the caller has matched the whole document already."""
    if found is None:
        found = [(rule, m.start(), m.end()) for rule, regex in _compiled() for m in regex.finditer(text)]
    pseudo: list[tuple[int, int]] = []
    terms: list[int] = []
    triggers: list[tuple[ContextRule, int, int]] = []
    for rule, start, end in found:
        if rule.category == "PSEUDO":
            pseudo.append((start, end))
        elif rule.category == "TERMINATE":
            terms.append(start)
        else:
            triggers.append((rule, start, end))
    out: list[Modifier] = []
    for rule, s, e in triggers:
        if any(ps <= s < pe or ps < e <= pe for ps, pe in pseudo):
            continue
        fwd_end = min([t for t in terms if t >= e] + [len(text)])
        back_start = max([t for t in terms if t < s] + [0])
        if rule.max_scope is not None:
            fwd_end = min(fwd_end, _word_limit(text, e, rule.max_scope, True))
            back_start = max(back_start, _word_limit(text, s, rule.max_scope, False))
        if rule.direction == "forward":
            lo, hi = e, fwd_end
        elif rule.direction == "backward":
            lo, hi = back_start, s
        else:
            lo, hi = back_start, fwd_end
        out.append(Modifier(rule.category, rule.id, s + offset, e + offset, lo + offset, hi + offset))
    return out


if not Doc.has_extension("modifiers"):
    Doc.set_extension("modifiers", default=None)


@Language.component("medlegal_context", assigns=["doc._.modifiers"])
def medlegal_context(doc: Doc) -> Doc:
    """Find context triggers sentence by sentence and record their scopes on the Doc."""
    mods: list[Modifier] = []
    bounds = sentence_bounds(doc)
    text = doc.text  # built from the tokens on every access: once
    found = matches_by_sentence(text, bounds, _compiled())
    for (start, end), matches in zip(bounds, found, strict=True):
        mods.extend(sentence_modifiers(text[start:end], start, matches))
    doc._.modifiers = mods
    return doc


def modifiers(doc: Doc, start: int, end: int) -> dict[str, list[Modifier]]:
    """Categories whose scope covers the char span [start, end), with the modifiers doing it."""
    found: dict[str, list[Modifier]] = {}
    for mod in doc._.modifiers or []:
        if (
            mod.scope_start <= start
            and end <= mod.scope_end + 1
            and not (mod.trigger_start <= start < mod.trigger_end)
        ):
            found.setdefault(mod.category, []).append(mod)
    return found


def _span_has(category: str):  # type: ignore[no-untyped-def]
    def getter(span: Span) -> bool:
        return category in modifiers(span.doc, span.start_char, span.end_char)

    return getter


for _name, _cat in (
    ("is_negated", "NEGATED"),
    ("is_hypothetical", "HYPOTHETICAL"),
    ("is_other_physician", "OTHER_PHYSICIAN"),
):
    if not Span.has_extension(_name):
        Span.set_extension(_name, getter=_span_has(_cat))

"""Run a list of regex rules over a whole Doc once and hand each sentence its matches.

The context and attribution components apply a few dozen rules to every sentence; one pass of each rule
over the document text, bucketed by sentence, costs a fraction of one call per rule per sentence. A match
that crosses a sentence boundary belongs to no sentence and is dropped, as a per-sentence match would be.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import TypeVar

from spacy.tokens import Doc

R = TypeVar("R")

#: doc.user_data key of the sentences' (start_char, end_char), computed once by the sentence component
#: for the later ones (iterating doc.sents creates every Token again).
SENTENCE_BOUNDS = "medlegal_sentence_bounds"


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """The (start_char, end_char) of every sentence, from the cache the sentence component leaves."""
    cached = doc.user_data.get(SENTENCE_BOUNDS)
    if cached is not None:
        return list(cached)
    return [(s.start_char, s.end_char) for s in doc.sents]


def matches_by_sentence(
    text: str,
    bounds: Sequence[tuple[int, int]],
    rules: Sequence[tuple[R, re.Pattern[str]]],
    anchors: Sequence[re.Pattern[str] | None] | None = None,
) -> list[list[tuple[R, int, int]]]:
    """For each sentence (start, end) in `bounds`, the (rule, start, end) matches inside it, offsets
    relative to the sentence start, in rule order then text order. A rule with an anchor (a cheap regex
    every match contains) runs only on the sentences the anchor finds."""
    starts = [s for s, _ in bounds]
    out: list[list[tuple[R, int, int]]] = [[] for _ in bounds]
    for k, (rule, regex) in enumerate(rules):
        anchor = anchors[k] if anchors else None
        if anchor is not None:
            hit = sorted({bisect.bisect_right(starts, m.start()) - 1 for m in anchor.finditer(text)})
            for i in hit:
                if i < 0:
                    continue
                s, e = bounds[i]
                for m in regex.finditer(text, s, e):
                    if m.end() > m.start():
                        out[i].append((rule, m.start() - s, m.end() - s))
            continue
        for m in regex.finditer(text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i < 0:
                continue
            s, e = bounds[i]
            if m.end() <= e and m.end() > m.start():
                out[i].append((rule, m.start() - s, m.end() - s))
    return out

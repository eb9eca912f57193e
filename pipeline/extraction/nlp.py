"""build_nlp(): spaCy's blank English plus medlegal's rules; no statistical model, nothing downloaded.

Pipeline: `medlegal_sentences` (boundaries at blank lines, so headings, list items and table rows stand
alone, and at sentence punctuation outside abbreviations) -> `span_ruler` (body parts from
rules/body_parts.csv) ->
`medlegal_sections` (heading -> section label) -> `medlegal_attribution` (agent mentions: this evaluator,
another physician, a judge). Negation, deferral and hypotheticals are read clause by clause by the
statements themselves (statements.py).
"""

from __future__ import annotations

import re

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Token

from models.settings import Settings
from pipeline.extraction import attribution as _attribution  # noqa: F401  (registers medlegal_attribution)
from pipeline.extraction import sections as _sections  # noqa: F401  (registers medlegal_sections)
from pipeline.extraction.matching import SENTENCE_BOUNDS
from pipeline.extraction.rules import load_rules

SPANS_KEY = "ml"

_ABBREVIATIONS = {
    "dr",
    "drs",
    "mr",
    "mrs",
    "ms",
    "m.d",
    "d.o",
    "d.c",
    "ph.d",
    "psy.d",
    "no",
    "vs",
    "e.g",
    "i.e",
    "etc",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "st",
    "inc",
    "co",
    "corp",
    "ltd",
    "approx",
    "fig",
    "sec",
    "pp",
    "p",
    "u.s",
    "a.m",
    "p.m",
    "jr",
    "sr",
    "q.m.e",
    "a.m.e",
    "lt",
    "rt",
    "ave",
    "cal",
    "div",
    "dept",
    "bldg",
    "ste",
    "re",
    "ref",
    "app",
    "supp",
    "rptr",
    "wrk",
    "comp",
    "cas",
    "ct",
    "rm",
    "fn",
}
#: Words that open a sentence and are never a surname: after an initial ("... certified by Dr. K. The
#: appellant ...") they start a new sentence.
_OPENERS = {
    "The",
    "This",
    "That",
    "These",
    "Those",
    "He",
    "She",
    "It",
    "They",
    "We",
    "His",
    "Her",
    "Their",
    "There",
    "In",
    "On",
    "At",
    "After",
    "Before",
    "However",
    "Thus",
    "Accordingly",
    "Therefore",
    "Claimant",
    "Applicant",
    "Employee",
}
_SENT_END = re.compile(r"^[.!?]+$")
_LIST_NUMBER = re.compile(r"^(?:\d{1,2}|[IVXivx]{1,4}|[A-Ha-h])[.)]$")


def _is_list_number(tokens: list[Token], j: int) -> bool:
    """True when tokens[j] ends a list number ("11." or "11" ".") at the start of a block."""
    text = tokens[j].text
    if text in {".", ")"} and j >= 1 and re.fullmatch(r"\d{1,2}|[IVXivx]{1,4}|[A-Ha-h]", tokens[j - 1].text):
        j -= 1
    elif not _LIST_NUMBER.match(text):
        return False
    return j == 0 or (tokens[j - 1].is_space and "\n" in tokens[j - 1].text)


@Language.component("medlegal_sentences", assigns=["token.is_sent_start"])
def medlegal_sentences(doc: Doc) -> Doc:
    """Sentence starts after blank lines and after ./!/? that does not end an abbreviation or initial."""
    tokens = list(doc)
    starts = numpy.full((len(tokens), 1), -1, dtype="int32")
    for i, token in enumerate(tokens):
        if i == 0:
            starts[0, 0] = 1
            continue
        prev = tokens[i - 1]
        prev_text = prev.text
        start = False
        if prev.is_space and "\n\n" in prev_text:
            start = True
        elif _is_list_number(tokens, i - 1):
            start = (
                False  # "11. Maximum Medical Improvement": a numbered heading or list item is one sentence
            )
        elif _SENT_END.match(prev_text) and i >= 2:
            before = tokens[i - 2].text.lower().rstrip(".")
            is_abbrev = before in _ABBREVIATIONS or (
                len(before) == 1 and before.isalpha() and token.text not in _OPENERS
            )
            first = token.text[:1]
            starts_upper = first.isupper() or first.isdigit() or first in "(\"'»•·–"
            start = not is_abbrev and starts_upper and prev.whitespace_ != ""
        elif prev_text.endswith(".") and len(prev_text) > 1 and prev.whitespace_:
            # Tokens like "M.D." or "Inc." keep their period; a capitalised next word after a lower-case
            # word ending in a period is still a new sentence ("... 2023. The").
            stem = prev_text.lower().rstrip(".")
            start = (
                stem not in _ABBREVIATIONS
                and "." not in stem
                and (token.text[:1].isupper() or token.text[:1].isdigit() or token.text[:1] in "»•·–")
                and not (len(stem) == 1 and stem.isalpha())
            )
        if start:
            starts[i, 0] = 1
    # One bulk write: setting token.is_sent_start one by one re-scans the whole Doc each time.
    if tokens:
        doc.from_array([SENT_START], starts.astype("uint64"))  # type: ignore[arg-type]
    doc.user_data[SENTENCE_BOUNDS] = [(s.start_char, s.end_char) for s in doc.sents]
    return doc


def build_nlp(settings: Settings | None = None) -> Language:
    """The medlegal spaCy pipeline: blank English, sentence rules, span rules, sections, attribution."""
    rules = load_rules()
    nlp = spacy.blank("en")
    nlp.max_length = 5_000_000
    nlp.add_pipe("medlegal_sentences")
    ruler = nlp.add_pipe(
        "span_ruler",
        config={"spans_key": SPANS_KEY, "phrase_matcher_attr": "LOWER", "validate": True, "overwrite": False},
    )
    patterns: list[dict[str, object]] = []
    for part in rules.body_parts:
        for synonym in part.synonyms:
            patterns.append({"label": "BODY_PART", "pattern": synonym, "id": part.canonical})
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    nlp.add_pipe("medlegal_sections")
    nlp.add_pipe("medlegal_attribution")
    return nlp

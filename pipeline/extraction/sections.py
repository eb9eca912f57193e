"""The sectioniser: headings (own line, or an inline "Heading:" prefix) mapped to section labels.

A heading that matches no rule (e.g. "LUMBAR SPINE" inside the rating section) keeps the current section
and becomes its sub-heading, which the linker uses to find a value's body part.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extraction.assemble import is_heading
from pipeline.extraction.matching import sentence_bounds
from pipeline.extraction.rules import load_rules

_NUMBERING = re.compile(
    r"^\s*[|~_•*]+\s*|^\s*(?:[IVXivx]{1,5}|\d{1,2}|[A-Ha-h])[.)]\s+|^\s*\d{1,2}\.\d{1,2}\.?\s+"
)  # a scan's rule or bullet read as "|" or "~" before a heading is not part of it
_INLINE = re.compile(r"^([A-Z][A-Za-z0-9 /&()'\-]{2,60}?)\s*:\s+\S")


@dataclass(frozen=True)
class SectionMark:
    """From `start` (a char offset) on, text belongs to `label`; `heading` is the latest heading text."""

    start: int
    label: str
    heading: str
    is_subheading: bool


def label_heading(text: str) -> str | None:
    """The section label of a heading text, or None when no rule matches it."""
    clean = _NUMBERING.sub("", text).strip().rstrip(":").strip()
    clean = re.sub(r"\s+", " ", clean)
    for rule, regex in load_rules().section_regexes:
        if regex.search(clean):
            return rule.label
    return None


if not Doc.has_extension("sections"):
    Doc.set_extension("sections", default=None)


@Language.component("medlegal_sections", assigns=["doc._.sections"])
def medlegal_sections(doc: Doc) -> Doc:
    """Mark where each section starts; every sentence then has a section label and a sub-heading."""
    marks: list[SectionMark] = [SectionMark(0, "introduction", "", False)]
    text_all = doc.text
    for sent_start, sent_end in sentence_bounds(doc):
        sent_text = text_all[sent_start:sent_end]
        text = sent_text.strip()
        if not text:
            continue
        current = marks[-1]
        standalone = (sent_start == 0 or text_all[max(0, sent_start - 2) : sent_start] == "\n\n") and (
            sent_text.endswith("\n\n") or sent_end >= len(text_all) - 2
        )
        short = len(text.split()) <= 8 and not text.endswith((".", ",", ";"))
        if is_heading(text) or (standalone and short):
            label = label_heading(text)
            strong = text.isupper() or bool(_NUMBERING.match(text))
            if label and (
                is_own_section(current.label) or strong or (_ends_review(label) and not text.endswith(":"))
            ):
                marks.append(SectionMark(sent_start, label, text, False))
            elif is_heading(text) or label:
                marks.append(SectionMark(sent_start, current.label, text, True))
            continue
        inline = _INLINE.match(text)
        if inline and len(inline.group(1).split()) <= 4:
            label = label_heading(inline.group(1))
            # "P&S STATUS: He has not reached MMI": a run-in heading; it closes a record review only when
            # it names one of the author's own conclusion sections.
            block_start = sent_start == 0 or text_all[max(0, sent_start - 2) : sent_start] == "\n\n"
            conclusion = label in {
                "disability_status",
                "impairment",
                "apportionment",
                "discussion",
                "summary",
            }
            shouted = inline.group(
                1
            ).isupper()  # "P&S STATUS:", not a record's "Apportionment (lumbar spine):"
            if label and (is_own_section(current.label) or (conclusion and block_start and shouted)):
                marks.append(SectionMark(sent_start, label, inline.group(1), False))
    doc._.sections = marks
    return doc


def _ends_review(label: str) -> bool:
    """Sections that close a record review even under a Title Case heading."""
    return label in {
        "exam",
        "disability_status",
        "impairment",
        "apportionment",
        "causation",
        "discussion",
        "summary",
        "work_restrictions",
        "future_medical",
        "declaration",
        "complaints",
        "history",
        "diagnostics",
        "pain",
        "almaraz",
    }


def section_at(doc: Doc, char: int) -> SectionMark:
    """The section mark in force at char offset `char`."""
    marks: list[SectionMark] = doc._.sections
    starts = [m.start for m in marks]
    return marks[max(0, bisect.bisect_right(starts, char) - 1)]


def is_own_section(label: str) -> bool:
    """True when statements in this section are the evaluator's own conclusions."""
    labels = load_rules().sections.labels
    return labels[label].own if label in labels else True

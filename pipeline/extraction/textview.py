"""ReportText: the NLP view of one document that every extractor reads (sentences, sections, context)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

from spacy.language import Language
from spacy.tokens import Doc, Span

from models.document import Document
from models.record import Evidence
from pipeline.extraction.assemble import Assembled, assemble
from pipeline.extraction.nlp import SPANS_KEY
from pipeline.extraction.sections import SectionMark, is_own_section, section_at

#: A records-summary entry: a bullet or not, a date, then a dash or colon ("– 06/22/2014 - PR-2, ...").
RECORD_ENTRY = re.compile(
    r"^\s*[–\-•»*·]?\s*(?:\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2,4}|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4})\s*[-–—:]\s"
)
_AGREE = re.compile(r"\bI (?:agree|concur)\b", re.I)


@dataclass
class Sentence:
    """One sentence of the body text with its place in the document."""

    index: int
    span: Span
    text: str
    start: int
    end: int
    section: SectionMark
    #: True when the sentence starts a block (after a blank line: a heading, list item, row or paragraph).
    block_start: bool
    #: True when the sentence's block is an entry of a records summary ("06/22/2014 - Dr. X: ...").
    record_entry: bool = False

    @property
    def own(self) -> bool:
        """True when the sentence is the evaluator's own: an own section, not a summarised record."""
        return is_own_section(self.section.label) and not self.record_entry


@dataclass
class ReportText:
    """A document's assembled text, its spaCy Doc and its sentences."""

    document: Document
    assembled: Assembled
    doc: Doc
    sentences: list[Sentence] = field(default_factory=list)
    evaluator_surname: str | None = None
    #: True for a document that is not a physician's report (a decision, a summary, a letter): its first
    #: person is its author's (a judge, a lawyer), and every finding it reports is somebody else's.
    is_other_document: bool = False
    #: The rating conventions the document shows (authorship.conventions): "texas", "colorado", ...
    conventions: set[str] = field(default_factory=set)
    #: Per-sentence caches of the statement finders (agents, body parts), filled on first use.
    cache: dict[tuple[str, int], object] = field(default_factory=dict)

    @classmethod
    def build(cls, document: Document, nlp: Language) -> ReportText:
        """Assemble the text, run the spaCy pipeline and index the sentences."""
        assembled = assemble(document)
        doc = nlp(assembled.text)
        sents: list[Sentence] = []
        entry = False
        for span in doc.sents:
            text = span.text.strip()
            if not text:
                continue
            lead = len(span.text) - len(span.text.lstrip())
            start = span.start_char + lead
            prev_ws = assembled.text[max(0, start - 2) : start]
            block_start = start == 0 or "\n\n" in prev_ws
            if block_start:
                entry = bool(RECORD_ENTRY.match(text))
            sents.append(
                Sentence(
                    index=len(sents),
                    span=span,
                    text=text,
                    start=start,
                    end=start + len(text),
                    section=section_at(doc, start),
                    block_start=block_start,
                    record_entry=entry,
                )
            )
        return cls(document=document, assembled=assembled, doc=doc, sentences=sents)

    @cached_property
    def spans(self) -> list[Span]:
        """The span-ruler matches, in text order."""
        return sorted(self.doc.spans[SPANS_KEY], key=lambda s: (s.start_char, -s.end_char))

    @cached_property
    def _spans_by_sentence(self) -> dict[int, list[Span]]:
        starts = [s.start for s in self.sentences]
        out: dict[int, list[Span]] = {}
        for sp in self.spans:
            i = bisect.bisect_right(starts, sp.start_char) - 1
            if i >= 0 and sp.start_char < self.sentences[i].end:
                out.setdefault(i, []).append(sp)
        return out

    def spans_in(self, sentence: Sentence, label: str) -> list[Span]:
        """The longest non-overlapping matches with `label` inside `sentence`."""
        found = [s for s in self._spans_by_sentence.get(sentence.index, []) if s.label_ == label]
        out: list[Span] = []
        for s in sorted(found, key=lambda s: (s.start_char, -(s.end_char - s.start_char))):
            if out and s.start_char < out[-1].end_char:
                continue
            out.append(s)
        return out

    def other_physician(self, sentence: Sentence) -> bool:
        """True when the sentence names a physician other than the author (its words are his, unless the
        author agrees: "I agree with Dr. Kim")."""
        from pipeline.extraction.attribution import agents_in, surname

        if _AGREE.search(sentence.text):
            return False
        own = (self.evaluator_surname or "").lower()
        return any(
            a.kind == "physician" and not (a.name and own and surname(a.name).lower() == own)
            for a in agents_in(self, sentence)
        )

    @cached_property
    def _physicians(self) -> tuple[dict[str, str], dict[str, str]]:
        from pipeline.extraction.attribution import surname

        names: dict[str, str] = {}
        roles: dict[str, str] = {}
        for a in self.doc._.agents or []:
            if a.kind != "physician" or not a.name:
                continue
            last = surname(a.name)
            if len(last) < 3 or not last[:1].isupper():
                continue
            if last not in names or len(a.name) > len(names[last]):
                names[last] = a.name
            if a.role and last not in roles:
                roles[last] = a.role
        return names, roles

    def known_surnames(self) -> dict[str, str]:
        """Surnames of the physicians the document names, mapped to the fullest name written."""
        return self._physicians[0]

    def known_role(self, name: str | None) -> str | None:
        """The role the document gives the physician called `name` anywhere ("the PTP, Dr. Kim")."""
        if not name:
            return None
        from pipeline.extraction.attribution import surname

        return self._physicians[1].get(surname(name))

    def entry_head(self, sentence: Sentence, back: int = 10) -> Sentence | None:
        """The first sentence of the record-review entry `sentence` is in ('06/22/2014 - PR-2, Dr. Kim.'),
        looking back a few sentences within its section (an entry's lines may each stand alone: 'Work
        status: TTD.'); None when it is not in a dated entry."""
        cur = sentence
        for _ in range(back + 1):
            if RECORD_ENTRY.match(cur.text):
                return cur
            if cur.index == 0:
                return None
            prev = self.sentences[cur.index - 1]
            if prev.section.label != sentence.section.label:
                return None
            cur = prev
        return None

    def evidence(self, sentence: Sentence, start: int | None = None, end: int | None = None) -> Evidence:
        """Evidence for a value found in `sentence` (optionally a narrower char span of it)."""
        page, bbox, conf, source = self.assembled.locate(
            sentence.start if start is None else start, sentence.end if end is None else end
        )
        text = re.sub(r"\s+", " ", sentence.text)
        return Evidence(
            page=page,
            text=text[:600],
            bbox=bbox,
            section=sentence.section.label,
            text_source="ocr" if source == "ocr" else "text_layer",
            ocr_confidence=None if conf is None else round(conf, 1),
        )

    def local(self, sentence: Sentence, match_start: int) -> int:
        """A doc char offset from an offset into `sentence.text`."""
        return sentence.start + match_start

"""Form fields: 'Label: value' pairs at the top of a report (labels in rules/fields.json), read beside or under the label."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from functools import cache

from models.document import Document, Line, Word
from pipeline.extraction.rules import load_rules


@cache
def _field_labels() -> list[tuple[str, str]]:
    pairs = [(lab, f.id) for f in load_rules().fields for lab in f.labels]
    return sorted(pairs, key=lambda p: -len(p[0]))


@cache
def _label_regex() -> re.Pattern[str]:
    alts = "|".join(re.escape(lab).replace(r"\ ", r"\s+") for lab, _ in _field_labels())
    return re.compile(rf"(?:^|(?<=\s)|(?<=\|))({alts})\s*(?:[:#]|\bno\.?:?|\.:)\s*", re.I)


@dataclass
class Fields:
    """Values of 'Label: value' fields, by field id, in document order, with their page."""

    values: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: Lowest OCR confidence (0-100) of the lines each field was read from; absent for text-layer lines.
    ocr_confidence: dict[str, float] = field(default_factory=dict)
    #: The OCR repairs (`pipeline.reading.repair`) in each field's first value: (as read, as repaired).
    ocr_repairs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: Tesseract's confidence of each word of each field's first value (punctuation stripped).
    ocr_words: dict[str, dict[str, float]] = field(default_factory=dict)

    def first(self, key: str) -> str | None:
        v = self.values.get(key)
        return v[0][0] if v else None

    def all(self, key: str) -> list[str]:
        return [x for x, _ in self.values.get(key, [])]


def _norm_label(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip().rstrip(":#").strip()


@cache
def _label_lookup() -> dict[str, str]:
    return {_norm_label(k): v for k, v in _field_labels()}


def _groups(words: list[Word]) -> list[list[Word]]:
    """Words split at wide gaps, as the cells of a form or a two-column header are."""
    if not words:
        return []
    widths = sorted((w.bbox[2] - w.bbox[0]) / max(1, len(w.text)) for w in words)
    char_w = widths[len(widths) // 2]
    out = [[words[0]]]
    for a, b in itertools.pairwise(words):
        if b.bbox[0] - a.bbox[2] > 2.2 * char_w:
            out.append([b])
        else:
            out[-1].append(b)
    return out


def _char_width(words: list[Word]) -> float:
    widths = sorted((w.bbox[2] - w.bbox[0]) / max(1, len(w.text)) for w in words)
    return widths[len(widths) // 2]


def _gap_before(words: list[Word], i: int) -> float:
    return words[i].bbox[0] - words[i - 1].bbox[2]


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _line_fields(line: Line, below: Line | None, above: Line | None) -> list[tuple[str, str]]:
    """(field id, value) pairs of one line, reading values beside the label or under it."""
    regex = _label_regex()
    lookup = _label_lookup()
    words = line.words
    text = line.text
    if not words or " ".join(w.text for w in words) != text:
        return _regex_fields(text)
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w.text) + 1
    labels: list[tuple[int, int, str]] = []  # first word, word after the label, field id
    for m in regex.finditer(text):
        if m.start(1) > 0 and text[m.start(1) - 1] not in " |":
            continue
        key = lookup.get(_norm_label(m.group(1)))
        if key is None:
            continue
        wa = bisect.bisect_right(starts, m.start(1)) - 1
        wb = bisect.bisect_left(starts, m.end() - 1)
        wb = max(wb, wa + 1)
        while (
            wb < len(words) and starts[wb] < m.end() and words[wb].text.strip() in {":", "#", "No.", "No.:"}
        ):
            wb += 1
        if starts[wa] != m.start(1):
            continue
        if (
            wa > 0
            and _gap_before(words, wa) < 2.2 * _char_width(words)
            and words[wa - 1].text not in {"|", "-"}
            and not words[wa - 1].text.endswith((";", "|"))
        ):
            continue  # a label starts a line or a cell, never the middle of a sentence
        if labels and wa < labels[-1][1]:
            continue
        labels.append((wa, wb, key))
    # Wrapped labels: "Date of" here and "Examination:" under it form one label.
    if below is not None:
        for group in _groups(below.words):
            gtext = _text(group)
            if not gtext.endswith(":") or len(group) > 3:
                continue
            for top in _groups(words):
                if abs(top[0].bbox[0] - group[0].bbox[0]) < 4 and not _text(top).endswith(":"):
                    key = lookup.get(_norm_label(_text(top) + " " + gtext))
                    if key:
                        wa = words.index(top[0])
                        labels.append((wa, wa + len(top), key))
                        labels.sort()
    out: list[tuple[str, str]] = []
    groups = _groups(words)
    if below is not None and below.words and below.words[0].bbox[0] < words[-1].bbox[0]:
        # A label wrapped from the end of this line to the start of the next ("... Claim" / "No.: 123;").
        head = _text(groups[-1]).split(";")[-1].strip()
        tail = next((i for i, w in enumerate(below.words[:3]) if w.text.endswith(":")), None)
        if head and tail is not None and (not labels or labels[-1][1] < len(words)):
            key = lookup.get(_norm_label(head.split()[-1] + " " + _text(below.words[: tail + 1])).rstrip("."))
            rest = _text(below.words[tail + 1 :]).split(";")[0].strip(" |,")
            if key and rest and len(rest.split()) <= 4:
                out.append((key, rest))
    group_of = {id(w): gi for gi, g in enumerate(groups) for w in g}
    for i, (_wa, wb, key) in enumerate(labels):
        limit = labels[i + 1][0] if i + 1 < len(labels) else len(words)
        value_words: list[Word] = []
        for w in words[wb:limit]:
            if value_words and group_of[id(w)] != group_of[id(value_words[-1])]:
                break
            if (
                not value_words
                and wb > 0
                and group_of[id(w)] != group_of[id(words[wb - 1])]
                and _is_label_group(groups[group_of[id(w)]], lookup)
            ):
                break
            value_words.append(w)
        value = _text(value_words).strip(" |;,")
        if not value and below is not None:
            x0, x1 = _column(words, groups, group_of, labels, i)
            value = _text([w for w in below.words if x0 - 4 <= w.bbox[0] < x1 - 4]).strip(" |;,")
            if not value and wb == len(words) and _wa > 0 and words[_wa - 1].text.endswith(";"):
                # A run-in list ("RE: Jane Roe; Employer: Acme; Claim No.:") wraps its last value onto the
                # next line: it runs to the next ";".
                value = below.text.split(";")[0].strip(" |,")
                value = value if value and regex.match(value) is None and len(value.split()) <= 4 else ""
        if value:
            out.append((key, value))
    return out


def _column(
    words: list[Word],
    groups: list[list[Word]],
    group_of: dict[int, int],
    labels: list[tuple[int, int, str]],
    i: int,
) -> tuple[float, float]:
    """The x-range of a form column headed by label i: its cell, up to the next cell or label."""
    wa = labels[i][0]
    gi = group_of[id(words[wa])]
    alone = not any(group_of[id(words[o[0]])] == gi for j, o in enumerate(labels) if j != i)
    x0 = groups[gi][0].bbox[0] if alone else words[wa].bbox[0]
    nexts = [g[0].bbox[0] for g in groups[gi + 1 :]]
    nexts += [words[o[0]].bbox[0] for o in labels if words[o[0]].bbox[0] > words[wa].bbox[0]]
    nexts += [
        w.bbox[0]
        for w in groups[gi]
        if w.bbox[0] > words[wa].bbox[0] and w.text.endswith(":") and w is not words[labels[i][1] - 1]
    ]
    return x0, min(nexts) if nexts else 10_000.0


def _is_label_group(group: list[Word], lookup: dict[str, str]) -> bool:
    text = _text(group)
    return text.endswith(":") and len(group) <= 4


def _regex_fields(text: str) -> list[tuple[str, str]]:
    regex = _label_regex()
    lookup = _label_lookup()
    matches = [m for m in regex.finditer(text) if m.start(1) == 0 or text[m.start(1) - 1] in " |"]
    out = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start(1) if i + 1 < len(matches) else len(text)
        key = lookup.get(_norm_label(m.group(1)))
        value = text[m.end() : end].strip(" |;,")
        if key and value:
            out.append((key, value))
    return out


def read_fields(document: Document, max_pages: int = 3) -> Fields:
    """'Label: value' fields: beside their label, under it (forms), or with a label wrapped over two lines."""
    out = Fields()
    for page in document.pages:
        lines = page.lines
        for i, line in enumerate(lines):
            if page.number > max_pages and not re.search(r"date|p&s|permanent|mmi", line.text, re.I):
                continue
            below = lines[i + 1] if i + 1 < len(lines) else None
            above = lines[i - 1] if i else None
            for key, value in _line_fields(line, below, above):
                if key == "report_date" and page.number > 2:
                    continue
                out.values.setdefault(key, []).append((value, page.number))
                if line.confidence is not None and key not in out.ocr_confidence:
                    words = _value_words(value, [line, below, above])
                    confs = [w.confidence for w in words if w.confidence is not None]
                    # Tesseract's mean word confidence over the words of the value (not over the line, where
                    # a speck read as a stray word or the label drags it down); else the line's.
                    out.ocr_confidence[key] = sum(confs) / len(confs) if confs else line.confidence
                    out.ocr_words[key] = {
                        w.text.strip(" ,;:()"): w.confidence for w in words if w.confidence is not None
                    }
                    repairs = [(w.ocr_text, w.text) for w in words if w.ocr_text is not None]
                    if repairs:
                        out.ocr_repairs[key] = repairs
    return out


def _value_words(value: str, lines: list[Line | None]) -> list[Word]:
    """The OCR words of `value` on the lines it was read from."""
    wanted = {t for t in re.findall(r"[\w/\-.]+", value) if re.search(r"[A-Za-z0-9]{2}", t)}
    return [
        w
        for line in lines
        if line is not None
        for w in line.words
        if w.confidence is not None and w.text.strip(" ,;:()") in wanted
    ]

"""Body parts and sides: the vocabulary of rules/body_parts.csv looked up in short texts, and the side written next to a part."""

from __future__ import annotations

import re

from pipeline.extraction.rules import load_rules

_SIDE = {
    "left": "left",
    "lt": "left",
    "lt.": "left",
    "right": "right",
    "rt": "right",
    "rt.": "right",
    "bilateral": "bilateral",
    "bilaterally": "bilateral",
    "both": "bilateral",
}


_PLURALS = {
    "knees",
    "shoulders",
    "wrists",
    "hands",
    "elbows",
    "hips",
    "ankles",
    "feet",
    "upper extremities",
    "lower extremities",
    "arms",
    "legs",
    "thumbs",
    "eyes",
    "ears",
}


def side_near(text: str, start: int, end: int) -> str | None:
    """The laterality written next to a body-part phrase at [start, end) of `text`."""
    before = text[max(0, start - 25) : start].lower()
    after = text[end : end + 14].lower()
    m = re.search(
        r"(left|right|bilateral|both|lt\.?|rt\.?)(?:\s+and\s+(left|right))?\s*(?:side\s*)?$", before
    )
    if m:
        if m.group(2) and m.group(2) != _SIDE[m.group(1).rstrip(".")]:
            return "bilateral"
        return _SIDE.get(m.group(1), _SIDE.get(m.group(1).rstrip(".")))
    m = re.match(r"\s*[,(\-]?\s*(left|right|bilateral|bilaterally|lt|rt)\b", after)
    if m:
        return _SIDE[m.group(1)]
    # Digest shorthand, capitals only: "R knee", "L. shoulder", "(R) wrist", "knee (L)", "B/L knees".
    m = re.search(r"(?<![A-Za-z0-9/])\(?([LR])\)?\.?\s*$", text[max(0, start - 6) : start])
    if m:
        return "left" if m.group(1) == "L" else "right"
    if re.search(r"(?<![A-Za-z])B/L\s*$", text[max(0, start - 6) : start]):
        return "bilateral"
    m = re.match(r"\s*\(([LR])\)", text[end : end + 6])
    if m:
        return "left" if m.group(1) == "L" else "right"
    phrase = text[start:end].lower()
    if phrase in _PLURALS:
        return "bilateral"
    return None


def takes_side(part: str) -> bool:
    return any(p.canonical == part and p.takes_laterality for p in load_rules().body_parts)


def part_in_text(text: str) -> tuple[str, str | None] | None:
    """The first body part (and side) named in a short text such as a heading, by the vocabulary."""
    low = text.lower()
    best: tuple[int, int, str] | None = None
    for part in load_rules().body_parts:
        for syn in part.synonyms:
            for m in re.finditer(rf"(?<![a-z]){re.escape(syn)}(?![a-z])", low):
                key = (m.start(), -(m.end() - m.start()))
                if best is None or key < (best[0], best[1]):
                    best = (m.start(), -(m.end() - m.start()), part.canonical)
    if best is None:
        return None
    start, neg_len, canonical = best
    side = side_near(text, start, start - neg_len) if takes_side(canonical) else None
    return canonical, side

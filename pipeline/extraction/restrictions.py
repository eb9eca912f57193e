"""Work restrictions and future medical care."""

from __future__ import annotations

import re

from models.record import FutureMedical, WorkRestriction
from pipeline.extraction.rules import load_rules
from pipeline.extraction.textview import ReportText, Sentence

_RESTRICTION = re.compile(
    r"\b(?:no|avoid|preclu\w+|restrict\w*|limit\w*|not (?:to )?(?:lift|carry|push|pull|stand|walk|sit|climb|kneel|"
    r"squat|work)|lifting|carrying|modified (?:work|duty)|full duty|regular (?:work|duty)|return to (?:work|"
    r"full|regular|usual|modified)|may (?:return|work)|sedentary|light duty|off work|temporarily totally disabled|"
    r"occasional|frequent|repetitive|prolonged|overhead|up to \d+ ?(?:pounds|lbs))\b",
    re.I,
)


def extract_restrictions(rt: ReportText) -> list[WorkRestriction]:
    """Sentences of the work-restrictions section that state a restriction or work status."""
    out: list[WorkRestriction] = []
    for s in rt.sentences:
        if s.section.label != "work_restrictions" or not s.own:
            continue
        text = re.sub(r"\s+", " ", s.text).strip()
        if len(text) < 8 or text.isupper() or text.endswith(":"):
            continue
        if rt.other_physician(s):
            continue
        if _RESTRICTION.search(text):
            out.append(
                WorkRestriction(
                    text=re.sub(r"^\s*(?:[-•*]|\d{1,2}[.)])\s*", "", text), evidence=rt.evidence(s)
                )
            )
    return out


def extract_future_medical(rt: ReportText) -> FutureMedical:
    """Whether future medical care is provided, from its section or explicit statements."""
    none_cue = load_rules().pattern("future_medical.none")
    body: list[Sentence] = []
    for s in rt.sentences:
        if not s.own:
            continue
        if none_cue.search(s.text):
            return FutureMedical(provided=False, text=s.text[:600], evidence=rt.evidence(s))
        if s.section.label == "future_medical" and not (s.text.isupper() and len(s.text) < 60):
            body.append(s)
    if body:
        text = " ".join(re.sub(r"\s+", " ", b.text) for b in body[:8])
        return FutureMedical(provided=True, text=text[:1200], evidence=rt.evidence(body[0]))
    for s in rt.sentences:
        if s.own and re.search(
            r"\bfuture medical (?:care|treatment)\b.{0,60}\b(?:provided|include|should|"
            r"recommend|indicated|warranted|necessary|consist|allow|reasonable)",
            s.text,
            re.I,
        ):
            return FutureMedical(provided=True, text=s.text[:600], evidence=rt.evidence(s))
    return FutureMedical()

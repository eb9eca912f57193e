"""The worker's occupation -> the schedule's occupational group (PDRS Section 3, Part A).

A report says "employed as a produce clerk"; the schedule lists "CLERK, SALES" (214), "CLERK, SHIPPING"
(360) ... `search` ranks the schedule's titles for any words (the paralegal's search box and the report's
words alike); `suggest` turns the best match into a suggestion with how sure it is. Only an exact title
(in either word order) in one group is taken without a person confirming it; anything else is a suggestion
the paralegal confirms or replaces from the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.rating.schedule import Occupation, Schedule, load_schedule

_STOP = {"of", "and", "the", "a", "an", "for", "in", "at", "to", "&"}


def _stem(word: str) -> str:
    """A crude stem so that 'landscaper' meets 'landscape' and 'drivers' meets 'driver'."""
    for suffix in ("ers", "er", "ing", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def _words(text: str) -> list[str]:
    text = re.sub(r"['’]s\b", "", text.lower())
    return [_stem(w) for w in re.findall(r"[a-z0-9]+", text) if w not in _STOP and len(w) > 1]


def _orders(title: str) -> list[tuple[list[str], bool]]:
    """A title's words as printed ("CLERK, SALES") and as said ("sales clerk"); True marks the order whose
    last word is the head noun."""
    parts = [p.strip() for p in title.split(",")]
    said = " ".join(reversed(parts))
    return [(_words(title), len(parts) == 1), (_words(said), True)]


@dataclass(frozen=True)
class Match:
    """A schedule title for a query, with a score from 0 to 1 (1: the same words in the same order)."""

    occupation: Occupation
    score: float


def search(query: str, limit: int = 20, schedule: Schedule | None = None) -> list[Match]:
    """The schedule's occupations that best match the words, best first (ties by title)."""
    schedule = schedule or load_schedule()
    q = _words(query)
    if not q:
        return []
    qs = set(q)
    out: list[Match] = []
    for occ in schedule.occupations:
        best = 0.0
        for words, head_last in _orders(occ.title):
            ws = set(words)
            shared = qs & ws
            if not shared:
                continue
            score = len(shared) / len(qs | ws)
            if words == q:
                score = 1.0
            elif head_last and q[-1] == words[-1]:
                score = min(0.99, score + 0.15)  # the same head noun ("... clerk")
            best = max(best, score)
        if best:
            out.append(Match(occ, round(best, 3)))
    out.sort(key=lambda m: (-m.score, m.occupation.title, m.occupation.group))
    return out[:limit]


@dataclass(frozen=True)
class Suggestion:
    """The group for an occupation's words: `certain` only for an exact title in a single group."""

    group: int | None
    title: str | None
    certain: bool
    reason: str
    candidates: tuple[Match, ...] = ()


def suggest(words: str, schedule: Schedule | None = None) -> Suggestion:
    """The schedule's group for an occupation as a report or a person writes it."""
    matches = search(words, limit=8, schedule=schedule)
    if not matches:
        return Suggestion(
            None, None, False, f"'{words}' matches no title in the schedule: pick one from the list"
        )
    exact = [m for m in matches if m.score == 1.0]
    groups = {m.occupation.group for m in exact}
    if exact and len(groups) == 1:
        occ = exact[0].occupation
        return Suggestion(
            occ.group, occ.title, True, f"'{words}' is the schedule's title {occ.title}", tuple(matches)
        )
    if exact:
        listed = ", ".join(f"{m.occupation.group} ({m.occupation.industry})" for m in exact)
        return Suggestion(
            None,
            exact[0].occupation.title,
            False,
            f"{exact[0].occupation.title} is in several groups ({listed}): pick the one for the industry",
            tuple(matches),
        )
    best = matches[0].occupation
    return Suggestion(
        best.group,
        best.title,
        False,
        f"'{words}' is not a title of the schedule; nearest: {best.title} ({best.group}): confirm or pick another",
        tuple(matches),
    )

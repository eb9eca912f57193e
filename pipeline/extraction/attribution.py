"""Attribution: who says each statement, this evaluator or another physician (or a judge, whose numbers
are nobody's finding).

ConText-style: the `medlegal_attribution` component finds agent mentions in every sentence with the
rules of rules/attribution.json (first person, "the undersigned", "Dr. Alvarez", "the PTP, Dr. Kim",
"the AME", "the WCJ", "he" before a rating verb) and keeps them on the Doc (`doc._.agents`). A role next
to a name ("the psychiatric AME, Dr. Maloff"; "Dr. Pinson, the IME physician") is one agent.

`author_at(rt, sentence, offset)` then says whose a value at `offset` is: the nearest mention before it
that still governs it (a possessive "Dr. B's 10%" governs only up to the next rating verb), or a "by /
according to Dr. X" after it, or the physician a quotation is attributed to, else the author of the
sentence before in the same paragraph. "He"/"the doctor" resolve to the last physician mentioned.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Literal

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extraction.matching import matches_by_sentence, sentence_bounds
from pipeline.extraction.numbers import rx
from pipeline.extraction.rules import AgentRule, load_rules

if TYPE_CHECKING:
    from pipeline.extraction.textview import ReportText, Sentence

AgentKind = Literal["self", "physician", "anaphor", "nonphysician"]

#: Which rule wins when two mentions overlap (lower first).
_PRIORITY = {"physician-dr-name": 0, "physician-credentialed-name": 1}


@dataclass(frozen=True)
class Agent:
    """One agent mention: char span in the Doc, its kind, and the physician's name and role if given."""

    kind: AgentKind
    start: int
    end: int
    rule_id: str
    name: str | None = None
    role: str | None = None
    possessive: bool = False
    #: "Dr. Han is the PQME": the mention says who the physician is, it does not govern what follows.
    identifies: bool = False


@dataclass(frozen=True)
class Author:
    """Whose a statement is: `self` (this evaluator), `physician` (another one), `nonphysician`, `none`."""

    kind: Literal["self", "physician", "nonphysician", "none"]
    name: str | None = None
    role: str | None = None
    #: Doc char offset of the mention that decided it (None when inherited or unknown).
    at: int | None = None
    #: An unnamed physician's words ("her initial treating physician"): two unnamed physicians of one
    #: role are two physicians when the document tells them apart.
    mention: str | None = None

    @property
    def key(self) -> str:
        """Groups the findings of one physician: the surname when named, else the words naming them."""
        if self.name:
            return "name:" + surname(self.name).lower()
        if self.mention:
            return "role:" + (self.role or "unknown") + ":" + self.mention
        return "role:" + (self.role or "unknown")


NOBODY = Author("none")


def surname(name: str) -> str:
    """The surname in a written name: 'Dr. Peter Chang-Sing' -> 'Chang-Sing', 'Rafael Ellingson, M.D.' ->
    'Ellingson'."""
    bare = (
        rx("attribution.credential")
        .sub("", rx("attribution.name_title").sub("", name.strip()))
        .strip()
        .rstrip(",")
    )
    bare = re.sub(r"['’]s$", "", bare)
    parts = [p for p in re.split(r"\s+", bare) if p]
    return parts[-1] if parts else bare


@cache
def _compiled() -> list[tuple[AgentRule, re.Pattern[str]]]:
    rules = load_rules()
    return [(r, re.compile(r.pattern, 0 if r.case_sensitive else re.I)) for r in rules.agents]


@cache
def _anchors() -> list[re.Pattern[str] | None]:
    return [
        re.compile(r.anchor, 0 if r.case_sensitive else re.I) if r.anchor else None
        for r in load_rules().agents
    ]


def verbs() -> re.Pattern[str]:
    """The verbs of finding and rating (rules/patterns.json, attribution.finding_verbs)."""
    return rx("attribution.finding_verbs")


def _clean_name(text: str) -> str:
    name = re.sub(r"['’]s$", "", text.strip())
    name = re.sub(r"^Drs\.?\s", "Dr. ", name)  # "Drs. Smith and Jones": Dr. Smith
    return re.sub(r"\s+", " ", name)


def sentence_agents(
    text: str, offset: int = 0, matches: list[tuple[AgentRule, int, int]] | None = None
) -> list[Agent]:
    """The agent mentions of one sentence (doc offsets shifted by `offset`), roles merged into names.
    `matches`: the rule matches in the sentence, when the caller has matched the whole document."""
    if matches is None:
        matches = [(rule, m.start(), m.end()) for rule, regex in _compiled() for m in regex.finditer(text)]
    found: list[tuple[int, int, int, AgentRule]] = []
    for rule, start, end in matches:
        if end > start:
            found.append((start, end, _PRIORITY.get(rule.id, 5), rule))
    found.sort(key=lambda f: (f[0], f[2], -(f[1] - f[0])))
    kept: list[tuple[int, int, AgentRule]] = []
    for s, e, _, rule in found:
        if any(s < ke and ks < e for ks, ke, _ in kept):
            continue
        kept.append((s, e, rule))
    kept.sort(key=lambda k: k[0])
    agents: list[Agent] = []
    for s, e, rule in kept:
        mention = text[s:e]
        possessive = bool(re.search(r"['’]s$", mention)) or mention.lower() in {"his", "her"}
        name = None
        if (
            rule.kind == "physician"
            and rule.role is None
            and rule.id.startswith("physician-")
            and (rule.id != "physician-specialist")
        ):
            name = _clean_name(mention)
        agents.append(Agent(rule.kind, s + offset, e + offset, rule.id, name, rule.role, possessive))
    return _merge_appositions(agents, text, offset)


def _merge_appositions(agents: list[Agent], text: str, offset: int) -> list[Agent]:
    """'the psychiatric AME, Dr. Maloff' and 'Dr. Pinson, the IME physician': one agent, name and role."""
    out: list[Agent] = []
    for a in agents:
        prev = out[-1] if out else None
        if prev is not None and prev.kind == a.kind == "physician":
            gap = rx("attribution.gap_credential").sub("", text[prev.end - offset : a.start - offset])
            if (
                prev.role
                and not prev.name
                and a.name
                and len(gap) <= 14
                and rx("attribution.apposition_gap").match(gap)
            ):
                out[-1] = replace(a, start=prev.start, role=prev.role)
                continue
            if (
                prev.name
                and a.role
                and not a.name
                and len(gap) <= 30
                and rx("attribution.role_after_name").match(gap)
            ):
                out[-1] = replace(prev, role=prev.role or a.role, end=a.end)
                continue
            if a.role and not a.name and re.fullmatch(r"\s*\(\s*[“\"]?\s*", gap):
                out[-1] = replace(prev, role=prev.role or a.role, end=a.end)  # "the Panel QME (“PQME”)"
                continue
            if prev.name and a.role and not a.name and rx("attribution.who_was").match(gap):
                # "Dr. H., the court-appointed physician, who had been the claimant's treating physician":
                # the role says who Dr. H was; it is not another physician.
                out[-1] = replace(prev, role=prev.role or a.role, end=a.end)
                continue
            if prev.name and a.role and not a.name and rx("attribution.identify_gap").match(gap):
                # "Dr. Han is the PQME" names him; "Dr. Lee was the AME who assigned ..." is his finding.
                rest = text[a.end - offset : a.end - offset + 12]
                identifies = not re.match(r"^\s*(?:\([^)]*\)\s*)?,?\s*who\b", rest)
                out[-1] = replace(prev, role=prev.role or a.role, end=a.end, identifies=identifies)
                continue
        out.append(a)
    return out


if not Doc.has_extension("agents"):
    Doc.set_extension("agents", default=None)


@Language.component("medlegal_attribution", assigns=["doc._.agents"])
def medlegal_attribution(doc: Doc) -> Doc:
    """Find agent mentions sentence by sentence and keep them, in text order, on the Doc."""
    agents: list[Agent] = []
    bounds = sentence_bounds(doc)
    text = doc.text  # built from the tokens on every access: once
    found = matches_by_sentence(text, bounds, _compiled(), _anchors())
    for (start, end), matches in zip(bounds, found, strict=True):
        agents.extend(sentence_agents(text[start:end], start, matches))
    doc._.agents = agents
    return doc


def agents_in(rt: ReportText, sentence: Sentence) -> list[Agent]:
    """The agent mentions inside `sentence`, with bare surnames of physicians named earlier added."""
    key = ("agents", sentence.index)
    if key not in rt.cache:
        rt.cache[key] = _agents_in(rt, sentence)
    return rt.cache[key]  # type: ignore[return-value]


def _agents_in(rt: ReportText, sentence: Sentence) -> list[Agent]:
    by_sentence = rt.cache.get(("agents-index", 0))
    if by_sentence is None:
        starts = [s.start for s in rt.sentences]
        index: dict[int, list[Agent]] = {}
        for a in rt.doc._.agents or []:
            i = bisect.bisect_right(starts, a.start) - 1
            if i >= 0:
                index.setdefault(i, []).append(a)
        rt.cache[("agents-index", 0)] = by_sentence = index
    base = [a for a in by_sentence.get(sentence.index, []) if a.start < sentence.end]  # type: ignore[attr-defined]
    known = rt.known_surnames()
    if not known:
        return base
    extra: list[Agent] = []
    for m in re.finditer(r"(?<![\w.])([A-Z][A-Za-z'’\-]+)(?:['’]s)?\b", sentence.text):
        word = re.sub(r"['’]s$", "", m.group(0))
        if word not in known:
            continue
        s, e = sentence.start + m.start(), sentence.start + m.end()
        if any(a.start <= s < a.end for a in base):
            continue
        extra.append(
            Agent("physician", s, e, "known-surname", known[word], None, m.group(0).endswith(("'s", "’s")))
        )
    return sorted(base + extra, key=lambda a: a.start)


def _as_author(rt: ReportText, a: Agent) -> Author:
    if a.kind == "self":
        return Author("self", at=a.start)
    if a.kind == "nonphysician":
        return Author("nonphysician", at=a.start)
    if a.name and rt.evaluator_surname and surname(a.name).lower() == rt.evaluator_surname.lower():
        return Author("self", at=a.start)
    mention = None
    if not a.name:
        # "her initial treating physician" and "her subsequent treating physician" are two physicians;
        # "the authorized treating physician (ATP)" and "the ATP" are one.
        qualifier = rx("attribution.qualifier").search(rt.assembled.text[a.start : a.end])
        mention = qualifier.group(0).lower().replace("’", "'") if qualifier else None
    return Author("physician", a.name, a.role or rt.known_role(a.name), at=a.start, mention=mention)


def _last_physician(rt: ReportText, sentence: Sentence, before: int, back: int = 4) -> Author | None:
    """The last physician named before `before`, in this sentence or the few before it."""
    cur: Sentence | None = sentence
    for _ in range(back + 1):
        if cur is None:
            return None
        for a in reversed(agents_in(rt, cur)):
            if a.start < before and a.kind == "physician":
                return _as_author(rt, a)
        if cur.index == 0:
            return None
        cur = rt.sentences[cur.index - 1]
    return None


def _resolve(rt: ReportText, sentence: Sentence, a: Agent) -> Author:
    if a.kind == "anaphor":
        return _last_physician(rt, sentence, a.start) or NOBODY
    if a.kind == "self" and rt.is_other_document:
        quoted = _quoted_by(rt, sentence, a.start)
        return quoted or Author("nonphysician", at=a.start)
    if a.kind == "self":
        return _quoted_by(rt, sentence, a.start) or _as_author(rt, a)
    return _as_author(rt, a)


def _quoted_by(rt: ReportText, sentence: Sentence, at: int) -> Author | None:
    """The physician a quotation holding `at` is attributed to ('Dr. Hall added: “... I believe ...”')."""
    local = at - sentence.start
    for q in rx("attribution.quotation").finditer(sentence.text):
        if q.start() <= local < q.end():
            return _last_physician(rt, sentence, sentence.start + q.start(), back=2)
    # A quotation that began in an earlier sentence of the paragraph.
    if sentence.text.count("”") > sentence.text.count("“") and not sentence.block_start:
        return _last_physician(rt, sentence, sentence.start, back=3)
    opened = _open_quote(rt, sentence)
    if opened is not None:
        return _last_physician(rt, opened, rt.sentences[opened.index].end, back=1)
    return None


def _open_quote(rt: ReportText, sentence: Sentence, back: int = 6) -> Sentence | None:
    """The earlier sentence of the paragraph whose quotation is still open here ('Dr. N opined: "In my
    opinion ... . I feel that she is P&S'), or None."""
    cur = sentence
    for _ in range(back):
        if cur.block_start or cur.index == 0:
            return None
        cur = rt.sentences[cur.index - 1]
        text = cur.text
        opens = text.count("“") + text.count('"') % 2
        closes = text.count("”")
        if opens > closes:
            return cur
        if closes > 0 or '"' in text:
            return None
    return None


def author_at(rt: ReportText, sentence: Sentence, offset: int, *, inherit: bool = True) -> Author:
    """Whose a value at `offset` (an offset into sentence.text) is."""
    at = sentence.start + offset
    mentions = agents_in(rt, sentence)
    verb_re = verbs()
    # "rated at 10% WPI by the PTP and at 4% WPI by the PQME": a 'by' right after the value wins.
    for a in (m for m in mentions if m.start >= at):
        if rx("attribution.by_right_after").match(rt.assembled.text[at : a.start]):
            return _resolve(rt, sentence, a)
        break
    # "the claimant reached MMI on October 7, 2021, as certified by (Dr. L)": the certifier's.
    for a in (m for m in mentions if m.start >= at and m.kind in ("physician", "self")):
        if rx("attribution.certified_by_after").match(rt.assembled.text[at : a.start]):
            return _resolve(rt, sentence, a)
        break
    for a in reversed([m for m in mentions if m.end <= at]):
        if a.possessive:
            # "Dr. Vance's rating of 14%" is his; "Dr. B's 10%, Dr. A assigned 14%" is not B's.
            between = rx("attribution.possessed_noun").sub("", rt.assembled.text[a.end : at], count=1)
            if verb_re.search(between):
                continue
        if a.kind == "self" and a.rule_id == "self-first-person" and _is_possessive_self(rt, a, at):
            continue
        if a.kind == "physician" and (
            a.identifies or rx("attribution.identification_after").match(rt.assembled.text[a.end : at])
        ):
            continue  # "..., that Dr. Han is the PQME, and that the injury resulted in ...": not his
        return _resolve(rt, sentence, a)
    for a in (m for m in mentions if m.start >= at):
        before = rt.assembled.text[sentence.start : a.start]
        if rx("attribution.by_before_agent").search(before):
            return _resolve(rt, sentence, a)
    # "At the time of maximum medical improvement Dr. Kawaski rated ...": a value in a fronted phrase
    # belongs to the subject that follows it.
    if rx("attribution.fronted_phrase").match(rt.assembled.text[sentence.start : at]):
        for a in (m for m in mentions if m.start >= at and m.kind in ("physician", "self")):
            if verbs().match(rt.assembled.text[a.end : a.end + 40].lstrip(" ,")):
                return _resolve(rt, sentence, a)
            break
    if inherit:
        # The sentences before it in the paragraph, or back to the head of its record-review entry.
        head = rt.entry_head(sentence)
        cur = sentence
        for _ in range(10 if head is not None else 3):
            if cur is head or cur.index == 0 or (cur.block_start and head is None):
                break
            cur = rt.sentences[cur.index - 1]
            prev = agents_in(rt, cur)
            if prev:
                named = [a for a in prev if a.name] if cur is head else []
                return _resolve(rt, cur, named[0] if named else prev[-1])
    return NOBODY


def _is_possessive_self(rt: ReportText, a: Agent, at: int) -> bool:
    """'my prior report' does not make a quoted value mine when another physician governs it; a plain
    'my' far from the value (more than a clause away) does not govern it either."""
    between = rt.assembled.text[a.end : at]
    return bool(re.search(r"[;]", between))


def report_date_near(rt: ReportText, sentence: Sentence, author: Author) -> str | None:
    """The date of the cited physician's report, when the sentence ties one to the report."""
    from pipeline.extraction.dates import find_dates

    text = sentence.text
    pattern = rx("attribution.report_date")
    for d in find_dates(text):
        if not d.iso:
            continue
        before = text[max(0, d.start - 30) : d.start]
        after = text[d.end : d.end + 40]
        if pattern.search(before) or pattern.search(after):
            return d.iso
    return None


def coauthors(
    rt: ReportText, sentence: Sentence, author: Author, value_at: int | None = None
) -> list[Author]:
    """The other physicians of a coordinated subject ("Both the PTP and the QME found ...", "Drs. A and
    B found"): the physician mentions joined to the deciding one by 'and' just before it; and the one
    who agrees with the deciding one ("The DIME agreed with the ATP's determination that ...")."""
    if author.at is None or author.kind not in ("physician", "self"):
        return []
    mentions = agents_in(rt, sentence)
    index = next((i for i, a in enumerate(mentions) if a.start == author.at), None)
    out: list[Author] = []
    if index:
        prev, cur = mentions[index - 1], mentions[index]
        if prev.kind in ("physician", "self", "anaphor") and rx("attribution.agrees_with").search(
            rt.assembled.text[prev.end : cur.start]
        ):
            out.append(_resolve(rt, sentence, prev))
    start = index
    while index:
        prev, cur = mentions[index - 1], mentions[index]
        if prev.kind != "physician" or not rx("attribution.coordinated").match(
            rt.assembled.text[prev.end : cur.start]
        ):
            break
        out.append(_resolve(rt, sentence, prev))
        index -= 1
    # "... as certified by (Dr. L), the designated doctor, and (Dr. C), the RME doctor": a deciding
    # mention after the value takes the mentions coordinated after it too.
    i = start
    while i is not None and value_at is not None and author.at > value_at and i + 1 < len(mentions):
        cur, nxt = mentions[i], mentions[i + 1]
        if nxt.kind != "physician" or not rx("attribution.coordinated").match(
            rt.assembled.text[cur.end : nxt.start]
        ):
            break
        out.append(_resolve(rt, sentence, nxt))
        i += 1
    return out

"""Which reports are about one case, and which files are the same report (docs/cases.md).

Plain functions over records and over the small keys the store indexes (`CaseKeys`, `Fingerprint`), so the
store can regroup without reading record bodies.

- Case: reports sharing a WCAB case number (union-find: a report carrying two numbers joins both); a report
  with no number joins by the applicant's normalised name together with an equal injury date, never by
  name alone.
- Same report: `same_report(a, b)`: evaluator surname, exam date and report date agree, and the findings of
  one are a subset of the other's with at least one decisive value (MMI or a WPI) in common.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from models.record import ReportRecord

#: Words dropped from names: titles, degrees and suffixes (single letters go as initials).
_TITLES = frozenset(
    {"dr", "doctor", "md", "do", "phd", "ph", "psyd", "psy", "dc", "mr", "mrs", "ms", "miss"}
    | {"jr", "sr", "ii", "iii", "iv", "facs", "faaos", "mph", "pt", "np", "pa"}
)


# --- names -------------------------------------------------------------------------------------------


def _ascii_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z]+(?:['-][a-z]+)*", plain)


def normalise_name(name: str | None) -> str | None:
    """A person's name for matching: "LINDQVIST, Keisha M." -> "keisha lindqvist".

    Lower case, accents and punctuation dropped, "Last, First" turned around, single-letter initials and
    titles dropped. None when nothing is left.
    """
    if not name or not name.strip():
        return None
    text = name
    if text.count(",") == 1:
        last, first = text.split(",")
        text = f"{first} {last}"
    words = [w for w in _ascii_words(text) if len(w) > 1 and w.replace("'", "") not in _TITLES]
    return " ".join(words) or None


def evaluator_surname(name: str | None) -> str | None:
    """The evaluator's surname, normalised: "Jane Roe, M.D." -> "roe"."""
    if not name:
        return None
    head = re.split(r",\s*(?:m\.?\s*d|d\.?\s*o|ph\.?\s*d|psy\.?\s*d|d\.?\s*c)\b", name, flags=re.I)[0]
    words = [w for w in _ascii_words(head) if len(w) > 1 and w not in _TITLES]
    return words[-1] if words else None


# --- case keys ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseKeys:
    """What decides a report's case: its case numbers, the applicant's normalised name, its injury dates,
    the applicant's date of birth."""

    case_numbers: tuple[str, ...]
    applicant: str | None
    injury_dates: tuple[str, ...]
    birth_date: str | None = None

    def join_dates(self) -> tuple[str, ...]:
        """The dates that, with the name, join reports without a number: injury dates and the birth date
        (kept apart by a prefix: a birth date never matches an injury date)."""
        return self.injury_dates + ((f"born {self.birth_date}",) if self.birth_date else ())


def injury_dates(record: ReportRecord) -> tuple[str, ...]:
    """Every date of injury the record names: specific dates and cumulative-trauma start and end dates."""
    dates = {d for i in record.claim.injuries for d in (i.start, i.end) if d}
    return tuple(sorted(dates))


def case_keys(record: ReportRecord) -> CaseKeys:
    """The keys `group_cases` joins reports by."""
    numbers = sorted({n.strip().upper() for n in record.claim.case_numbers if n and n.strip()})
    return CaseKeys(
        tuple(numbers),
        normalise_name(record.claim.applicant),
        injury_dates(record),
        record.claim.date_of_birth,
    )


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent: dict[str, str] = {i: i for i in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for i in self.parent:
            out.setdefault(self.find(i), []).append(i)
        return list(out.values())


def group_cases(
    items: Sequence[tuple[str, CaseKeys]], fingerprints: Mapping[str, Fingerprint] | None = None
) -> dict[str, str]:
    """The case key of every document id (sha256) in `items`.

    1. Documents sharing a case number are one case (a document with two numbers joins both).
    2. Documents with no case number that share the applicant's normalised name and an injury date or the
       date of birth are one case.
    3. Such a group joins the numbered case whose documents share that name and an injury date, when
       there is exactly one; when several numbered cases match, it stays apart: a name never merges two
       numbered cases.
    4. Two documents that are the same report (`same_report` on their `fingerprints`, the applicant's
       names alike, and what they quote agreeing when both quote something) are in one case, whatever
       numbers were read: a fax whose case number OCR misread is still that report.
    A document with no number and no name or no injury date stays a case of its own.
    """
    uf = _UnionFind(i for i, _ in items)
    keyed = dict(items)
    by_number: dict[str, str] = {}
    by_name_date: dict[tuple[str, str], list[str]] = {}
    for doc, keys in items:
        for number in keys.case_numbers:
            uf.union(by_number.setdefault(number, doc), doc)
        if keys.applicant:
            for day in keys.join_dates():
                by_name_date.setdefault((keys.applicant, day), []).append(doc)
    loose_of: dict[tuple[str, str], list[str]] = {}
    for pair, docs in by_name_date.items():
        loose = [d for d in docs if not keyed[d].case_numbers]
        loose_of[pair] = loose
        for other in loose[1:]:
            uf.union(loose[0], other)
    numbered_roots = {d: uf.find(d) for d, k in items if k.case_numbers}
    matches: dict[str, set[str]] = {}
    for pair, docs in by_name_date.items():
        for doc in loose_of[pair]:
            root = uf.find(doc)
            matches.setdefault(root, set()).update(numbered_roots[d] for d in docs if d in numbered_roots)
    for root, numbered in matches.items():
        if len(numbered) == 1:
            uf.union(root, next(iter(numbered)))
    for a, b in _same_report_pairs(items, fingerprints or {}):
        uf.union(a, b)
    result: dict[str, str] = {}
    for members in uf.groups():
        key = case_key([keyed[m] for m in members], members)
        for m in members:
            result[m] = key
    return result


def _names_agree(a: str | None, b: str | None) -> bool:
    """Normalised applicant names that are one person's as OCR may read it (or one is missing)."""
    return a is None or b is None or difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def _same_report_pairs(
    items: Sequence[tuple[str, CaseKeys]], fingerprints: Mapping[str, Fingerprint]
) -> list[tuple[str, str]]:
    """Pairs of documents that are one report, compared within buckets of evaluator and dates."""
    buckets: dict[tuple[str, str, str], list[str]] = {}
    for doc, _ in items:
        fp = fingerprints.get(doc)
        if fp and fp.evaluator and fp.exam_date and fp.report_date:
            buckets.setdefault((fp.evaluator, fp.exam_date, fp.report_date), []).append(doc)
    keys = dict(items)
    pairs: list[tuple[str, str]] = []
    for docs in buckets.values():
        for n, a in enumerate(docs):
            for b in docs[n + 1 :]:
                fa, fb = fingerprints[a], fingerprints[b]
                if (
                    same_report(fa, fb)
                    and _names_agree(keys[a].applicant, keys[b].applicant)
                    and (not (fa.text and fb.text) or text_containment(fa, fb) >= TEXT_AGREES)
                ):
                    pairs.append((a, b))
    return pairs


def case_key(members: Sequence[CaseKeys], docs: Sequence[str] = ()) -> str:
    """The stable key of a case: its smallest case number, else "applicant:<name>:<earliest injury date>",
    else (a lone report with no number, name or date) "document:<sha256>"."""
    numbers = sorted({n for k in members for n in k.case_numbers})
    if numbers:
        return numbers[0]
    for k in sorted(members, key=lambda k: (k.applicant or "", k.join_dates())):
        if k.applicant and k.join_dates():
            dates = sorted({d for m in members if m.applicant == k.applicant for d in m.join_dates()})
            return f"applicant:{k.applicant}:{dates[0]}"
    return f"document:{min(docs)}" if docs else "document:"


# --- duplicates --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    """What a report says, as the duplicate rule compares it (never the file's bytes)."""

    type: str | None
    evaluator: str | None
    exam_date: str | None
    report_date: str | None
    mmi_status: str | None
    mmi_date: str | None
    impairments: tuple[tuple[str, str | None, float], ...]
    combined_wpi: float | None
    #: MinHash signature of the word 3-grams of every sentence the record quotes as evidence (its own
    #: findings, the record review's cited findings, restrictions): what the text says, beyond the numbers.
    text: tuple[int, ...] = ()
    #: How many distinct 3-grams the signature was made from.
    text_size: int = 0

    def to_json(self) -> str:
        return json.dumps(
            {
                "type": self.type,
                "evaluator": self.evaluator,
                "exam_date": self.exam_date,
                "report_date": self.report_date,
                "mmi_status": self.mmi_status,
                "mmi_date": self.mmi_date,
                "impairments": [list(i) for i in self.impairments],
                "combined_wpi": self.combined_wpi,
                "text": list(self.text),
                "text_size": self.text_size,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Fingerprint:
        d: dict[str, Any] = json.loads(text)
        return cls(
            type=d.get("type"),
            evaluator=d.get("evaluator"),
            exam_date=d.get("exam_date"),
            report_date=d.get("report_date"),
            mmi_status=d.get("mmi_status"),
            mmi_date=d.get("mmi_date"),
            impairments=tuple((str(p), s, float(w)) for p, s, w in d.get("impairments", [])),
            combined_wpi=d.get("combined_wpi"),
            text=tuple(int(x) for x in d.get("text", [])),
            text_size=int(d.get("text_size", 0)),
        )

    def findings(self) -> frozenset[tuple[Any, ...]]:
        """The findings as a set of facts; an OCR'd copy that lost a value has a subset of them."""
        facts: set[tuple[Any, ...]] = set()
        if self.mmi_status:
            facts.add(("mmi_status", self.mmi_status))
        if self.mmi_date:
            facts.add(("mmi_date", self.mmi_date))
        facts.update(("wpi", *i) for i in self.impairments)
        if self.combined_wpi is not None:
            facts.add(("combined_wpi", self.combined_wpi))
        return frozenset(facts)


def fingerprint(record: ReportRecord) -> Fingerprint:
    """The record's fingerprint: type, evaluator surname, dates, own MMI, own impairments, combined WPI."""
    mmi = record.mmi
    signature, size = text_signature(_evidence_texts(record.model_dump(mode="json")))
    impairments = tuple(
        sorted((i.body_part.strip().lower(), i.laterality, float(i.wpi)) for i in record.impairments)
    )
    combined = record.combined_wpi.value
    return Fingerprint(
        type=record.report.type,
        evaluator=evaluator_surname(record.report.evaluator.name),
        exam_date=record.report.exam_date,
        report_date=record.report.report_date,
        mmi_status=mmi.status if mmi.status != "not_stated" else None,
        mmi_date=mmi.date if mmi.status == "reached" else None,
        impairments=impairments,
        combined_wpi=float(combined) if combined is not None else None,
        text=signature,
        text_size=size,
    )


#: MinHash size, and the containment of one record's quoted text in another's above which they agree.
_MINHASH = 64
TEXT_AGREES = 0.5
#: The MinHash permutations: h -> (a h + b) mod p, with fixed a, b (the signature is stored, so they never change).
_PRIME = (1 << 61) - 1
_PERMUTATIONS = tuple(
    (
        int.from_bytes(hashlib.blake2b(b"medlegal-a%d" % k, digest_size=8).digest(), "big") % _PRIME | 1,
        int.from_bytes(hashlib.blake2b(b"medlegal-b%d" % k, digest_size=8).digest(), "big") % _PRIME,
    )
    for k in range(_MINHASH)
)


def _evidence_texts(value: Any) -> Iterable[str]:
    """Every evidence sentence in a record's JSON, wherever it sits."""
    if isinstance(value, dict):
        ev = value.get("evidence")
        if isinstance(ev, dict) and isinstance(ev.get("text"), str):
            yield ev["text"]
        for k, v in value.items():
            if k != "evidence":
                yield from _evidence_texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _evidence_texts(v)


def text_signature(texts: Iterable[str]) -> tuple[tuple[int, ...], int]:
    """MinHash of the distinct word 3-grams (lowercase letters and digits) of `texts`, and their number;
    ((), 0) when there are none. OCR changes a few words, so a scan keeps most 3-grams of its original."""
    words = [w for t in texts for w in re.findall(r"[a-z0-9]+", t.lower())]
    grams = {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}
    if not grams:
        return (), 0
    hashes = [int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams]
    signature = tuple(min((ka * h + kb) % _PRIME for h in hashes) for ka, kb in _PERMUTATIONS)
    return signature, len(grams)


def text_containment(a: Fingerprint, b: Fingerprint) -> float:
    """How much of the smaller text the other holds: |A and B| / min(|A|, |B|), from the MinHash estimate
    of Jaccard similarity J and the sizes (|A and B| = J (|A| + |B|) / (1 + J)). A fax's record quotes
    fewer, noisier sentences than its original's: containment, unlike Jaccard, is not lowered by that."""
    if not a.text or not b.text or len(a.text) != len(b.text) or not a.text_size or not b.text_size:
        return 0.0
    j = sum(x == y for x, y in zip(a.text, b.text, strict=True)) / len(a.text)
    return min(1.0, j * (a.text_size + b.text_size) / (1 + j) / min(a.text_size, b.text_size))


_DECISIVE = ("mmi_status", "mmi_date", "wpi")


def same_report(a: Fingerprint, b: Fingerprint) -> bool:
    """True when two files are one report (docs/cases.md, "How near is the same").

    1. Identity: evaluator surname, exam date and report date are each equal; a value missing on both
       sides counts as equal only when the other two are present and equal; missing on one side only is
       a difference. Report types, when both are known, are equal.
    2. Findings: the findings of one are a subset of the other's (OCR may lose values, never adds them),
       and they share an MMI date or a WPI rating; or, for reports that share no such value (a progress
       report that rates nothing, where "not P&S" is what every such report of the worker says), the
       sentences they quote agree (`text_containment` of at least `TEXT_AGREES`), or, when either quotes
       nothing, the MMI status.
    """
    if a.type and b.type and a.type != b.type:
        return False
    pairs = [(a.evaluator, b.evaluator), (a.exam_date, b.exam_date), (a.report_date, b.report_date)]
    present_equal = sum(1 for x, y in pairs if x is not None and x == y)
    for x, y in pairs:
        if x is None and y is None:
            if present_equal < 2:
                return False
        elif x != y:
            return False
    fa, fb = a.findings(), b.findings()
    if not (fa <= fb or fb <= fa):
        return False
    shared = {fact[0] for fact in fa & fb}
    if shared & {"mmi_date", "wpi"}:
        return True
    if a.text and b.text:
        return text_containment(a, b) >= TEXT_AGREES
    return "mmi_status" in shared


def duplicate_groups(items: Sequence[tuple[str, Fingerprint]]) -> list[list[str]]:
    """Documents that are the same report (pairwise `same_report`, closed transitively), in input order."""
    ids = [i for i, _ in items]
    uf = _UnionFind(ids)
    for n, (i, fa) in enumerate(items):
        for j, fb in items[n + 1 :]:
            if same_report(fa, fb):
                uf.union(i, j)
    order = {d: n for n, d in enumerate(ids)}
    return sorted((sorted(g, key=order.__getitem__) for g in uf.groups()), key=lambda g: order[g[0]])


_STATUS_RANK = {"exported": 0, "approved": 0, "ready": 1, "needs_review": 2, "rejected": 3}


def text_quality(record: ReportRecord) -> float:
    """The share of pages read from the text layer (born digital) rather than OCR: 1.0 best."""
    pages = record.source.pages
    if not pages:
        return 0.0
    return sum(1 for p in pages if p.text_source == "text_layer") / len(pages)


def canonical_order(record: ReportRecord, status: str, received: str | None, sha256: str) -> tuple[Any, ...]:
    """Sort key choosing a duplicate group's canonical file: best text (born digital over OCR), then
    approved/exported, ready, needs review, rejected; then earliest received; then sha256."""
    return (-text_quality(record), _STATUS_RANK.get(status, 4), received or "9999-99-99", sha256)

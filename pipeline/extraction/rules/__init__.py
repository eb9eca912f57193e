"""medlegal's rules as data: vocabularies, section headings, context triggers and regex cues.

`load_rules()` reads every file here through importlib.resources and validates it with a strict schema
(`extra="forbid"`), so a bad rule fails at start-up with the file, line and rule id that are wrong. The
files, and who reads them:

    body_parts.csv    vocabulary of body parts (canonical name, synonyms) -> span ruler, bodyparts.py
    specialties.csv   specialty phrases -> evaluator.py
    sections.json     heading patterns -> section labels (own / not own) -> sections.py
    patterns.json     every regex of the engine, by id (`RuleSet.pattern(id)`): units, clauses, MMI,
                      WPI, apportionment, report cues -> numbers.py, statements.py, findings.py, report.py
    fields.json       labels of 'Label: value' header fields -> fields.py
    dre.json          DRE category WPI ranges by spine region -> validate.py
    attribution.json  who says it: agent mentions (self, physician, judge), finding verbs -> attribution.py

Rule ids are one id space across the files (a duplicate fails at load), and every id is referenced
somewhere (tests/pipeline/extraction/test_rules.py checks it). Bump `RULES_VERSION` whenever a rule
changes what is extracted (the flows re-process stored documents when it changes).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.errors import RulesError

RULES_VERSION = "2026.12.07-2"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as e:
        raise ValueError(f"invalid regex: {e}") from e
    return value


class BodyPartRule(_Strict):
    canonical: str
    region: str
    takes_laterality: bool
    synonyms: list[str] = Field(min_length=1)


class SectionLabel(_Strict):
    own: bool


class SectionRule(_Strict):
    id: str
    label: str
    pattern: str
    _v = field_validator("pattern")(_check_regex)


class SectionRules(_Strict):
    labels: dict[str, SectionLabel]
    rules: list[SectionRule]


class AgentRule(_Strict):
    """One agent pattern of attribution.json: who a mention names."""

    id: str
    kind: Literal["self", "physician", "anaphor", "nonphysician"]
    pattern: str
    role: Literal["PTP", "QME", "AME", "IME", "treating", "other"] | None = None
    case_sensitive: bool = False
    #: Words every match contains: the full pattern runs only on sentences where the anchor matches.
    anchor: str | None = None
    _v = field_validator("pattern", "anchor")(_check_regex)


class PatternRule(_Strict):
    """One entry of patterns.json: a regex, or the name of the Python predicate that applies the rule."""

    id: str = Field(pattern=r"^[a-z_]+\.[a-z_]+$")
    doc: str = Field(min_length=10)
    pattern: str | None = None
    code: str | None = None
    _v = field_validator("pattern")(lambda v: v if v is None else _check_regex(v))

    def model_post_init(self, _context: Any) -> None:
        if (self.pattern is None) == (self.code is None):
            raise ValueError("a rule has a pattern or names its code, not both")


class SpecialtyRule(_Strict):
    """One phrase of specialties.csv and the specialty it names."""

    specialty: str
    phrase: str = Field(min_length=3)


class FieldRule(_Strict):
    """One header field of fields.json: its id and the labels that introduce it."""

    id: str
    labels: list[str] = Field(min_length=1)
    #: False for a field recognised only so its value is not taken for another (a date of birth).
    read: bool = True


class DreRules(_Strict):
    """dre.json: WPI range [low, high] per DRE category, by spine region."""

    ranges: dict[str, dict[Literal["I", "II", "III", "IV", "V"], tuple[int, int]]]


@dataclass(frozen=True)
class RuleSet:
    """Every rule, validated and compiled."""

    body_parts: list[BodyPartRule]
    sections: SectionRules
    section_regexes: list[tuple[SectionRule, re.Pattern[str]]]
    #: rules/patterns.json, by id (code rules included: they document a predicate and have no regex).
    patterns: dict[str, PatternRule]
    compiled: dict[str, re.Pattern[str]]
    specialties: list[SpecialtyRule]
    fields: list[FieldRule]
    dre: DreRules
    #: attribution.json: the agent patterns (who a mention names).
    agents: list[AgentRule]

    def pattern(self, rule_id: str) -> re.Pattern[str]:
        """The compiled regex of the pattern rule `rule_id`."""
        return self.compiled[rule_id]

    def ids(self) -> set[str]:
        """Every rule id of every file."""
        return (
            set(self.patterns)
            | {r.id for r in self.sections.rules}
            | {r.id for r in self.fields}
            | {r.id for r in self.agents}
        )


def _read(name: str) -> str:
    return resources.files("pipeline.extraction.rules").joinpath(name).read_text(encoding="utf-8")


def _fail(name: str, where: str, e: Exception) -> RulesError:
    return RulesError(f"rule file {name}, {where}: {e}")


def _load_body_parts() -> list[BodyPartRule]:
    rows = []
    for i, row in enumerate(csv.DictReader(io.StringIO(_read("body_parts.csv"))), start=2):
        try:
            rows.append(
                BodyPartRule(
                    canonical=row["canonical"],
                    region=row["region"],
                    takes_laterality=row["takes_laterality"] == "yes",
                    synonyms=[s.strip() for s in row["synonyms"].split(";") if s.strip()],
                )
            )
        except (ValidationError, KeyError) as e:
            raise _fail("body_parts.csv", f"line {i}", e) from e
    return rows


def _line_of(text: str, rule_id: str) -> int | None:
    """The line of `"id": "<rule_id>"` in a JSON file's text."""
    m = re.search(rf'"id"\s*:\s*"{re.escape(rule_id)}"', text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _json(name: str) -> Any:
    text = _read(name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise _fail(name, f"line {e.lineno}", e) from e


def _load_json_list(name: str, key: str, model: type[_Strict]) -> list[Any]:
    text = _read(name)
    data = _json(name)
    out = []
    seen: set[str] = set()
    for i, item in enumerate(data[key]):
        rule_id = str(item.get("id", "?")) if isinstance(item, dict) else "?"
        line = _line_of(text, rule_id)
        where = f"line {line}, rule {rule_id}" if line else f"{key}[{i}], rule {rule_id}"
        if rule_id in seen:
            raise _fail(name, where, ValueError("duplicate rule id"))
        seen.add(rule_id)
        try:
            out.append(model.model_validate(item))
        except ValidationError as e:
            raise _fail(name, where, e) from e
    return out


def _load_specialties() -> list[SpecialtyRule]:
    rows = []
    for i, row in enumerate(csv.DictReader(io.StringIO(_read("specialties.csv"))), start=2):
        try:
            rows.append(SpecialtyRule.model_validate(row))
        except ValidationError as e:
            raise _fail("specialties.csv", f"line {i}, rule {row.get('phrase', '?')}", e) from e
    return rows


@cache
def load_rules() -> RuleSet:
    """Load and validate every rule file; raises RulesError naming the file and entry at fault."""
    body_parts = _load_body_parts()
    try:
        raw = json.loads(_read("sections.json"))
        sections = SectionRules.model_validate({k: v for k, v in raw.items() if not k.startswith("_")})
    except ValidationError as e:
        raise _fail("sections.json", "schema", e) from e
    unknown = {r.label for r in sections.rules} - set(sections.labels)
    if unknown:
        raise RulesError(f"rule file sections.json: unknown labels {sorted(unknown)}")
    patterns: list[PatternRule] = _load_json_list("patterns.json", "patterns", PatternRule)
    try:
        dre = DreRules.model_validate({k: v for k, v in _json("dre.json").items() if not k.startswith("_")})
    except ValidationError as e:
        raise _fail("dre.json", "schema", e) from e
    rules = RuleSet(
        body_parts=body_parts,
        sections=sections,
        section_regexes=[(r, re.compile(r.pattern, re.I)) for r in sections.rules],
        patterns={r.id: r for r in patterns},
        compiled={r.id: re.compile(r.pattern, re.I) for r in patterns if r.pattern is not None},
        specialties=_load_specialties(),
        fields=_load_json_list("fields.json", "fields", FieldRule),
        dre=dre,
        agents=_load_json_list("attribution.json", "agents", AgentRule),
    )
    every = (
        [r.id for r in patterns]
        + [r.id for r in sections.rules]
        + [r.id for r in rules.fields]
        + [r.id for r in rules.agents]
    )
    twice = sorted({i for i in every if every.count(i) > 1})
    if twice:
        raise RulesError(f"rule ids used in two places (one id space across the rule files): {twice}")
    return rules

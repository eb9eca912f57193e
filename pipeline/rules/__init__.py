"""medlegal's rules as data: vocabularies, section headings, context triggers and regex cues.

`load_rules()` reads every file here through importlib.resources and validates it with a strict schema,
so a bad rule fails at start-up with the file and entry that are wrong. Bump `RULES_VERSION` whenever a
rule changes what is extracted (the flows re-process stored documents when it changes).
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

RULES_VERSION = "2026.11.26-1"


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


class ContextRule(_Strict):
    id: str
    category: Literal["NEGATED", "HYPOTHETICAL", "OTHER_PHYSICIAN", "PSEUDO", "TERMINATE"]
    pattern: str
    direction: Literal["forward", "backward", "bidirectional"] = "bidirectional"
    #: How many words away from the trigger a target may be (None: to the sentence end or a terminator).
    max_scope: int | None = None
    case_sensitive: bool = False
    _v = field_validator("pattern")(_check_regex)


class Cue(_Strict):
    id: str
    pattern: str
    _v = field_validator("pattern")(_check_regex)


class SpanPattern(_Strict):
    """One SpanRuler pattern line of patterns.jsonl."""

    label: str
    pattern: str | list[dict[str, object]]
    id: str


@dataclass(frozen=True)
class RuleSet:
    """Every rule, validated and compiled."""

    body_parts: list[BodyPartRule]
    sections: SectionRules
    section_regexes: list[tuple[SectionRule, re.Pattern[str]]]
    context: list[ContextRule]
    cues: dict[str, re.Pattern[str]]
    span_patterns: list[SpanPattern]

    def cue(self, name: str) -> re.Pattern[str]:
        """The compiled cue regex called `name`."""
        return self.cues[name]


def _read(name: str) -> str:
    return resources.files("pipeline.rules").joinpath(name).read_text(encoding="utf-8")


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


def _load_json_list(name: str, key: str, model: type[_Strict]) -> list[Any]:
    data = json.loads(_read(name))
    out = []
    for i, item in enumerate(data[key]):
        try:
            out.append(model.model_validate(item))
        except ValidationError as e:
            raise _fail(name, f"{key}[{i}] ({item.get('id', '?')})", e) from e
    return out


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
    context = _load_json_list("context.json", "rules", ContextRule)
    cues = _load_json_list("cues.json", "cues", Cue)
    spans: list[SpanPattern] = []
    for i, line in enumerate(_read("patterns.jsonl").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            spans.append(SpanPattern.model_validate_json(line))
        except ValidationError as e:
            raise _fail("patterns.jsonl", f"line {i}", e) from e
    return RuleSet(
        body_parts=body_parts,
        sections=sections,
        section_regexes=[(r, re.compile(r.pattern, re.I)) for r in sections.rules],
        context=context,
        cues={c.id: re.compile(c.pattern, re.I) for c in cues},
        span_patterns=spans,
    )

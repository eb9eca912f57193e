"""Rules are data with one source of truth: every rule is read, and a bad rule file names file, line, id."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from pipeline.errors import RulesError
from pipeline.extraction import rules as rules_module
from pipeline.extraction.rules import load_rules

ROOT = Path(__file__).resolve().parents[3]
RULES_DIR = ROOT / "pipeline" / "extraction" / "rules"


def _python_sources() -> str:
    files = [p for p in (ROOT / "pipeline").rglob("*.py") if RULES_DIR not in p.parents]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def test_every_rule_file_is_loaded() -> None:
    on_disk = {p.name for p in RULES_DIR.iterdir() if p.suffix in {".json", ".jsonl", ".csv"}}
    loader = Path(rules_module.__file__).read_text(encoding="utf-8")
    assert {n for n in on_disk if f'"{n}"' not in loader} == set()


def test_every_pattern_is_used_by_its_id() -> None:
    """A pattern nothing names is a bug: a maintainer widens it and nothing changes."""
    source = _python_sources()
    unused = sorted(rid for rid in load_rules().patterns if f'"{rid}"' not in source)
    assert not unused, f"patterns nothing reads (delete them or use them): {unused}"


def test_every_code_rule_names_a_function_that_exists() -> None:
    for rule in load_rules().patterns.values():
        if rule.code is None:
            continue
        module, _, function = rule.code.partition(".")
        text = (ROOT / "pipeline" / "extraction" / f"{module}.py").read_text(encoding="utf-8")
        assert f"def {function}(" in text, rule.id


def test_every_rule_id_a_statement_can_carry_is_documented() -> None:
    """Evidence names rule ids; each is an entry of patterns.json (a regex or a named predicate)."""
    source = (ROOT / "pipeline" / "extraction" / "statements.py").read_text(encoding="utf-8")
    source += (ROOT / "pipeline" / "extraction" / "findings.py").read_text(encoding="utf-8")
    family = r"(?:number|unit|clause|statement|part|wpi|table|mmi|apportionment|attribution)"
    named = {
        rid
        for line in source.splitlines()
        if re.search(r"\brules?\b|\bhow\b|\brx\(|\brid\b", line)
        for rid in re.findall(rf'"({family}\.[a-z_]+)"', line)
    }
    assert named, "no rule ids found in the engine"
    assert named - set(load_rules().patterns) == set()


def test_every_field_and_section_label_is_referenced() -> None:
    source = _python_sources()
    rules = load_rules()
    fields = sorted(f.id for f in rules.fields if f.read and f'"{f.id}"' not in source)
    assert not fields, f"header fields nothing reads: {fields}"
    labels_used = {r.label for r in rules.sections.rules}
    assert set(rules.sections.labels) == labels_used, "section labels without a heading rule, or the reverse"


def test_rule_ids_are_one_id_space_across_the_files(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = load_rules()
    every = [*rules.patterns, *(r.id for r in rules.sections.rules), *(f.id for f in rules.fields)]
    every += [a.id for a in rules.agents]
    assert len(every) == len(set(every)) == len(rules.ids())
    text = resources.files("pipeline.extraction.rules").joinpath("patterns.json").read_text(encoding="utf-8")
    data = json.loads(text)
    data["patterns"].append({"id": "mmi.cue", "doc": "a second rule with the same id", "pattern": "x"})
    real = rules_module._read
    monkeypatch.setattr(
        rules_module, "_read", lambda name: json.dumps(data) if name == "patterns.json" else real(name)
    )
    load_rules.cache_clear()
    try:
        with pytest.raises(RulesError, match=r"patterns\.json.*duplicate rule id"):
            load_rules()
    finally:
        monkeypatch.undo()
        load_rules.cache_clear()


def test_body_part_and_specialty_vocabularies_are_used() -> None:
    rules = load_rules()
    assert rules.body_parts and all(p.synonyms for p in rules.body_parts)
    assert rules.specialties
    assert "load_rules().specialties" in _python_sources()


def test_a_bad_rule_names_file_line_and_rule_id(monkeypatch: pytest.MonkeyPatch) -> None:
    text = resources.files("pipeline.extraction.rules").joinpath("patterns.json").read_text(encoding="utf-8")
    data = json.loads(text)
    data["patterns"][2]["pattern"] = "(unclosed"
    bad_id = data["patterns"][2]["id"]
    bad = json.dumps(data, indent=2)
    line = bad.splitlines().index(next(x for x in bad.splitlines() if f'"id": "{bad_id}"' in x)) + 1
    real = rules_module._read
    monkeypatch.setattr(rules_module, "_read", lambda name: bad if name == "patterns.json" else real(name))
    load_rules.cache_clear()
    try:
        with pytest.raises(RulesError, match=rf"patterns\.json, line {line}, rule {re.escape(bad_id)}"):
            load_rules()
    finally:
        monkeypatch.undo()
        load_rules.cache_clear()


def test_a_rule_with_an_unknown_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    text = resources.files("pipeline.extraction.rules").joinpath("patterns.json").read_text(encoding="utf-8")
    data = json.loads(text)
    data["patterns"][0]["scope"] = 3
    first = data["patterns"][0]["id"]
    real = rules_module._read
    monkeypatch.setattr(
        rules_module, "_read", lambda name: json.dumps(data) if name == "patterns.json" else real(name)
    )
    load_rules.cache_clear()
    try:
        with pytest.raises(RulesError, match=rf"patterns\.json.*rule {re.escape(first)}"):
            load_rules()
    finally:
        monkeypatch.undo()
        load_rules.cache_clear()

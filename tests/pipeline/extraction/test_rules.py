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


def test_every_cue_is_looked_up_by_id() -> None:
    source = _python_sources()
    unused = sorted(cid for cid in load_rules().cues if f'cue("{cid}")' not in source)
    assert not unused, f"cues nothing reads (delete them or use them): {unused}"


def test_every_field_and_section_label_is_referenced() -> None:
    source = _python_sources()
    rules = load_rules()
    fields = sorted(f.id for f in rules.fields if f.read and f'"{f.id}"' not in source)
    assert not fields, f"header fields nothing reads: {fields}"
    labels_used = {r.label for r in rules.sections.rules}
    assert set(rules.sections.labels) == labels_used, "section labels without a heading rule, or the reverse"


def test_every_context_rule_has_a_category_the_component_applies() -> None:
    source = (ROOT / "pipeline" / "extraction" / "context.py").read_text(encoding="utf-8")
    for rule in load_rules().context:
        assert f'"{rule.category}"' in source, rule.id


def test_rule_ids_are_unique_within_each_file() -> None:
    rules = load_rules()
    for name, ids in (
        ("context", [r.id for r in rules.context]),
        ("sections", [r.id for r in rules.sections.rules]),
        ("fields", [f.id for f in rules.fields]),
    ):
        assert len(ids) == len(set(ids)), name


def test_body_part_and_specialty_vocabularies_are_used() -> None:
    rules = load_rules()
    assert rules.body_parts and all(p.synonyms for p in rules.body_parts)
    assert rules.specialties
    assert "load_rules().specialties" in _python_sources()


def test_a_bad_rule_names_file_line_and_rule_id(monkeypatch: pytest.MonkeyPatch) -> None:
    text = resources.files("pipeline.extraction.rules").joinpath("cues.json").read_text(encoding="utf-8")
    data = json.loads(text)
    data["cues"][2]["pattern"] = "(unclosed"
    bad_id = data["cues"][2]["id"]
    bad = json.dumps(data, indent=2)
    line = bad.splitlines().index(next(x for x in bad.splitlines() if f'"id": "{bad_id}"' in x)) + 1
    real = rules_module._read
    monkeypatch.setattr(rules_module, "_read", lambda name: bad if name == "cues.json" else real(name))
    load_rules.cache_clear()
    try:
        with pytest.raises(RulesError, match=rf"cues\.json, line {line}, rule {re.escape(bad_id)}"):
            load_rules()
    finally:
        monkeypatch.undo()
        load_rules.cache_clear()


def test_a_rule_with_an_unknown_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    text = resources.files("pipeline.extraction.rules").joinpath("context.json").read_text(encoding="utf-8")
    data = json.loads(text)
    data["rules"][0]["scope"] = 3
    real = rules_module._read
    monkeypatch.setattr(
        rules_module, "_read", lambda name: json.dumps(data) if name == "context.json" else real(name)
    )
    load_rules.cache_clear()
    try:
        with pytest.raises(RulesError, match=r"context\.json.*rule pseudo-not-expected-change"):
            load_rules()
    finally:
        monkeypatch.undo()
        load_rules.cache_clear()

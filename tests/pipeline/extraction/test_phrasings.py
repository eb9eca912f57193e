"""Phrasings the rule authors did not write: 120 short passages (decisions, digests, first-person reports)
written and labelled by someone who had not read the rules (phrasings.jsonl), scored like the real-text
corpus. First measured at 0.831 (mean of impairment, MMI and apportionment F1) before any rule was
written from them."""

from __future__ import annotations

from pathlib import Path

from models.settings import Settings
from pipeline.evaluate import evaluate_passages

PHRASINGS = Path(__file__).with_name("phrasings.jsonl")


def test_phrasings_are_read() -> None:
    scores = evaluate_passages(PHRASINGS, Settings()).scores()
    assert scores["score"] >= 0.90, scores
    assert min(scores["impairment_f1"], scores["mmi_f1"], scores["apportionment_f1"]) >= 0.85, scores
    assert scores["pd_as_wpi"] == 0, scores

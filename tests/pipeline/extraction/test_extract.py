"""The record as a whole: every value carries its evidence."""

from __future__ import annotations

from spacy.language import Language

from tests.support.textdoc import record_from_text as _record


def test_extract_every_value_carries_evidence(nlp: Language) -> None:
    record = _record(
        nlp,
        "IMPAIRMENT RATING\n\nThe right knee warrants 4% whole person impairment.\n\n"
        "The applicant reached MMI as of 03/15/2023.",
    )
    for value in [record.mmi, *record.impairments]:
        assert value.evidence is not None
        assert value.evidence.page == 1
        assert value.evidence.bbox is not None
        assert 0 < value.confidence <= 1

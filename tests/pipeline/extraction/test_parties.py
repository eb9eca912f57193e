"""The worker's occupation as the report states it (the PD rating's occupational group is suggested from it)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.support.textdoc import record_from_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Occupation: Produce Clerk\nEmployer: Safeway\n\nHISTORY\n\nShe stocks shelves.", "produce clerk"),
        ("HISTORY\n\nMr. Lund worked as a truck driver for a freight company since 2010.", "truck driver"),
        (
            "HISTORY\n\nHer usual and customary occupation as a registered nurse required lifting.",
            "registered nurse",
        ),
        (
            "HISTORY\n\nShe attributes her pain to the repetitive duties of her job as a janitor for the district.",
            "janitor",
        ),
        ("HISTORY\n\nHe was employed as a result of the placement program.", None),
    ],
)
def test_the_occupation_and_its_sentence(nlp: Language, text: str, expected: str | None) -> None:
    record = record_from_text(nlp, text)
    found = record.claim.occupation
    assert (found.text if found else None) == expected
    if found is not None:
        assert found.evidence is not None and expected in found.evidence.text.lower()

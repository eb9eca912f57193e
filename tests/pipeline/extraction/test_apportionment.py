"""Apportionment: industrial and non-industrial shares written either way round."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.support.textdoc import record_from_text as _record


@pytest.mark.parametrize(
    ("body", "industrial"),
    [
        ("APPORTIONMENT\n\n80% industrial and 20% non-industrial.", 80),
        (
            "APPORTIONMENT\n\n30% of the permanent disability is caused by degenerative disease and 70% by the "
            "industrial injury.",
            70,
        ),
        ("APPORTIONMENT\n\nThere is no basis for apportionment; the disability is 100% industrial.", 100),
        (
            "APPORTIONMENT\n\nI find that 90 percent is due to the underlying condition and 10 percent is due to the "
            "stress of the industrial injuries.",
            10,
        ),
    ],
)
def test_extract_apportionment_either_direction(nlp: Language, body: str, industrial: int) -> None:
    record = _record(nlp, body)
    assert [a.industrial_pct for a in record.apportionment] == [industrial]

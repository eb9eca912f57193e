"""The record as a whole: every value carries its evidence."""

from __future__ import annotations

import pytest
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


@pytest.mark.parametrize(
    ("text", "born"),
    [
        ("APPLICANT: Wesley Prewitt\nDATE OF BIRTH: 12-06-1995\n\nThe applicant was seen.", "1995-12-06"),
        ("I evaluated Priya Winslow, date of birth Aug. 12, 1979, on Oct. 18, 2023.", "1979-08-12"),
        ("The applicant, born on 3/4/1980, was seen in my office.", "1980-03-04"),
        ("DOB: 01/02/2019\n\nThe applicant was seen.", None),  # a child's date: not a worker's
        ("The applicant was seen on 3/4/2023 after a fall at work.", None),
    ],
)
def test_the_date_of_birth_is_read_from_the_header_or_the_opening(
    nlp: Language, text: str, born: str | None
) -> None:
    assert _record(nlp, text).claim.date_of_birth == born

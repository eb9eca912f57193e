"""OCR digit repairs: only where a token can only be a number, and only when the result is a real date."""

from __future__ import annotations

import pytest

from pipeline.reading.repair import repair_date_token, repair_pronoun


@pytest.mark.parametrize(
    ("read", "repaired"),
    [
        ("O3/l5/2O23", "03/15/2023"),
        ("03/15/2O23,", "03/15/2023,"),
        ("(l2-O1-2022)", "(12-01-2022)"),
        ("1O.3O.2019", "10.30.2019"),
        ("O5/2S/2021", "05/25/2021"),
    ],
)
def test_letters_read_for_digits_in_a_date_are_repaired(read: str, repaired: str) -> None:
    assert repair_date_token(read) == repaired


@pytest.mark.parametrize(
    "token",
    [
        "03/15/2023",  # nothing to repair
        "l3/45/2O21",  # no such date after the repair
        "Ol/lO/2OlS",  # too few real digits to be sure it is a date at all
        "03/15-2O23",  # mixed separators
        "SOLO/IS/IOIS",
        "and/or",
        "ADJ12B4567",  # case numbers are repaired where they are read (parties.checked_case_numbers)
    ],
)
def test_tokens_that_are_not_certainly_dates_are_left_alone(token: str) -> None:
    assert repair_date_token(token) is None


@pytest.mark.parametrize(
    ("read", "repaired"),
    [
        ("| find 7% upper extremity impairment", "I find 7% upper extremity impairment"),
        ("Per Kite, | add rather than combine", "Per Kite, I add rather than combine"),
        ("pain | rated as severe", "pain | rated as severe"),  # no clause start
        ("the right knee. | assign 10% WPI.", "the right knee. I assign 10% WPI."),
        ("and | agree with Dr. Kessler", "and I agree with Dr. Kessler"),
        ("Region | Method | Whole Person", "Region | Method | Whole Person"),
        ("Knee | 10% | 25%", "Knee | 10% | 25%"),
    ],
)
def test_a_bar_read_for_the_pronoun_i_is_repaired_only_where_a_clause_starts(
    read: str, repaired: str
) -> None:
    assert " ".join(repair_pronoun(read.split())) == repaired

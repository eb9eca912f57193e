"""Standard rating (LC 4660.1) and PD weeks (LC 4658(d)): worked examples from docs/rating.md."""

from __future__ import annotations

import pytest

from pipeline.cases.rating import (
    LABEL,
    REASON_NO_DATE,
    REASON_NO_WPI,
    REASON_PRE_2013,
    StandardRating,
    pd_weeks,
    standard_rating,
)

DOI = ["2019-06-01"]


def test_single_lumbar_8_rates_11() -> None:
    rating = standard_rating([("lumbar spine", None, 8)], DOI)
    assert rating.value == 11
    assert rating.reason is None
    assert rating.basis is not None and "4660.1" in rating.basis
    assert rating.steps == ("lumbar spine 8% WPI x 1.4 = 11.2 -> 11",)


def test_two_impairments_combine_largest_first() -> None:
    rating = standard_rating([("left knee", "left", 6), ("lumbar spine", None, 8)], DOI)
    # 8 x 1.4 = 11.2 -> 11; 6 x 1.4 = 8.4 -> 8; 11 + 8 x (1 - 0.11) = 18.12 -> 18
    assert rating.value == 18
    assert rating.steps[-1] == "combined 11 C 8 = 11 + 8 x (1 - 0.11) = 18.12 -> 18"
    assert "left left knee" not in " ".join(rating.steps)  # laterality named once


def test_three_impairments_round_at_each_step() -> None:
    # 10 -> 14; 10 -> 14; 5 -> 7. 14 C 14 = 14 + 14 x 0.86 = 26.04 -> 26; 26 C 7 = 26 + 7 x 0.74 = 31.18 -> 31
    rating = standard_rating(
        [("cervical spine", None, 10), ("shoulder", "right", 10), ("wrist", "left", 5)], DOI
    )
    assert rating.value == 31


@pytest.mark.parametrize(
    ("wpi", "expected"),
    [
        (5, 7),  # 7.0 exactly
        (15, 21),  # 21.0 exactly
        (2.5, 4),  # 3.5 -> 4
        (7.5, 11),  # 10.5 -> 11 (banker's rounding would give 10)
        (1.25, 2),  # 1.75 -> 2
        (0, 0),
    ],
)
def test_rounding_is_half_up(wpi: float, expected: int) -> None:
    assert standard_rating([("lumbar spine", None, wpi)], DOI).value == expected


def test_half_step_is_not_bankers_rounding() -> None:
    # round(7.5 * 1.4) == 10 in Python (round half to even); the rating rounds 10.5 up to 11
    assert round(7.5 * 1.4) == 10
    rating = standard_rating([("thumb", "right", 7.5)], DOI)
    assert rating.steps == ("right thumb 7.5% WPI x 1.4 = 10.5 -> 11",)
    assert standard_rating([("thumb", "right", 2.5)], DOI).steps == ("right thumb 2.5% WPI x 1.4 = 3.5 -> 4",)


def test_combined_step_half_up() -> None:
    # 10 -> 14 and 5 -> 7: 14 + 7 x 0.86 = 20.02 -> 20; and 25 -> 35, 5 -> 7: 35 + 7 x 0.65 = 39.55 -> 40
    assert standard_rating([("knee", "left", 10), ("knee", "right", 5)], DOI).value == 20
    assert standard_rating([("hip", "left", 25), ("ankle", "left", 5)], DOI).value == 40


def test_capped_at_100() -> None:
    rating = standard_rating([("brain", None, 80)], DOI)
    assert rating.value == 100
    assert rating.steps[0].endswith("x 1.4 = 112.0 -> 100 (capped at 100)")
    assert standard_rating([("brain", None, 80), ("knee", "left", 10)], DOI).value == 100


def test_pain_add_on_goes_to_the_largest_body_part_before_the_multiplier() -> None:
    rating = standard_rating([("knee", "left", 4), ("lumbar spine", None, 8), ("pain", None, 3)], DOI)
    # lumbar 8 + 3 = 11 x 1.4 = 15.4 -> 15; knee 4 x 1.4 = 5.6 -> 6; 15 + 6 x 0.85 = 20.1 -> 20
    assert rating.value == 20
    assert "lumbar spine 8% WPI + pain 3% WPI = 11% WPI x 1.4 = 15.4 -> 15" in rating.steps
    # combining the pain separately would give 11 C 6 C 4 = 19: the rule changes the answer
    assert rating.value != 19


def test_pain_alone_or_above_three_is_not_rated() -> None:
    alone = standard_rating([("pain", None, 2)], DOI)
    assert alone.value is None and alone.reason is not None and "pain" in alone.reason
    over = standard_rating([("lumbar spine", None, 8), ("pain", None, 2), ("pain", None, 2)], DOI)
    assert over.value is None and over.reason is not None and "3% WPI" in over.reason


def test_before_2013_not_computed() -> None:
    rating = standard_rating([("lumbar spine", None, 8)], ["2012-12-31"])
    assert rating == StandardRating(
        value=None, basis=None, reason=REASON_PRE_2013, steps=("date of injury 2012-12-31",)
    )


def test_first_day_of_2013_is_computed() -> None:
    assert standard_rating([("lumbar spine", None, 8)], ["2013-01-01"]).value == 11


def test_earliest_date_decides() -> None:
    # a cumulative trauma ending 2014 passes its end date; a specific injury in 2012 keeps it unrated
    assert (
        standard_rating([("lumbar spine", None, 8)], ["2014-05-01", "2012-03-01"]).reason == REASON_PRE_2013
    )
    rating = standard_rating([("lumbar spine", None, 8)], ["2015-02-01", "2014-05-01"])
    assert rating.value == 11 and any("earliest" in step for step in rating.steps)


@pytest.mark.parametrize("dates", [[], [None], [None, ""]])
def test_no_date(dates: list[str | None]) -> None:
    rating = standard_rating([("lumbar spine", None, 8)], dates)
    assert rating.value is None and rating.reason == REASON_NO_DATE


def test_unreadable_date_is_a_reason_not_an_exception() -> None:
    rating = standard_rating([("lumbar spine", None, 8)], ["sometime in 2019"])
    assert rating.value is None and rating.reason is not None and "unreadable" in rating.reason


def test_no_impairments() -> None:
    assert standard_rating([], DOI).reason == REASON_NO_WPI


@pytest.mark.parametrize("wpi", [-1, 100.5, 150, float("nan"), float("inf")])
def test_bad_wpi_is_a_reason_not_an_exception(wpi: float) -> None:
    rating = standard_rating([("lumbar spine", None, wpi)], DOI)
    assert rating.value is None and rating.reason is not None and "lumbar spine" in rating.reason


def test_label_says_estimate() -> None:
    assert "estimate, not a formal rating" in LABEL
    assert "before occupational and age adjustment" in LABEL


@pytest.mark.parametrize(
    ("percent", "weeks"),
    [
        (0, 0.0),
        (1, 3.0),
        (5, 15.0),
        (9.75, 29.25),
        (10, 30.25),
        (14.75, 49.25),
        (15, 50.5),
        (20, 75.5),
        (25, 100.75),
        (30, 131.0),
        (50, 271.25),
        (70, 433.25),
        (99.75, 909.25),
    ],
)
def test_pd_weeks(percent: float, weeks: float) -> None:
    assert pd_weeks(percent) == weeks


@pytest.mark.parametrize("percent", [None, -1, 100, 120, float("nan")])
def test_pd_weeks_none(percent: float | None) -> None:
    assert pd_weeks(percent) is None

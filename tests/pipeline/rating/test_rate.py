"""The rating engine against the schedule's own worked examples (PDRS Section 1 and Section 7), the weeks
table LC 4658 prints, and the statutes' limits; each published example names its source."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.rating.rate import (
    PartInput,
    age_at,
    combine,
    impairment_number,
    life_pension,
    pd_weeks,
    rate_case,
    rate_part,
    weekly_rate,
)
from pipeline.rating.schedule import load_schedule

#: A 2005-2012 injury date: the schedule's own examples use the FEC adjustment.
FEC_ERA = date(2008, 6, 1)


def _rating_formulas() -> list[dict[str, object]]:
    out = []
    for example in load_schedule().examples["examples"]:
        for step in example.get("steps", []):
            for f in step.get("formulas", []):
                if f["kind"] == "rating":
                    out.append({"example": example["id"], **f})
    return out


@pytest.mark.parametrize("f", _rating_formulas(), ids=lambda f: f"{f['example']}-{f['impairment_number']}")
def test_every_rating_formula_printed_in_the_schedule(f: dict) -> None:
    """PDRS 2005 pp. 1-9/1-10 and Section 7: each printed string reproduced from the tables, except where
    the schedule's own tables disagree with its print (Example C's right knee, noted in examples.json)."""
    part = rate_part(str(f["impairment_number"]), f["wpi"], FEC_ERA, f["group"], f["age"])
    got = (part.adjustment, part.adjusted, part.variant, part.occupational, part.age_adjusted)
    printed = (
        str(f["fec_rank"]),
        f["fec_adjusted"],
        f["variant"],
        f["occupational_adjusted"],
        f["age_adjusted"],
    )
    if f["agrees_with_tables"]:
        assert got == printed
    else:  # 17.05.04.00 - 3 - [2]4 printed; FEC rank 2 at WPI 3 is 3 in Section 2's table
        assert (part.adjusted, part.occupational, part.age_adjusted) == (3, 4, 3)


def test_the_schedules_combinations() -> None:
    """PDRS p. 1-10 (.25 + .15(.75) = 36%) and Section 7's combined results."""
    assert combine([15, 25])[0] == 36
    assert combine([24, 11])[0] == 32  # Example A
    assert combine([44, 16])[0] == 53  # Example B, before the single-extremity maximum holds it at 50
    assert combine([50, 32, 13, 3])[0] == 71  # Example C with the right knee as the tables give it


def test_the_issue_example_string() -> None:
    """Issue 19's example: an injury in 2015 rates with x1.4."""
    part = rate_part("15.03.01.00", 8, date(2015, 3, 2), 360, 48)
    assert part.string == "15.03.01.00 - 8 - [1.4] 11 - 360G - 13 - 15%"


def test_formula_example_string_in_the_fec_era() -> None:
    part = rate_part("15.01.02.02", 8, FEC_ERA, 470, 30)
    assert part.string == "15.01.02.02 - 8 - [5] 10 - 470H - 13 - 11%"


@pytest.mark.parametrize(
    ("pd", "weeks"),
    [
        (5, 15.0),
        (10, 30.25),
        (15, 50.25),
        (20, 70.5),
        (25, 95.5),
        (30, 120.75),
        (35, 150.75),
        (40, 180.75),
        (45, 210.75),
        (50, 241.0),
        (55, 276.0),
        (60, 311.0),
        (65, 346.0),
        (70, 381.25),
        (75, 421.25),
        (80, 461.25),
        (85, 501.25),
        (90, 541.25),
        (95, 581.25),
    ],
)
def test_weeks_reproduce_the_illustrative_schedule_printed_in_lc_4658_a(pd: int, weeks: float) -> None:
    assert pd_weeks(pd, date(1990, 1, 1))[0] == weeks


@pytest.mark.parametrize(
    ("pd", "weeks"),
    [
        (1, 3.0),
        (10, 30.25),
        (11, 34.25),
        (15, 50.5),
        (18, 65.5),
        (25, 100.75),
        (50, 271.25),
        (70, 433.25),
        (72, 465.25),
    ],
)
def test_weeks_under_lc_4658_d_and_e(pd: int, weeks: float) -> None:
    """Each band's weeks per percent for the part inside it, the step ending at a band's edge at the next
    band's rate (10% = 9.75 x 3 + 0.25 x 4)."""
    assert pd_weeks(pd, date(2015, 1, 1))[0] == weeks
    assert pd_weeks(pd, date(2010, 1, 1))[0] == weeks


def test_permanent_total_is_for_life() -> None:
    assert pd_weeks(100, date(2015, 1, 1))[0] is None


@pytest.mark.parametrize(
    ("pd", "injury", "earnings", "expected"),
    [
        (15, date(2015, 3, 2), None, (160.0, 290.0)),  # LC 4453(b)(9): $240-$435 x 2/3
        (15, date(2015, 3, 2), 300.0, (200.0, 200.0)),
        (15, date(2015, 3, 2), 1000.0, (290.0, 290.0)),
        (15, date(2015, 3, 2), 100.0, (160.0, 160.0)),
        (60, date(2013, 6, 1), None, (160.0, 270.0)),  # LC 4453(b)(8)(B): 55-69.75%, $240-$405
        (75, date(2013, 6, 1), None, (160.0, 290.0)),  # (8)(C)
        (40, date(2010, 6, 1), None, (130.0, 230.0)),  # (b)(6)(D): $195-$345
        (75, date(2010, 6, 1), None, (130.0, 270.0)),  # (b)(7)(G): $195-$405
    ],
)
def test_weekly_rate_within_lc_4453_b(pd: int, injury: date, earnings: float | None, expected: tuple) -> None:
    rate = weekly_rate(pd, injury, earnings)
    assert rate is not None and rate[:2] == expected


def test_case_contract_example_amounts() -> None:
    """shared/contract/CASE.md v1.1: 15% -> 50.5 weeks, $160-$290 a week, $8,080-$14,645."""
    rating = rate_case([PartInput("lumbar spine", None, 8, number="15.03.01.00")], date(2015, 3, 2), 360, 48)
    assert rating.pd == 15 and rating.money is not None
    m = rating.money
    assert (m.weeks, m.weekly_min, m.weekly_max, m.amount_min, m.amount_max) == (50.5, 160, 290, 8080, 14645)


def test_life_pension_at_70_percent_or_more() -> None:
    assert life_pension(69, date(2015, 1, 1)) is None
    note = life_pension(75, date(2015, 1, 1), earnings=400)
    assert note is not None and "$90.00 a week" in note  # (75 - 60) x 1.5% x $400


def test_apportionment_per_part_rounds_half_up() -> None:
    part = rate_part("15.03.01.00", 8, date(2015, 3, 2), 360, 48, industrial_pct=70)
    assert (part.age_adjusted, part.apportioned) == (15, 11)  # 10.5 -> 11
    assert part.string == "15.03.01.00 - 8 - [1.4] 11 - 360G - 13 - 15% x 70% = 11%"


def test_before_2005_is_not_rated() -> None:
    part = rate_part("15.03.01.00", 8, date(2003, 3, 2), 360, 48)
    assert part.string is None and "1997 schedule" in part.reasons[0]


def test_age_at_injury() -> None:
    assert age_at(date(1967, 3, 3), date(2015, 3, 2)) == 47
    assert age_at(date(1967, 3, 2), date(2015, 3, 2)) == 48


def test_a_part_whose_numbers_all_rate_alike_takes_its_usual_number() -> None:
    choice = impairment_number("knee", "", 360)
    assert choice.number == "17.05.04.00" and choice.basis.startswith("assumed")
    assert impairment_number("knee", "status post partial medial meniscectomy", 360).number == "17.05.10.04"


def test_a_part_whose_numbers_rate_differently_goes_to_review() -> None:
    choice = impairment_number("wrist", "", 360)
    assert choice.number is None and choice.reason and "choose the impairment number" in choice.reason
    assert impairment_number("wrist", "carpal tunnel release", 360).number == "16.01.02.02"


def test_pain_add_on_goes_to_the_largest_part_before_adjustment() -> None:
    rating = rate_case(
        [PartInput("lumbar spine", None, 8), PartInput("knee", "left", 6), PartInput("pain", None, 2)],
        date(2016, 5, 1),
        360,
        48,
    )
    lumbar = rating.parts[0]
    assert lumbar.string == "15.03.01.00 - 10 - [1.4] 14 - 360G - 16 - 18%"
    assert any("pain add-on is added to the largest" in r for r in rating.reasons)


def test_psychiatric_rating_after_a_physical_injury_is_left_out_from_2013() -> None:
    parts = [PartInput("lumbar spine", None, 8), PartInput("psyche", None, 10)]
    rating = rate_case(parts, date(2016, 5, 1), 360, 48)
    psyche = rating.parts[1]
    assert psyche.excluded and "LC 4660.1(c)" in psyche.reasons[-1]
    assert rating.pd == rating.parts[0].apportioned
    assert not rate_case(parts, date(2010, 5, 1), 360, 48).parts[1].excluded  # before 2013: rated


def test_missing_inputs_are_reasons_never_guesses() -> None:
    part = rate_part("15.03.01.00", 8, date(2015, 3, 2), None, 48)
    assert part.adjusted == 11 and part.string is None and "no occupational group" in part.reasons
    part = rate_part("15.03.01.00", 8, date(2015, 3, 2), 360, None)
    assert part.occupational == 13 and part.string is None and "no age at injury" in part.reasons
    assert rate_part("13.07.08.00", 5, date(2015, 3, 2), 360, 48).variant is None  # Section 4 prints a note

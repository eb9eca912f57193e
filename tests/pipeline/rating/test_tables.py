"""The 2005 PDRS tables under pipeline/rating/tables/: counts, cells read off the PDF pages, and the identities.

Every spot value here was checked by eye against the rendered page named in the test (printed page numbers).
"""

from __future__ import annotations

import csv
import json
import math
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

import pytest

VARIANTS = list("CDEFGHIJ")
AGE_BRACKETS = [
    "21 and under",
    "22 - 26",
    "27 - 31",
    "32 - 36",
    "37 - 41",
    "42 - 46",
    "47 - 51",
    "52 - 56",
    "57 - 61",
    "62 and over",
]


def _text(name: str) -> str:
    """A committed table file as text."""
    return resources.files("pipeline.rating").joinpath("tables", name).read_text(encoding="utf-8")


@cache
def table(name: str) -> list[dict[str, str]]:
    """A committed CSV table as rows of strings keyed by its header."""
    return list(csv.DictReader(_text(f"{name}.csv").splitlines()))


@cache
def examples() -> dict[str, dict[str, Any]]:
    """The worked examples by id."""
    return {e["id"]: e for e in json.loads(_text("examples.json"))["examples"]}


def by(name: str, key: str) -> dict[str, dict[str, str]]:
    """A table indexed by one column."""
    return {row[key]: row for row in table(name)}


def exact_fec(rank: int, wpi: int) -> int:
    """WPI x (1.1 + (rank - 1) x 0.3 / 7), rounded half up, capped at 100."""
    return min(100, math.floor(wpi * (Fraction(11, 10) + Fraction(3 * (rank - 1), 70)) + Fraction(1, 2)))


def test_impairment_numbers_are_215_ranked_plus_pain() -> None:
    rows = table("impairment_numbers")
    assert len(rows) == 216
    assert len({r["number"] for r in rows}) == 216
    ranked = [r for r in rows if r["fec_rank"]]
    assert len(ranked) == 215
    assert {int(r["fec_rank"]) for r in ranked} == {1, 2, 4, 5, 6, 7, 8}  # no number has rank 3


@pytest.mark.parametrize(
    ("number", "description", "rank", "chapter"),
    [
        ("15.03.01.00", "Lumbar – Diagnosis-related Estimate", "5", "15"),  # 2-3
        (
            "16.01.02.02",
            "Arm – Peripheral neuropathy – Entrapment/compression – Carpal tunnel",
            "4",
            "16",
        ),  # 2-4
        ("11.03.02.00", "Nose/Throat/Related Structures – Mastication & Deglutition", "2", "11"),  # 2-2
        ("11.01.01.00", "Ear – Hearing Impairment", "8", "11"),  # 2-2
        ("12.01.00.00", "Visual Acuity", "1", "12"),  # 2-2
        ("16.02.02.00", "Shoulder – Other", "7", "16"),  # 2-4
    ],
)
def test_impairment_number_as_printed(number: str, description: str, rank: str, chapter: str) -> None:
    row = by("impairment_numbers", "number")[number]
    assert (row["description"], row["fec_rank"], row["chapter"]) == (description, rank, chapter)


def test_pain_has_no_rank_of_its_own() -> None:
    row = by("impairment_numbers", "number")["18.00.00.00"]
    assert (row["description"], row["fec_rank"], row["chapter_title"]) == ("Pain", "", "PAIN")
    assert "use FEC rank for involved body part" in row["note"]


def test_fec_table_is_complete_and_agrees_with_the_exact_factor() -> None:
    rows = table("fec")
    assert sorted((int(r["fec_rank"]), int(r["wpi"])) for r in rows) == [
        (rank, wpi) for rank in range(1, 9) for wpi in range(1, 101)
    ]
    wrong = [r for r in rows if int(r["rating"]) != exact_fec(int(r["fec_rank"]), int(r["wpi"]))]
    assert wrong == []


@pytest.mark.parametrize(
    ("rank", "wpi", "rating"),
    [(5, 8, 10), (2, 3, 3), (8, 20, 28), (7, 18, 24), (5, 40, 51), (3, 84, 100), (4, 81, 100)],  # 2-6, 2-7
)
def test_fec_cell_as_printed(rank: int, wpi: int, rating: int) -> None:
    cells = {(int(r["fec_rank"]), int(r["wpi"])): int(r["rating"]) for r in table("fec")}
    assert cells[(rank, wpi)] == rating


def test_occupations_count_and_groups() -> None:
    rows = table("occupations")
    assert len(rows) == 1812
    assert {r["group"] for r in rows} == {r["group"] for r in table("groups")}
    assert all(r["title"] and r["industry"] for r in rows)


@pytest.mark.parametrize(
    ("title", "group", "industry"),
    [
        ("STEVEDORE", "351", "water trans."),  # 3-22
        ("BLUEPRINTING MACHINE OPERATOR", "230", "any industry"),  # 3-4, title wrapped
        ("BAGGER", "214", "retail trade; groceries"),  # 3-3, industry wrapped
        ("FURNITURE ASSEMBLER/HEAVY", "470", "woodworking"),  # 3-11
        ("FURNACE INSTALLER AND REPAIRER, HOT AIR", "380", "any industry; utilities"),  # 3-11, both wrapped
    ],
)
def test_occupation_as_printed(title: str, group: str, industry: str) -> None:
    assert {"title": title, "group": group, "industry": industry} in [
        {k: r[k] for k in ("title", "group", "industry")} for r in table("occupations")
    ]


def test_a_title_in_two_groups_is_two_rows() -> None:
    bakers = {(r["group"], r["industry"]) for r in table("occupations") if r["title"] == "BAKER"}
    assert bakers == {("322", "hotel & rest."), ("420", "bakery products")}  # 3-3


def test_groups_are_the_45_of_part_b_and_c() -> None:
    rows = table("groups")
    assert len(rows) == 45
    assert all(r["group"][0] == r["strength"] and r["group"][1] == r["category"] for r in rows)


@pytest.mark.parametrize(
    ("group", "title", "letters"),
    [
        ("110", "Professional Occupations", "CCDDFDDJ"),  # 3-29
        ("351", "Heavy Equipment Operators", "GGHGGGGG"),  # 3-34
        ("470", "Installers & Repairers", "HHIJHHHH"),  # 3-36
        ("590", "Mostly Professional Athletes", "JJJJIJJI"),  # 3-37
    ],
)
def test_group_characteristics_as_printed(group: str, title: str, letters: str) -> None:
    row = by("groups", "group")[group]
    parts = ("spine", "shoulder", "elbow", "wrist", "finger_motion", "grip", "leg", "psych")
    assert row["title"] == title
    assert "".join(row[p] for p in parts) == letters


def test_group_chart_and_the_line_clipped_at_a_page_foot() -> None:
    groups = by("groups", "group")
    assert (groups["351"]["strength_name"], groups["351"]["category_name"]) == ("Medium", "Drivers")  # 3-27
    assert groups["350"]["chart_examples"] == "Truckdriver/Tractor-trailer; Truckdriver/dump"
    assert groups["490"]["description"].endswith("circumstances; significant demands on all parts of body.")


def test_variants_have_114_row_labels_113_with_letters() -> None:
    rows = table("variants")
    groups = [g for g in rows[0] if g.isdigit()]
    assert len(rows) == 114 and len(groups) == 45
    lettered = [r for r in rows if any(r[g] for g in groups)]
    assert len(lettered) == 113
    assert all(r[g] in VARIANTS for r in lettered for g in groups)


def test_spinal_accessory_row_has_no_letters_only_the_printed_note() -> None:
    row = by("variants", "label")["13.07.08.00"]
    assert all(row[g] == "" for g in row if g.isdigit())
    assert "Use variant from 11.03.04.00, 15.01.XX.XX, or 16.02.01.00 as appropriate." in row["note"]


@pytest.mark.parametrize(
    ("label", "group", "letter"),
    [
        ("15.01 -- 15.03", "470", "H"),  # the formula example on 1-9
        ("16.05.XX.XX", "351", "G"),  # Example A's hand
        ("13.01.00.00", "120", "H"),  # 4-4
        ("14.01.00.00", "120", "H"),  # 4-4 (Part C, 3-29, prints I for group 120's psych)
        ("17.01.01.00", "482", "H"),  # 4-9
        ("17.01.01.00", "493", "I"),  # 4-9
        ("17.01.02.XX", "590", "J"),  # 4-8/4-9
    ],
)
def test_variant_letter_as_printed(label: str, group: str, letter: str) -> None:
    assert by("variants", "label")[label][group] == letter


def test_variant_label_printed_two_ways_keeps_the_wildcard() -> None:
    row = by("variants", "label")["17.01.02.XX"]
    assert "17.01.02.00" in row["note"]


def test_occupational_adjustment_is_0_to_100_and_f_is_the_identity() -> None:
    rows = table("occupational_adjustment")
    assert [int(r["rating"]) for r in rows] == list(range(101))
    assert list(rows[0]) == ["rating", *VARIANTS]
    assert all(r["F"] == r["rating"] for r in rows)


@pytest.mark.parametrize(
    ("rating", "values"),
    [
        (26, [19, 22, 24, 26, 29, 31, 34, 37]),  # 5-2
        (51, [42, 45, 48, 51, 54, 57, 60, 64]),  # 5-3
        (83, [76, 78, 81, 83, 84, 86, 87, 89]),  # 5-3
        (99, [98, 99, 99, 99, 99, 99, 100, 100]),  # 5-3
    ],
)
def test_occupational_adjustment_row_as_printed(rating: int, values: list[int]) -> None:
    row = by("occupational_adjustment", "rating")[str(rating)]
    assert [int(row[v]) for v in VARIANTS] == values


def test_age_adjustment_is_1_to_100_and_37_41_is_the_identity() -> None:
    rows = table("age_adjustment")
    assert list(rows[0]) == ["rating", *AGE_BRACKETS]
    assert [int(r["rating"]) for r in rows] == list(range(1, 101))
    assert all(r["37 - 41"] == r["rating"] for r in rows)


@pytest.mark.parametrize(
    ("rating", "values"),
    [
        (6, [5, 5, 5, 6, 6, 6, 7, 7, 8, 8]),  # 6-2
        (51, [44, 45, 47, 49, 51, 53, 55, 57, 59, 61]),  # 6-4
        (62, [55, 57, 59, 61, 62, 64, 66, 68, 69, 71]),  # 6-4
        (76, [71, 72, 73, 75, 76, 78, 79, 80, 82, 83]),  # 6-5
    ],
)
def test_age_adjustment_row_as_printed(rating: int, values: list[int]) -> None:
    row = by("age_adjustment", "rating")[str(rating)]
    assert [int(row[b]) for b in AGE_BRACKETS] == values


def test_gaf_table_as_printed() -> None:
    wpi = {int(r["gaf"]): int(r["wpi"]) for r in table("gaf_wpi")}  # 1-16
    assert sorted(wpi) == list(range(1, 101))
    assert (wpi[1], wpi[32], wpi[41], wpi[50], wpi[69], wpi[70], wpi[100]) == (90, 67, 48, 30, 2, 0, 0)


@pytest.mark.parametrize(
    ("ident", "final", "printed"),
    [
        ("formula", 11, ["15.01.02.02 – 8 - [5]10 - 470H – 13 – 11%"]),
        (
            "A",
            32,
            [
                "Hand: 16.05.01.00 – 10 – [1]11 – 351G – 13 – 11 PD",
                "Shoulder: 16.02.02.00 – 18 – [7]24 – 351G – 27 – 24 PD",
            ],
        ),
        (
            "B",
            50,
            [
                "L leg amp.: 17.01.02.02 – 35 – [5]45 – 351G – 48 – 44 PD",
                "L knee motion: 17.05.04.00 – 14 – [2]16 – 351G–18 – 16 PD",
                "17.01.02.01 – 40 – [5]51 – 351G – 54 – 50 PD",
            ],
        ),
        (
            "C",
            71,
            ["15.03.01.00 – 10 – [5]13 – 351G – 15 – 13 PD", "17.05.04.00 – 3 – [2]4 – 351G – 5 – 4 PD"],
        ),
    ],
)
def test_worked_example_as_printed(ident: str, final: int, printed: list[str]) -> None:
    example = examples()[ident]
    ratings = [f for s in example["steps"] for f in s["formulas"] if f["kind"] == "rating"]
    assert [f["printed"] for f in ratings] == printed
    assert example["final_rating"] == final
    assert example["age"] == 30


def test_worked_examples_agree_with_the_tables_but_example_c_knee() -> None:
    fec = {(int(r["fec_rank"]), int(r["wpi"])): int(r["rating"]) for r in table("fec")}
    occupational = by("occupational_adjustment", "rating")
    age = by("age_adjustment", "rating")
    disagree = []
    for example in examples().values():
        for step in example.get("steps", []):
            for f in (f for f in step["formulas"] if f["kind"] == "rating"):
                got = (
                    fec[(f["fec_rank"], f["wpi"])],
                    int(occupational[str(f["fec_adjusted"])][f["variant"]]),
                    int(age[str(f["occupational_adjusted"])]["27 - 31"]),  # every example is age 30
                )
                if got != (f["fec_adjusted"], f["occupational_adjusted"], f["age_adjusted"]):
                    disagree.append(f["printed"])
                assert f["agrees_with_tables"] == (f["printed"] not in disagree)
    assert disagree == ["17.05.04.00 – 3 – [2]4 – 351G – 5 – 4 PD"]
    assert any("[2]3" in note for note in examples()["C"]["notes"])


def test_combinations_in_the_examples_follow_the_formula() -> None:
    for example in examples().values():
        for step in example.get("steps", []):
            for f in (f for f in step["formulas"] if f["kind"] == "combination"):
                a, b = (Fraction(v, 100) for v in sorted(f["values"], reverse=True))
                assert math.floor((a + b * (1 - a)) * 100 + Fraction(1, 2)) == f["result"], f["printed"]
    assert examples()["combining"]["final_rating"] == 36

"""The case page's ratings over HTTP: each report's rating once the occupation is known, the priced
disagreement, the occupation search, and the rating-inputs form's checks (CSRF, bad values, markup)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from pipeline.operations.store import Store
from tests.support.web import csrf_of
from tests.web.test_cases import CASE, PTP, QME, seed_report


@pytest.fixture
def two_reports(store: Store) -> None:
    seed_report(
        store, QME, kind="QME", evaluator="Dr. Quinn Evans", exam="2024-06-10", wpi=12, mmi="2024-03-01"
    )
    seed_report(store, PTP, kind="PTP", evaluator="Dr. Pat Tran", exam="2024-02-01", wpi=8)


def test_without_an_occupation_the_reports_are_not_rated_and_say_why(
    client: TestClient, two_reports: None
) -> None:
    html = client.get(f"/case/{CASE}").text
    assert 'id="rating-table"' in html
    assert "no report states the occupation" in html
    assert "15.03.01.00 - " not in html


def test_picking_an_occupation_rates_every_report_and_prices_the_disagreement(
    client: TestClient, two_reports: None, store: Store
) -> None:
    search = client.get(f"/case/{CASE}", params={"occupation": "warehouse worker"}).text
    assert 'value="360|WAREHOUSE WORKER"' in search
    csrf = csrf_of(client, f"/case/{CASE}")
    r = client.post(
        f"/case/{CASE}/rating-inputs",
        data={
            "csrf": csrf,
            "occupation_pick": "360|WAREHOUSE WORKER",
            "birth_date": "4/2/1968",
            "earnings": "$1,000",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert store.rating_inputs(CASE) == {
        "group": 360,
        "title": "WAREHOUSE WORKER",
        "birth_date": "1968-04-02",
        "earnings": 1000.0,
        "actor": store.rating_inputs(CASE)["actor"],  # type: ignore[index]
    }
    html = client.get(f"/case/{CASE}").text
    # Injury 2022-05-04, born 1968-04-02: age 54. PTP lumbar 8%, QME lumbar 12%, both right knee 6%.
    assert "15.03.01.00 - 8 - [1.4] 11 - 360G - 13 - 16%" in html
    assert "15.03.01.00 - 12 - [1.4] 17 - 360G - 19 - 23%" in html
    assert "WPI, lumbar spine</b>: QME" in html and " against PTP " in html
    assert "$290.00" in html  # $1,000 a week is above the LC 4453(b)(9) maximum: two thirds of $435


def test_rating_inputs_are_checked(client: TestClient, two_reports: None, store: Store) -> None:
    csrf = csrf_of(client, f"/case/{CASE}")
    for data, words in (
        ({"group": "999"}, "not an occupational group"),
        ({"group": "360", "title": "ASTRONAUT"}, "not a title of group 360"),
        ({"group": "360", "earnings": "lots"}, "must be dollars"),
        ({"group": "360", "birth_date": "2030-01-01"}, "not a plausible date of birth"),
    ):
        r = client.post(f"/case/{CASE}/rating-inputs", data={"csrf": csrf, **data})
        assert r.status_code == 400 and words in r.text
    assert client.post(f"/case/{CASE}/rating-inputs", data={"group": "360"}).status_code == 403
    assert store.rating_inputs(CASE) is None


def test_the_occupation_search_renders_as_text(client: TestClient, two_reports: None) -> None:
    html = client.get(f"/case/{CASE}", params={"occupation": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html

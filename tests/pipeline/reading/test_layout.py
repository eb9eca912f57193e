"""Words to lines in reading order; running headers and footers."""

from __future__ import annotations

from models.document import Line, Page, TextSource, Word
from pipeline.reading.layout import build_lines, find_gutter, mark_running_lines

W, H = 612.0, 792.0


def _row(text: str, x: float, y: float, size: float = 10.0, conf: float | None = None) -> list[Word]:
    words = []
    for token in text.split():
        width = 0.5 * size * len(token)
        words.append(Word(text=token, bbox=(x, y, x + width, y + size), confidence=conf))
        x += width + 0.3 * size
    return words


def test_lines_run_top_to_bottom_and_left_to_right() -> None:
    words = _row("second line here", 72, 120) + _row("first line", 72, 100)
    lines = build_lines(list(reversed(words)), W, H)
    assert [line.text for line in lines] == ["first line", "second line here"]
    assert lines[0].bbox[0] == 72 and lines[0].bbox[1] == 100


def test_slightly_uneven_baselines_stay_one_line() -> None:
    words = _row("Date of", 72, 100) + _row("injury:", 110, 101.5) + _row("01/02/2023", 300, 99)
    assert [line.text for line in build_lines(words, W, H)] == ["Date of injury: 01/02/2023"]


def test_line_confidence_is_mean_of_word_confidences() -> None:
    words = _row("alpha", 72, 100, conf=90.0) + _row("beta", 120, 100, conf=70.0)
    (line,) = build_lines(words, W, H)
    assert line.confidence == 80.0


def _two_column_words() -> list[Word]:
    words = _row("A full width title of the report", 72, 80, size=14)
    left_x, right_x = 72.0, 330.0
    for i in range(10):
        y = 120 + 14 * i
        words += _row(f"left column line {i} running text fills", left_x, y)
        words += _row(f"right column line {i} running text too", right_x, y)
    return words


def test_two_column_page_reads_left_column_before_right() -> None:
    words = _two_column_words()
    assert find_gutter(words, W, H) is not None
    texts = [line.text for line in build_lines(words, W, H)]
    assert texts[0].startswith("A full width title")
    assert texts[1:11] == [f"left column line {i} running text fills" for i in range(10)]
    assert texts[11:] == [f"right column line {i} running text too" for i in range(10)]


def test_label_value_form_is_not_mistaken_for_two_columns() -> None:
    words: list[Word] = []
    for i, (label, value) in enumerate(
        [
            ("Name:", "Jane Doe"),
            ("DOB:", "01/02/1970"),
            ("Employer:", "Acme"),
            ("Claim:", "12345"),
            ("Date of injury:", "03/04/2021"),
        ]
        * 2
    ):
        words += _row(label, 72, 100 + 14 * i) + _row(value, 330, 100 + 14 * i)
    assert find_gutter(words, W, H) is None
    assert build_lines(words, W, H)[0].text == "Name: Jane Doe"


def _page(number: int, texts: list[tuple[str, float]]) -> Page:
    lines = [Line(text=t, bbox=(72, y, 300, y + 10), words=_row(t, 72, y)) for t, y in texts]
    return Page(number=number, width=W, height=H, text_source=TextSource.TEXT_LAYER, lines=lines)


def test_repeated_header_and_footer_are_marked_and_kept() -> None:
    bodies = ["History of injury", "Physical examination", "Diagnoses", "Discussion"]
    pages = [
        _page(n, [("Agreed Medical Evaluation - Jane Doe", 30), (body, 100), (f"Page {n} of 12", 760)])
        for n, body in enumerate(bodies, start=1)
    ]
    marked = mark_running_lines(pages)
    for page in marked:
        assert [line.role for line in page.lines] == ["header", "body", "footer"]
        assert page.body_text == bodies[page.number - 1]
        assert "Page" in page.text


def test_text_repeated_mid_page_is_not_a_header() -> None:
    pages = [_page(n, [("Same sentence", 400), (f"Other {n}", 420)]) for n in range(1, 4)]
    assert all(line.role == "body" for page in mark_running_lines(pages) for line in page.lines)

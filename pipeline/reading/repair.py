"""OCR repairs that are unambiguous: letters Tesseract reads in place of digits inside a token that can only
be a number (a numeric date such as "O3/l5/2O23", a case number "ADJ12B4567").

The confusion table is the one source of truth for every digit repair; a repaired OCR word keeps what
Tesseract read (`Word.ocr_text`), so the extraction can flag a decisive value that rests on a repair.
"""

from __future__ import annotations

import re
from datetime import date

#: What OCR reads instead of a digit where only a digit can stand.
OCR_DIGITS = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "G": "6",
    }
)
#: What OCR reads inside an identifier (an insurer's claim number) that no identifier contains.
OCR_ID_CHARS = str.maketrans({"§": "5"})
#: The characters of `OCR_DIGITS` plus the digits, as a regex class body.
DIGIT_LIKE = "0-9OoDQIl|iSsBZzG"

#: A numeric date written m/d/yyyy (or with - or .), where some "digits" may be letters: month and day of
#: one or two, the year of four; the separators must match. Nothing word-like on either side.
_DATE_TOKEN = re.compile(
    rf"(?P<lead>[(\[]?)(?P<m>[{DIGIT_LIKE}]{{1,2}})(?P<sep>[/\-.])(?P<d>[{DIGIT_LIKE}]{{1,2}})(?P=sep)"
    rf"(?P<y>[{DIGIT_LIKE}]{{4}})(?P<tail>[)\].,;:]*)"
)


def repair_date_token(token: str) -> str | None:
    """The token with its date repaired when it is a numeric date with letters in place of digits, at
    least five real digits, and a valid calendar date after the repair ("O3/l5/2O23" -> "03/15/2023");
    None when it needs no repair or the repair is not certain."""
    m = _DATE_TOKEN.fullmatch(token)
    if not m:
        return None
    body = token[m.start("m") : m.end("y")]
    if body.replace(m.group("sep"), "").isdigit():
        return None
    if sum(c.isdigit() for c in body) < 5:
        return None
    fixed = body.translate(OCR_DIGITS)
    month, day, year = (int(p) for p in fixed.split(m.group("sep")))
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2099):
        return None
    try:
        date(year, month, day)
    except ValueError:
        return None
    return token[: m.start("m")] + fixed + token[m.end("y") :]


#: Words after which "I" starts a clause: a line start, punctuation, a conjunction.
_CLAUSE_END = re.compile(r"[.,;:!?)]$")
_BEFORE_I = {"and", "but", "so", "which", "that", "as", "where", "because", "therefore", "however,"}


def repair_pronoun(words: list[str]) -> list[str]:
    """A line's OCR words with "|" read for the pronoun "I" repaired: "| find 7% WPI" -> "I find 7% WPI".
    Only where "|" starts a clause (a line start, after a sentence end or a conjunction) and the next word
    is a lowercase word of letters; a table's column rule stands between cells, which this never is."""
    out = list(words)
    for i, w in enumerate(words):
        if w != "|" or i + 1 >= len(words):
            continue
        nxt = words[i + 1]
        if not re.fullmatch(r"[a-z][a-z']+[,.]?", nxt):
            continue
        if i == 0 or _CLAUSE_END.search(words[i - 1]) or words[i - 1].lower() in _BEFORE_I:
            out[i] = "I"
    return out

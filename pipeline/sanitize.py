"""Text from reports, file names and corrections made safe to show: control characters (terminal escape
sequences, carriage returns, NUL) and invisible format characters (bidi overrides that reorder what is
shown, zero-width characters) removed. Newlines and tabs stay. One rule for the command line's output
(`pipeline.cli.main`) and the review app's corrections (`web.records`)."""

from __future__ import annotations

import re

#: C0 and C1 controls but tab and newline; DEL; Arabic letter mark; zero-width and directional marks,
#: embeddings, overrides and isolates; word joiner and invisible operators; the byte-order mark.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


#: Whole terminal escape sequences: CSI (`ESC [ ... m`, colours, cursor moves), OSC (`ESC ] ... BEL`,
#: window titles, hyperlinks) and two-character escapes, so no `[31m` is left behind.
ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]"
)


def printable(text: str) -> str:
    """`text` without terminal escape sequences and control and invisible format characters (newlines
    and tabs kept)."""
    return UNSAFE.sub("", ESCAPES.sub("", text))

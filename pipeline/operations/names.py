"""File names: the name a report was dropped under is data; a safe form of it names files and log lines.

A name may hold anything but `/` and NUL: a newline (which forges log lines), other control characters,
Unicode line separators and bidirectional overrides (which make a name read differently than it sorts),
or 255 bytes (the longest a Linux file name can be, leaving no room for `NAME.error.json`). The original
name is kept in the store, the record (`source.filename`) and `NAME.error.json`; the safe name is the one
on disk under processing/, archive/ and quarantine/, and the one in logs.
"""

from __future__ import annotations

import unicodedata

#: The longest safe name in UTF-8 bytes: room for " (99999)", ".error.json" and write_atomic's
#: temporary prefix and suffix within the 255-byte limit of a file name.
MAX_NAME_BYTES = 200
#: Unicode categories replaced: controls, format characters (bidi overrides, zero-width), separators
#: other than the plain space (line and paragraph separators), surrogates and unassigned code points.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"}
#: The longest extension kept when a long name is shortened.
_MAX_SUFFIX_CHARS = 16


def _safe_char(ch: str) -> str:
    if ch in "/\\" or unicodedata.category(ch) in _UNSAFE_CATEGORIES:
        return "_"
    if ch.isspace() and ch != " ":
        return "_"
    return ch


def _cut(text: str, max_bytes: int) -> str:
    """`text` shortened to at most `max_bytes` UTF-8 bytes, never splitting a character."""
    data = text.encode("utf-8", "surrogateescape")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", "ignore")


def data_name(name: str) -> str:
    """The name as text that can be stored anywhere: bytes that are not UTF-8 (which Python keeps as
    surrogate escapes) become `\\xNN`; every other character is kept."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def safe_name(name: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """`name` with control, format and line-separator characters replaced by `_` and shortened to
    `max_bytes` (UTF-8), keeping its extension; an ordinary name comes back unchanged."""
    cleaned = "".join(_safe_char(ch) for ch in data_name(name))
    cleaned = cleaned.strip(" ") or "unnamed"
    if cleaned in (".", ".."):
        cleaned = cleaned.replace(".", "_")
    if len(cleaned.encode()) <= max_bytes:
        return cleaned
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot or not stem or len(suffix) > _MAX_SUFFIX_CHARS:
        return _cut(cleaned, max_bytes)
    tail = f"~.{suffix}"
    return _cut(stem, max_bytes - len(tail.encode())) + tail

"""File names and user text as reports and terminals can carry them.

Pure functions, used at the edges:

* :func:`path_text`: the text of a file name for reports (JSON, SARIF, tables, messages). POSIX file names
  are bytes; Python decodes the bytes that are not UTF-8 to lone surrogates (``surrogateescape``), which no
  UTF-8 output can hold. Each such byte is written as ``%XX`` (two upper-case hex digits), so
  ``b"caf\\xe9.txt"`` (Latin-1) is reported as ``caf%E9.txt``. Everything else is kept, including a
  literal ``%``: the form is for reading, and is unambiguous for every name that does not already contain
  ``%`` followed by two hex digits.
* :func:`printable`: text for a terminal. C0 and C1 control characters, DEL and the bidirectional
  override and isolate characters are written as ``\\xHH`` / ``\\uHHHH`` escapes, so a file name (or a
  scraped fragment) holding an escape sequence never reaches the terminal raw.
* :func:`fragment`: user text for one table cell: on one line (``⏎`` for a line break), printable, and cut
  to a length with ``…``.
"""

from __future__ import annotations

import os
import re

__all__ = ["fragment", "path_text", "printable"]


_SURROGATE = re.compile("[\udc80-\udcff]")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


# C0 controls but tab, DEL and C1 controls; bidi embeddings, overrides and isolates (Trojan Source).
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


_NAMED = {"\n": "\\n", "\r": "\\r"}


def path_text(path: str | os.PathLike[str]) -> str:
    """Return a file name as UTF-8-safe text: each undecodable byte as ``%XX``.

    >>> path_text(os.fsdecode(b"caf\\xe9.txt")), path_text("plain/ok 100%.md")
    ('caf%E9.txt', 'plain/ok 100%.md')
    """
    text = os.fspath(path)
    text = _SURROGATE.sub(lambda m: f"%{ord(m.group()) - 0xDC00:02X}", text)
    # Any other lone surrogate (not from a file name's bytes) cannot be encoded either.
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printable(text: str) -> str:
    """Return ``text`` with control and bidi-override characters escaped, for a terminal.

    >>> printable("esc\\x1b[31mred\\x1b[0m.txt"), printable("tab\\tand\\nnewline")
    ('esc\\\\x1b[31mred\\\\x1b[0m.txt', 'tab\\tand\\\\nnewline')
    """
    text = path_text(text)

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in _NAMED:
            return _NAMED[char]
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(escape, text)


def fragment(text: str, limit: int = 72) -> str:
    """Return ``text`` for one table cell: line breaks as `` ⏎ ``, :func:`printable`, at most ``limit`` long.

    >>> fragment("one\\r\\ntwo"), fragment("abcdefgh", 5)
    ('one ⏎ two', 'abcd…')
    """
    flat = printable(text.replace("\r", "").replace("\n", " ⏎ "))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

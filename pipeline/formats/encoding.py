"""Byte-level decoding and encoding of input files.

:func:`decode` settles the encoding in a fixed order, so the same bytes always give the same text:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) decides;
2. NUL bytes or many control characters mean a binary file (an error), unless the bytes read as UTF-16
   without a byte-order mark (one byte of each pair repeating, a strict decode, printable text); such a file
   is written back the same way, without a mark;
3. strict UTF-8; text that is mostly valid UTF-8 with a few stray bytes is an error naming the first one
   (guessing a legacy code page for it would turn every UTF-8 character into mojibake);
4. charset-normalizer, restricted to the legacy code pages our users' files come in (Windows-1251 and
   KOI8-R for Russian, Ukrainian and Bulgarian; Windows-1252 and Latin-1 for Western European languages),
   with a tie-break that prefers the reading with the fewest implausible words.

:func:`encode` is its inverse: it writes the byte-order mark back where the input had one.
"""

from __future__ import annotations

import codecs
import re

from pipeline.errors import InputError, PipelineError

__all__ = ["LEGACY_CANDIDATES", "decode", "encode", "fit_encoding", "looks_binary"]

#: Legacy code pages tried when the bytes are not UTF-8, in order of preference on a tie.
LEGACY_CANDIDATES: tuple[str, ...] = ("cp1251", "cp1252", "koi8_r", "latin_1")

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 little-endian one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# C0 controls that never occur in text files (tab, line feed, vertical tab, form feed, carriage return and
# escape are allowed).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
# Well-formed multi-byte UTF-8 sequences; they seldom occur by chance in legacy-encoded text.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_SAMPLE = 1_000_000  # characters of each candidate reading scored for implausible words
_HIGH_BYTES = bytes(range(0x80, 0x100))
_BINARY_HINT = "pass a text, Markdown, HTML or JSON Lines file"

# Words holding at least one non-ASCII character.
_NON_ASCII_WORD = re.compile(r"\w*[^\x00-\x7f\W]\w*")
_CYRILLIC = re.compile("[\u0400-\u052f]")
_ASCII_LETTER = re.compile("[A-Za-z]")
_NON_ASCII_LATIN = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]{3,}")


def _implausible(text: str) -> int:
    """Count words that no real text contains: mixed Cyrillic/Latin, or three or more accented letters only.

    >>> _implausible("café Привет")
    0
    >>> _implausible("cafй Ïðèâåò")
    2
    """
    count = 0
    for match in _NON_ASCII_WORD.finditer(text):
        word = match.group()
        if (_CYRILLIC.search(word) and _ASCII_LETTER.search(word)) or _NON_ASCII_LATIN.fullmatch(word):
            count += 1
    return count


def _mostly_utf8(data: bytes) -> bool:
    """Whether most non-ASCII bytes form valid UTF-8 sequences (UTF-8 with a few stray legacy bytes).

    >>> _mostly_utf8("naïve “quotes” ".encode() + b"\\x93x\\x94")
    True
    >>> _mostly_utf8("Привет".encode("cp1251"))
    False
    """
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    in_sequences = sum(len(m) for m in _UTF8_SEQUENCE.findall(data))
    return in_sequences > high - in_sequences


def _is_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    return looks_binary(False, len(data) - len(data.translate(None, _CONTROL_BYTES)), len(data))


def looks_binary(nul: bool, controls: int, size: int) -> bool:
    """Whether bytes are binary, not text, from what :func:`pipeline.formats.shards.scan` counts in them
    (added up over a file's shards): a NUL byte, or control bytes over 5 % of ``size``.

    >>> looks_binary(False, 5, 100), looks_binary(False, 6, 100), looks_binary(True, 0, 100)
    (False, True, True)
    """
    return nul or controls * 20 > size


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Read UTF-16 that has no byte-order mark, or return None when the bytes are not such text.

    In UTF-16 text one byte of each code unit (the high one) takes very few values: 0x00 for Latin, 0x04
    for Cyrillic. The byte order is the one whose high bytes repeat; the reading must decode strictly and be
    printable text (letters, spaces, line breaks), else the file is binary after all.

    >>> _utf16_without_bom("Привет, world\\n".encode("utf-16-le"))
    ('Привет, world\\n', 'utf-16-le')
    >>> _utf16_without_bom(bytes(range(256)) * 4) is None
    True
    """
    if len(data) < 4 or len(data) % 2:
        return None
    orders = []
    for codec, high in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        orders.append((max(high.count(value) for value in set(high)), codec))
    for common, codec in sorted(orders, key=lambda order: -order[0]):  # the more repetitive high bytes first
        if common * 2 < len(data) // 2:
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        plain = sum(1 for char in text if char.isprintable() or char in "\t\n\r\f\v")
        if "\x00" not in text and plain * 100 >= len(text) * 98:
            return text, codec
    return None


def decode(data: bytes, *, source: str) -> tuple[str, str]:
    """Decode a file's bytes, detecting the encoding.

    Args:
        data: the file's content.
        source: the file as the user named it (for error messages).

    Returns:
        ``(text, codec)``, where ``codec`` is a Python codec name such as ``utf-8``, ``utf-8-sig``,
        ``utf-16``, ``cp1251`` or ``cp1252`` that :func:`encode` accepts.

    Raises:
        InputError: the data is binary or fits none of the supported encodings.

    >>> decode("Привет".encode("utf-8"), source="a.txt")
    ('Привет', 'utf-8')
    >>> decode(b"\\xef\\xbb\\xbfhi", source="a.txt")
    ('hi', 'utf-8-sig')
    >>> decode(b"", source="a.txt")
    ('', 'utf-8')
    """
    if not data:
        return "", "utf-8"
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"starts with a {codec.upper()} byte-order mark but byte {exc.start} is invalid in "
                    f"{codec.upper()}; re-save the file as UTF-8",
                    path=source,
                ) from exc
    if _is_binary(data):
        found = _utf16_without_bom(data)
        if found is not None:
            return found
        raise InputError(f"binary file (NUL or control bytes); {_BINARY_HINT}", path=source)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if _mostly_utf8(data):
        raise InputError(
            f"mixed encodings: UTF-8 text with an invalid byte at offset {first_bad} "
            f"(0x{data[first_bad]:02x}); fix that byte or re-save the file as UTF-8",
            path=source,
        )
    from charset_normalizer import from_bytes

    best: tuple[tuple[float, int, float, int], str, str] | None = None
    for match in from_bytes(data, cp_isolation=list(LEGACY_CANDIDATES)):
        name = codecs.lookup(match.encoding).name
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        try:
            priority = [codecs.lookup(c).name for c in LEGACY_CANDIDATES].index(name)
        except ValueError:
            priority = len(LEGACY_CANDIDATES)
        key = (round(match.chaos, 2), _implausible(text[:_SAMPLE]), -round(match.coherence, 2), priority)
        if best is None or key < best[0]:
            best = (key, text, name)
    if best is None:
        raise InputError(
            f"not valid UTF-8 (byte {first_bad}) and no supported legacy encoding "
            f"({', '.join(LEGACY_CANDIDATES)}) fits; re-save the file as UTF-8",
            path=source,
        )
    return best[1], best[2]


def encode(text: str, codec: str) -> bytes:
    """Encode text for writing, the inverse of :func:`decode`.

    ``utf-8-sig`` writes the UTF-8 byte-order mark; ``utf-16`` and ``utf-32`` write a little-endian
    byte-order mark and little-endian code units whatever the machine (so output is the same everywhere).

    Args:
        text: the text to write.
        codec: a codec name as returned by :func:`decode`.

    Returns:
        The encoded bytes.

    Raises:
        PipelineError: the codec is unknown or cannot represent a character of ``text``.

    >>> encode("hi", "utf-16")
    b'\\xff\\xfeh\\x00i\\x00'
    >>> encode("hi", "utf-8-sig")
    b'\\xef\\xbb\\xbfhi'
    """
    try:
        name = codecs.lookup(codec).name
    except LookupError as exc:
        raise PipelineError(f"unknown encoding {codec!r}; use utf-8") from exc
    try:
        if name == "utf-16":
            return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
        if name == "utf-32":
            return codecs.BOM_UTF32_LE + text.encode("utf-32-le")
        return text.encode(name)
    except UnicodeEncodeError as exc:
        char = exc.object[exc.start]
        raise PipelineError(
            f"character {char!r} (U+{ord(char):04X}) at offset {exc.start} cannot be written in {codec}; "
            "write the output as UTF-8 instead"
        ) from exc


def fit_encoding(text: str, codec: str, *, markup: bool) -> tuple[str, str, str | None]:
    """Make ``text`` writable: ``(text, codec, note)``, the note saying what had to change (else None).

    A translation can bring characters the input's legacy encoding lacks (an ``é`` into a windows-1251
    page). Markup (HTML) keeps its encoding and spells such characters as numeric character references,
    which mean the same character there; plain text, Markdown and JSON Lines are written as UTF-8 instead.
    Either way nothing is lost, and the note tells the user.

    >>> fit_encoding("Привет", "cp1251", markup=False)
    ('Привет', 'cp1251', None)
    >>> fit_encoding("Québec", "cp1251", markup=False)
    ('Québec', 'utf-8', "cp1251 cannot carry 'é' (U+00E9): written as UTF-8")
    >>> fit_encoding("<p>Québec</p>", "cp1251", markup=True)[:2]
    ('<p>Qu&#233;bec</p>', 'cp1251')
    """
    try:
        name = codecs.lookup(codec).name
        text.encode(name)
        return text, codec, None
    except LookupError:
        return text, codec, None  # an unknown codec: encode() names it when the text is written
    except UnicodeEncodeError as exc:
        char = exc.object[exc.start]
    what = f"{codec} cannot carry {char!r} (U+{ord(char):04X})"
    if markup:
        return (
            text.encode(name, errors="xmlcharrefreplace").decode(name),
            codec,
            f"{what}: written as character references",
        )
    return text, "utf-8", f"{what}: written as UTF-8"

"""Encoding detection: BOMs, UTF-8, legacy code pages, binary and undecodable data."""

from __future__ import annotations

import codecs

import pytest

from pipeline.errors import InputError, PipelineError
from pipeline.formats.encoding import decode, encode

RUSSIAN = "Привет, мир! Это тестовый текст на русском языке, сохранённый в кодировке Windows-1251."
UKRAINIAN = "Ґанок і їжак: це українська мова з літерами є та ї."
FRENCH = "Ça va très bien, où êtes-vous ? À bientôt, cœur léger."
GERMAN = "Über die Brücke gehen wir. Größe, Maß und Übermut."
WESTERN = {"cp1252", "iso8859-1"}


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        pytest.param(RUSSIAN, "cp1251", {"cp1251"}, id="russian-cp1251"),
        pytest.param("Привет", "cp1251", {"cp1251"}, id="russian-one-word-cp1251"),
        pytest.param(UKRAINIAN, "cp1251", {"cp1251"}, id="ukrainian-cp1251"),
        pytest.param("Hello мир, how are you", "cp1251", {"cp1251"}, id="english-with-russian-cp1251"),
        pytest.param(RUSSIAN, "koi8-r", {"koi8-r"}, id="russian-koi8r"),
        pytest.param(FRENCH.replace("œ", "oe"), "latin-1", WESTERN, id="french-latin1"),
        pytest.param(GERMAN, "latin-1", WESTERN, id="german-latin1"),
        pytest.param(FRENCH, "cp1252", {"cp1252"}, id="french-cp1252-oe"),
        pytest.param("café", "cp1252", WESTERN, id="short-cafe-cp1252"),
    ],
)
def test_legacy_encodings_decode_right(text: str, codec: str, expected: set[str]) -> None:
    decoded, detected = decode(text.encode(codec), source="a.txt")
    assert decoded == text
    assert detected in expected


@pytest.mark.parametrize(
    ("data", "codec", "text"),
    [
        pytest.param(codecs.BOM_UTF8 + "Привет".encode(), "utf-8-sig", "Привет", id="utf8-bom"),
        pytest.param(codecs.BOM_UTF16_LE + "Héllo\n".encode("utf-16-le"), "utf-16", "Héllo\n", id="utf16le"),
        pytest.param(codecs.BOM_UTF16_BE + "Héllo\n".encode("utf-16-be"), "utf-16", "Héllo\n", id="utf16be"),
        pytest.param(codecs.BOM_UTF32_LE + "Ж".encode("utf-32-le"), "utf-32", "Ж", id="utf32le"),
        pytest.param(codecs.BOM_UTF32_BE + "Ж".encode("utf-32-be"), "utf-32", "Ж", id="utf32be"),
        pytest.param("naïve — “quoted”".encode(), "utf-8", "naïve — “quoted”", id="utf8"),
        pytest.param(b"", "utf-8", "", id="empty"),
        pytest.param(b"plain ascii\r\n", "utf-8", "plain ascii\r\n", id="ascii-crlf"),
    ],
)
def test_bom_and_utf8(data: bytes, codec: str, text: str) -> None:
    assert decode(data, source="a.txt") == (text, codec)


@pytest.mark.parametrize(
    ("text", "codec"),
    [("Привет\r\n", "utf-8-sig"), ("Héllo", "utf-16"), ("Ж", "utf-32"), (RUSSIAN, "cp1251"), ("x", "utf-8")],
)
def test_encode_is_the_inverse_of_decode(text: str, codec: str) -> None:
    assert decode(encode(text, codec), source="a.txt") == (text, codec)


def test_encode_writes_the_bom_back() -> None:
    assert encode("a", "utf-8-sig") == codecs.BOM_UTF8 + b"a"
    assert encode("a", "utf-16") == codecs.BOM_UTF16_LE + b"a\x00"


def test_encode_unrepresentable_character_is_a_clear_error() -> None:
    with pytest.raises(PipelineError, match=r"'é' \(U\+00E9\) at offset 1 cannot be written in cp1251"):
        encode("xé", "cp1251")


def test_encode_unknown_codec() -> None:
    with pytest.raises(PipelineError, match="unknown encoding"):
        encode("x", "no-such-codec")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", id="png-nul"),
        pytest.param(bytes(range(1, 9)) * 10 + b"some text", id="control-bytes"),
    ],
)
def test_binary_data_is_rejected(data: bytes) -> None:
    with pytest.raises(
        InputError, match=r"^a\.bin: binary file .*pass a text, Markdown, HTML or JSON Lines file"
    ):
        decode(data, source="a.bin")


def test_a_few_control_characters_are_still_text() -> None:
    data = b"Hello\x07 world, this is a normal line of text with one bell.\n"
    assert decode(data, source="a.txt")[1] == "utf-8"


def test_undecodable_bytes_name_the_offset() -> None:
    # Random high bytes: invalid UTF-8 and chaos in every legacy candidate.
    data = b"ok " + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D] * 40)
    with pytest.raises(InputError, match=r"not valid UTF-8 \(byte 3\)"):
        decode(data, source="a.txt")


def test_utf8_with_stray_legacy_bytes_is_an_error_not_mojibake() -> None:
    data = "The fox — jumps “over”, naïve café. ".encode() + b"\x93quoted\x94"
    with pytest.raises(
        InputError, match=r"mixed encodings: UTF-8 text with an invalid byte at offset 44 \(0x93\)"
    ):
        decode(data, source="a.txt")


def test_broken_utf16_after_bom() -> None:
    with pytest.raises(InputError, match="byte-order mark"):
        decode(codecs.BOM_UTF16_LE + b"\x00\xd8", source="a.txt")


def test_decode_is_deterministic() -> None:
    data = RUSSIAN.encode("cp1251")
    assert {decode(data, source="a") for _ in range(3)} == {(RUSSIAN, "cp1251")}


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", ["text", "Привет, мир.\nSecond line\r\n", "Fußball 𝔘 ok\n"])
def test_utf16_without_bom_is_text_and_written_back_the_same_way(text: str, codec: str) -> None:
    data = text.encode(codec)
    assert decode(data, source="a.txt") == (text, codec)
    assert encode(text, codec) == data  # no byte-order mark added


def test_binary_that_pairs_like_utf16_is_still_binary() -> None:
    data = bytes([0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x7F, 0x00] * 64)  # control characters only
    with pytest.raises(InputError, match="binary file"):
        decode(data, source="a.bin")

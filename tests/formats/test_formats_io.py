"""The disk edge: discovery, reading real files, atomic writes, clear errors."""

from __future__ import annotations

import codecs
import os
import time
from pathlib import Path

import pytest

from pipeline.errors import InputError, PipelineError
from pipeline.formats import (
    DocFormat,
    Edit,
    discover,
    format_for,
    read_path,
    read_string,
    write_document,
    write_path,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "explicit", "expected"),
    [
        ("a.txt", True, DocFormat.TEXT),
        ("a.TEXT", True, DocFormat.TEXT),
        ("a.md", False, DocFormat.MARKDOWN),
        ("a.markdown", False, DocFormat.MARKDOWN),
        ("a.html", False, DocFormat.HTML),
        ("a.HTM", False, DocFormat.HTML),
        ("a.xhtml", False, DocFormat.HTML),
        ("a.jsonl", False, DocFormat.JSONL),
        ("a.ndjson", False, DocFormat.JSONL),
        ("a.csv", True, DocFormat.TEXT),
        ("README", True, DocFormat.TEXT),
        ("a.csv", False, None),
    ],
)
def test_format_by_suffix(name: str, explicit: bool, expected: DocFormat | None) -> None:
    assert format_for(Path(name), explicit=explicit) is expected


def make_tree(root: Path) -> None:
    for relative in (
        "b.md",
        "a.txt",
        "notes.csv",
        ".hidden.md",
        ".git/config.md",
        "sub/z.html",
        "sub/deeper/y.jsonl",
        "drafts/d.md",
    ):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")


def test_discover_walks_folders_sorted(tmp_path: Path) -> None:
    make_tree(tmp_path)
    found = [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])]
    assert found == ["a.txt", "b.md", "drafts/d.md", "sub/deeper/y.jsonl", "sub/z.html"]


def test_discover_include_exclude_and_explicit_files(tmp_path: Path) -> None:
    make_tree(tmp_path)
    found = discover([tmp_path], include=["*.md", "sub/*"], exclude=["drafts/*"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["b.md", "sub/deeper/y.jsonl", "sub/z.html"]
    by_part = discover([tmp_path], include=["*.md", "deeper"], exclude=["drafts"])
    assert [p.relative_to(tmp_path).as_posix() for p in by_part] == ["b.md", "sub/deeper/y.jsonl"]
    explicit = tmp_path / "notes.csv"
    assert discover([explicit, tmp_path / "a.txt", explicit]) == [explicit, tmp_path / "a.txt"]


def test_discover_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.md: no such file or folder"):
        discover([tmp_path / "nope.md"])


def test_read_path_detects_format_and_encoding(tmp_path: Path) -> None:
    path = tmp_path / "ru.md"
    path.write_bytes("# Заголовок\n\nТекст статьи на русском языке.\n".encode("cp1251"))
    doc = read_path(path)
    assert (doc.source, doc.format, doc.encoding) == (str(path), DocFormat.MARKDOWN, "cp1251")
    assert [doc.text[s.start : s.end] for s in doc.segments] == [
        "Заголовок",
        "Текст статьи на русском языке.",
    ]


def test_read_path_explicit_format_and_field(tmp_path: Path) -> None:
    path = tmp_path / "feed.log"
    path.write_text('{"body": "hello"}\n', encoding="utf-8")
    doc = read_path(path, format=DocFormat.JSONL, field="body")
    assert doc.units[0].text == "hello"
    assert read_path(path).format is DocFormat.TEXT


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    doc = read_path(path)
    assert (doc.text, doc.encoding, doc.segments) == ("", "utf-8", ())


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(InputError, match=r"image\.txt: binary file"):
        read_path(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"gone\.txt: no such file; check the path$"):
        read_path(tmp_path / "gone.txt")


def test_directory_passed_as_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder, not a file"):
        read_path(tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("x", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: every file is readable")
        with pytest.raises(InputError, match=r"secret\.txt: permission denied"):
            read_path(path)
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize(
    ("codec", "bom"),
    [("utf-8-sig", codecs.BOM_UTF8), ("utf-16", codecs.BOM_UTF16_LE), ("cp1251", b""), ("utf-8", b"")],
)
def test_write_keeps_encoding_and_bom(tmp_path: Path, codec: str, bom: bytes) -> None:
    source = tmp_path / "in.txt"
    source.write_bytes(
        bom + "Привет мир\r\nвторая строка\n".encode(codec.replace("-sig", "").replace("utf-16", "utf-16-le"))
    )
    doc = read_path(source)
    assert doc.encoding == codec
    first = doc.segments[0]
    out = tmp_path / "out.txt"
    write_path(out, write_document(doc, [Edit(0, first.start, first.end, "Hello world")]), doc.encoding)
    data = out.read_bytes()
    assert data.startswith(bom)
    assert read_path(out).text == "Hello world\r\nвторая строка\n"


def test_write_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "keep.txt"
    path.write_text("original", encoding="utf-8")
    with pytest.raises(PipelineError, match="already exists"):
        write_path(path, "new", "utf-8")
    assert path.read_text(encoding="utf-8") == "original"
    path.chmod(0o640)
    write_path(path, "new", "utf-8", overwrite=True)
    assert path.read_text(encoding="utf-8") == "new"
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_write_errors_leave_no_temp_files(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="does not exist; create it first"):
        write_path(tmp_path / "missing" / "out.txt", "x", "utf-8")
    with pytest.raises(PipelineError, match="cannot be written in cp1251"):
        write_path(tmp_path / "out.txt", "é", "cp1251")
    with pytest.raises(PipelineError, match="is a folder"):
        write_path(tmp_path, "x", "utf-8")
    assert list(tmp_path.iterdir()) == []


def test_read_string_dispatch() -> None:
    for fmt in DocFormat:
        doc = read_string("hello", fmt, source="-")
        assert doc.format is fmt
        assert write_document(doc) == "hello"


def test_samples_round_trip() -> None:
    samples = discover([REPO / "samples"])
    if not samples:
        pytest.skip("no samples")
    for path in samples:
        doc = read_path(path)
        assert write_document(doc, []) == doc.text
        assert doc.segments, path


@pytest.mark.parametrize(
    "fmt",
    [
        DocFormat.TEXT,
        # About 1-2 s each on a shared 2-core machine.
        pytest.param(DocFormat.MARKDOWN, marks=pytest.mark.slow),
        pytest.param(DocFormat.HTML, marks=pytest.mark.slow),
        pytest.param(DocFormat.JSONL, marks=pytest.mark.slow),
    ],
)
def test_twenty_megabyte_single_line(tmp_path: Path, fmt: DocFormat) -> None:
    words = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, Привет мир. "
    body = words * (20_000_000 // len(words.encode()))
    content = {
        DocFormat.TEXT: body,
        DocFormat.MARKDOWN: body,
        DocFormat.HTML: f"<p>{body}</p>",
        DocFormat.JSONL: '{"text": "' + body + '"}',
    }[fmt]
    path = tmp_path / "big.txt"
    path.write_text(content, encoding="utf-8")
    began = time.perf_counter()
    doc = read_path(path, format=fmt)
    elapsed = time.perf_counter() - began
    assert len(doc.segments) == 1
    assert elapsed < 5.0, f"{fmt.value}: {elapsed:.2f}s"

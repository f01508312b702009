"""Shard planning: line-aligned cuts, line numbers, whole files, gzip streams, errors as shards."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

from pipeline.document import DocFormat
from pipeline.formats import discover, format_for, read_path
from pipeline.formats.shards import plan_file


def _lines(n: int) -> bytes:
    return b"".join(b'{"text": "record %d"}\n' % i for i in range(1, n + 1))


def test_cuts_follow_lines_and_count_them(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(_lines(50) + b'{"text": "no newline"}')
    for size in (1, 5, 64, 10_000):
        shards = list(plan_file(path, 3, shard_size=size, max_bytes=10**6))
        assert b"".join(s.data for s in shards) == path.read_bytes()
        assert all(s.file == 3 for s in shards)
        assert [s.index for s in shards] == list(range(len(shards)))
        assert [s.start for s in shards[1:]] == [s.end for s in shards[:-1]]
        assert [s.first_line for s in shards[1:]] == [s.first_line + s.lines for s in shards[:-1]]
        assert shards[-1].last_line == 51


def test_a_bom_is_decoded_by_the_first_shard_only(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(codecs.BOM_UTF8 + _lines(10))
    shards = list(plan_file(path, 0, shard_size=40, max_bytes=10**6))
    assert [s.codec for s in shards[:2]] == ["utf-8-sig", "utf-8"]
    assert {s.encoding for s in shards} == {"utf-8-sig"}


def test_other_files_are_one_whole_shard_and_errors_are_shards(tmp_path: Path) -> None:
    page = tmp_path / "a.md"
    page.write_text("# Hi\n\nText.\n")
    (shard,) = plan_file(page, 0, shard_size=2, max_bytes=10**6)
    assert shard.whole
    assert shard.data == page.read_bytes()
    (missing,) = plan_file(tmp_path / "nope.jsonl", 1, shard_size=2, max_bytes=10**6)
    assert missing.error == "no such file; check the path"
    big = tmp_path / "big.jsonl"
    big.write_bytes(_lines(10))
    (refused,) = plan_file(big, 0, shard_size=2, max_bytes=10)
    assert refused.error is not None
    assert "limit on input files" in refused.error


def test_gzip_json_lines_are_found_read_and_cut(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "a.jsonl.gz"
    path.parent.mkdir()
    path.write_bytes(gzip.compress(_lines(20)) + gzip.compress(_lines(2)))  # two members, as `cat a.gz b.gz`
    assert format_for(path, explicit=False) is DocFormat.JSONL
    assert discover([tmp_path]) == [path]
    shards = list(plan_file(path, 0, shard_size=100, max_bytes=10**6))
    assert b"".join(s.data for s in shards) == _lines(20) + _lines(2)
    doc = read_path(path)
    assert doc.format is DocFormat.JSONL
    assert len(doc.units) == 22

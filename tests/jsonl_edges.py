"""JSON Lines files at the edges of what a reader meets, for the tests that compare a file read in shards
with the same file read whole (the audit's and translate's): CRLF and LF lines, a truncated last record,
a byte-order mark, a legacy code page, UTF-16, a NUL byte and gzip."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path


def write_jsonl_edges(
    folder: Path, lines: list[str], mixed: list[str], *, legacy_copies: int, nul_lines: list[str]
) -> None:
    """Write ``a-mixed.jsonl`` ... ``f-feed.jsonl.gz`` into ``folder``.

    Args:
        folder: where (it exists).
        lines: good records (the legacy and UTF-16 files take some).
        mixed: the records of the mixed, byte-order-mark and gzip files, blank and broken lines among them.
        legacy_copies: how many cp1251 records the legacy file starts with.
        nul_lines: the records before the NUL byte.
    """
    body = "\r\n".join(mixed[:10]) + "\r\n" + "\n".join(mixed[10:]) + '\n{"id": 99, "text": "trunc'
    (folder / "a-mixed.jsonl").write_text(body, encoding="utf-8")
    (folder / "b-bom.jsonl").write_bytes(codecs.BOM_UTF8 + "\n".join(mixed).encode("utf-8"))
    legacy = '{"text": "Привет, мир: это проверка кодировки."}\n' * legacy_copies + lines[0] + "\n"
    (folder / "c-legacy.jsonl").write_bytes(legacy.encode("cp1251"))
    (folder / "d-utf16.jsonl").write_text("\n".join(lines[:4]) + "\n", encoding="utf-16")
    (folder / "e-nul.jsonl").write_bytes(("\n".join(nul_lines) + "\n").encode() + b'{"text": "x\x00"}\n')
    (folder / "f-feed.jsonl.gz").write_bytes(gzip.compress(("\n".join(mixed) + "\n").encode(), mtime=0))

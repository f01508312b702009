"""``-`` as a path: standard input audited (``glossa audit -``, ``glossary check -``) like a named file.

Rules: the CLI edge only. The bytes of stdin are written to a private temporary file whose suffix is the
format (``--stdin-format``, else sniffed from the content: JSON Lines, HTML, Markdown or plain text), the
run reads that file exactly as it reads any other (encoding detection, the size limit, JSON Lines fields),
and every report names it ``-``. ``-`` cannot be mixed with other paths.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from pipeline.document import AuditRun, DocFormat
from pipeline.errors import ConfigError

__all__ = ["STDIN", "StdinFormatOpt", "sniff_format", "stdin_paths"]

STDIN = "-"
#: ``--stdin-format``, on every command that takes ``-``.
StdinFormatOpt = Annotated[
    DocFormat | None,
    typer.Option("--stdin-format", help="Format of standard input (PATH -; default: sniffed)."),
]
_SUFFIX = {
    DocFormat.TEXT: ".txt",
    DocFormat.MARKDOWN: ".md",
    DocFormat.HTML: ".html",
    DocFormat.JSONL: ".jsonl",
}
_HTML = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|p|div|article|section|span|h[1-6]|br|a\s)[\s>/]", re.I
)
_MARKDOWN = re.compile(rb"^(?:#{1,6} |```|~~~|[-*+] |\d+\. |> )|\]\([^)\s]+\)", re.M)


def sniff_format(data: bytes) -> DocFormat:
    """Guess the format of ``data``: every non-blank line a JSON object -> JSON Lines; HTML tags -> HTML;
    headings, lists, fences or links -> Markdown; else plain text.

    >>> sniff_format(b'{"text": "hi"}\\n{"text": "yo"}\\n'), sniff_format(b"<p>Hi</p>")
    (<DocFormat.JSONL: 'jsonl'>, <DocFormat.HTML: 'html'>)
    >>> sniff_format(b"# Title\\n\\nText."), sniff_format(b"Plain text.")
    (<DocFormat.MARKDOWN: 'markdown'>, <DocFormat.TEXT: 'text'>)
    """
    head = data[:65536].lstrip(b"\xef\xbb\xbf")
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    if lines and all(line.startswith(b"{") for line in lines[:50]):
        return DocFormat.JSONL
    if _HTML.search(head):
        return DocFormat.HTML
    if _MARKDOWN.search(head):
        return DocFormat.MARKDOWN
    return DocFormat.TEXT


@contextmanager
def stdin_paths(
    paths: Sequence[Path],
    stdin_format: DocFormat | None,
    *,
    max_bytes: int,
    stream: BinaryIO | None = None,
) -> Iterator[tuple[list[Path], Callable[[AuditRun], AuditRun]]]:
    """Yield the paths to run on and a function that renames the stdin file's report to ``-``.

    Without ``-`` among ``paths`` both are unchanged. At most ``max_bytes + 1`` bytes are read, so an
    endless pipe is refused by the size limit like a large file.

    Raises:
        ConfigError: ``-`` is given with other paths.
    """
    if not any(str(p) == STDIN for p in paths):
        yield list(paths), lambda run: run
        return
    if len(paths) > 1:
        raise ConfigError("`-` (standard input) cannot be mixed with other paths; give it alone")
    source = stream if stream is not None else sys.stdin.buffer
    data = source.read(max_bytes + 1)
    chosen = stdin_format or sniff_format(data)
    with tempfile.TemporaryDirectory(prefix="glossa-stdin-") as folder:
        temp = Path(folder) / f"stdin{_SUFFIX[chosen]}"
        temp.write_bytes(data)

        def rename(run: AuditRun) -> AuditRun:
            files = tuple(replace(r, path=STDIN) if r.path == str(temp) else r for r in run.files)
            return replace(run, files=files)

        yield [temp], rename

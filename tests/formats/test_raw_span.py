"""``raw_span`` maps offsets in a decoded JSON Lines field to its raw line: the raw slice decodes to the
decoded slice, whatever escapes, surrogate pairs and plain runs the literal holds."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.formats.jsonl import raw_span

_PIECES = st.sampled_from(["a", "é", '"', "\\", "\n", "\t", "😀", "\u0001", "/", "x y", "Привет", "\u2028"])


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(_PIECES, max_size=30),
    ascii_only=st.booleans(),
    cuts=st.tuples(st.integers(0, 60), st.integers(0, 60)),
)
def test_the_raw_slice_decodes_to_the_decoded_slice(
    pieces: list[str], ascii_only: bool, cuts: tuple[int, int]
) -> None:
    value = "".join(pieces)
    line = '{"id": 1, "text": ' + json.dumps(value, ensure_ascii=ascii_only) + ', "z": "\\""}'
    start, end = sorted(min(c, len(value)) for c in cuts)
    raw_start, raw_end = raw_span(line, "text", start, end)
    assert json.loads('"' + line[raw_start:raw_end] + '"') == value[start:end]
    if end == len(value):
        assert line[raw_end] == '"'  # the closing quote

"""TMX 1.4b keeps inline codes as codes (issue 10): export writes <bpt>/<ept>/<ph>/<it>, import reads them
back as the markup they carry, and the round trip is exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.translation.memory import MemoryEntry, TranslationMemory, export_tmx, import_tmx, parse_tmx

HTML = MemoryEntry(
    'Представитель <b>Роскосмоса</b> заявил, что экипаж <a href="https://x.ru/a?b=1&amp;c=2">МКС</a> готов.',
    "ru",
    "en",
    'A <b>Roscosmos</b> spokesman said the <a href="https://x.ru/a?b=1&amp;c=2">ISS</a> crew is ready.',
)
MARKDOWN = MemoryEntry(
    "Экипаж **МКС** готов, [подробнее](https://x.ru/iss) &laquo;здесь&raquo;.",
    "ru",
    "en",
    "The **ISS** crew is ready, [more](https://x.ru/iss) &laquo;here&raquo;.",
)


def test_export_writes_inline_codes_and_import_reads_them_back(tmp_path: Path) -> None:
    out = tmp_path / "m.tmx"
    with TranslationMemory(tmp_path / "a.sqlite") as memory:
        memory.add([HTML, MARKDOWN])
        assert export_tmx(memory, out) == 2
        entries = memory.entries()
    tmx = out.read_text(encoding="utf-8")
    assert '<bpt i="1">&lt;b&gt;</bpt>Roscosmos<ept i="1">&lt;/b&gt;</ept>' in tmx
    assert (
        '<bpt i="2">&lt;a href="https://x.ru/a?b=1&amp;amp;c=2"&gt;</bpt>ISS<ept i="2">&lt;/a&gt;</ept>'
        in tmx
    )
    assert '<bpt i="1">**</bpt>ISS<ept i="1">**</ept>' in tmx
    assert '<bpt i="2">[</bpt>more<ept i="2">](https://x.ru/iss)</ept>' in tmx
    assert "<ph>&amp;laquo;</ph>here<ph>&amp;raquo;</ph>" in tmx
    assert "&lt;b&gt;Roscosmos" not in tmx  # no tag flattened into text
    with TranslationMemory(tmp_path / "b.sqlite") as other:
        assert import_tmx(other, out) == 2
        assert other.entries() == entries
        again = tmp_path / "again.tmx"
        export_tmx(other, again)
    assert again.read_bytes() == out.read_bytes()


def test_codes_from_another_tool_keep_their_markup() -> None:
    tmx = (
        '<tmx version="1.4"><header srclang="ru" creationtool="t" creationtoolversion="1" segtype="sentence" '
        'o-tmf="t" adminlang="en" datatype="html"/><body><tu>'
        '<tuv xml:lang="ru"><seg><bpt i="1" x="1">&lt;b&gt;</bpt>МКС<ept i="1">&lt;/b&gt;</ept>'
        '<ph x="2">&lt;br/&gt;</ph><it pos="begin">&lt;i&gt;</it><hi>готов</hi></seg></tuv>'
        '<tuv xml:lang="en"><seg><bpt i="1" x="1">&lt;b&gt;</bpt>ISS<ept i="1">&lt;/b&gt;</ept>'
        '<ph x="2">&lt;br/&gt;</ph><it pos="begin">&lt;i&gt;</it>ready</seg></tuv></tu></body></tmx>'
    ).encode()
    [entry] = parse_tmx(tmx, source="x.tmx")
    assert (entry.source, entry.target) == ("<b>МКС</b><br/><i>готов", "<b>ISS</b><br/><i>ready")


def test_a_lone_markdown_marker_or_comparison_stays_text(tmp_path: Path) -> None:
    out = tmp_path / "m.tmx"
    with TranslationMemory(tmp_path / "a.sqlite") as memory:
        memory.add([MemoryEntry("2 ** 3 и a < b", "ru", "en", "2 ** 3 and a < b")])
        export_tmx(memory, out)
    assert "<seg>2 ** 3 and a &lt; b</seg>" in out.read_text(encoding="utf-8")


def test_translate_toolkit_reads_the_export(tmp_path: Path) -> None:
    tmx_store = pytest.importorskip("translate.storage.tmx")
    out = tmp_path / "m.tmx"
    with TranslationMemory(tmp_path / "a.sqlite") as memory:
        memory.add([HTML])
        export_tmx(memory, out)
    store = tmx_store.tmxfile.parsestring(out.read_bytes())
    [unit] = store.units
    # It reads the codes' native markup back, as tm import does.
    assert (unit.source, unit.target) == (HTML.source, HTML.target)

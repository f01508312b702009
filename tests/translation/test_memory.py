"""Project translation memory: hits avoid the model, TMX round trips exactly, bad input is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import CachedTranslator, FakeTranslator
from test_ctranslate import _Counting
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import FormatError, InputError
from pipeline.translation.ctranslate import ArgosCT2Translator
from pipeline.translation.memory import (
    ANY,
    MemoryEntry,
    TranslationMemory,
    export_tmx,
    import_tmx,
    parse_tmx,
    render_tmx,
)

runner = CliRunner()


@pytest.fixture
def memory(tmp_path: Path) -> TranslationMemory:
    with TranslationMemory(tmp_path / "memory.sqlite") as tm:
        yield tm  # type: ignore[misc]


def test_memory_hit_avoids_the_model(argos_models_dir: Path, memory: TranslationMemory) -> None:
    counting = _Counting(ArgosCT2Translator(argos_models_dir))
    cached = CachedTranslator(counting, memory, glossary_version="space@1")
    texts = ["Войти", "Поиск", "Войти", "Экипаж прибыл на МКС.", "Поиск"]
    first = cached.translate_detailed(texts, "ru", "en")
    assert [t.target for t in first] == texts
    assert counting.sent == ["Войти", "Поиск", "Экипаж прибыл на МКС."]  # each distinct text once
    assert {t.provenance for t in first} == {"argos:ru-en@1.0"}
    second = cached.translate_detailed(texts, "ru", "en")
    assert counting.sent == ["Войти", "Поиск", "Экипаж прибыл на МКС."]  # nothing new sent
    assert [t.provenance for t in second] == ["memory"] * 5
    assert [t.target for t in second] == texts
    assert (cached.hits, cached.misses) == (5, 3)


def test_glossary_version_and_model_are_part_of_the_key(memory: TranslationMemory) -> None:
    fake = FakeTranslator()
    CachedTranslator(fake, memory, glossary_version="v1").translate_batch(["Да"], "ru", "en")
    CachedTranslator(fake, memory, glossary_version="v2").translate_batch(["Да"], "ru", "en")
    assert fake.texts_sent == 2
    CachedTranslator(fake, memory, glossary_version="v2").translate_batch(["Да"], "ru", "de")
    assert fake.texts_sent == 3


def test_exact_entries_win_over_wildcards(memory: TranslationMemory) -> None:
    memory.add(
        [
            MemoryEntry("Да", "ru", "en", "Yes (any)"),
            MemoryEntry("Да", "ru", "en", "Yes (exact)", "fake", "v1"),
            MemoryEntry("Нет", "ru", "en", "No (reviewed)"),
        ]
    )
    found = memory.lookup(["Да", "Нет", "Может"], "ru", "en", "fake", "v1")
    assert found["Да"].target == "Yes (exact)"
    assert found["Нет"].target == "No (reviewed)"
    assert "Может" not in found
    fake = FakeTranslator()
    out = CachedTranslator(fake, memory, glossary_version="v1").translate_batch(["Нет", "Может"], "ru", "en")
    assert out == ["No (reviewed)", "(Может)"]


def test_a_lookup_up_to_a_mark_sees_the_memory_as_it_stood_then(memory: TranslationMemory) -> None:
    assert memory.mark() == 0
    memory.add([MemoryEntry("Да", "ru", "en", "Yes (any)")])
    mark = memory.mark()
    memory.add(
        [MemoryEntry("Да", "ru", "en", "Yes (exact)", "fake", "v1"), MemoryEntry("Нет", "ru", "en", "No")]
    )
    assert memory.mark() == mark + 2
    then = memory.lookup(["Да", "Нет"], "ru", "en", "fake", "v1", up_to=mark)
    assert {source: e.target for source, e in then.items()} == {"Да": "Yes (any)"}
    now = memory.lookup(["Да", "Нет"], "ru", "en", "fake", "v1")
    assert {source: e.target for source, e in now.items()} == {"Да": "Yes (exact)", "Нет": "No"}


def test_a_replaced_entry_keeps_its_place_and_a_learned_one_never_replaces(memory: TranslationMemory) -> None:
    """A review written while a run goes on: the run, whose lookups stop at its start's mark, still finds
    the row (with the reviewed text), and what the run learns for that key does not overwrite it."""
    memory.add([MemoryEntry("Да", "ru", "en", "(Да)", "fake", "v1", "argos:fake")])
    mark = memory.mark()
    assert memory.add([MemoryEntry("Да", "ru", "en", "Yes.", "fake", "v1", "review")]) == 1
    seen = memory.lookup(["Да"], "ru", "en", "fake", "v1", up_to=mark)
    assert (seen["Да"].target, seen["Да"].provenance) == ("Yes.", "review")
    learned = [MemoryEntry("Да", "ru", "en", "(Да)", "fake", "v1", "argos:fake")]
    assert memory.add(learned, replace=False) == 0
    assert [(e.target, e.provenance) for e in memory.entries()] == [("Yes.", "review")]
    assert memory.mark() == mark


def test_a_memory_that_cannot_be_written_is_one_clear_error(tmpfs_dir: Path) -> None:
    from fs_fixture import fill

    with TranslationMemory(tmpfs_dir / "memory.sqlite") as tm:
        fill(tmpfs_dir)
        with pytest.raises(InputError, match="cannot write the translation memory .*full") as caught:
            tm.add([MemoryEntry(f"Да {i}", "ru", "en", "x" * 4000) for i in range(200)])
    assert caught.value.path == str(tmpfs_dir / "memory.sqlite")


def test_blank_texts_are_not_sent_or_stored(memory: TranslationMemory) -> None:
    fake = FakeTranslator()
    out = CachedTranslator(fake, memory).translate_detailed(["", "  "], "ru", "en")
    assert [t.target for t in out] == ["", "  "]
    assert fake.calls == []
    assert len(memory) == 0


def _sample_entries() -> list[MemoryEntry]:
    return [
        MemoryEntry("Поиск", "ru", "en", "Search"),
        MemoryEntry(
            "Экипаж & <МКС>", "ru", "en", 'Crew & <ISS> "ok"', "ru-en@1.0", "space@3", "argos:ru-en@1.0"
        ),
        MemoryEntry("Войти", "ru", "de", "Anmelden", ANY, ANY, "phrasebook"),
        MemoryEntry("Пошук", "uk", "en", "Search"),
    ]


def test_tmx_round_trip_is_exact_and_deterministic(memory: TranslationMemory, tmp_path: Path) -> None:
    memory.add(_sample_entries())
    out = tmp_path / "out.tmx"
    assert export_tmx(memory, out) == 4
    again = tmp_path / "again.tmx"
    with TranslationMemory(tmp_path / "other.sqlite") as other:
        assert import_tmx(other, out) == 4
        assert other.entries() == memory.entries()
        export_tmx(other, again)
    assert out.read_bytes() == again.read_bytes()
    assert "creationdate" not in out.read_text(encoding="utf-8")


def test_export_refuses_to_overwrite(memory: TranslationMemory, tmp_path: Path) -> None:
    out = tmp_path / "keep.tmx"
    out.write_text("user data", encoding="utf-8")
    with pytest.raises(InputError, match="already exists"):
        export_tmx(memory, out)
    assert out.read_text(encoding="utf-8") == "user data"


def test_tmx_from_another_tool(tmp_path: Path) -> None:
    tmx = """<?xml version="1.0"?>
<tmx version="1.4"><header creationtool="X" creationtoolversion="1" segtype="sentence" o-tmf="x"
 adminlang="en-US" srclang="*all*" datatype="plaintext" creationdate="20240101T000000Z"/>
<body>
<tu><tuv xml:lang="ru-RU"><seg>Старт <ph>&lt;b&gt;</ph>ракеты</seg></tuv>
<tuv xml:lang="en-US"><seg>Rocket launch</seg></tuv><tuv xml:lang="de"><seg>Raketenstart</seg></tuv></tu>
<tu><tuv xml:lang="ru"><seg>one-sided</seg></tuv></tu>
</body></tmx>"""
    entries = parse_tmx(tmx.encode(), source="x.tmx")
    assert [(e.source, e.source_lang, e.target_lang, e.target, e.model) for e in entries] == [
        ("Старт <b>ракеты", "ru", "en", "Rocket launch", "*"),
        ("Старт <b>ракеты", "ru", "de", "Raketenstart", "*"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<tmx><body/></tmx>",
            "refusing XML entities",
            id="entity-bomb",
        ),
        pytest.param(b"<tmx>\n<body>\n<tu>", "not well-formed", id="truncated"),
        pytest.param(b"<xliff/>", "not a TMX file", id="not-tmx"),
    ],
)
def test_bad_tmx_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_tmx(data, source="bad.tmx")


def test_truncated_tmx_names_the_line() -> None:
    with pytest.raises(FormatError) as info:
        parse_tmx(b"<tmx>\n<body>\n<tu>", source="bad.tmx")
    assert info.value.line == 3


def test_render_escapes_markup() -> None:
    text = render_tmx([MemoryEntry("a < b & c", "ru", "en", "x\x01y")])
    assert "a &lt; b &amp; c" in text
    assert "x\ufffdy" in text


def test_tm_cli_import_list_stats_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLOSSA_HOME", str(tmp_path / "home"))
    source = tmp_path / "in.tmx"
    source.write_text(render_tmx(_sample_entries()), encoding="utf-8")
    result = runner.invoke(app, ["tm", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "home" / "memory.sqlite").is_file()
    listed = runner.invoke(app, ["tm", "list", "--format", "json", "--from", "ru", "--to", "en"])
    assert listed.exit_code == 0
    assert '"Search"' in listed.stdout
    assert "Anmelden" not in listed.stdout
    stats = runner.invoke(app, ["tm", "stats", "--format", "json"])
    assert '"ru-en": 2' in stats.stdout
    out = tmp_path / "out.tmx"
    result = runner.invoke(app, ["tm", "export", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")
    result = runner.invoke(app, ["tm", "export", str(out)])
    assert result.exit_code == 2
    assert "--force" in result.output
    assert runner.invoke(app, ["tm", "export", str(out), "--force"]).exit_code == 0


def test_tm_cli_bad_tmx_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLOSSA_HOME", str(tmp_path / "home"))
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx>\n<body>", encoding="utf-8")
    result = runner.invoke(app, ["tm", "import", str(bad)])
    assert result.exit_code == 2
    assert "not well-formed" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_corrupt_memory_file_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "memory.sqlite").write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv("GLOSSA_HOME", str(home))
    result = runner.invoke(app, ["tm", "stats"])
    assert result.exit_code == 2
    assert "translation memory" in result.output

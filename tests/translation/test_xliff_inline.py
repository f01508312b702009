"""XLIFF review files carry inline markup as XLIFF 2.0 inline codes, and apply maps them back (issue 10).

With the copy model (its output is its input, so the target is the source with terms rendered):
HTML ``<b>``, ``<a href>``, ``<img>`` (a void tag; ``<br>`` ends a unit in the HTML reader),
entities, and Markdown ``**bold**`` and ``[link](url)``.
Also: segment states (apply takes reviewed/final edits; untouched machine translations stay; a deleted
target is refused), and the codes a reviewer may move, drop, double or invent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.translation.xliff import NS

runner = CliRunner()

HTML = (
    '<p>Представитель <b>Роскосмоса</b> заявил, что экипаж <a href="https://x.ru/a?b=1&amp;c=2">МКС</a> '
    'готов<img src="dot.png">к выходу. Запуск &laquo;Союза&raquo; прошёл штатно.</p>\n'
)
MARKDOWN = "Представитель **Роскосмоса** заявил, что экипаж [МКС](https://x.ru/iss) готов к выходу.\n"


@pytest.fixture
def copy_models(tmp_path: Path, argos_copy_archive: Path) -> Path:
    folder = tmp_path / "models"
    result = runner.invoke(app, ["models", "install", "--models-dir", str(folder), str(argos_copy_archive)])
    assert result.exit_code == 0, result.output
    return folder


def _translate(tmp_path: Path, name: str, text: str, models: Path) -> tuple[Path, Path, Path]:
    doc = tmp_path / name
    doc.write_text(text, encoding="utf-8")
    out = tmp_path / ("en-" + name)
    xlf = tmp_path / (name + ".xlf")
    result = runner.invoke(
        app,
        ["translate", str(doc), "--scope", "all", "--from", "ru", "-o", str(out), "--xliff", str(xlf)]
        + ["--models-dir", str(models)],
    )
    assert result.exit_code == 0, result.output
    return doc, out, xlf


def _apply(xlf: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["apply", str(xlf), *extra])
    return result.exit_code, result.output


def _review(xlf: Path, old: str, new: str, *, state: str = "reviewed") -> None:
    """Edit the first target holding ``old`` and mark its segment ``state``."""
    xml = xlf.read_text(encoding="utf-8")
    at = xml.index(old, xml.index("<target>"))
    xml = xml[:at] + new + xml[at + len(old) :]
    seg = xml.rindex('<segment state="translated">', 0, at)
    xml = xml[:seg] + f'<segment state="{state}">' + xml[seg + len('<segment state="translated">') :]
    xlf.write_text(xml, encoding="utf-8")


def _target(xlf: Path, n: int = 0) -> str:
    xml = xlf.read_text(encoding="utf-8")
    return re.findall(r"<target>(.*?)</target>", xml, re.S)[n]


def test_html_codes_are_xliff_inline_codes(tmp_path: Path, copy_models: Path) -> None:
    _, out, xlf = _translate(tmp_path, "a.html", HTML, copy_models)
    xml = xlf.read_text(encoding="utf-8")
    assert '<data id="d1">&lt;b&gt;</data>' in xml
    assert '<data id="d3">&lt;a href="https://x.ru/a?b=1&amp;amp;c=2"&gt;</data>' in xml
    assert _target(xlf) == (
        'Представитель <pc id="1" dataRefStart="d1" dataRefEnd="d2">Roscosmos</pc> заявил, что crew '
        '<pc id="3" dataRefStart="d3" dataRefEnd="d4">ISS</pc> готов<ph id="5" dataRef="d5" />к выходу.'
    )
    assert '<ph id="1" dataRef="d1" disp="«" equiv="«" />' in xml  # an entity says what it stands for
    assert "&lt;b&gt;" not in _target(xlf)  # no markup left as text
    # Untouched, apply reproduces translate's output byte for byte.
    before = out.read_bytes()
    assert _apply(xlf)[0] == 0
    assert out.read_bytes() == before


def test_a_reviewer_may_move_codes(tmp_path: Path, copy_models: Path) -> None:
    _, out, xlf = _translate(tmp_path, "a.html", HTML, copy_models)
    moved = (
        'The <pc id="3" dataRefStart="d3" dataRefEnd="d4">ISS</pc> crew is ready<ph id="5" dataRef="d5" />'
        ', said a <pc id="1" dataRefStart="d1" dataRefEnd="d2">Roscosmos</pc> spokesman.'
    )
    _review(xlf, _target(xlf), moved)
    code, output = _apply(xlf)
    assert code == 0, output
    assert out.read_text(encoding="utf-8").startswith(
        '<p>The <a href="https://x.ru/a?b=1&amp;c=2">ISS</a> crew is ready<img src="dot.png">, '
        "said a <b>Roscosmos</b> spokesman. "
    )


def test_markdown_codes_round_trip(tmp_path: Path, copy_models: Path) -> None:
    _, out, xlf = _translate(tmp_path, "a.md", MARKDOWN, copy_models)
    assert '<data id="d1">**</data>' in xlf.read_text(encoding="utf-8")
    assert '<data id="d4">](https://x.ru/iss)</data>' in xlf.read_text(encoding="utf-8")
    _review(
        xlf,
        _target(xlf),
        'A <pc id="1" dataRefStart="d1" dataRefEnd="d2">Roscosmos</pc> spokesman said the '
        '<pc id="3" dataRefStart="d3" dataRefEnd="d4">ISS</pc> crew is ready &lt;now&gt;.',
    )
    code, output = _apply(xlf)
    assert code == 0, output
    assert out.read_text(encoding="utf-8") == (
        "A **Roscosmos** spokesman said the [ISS](https://x.ru/iss) crew is ready <now>.\n"
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace('<ph id="5" dataRef="d5" />', ""),
            'the target lacks code d5 (<img src="dot.png">)',
        ),
        (lambda t: t + '<ph id="5" dataRef="d5" />', 'holds code d5 (<img src="dot.png">) 2 times'),
        (lambda t: t + '<ph id="9" dataRef="d9" />', "code d9 (?), which its source lacks"),
        (lambda t: t.replace('<pc id="1"', '<g id="1"'), "<g>, which is not an XLIFF 2.0 inline code"),
    ],
)
def test_a_missing_extra_or_unknown_code_is_one_line(
    tmp_path: Path, copy_models: Path, edit: object, message: str
) -> None:
    _, out, xlf = _translate(tmp_path, "a.html", HTML, copy_models)
    before = out.read_bytes()
    target = _target(xlf)
    new = edit(target)  # type: ignore[operator]
    if "<g " in new:
        new = new.replace("</pc> заявил", "</g> заявил", 1)
    _review(xlf, target, new)
    code, output = _apply(xlf)
    assert code == 2
    assert "f1/u1" in output, output
    assert message in output, output
    assert len(output.strip().splitlines()) == 1
    assert out.read_bytes() == before


def test_crossing_pairs_are_sc_ec(tmp_path: Path, copy_models: Path) -> None:
    _, out, xlf = _translate(
        tmp_path, "x.html", "<p>Ракета <b>стартовала <i>с</b> космодрома</i> утром.</p>\n", copy_models
    )
    xml = xlf.read_text(encoding="utf-8")
    assert "<pc " not in xml
    assert '<sc id="1" dataRef="d1" />' in xml
    assert '<ec startRef="1"' in xml
    before = out.read_bytes()
    assert _apply(xlf)[0] == 0
    assert out.read_bytes() == before


def test_state_decides_what_is_applied(tmp_path: Path, copy_models: Path) -> None:
    _, out, xlf = _translate(tmp_path, "a.html", HTML, copy_models)
    before = out.read_bytes()
    # Edited but left "translated": refused, nothing written, the way out named.
    _review(xlf, "готов", "ready", state="translated")
    code, output = _apply(xlf)
    assert code == 2
    assert "f1/u1" in output, output
    assert "--min-state translated" in output, output
    assert out.read_bytes() == before
    # --min-state translated takes it.
    code, output = _apply(xlf, "--min-state", "translated")
    assert code == 0, output
    assert "crew <a href" in out.read_text(encoding="utf-8")
    assert "ready<img" in out.read_text(encoding="utf-8")
    # Untranslated units nobody filled keep their source; untouched ones keep the machine translation.
    assert "Launch" in out.read_text(encoding="utf-8")


def test_a_deleted_target_does_not_revert_to_the_source(tmp_path: Path, copy_models: Path) -> None:
    _, out, xlf = _translate(tmp_path, "a.html", HTML, copy_models)
    before = out.read_bytes()
    xml = xlf.read_text(encoding="utf-8")
    target = re.findall(r"<target>.*?</target>", xml, re.S)[1]
    xlf.write_text(xml.replace(target, "<target/>").replace('state="translated"', 'state="final"'), "utf-8")
    code, output = _apply(xlf)
    assert code == 2
    assert "f1/u2" in output, output
    assert "deleted" in output, output
    xlf.write_text(xml.replace(target, ""), "utf-8")  # no <target> at all
    code, output = _apply(xlf)
    assert code == 2
    assert "f1/u2" in output, output
    assert "deleted" in output, output
    assert out.read_bytes() == before


def test_reviewed_targets_enter_the_memory_untouched_ones_are_not_promoted(
    tmp_path: Path, copy_models: Path
) -> None:
    _, _, xlf = _translate(tmp_path, "a.html", HTML, copy_models)
    _review(xlf, "готов", "ready")
    assert _apply(xlf)[0] == 0
    exported = tmp_path / "m.tmx"
    assert runner.invoke(app, ["tm", "export", str(exported)]).exit_code == 0
    tmx = exported.read_text(encoding="utf-8")
    assert tmx.count('x-glossa-provenance">review<') == 2  # u1 only: any-model and same-model keys
    assert "ready" in tmx


def test_the_namespace_is_xliff_2() -> None:
    assert NS == "urn:oasis:names:tc:xliff:document:2.0"


def test_translate_toolkit_reads_the_codes_and_its_file_applies(tmp_path: Path, copy_models: Path) -> None:
    xliff2 = pytest.importorskip("translate.storage.xliff2")
    _, out, xlf = _translate(tmp_path, "a.html", HTML, copy_models)
    before = out.read_bytes()
    store = xliff2.Xliff2File.parsestring(xlf.read_bytes())
    first = store.units[0]
    assert first.getid() == "u1"
    assert first.istranslated()
    assert not first.isapproved()
    assert first.target.startswith("Представитель Roscosmos заявил, что crew ISS")  # codes are not text
    rich = repr(first.rich_target)  # its inline elements: two paired codes and a placeholder
    assert rich.count("UnknownXML{pc}") == 2
    assert rich.count("UnknownXML{ph}") == 1
    first.markapproved()  # as a reviewer confirming the unit
    saved = tmp_path / "tt.xlf"
    saved.write_bytes(bytes(store))
    code, output = _apply(saved)
    assert code == 0, output
    assert out.read_bytes() == before  # the approved target is the one translate wrote


def test_qa_sees_inline_codes_as_tags(tmp_path: Path, copy_models: Path) -> None:
    _, _, xlf = _translate(tmp_path, "a.html", HTML, copy_models)
    xml = xlf.read_text(encoding="utf-8")
    at = xml.index("<target>")
    xlf.write_text(xml[:at] + xml[at:].replace('<ph id="5" dataRef="d5" />', "", 1), encoding="utf-8")
    result = runner.invoke(app, ["qa", str(xlf), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert 'missing <img src=\\"dot.png\\">' in result.stdout

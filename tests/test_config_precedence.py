"""Settings precedence through the real CLI: flags > ``GLOSSA_*`` environment > config file > defaults.

Each knob below is set in every layer at once, to a different value in each, and the command's output says
which value won (the expected language in the JSON report, the limit named in a refusal, the glossaries
listed ...). The config file is looked up in the working directory (``glossa.toml``, else ``[tool.glossa]``
in ``pyproject.toml``) unless ``--config FILE`` names one; the second half checks that lookup order.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pipeline.cli import app

runner = CliRunner()

LAYERS = ("file", "env", "flag")


def _expected_language(result: Result) -> str:
    return str(json.loads(result.stdout)["expected_language"])


def _foreign_texts(result: Result) -> str:
    data = json.loads(result.stdout)
    return "|".join(
        f["text"] for file in data["files"] for f in file["findings"] if f["kind"] == "foreign-text"
    )


def _audited(result: Result) -> str:
    return "|".join(sorted(file["path"] for file in json.loads(result.stdout)["files"]))


def _glossary_ids(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return "|".join(g["id"] for g in json.loads(result.stdout)["glossaries"])


def _message(result: Result) -> str:
    return " ".join(result.output.split())


def _models_dir(result: Result) -> str:
    text = _message(result)
    assert text.startswith("no models installed in "), text
    return text.removeprefix("no models installed in ").split(";")[0]


def _archive_limit(result: Result) -> str:
    assert result.exit_code == 2, result.output
    text = _message(result)
    if "unpacks to more than " in text:
        return text.split("unpacks to more than ")[1].split(" bytes")[0]
    if "expands more than " in text:
        return text.split("expands more than ")[1].split("x ")[0]
    return "within limits" if "metadata.json; not an Argos package" in text else text


def _file_limit(result: Result) -> str:
    text = _message(result)
    if "-byte limit on input files" in text:
        return text.split("larger than the ")[1].split("-byte")[0]
    assert result.exit_code in (0, 1), text
    return "read"


def _setting(name: str) -> Callable[[Result], str]:
    """The value ``glossa config -f json`` reports for one setting."""

    def observe(result: Result) -> str:
        assert result.exit_code == 0, result.output
        return next(str(s["value"]) for s in json.loads(result.stdout)["settings"] if s["name"] == name)

    return observe


def _setup(folder: Path) -> None:
    """The inputs every knob's command works on, in the (temporary) working directory."""
    (folder / "en.txt").write_text("The launch went well. We will see.\n", encoding="utf-8")
    (folder / "fr.txt").write_text(
        "The launch went well. Le lancement de la fusée a été reporté à demain matin. We will see.\n",
        encoding="utf-8",
    )
    (folder / "big.txt").write_text("Orbit. " * 1000, encoding="utf-8")  # 7000 bytes
    record = {
        "text": "English words are here. Привет мир это текст.",
        "f_file": "English words here. Добрый вечер друзья мои.",
        "f_env": "English words here. Спокойной ночи малыши.",
        "f_flag": "English words here. Доброе утро страна.",
    }
    (folder / "records.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    tree = folder / "tree"
    tree.mkdir()
    for name in ("a.txt", "b.md", "c.html"):
        (tree / name).write_text(
            "<p>Plain English.</p>\n" if name.endswith("html") else "Plain English.\n", encoding="utf-8"
        )
    for name in ("g-file", "g-env", "g-flag"):
        (folder / f"{name}.toml").write_text(
            f'[glossary]\nid = "{name}"\nlanguages = ["en", "ru"]\n\n[[concept]]\nid = "a"\n'
            'en = { term = "Union" }\nru = { term = "Союз" }\n',
            encoding="utf-8",
        )
    with zipfile.ZipFile(folder / "small.argosmodel", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pkg/pad.bin", bytes(8192))  # 8 KiB: under the 1 MiB floor of the ratio check
    with zipfile.ZipFile(folder / "bomb.argosmodel", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pkg/pad.bin", bytes(2 << 20))  # 2 MiB of zeros: about 1000x


@dataclass(frozen=True)
class Knob:
    """One setting as the CLI exposes it, and what each layer sets it to."""

    name: str
    command: list[str]
    observe: Callable[[Result], str]
    file: str  #: the TOML line in the config file
    env: tuple[str, str] | None  #: variable and value; None where the setting has no variable
    flag: list[str] | None  #: None where the command has no flag for it
    seen: dict[str, str]  #: what ``observe`` reports when a layer (or "default") wins


KNOBS = [
    Knob(
        "expected_language",
        ["audit", "-f", "json", "--fail-on", "never", "en.txt"],
        _expected_language,
        file='expected_language = "de"',
        env=("GLOSSA_EXPECT", "fr"),
        flag=["--expect", "ru"],
        seen={"default": "en", "file": "de", "env": "fr", "flag": "ru"},
    ),
    Knob(
        "jsonl_field",
        ["audit", "-f", "json", "--fail-on", "never", "records.jsonl"],
        _foreign_texts,
        file='field = "f_file"',
        env=("GLOSSA_FIELD", "f_env"),
        flag=["--field", "f_flag"],
        seen={
            "default": "Привет мир это текст",
            "file": "Добрый вечер друзья мои",
            "env": "Спокойной ночи малыши",
            "flag": "Доброе утро страна",
        },
    ),
    Knob(
        "min_confidence",  # the French sentence is found with confidence 0.995
        ["audit", "-f", "json", "--fail-on", "never", "fr.txt"],
        _foreign_texts,
        file="min_confidence = 1.0",
        env=("GLOSSA_MIN_CONFIDENCE", "0.2"),
        flag=["--min-confidence", "1.0"],
        seen={
            "default": "Le lancement de la fusée a été reporté à demain matin",
            "file": "",
            "env": "Le lancement de la fusée a été reporté à demain matin",
            "flag": "",
        },
    ),
    Knob(
        "include",
        ["audit", "-f", "json", "--fail-on", "never", "tree"],
        _audited,
        file='include = ["*.md"]',
        env=None,
        flag=["--include", "*.html"],
        seen={"default": "tree/a.txt|tree/b.md|tree/c.html", "file": "tree/b.md", "flag": "tree/c.html"},
    ),
    Knob(
        "exclude",
        ["audit", "-f", "json", "--fail-on", "never", "tree"],
        _audited,
        file='exclude = ["*.md"]',
        env=None,
        flag=["--exclude", "*.html"],
        seen={
            "default": "tree/a.txt|tree/b.md|tree/c.html",
            "file": "tree/a.txt|tree/c.html",
            "flag": "tree/a.txt|tree/b.md",
        },
    ),
    Knob(
        "glossaries",
        ["glossary", "list", "-f", "json"],
        _glossary_ids,
        file='glossary = ["g-file.toml"]',
        env=("GLOSSA_GLOSSARY", "g-env.toml"),
        flag=["-g", "g-flag.toml"],
        seen={"default": "space|web-chrome", "file": "g-file", "env": "g-env", "flag": "g-flag"},
    ),
    Knob(
        "models_dir",
        ["models", "list"],
        _models_dir,
        file='models_dir = "m_file"',
        env=("GLOSSA_MODELS_DIR", "m_env"),
        flag=["--models-dir", "m_flag"],
        # a config file's relative path is relative to the file's folder; a variable's or flag's to the cwd
        seen={"default": "HOME/models", "file": "WORK/m_file", "env": "m_env", "flag": "m_flag"},
    ),
    Knob(
        "max_file_size",
        ["audit", "--fail-on", "never", "big.txt"],
        _file_limit,
        file='max_file_size = "1KB"',
        env=("GLOSSA_MAX_FILE_SIZE", "2KB"),
        flag=None,  # no flag: a per-run cap lives in the config or the environment
        seen={"default": "read", "file": "1024", "env": "2048"},
    ),
    Knob(
        "max_archive_size",
        ["models", "install", "small.argosmodel", "--models-dir", "models"],
        _archive_limit,
        file='max_archive_size = "1KB"',
        env=("GLOSSA_MAX_ARCHIVE_SIZE", "2KB"),
        flag=["--max-size", "3KB"],
        seen={"default": "within limits", "file": "1024", "env": "2048", "flag": "3072"},
    ),
    Knob(
        "max_archive_ratio",
        ["models", "install", "bomb.argosmodel", "--models-dir", "models"],
        _archive_limit,
        file="max_archive_ratio = 10",
        env=("GLOSSA_MAX_ARCHIVE_RATIO", "20"),
        flag=["--max-ratio", "30"],
        seen={"default": "200", "file": "10", "env": "20", "flag": "30"},
    ),
    # --executor and --ray-address belong to audit and translate; `glossa config` shows the file and env
    # layers, and tests/app/test_ray_executor.py that the flags reach the settings.
    Knob(
        "executor",
        ["config", "-f", "json"],
        _setting("executor"),
        file='executor = "ray"',
        env=("GLOSSA_EXECUTOR", "local"),
        flag=None,
        seen={"default": "local", "file": "ray", "env": "local"},
    ),
    Knob(
        "ray_address",
        ["config", "-f", "json"],
        _setting("ray_address"),
        file='ray_address = "10.0.0.1:6379"',
        env=("RAY_ADDRESS", "10.0.0.2:6379"),
        flag=None,
        seen={"default": "", "file": "10.0.0.1:6379", "env": "10.0.0.2:6379"},
    ),
]


def _combinations(knob: Knob) -> list[tuple[str, ...]]:
    """No layer, the lowest alone, every pair (each shows one rank) and all three together."""
    have = [layer for layer in LAYERS if layer in knob.seen]
    every = [tuple(layer for i, layer in enumerate(have) if mask >> i & 1) for mask in range(1 << len(have))]
    return sorted((c for c in every if len(c) != 1 or c[0] == have[0]), key=lambda c: (len(c), c))


CASES = [
    pytest.param(knob, layers, id=f"{knob.name}-{'+'.join(layers) or 'default'}")
    for knob in KNOBS
    for layers in _combinations(knob)
]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding the inputs and no config file (the repository's pyproject is elsewhere)."""
    folder = tmp_path / "work"
    folder.mkdir()
    _setup(folder)
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize(("knob", "layers"), CASES)
def test_the_highest_layer_given_wins(
    knob: Knob, layers: tuple[str, ...], workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = list(knob.command)
    if "file" in layers:
        (workdir / "glossa.toml").write_text(knob.file + "\n", encoding="utf-8")
    if "env" in layers:
        assert knob.env is not None
        monkeypatch.setenv(*knob.env)
    if "flag" in layers:
        assert knob.flag is not None
        args += knob.flag
    result = runner.invoke(app, args)
    winner = layers[-1] if layers else "default"
    expected = knob.seen[winner].replace("HOME", os.environ["GLOSSA_HOME"]).replace("WORK", str(workdir))
    assert knob.observe(result) == expected, result.output


# ----------------------------------------------------------------------------- fail_on: every layer counts


@pytest.mark.parametrize(
    ("file", "env", "flag", "code"),
    [
        pytest.param(None, None, None, 1, id="default-warning"),
        pytest.param("error", None, None, 0, id="file"),
        pytest.param("warning", "error", None, 0, id="env-over-file"),
        pytest.param("error", "error", "warning", 1, id="flag-over-env-and-file"),
        pytest.param("warning", "warning", "never", 0, id="flag-never"),
    ],
)
def test_fail_on_follows_the_same_precedence(
    file: str | None,
    env: str | None,
    flag: str | None,
    code: int,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = ["audit", "fr.txt"]  # one foreign-text warning: exit 1 at "warning", 0 at "error"
    if file is not None:
        (workdir / "glossa.toml").write_text(f'fail_on = "{file}"\n', encoding="utf-8")
    if env is not None:
        monkeypatch.setenv("GLOSSA_FAIL_ON", env)
    if flag is not None:
        args += ["--fail-on", flag]
    assert runner.invoke(app, args).exit_code == code


# ------------------------------------------------------------------------------ which config file is read


def _expect_with(*root_options: str) -> str:
    result = runner.invoke(app, [*root_options, "audit", "-f", "json", "--fail-on", "never", "en.txt"])
    assert result.exit_code == 0, result.output
    return _expected_language(result)


def test_pyproject_tool_glossa_is_read(workdir: Path) -> None:
    (workdir / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.glossa]\nexpected_language = "de"\n', encoding="utf-8"
    )
    assert _expect_with() == "de"


def test_a_pyproject_without_tool_glossa_means_defaults(workdir: Path) -> None:
    (workdir / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert _expect_with() == "en"


def test_glossa_toml_wins_over_pyproject(workdir: Path) -> None:
    (workdir / "pyproject.toml").write_text('[tool.glossa]\nexpected_language = "de"\n', encoding="utf-8")
    (workdir / "glossa.toml").write_text('expected_language = "fr"\n', encoding="utf-8")
    assert _expect_with() == "fr"


def test_config_flag_replaces_the_working_directory_files(workdir: Path, tmp_path: Path) -> None:
    (workdir / "pyproject.toml").write_text('[tool.glossa]\nexpected_language = "de"\n', encoding="utf-8")
    (workdir / "glossa.toml").write_text('expected_language = "fr"\nfield = "f_file"\n', encoding="utf-8")
    elsewhere = tmp_path / "settings.toml"
    elsewhere.write_text('expected_language = "it"\n', encoding="utf-8")
    assert _expect_with("--config", str(elsewhere)) == "it"
    # Nothing of glossa.toml leaks in: its field setting is not used either.
    plain = tmp_path / "plain.toml"
    plain.write_text("jobs = 1\n", encoding="utf-8")
    result = runner.invoke(
        app, ["--config", str(plain), "audit", "-f", "json", "--fail-on", "never", "records.jsonl"]
    )
    assert _foreign_texts(result) == "Привет мир это текст"


def test_config_flag_file_ranks_below_environment_and_flags(
    workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "settings.toml"
    elsewhere.write_text('expected_language = "it"\n', encoding="utf-8")
    monkeypatch.setenv("GLOSSA_EXPECT", "fr")
    assert _expect_with("--config", str(elsewhere)) == "fr"
    result = runner.invoke(
        app,
        ["--config", str(elsewhere), "audit", "-f", "json", "--fail-on", "never", "--expect", "ru", "en.txt"],
    )
    assert _expected_language(result) == "ru"


def test_an_empty_environment_variable_counts_as_unset(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "glossa.toml").write_text('expected_language = "de"\n', encoding="utf-8")
    monkeypatch.setenv("GLOSSA_EXPECT", "")
    assert _expect_with() == "de"

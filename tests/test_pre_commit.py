"""The pre-commit hooks (``.pre-commit-hooks.yaml``) work as a user's ``.pre-commit-config.yaml`` runs them.

``pre-commit try-repo`` installs this checkout into its own virtual environment (pip, from the configured
package index) and runs the hooks in a temporary git repository; ``pre-commit run`` with the README's
config snippet does the same. Each builds an environment (pip, about 80 s), so the test is slow: 150 s
measured on two shared cores.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline.formats import SUFFIXES
from pipeline.schemas import SCHEMA_IDS

REPO = Path(__file__).resolve().parent.parent
HOOKS = REPO / ".pre-commit-hooks.yaml"
GIT = ["git", "-c", "user.name=Glossa test", "-c", "user.email=test@example.invalid"]
GIT += ["-c", "commit.gpgsign=false"]

PROJECT_GLOSSARY = """\
[glossary]
id = "project"
title = "Project terms"
version = "1"
languages = ["en"]

[[concept]]
id = "gateway"
category = "station"
en = { term = "Lunar Gateway", forbidden = ["Moon Gate"] }
"""


def _hooks() -> list[dict[str, object]]:
    data = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_hooks_select_exactly_the_files_glossa_reads() -> None:
    hooks = {h["id"]: h for h in _hooks()}
    assert set(hooks) == {"glossa-audit", "glossa-glossary-check"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is True
        pattern = re.compile(str(hook["files"]))
        for suffix in SUFFIXES:
            assert pattern.search(f"docs/a{suffix}"), suffix
            assert pattern.search(f"docs/A{suffix.upper()}"), suffix
        for other in ("a.py", "a.json", "a.toml", "a.txt.bak", "md", "a.png"):
            assert not pattern.search(other), other


def _commit_tree(source: Path, dest: Path) -> None:
    """Copy the working tree's tracked and unignored files into a fresh repository and commit them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=source,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        name = os.fsdecode(raw)
        if (source / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, dest / name)
    subprocess.run([*GIT, "init", "-q"], cwd=dest, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "snapshot"], cwd=dest, check=True)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the hooks must use their own install
    env["PRE_COMMIT_HOME"] = str(home)
    env["NO_COLOR"] = "1"
    return env


def _pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=project,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.slow
def test_pre_commit_try_repo_runs_both_hooks(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    checkout = tmp_path / "glossa"
    checkout.mkdir()
    _commit_tree(REPO, checkout)

    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "samples" / "soyuz-ms-26-landing-wire.txt", project / "wire.txt")  # Russian left in
    (project / "terms.md").write_text("# Plans\n\nThe Moon Gate will orbit the Moon.\n", encoding="utf-8")
    (project / "clean.md").write_text("# Notes\n\nThe crew arrived at the station.\n", encoding="utf-8")
    (project / "notes.py").write_text("# Источник: ТАСС\n", encoding="utf-8")  # not a document
    (project / "project.toml").write_text(PROJECT_GLOSSARY, encoding="utf-8")
    (project / "glossa.toml").write_text('glossary = ["project.toml"]\n', encoding="utf-8")
    subprocess.run([*GIT, "init", "-q"], cwd=project, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=project, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "project"], cwd=project, check=True)

    home = tmp_path / "pre-commit-home"
    files = ["--files", "wire.txt", "terms.md", "clean.md", "notes.py"]
    result = _pre_commit(project, home, "try-repo", str(checkout), *files)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    audit, _, check = output.partition("glossa glossary check")
    assert re.search(r"glossa audit\.+Failed", audit), output
    assert "- exit code: 1" in audit
    assert "wire.txt:3:256" in audit
    assert "wire.txt:7:1" in audit
    assert "terms.md" not in audit  # the audit finds nothing there, and names only files with findings
    assert re.match(r"\.+Failed", check), output
    assert "terms.md:3:5" in check  # the project glossary (glossa.toml) forbids "Moon Gate"
    assert "Lunar Gateway" in check
    assert "wire.txt:" not in check
    assert "notes.py" not in output  # not a file type Glossa reads

    # The README's .pre-commit-config.yaml, pointed at the checkout: clean files pass both hooks. Unlike
    # try-repo (a throw-away store), `pre-commit run` keeps its environment in PRE_COMMIT_HOME.
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=checkout, check=True, capture_output=True, text=True
    )
    config = f"repos:\n  - repo: {checkout}\n    rev: {rev.stdout.strip()}\n    hooks:\n"
    config += "      - id: glossa-audit\n      - id: glossa-glossary-check\n"
    (project / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    clean = _pre_commit(project, home, "run", "--files", "clean.md", "notes.py")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"glossa audit\.+Passed", clean.stdout), clean.stdout
    assert re.search(r"glossa glossary check\.+Passed", clean.stdout), clean.stdout

    # That environment is a plain `pip install` of the checkout: it carries the JSON Schemas too.
    (python,) = home.glob("repo*/py_env-*/bin/python")
    probe = "import pipeline.schemas as s; print(s.__file__, len([s.load_schema(i) for i in s.SCHEMA_IDS]))"
    shipped = subprocess.run(
        [python, "-c", probe], env=_env(home), cwd=tmp_path, capture_output=True, text=True
    )
    assert shipped.returncode == 0, shipped.stderr
    where, count = shipped.stdout.split()
    assert Path(where).is_relative_to(home)
    assert int(count) == len(SCHEMA_IDS)

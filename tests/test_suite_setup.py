"""The suite's set-up: `make test` keeps every test, `make test-fast` skips slow ones, doctests run once."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"


def _recipe(target: str) -> list[str]:
    """The command lines of a Makefile target."""
    lines = (REPO / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"{re.escape(target)}:", line))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def _ini() -> dict[str, Any]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(data["tool"]["pytest"]["ini_options"])


def _addopts() -> list[str]:
    return [str(option) for option in _ini()["addopts"]]


def test_make_test_runs_every_test() -> None:
    (command,) = [line for line in _recipe("test") if "pytest" in line]
    assert command == "$(BIN)/pytest"
    assert not [o for o in _addopts() if o.startswith(("-m", "-k", "--deselect", "--ignore"))]


def test_make_test_fast_drops_only_the_slow_tests() -> None:
    (command,) = [line for line in _recipe("test-fast") if "pytest" in line]
    assert command == '$(BIN)/pytest -m "not slow"'
    assert "slow" in [str(marker).split(":")[0] for marker in _ini()["markers"]]


def test_doctests_are_collected_once() -> None:
    """tests/test_doctests.py runs every module's doctests; nothing else may run them again."""
    assert "--doctest-modules" not in _addopts()
    assert _ini()["testpaths"] == ["tests"]
    others = [
        path.relative_to(REPO).as_posix()
        for path in sorted(TESTS.rglob("*.py"))
        if path.name not in ("test_doctests.py", "test_suite_setup.py")
        and "doctest.testmod" in path.read_text(encoding="utf-8")
    ]
    assert others == []

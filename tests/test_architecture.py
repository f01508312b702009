"""The layout docs/architecture.md describes, checked: imports go down the layers, functions stay short.

Every import counts, including those inside functions (lazy imports) and under ``TYPE_CHECKING``: a type
that a lower layer needs from a higher one belongs lower.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "pipeline"

# Higher ranks may import lower ones (and their own layer); docs/architecture.md has the same table.
RANK = {
    "cli": 10,
    "app": 9,
    "render": 8,
    "translation": 7,
    "glossary": 6,
    "detection": 5,
    "formats": 4,
    "text": 3,
    "config": 2,
    "document": 1,
    "errors": 1,
    "schemas": 1,
}
MAX_FUNCTION_LINES = 80


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "pipeline" or len(parts) == 1:
        return None
    return parts[1]


def test_every_top_level_part_has_a_layer() -> None:
    parts = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in _modules()}
    assert parts - {"__init__", "__main__", "py.typed"} == set(RANK)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_imports_only_go_down(path: Path) -> None:
    module = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
    own = _layer(module)
    if own not in RANK:
        return  # pipeline/__init__.py and __main__.py sit above everything
    upward = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            upward.append(f"line {node.lineno}: a relative import (write the absolute module)")
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            target = _layer(name)
            if target in RANK and target != own and RANK[target] >= RANK[own]:
                upward.append(f"line {node.lineno}: {name}")
    assert not upward, f"{own} imports a layer at or above it: {upward}"


def test_no_function_over_80_lines() -> None:
    long = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, long


def test_every_module_says_its_job() -> None:
    silent = [
        p.relative_to(REPO).as_posix()
        for p in _modules()
        if not (ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) or "").strip()
    ]
    assert not silent, silent


def test_architecture_doc_lists_every_module() -> None:
    """docs/architecture.md's module table is generated: `cog -r docs/architecture.md`."""
    from cogapp import Cog

    assert Cog().main(["cog", "--check", str(REPO / "docs" / "architecture.md")]) == 0

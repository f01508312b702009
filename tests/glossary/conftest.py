"""Fixtures for the glossary tests: the small fixture glossary and the CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini.toml"
REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "samples" / "us-russia-space-cooperation.txt"
SPACE = REPO / "glossaries" / "space.toml"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the fixture glossary."""
    target = tmp_path / "mini.toml"
    shutil.copyfile(MINI, target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()

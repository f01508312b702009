"""Suite-wide fixtures: an isolated Glossa home and a proven-offline environment.

The network guard is pytest-socket, enabled for every test in ``pyproject.toml`` (``--disable-socket
--allow-unix-socket``): any attempt to open an internet socket fails the test. ``test_offline.py`` proves it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["fs_fixture"]  # readonly_dir, full_dir: real read-only and full file systems

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point Glossa's and Argos's data folders at a temporary folder, so no test touches ~/."""
    home = tmp_path_factory.mktemp("glossa-home")
    monkeypatch.setenv("GLOSSA_HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    for name in (
        "GLOSSA_EXPECT",
        "GLOSSA_GLOSSARY",
        "GLOSSA_MODELS_DIR",
        "GLOSSA_FIELD",
        "GLOSSA_JOBS",
        "GLOSSA_MAX_FILE_SIZE",
        "GLOSSA_SHARD_SIZE",
        "GLOSSA_MAX_ARCHIVE_SIZE",
        "GLOSSA_MAX_ARCHIVE_RATIO",
        "GLOSSA_EXECUTOR",
        "RAY_ADDRESS",
    ):
        monkeypatch.delenv(name, raising=False)
    return home


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/ from the current outputs (review the diff before committing).",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether golden files are being regenerated on purpose."""
    return bool(request.config.getoption("--update-golden"))

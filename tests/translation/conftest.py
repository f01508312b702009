"""Fixtures of the translation tests: tiny Argos packages the suite builds (tests/argos_fixture.py)."""

from __future__ import annotations

from argos_fixture import (  # noqa: F401  (pytest finds fixtures by name)
    argos_copy_archive,
    argos_dictionary_archive,
    argos_en_de_archive,
    argos_models_dir,
    argos_random_archive,
)

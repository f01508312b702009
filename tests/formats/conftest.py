"""Fixtures of the format tests: tiny Argos packages (tests/argos_fixture.py) for end-to-end write-back."""

from __future__ import annotations

from argos_fixture import argos_copy_archive, argos_models_dir  # noqa: F401  (pytest finds fixtures by name)

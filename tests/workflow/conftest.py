"""Fixtures of the end-to-end translate tests: the tiny Argos packages the suite builds."""

from argos_fixture import argos_copy_archive, argos_en_de_archive  # noqa: F401  (found by name)

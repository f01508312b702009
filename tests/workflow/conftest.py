"""Fixtures of the end-to-end translate tests: the tiny Argos packages the suite builds."""

from argos_fixture import (  # noqa: F401  (found by name)
    argos_copy_archive,
    argos_dictionary_archive,
    argos_en_de_archive,
)

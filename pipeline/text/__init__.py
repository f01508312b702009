"""Pure text helpers shared by detection, translation and QA: sentences, protected spans, displayable names.

Nothing here reads files; every function maps strings (and :mod:`pipeline.document` values) to values.
"""

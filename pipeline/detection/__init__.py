"""Stray-language detection: script analysis, a word-frequency lexicon test and a statistical detector.

Nothing here imports langdetect, wordfreq or lingua at import time; the adapters load them on first use.
"""

from pipeline.detection.base import CODE_ALIASES, Detector, LangdetectDetector, normalise_code
from pipeline.detection.chrome import ChromeEntry, ChromeIndex, normalise_chrome
from pipeline.detection.stray import AuditOptions, StrayFinder

__all__ = [
    "CODE_ALIASES",
    "AuditOptions",
    "ChromeEntry",
    "ChromeIndex",
    "Detector",
    "LangdetectDetector",
    "StrayFinder",
    "normalise_chrome",
    "normalise_code",
]

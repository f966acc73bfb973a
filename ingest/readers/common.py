"""Metadata keys the readers hand to `normalize` and the pipeline (never stored as such)."""
from __future__ import annotations

# Metadata key telling `normalize` how to clean the text ("markdown" or "text").
TEXT_FORMAT_KEY = "text_format"
# Metadata key carrying a JSONL record's line number from the reader to the pipeline.
LINE_KEY = "_line"

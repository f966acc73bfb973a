"""Metadata keys the readers hand to `normalize` and the pipeline (never stored as such)."""
from __future__ import annotations

# Metadata key telling `normalize` how to clean the text ("markdown" or "text").
TEXT_FORMAT_KEY = "text_format"
# Metadata key carrying a JSONL record's line number from the reader to the pipeline.
LINE_KEY = "_line"
# Metadata key of the department (or agency) that issued a release, from the source's own
# department field (`department` in records, `<meta name="dcterms.creator">` in HTML).
DEPARTMENT_KEY = "department"

"""Turning source files (JSONL, JSON, text, Markdown, HTML) into cleaned, chunked releases.

Modules: `sources` (which files; index folders skipped), `readers` (one module per format: file
-> raw releases), `normalize` (cleaning, dates, language, title cap), `chunking` (sentence-aware
chunks with exact offsets), `guard` (the one per-record guard every stage runs under), `report`
(what an ingest did), `pipeline` (the run). Bad input is reported as `problems.Problem` values,
never raised for a single bad file or record.
"""

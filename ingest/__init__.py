"""Turning source files (JSONL, JSON, text, Markdown, HTML) into cleaned, chunked releases.

Modules: `sources` (which files), `readers` (file -> raw releases), `normalize` (cleaning, dates,
language), `chunking` (sentence-aware chunks with exact offsets). Bad input is reported as
`problems.Problem` values, never raised for a single bad file or record.
"""

"""Sizes every face agrees on, so that the UI never refuses what the assistant would take, nor
the assistant silently cut what the UI let through."""
from __future__ import annotations

# A question, not a document: the chat refuses longer input with a message; the library
# (`Assistant.ask`) cuts it at a space and says so in the answer's notice.
MAX_QUESTION_CHARS = 2000

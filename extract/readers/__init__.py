"""One reader per kind of input, each a module with `recognises(raw)` and `read(raw)`.

`FILE_READERS` is the dispatch table for files: the first reader that recognises the bytes (or
the file name) reads them; plain text comes last and takes the rest. A site address
(`https://...`) is read by `site`, which fetches its pages and reads each as HTML. Adding a kind
of input is one new module and one line here.
"""

from __future__ import annotations

from . import html, pdf, text
from .base import Block, Part, RawInput, ReaderError, SourceText

__all__ = ["FILE_READERS", "Block", "Part", "RawInput", "ReaderError", "SourceText", "read_raw"]

FILE_READERS = (pdf, html, text)


def read_raw(raw: RawInput) -> SourceText:
    """The text of a file already in memory, by the first reader that recognises it."""
    if not raw.data or raw.data.isspace():  # (not data.strip(): that copies a 50 MB file)
        raise ReaderError(f"{raw.name}: the file is empty")
    for reader in FILE_READERS:
        if reader.recognises(raw):
            return reader.read(raw)
    raise AssertionError("the text reader recognises everything")  # pragma: no cover

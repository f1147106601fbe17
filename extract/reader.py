"""Read a policy document into exact text plus what identifies it.

This is the door: it checks the file (exists, regular, not too large), then hands the bytes to
the reader for their kind (`extract/readers/`: text, html, pdf), or a site address to the site
reader. The text is kept exactly as the reader made it, because every offset in the graph
points into it. Repairs happen later, in labels only.
"""

from __future__ import annotations

import stat
from pathlib import Path

from .readers import RawInput, read_raw
from .readers.base import Block, Part, ReaderError, SourceText
from .readers.site import SiteAddress, is_site_address

__all__ = [
    "Block",
    "Part",
    "SourceText",
    "ReaderError",
    "SiteAddress",
    "is_site_address",
    "read_document",
    "read_text",
    "MAX_BYTES",
]

MAX_BYTES = 200 * 1024 * 1024
"""Refuse inputs above this size: a policy document is never that large."""


def read_text(data: bytes, name: str, path: Path | None = None) -> SourceText:
    """Read bytes that are already in memory (plain text, HTML or PDF)."""
    return read_raw(RawInput(data, name, path))


def read_document(path: str | Path) -> SourceText:
    """Read a .txt, .html or .pdf file, or a site from its address, into a `SourceText`."""
    if isinstance(path, str) and is_site_address(path):
        from .readers import site

        return site.read(path if isinstance(path, SiteAddress) else SiteAddress(path))
    path = Path(path)
    try:
        if path.is_dir():
            raise ReaderError(f"{path}: is a folder, not a document")
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            raise ReaderError(f"{path}: not a regular file (a pipe, socket or device?)")
        size = info.st_size
        if size > MAX_BYTES:
            raise ReaderError(
                f"{path.name}: {size / 1e6:.0f} MB is larger than the limit of "
                f"{MAX_BYTES / 1e6:.0f} MB"
            )
        with path.open("rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise ReaderError(f"{path}: no such file") from None
    except PermissionError:
        raise ReaderError(f"{path}: permission denied") from None
    except OSError as err:
        raise ReaderError(f"{path}: cannot read ({err.strerror or err})") from None
    return read_text(data, path.name, path)

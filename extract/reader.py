"""Read a policy document from disk into exact text plus what identifies the file.

The text is kept exactly as decoded (no whitespace repair), because every offset in the graph
points into it. Repairs happen later, in labels only.
"""

from __future__ import annotations

import hashlib
import stat
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SourceText", "ReaderError", "read_document", "read_text", "MAX_BYTES"]

MAX_BYTES = 200 * 1024 * 1024
"""Refuse inputs above this size: a policy document is never that large."""

_BINARY_SNIFF = 8192


class ReaderError(ValueError):
    """The file cannot be turned into text; the message says why, for the user."""


@dataclass(frozen=True)
class SourceText:
    """A document's text and its identity."""

    text: str
    name: str
    sha256: str
    media_type: str
    path: Path | None = None


def _kind(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF") or suffix == ".pdf":
        return "application/pdf"
    if suffix in {".html", ".htm", ".xhtml"}:
        return "text/html"
    low = head[:512].lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    return "text/plain"


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:_BINARY_SNIFF]:
        raise ReaderError(f"{name}: looks like a binary file (NUL bytes), not a text document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        # cp1252 is what Dutch office software writes; it decodes almost any byte string, so only
        # accept it when the result is mostly letters and the UTF-8 failure was not a fluke.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ReaderError(
                f"{name}: cannot decode as UTF-8 (byte {err.start}: {data[err.start : err.start + 4]!r})"
                " nor as Windows-1252; convert the file to UTF-8 first"
            ) from None
        if _control_ratio(text) > 0.01:
            raise ReaderError(
                f"{name}: not UTF-8 and not readable text in Windows-1252 either "
                f"(first bad byte at offset {err.start}); convert the file to UTF-8 first"
            ) from None
    if _control_ratio(text) > 0.01:
        raise ReaderError(f"{name}: contains control characters; it does not look like text")
    return text


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:100_000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / len(sample)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, ValueError) as err:
        raise ReaderError(f"{path.name}: cannot read PDF ({err})") from None
    text = "\n\n".join(p.rstrip() for p in pages)
    if not text.strip():
        raise ReaderError(
            f"{path.name}: the PDF has no text layer (scanned pages?); run OCR first, "
            "e.g. ocrmypdf, and build the OCR'd file"
        )
    return text


_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section", "article"}


def _html_text(data: bytes, name: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(data, name), "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "noscript", "form"]):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in root.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = [line.rstrip() for line in root.get_text().splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip("\n") + "\n"


def read_text(data: bytes, name: str, path: Path | None = None) -> SourceText:
    """Decode bytes that are already in memory (plain text or HTML)."""
    if not data or data.isspace():  # (not data.strip(): that copies a 50 MB file)
        raise ReaderError(f"{name}: the file is empty")
    kind = _kind(path or Path(name), data[:1024])
    if kind == "text/html":
        text = _html_text(data, name)
    elif kind == "application/pdf":
        raise ReaderError(f"{name}: PDF input needs a path on disk")
    else:
        text = _decode(data, name)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text or text.isspace():
        raise ReaderError(f"{name}: contains no text")
    return SourceText(text, name, hashlib.sha256(data).hexdigest(), kind, path)


def read_document(path: str | Path) -> SourceText:
    """Read a .txt, .html or .pdf file into a `SourceText`."""
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
    if size == 0:
        raise ReaderError(f"{path.name}: the file is empty")
    if _kind(path, data[:1024]) == "application/pdf":
        text = _pdf_text(path)
        return SourceText(
            text, path.name, hashlib.sha256(data).hexdigest(), "application/pdf", path
        )
    return read_text(data, path.name, path)

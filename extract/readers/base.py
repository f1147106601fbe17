"""What every reader returns and raises, and the decoding they share.

The text is kept exactly as the reader made it (no later whitespace repair), because every
offset in the graph points into it. Repairs happen later, in labels only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Block",
    "LayoutText",
    "Part",
    "RawInput",
    "ReaderError",
    "SourceText",
    "decode",
    "tidy",
]

_BINARY_SNIFF = 8192


class ReaderError(ValueError):
    """The input cannot be turned into text; the message says why, for the user."""


@dataclass(frozen=True)
class Block:
    """One layout block of the text a reader made: `text[start:end]` is a heading (with its
    level, 1 = largest), a paragraph, a list item or a table row. Readers of plain text give
    none; the structure reader may use them, or read the lines alone."""

    kind: str  # heading | paragraph | item | row
    start: int
    end: int
    level: int = 0


@dataclass(frozen=True)
class Part:
    """A stretch of the text that came from one page of a site: `text[start:end]` is `url`."""

    url: str
    start: int
    end: int


@dataclass(frozen=True)
class SourceText:
    """A document's text and its identity."""

    text: str
    name: str
    sha256: str
    media_type: str
    path: Path | None = None
    blocks: tuple[Block, ...] = ()
    parts: tuple[Part, ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class RawInput:
    """A file's bytes as read from disk (or handed over in memory), before any reader."""

    data: bytes
    name: str
    path: Path | None = None


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 when that reads as text."""
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


def tidy(text: str, name: str) -> str:
    """Unix line ends, and a clear error when nothing readable is left."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text or text.isspace():
        raise ReaderError(f"{name}: contains no text")
    return text


class LayoutText:
    """Text made of blocks, one per line: a blank line between blocks, a single line break
    between the items of one list or the rows of one table (`tight`). Keeps each block's
    offsets, so that the `Block`s point into the finished text."""

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._length = 0
        self.blocks: list[Block] = []

    def add(self, kind: str, text: str, level: int = 0, tight: bool = False) -> None:
        text = text.strip()
        if not text:
            return
        if self._pieces:
            self._put("\n" if tight else "\n\n")
        start = self._length
        self._put(text)
        self.blocks.append(Block(kind, start, self._length, level))

    def records(self) -> list[tuple[str, str, int, bool]]:
        """(kind, text, level, tight) per block: what `add` was given."""
        text = "".join(self._pieces)
        return [
            (b.kind, text[b.start : b.end], b.level, b.start > 0 and text[b.start - 2] != "\n")
            for b in self.blocks
        ]

    def extend(self, other: LayoutText) -> tuple[int, int]:
        """Append another layout text (a blank line between); where it now starts and ends."""
        body = other.text().rstrip("\n")
        if not body:
            return self._length, self._length
        if self._pieces:
            self._put("\n\n")
        start = self._length
        self._put(body)
        self.blocks.extend(
            Block(b.kind, b.start + start, b.end + start, b.level) for b in other.blocks
        )
        return start, self._length

    def _put(self, piece: str) -> None:
        self._pieces.append(piece)
        self._length += len(piece)

    def text(self) -> str:
        return "".join(self._pieces) + "\n" if self._pieces else ""

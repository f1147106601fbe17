"""Query texts the guard has let through, shared by all query workers (shared memory).

The guard parses each text with rdflib's grammar (70-150 ms for a named query) and each worker
remembers its own verdicts; without this table a text is parsed once per worker, and a worker
that keeps a connection (it reads the client's requests itself) learns nothing of what the
others have parsed. Here a worker that let a text through writes its digest, and any worker
looks a text up before it parses it.

A table of 64-bit digests (BLAKE2b of the text) in shared memory, open addressing. No lock:
a slot is one aligned 8-byte word, so a reader sees either nothing or a whole digest. Two
workers writing one slot at once lose one of the two entries, and a full table overwrites:
either way a text is only parsed again, never let through unparsed.
"""

from __future__ import annotations

import ctypes
import hashlib

__all__ = ["PassedTexts"]

SLOTS = 8192  # 64 KiB: eight times the texts each worker keeps its own verdict of
PROBES = 8


def _digest(text: str) -> int:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") | 1  # never 0: 0 is an empty slot


class PassedTexts:
    """`add(text)` after the guard let `text` through; `text in table` before parsing it."""

    def __init__(self, ctx, slots: int = SLOTS) -> None:
        self.slots = ctx.RawArray(ctypes.c_uint64, slots)

    def __contains__(self, text: str) -> bool:
        digest = _digest(text)
        slots = self.slots
        home = digest % len(slots)
        for probe in range(PROBES):
            value = slots[(home + probe) % len(slots)]
            if value == digest:
                return True
            if value == 0:
                return False
        return False

    def add(self, text: str) -> None:
        digest = _digest(text)
        slots = self.slots
        home = digest % len(slots)
        for probe in range(PROBES):
            at = (home + probe) % len(slots)
            if slots[at] in (0, digest):
                slots[at] = digest
                return
        slots[home] = digest  # full around its place: the oldest there goes

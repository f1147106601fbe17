"""Plain text (.txt, .md): decoded exactly, nothing else."""

from __future__ import annotations

import hashlib

from .base import RawInput, SourceText, decode, tidy

MEDIA_TYPE = "text/plain"


def recognises(raw: RawInput) -> bool:
    return True  # the last entry of the dispatch table: what is nothing else is text


def read(raw: RawInput) -> SourceText:
    text = tidy(decode(raw.data, raw.name), raw.name)
    return SourceText(text, raw.name, hashlib.sha256(raw.data).hexdigest(), MEDIA_TYPE, raw.path)

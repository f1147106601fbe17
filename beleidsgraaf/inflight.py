"""Work handed to workers and taken back in the order given, a bounded number at a time.

Both ways of building on workers (`--n-process`, `--cluster`) write the store in this process,
in the order of the documents; this is the one loop that keeps the workers busy meanwhile
without holding every document's result in memory.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

__all__ = ["in_order"]

T = TypeVar("T")
F = TypeVar("F")


def in_order(items: Iterable[T], submit: Callable[[T], F], window: int) -> Iterator[tuple[T, F]]:
    """(item, submit(item)) in the order of `items`, with at most `window` submitted and not
    yet taken: the caller waits on each future as it gets it."""
    futures: deque[tuple[T, F]] = deque()
    todo = iter(items)
    while True:
        while len(futures) < window:
            item = next(todo, None)
            if item is None:
                break
            futures.append((item, submit(item)))
        if not futures:
            return
        yield futures.popleft()

"""Read ahead: produce the next item in a thread while the current one is used.

Polars releases the GIL, so producing item n+1 overlaps using item n on the other core. The
producer starts an item only once the consumer has taken the previous one, so at most two items
of a stage are in memory: the one being used and the one being made. The engine chains two such
stages (parse, then prepare).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


def prefetched(items: Iterator[T]) -> Generator[T, None, None]:
    """Yield ``items`` in order, computing the next one in a background thread.

    An exception raised while producing an item is raised here, in order. Closing the returned
    generator early stops the producer after the item it is working on.
    """
    slots: queue.Queue[object] = queue.Queue(maxsize=1)
    turn = threading.Semaphore(1)
    stop = threading.Event()

    def produce() -> None:
        try:
            while True:
                turn.acquire()
                if stop.is_set():
                    return
                item = next(items, _DONE)
                slots.put(item)
                if item is _DONE:
                    return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            slots.put(exc)

    worker = threading.Thread(target=produce, name="lgrshare-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = slots.get()
            turn.release()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        turn.release()
        worker.join()

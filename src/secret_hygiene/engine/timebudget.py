"""A wall-clock budget for one piece of work that Python's `re` may spend forever on.

A custom rule from a repository's config can backtrack exponentially (`(a|aa)+b` took 99 s
on 42 characters). `re` checks for signals while it matches, so a SIGALRM timer interrupts
it. Signals reach only the main thread: elsewhere (and where setitimer is missing) the work
runs unbounded, as before.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class OverBudget(Exception):
    """The work ran past its budget and was stopped."""


@contextmanager
def limit(seconds: float) -> Iterator[None]:
    """Raise OverBudget inside the block once `seconds` have passed."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise OverBudget

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

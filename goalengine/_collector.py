"""The cyclic garbage collector, paused while many small objects are made and kept.

Judging goals and reading a data file allocate containers by the hundred thousand (steps,
phrases, one observation per row) that reference counting frees or the result keeps:
almost none is ever part of a cycle. CPython's collector still runs over them again and
again, and in full passes over every object of the process; that was a fifth of the
scalar API's time and a quarter of reading a 100,000-row CSV. This is the one global
state goalengine touches.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collection_paused"]


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector while goals are judged or data is read.

    Judging a goal allocates a hundred-odd containers (steps, phrases, the rule's values)
    that reference counting frees or the result keeps: almost none is ever part of a
    cycle. The collector still ran about 200 times per 2,000 goals, once or twice a full
    pass over every object of the process (the whole dataset), and took a fifth of the
    scalar API's time. Nothing is leaked: what little cyclic garbage there is gets
    collected once the collector runs again. A collector the caller had disabled stays
    disabled; with several threads judging, the first to finish switches it back on
    (the others only lose the speed-up).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
